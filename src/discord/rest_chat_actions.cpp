#include <apexcore/discord/rest_chat_actions.hpp>

#include <apexcore/discord/cache/guild_cache.hpp>
#include <apexcore/discord/chat_model.hpp>

#include <boost/asio/io_context.hpp>

#include <algorithm>
#include <future>
#include <memory>

namespace apexcore::discord {
namespace {

using ports::chat_errc;
using ports::chat_error;

constexpr std::size_t dm_cache_max = 10000;
/// Once a request is on the wire the REST client's exchange timeout bounds it; this is the
/// margin past that before a call gives up waiting (the client was stopped, say).
constexpr std::chrono::seconds wire_wait_max{90};

chat_error invalid(std::string what) { return {chat_errc::invalid_input, std::move(what)}; }

bool is_unknown_resource(int code) {
    // 10003 channel, 10004 guild, 10007 member, 10008 message, 10011 role, 10013 user,
    // 10014 emoji, 10015 webhook (REFERENCE.md §2.2).
    return code >= 10001 && code <= 10099;
}

std::string describe(const rest_response& r) {
    std::string out = "HTTP " + std::to_string(r.status);
    if (r.error) out += ", Discord " + std::to_string(r.error->code) + " " + r.error->message;
    return out;
}

std::optional<chat_error> check_reason(std::string_view reason) {
    if (reason.size() > ports::audit_reason_length_max) {
        return invalid("an audit-log reason is at most " + std::to_string(ports::audit_reason_length_max) + " bytes");
    }
    return std::nullopt;
}

template <class T>
ports::chat_result<T> from_model(core::result<T, model_error> parsed) {
    if (!parsed) return chat_error{chat_errc::unavailable, "unexpected answer from Discord: " + parsed.error().what};
    return std::move(parsed).value();
}

json parse_body(const rest_response& r) { return json::parse(r.body, nullptr, false); }

}  // namespace

chat_error classify_failure(std::error_code ec, const rest_response& r) {
    if (ec) return {chat_errc::unavailable, "Discord could not be reached: " + ec.message()};
    const int code = r.error ? r.error->code : 0;
    if (r.status == 429) return {chat_errc::rate_limited_timeout, "still rate limited after retrying (" + describe(r) + ")"};
    if (r.status == 404 || is_unknown_resource(code)) return {chat_errc::not_found, describe(r)};
    if (code == 50001 || code == 50013) return {chat_errc::missing_permissions, describe(r)};
    if (code == 50005) return {chat_errc::invalid_input, "only the bot's own messages can be edited (" + describe(r) + ")"};
    if (code == 50007) return {chat_errc::dm_closed, "the member does not accept direct messages (" + describe(r) + ")"};
    if (r.status == 403) return {chat_errc::missing_permissions, describe(r)};
    if (r.status >= 400 && r.status < 500 && r.status != 401 && r.status != 408) return {chat_errc::invalid_input, describe(r)};
    return {chat_errc::unavailable, describe(r)};
}

rest_chat_actions::rest_chat_actions(rest_client& rest, boost::asio::io_context& io, chat_actions_options options)
    : rest_(rest), io_(io), options_(options) {}

ports::chat_result<rest_chat_actions::answer> rest_chat_actions::call(http_method method, std::string path,
                                                                      const std::optional<json>& body,
                                                                      std::optional<encoded_body> encoded,
                                                                      std::string_view reason) {
    if (io_.get_executor().running_in_this_thread()) {
        return chat_error{chat_errc::unavailable, "called on an I/O thread, where it would wait for itself; call from a worker thread"};
    }
    auto promise = std::make_shared<std::promise<answer>>();
    auto future = promise->get_future();
    auto done = [promise](std::error_code ec, rest_response r) { promise->set_value(answer{ec, std::move(r)}); };
    request_options options;
    options.audit_log_reason = std::string(reason);
    const request_ticket ticket = encoded ? rest_.request(method, std::move(path), std::move(*encoded), done, options)
                                          : rest_.request(method, std::move(path), body, done, options);
    if (future.wait_for(options_.queue_timeout) != std::future_status::ready) {
        if (ticket != 0 && rest_.cancel(ticket)) {
            return chat_error{chat_errc::rate_limited_timeout, "not sent within " + std::to_string(options_.queue_timeout.count()) +
                                                                   " ms (rate limited or queued); withdrawn, nothing was done"};
        }
        if (future.wait_for(wire_wait_max) != std::future_status::ready) {
            return chat_error{chat_errc::unavailable, "no answer from Discord"};
        }
    }
    answer a = future.get();
    if (a.ec || !a.response.ok()) return classify_failure(a.ec, a.response);
    return a;
}

ports::chat_result<ports::sent_message> rest_chat_actions::send_message(core::channel_id channel, const ports::message& body,
                                                                        std::span<const ports::outbound_file> given) {
    if (channel.empty()) return invalid("channel id is 0");
    const std::span<const ports::outbound_file> files = given.empty() ? std::span<const ports::outbound_file>(body.files) : given;
    auto data = to_channel_message_body(body, files);
    if (!data) return data.error();
    const std::string path = "/channels/" + channel.str() + "/messages";
    ports::chat_result<answer> a = chat_error{};
    if (files.empty()) {
        a = call(http_method::post, path, data.value(), std::nullopt, {});
    } else {
        const std::string payload_text = data.value().dump(-1, ' ', false, json::error_handler_t::replace);
        const std::string boundary = make_multipart_boundary(payload_text, files);
        a = call(http_method::post, path, std::nullopt,
                 encoded_body{"multipart/form-data; boundary=" + boundary, to_multipart(data.value(), files, boundary)}, {});
    }
    if (!a) return a.error();
    const json j = parse_body(a->response);
    const auto id = j.is_object() && j.contains("id") && j["id"].is_string() ? core::message_id::parse(j["id"].get<std::string>())
                                                                             : std::nullopt;
    if (!id) return chat_error{chat_errc::unavailable, "Discord's answer has no message id"};
    return ports::sent_message{channel, *id};
}

ports::chat_result<ports::sent_message> rest_chat_actions::edit_message(core::channel_id channel, core::message_id id,
                                                                        const ports::message& body) {
    if (channel.empty() || id.empty()) return invalid("channel or message id is 0");
    auto data = to_channel_message_body(body, {});
    if (!data) return data.error();
    auto a = call(http_method::patch, "/channels/" + channel.str() + "/messages/" + id.str(), data.value(), std::nullopt, {});
    if (!a) return a.error();
    return ports::sent_message{channel, id};
}

ports::chat_result<ports::chat_done> rest_chat_actions::delete_message(core::channel_id channel, core::message_id id,
                                                                       std::string_view reason) {
    if (channel.empty() || id.empty()) return invalid("channel or message id is 0");
    if (auto e = check_reason(reason)) return *e;
    auto a = call(http_method::del, "/channels/" + channel.str() + "/messages/" + id.str(), std::nullopt, std::nullopt, reason);
    if (!a) return a.error();
    return ports::chat_done{};
}

ports::chat_result<ports::sent_message> rest_chat_actions::send_dm(core::user_id user, const ports::message& body,
                                                                   std::span<const ports::outbound_file> files) {
    if (user.empty()) return invalid("user id is 0");
    std::optional<core::channel_id> dm;
    {
        std::lock_guard lock(mutex_);
        if (auto it = dm_channels_.find(user); it != dm_channels_.end()) dm = it->second;
    }
    if (!dm) {
        // REFERENCE.md §2.5: the existing DM channel is returned if there is one.
        auto a = call(http_method::post, "/users/@me/channels", json{{"recipient_id", user.str()}}, std::nullopt, {});
        if (!a) return a.error();
        auto channel = from_model(parse_channel(parse_body(a->response)));
        if (!channel) return channel.error();
        dm = channel->id;
        std::lock_guard lock(mutex_);
        if (dm_channels_.size() >= dm_cache_max) dm_channels_.clear();
        dm_channels_[user] = *dm;
    }
    return send_message(*dm, body, files);
}

ports::chat_result<ports::channel_info> rest_chat_actions::create_channel(core::guild_id guild, const ports::channel_spec& spec,
                                                                          std::string_view reason) {
    if (guild.empty()) return invalid("guild id is 0");
    if (auto e = check_reason(reason)) return *e;
    auto body = to_create_channel_body(spec);
    if (!body) return body.error();
    auto a = call(http_method::post, "/guilds/" + guild.str() + "/channels", body.value(), std::nullopt, reason);
    if (!a) return a.error();
    return from_model(parse_channel(parse_body(a->response)));
}

ports::chat_result<ports::channel_info> rest_chat_actions::modify_channel(core::channel_id channel,
                                                                          const ports::channel_changes& changes,
                                                                          std::string_view reason) {
    if (channel.empty()) return invalid("channel id is 0");
    if (auto e = check_reason(reason)) return *e;
    auto body = to_modify_channel_body(changes);
    if (!body) return body.error();
    auto a = call(http_method::patch, "/channels/" + channel.str(), body.value(), std::nullopt, reason);
    if (!a) return a.error();
    return from_model(parse_channel(parse_body(a->response)));
}

ports::chat_result<ports::chat_done> rest_chat_actions::delete_channel(core::channel_id channel, std::string_view reason) {
    if (channel.empty()) return invalid("channel id is 0");
    if (auto e = check_reason(reason)) return *e;
    auto a = call(http_method::del, "/channels/" + channel.str(), std::nullopt, std::nullopt, reason);
    if (!a) return a.error();
    return ports::chat_done{};
}

ports::chat_result<std::vector<ports::channel_info>> rest_chat_actions::list_channels(core::guild_id guild) {
    if (guild.empty()) return invalid("guild id is 0");
    auto a = call(http_method::get, "/guilds/" + guild.str() + "/channels", std::nullopt, std::nullopt, {});
    if (!a) return a.error();
    const json j = parse_body(a->response);
    if (!j.is_array()) return ports::chat_error{ports::chat_errc::unavailable, "GET /guilds/{id}/channels: the answer is not an array"};
    std::vector<ports::channel_info> out;
    for (const auto& c : j) {
        // Voice, forum, announcement and other kinds are not the shop's: left out.
        const auto type = c.is_object() && c.contains("type") && c["type"].is_number_integer() ? c["type"].get<int>() : -1;
        if (type != 0 && type != 4) continue;
        auto parsed = parse_channel(c);
        if (parsed) out.push_back(std::move(*parsed));
    }
    return out;
}

ports::chat_result<std::vector<ports::role_info>> rest_chat_actions::list_roles(core::guild_id guild) {
    if (guild.empty()) return invalid("guild id is 0");
    auto a = call(http_method::get, "/guilds/" + guild.str() + "/roles", std::nullopt, std::nullopt, {});
    if (!a) return a.error();
    const json j = parse_body(a->response);
    if (!j.is_array()) return ports::chat_error{ports::chat_errc::unavailable, "GET /guilds/{id}/roles: the answer is not an array"};
    std::vector<ports::role_info> out;
    for (const auto& r : j) {
        auto parsed = parse_role(r);
        if (parsed) out.push_back(std::move(*parsed));
    }
    return out;
}

ports::chat_result<ports::role_info> rest_chat_actions::create_role(core::guild_id guild, const ports::role_spec& spec,
                                                                    std::string_view reason) {
    if (guild.empty()) return invalid("guild id is 0");
    if (auto e = check_reason(reason)) return *e;
    auto body = to_create_role_body(spec);
    if (!body) return body.error();
    auto a = call(http_method::post, "/guilds/" + guild.str() + "/roles", body.value(), std::nullopt, reason);
    if (!a) return a.error();
    return from_model(parse_role(parse_body(a->response)));
}

ports::chat_result<ports::chat_done> rest_chat_actions::add_member_role(core::guild_id guild, core::user_id user,
                                                                        core::role_id role, std::string_view reason) {
    return member_role(http_method::put, guild, user, role, reason);
}

ports::chat_result<ports::chat_done> rest_chat_actions::remove_member_role(core::guild_id guild, core::user_id user,
                                                                           core::role_id role, std::string_view reason) {
    return member_role(http_method::del, guild, user, role, reason);
}

ports::chat_result<ports::chat_done> rest_chat_actions::member_role(http_method method, core::guild_id guild,
                                                                    core::user_id user, core::role_id role,
                                                                    std::string_view reason) {
    if (guild.empty() || user.empty() || role.empty()) return invalid("guild, user or role id is 0");
    if (auto e = check_reason(reason)) return *e;
    auto a = call(method, "/guilds/" + guild.str() + "/members/" + user.str() + "/roles/" + role.str(), std::nullopt,
                  std::nullopt, reason);
    if (!a) {
        if (a.error().code == chat_errc::missing_permissions) return explain_role_refusal(guild, role, a.error());
        return a.error();
    }
    return ports::chat_done{};
}

ports::chat_result<core::user_id> rest_chat_actions::bot_user() {
    {
        std::lock_guard lock(mutex_);
        if (bot_user_) return *bot_user_;
    }
    auto a = call(http_method::get, "/users/@me", std::nullopt, std::nullopt, {});
    if (!a) return a.error();
    const json j = parse_body(a->response);
    const auto me = j.is_object() && j.contains("id") && j["id"].is_string() ? core::user_id::parse(j["id"].get<std::string>())
                                                                             : std::nullopt;
    if (!me) return chat_error{chat_errc::unavailable, "GET /users/@me answered without the bot's id"};
    std::lock_guard lock(mutex_);
    bot_user_ = me;
    return *me;
}

chat_error rest_chat_actions::explain_role_refusal(core::guild_id guild, core::role_id role, chat_error refusal) {
    const auto identity = bot_user();
    if (!identity) return refusal;
    const std::optional<core::user_id> me = *identity;
    auto roles_answer = call(http_method::get, "/guilds/" + guild.str() + "/roles", std::nullopt, std::nullopt, {});
    auto member_answer = call(http_method::get, "/guilds/" + guild.str() + "/members/" + me->str(), std::nullopt, std::nullopt, {});
    if (!roles_answer || !member_answer) return refusal;
    // The guild cache's arithmetic (REFERENCE.md §7.3) over what Discord just said.
    cache::guild_cache view;
    const json roles = parse_body(roles_answer->response);
    const json member = parse_body(member_answer->response);
    if (!view.apply("GUILD_CREATE", json{{"id", guild.str()}, {"roles", roles}, {"members", json::array({member})}})) return refusal;
    const auto permissions = view.permissions(guild, *me);
    const auto target = view.role(guild, role);
    if (!permissions || !target) return refusal;
    const int highest = view.highest_position(guild, *me).value_or(0);
    const int target_position = target->position;
    const bool can_manage = (*permissions & (permission_bits::manage_roles | permission_bits::administrator)) != 0;
    if (can_manage && target_position >= highest) {
        return {chat_errc::role_hierarchy, "the role (position " + std::to_string(target_position) +
                                               ") is not below the bot's highest role (position " + std::to_string(highest) +
                                               "); move the bot's role above it (" + refusal.detail + ")"};
    }
    if (!can_manage) refusal.detail = "the bot lacks Manage Roles (" + refusal.detail + ")";
    return refusal;
}

ports::chat_result<ports::member_info> rest_chat_actions::fetch_member(core::guild_id guild, core::user_id user) {
    if (guild.empty() || user.empty()) return invalid("guild or user id is 0");
    auto a = call(http_method::get, "/guilds/" + guild.str() + "/members/" + user.str(), std::nullopt, std::nullopt, {});
    if (!a) return a.error();
    return from_model(parse_member(parse_body(a->response)));
}

ports::chat_result<ports::history_page> rest_chat_actions::read_history(core::channel_id channel,
                                                                        std::optional<core::message_id> before, int limit) {
    if (channel.empty()) return invalid("channel id is 0");
    if (limit < 1 || limit > ports::history_page_max) return invalid("a history page is 1..100 messages");
    std::string path = "/channels/" + channel.str() + "/messages?limit=" + std::to_string(limit);
    if (before) path += "&before=" + before->str();
    auto a = call(http_method::get, path, std::nullopt, std::nullopt, {});
    if (!a) return a.error();
    return from_model(parse_history_page(parse_body(a->response), limit));
}

std::vector<std::string> missing_requirements(const cache::guild_cache& state, core::guild_id guild, core::user_id bot,
                                              std::span<const ports::requirement> needs) {
    std::vector<cache::permission_need> rights;
    std::vector<cache::role_need> grantable;
    for (const auto& r : needs) {
        if (r.server_wide == ports::requirement::capability::manage_channels) {
            rights.push_back({cache::permission::manage_channels, std::nullopt, r.why});
        } else if (r.server_wide == ports::requirement::capability::manage_roles) {
            rights.push_back({cache::permission::manage_roles, std::nullopt, r.why});
        }
        if (r.channel && !r.in_channel.empty()) {
            // Seeing the channel comes with anything done in it.
            rights.push_back({to_permission_bits(r.in_channel | ports::ability::view), r.channel, r.why});
        }
        if (r.grantable) grantable.push_back({*r.grantable, r.why});
    }
    std::vector<std::string> problems = state.missing(guild, bot, rights, grantable);
    if (!state.knows(guild)) return problems;
    for (const auto& r : needs) {
        if (r.existing && !state.role(guild, *r.existing)) {
            problems.push_back(r.why + ": the role " + r.existing->str() + " does not exist in the server");
        }
    }
    return problems;
}

ports::chat_result<std::vector<std::string>> rest_chat_actions::missing(core::guild_id guild,
                                                                       std::span<const ports::requirement> needs) {
    if (guild.empty()) return invalid("guild id is 0");
    const auto me = bot_user();
    if (!me) return me.error();
    const std::string base = "/guilds/" + guild.str();
    auto roles = call(http_method::get, base + "/roles", std::nullopt, std::nullopt, {});
    if (!roles) return roles.error();
    auto channels = call(http_method::get, base + "/channels", std::nullopt, std::nullopt, {});
    if (!channels) return channels.error();
    auto member = call(http_method::get, base + "/members/" + me->str(), std::nullopt, std::nullopt, {});
    if (!member) return member.error();
    cache::guild_cache view;
    const json created{{"id", guild.str()},
                       {"roles", parse_body(roles->response)},
                       {"channels", parse_body(channels->response)},
                       {"members", json::array({parse_body(member->response)})}};
    if (!view.apply("GUILD_CREATE", created)) {
        return chat_error{chat_errc::unavailable, "Discord's roles, channels or member answer could not be read"};
    }
    return missing_requirements(view, guild, *me, needs);
}

}  // namespace apexcore::discord
