#pragma once
/// @file storefront.hpp
/// The storefront feature, for customers and staff:
///   /buy [product]  with a product (autocomplete on names and tags), its card at once; else
///                  opens the shop, only for the asker: a select of the products when there are at
///                  most 25, else the catalog to browse — main category → sub-category →
///                  products, 25 options a page with Previous / Next / Back (a level with one
///                  entry is skipped); each product option shows its price and stock
///                  ("$4.99 · only 3 left", "sold out")
///   /shop panel    staff: posts the shop panel in the channel — a persistent message anyone can
///                  browse from; each member's choices open in a message only they see. It keeps
///                  working across restarts: its state is in its custom_ids.
/// Picking a product shows its card — price before and after the member's VIP or role discount,
/// stock, balance — with "Buy with wallet"; pressing it buys at the price shown (the services
/// re-check price, stock and balance in the same transaction) and turns the card into the
/// receipt, its button disabled. With payment methods configured the card also has "Pay by
/// <method>" buttons (list price; the payments feature, features/payments.hpp). The button carries a checkout token (the card's interaction id)
/// that keys the purchase: pressing it twice — a double-click, a second device — charges once and
/// shows the first receipt again. Components: the custom_id codec (custom_id.hpp), namespace
/// "ac1", and browsing, namespace "sf": "sf:<p|e><m|s|v>:<main key>:<sub key>:<page>" and
/// "sf:<p|e>g:<main key>:<sub key>:<service key>:<page>" (p: on the panel, e: in a member's own
/// message; m/s/v/g: categories, sub-categories, services, a service's variants; keys: 8 hex
/// digits of FNV-1a of the name). A service with one variant is offered as that product (value
/// "#<product id>"), so picking it opens the card at once.

#include <apexcore/bot/custom_id.hpp>
#include <apexcore/bot/feature.hpp>
#include <apexcore/services/catalog_service.hpp>
#include <apexcore/services/wallet_service.hpp>

#include <chrono>
#include <memory>
#include <mutex>

namespace apexcore::bot {

/// The most active products browsing reads (the catalog beyond is not shown).
inline constexpr std::size_t browse_catalog_max = 10'000;
/// How long browsing reuses the catalog it read: one read serves every member browsing within it
/// (a card and a purchase always read the product itself, so only the lists can be this old).
inline constexpr std::chrono::milliseconds browse_catalog_ttl{2000};

/// A level of the catalog: main categories, sub-categories, services, a service's variants.
enum class browse_level { mains, subs, services, products };

/// Where a member is in the catalog (decoded from an "sf:" custom_id).
struct browse_request {
    browse_level level = browse_level::mains;
    std::string main;   ///< category_key of the main category ("" at the top)
    std::string sub;    ///< category_key of the sub-category ("" above the services)
    std::string service;  ///< category_key of the service's name (products level only)
    int page = 0;       ///< 0-based, 25 options a page
    bool from_panel = false;  ///< shown on the shared panel: answered with a new message, not an update
};

/// A product's one-line state in a select option: its price and, for counted stock, how much is
/// left ("$4.99", "$4.99 · only 3 left" at or below its low-stock threshold, "$4.99 · sold out").
/// In the language of `t` (keys "browse.option_*").
[[nodiscard]] std::string option_description(const core::product& p, const localized& t = {});

/// The 8-hex-digit key of a category name (FNV-1a, 32 bits) used in custom_ids.
[[nodiscard]] std::string category_key(std::string_view name);
/// The request an "sf:" custom_id carries; nullopt for anything malformed (a forged id).
[[nodiscard]] std::optional<browse_request> decode_browse(std::string_view custom_id);
/// The view of one level and page of `catalog` (active products in display order): a select of
/// up to 25 options and the navigation buttons, within Discord's component limits. A level or
/// page that no longer exists gives a message saying so. Texts in the language of `t` ("browse.*").
[[nodiscard]] ports::message browse_view(const std::vector<core::product>& catalog, browse_request r, const localized& t = {});

/// /buy, /shop panel, browsing, the card and the Buy button. Thread-safe; the services must outlive it.
class storefront_feature final : public feature {
public:
    /// `payment_methods`: the names of the shop's manual payment methods; each gets a "Pay by
    /// <name>" button on the card (the payments feature handles it). Empty: wallet only.
    storefront_feature(const bot_config& config, services::wallet_service& wallet, services::catalog_service& catalog,
                       std::vector<std::string> payment_methods = {});

    [[nodiscard]] std::string name() const override { return "storefront"; }
    [[nodiscard]] std::vector<ports::command_spec> commands() const override;
    [[nodiscard]] std::vector<std::string> namespaces() const override;
    ports::interaction_response on_command(const ports::interaction& i, const ports::command_invocation& c) override;
    ports::interaction_response on_component(const ports::interaction& i, const ports::component_action& a) override;
    /// The promo code modal: the card re-drawn with the code.
    ports::interaction_response on_modal(const ports::interaction& i, const ports::modal_submit& m) override;
    /// /buy product:…: up to 25 products whose names contain what was typed or whose tag starts with it.
    ports::interaction_response on_autocomplete(const ports::interaction& i, const ports::autocomplete_request& a) override;

private:
    ports::interaction_response find_product(const ports::interaction& i, const std::string& typed);
    ports::interaction_response open_shop(const ports::interaction& i);
    ports::interaction_response post_panel(const ports::interaction& i);
    ports::interaction_response browse(const ports::interaction& i, const ports::component_action& a);
    ports::interaction_response show_product(const ports::interaction& i, const ports::component_action& a);
    /// The card of product `id` for the asker, priced with `promo` when it applies (else saying
    /// why), its Buy and Promo code buttons keyed by `checkout` (default: this interaction).
    ports::interaction_response product_card(const ports::interaction& i, core::product_id id, const std::string& promo = {},
                                             std::optional<core::interaction_id> checkout = std::nullopt);
    /// The active catalog for browsing, read at most every browse_catalog_ttl (shared, immutable).
    std::shared_ptr<const std::vector<core::product>> browse_catalog();
    /// "Buy with wallet": the final confirmation — the exact total after every discount and the
    /// balance after it — with "Confirm — pay $X" (or, for a product with questions, the button
    /// that asks them).
    ports::interaction_response confirmation(const ports::interaction& i, const custom_id_action& action);
    /// The product's questions in a modal (at most 5, Discord's modal limit).
    ports::interaction_response details_form(const ports::interaction& i, const custom_id_action& action);
    /// The questions answered: buys with the answers in the order's metadata.
    ports::interaction_response buy_with_answers(const ports::interaction& i, const custom_id_action& action,
                                                 const ports::modal_submit& m);
    /// Buys: at the list price shown (an "ac1:b" button) or the exact total confirmed.
    ports::interaction_response buy(const ports::interaction& i, const custom_id_action& action, core::order_metadata answers);

    const bot_config& config_;
    services::wallet_service& wallet_;
    services::catalog_service& catalog_;
    std::vector<std::string> payment_methods_;
    std::mutex snapshot_mutex_;
    std::shared_ptr<const std::vector<core::product>> snapshot_;
    std::chrono::steady_clock::time_point snapshot_at_{};
};

/// The shop panel (/shop panel, /setup run): the main categories for everyone to browse, with
/// the owner's intro; nullopt when nothing is for sale.
[[nodiscard]] std::optional<ports::message> storefront_panel(services::catalog_service& catalog, const bot_config& config);

}  // namespace apexcore::bot
