#pragma once
/// @file profile.hpp
/// The profile feature, for customers: `/profile` — their lifetime spend, completed purchases,
/// the VIP tiers they hold and the discount those give, and what the next spend tier needs
/// ("Spend $12.50 more to reach Gold: 5 % off"). Ephemeral: only the asker sees it.
/// Staff, when the shop has `manual` tiers: `/vip assign user tier` and `/vip remove user tier`
/// (the tier one of those, offered as choices) — recorded, re-evaluated, and the role given or
/// taken back on the platform through the outbox (services::member_service::set_manual_role).

#include <apexcore/bot/feature.hpp>
#include <apexcore/services/member_service.hpp>

namespace apexcore::bot {

/// /profile and /vip. Thread-safe; `members` must outlive it.
class profile_feature final : public feature {
public:
    profile_feature(const bot_config& config, services::member_service& members);

    [[nodiscard]] std::string name() const override { return "profile"; }
    [[nodiscard]] std::vector<ports::command_spec> commands() const override;
    ports::interaction_response on_command(const ports::interaction& i, const ports::command_invocation& c) override;

private:
    ports::interaction_response vip(const ports::interaction& i, const ports::command_invocation& c, bool assign);

    const bot_config& config_;
    services::member_service& members_;
};

/// "5 %", "12.5 %" for basis points (1 % = 100 bp).
[[nodiscard]] std::string format_percent(core::basis_points bp);

}  // namespace apexcore::bot
