#pragma once
/// @file shop_bot.hpp
/// The platform-neutral shop bot: its command table and the flows behind it, on the neutral
/// message model of ports/. A chat adapter (e.g. apexcore::discord) turns platform events into
/// ports::interaction, calls `handle`, and sends the returned response.
///
/// Commands:
///   /balance                       the caller's wallet balance (ephemeral)
///   /buy                           product select -> product card with "Buy with wallet" ->
///                                  ephemeral confirmation with the order id
///   /addbalance user amount [reason]  staff only: credit a wallet (ledger type staff_credit)

#include <apexcore/core/ids.hpp>
#include <apexcore/core/money.hpp>
#include <apexcore/ports/chat.hpp>
#include <apexcore/services/catalog_service.hpp>
#include <apexcore/services/wallet_service.hpp>

#include <functional>
#include <string_view>
#include <vector>

namespace apexcore::bot {

/// What the bot needs to know about the shop it runs.
struct shop_config {
    core::guild_id guild;        ///< the guild the shop lives in
    core::role_id staff_role;    ///< members holding it may use staff commands
    core::currency currency = core::usd;  ///< prices and wallets are in this currency
};

/// The shop bot. Stateless between interactions: all state lives in the store and in custom_ids.
/// Thread-safe: handle() may run on several worker threads at once (discord_runtime does).
class shop_bot {
public:
    /// Services must outlive the bot. `log` receives one line per unexpected failure.
    shop_bot(shop_config config, services::wallet_service& wallet, services::catalog_service& catalog,
             std::function<void(std::string_view)> log = {});

    /// The slash commands to register (Discord: bulk overwrite of guild commands).
    [[nodiscard]] std::vector<ports::command_spec> commands() const;

    /// Answers one interaction. Never throws: storage failures become an ephemeral apology
    /// (and a log line) after which nothing has been charged, because every money movement is
    /// one transaction.
    [[nodiscard]] ports::interaction_response handle(const ports::interaction& interaction);

private:
    ports::interaction_response on_command(const ports::interaction& i, const ports::command_invocation& c);
    ports::interaction_response on_component(const ports::interaction& i, const ports::component_action& a);
    ports::interaction_response balance(const ports::interaction& i);
    ports::interaction_response open_shop();
    ports::interaction_response show_product(const ports::interaction& i, const ports::component_action& a);
    ports::interaction_response buy(const ports::interaction& i, core::product_id product, std::int64_t price_minor);
    ports::interaction_response add_balance(const ports::interaction& i, const ports::command_invocation& c);
    [[nodiscard]] bool is_staff(const ports::invoker& who) const;

    shop_config config_;
    services::wallet_service& wallet_;
    services::catalog_service& catalog_;
    std::function<void(std::string_view)> log_;
};

/// An ephemeral reply with `text`.
[[nodiscard]] ports::interaction_response ephemeral_reply(std::string text);

}  // namespace apexcore::bot
