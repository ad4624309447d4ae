#pragma once
/// @file promos.hpp
/// Promo codes for staff (issue "Running the shop" §3):
///   /promo create code (percent | amount) [max_uses] [per_member] [min_spend] [days]
///   /promo list | info code | deactivate code | delete code
/// A bad definition is refused with its precise reason (services::describe(promo_definition_error)).
/// Members use codes on the product card (storefront.hpp).

#include <apexcore/bot/feature.hpp>
#include <apexcore/services/promo_service.hpp>

namespace apexcore::bot {

/// /promo. Thread-safe; `promos` must outlive it.
class promos_feature final : public feature {
public:
    promos_feature(const bot_config& config, services::promo_service& promos);

    [[nodiscard]] std::string name() const override { return "promos"; }
    [[nodiscard]] std::vector<ports::command_spec> commands() const override;
    ports::interaction_response on_command(const ports::interaction& i, const ports::command_invocation& c) override;

    /// Codes /promo list shows.
    static constexpr std::size_t listed_max = 25;

private:
    ports::interaction_response create(const ports::interaction& i, const ports::command_invocation& c);

    const bot_config& config_;
    services::promo_service& promos_;
};

}  // namespace apexcore::bot
