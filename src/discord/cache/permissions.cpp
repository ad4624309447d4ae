#include <apexcore/discord/cache/permissions.hpp>

#include <algorithm>
#include <array>
#include <utility>

namespace apexcore::discord::cache {

std::uint64_t base_permissions(bool is_owner, std::uint64_t everyone, std::span<const std::uint64_t> roles) {
    if (is_owner) return all_permissions;
    std::uint64_t p = everyone;
    for (const std::uint64_t r : roles) p |= r;
    if ((p & permission::administrator) != 0) return all_permissions;
    return p;
}

std::uint64_t channel_permissions(std::uint64_t base, core::guild_id guild, core::user_id user,
                                  std::span<const core::role_id> member_roles, std::span<const overwrite_bits> overwrites) {
    if ((base & permission::administrator) != 0) return all_permissions;
    std::uint64_t p = base;
    for (const auto& o : overwrites) {
        if (!o.member && o.target == guild.value) p = (p & ~o.deny) | o.allow;
    }
    std::uint64_t allow = 0;
    std::uint64_t deny = 0;
    for (const auto& o : overwrites) {
        if (o.member || o.target == guild.value) continue;
        const bool held = std::any_of(member_roles.begin(), member_roles.end(), [&](core::role_id r) { return r.value == o.target; });
        if (held) {
            allow |= o.allow;
            deny |= o.deny;
        }
    }
    p = (p & ~deny) | allow;
    for (const auto& o : overwrites) {
        if (o.member && o.target == user.value) p = (p & ~o.deny) | o.allow;
    }
    if ((p & permission::view_channel) == 0) return 0;
    if ((p & permission::send_messages) == 0) {
        p &= ~(permission::mention_everyone | permission::send_tts_messages | permission::attach_files | permission::embed_links);
    }
    return p;
}

std::string permission_names(std::uint64_t bits) {
    // REFERENCE.md §7.2, in the wording of Discord's client.
    static constexpr std::array<std::pair<int, const char*>, 53> names{{
        {0, "Create Invite"},        {1, "Kick Members"},          {2, "Ban Members"},
        {3, "Administrator"},        {4, "Manage Channels"},       {5, "Manage Server"},
        {6, "Add Reactions"},        {7, "View Audit Log"},        {8, "Priority Speaker"},
        {9, "Video"},                {10, "View Channel"},         {11, "Send Messages"},
        {12, "Send Text-to-Speech Messages"}, {13, "Manage Messages"}, {14, "Embed Links"},
        {15, "Attach Files"},        {16, "Read Message History"}, {17, "Mention Everyone"},
        {18, "Use External Emojis"}, {19, "View Server Insights"}, {20, "Connect"},
        {21, "Speak"},               {22, "Mute Members"},         {23, "Deafen Members"},
        {24, "Move Members"},        {25, "Use Voice Activity"},   {26, "Change Nickname"},
        {27, "Manage Nicknames"},    {28, "Manage Roles"},         {29, "Manage Webhooks"},
        {30, "Manage Expressions"},  {31, "Use Application Commands"}, {32, "Request to Speak"},
        {33, "Manage Events"},       {34, "Manage Threads"},       {35, "Create Public Threads"},
        {36, "Create Private Threads"}, {37, "Use External Stickers"}, {38, "Send Messages in Threads"},
        {39, "Use Activities"},      {40, "Timeout Members"},      {41, "View Creator Monetization Analytics"},
        {42, "Use Soundboard"},      {43, "Create Expressions"},   {44, "Create Events"},
        {45, "Use External Sounds"}, {46, "Send Voice Messages"},  {47, "bit 47"},
        {48, "Set Voice Channel Status"}, {49, "Create Polls"},    {50, "Use External Apps"},
        {51, "Pin Messages"},        {52, "Bypass Slowmode"},
    }};
    std::string out;
    for (int bit = 0; bit < 64; ++bit) {
        if ((bits & (1ULL << bit)) == 0) continue;
        if (!out.empty()) out += ", ";
        out += bit < static_cast<int>(names.size()) ? names[static_cast<std::size_t>(bit)].second : "bit " + std::to_string(bit);
    }
    return out;
}

}  // namespace apexcore::discord::cache
