#pragma once
/// @file setup.hpp
/// The setup feature: `/setup check` tells a staff member (or the server's administrator, who
/// may not hold the staff role yet) exactly what the bot lacks for the shop's features — each
/// feature's declared requirements (feature::requirements) asked of the platform through
/// ports::chat_actions::missing, plus the staff role, which must exist. The same check runs at
/// start-up in the reference bot; this one runs on demand, after the owner changed something.
///
/// `/setup run` (with setup_options::records) is the provisioning wizard. It first shows a preview
/// of what it would make and what it keeps, with **Set up the shop** ("su:go") and Cancel
/// ("su:x"). Confirmed, it makes what is missing:
/// - categories "Shop" and "Shop logs" (staff only: hidden from @everyone, open to the staff role
///   and the bot);
/// - #storefront with the shop panel, #support with the ticket panel;
/// - the log channels #orders-log, #payments-log, #audit-log, #tickets-log, #errors-log (for
///   topics the config file does not already name) and #transcripts.
/// Every id is recorded in the database (services::setup_service); a second run keeps what
/// exists, re-creates what was deleted and refreshes the panels, so it is idempotent. The new
/// log channels are used at once (services::live_log_channels). It reports each step's outcome,
/// naming the permission the bot lacks when one fails.
///
/// Roles come first. Those the config file leaves out are made (Discord puts a new role just
/// above @everyone, so below the bot's role, which can then grant it — REFERENCE.md §7.3),
/// recorded ("role.staff", "role.customer", "role.tier.<name>") and used at once
/// (services::live_roles, read by bot_config::staff and shop_config::active_tiers):
/// - "Shop Staff" when there is no staff_role_id, given to whoever ran the wizard;
/// - "Customer" (setup_options::customer_role), held after a first purchase;
/// - one per VIP tier without a role_id, named after the tier.
/// A first run uses a role the server already has under that name instead of making a second.
/// Roles the config file names are checked: the wizard says whether each exists.

#include <apexcore/bot/feature.hpp>
#include <apexcore/ports/chat_actions.hpp>
#include <apexcore/services/setup_service.hpp>

#include <functional>
#include <map>
#include <memory>
#include <set>

namespace apexcore::bot {

/// What the wizard (/setup run) needs; without `records` only /setup check exists.
struct setup_options {
    services::setup_service* records = nullptr;  ///< where the ids go (must outlive the feature)
    std::shared_ptr<services::live_log_channels> live_channels{};  ///< new log channels take effect here
    std::map<core::log_topic, core::channel_id> configured_channels{};  ///< log channels the config file sets: kept
    std::function<std::optional<ports::message>()> shop_panel{};    ///< the storefront panel; empty: none
    std::function<std::optional<ports::message>()> ticket_panel{};  ///< the ticket panel; empty: no #support
    std::vector<std::pair<std::string, core::role_id>> roles{};     ///< roles to check: (what for, id)
    std::shared_ptr<services::live_roles> live_roles{};  ///< roles made take effect here (bot_config::made_roles)
    std::vector<core::vip_tier> tiers{};  ///< the configured tiers: one with role 0 gets a role made
    bool customer_role = false;           ///< make a "Customer" role (no tier is given on a first purchase)
};

/// /setup check. Thread-safe; `actions` must outlive it.
class setup_feature final : public feature {
public:
    /// `requirements` returns every feature's requirements (router::requirements) at the time of
    /// the check, so features added after this one are checked too.
    setup_feature(const bot_config& config, ports::chat_actions& actions,
                  std::function<std::vector<requirement>()> requirements, setup_options options = {});

    [[nodiscard]] std::string name() const override { return "setup"; }
    [[nodiscard]] std::vector<ports::command_spec> commands() const override;
    /// The staff role must exist (every staff command depends on it).
    [[nodiscard]] std::vector<requirement> requirements() const override;
    ports::interaction_response on_command(const ports::interaction& i, const ports::command_invocation& c) override;
    [[nodiscard]] std::vector<std::string> namespaces() const override { return {"su"}; }
    ports::interaction_response on_component(const ports::interaction& i, const ports::component_action& a) override;

    /// One line of the wizard's report or preview.
    struct step {
        std::string what;     ///< "#orders-log", "shop panel in #storefront"
        std::string outcome;  ///< "kept", "created", "re-created (it was deleted)", "not created: …"
        bool ok = true;
    };
    /// Makes what is missing (acting = true) or says what it would do (false). Never throws for
    /// a platform refusal: each is a step that is not ok.
    std::vector<step> provision(const ports::interaction& i, bool acting);

private:
    ports::interaction_response preview(const ports::interaction& i);
    /// The role steps of provision(): make what the config leaves out, check what it names.
    void provision_roles(const ports::interaction& i, bool acting, const std::vector<ports::role_info>& roles,
                         const std::map<std::string, ports::setup_record>& records, std::vector<step>& steps);

    const bot_config& config_;
    ports::chat_actions& actions_;
    std::function<std::vector<requirement>()> requirements_;
    setup_options options_;
};

/// The answer to `/setup check` for `problems` (chat_actions::missing): a confirmation when it
/// is empty, otherwise one bullet per problem, within Discord's 2000-character content limit
/// (the rest counted as "... and N more").
[[nodiscard]] std::string describe_setup_problems(const std::vector<std::string>& problems);

}  // namespace apexcore::bot
