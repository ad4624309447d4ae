// The guild state cache and Discord's permission arithmetic (issue 9 §3, REFERENCE.md §7.3).
#include <apexcore/discord/cache/guild_cache.hpp>

#include "fixtures.hpp"

#include <gtest/gtest.h>

#include <random>

namespace {

using namespace apexcore;
using namespace apexcore::discord::cache;
using nlohmann::json;

constexpr std::uint64_t guild_v = 1300000000000000100ULL;
const core::guild_id guild{guild_v};
const core::user_id owner{1300000000000001000ULL};
const core::user_id bot{1300000000000000001ULL};
const core::user_id buyer{1300000000000002000ULL};
const core::role_id bot_role{1300000000000000202ULL};
const core::role_id vip{1300000000000000204ULL};
const core::role_id admin_role{1300000000000000203ULL};
const core::channel_id shop{1300000000000000300ULL};
const core::channel_id logs{1300000000000000301ULL};

std::string s(std::uint64_t v) { return std::to_string(v); }

json role(core::role_id id, const char* name, int position, std::uint64_t permissions) {
    return {{"id", id.str()}, {"name", name}, {"position", position}, {"permissions", s(permissions)}};
}

json member(core::user_id user, std::vector<core::role_id> roles) {
    json r = json::array();
    for (const auto& id : roles) r.push_back(id.str());
    return {{"user", {{"id", user.str()}, {"username", "u"}}}, {"roles", r}};
}

/// A shop guild: @everyone can view/send/read; the bot's role (position 2) manages channels and
/// roles; VIP (1) below it, Admin (3) above it; #logs denies @everyone View and Send and allows
/// the bot only View Channel.
json shop_guild() {
    const std::uint64_t everyone = permission::view_channel | permission::send_messages | permission::read_message_history;
    return {{"id", guild.str()},
            {"owner_id", owner.str()},
            {"roles", json::array({role(core::role_id{guild_v}, "@everyone", 0, everyone),
                                   role(vip, "VIP", 1, 0),
                                   role(bot_role, "apexbot", 2, permission::manage_channels | permission::manage_roles),
                                   role(admin_role, "Admin", 3, permission::administrator)})},
            {"channels", json::array({{{"id", shop.str()}, {"type", 0}, {"name", "shop"}, {"permission_overwrites", json::array()}},
                                      {{"id", logs.str()},
                                       {"type", 0},
                                       {"name", "logs"},
                                       {"permission_overwrites",
                                        json::array({{{"id", guild.str()}, {"type", 0}, {"allow", "0"}, {"deny", s(permission::view_channel | permission::send_messages)}},
                                                     {{"id", bot.str()}, {"type", 1}, {"allow", s(permission::view_channel)}, {"deny", "0"}}})}}})},
            {"members", json::array({member(bot, {bot_role}), member(buyer, {}), member(owner, {})})}};
}

TEST(PermissionMathTest, BaseIsEveryoneOrRolesAndAdministratorOrOwnerIsEverything) {
    const std::uint64_t roles[] = {permission::manage_roles, permission::attach_files};
    EXPECT_EQ(base_permissions(false, permission::view_channel, roles),
              permission::view_channel | permission::manage_roles | permission::attach_files);
    const std::uint64_t admin[] = {permission::administrator};
    EXPECT_EQ(base_permissions(false, 0, admin), all_permissions);
    EXPECT_EQ(base_permissions(true, 0, {}), all_permissions);
}

TEST(PermissionMathTest, OverwritesApplyEveryoneThenRolesThenMember) {
    const std::uint64_t base = permission::view_channel | permission::send_messages | permission::attach_files;
    const core::role_id staff{5};
    const core::role_id muted{6};
    const core::role_id held[] = {staff, muted};
    const overwrite_bits everyone_deny_send{guild_v, false, 0, permission::send_messages};
    const overwrite_bits staff_allow_send{staff.value, false, permission::send_messages, 0};
    const overwrite_bits muted_deny_send{muted.value, false, 0, permission::send_messages};
    const overwrite_bits member_deny_send{buyer.value, true, 0, permission::send_messages};
    const overwrite_bits member_allow_send{buyer.value, true, permission::send_messages, 0};

    // Role overwrites are combined: an allow on one role beats a deny on another (allow applied last).
    const overwrite_bits both[] = {everyone_deny_send, staff_allow_send, muted_deny_send};
    EXPECT_NE(channel_permissions(base, guild, buyer, held, both) & permission::send_messages, 0U);
    // The member overwrite comes last.
    const overwrite_bits member_last[] = {staff_allow_send, member_deny_send};
    EXPECT_EQ(channel_permissions(base, guild, buyer, held, member_last) & permission::send_messages, 0U);
    const overwrite_bits member_allows[] = {everyone_deny_send, muted_deny_send, member_allow_send};
    EXPECT_NE(channel_permissions(base, guild, buyer, held, member_allows) & permission::send_messages, 0U);
    // Overwrites for roles the member does not hold, or other members, do not count.
    const overwrite_bits others[] = {everyone_deny_send, overwrite_bits{99, false, permission::send_messages, 0},
                                     overwrite_bits{98, true, permission::send_messages, 0}};
    EXPECT_EQ(channel_permissions(base, guild, buyer, held, others) & permission::send_messages, 0U);
}

TEST(PermissionMathTest, ImplicitRulesAndAdministrator) {
    const std::uint64_t base = permission::view_channel | permission::send_messages | permission::attach_files | permission::embed_links;
    const overwrite_bits hide[] = {{guild_v, false, 0, permission::view_channel}};
    EXPECT_EQ(channel_permissions(base, guild, buyer, {}, hide), 0U) << "no View Channel: nothing else";
    const overwrite_bits mute[] = {{guild_v, false, 0, permission::send_messages}};
    const auto muted = channel_permissions(base, guild, buyer, {}, mute);
    EXPECT_EQ(muted & (permission::attach_files | permission::embed_links), 0U) << "no Send Messages: no files or embeds";
    EXPECT_NE(muted & permission::view_channel, 0U);
    EXPECT_EQ(channel_permissions(permission::administrator, guild, buyer, {}, hide), all_permissions);
}

TEST(PermissionMathTest, NamesInDiscordsWording) {
    EXPECT_EQ(permission_names(permission::manage_channels | permission::attach_files), "Manage Channels, Attach Files");
    EXPECT_EQ(permission_names(1ULL << 60), "bit 60");
}

TEST(GuildCacheTest, KnowsTheGuildFromGuildCreateAndAnswersPermissionQuestions) {
    guild_cache cache;
    EXPECT_FALSE(cache.knows(guild));
    ASSERT_TRUE(cache.apply("GUILD_CREATE", shop_guild()));
    EXPECT_TRUE(cache.knows(guild));
    EXPECT_EQ(cache.permissions(guild, owner), all_permissions) << "the owner has everything";
    EXPECT_EQ(*cache.permissions(guild, bot) & permission::manage_roles, permission::manage_roles);
    EXPECT_EQ(cache.permissions_in(guild, logs, buyer), 0U) << "#logs is hidden from @everyone";
    EXPECT_EQ(cache.permissions_in(guild, logs, bot), permission::view_channel | permission::read_message_history | permission::manage_channels |
                                                          permission::manage_roles)
        << "the bot may see #logs but not write there";
    EXPECT_EQ(cache.highest_position(guild, bot), 2);
    EXPECT_FALSE(cache.permissions(guild, core::user_id{42}).has_value()) << "unknown member: ask Discord";
    EXPECT_EQ(cache.role(guild, vip)->name, "VIP");
    EXPECT_EQ(cache.channel(guild, logs)->name, "logs");
}

TEST(GuildCacheTest, TellsTheOwnerExactlyWhatIsMissing) {
    guild_cache cache;
    EXPECT_EQ(cache.missing(guild, bot, {{permission::manage_channels, std::nullopt, "tickets"}}).size(), 1U)
        << "before GUILD_CREATE it says the server is not known yet";
    ASSERT_TRUE(cache.apply("GUILD_CREATE", shop_guild()));
    const std::vector<permission_need> needs{
        {permission::manage_channels, std::nullopt, "tickets"},
        {permission::send_messages | permission::attach_files, logs, "logs"},
        {permission::send_messages, shop, "storefront"},
        {permission::send_messages, core::channel_id{777}, "alerts"},
    };
    const std::vector<role_need> roles{{vip, "VIP tiers"}, {admin_role, "VIP tiers"}};
    const auto missing = cache.missing(guild, bot, needs, roles);
    ASSERT_EQ(missing.size(), 3U) << ::testing::PrintToString(missing);
    EXPECT_EQ(missing[0], "logs: Send Messages, Attach Files in #logs");
    EXPECT_EQ(missing[1], "alerts: the channel 777 does not exist (or the bot cannot see it)");
    EXPECT_EQ(missing[2], "VIP tiers: the role Admin (position 3) is not below the bot's highest role (position 2); "
                          "move the bot's role above it in Server Settings → Roles");

    // The owner fixes #logs: a CHANNEL_UPDATE arrives and the complaint goes away.
    json fixed = shop_guild()["channels"][1];
    fixed["guild_id"] = guild.str();
    fixed["permission_overwrites"][1]["allow"] = s(permission::view_channel | permission::send_messages | permission::attach_files);
    ASSERT_TRUE(cache.apply("CHANNEL_UPDATE", fixed));
    EXPECT_EQ(cache.missing(guild, bot, needs, roles).size(), 2U);
}

TEST(GuildCacheTest, FollowsRoleChannelAndMemberEvents) {
    guild_cache cache;
    ASSERT_TRUE(cache.apply("GUILD_CREATE", shop_guild()));
    const core::role_id gold{1300000000000000999ULL};
    ASSERT_TRUE(cache.apply("GUILD_ROLE_CREATE", {{"guild_id", guild.str()}, {"role", role(gold, "Gold", 1, 0)}}));
    ASSERT_TRUE(cache.apply("GUILD_MEMBER_UPDATE", {{"guild_id", guild.str()}, {"user", {{"id", buyer.str()}}}, {"roles", {gold.str()}}}));
    EXPECT_EQ(cache.member_roles(guild, buyer)->size(), 1U);
    ASSERT_TRUE(cache.apply("GUILD_ROLE_DELETE", {{"guild_id", guild.str()}, {"role_id", gold.str()}}));
    EXPECT_FALSE(cache.role(guild, gold).has_value());
    EXPECT_TRUE(cache.member_roles(guild, buyer)->empty()) << "a deleted role leaves its members";
    const core::channel_id ticket{1300000000000000888ULL};
    ASSERT_TRUE(cache.apply("CHANNEL_CREATE", {{"id", ticket.str()}, {"guild_id", guild.str()}, {"type", 0}, {"name", "ticket-1"}}));
    EXPECT_TRUE(cache.channel(guild, ticket).has_value());
    ASSERT_TRUE(cache.apply("CHANNEL_DELETE", {{"id", ticket.str()}, {"guild_id", guild.str()}, {"type", 0}}));
    EXPECT_FALSE(cache.channel(guild, ticket).has_value());
    ASSERT_TRUE(cache.apply("GUILD_MEMBER_REMOVE", {{"guild_id", guild.str()}, {"user", {{"id", buyer.str()}}}}));
    EXPECT_FALSE(cache.member_roles(guild, buyer).has_value());
    EXPECT_EQ(cache.stats().members, 2U);
    // An outage (unavailable) keeps the state; a real removal drops it.
    ASSERT_TRUE(cache.apply("GUILD_DELETE", {{"id", guild.str()}, {"unavailable", true}}));
    EXPECT_TRUE(cache.knows(guild));
    ASSERT_TRUE(cache.apply("GUILD_DELETE", {{"id", guild.str()}}));
    EXPECT_FALSE(cache.knows(guild));
    EXPECT_EQ(cache.stats().members, 0U);
}

TEST(GuildCacheTest, DiscordsDocumentedGuildIsAccepted) {
    guild_cache cache;
    const json documented = apexcore::test_support::discord_example("guild.example.json");
    ASSERT_TRUE(cache.apply("GUILD_CREATE", documented));
    EXPECT_TRUE(cache.knows(*core::guild_id::parse(documented["id"].get<std::string>())));
}

TEST(GuildCacheTest, MalformedDispatchesAreIgnoredNeverThrown) {
    guild_cache cache;
    ASSERT_TRUE(cache.apply("GUILD_CREATE", shop_guild()));
    const json hostile[] = {json(nullptr), json::array(), json{{"guild_id", 5}}, json{{"guild_id", guild.str()}, {"role", "x"}},
                            json{{"guild_id", guild.str()}, {"role", {{"id", "1"}, {"position", 1e300}, {"permissions", "1"}}}},
                            json{{"guild_id", guild.str()}, {"role", {{"id", "1"}, {"position", 1}, {"permissions", "-1"}}}},
                            json{{"guild_id", guild.str()}, {"id", "0"}, {"type", 0}}};
    for (const char* event : {"GUILD_ROLE_CREATE", "CHANNEL_CREATE", "GUILD_MEMBER_ADD", "GUILD_CREATE", "GUILD_MEMBERS_CHUNK"}) {
        for (const auto& d : hostile) EXPECT_NO_THROW(cache.apply(event, d)) << event << " " << d.dump();
    }
    EXPECT_GT(cache.stats().ignored, 0U);
    EXPECT_TRUE(cache.knows(guild)) << "bad events do not lose the guild";
    EXPECT_EQ(cache.highest_position(guild, bot), 2);
}

TEST(GuildCacheTest, MemoryIsBounded) {
    cache_limits limits;
    limits.members_max = 100;
    limits.channels_per_guild_max = 10;
    guild_cache cache(limits);
    ASSERT_TRUE(cache.apply("GUILD_CREATE", shop_guild()));
    json chunk{{"guild_id", guild.str()}, {"members", json::array()}};
    for (int i = 0; i < 500; ++i) chunk["members"].push_back(member(core::user_id{1000000ULL + static_cast<std::uint64_t>(i)}, {}));
    ASSERT_TRUE(cache.apply("GUILD_MEMBERS_CHUNK", chunk));
    for (int i = 0; i < 50; ++i) {
        cache.apply("CHANNEL_CREATE", {{"id", s(5000000ULL + static_cast<std::uint64_t>(i))}, {"guild_id", guild.str()}, {"type", 0}, {"name", "c"}});
    }
    const auto stats = cache.stats();
    EXPECT_EQ(stats.members, 100U);
    EXPECT_EQ(stats.channels, 10U);
    EXPECT_EQ(stats.dropped, (500U - 97U) + (50U - 8U)) << "3 members and 2 channels were there before";
    EXPECT_EQ(cache.highest_position(guild, bot), 2) << "members already known are kept and updated";
}

}  // namespace
