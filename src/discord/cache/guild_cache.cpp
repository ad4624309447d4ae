#include <apexcore/discord/cache/guild_cache.hpp>

#include "../detail/json_access.hpp"

#include <algorithm>
#include <map>
#include <mutex>
#include <shared_mutex>
#include <unordered_map>

namespace apexcore::discord::cache {
namespace {

using json = nlohmann::json;
using detail::integer_field;
using detail::snowflake_field;
using detail::text_field;

/// A permission string: a canonical decimal uint64 ("0", "1024").
std::optional<std::uint64_t> bits_field(const json& obj, std::string_view key) {
    const std::string* text = detail::string_field(obj, key);
    if (text == nullptr) return std::nullopt;
    if (*text == "0") return 0;
    const auto parsed = core::snowflake<struct bits_tag>::parse(*text);
    if (!parsed) return std::nullopt;
    return parsed->value;
}

struct role_rec {
    std::string name;
    int position = 0;
    std::uint64_t permissions = 0;
};

struct channel_rec {
    int type = 0;
    std::string name;
    std::optional<core::channel_id> parent;
    std::vector<overwrite_bits> overwrites;
};

struct guild_rec {
    core::user_id owner;
    std::map<std::uint64_t, role_rec> roles;  ///< includes @everyone (id = guild id)
    std::unordered_map<std::uint64_t, channel_rec> channels;
    /// user id -> role ids (without @everyone). Kept lean: 100,000 members is a normal shop.
    std::unordered_map<std::uint64_t, std::vector<std::uint64_t>> members;
};

std::optional<std::pair<std::uint64_t, role_rec>> parse_role(const json& r) {
    const auto id = snowflake_field<core::role_tag>(r, "id");
    const auto position = integer_field(r, "position", 0, 65535);
    const auto permissions = bits_field(r, "permissions");
    if (!id || !position || !permissions) return std::nullopt;
    return std::pair{id->value, role_rec{text_field(r, "name"), static_cast<int>(*position), *permissions}};
}

std::optional<std::pair<std::uint64_t, channel_rec>> parse_channel(const json& c) {
    const auto id = snowflake_field<core::channel_tag>(c, "id");
    const auto type = integer_field(c, "type", 0, 255);
    if (!id || !type) return std::nullopt;
    channel_rec rec;
    rec.type = static_cast<int>(*type);
    rec.name = text_field(c, "name");
    rec.parent = snowflake_field<core::channel_tag>(c, "parent_id");
    if (const json* overwrites = detail::array_field(c, "permission_overwrites")) {
        for (const auto& o : *overwrites) {
            const auto target = snowflake_field<struct target_tag>(o, "id");
            const auto kind = integer_field(o, "type", 0, 1);
            const auto allow = bits_field(o, "allow");
            const auto deny = bits_field(o, "deny");
            if (!target || !kind || !allow || !deny) return std::nullopt;
            rec.overwrites.push_back({target->value, *kind == 1, *allow, *deny});
        }
    }
    return std::pair{id->value, std::move(rec)};
}

/// A member object's user id and roles; nullopt when malformed.
std::optional<std::pair<std::uint64_t, std::vector<std::uint64_t>>> parse_member(const json& m) {
    const json* user = detail::object_field(m, "user");
    if (user == nullptr) return std::nullopt;
    const auto id = snowflake_field<core::user_tag>(*user, "id");
    if (!id) return std::nullopt;
    std::vector<std::uint64_t> roles;
    if (const json* list = detail::array_field(m, "roles")) {
        for (const auto& r : *list) {
            const auto role = r.is_string() ? core::role_id::parse(r.get_ref<const std::string&>()) : std::nullopt;
            if (!role) return std::nullopt;
            roles.push_back(role->value);
        }
    }
    return std::pair{id->value, std::move(roles)};
}

}  // namespace

struct guild_cache::state {
    cache_limits limits;
    mutable std::shared_mutex mutex;
    std::unordered_map<std::uint64_t, guild_rec> guilds;
    std::size_t members = 0;
    std::size_t dropped = 0;
    std::size_t ignored = 0;

    bool ignore() {
        ++ignored;
        return false;
    }

    void put_member(guild_rec& g, std::uint64_t user, std::vector<std::uint64_t> roles) {
        if (auto it = g.members.find(user); it != g.members.end()) {
            it->second = std::move(roles);
            return;
        }
        if (members >= limits.members_max) {
            ++dropped;
            return;
        }
        g.members.emplace(user, std::move(roles));
        ++members;
    }

    void put_role(guild_rec& g, std::uint64_t id, role_rec r) {
        if (g.roles.size() >= limits.roles_per_guild_max && g.roles.count(id) == 0) {
            ++dropped;
            return;
        }
        g.roles[id] = std::move(r);
    }

    void put_channel(guild_rec& g, std::uint64_t id, channel_rec c) {
        if (g.channels.size() >= limits.channels_per_guild_max && g.channels.count(id) == 0) {
            ++dropped;
            return;
        }
        g.channels[id] = std::move(c);
    }

    guild_rec* find(const json& d) {
        const auto id = snowflake_field<core::guild_tag>(d, "guild_id");
        if (!id) return nullptr;
        const auto it = guilds.find(id->value);
        return it == guilds.end() ? nullptr : &it->second;
    }

    const guild_rec* find(core::guild_id id) const {
        const auto it = guilds.find(id.value);
        return it == guilds.end() ? nullptr : &it->second;
    }

    std::optional<std::uint64_t> base(const guild_rec& g, core::guild_id guild, core::user_id user) const {
        const auto m = g.members.find(user.value);
        if (m == g.members.end()) return std::nullopt;
        std::vector<std::uint64_t> bits;
        for (const auto role : m->second) {
            if (const auto r = g.roles.find(role); r != g.roles.end()) bits.push_back(r->second.permissions);
        }
        const auto everyone = g.roles.find(guild.value);
        return base_permissions(g.owner == user, everyone == g.roles.end() ? 0 : everyone->second.permissions, bits);
    }

    std::optional<int> highest(const guild_rec& g, core::user_id user) const {
        const auto m = g.members.find(user.value);
        if (m == g.members.end()) return std::nullopt;
        int best = 0;
        for (const auto role : m->second) {
            if (const auto r = g.roles.find(role); r != g.roles.end()) best = std::max(best, r->second.position);
        }
        return best;
    }
};

guild_cache::guild_cache(cache_limits limits) : state_(std::make_unique<state>()) { state_->limits = limits; }
guild_cache::~guild_cache() = default;

bool guild_cache::apply(std::string_view event, const nlohmann::json& d) {
    std::unique_lock lock(state_->mutex);
    state& s = *state_;
    if (event == "GUILD_CREATE") {
        const auto id = snowflake_field<core::guild_tag>(d, "id");
        if (!id) return s.ignore();
        if (detail::bool_field(d, "unavailable").value_or(false)) return true;  // an outage: keep what we had
        if (s.guilds.count(id->value) == 0 && s.guilds.size() >= s.limits.guilds_max) {
            ++s.dropped;
            return false;
        }
        guild_rec g;
        g.owner = snowflake_field<core::user_tag>(d, "owner_id").value_or(core::user_id{});
        if (const json* roles = detail::array_field(d, "roles")) {
            for (const auto& r : *roles) {
                auto parsed = parse_role(r);
                if (!parsed) return s.ignore();
                s.put_role(g, parsed->first, std::move(parsed->second));
            }
        }
        if (const json* channels = detail::array_field(d, "channels")) {
            for (const auto& c : *channels) {
                auto parsed = parse_channel(c);
                if (!parsed) return s.ignore();
                s.put_channel(g, parsed->first, std::move(parsed->second));
            }
        }
        if (auto old = s.guilds.find(id->value); old != s.guilds.end()) {
            s.members -= old->second.members.size();
            s.guilds.erase(old);
        }
        if (const json* members = detail::array_field(d, "members")) {
            for (const auto& m : *members) {
                auto parsed = parse_member(m);
                if (!parsed) continue;  // one odd member does not lose the guild
                s.put_member(g, parsed->first, std::move(parsed->second));
            }
        }
        s.guilds.emplace(id->value, std::move(g));
        return true;
    }
    if (event == "GUILD_UPDATE") {
        const auto id = snowflake_field<core::guild_tag>(d, "id");
        if (!id || s.guilds.count(id->value) == 0) return s.ignore();
        guild_rec& g = s.guilds[id->value];
        if (const auto owner = snowflake_field<core::user_tag>(d, "owner_id")) g.owner = *owner;
        if (const json* roles = detail::array_field(d, "roles")) {
            for (const auto& r : *roles) {
                if (auto parsed = parse_role(r)) s.put_role(g, parsed->first, std::move(parsed->second));
            }
        }
        return true;
    }
    if (event == "GUILD_DELETE") {
        const auto id = snowflake_field<core::guild_tag>(d, "id");
        if (!id) return s.ignore();
        if (detail::bool_field(d, "unavailable").value_or(false)) return true;  // outage, not removal
        if (auto it = s.guilds.find(id->value); it != s.guilds.end()) {
            s.members -= it->second.members.size();
            s.guilds.erase(it);
        }
        return true;
    }
    if (event == "CHANNEL_CREATE" || event == "CHANNEL_UPDATE" || event == "CHANNEL_DELETE") {
        guild_rec* g = s.find(d);
        if (g == nullptr) return event == "CHANNEL_CREATE" && !d.contains("guild_id") ? false : s.ignore();  // DMs have no guild
        auto parsed = parse_channel(d);
        if (!parsed) return s.ignore();
        if (event == "CHANNEL_DELETE") {
            g->channels.erase(parsed->first);
        } else {
            s.put_channel(*g, parsed->first, std::move(parsed->second));
        }
        return true;
    }
    if (event == "GUILD_ROLE_CREATE" || event == "GUILD_ROLE_UPDATE") {
        guild_rec* g = s.find(d);
        const json* role = detail::object_field(d, "role");
        if (g == nullptr || role == nullptr) return s.ignore();
        auto parsed = parse_role(*role);
        if (!parsed) return s.ignore();
        s.put_role(*g, parsed->first, std::move(parsed->second));
        return true;
    }
    if (event == "GUILD_ROLE_DELETE") {
        guild_rec* g = s.find(d);
        const auto role = snowflake_field<core::role_tag>(d, "role_id");
        if (g == nullptr || !role) return s.ignore();
        g->roles.erase(role->value);
        for (auto& [user, roles] : g->members) std::erase(roles, role->value);
        return true;
    }
    if (event == "GUILD_MEMBER_ADD" || event == "GUILD_MEMBER_UPDATE") {
        guild_rec* g = s.find(d);
        if (g == nullptr) return s.ignore();
        auto parsed = parse_member(d);
        if (!parsed) return s.ignore();
        s.put_member(*g, parsed->first, std::move(parsed->second));
        return true;
    }
    if (event == "GUILD_MEMBER_REMOVE") {
        guild_rec* g = s.find(d);
        const json* user = detail::object_field(d, "user");
        const auto id = user != nullptr ? snowflake_field<core::user_tag>(*user, "id") : std::nullopt;
        if (g == nullptr || !id) return s.ignore();
        if (g->members.erase(id->value) > 0) --s.members;
        return true;
    }
    if (event == "GUILD_MEMBERS_CHUNK") {
        guild_rec* g = s.find(d);
        const json* members = detail::array_field(d, "members");
        if (g == nullptr || members == nullptr) return s.ignore();
        for (const auto& m : *members) {
            if (auto parsed = parse_member(m)) s.put_member(*g, parsed->first, std::move(parsed->second));
        }
        return true;
    }
    return false;
}

bool guild_cache::knows(core::guild_id guild) const {
    std::shared_lock lock(state_->mutex);
    return state_->find(guild) != nullptr;
}

std::optional<std::uint64_t> guild_cache::permissions(core::guild_id guild, core::user_id user) const {
    std::shared_lock lock(state_->mutex);
    const guild_rec* g = state_->find(guild);
    if (g == nullptr) return std::nullopt;
    return state_->base(*g, guild, user);
}

std::optional<std::uint64_t> guild_cache::permissions_in(core::guild_id guild, core::channel_id channel, core::user_id user) const {
    std::shared_lock lock(state_->mutex);
    const guild_rec* g = state_->find(guild);
    if (g == nullptr) return std::nullopt;
    const auto c = g->channels.find(channel.value);
    const auto base = state_->base(*g, guild, user);
    if (c == g->channels.end() || !base) return std::nullopt;
    std::vector<core::role_id> roles;
    for (const auto r : g->members.at(user.value)) roles.push_back(core::role_id{r});
    return channel_permissions(*base, guild, user, roles, c->second.overwrites);
}

std::optional<int> guild_cache::highest_position(core::guild_id guild, core::user_id user) const {
    std::shared_lock lock(state_->mutex);
    const guild_rec* g = state_->find(guild);
    if (g == nullptr) return std::nullopt;
    return state_->highest(*g, user);
}

std::optional<role_view> guild_cache::role(core::guild_id guild, core::role_id id) const {
    std::shared_lock lock(state_->mutex);
    const guild_rec* g = state_->find(guild);
    if (g == nullptr) return std::nullopt;
    const auto r = g->roles.find(id.value);
    if (r == g->roles.end()) return std::nullopt;
    return role_view{id, r->second.name, r->second.position, r->second.permissions};
}

std::optional<channel_view> guild_cache::channel(core::guild_id guild, core::channel_id id) const {
    std::shared_lock lock(state_->mutex);
    const guild_rec* g = state_->find(guild);
    if (g == nullptr) return std::nullopt;
    const auto c = g->channels.find(id.value);
    if (c == g->channels.end()) return std::nullopt;
    return channel_view{id, c->second.type, c->second.name, c->second.parent};
}

std::optional<std::vector<core::role_id>> guild_cache::member_roles(core::guild_id guild, core::user_id user) const {
    std::shared_lock lock(state_->mutex);
    const guild_rec* g = state_->find(guild);
    if (g == nullptr) return std::nullopt;
    const auto m = g->members.find(user.value);
    if (m == g->members.end()) return std::nullopt;
    std::vector<core::role_id> out;
    for (const auto r : m->second) out.push_back(core::role_id{r});
    return out;
}

std::vector<std::string> guild_cache::missing(core::guild_id guild, core::user_id bot, const std::vector<permission_need>& needs,
                                              const std::vector<role_need>& roles) const {
    std::vector<std::string> out;
    if (!knows(guild)) return {"the server " + guild.str() + " is not known yet (no GUILD_CREATE received; is the bot in it?)"};
    const auto base = permissions(guild, bot);
    if (!base) return {"the bot's own member is not known in server " + guild.str()};
    for (const auto& need : needs) {
        std::uint64_t held = *base;
        std::string where = " (server-wide)";
        if (need.channel) {
            const auto c = channel(guild, *need.channel);
            if (!c) {
                out.push_back(need.feature + ": the channel " + need.channel->str() + " does not exist (or the bot cannot see it)");
                continue;
            }
            held = permissions_in(guild, *need.channel, bot).value_or(0);
            where = " in #" + c->name;
        }
        const std::uint64_t lacking = need.bits & ~held;
        if (lacking != 0) out.push_back(need.feature + ": " + permission_names(lacking) + where);
    }
    if (!roles.empty()) {
        const int highest = highest_position(guild, bot).value_or(0);
        const bool can_manage = (*base & permission::manage_roles) != 0;
        if (!can_manage) out.push_back(roles.front().feature + ": Manage Roles (server-wide)");
        for (const auto& need : roles) {
            const auto r = role(guild, need.role);
            if (!r) {
                out.push_back(need.feature + ": the role " + need.role.str() + " does not exist");
            } else if (r->position >= highest) {
                out.push_back(need.feature + ": the role " + r->name + " (position " + std::to_string(r->position) +
                              ") is not below the bot's highest role (position " + std::to_string(highest) +
                              "); move the bot's role above it in Server Settings → Roles");
            }
        }
    }
    return out;
}

cache_stats guild_cache::stats() const {
    std::shared_lock lock(state_->mutex);
    cache_stats out;
    out.guilds = state_->guilds.size();
    for (const auto& [id, g] : state_->guilds) {
        out.channels += g.channels.size();
        out.roles += g.roles.size();
    }
    out.members = state_->members;
    out.dropped = state_->dropped;
    out.ignored = state_->ignored;
    return out;
}

}  // namespace apexcore::discord::cache
