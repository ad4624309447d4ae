#include <apexcore/bot/features/profile.hpp>

#include <algorithm>

#include <apexcore/core/text.hpp>

namespace apexcore::bot {

std::string format_percent(core::basis_points bp) {
    std::string out = std::to_string(bp / 100);
    if (const auto rest = bp % 100; rest != 0) {
        out += "." + std::string(rest < 10 ? "0" : "") + std::to_string(rest);
        while (out.back() == '0') out.pop_back();
    }
    return out + " %";
}

profile_feature::profile_feature(const bot_config& config, services::member_service& members)
    : config_(config), members_(members) {}

std::vector<ports::command_spec> profile_feature::commands() const {
    std::vector<ports::command_spec> out{{"profile", "Your VIP tier, lifetime spend and what the next tier needs", {}, false}};
    // /vip for the tiers staff give by hand (Discord: at most 25 choices, REFERENCE.md §3.6).
    std::vector<ports::choice> manual;
    for (const auto& t : members_.tiers()) {
        if (t.mode == core::tier_mode::manual && manual.size() < ports::select_options_max) manual.push_back({t.name, t.name});
    }
    if (!manual.empty()) {
        const auto options = [&](const char* who) {
            ports::command_option_spec tier{"tier", "The tier", ports::option_type::string, true};
            tier.choices = manual;
            return std::vector<ports::command_option_spec>{{"user", who, ports::option_type::user, true}, std::move(tier)};
        };
        ports::command_spec vip{"vip", "Staff: VIP tiers given by hand", {}, true, {}, {}};
        vip.subcommands = {{"assign", "Staff: give a member a manual VIP tier (and its role)", options("Who gets the tier")},
                           {"remove", "Staff: take a manual VIP tier (and its role) from a member", options("Who loses the tier")}};
        out.push_back(std::move(vip));
    }
    return out;
}

ports::interaction_response profile_feature::vip(const ports::interaction& i, const ports::command_invocation& c, bool assign) {
    if (!config_.is_staff(i.from)) return ephemeral_reply(config_.text(i, core::rejection::not_staff));
    const auto* user = find_option(c, "user");
    const auto* tier_name = find_option(c, "tier");
    if (user == nullptr || !std::holds_alternative<core::user_id>(*user) || tier_name == nullptr ||
        !std::holds_alternative<std::string>(*tier_name)) {
        return ephemeral_reply("Usage: /vip assign|remove user:<member> tier:<a manual tier>");
    }
    const std::string& wanted = std::get<std::string>(*tier_name);
    const auto named = [&](const core::vip_tier& t) { return t.name == wanted; };
    const auto tiers = members_.active_tiers();
    const auto tier = std::find_if(tiers.begin(), tiers.end(), named);
    if (tier == tiers.end() || tier->mode != core::tier_mode::manual) {
        const auto& configured = members_.tiers();
        const auto manual = [&](const core::vip_tier& t) { return named(t) && t.mode == core::tier_mode::manual; };
        if (tier == tiers.end() && std::any_of(configured.begin(), configured.end(), manual)) {
            return ephemeral_reply("**" + core::truncate_utf8(wanted, 40) + "** has no role yet: run /setup run to make it.");
        }
        return ephemeral_reply("`" + core::truncate_utf8(wanted, 40) + "` is not a tier staff give by hand.");
    }
    const core::user_id member = std::get<core::user_id>(*user);
    const auto changes = members_.set_manual_role({i.from.user, true}, member, tier->role, assign);
    if (!changes) return ephemeral_reply(config_.text(i, changes.error()));
    ports::emit(config_.log, ports::log_level::info, "members",
                "VIP tier " + tier->name + (assign ? " given to member " : " taken from member ") + member.str() + " by staff " +
                    i.from.user.str(),
                {.interaction = i.id.str()});
    if (changes->empty()) {
        return ephemeral_reply("<@" + member.str() + "> " + (assign ? "already holds " : "does not hold ") + "**" + tier->name +
                               "**; nothing changed.");
    }
    return ephemeral_reply("<@" + member.str() + (assign ? "> now holds **" : "> no longer holds **") + tier->name + "** (" +
                           format_percent(tier->discount) + " off); the role is " + (assign ? "given" : "taken back") +
                           " on Discord in a moment.");
}

ports::interaction_response profile_feature::on_command(const ports::interaction& i, const ports::command_invocation& c) {
    if (c.name == "vip assign" || c.name == "vip remove") return vip(i, c, c.name == "vip assign");
    if (c.name != "profile") return ephemeral_reply("Unknown command /" + c.name + ".");
    const auto view = members_.standing(i.from.user, {i.from.roles.begin(), i.from.roles.end()});
    const auto money = [&](std::int64_t minor) { return core::format_money(core::money{minor, config_.currency}); };
    const localized t = config_.in(i);
    ports::embed e{t("profile.title"), "", {}, 0x5865F2, ""};
    e.fields.push_back({t("profile.lifetime_spend"), money(view.profile.lifetime_spend_minor), true});
    e.fields.push_back({t("profile.purchases"), std::to_string(view.profile.completed_purchases), true});
    std::string tiers;
    for (const auto& held : view.held_tiers) tiers += (tiers.empty() ? "" : ", ") + held.name;
    e.fields.push_back({t("profile.tier"), tiers.empty() ? t("profile.no_tier") : core::truncate_utf8(tiers, 1024), true});
    e.fields.push_back({t("profile.discount"),
                        view.discount > 0 ? t("profile.discount_value", {{"percent", format_percent(view.discount)}}) : t("profile.no_discount"),
                        true});
    if (view.next_tier) {
        const std::string amount = money(view.to_next_minor);
        e.fields.push_back({t("profile.next_tier"),
                            core::truncate_utf8(view.next_tier->discount > 0
                                                    ? t("profile.next_tier_discount", {{"amount", amount},
                                                                                        {"tier", view.next_tier->name},
                                                                                        {"percent", format_percent(view.next_tier->discount)}})
                                                    : t("profile.next_tier_plain", {{"amount", amount}, {"tier", view.next_tier->name}}),
                                                1024),
                            false});
    }
    ports::interaction_response r = ephemeral_reply("");
    r.body.embeds.push_back(std::move(e));
    return r;
}

}  // namespace apexcore::bot
