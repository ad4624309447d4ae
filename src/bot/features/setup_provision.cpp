// The setup feature's wizard: /setup run (preview, then Set up the shop) — see setup.hpp.
#include <apexcore/bot/features/setup.hpp>

#include <apexcore/core/text.hpp>

#include <algorithm>
#include <set>

namespace apexcore::bot {
namespace {

constexpr std::string_view reason = "apexcore /setup";

/// One thing the blueprint wants in the guild.
struct item {
    std::string name;    ///< the record's name
    std::string label;   ///< the channel's name
    bool category = false;
    std::string parent;  ///< the record name of its category ("" for none)
    std::string topic;
    bool staff_only = false;
    std::optional<core::log_topic> log{};
};

std::vector<item> blueprint(bool tickets) {
    std::vector<item> out{
        {"category.shop", "Shop", true, "", "", false},
        {"channel.storefront", "storefront", false, "category.shop", "Browse the shop and buy: pick a category below.", false},
    };
    if (tickets) out.push_back({"channel.support", "support", false, "category.shop", "Need help? Open a ticket below.", false});
    out.push_back({"category.logs", "Shop logs", true, "", "", true});
    for (const auto& [topic, label] : {std::pair{core::log_topic::orders, "orders-log"}, std::pair{core::log_topic::payments, "payments-log"},
                                       std::pair{core::log_topic::audit, "audit-log"}, std::pair{core::log_topic::tickets, "tickets-log"},
                                       std::pair{core::log_topic::errors, "errors-log"}}) {
        out.push_back({"log." + std::string(core::to_string(topic)), label, false, "category.logs",
                       "What the shop bot reports: " + std::string(core::to_string(topic)) + ".", true, topic});
    }
    out.push_back({"channel.transcripts", "transcripts", false, "category.logs", "Ticket transcripts.", true});
    return out;
}

/// What a refusal means for the owner, in Discord's words.
std::string explain(const ports::chat_error& e, std::string_view permission) {
    if (e.code == ports::chat_errc::missing_permissions) {
        return "the bot lacks **" + std::string(permission) + "** (Server Settings → Roles → the bot's role)";
    }
    return std::string(ports::to_string(e.code)) + (e.detail.empty() ? "" : ": " + core::truncate_utf8(e.detail, 120));
}

}  // namespace

ports::interaction_response setup_feature::preview(const ports::interaction& i) {
    const auto plan = provision(i, false);
    std::string lines;
    for (const auto& s : plan) lines += (s.ok ? "\xE2\x80\xA2 " : "\xE2\x9D\x8C ") + s.what + ": " + s.outcome + "\n";
    auto r = ephemeral_reply("");
    r.body.embeds.push_back({"Set up the shop?", core::truncate_utf8(lines, 4096), {}, 0xF1C40F,
                             "Nothing was changed yet. Re-running later repairs what was deleted."});
    r.body.rows.push_back({{ports::button{"Set up the shop", "su:go", ports::button_style::success},
                           ports::button{"Cancel", "su:x", ports::button_style::secondary}}});
    return r;
}

ports::interaction_response setup_feature::on_component(const ports::interaction& i, const ports::component_action& a) {
    if (!config_.is_staff(i.from) && !i.from.administrator) return ephemeral_reply(config_.text(i, core::rejection::not_staff));
    if (options_.records == nullptr || (a.custom_id != "su:go" && a.custom_id != "su:x")) {
        return ephemeral_reply(config_.text(i, "router.stale_component"));
    }
    ports::interaction_response r = ephemeral_reply("");
    r.kind = ports::response_kind::update_message;
    if (a.custom_id == "su:x") {
        r.body.embeds.push_back({"Setup cancelled", "Nothing was changed.", {}, 0x99AAB5, ""});
        return r;
    }
    const auto done = provision(i, true);
    std::string lines;
    std::size_t failed = 0;
    for (const auto& s : done) {
        lines += (s.ok ? "\xE2\x9C\x85 " : "\xE2\x9D\x8C ") + s.what + ": " + s.outcome + "\n";
        failed += s.ok ? 0 : 1;
    }
    ports::emit(config_.log, failed == 0 ? ports::log_level::info : ports::log_level::warning, "setup",
                "setup run by " + i.from.user.str() + ": " + std::to_string(done.size() - failed) + " of " +
                    std::to_string(done.size()) + " steps ok",
                {.interaction = i.id.str()});
    r.body.embeds.push_back({failed == 0 ? "The shop is set up" : "Setup: " + std::to_string(failed) + " step(s) failed",
                             core::truncate_utf8(lines, 4096), {}, failed == 0 ? 0x57F287U : 0xED4245U,
                             failed == 0 ? "Run /setup run again any time: it repairs what was deleted."
                                         : "Grant what is missing, then run /setup run again: it keeps what was made."});
    return r;
}

std::vector<setup_feature::step> setup_feature::provision(const ports::interaction& i, bool acting) {
    std::vector<step> steps;
    const auto channels = actions_.list_channels(config_.guild);
    const auto roles = actions_.list_roles(config_.guild);
    if (!channels || !roles) {
        const auto& e = !channels ? channels.error() : roles.error();
        steps.push_back({"the server", "cannot be read right now (" + explain(e, "View Channels") + "); nothing was changed", false});
        return steps;
    }
    std::set<std::uint64_t> existing_channels;
    for (const auto& c : *channels) existing_channels.insert(c.id.value);
    auto records = options_.records->records();
    const services::actor by{i.from.user, true};
    std::map<std::string, core::channel_id> made;  // record name -> id, as of this run

    // Roles first: the staff-only channels below are opened to the staff role.
    provision_roles(i, acting, *roles, records, steps);

    // Staff-only channels: hidden from @everyone (the role whose id is the guild's), open to staff and the bot.
    std::vector<ports::overwrite> staff_only{
        ports::overwrite::for_role(core::role_id{config_.guild.value}, {}, ports::abilities{ports::ability::view})};
    if (const auto staff = config_.staff()) {
        staff_only.push_back(ports::overwrite::for_role(*staff, ports::ability::view | ports::ability::send | ports::ability::read_history));
    }
    if (const auto me = actions_.bot_user()) {
        staff_only.push_back(ports::overwrite::for_member(*me, ports::ability::view | ports::ability::send | ports::ability::embed_links |
                                                                   ports::ability::attach_files | ports::ability::read_history));
    }

    for (const auto& it : blueprint(static_cast<bool>(options_.ticket_panel))) {
        const std::string what = it.category ? "category " + it.label : "#" + it.label;
        if (it.log) {
            const auto configured = options_.configured_channels.find(*it.log);
            if (configured != options_.configured_channels.end()) {
                steps.push_back({what, "kept: the config file names <#" + configured->second.str() + ">", true});
                continue;
            }
        }
        const auto rec = records.find(it.name);
        if (rec != records.end() && existing_channels.count(rec->second.id) != 0) {
            made[it.name] = core::channel_id{rec->second.id};
            if (it.log && acting && options_.live_channels) options_.live_channels->set(*it.log, core::channel_id{rec->second.id});
            steps.push_back({what, "kept", true});
            continue;
        }
        const bool again = rec != records.end();
        if (!acting) {
            steps.push_back({what, again ? "will be re-created (it was deleted)" : "will be created", true});
            continue;
        }
        ports::channel_spec spec;
        spec.name = it.label;
        spec.kind = it.category ? ports::channel_kind::category : ports::channel_kind::text;
        spec.topic = it.topic;
        if (!it.parent.empty()) {
            const auto parent = made.find(it.parent);
            if (parent != made.end()) spec.parent = parent->second;
        }
        if (it.staff_only) spec.overwrites = staff_only;
        const auto created = actions_.create_channel(config_.guild, spec, reason);
        if (!created) {
            steps.push_back({what, "not created: " + explain(created.error(), "Manage Channels"), false});
            continue;
        }
        made[it.name] = created->id;
        options_.records->record(by, {it.name, it.category ? "category" : "channel", created->id.value,
                                      spec.parent ? std::optional<std::uint64_t>(spec.parent->value) : std::nullopt, {}});
        if (it.log && options_.live_channels) options_.live_channels->set(*it.log, created->id);
        steps.push_back({what, again ? "re-created (it was deleted)" : "created", true});
    }

    // The panels: refreshed in place, posted again when gone.
    const auto panel = [&](const std::string& name, const std::string& channel_name, const std::string& label,
                           const std::function<std::optional<ports::message>()>& make) {
        if (!make) return;
        const auto channel = made.find(channel_name);
        const std::string what = label;
        if (channel == made.end()) {  // its channel was not made (acting), or is still to be made (preview)
            steps.push_back(acting ? step{what, "not posted: its channel is missing", false} : step{what, "will be posted", true});
            return;
        }
        const auto message = make();
        if (!message) {
            steps.push_back({what, "not posted: nothing to show yet (add products first)", false});
            return;
        }
        const auto rec = records.find(name);
        const bool here = rec != records.end() && rec->second.parent == channel->second.value;
        if (!acting) {
            steps.push_back({what, here ? "will be refreshed" : "will be posted", true});
            return;
        }
        if (here) {
            const auto edited = actions_.edit_message(channel->second, core::message_id{rec->second.id}, *message);
            if (edited) {
                steps.push_back({what, "refreshed", true});
                return;
            }
            if (edited.error().code != ports::chat_errc::not_found) {
                steps.push_back({what, "not refreshed: " + explain(edited.error(), "Send Messages"), false});
                return;
            }
        }
        const auto sent = actions_.send_message(channel->second, *message);
        if (!sent) {
            steps.push_back({what, "not posted: " + explain(sent.error(), "Send Messages"), false});
            return;
        }
        options_.records->record(by, {name, "message", sent->id.value, channel->second.value, {}});
        steps.push_back({what, here ? "posted again (it was deleted)" : "posted", true});
    };
    panel("message.shop_panel", "channel.storefront", "shop panel in #storefront", options_.shop_panel);
    panel("message.ticket_panel", "channel.support", "ticket panel in #support", options_.ticket_panel);

    return steps;
}

void setup_feature::provision_roles(const ports::interaction& i, bool acting, const std::vector<ports::role_info>& roles,
                                    const std::map<std::string, ports::setup_record>& records, std::vector<step>& steps) {
    const services::actor by{i.from.user, true};
    std::set<std::uint64_t> existing_roles;
    for (const auto& r : roles) existing_roles.insert(r.id.value);
    const auto named = [&](const std::string& name) -> std::optional<core::role_id> {
        for (const auto& r : roles) {
            if (r.name == name) return r.id;
        }
        return std::nullopt;
    };
    // A role the config file names is only checked: the wizard cannot change the file.
    const auto check_role = [&](const std::string& what, core::role_id role, std::string_view key) {
        const bool exists = existing_roles.count(role.value) != 0;
        std::string outcome = "exists (named by the config file)";
        if (!exists && key.empty()) outcome = "missing: create the role and put its id in the config file";
        if (!exists && !key.empty()) {
            outcome = "missing: create the role and put its id in " + std::string(key) + ", or remove " + std::string(key) +
                      " from the config file and re-run /setup run to have it made";
        }
        steps.push_back({what + " <@&" + role.str() + ">", std::move(outcome), exists});
    };
    // A role the config leaves out is made, recorded and used at once (services::live_roles).
    const auto make_role = [&](std::string_view name, const std::string& what, const ports::role_spec& spec, bool give_to_runner) {
        const auto rec = records.find(std::string(name));
        if (rec != records.end() && existing_roles.count(rec->second.id) != 0) {
            if (acting && options_.live_roles) options_.live_roles->set(name, core::role_id{rec->second.id});
            steps.push_back({what + " <@&" + std::to_string(rec->second.id) + ">", "kept", true});
            return;
        }
        const bool again = rec != records.end();
        // A first run uses a role of the same name the server already has instead of a second one.
        const auto found = again ? std::nullopt : named(spec.name);
        if (!acting) {
            steps.push_back({what, found ? "will use the server's role <@&" + found->str() + ">"
                                         : again ? "will be re-created (it was deleted)" : "will be created", true});
            return;
        }
        core::role_id role;
        std::string outcome;
        if (found) {
            role = *found;
            outcome = "the server's role of that name is used";
        } else {
            const auto created = actions_.create_role(config_.guild, spec, reason);
            if (!created) {
                steps.push_back({what, "not created: " + explain(created.error(), "Manage Roles"), false});
                return;
            }
            role = created->id;
            outcome = again ? "re-created (it was deleted)" : "created";
        }
        options_.records->record(by, {std::string(name), "role", role.value, std::nullopt, {}});
        if (options_.live_roles) options_.live_roles->set(name, role);
        if (give_to_runner && std::find(i.from.roles.begin(), i.from.roles.end(), role) == i.from.roles.end()) {
            const auto given = actions_.add_member_role(config_.guild, i.from.user, role, reason);
            outcome += given ? " and given to you" : ", not given to you: " + explain(given.error(), "Manage Roles");
        }
        steps.push_back({what + " <@&" + role.str() + ">", outcome, true});
    };

    if (config_.staff_role.value != 0) {
        check_role("staff role", config_.staff_role, "staff_role_id");
    } else {
        make_role(services::live_roles::staff, "staff role", {"Shop Staff", 0xF1C40F, true, false}, true);
    }
    if (options_.customer_role) {
        make_role(services::live_roles::customer, "customer role", {"Customer", 0x3498DB, false, false}, false);
    }
    for (std::size_t n = 0; n < options_.tiers.size(); ++n) {
        const auto& tier = options_.tiers[n];
        const std::string what = "VIP tier " + tier.name + " role";
        if (tier.role.value != 0) {
            check_role(what, tier.role, "tiers[" + std::to_string(n) + "].role_id");
        } else {
            make_role(services::live_roles::tier(tier.name), what, {tier.name, 0x9B59B6, false, false}, false);
        }
    }
    for (const auto& granted : options_.roles) {
        const core::role_id role = granted.second;
        const bool tier_role = std::any_of(options_.tiers.begin(), options_.tiers.end(), [role](const core::vip_tier& t) {
            return t.role == role;
        });
        if (!tier_role && role.value != 0) check_role(granted.first, role, {});  // tier roles: checked above
    }
}

}  // namespace apexcore::bot
