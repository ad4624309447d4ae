#pragma once
/// @file stock.hpp
/// Stock for staff (issue "Running the shop" §2):
///   /stock check product        the product's stock and its low / critical thresholds
///   /stock add product units    adds units to a counted stock (1..1,000,000)
///   /stock set product count    sets it; "unlimited" makes it uncounted
/// `product` autocompletes on names, categories and tags, like /buy. Thresholds crossed are posted
/// to the orders log (stock.* events through the outbox), e.g. "Back in stock".

#include <apexcore/bot/feature.hpp>
#include <apexcore/services/catalog_service.hpp>

namespace apexcore::bot {

/// /stock. Thread-safe; `catalog` must outlive it.
class stock_feature final : public feature {
public:
    stock_feature(const bot_config& config, services::catalog_service& catalog);

    [[nodiscard]] std::string name() const override { return "stock"; }
    [[nodiscard]] std::vector<ports::command_spec> commands() const override;
    ports::interaction_response on_command(const ports::interaction& i, const ports::command_invocation& c) override;
    ports::interaction_response on_autocomplete(const ports::interaction& i, const ports::autocomplete_request& a) override;

private:
    const bot_config& config_;
    services::catalog_service& catalog_;
};

}  // namespace apexcore::bot
