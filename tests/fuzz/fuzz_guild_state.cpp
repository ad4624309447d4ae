// libFuzzer: what Discord sends about a guild — dispatches into the guild cache, and the channel,
// role, member and message objects of the outbound port's answers. Nothing throws; the cache's
// answers stay within Discord's permission bits; a parsed history page is oldest first.
#include <apexcore/discord/cache/guild_cache.hpp>
#include <apexcore/discord/chat_model.hpp>

#include <cstdint>
#include <cstdlib>
#include <string_view>

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
    using namespace apexcore;
    const std::string_view text(reinterpret_cast<const char*>(data), size);
    const auto j = discord::json::parse(text, nullptr, false);
    if (j.is_discarded()) return 0;
    discord::cache::cache_limits limits;
    limits.members_max = 1000;
    discord::cache::guild_cache cache(limits);
    for (const char* event : {"GUILD_CREATE", "GUILD_UPDATE", "CHANNEL_CREATE", "CHANNEL_UPDATE", "GUILD_ROLE_CREATE",
                              "GUILD_MEMBER_UPDATE", "GUILD_MEMBERS_CHUNK", "GUILD_ROLE_DELETE", "CHANNEL_DELETE",
                              "GUILD_MEMBER_REMOVE", "GUILD_DELETE"}) {
        (void)cache.apply(event, j);
        const core::guild_id guild = j.is_object() && j.contains("id") && j["id"].is_string()
                                         ? core::guild_id::parse(j["id"].get<std::string>()).value_or(core::guild_id{1})
                                         : core::guild_id{1};
        const core::user_id user{guild.value};
        if (const auto p = cache.permissions(guild, user); p && *p > discord::cache::all_permissions) std::abort();
        (void)cache.missing(guild, user, {{discord::cache::permission::manage_channels, core::channel_id{guild.value}, "f"}},
                            {{core::role_id{guild.value}, "f"}});
    }
    (void)discord::parse_channel(j);
    (void)discord::parse_role(j);
    (void)discord::parse_member(j);
    (void)discord::parse_history_message(j);
    if (const auto page = discord::parse_history_page(j, 3)) {
        for (std::size_t i = 1; i < page->messages.size(); ++i) {
            if (page->messages[i].id < page->messages[i - 1].id) std::abort();
        }
    }
    return 0;
}
