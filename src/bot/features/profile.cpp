#include <apexcore/bot/features/profile.hpp>

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
    return {{"profile", "Your VIP tier, lifetime spend and what the next tier needs", {}, false}};
}

ports::interaction_response profile_feature::on_command(const ports::interaction& i, const ports::command_invocation& c) {
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
