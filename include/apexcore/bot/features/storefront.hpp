#pragma once
/// @file storefront.hpp
/// The storefront feature: `/buy` opens a select of the active products; picking one shows its
/// card with "Buy with wallet"; pressing it buys at the price shown (the services re-check price,
/// stock and balance in the same transaction) and turns the card into the receipt, its button
/// disabled. The button carries a checkout token (the card's interaction id) that keys the
/// purchase: pressing it twice — a double-click, a second device — charges once and shows the
/// first receipt again. Its components use the custom_id codec (custom_id.hpp), namespace "ac1".

#include <apexcore/bot/custom_id.hpp>
#include <apexcore/bot/feature.hpp>
#include <apexcore/services/catalog_service.hpp>
#include <apexcore/services/wallet_service.hpp>

namespace apexcore::bot {

/// /buy and its select and button. Thread-safe; the services must outlive it.
class storefront_feature final : public feature {
public:
    storefront_feature(const bot_config& config, services::wallet_service& wallet, services::catalog_service& catalog);

    [[nodiscard]] std::string name() const override { return "storefront"; }
    [[nodiscard]] std::vector<ports::command_spec> commands() const override;
    [[nodiscard]] std::vector<std::string> namespaces() const override;
    ports::interaction_response on_command(const ports::interaction& i, const ports::command_invocation& c) override;
    ports::interaction_response on_component(const ports::interaction& i, const ports::component_action& a) override;

private:
    ports::interaction_response open_shop();
    ports::interaction_response show_product(const ports::interaction& i, const ports::component_action& a);
    ports::interaction_response buy(const ports::interaction& i, const custom_id_action& action);

    const bot_config& config_;
    services::wallet_service& wallet_;
    services::catalog_service& catalog_;
};

}  // namespace apexcore::bot
