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
    ports::embed e{"Your profile", "", {}, 0x5865F2, ""};
    e.fields.push_back({"Lifetime spend", money(view.profile.lifetime_spend_minor), true});
    e.fields.push_back({"Purchases", std::to_string(view.profile.completed_purchases), true});
    std::string tiers;
    for (const auto& t : view.held_tiers) tiers += (tiers.empty() ? "" : ", ") + t.name;
    e.fields.push_back({"VIP tier", tiers.empty() ? std::string("none yet") : core::truncate_utf8(tiers, 1024), true});
    e.fields.push_back({"Your discount", view.discount > 0 ? format_percent(view.discount) + " on every price" : "none", true});
    if (view.next_tier) {
        e.fields.push_back({"Next tier",
                            core::truncate_utf8("Spend " + money(view.to_next_minor) + " more to reach " + view.next_tier->name +
                                                    (view.next_tier->discount > 0 ? ": " + format_percent(view.next_tier->discount) + " off" : ""),
                                                1024),
                            false});
    }
    ports::interaction_response r = ephemeral_reply("");
    r.body.embeds.push_back(std::move(e));
    return r;
}

}  // namespace apexcore::bot
