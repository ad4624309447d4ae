#pragma once
/// @file wallet.hpp
/// The wallet feature: `/balance` (the caller's balance, ephemeral) and, for staff,
/// `/addbalance user amount [reason]` (a staff credit in the ledger, with the interaction id as
/// its idempotency key, so a duplicated delivery credits once).

#include <apexcore/bot/feature.hpp>
#include <apexcore/services/wallet_service.hpp>

namespace apexcore::bot {

/// /balance and /addbalance. Thread-safe; `wallet` must outlive it.
class wallet_feature final : public feature {
public:
    wallet_feature(const bot_config& config, services::wallet_service& wallet);

    [[nodiscard]] std::string name() const override { return "wallet"; }
    [[nodiscard]] std::vector<ports::command_spec> commands() const override;
    ports::interaction_response on_command(const ports::interaction& i, const ports::command_invocation& c) override;

private:
    ports::interaction_response add_balance(const ports::interaction& i, const ports::command_invocation& c);

    const bot_config& config_;
    services::wallet_service& wallet_;
};

}  // namespace apexcore::bot
