#pragma once
/// @file wallet.hpp
/// The wallet feature:
///   /balance                               the caller's balance (ephemeral)
///   /transactions                          the caller's ledger, 10 rows a page, with an "Older" button
///   /addbalance user amount [reason]        staff: preview a credit; its Confirm button applies it
///   /removebalance user amount reason       staff: preview a debit (never below zero); Confirm applies it
///   /wallet show user                        staff: a member's balance and newest ledger rows
///
/// A staff wallet change is a preview first (services::wallet_service::propose): the amount,
/// the balance before and after, the reason and the member's last entries, with Confirm and
/// Cancel buttons. Nothing moves until Confirm, which is one-time — pressing it twice, or again
/// after a lost reply, applies the change once and says so. A preview can be confirmed for 15
/// minutes, only by the staff member who asked for it. custom_ids: "wal:c:<token>" (Confirm),
/// "wal:x:<token>" (Cancel); the token is the preview interaction's id; "wal:t:<entry id>" (the
/// next /transactions page: rows older than that entry, of whoever presses it).

#include <apexcore/bot/feature.hpp>
#include <apexcore/services/wallet_service.hpp>

namespace apexcore::bot {

/// /balance, /transactions, /addbalance, /removebalance, /wallet. Thread-safe; `wallet` must outlive it.
class wallet_feature final : public feature {
public:
    wallet_feature(const bot_config& config, services::wallet_service& wallet);

    [[nodiscard]] std::string name() const override { return "wallet"; }
    [[nodiscard]] std::vector<ports::command_spec> commands() const override;
    [[nodiscard]] std::vector<std::string> namespaces() const override { return {"wal"}; }
    ports::interaction_response on_command(const ports::interaction& i, const ports::command_invocation& c) override;
    ports::interaction_response on_component(const ports::interaction& i, const ports::component_action& a) override;

    /// Ledger rows /wallet show lists, and one /transactions page.
    static constexpr std::size_t shown_entries = 10;

private:
    ports::interaction_response propose(const ports::interaction& i, const ports::command_invocation& c,
                                        core::staff_action action);
    ports::interaction_response confirm(const ports::interaction& i, const std::string& token);
    ports::interaction_response cancel(const ports::interaction& i, const std::string& token);
    ports::interaction_response show(const ports::interaction& i, const ports::command_invocation& c);
    ports::interaction_response transactions(const ports::interaction& i, std::optional<core::ledger_entry_id> before);

    const bot_config& config_;
    services::wallet_service& wallet_;
};

}  // namespace apexcore::bot
