#pragma once
/// @file keys.hpp
/// The keys feature, for staff: the license key inventory from Discord.
/// - `/keys import product file` — a text file with one key per line, checked against the shop's
///   key pattern; the good keys are stored in one transaction and the per-line report comes back
///   as a file (keys-report.csv). Needs the outbound port to download the attachment.
/// - `/keys stats` — per product: available, reserved, used, requested.
/// - `/keys export [product]` — the keys as a CSV file (license_service::export_csv).
/// - `/keys request product user reason` — takes a key aside for a member (a replacement, a
///   goodwill key) and posts the request in the orders log, where staff **Approve** (the member
///   gets the key by DM) or **Decline** (the key is available again): "kq:a:<key id>" and
///   "kq:d:<key id>", staff only, once.

#include <apexcore/bot/feature.hpp>
#include <apexcore/ports/chat_actions.hpp>
#include <apexcore/services/catalog_service.hpp>
#include <apexcore/services/license_service.hpp>

namespace apexcore::bot {

/// /keys and the request review buttons. Thread-safe; the services and `actions` (may be null:
/// then no import) must outlive it.
class keys_feature final : public feature {
public:
    keys_feature(const bot_config& config, services::license_service& keys, services::catalog_service& catalog,
                 ports::chat_actions* actions);

    [[nodiscard]] std::string name() const override { return "keys"; }
    [[nodiscard]] std::vector<ports::command_spec> commands() const override;
    [[nodiscard]] std::vector<std::string> namespaces() const override { return {"kq"}; }
    ports::interaction_response on_command(const ports::interaction& i, const ports::command_invocation& c) override;
    ports::interaction_response on_component(const ports::interaction& i, const ports::component_action& a) override;
    ports::interaction_response on_autocomplete(const ports::interaction& i, const ports::autocomplete_request& a) override;

    /// The largest key file /keys import downloads: 4 MiB (license_service::import_keys' limit).
    static constexpr std::size_t import_bytes_max = 4u << 20;

private:
    ports::interaction_response import(const ports::interaction& i, const ports::command_invocation& c, const core::product& p);
    ports::interaction_response stats(const ports::interaction& i);

    const bot_config& config_;
    services::license_service& keys_;
    services::catalog_service& catalog_;
    ports::chat_actions* actions_;
};

}  // namespace apexcore::bot
