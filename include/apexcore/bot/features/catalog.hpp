#pragma once
/// @file catalog.hpp
/// The catalog feature, for staff: the products from Discord, without the products file.
/// - `/product add main_category sub_category service variant price [description] [delivery]
///   [stock] [duration_days] [role]` — a new product, checked field by field (a refusal names the
///   field and the rule, core::describe(product_error));
/// - `/product edit product [price] [description] [delivery] [duration_days] [service] [variant]`
///   — changes only the fields given;
/// - `/product disable|enable|show product` — switch it off (kept for its orders) or on, or see
///   every field;
/// - `/catalog export` — every product as a CSV file (core::write_catalog_csv);
/// - `/catalog import file [update]` — a CSV attachment (core/catalog_csv.hpp): good lines are
///   stored in one transaction, bad ones skipped, and the per-line report comes back as a file
///   (import-report.csv). Needs the outbound port to download the attachment.
/// `product` options autocomplete over every product, switched-off ones included. Each change
/// is told to the audit log by the catalog service.

#include <apexcore/bot/feature.hpp>
#include <apexcore/ports/chat_actions.hpp>
#include <apexcore/services/catalog_service.hpp>

#include <span>
#include <string_view>

namespace apexcore::bot {

/// /product and /catalog. Thread-safe; `catalog` and `actions` (may be null: then no import)
/// must outlive it.
class catalog_feature final : public feature {
public:
    catalog_feature(const bot_config& config, services::catalog_service& catalog, ports::chat_actions* actions);

    [[nodiscard]] std::string name() const override { return "catalog"; }
    [[nodiscard]] std::vector<ports::command_spec> commands() const override;
    ports::interaction_response on_command(const ports::interaction& i, const ports::command_invocation& c) override;
    ports::interaction_response on_autocomplete(const ports::interaction& i, const ports::autocomplete_request& a) override;

    /// The largest CSV /catalog import downloads: core::catalog_csv_bytes_max (4 MiB).
    static constexpr std::size_t import_bytes_max = 4u << 20;

private:
    ports::interaction_response add(const ports::interaction& i, const ports::command_invocation& c);
    ports::interaction_response edit(const ports::interaction& i, const ports::command_invocation& c, core::product p);
    ports::interaction_response import(const ports::interaction& i, const ports::command_invocation& c);

    const bot_config& config_;
    services::catalog_service& catalog_;
    ports::chat_actions* actions_;
};

/// The product staff named in a command option: a picked suggestion carries its id; typed text
/// must match exactly one product (names, categories, tags; catalog_service::search). nullopt
/// when none or several match. `include_inactive`: switched-off products count too.
[[nodiscard]] std::optional<core::product> product_named(services::catalog_service& catalog, std::string_view typed,
                                                         bool include_inactive);

/// Why an import's file was not fetched: the sentence staff read.
struct import_file_error {
    std::string text;
};

/// Downloads a staff member's upload for an import (/catalog import, /keys import): its declared
/// size is checked first, so a file over `max_bytes` costs no download; then at most `max_bytes`
/// of one of `types` (ports::chat_actions::download_attachment). The error's text is what staff read
/// ("`big.csv` is 5000 KiB; an import takes up to 4096 KiB (<limit_hint>). Split it …").
[[nodiscard]] core::result<std::string, import_file_error> fetch_import_file(ports::chat_actions& actions,
                                                                       const ports::attachment_info& upload, std::size_t max_bytes,
                                                                       std::span<const std::string> types,
                                                                       std::string_view limit_hint);

/// Every field of a product for staff, as an embed (/product show, and after add and edit).
[[nodiscard]] ports::embed product_admin_view(const core::product& p);

}  // namespace apexcore::bot
