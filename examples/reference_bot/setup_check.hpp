#pragma once
// The reference bot's start-up check: the features' neutral requirements (bot/feature.hpp) in the
// terms of Discord's guild cache (discord/cache/guild_cache.hpp), and what is missing, in words
// an owner can act on.
#include <apexcore/bot/feature.hpp>
#include <apexcore/discord/cache/guild_cache.hpp>
#include <apexcore/discord/chat_model.hpp>

#include <string>
#include <vector>

namespace apexbot {

/// What `bot_user` lacks in `guild` for `requirements`, plus a staff role that does not exist.
inline std::vector<std::string> setup_problems(const apexcore::discord::cache::guild_cache& state, apexcore::core::guild_id guild,
                                               apexcore::core::user_id bot_user, apexcore::core::role_id staff_role,
                                               const std::vector<apexcore::bot::requirement>& requirements) {
    namespace cache = apexcore::discord::cache;
    std::vector<cache::permission_need> needs;
    std::vector<cache::role_need> roles;
    for (const auto& r : requirements) {
        if (r.server_wide == apexcore::bot::requirement::capability::manage_channels) {
            needs.push_back({cache::permission::manage_channels, std::nullopt, r.why});
        } else if (r.server_wide == apexcore::bot::requirement::capability::manage_roles) {
            needs.push_back({cache::permission::manage_roles, std::nullopt, r.why});
        }
        if (r.channel && !r.in_channel.empty()) {
            // Seeing the channel comes with anything done in it.
            needs.push_back({apexcore::discord::to_permission_bits(r.in_channel | apexcore::ports::ability::view), r.channel, r.why});
        }
        if (r.grantable) roles.push_back({*r.grantable, r.why});
    }
    std::vector<std::string> problems = state.missing(guild, bot_user, needs, roles);
    if (state.knows(guild) && !state.role(guild, staff_role)) {
        problems.push_back("staff commands: the role " + staff_role.str() +
                           " (staff_role_id) does not exist in the server; set staff_role_id to the id of your staff role");
    }
    return problems;
}

}  // namespace apexbot
