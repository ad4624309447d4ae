#pragma once
// A fake outbound port (ports::chat_actions) for bot tests: it records what the bot asked for
// and answers it like a platform that allows everything — except the calls a test lists in
// `refuse`, which answer `refusal`. Ids it makes start at 7000.
#include <apexcore/ports/chat_actions.hpp>

#include <map>
#include <mutex>
#include <set>
#include <string>
#include <vector>

namespace apexcore::test_support {

class fake_chat_actions final : public ports::chat_actions {
public:
    // --- what the test sets ---------------------------------------------------------------
    /// The answer to missing(); a problem list or an error.
    ports::chat_result<std::vector<std::string>> missing_answer = std::vector<std::string>{};
    /// Calls (by name: "create_channel", "send_dm", ...) that answer `refusal`.
    std::set<std::string> refuse;
    ports::chat_error refusal{ports::chat_errc::missing_permissions, "50013 Missing Permissions"};
    core::user_id me{1};

    // --- what the bot did -----------------------------------------------------------------
    struct posted {
        core::channel_id channel;
        ports::message body;
        std::vector<std::string> filenames;
    };
    std::vector<std::string> calls;                     ///< every call by name, in order
    std::vector<ports::requirement> last_needs;         ///< the last missing() question
    std::vector<posted> messages;                       ///< send_message, in order
    std::vector<std::pair<core::user_id, posted>> dms;  ///< send_dm, in order
    std::map<core::channel_id, ports::channel_info> channels;  ///< created and not deleted
    std::vector<core::channel_id> deleted_channels;
    std::set<core::message_id> deleted_messages;  ///< delete_message; edit_message then answers not_found
    int edits = 0;                                ///< edit_message calls that succeeded
    std::vector<std::pair<core::channel_id, ports::channel_changes>> modifications;
    struct role_change {
        bool granted = true;  ///< false: taken away
        core::user_id user;
        core::role_id role;
        std::string reason;
    };
    std::vector<role_change> role_changes;  ///< add_member_role / remove_member_role, in order

    ports::chat_result<ports::sent_message> send_message(core::channel_id channel, const ports::message& body,
                                                         std::span<const ports::outbound_file> files) override {
        std::lock_guard lock(mutex_);
        if (auto e = refused("send_message")) return *e;
        posted p{channel, body, {}};
        for (const auto& f : files) p.filenames.push_back(f.filename);
        messages.push_back(std::move(p));
        return ports::sent_message{channel, core::message_id{next_id_++}};
    }
    ports::chat_result<ports::sent_message> edit_message(core::channel_id channel, core::message_id id, const ports::message&) override {
        std::lock_guard lock(mutex_);
        if (auto e = refused("edit_message")) return *e;
        if (deleted_messages.count(id) != 0) return ports::chat_error{ports::chat_errc::not_found, "10008 Unknown Message"};
        ++edits;
        return ports::sent_message{channel, id};
    }
    ports::chat_result<ports::chat_done> delete_message(core::channel_id, core::message_id id, std::string_view) override {
        std::lock_guard lock(mutex_);
        if (auto e = refused("delete_message")) return *e;
        deleted_messages.insert(id);
        return ports::chat_done{};
    }
    ports::chat_result<ports::sent_message> send_dm(core::user_id user, const ports::message& body,
                                                    std::span<const ports::outbound_file> files) override {
        std::lock_guard lock(mutex_);
        if (auto e = refused("send_dm")) return *e;
        posted p{core::channel_id{9000 + user.value % 1000}, body, {}};
        for (const auto& f : files) p.filenames.push_back(f.filename);
        dms.emplace_back(user, std::move(p));
        return ports::sent_message{core::channel_id{9000}, core::message_id{next_id_++}};
    }
    ports::chat_result<ports::channel_info> create_channel(core::guild_id, const ports::channel_spec& spec, std::string_view) override {
        std::lock_guard lock(mutex_);
        if (auto e = refused("create_channel")) return *e;
        ports::channel_info info{core::channel_id{next_id_++}, spec.kind, spec.name, spec.topic, spec.parent, spec.overwrites};
        channels[info.id] = info;
        return info;
    }
    ports::chat_result<ports::channel_info> modify_channel(core::channel_id channel, const ports::channel_changes& changes,
                                                           std::string_view) override {
        std::lock_guard lock(mutex_);
        if (auto e = refused("modify_channel")) return *e;
        const auto it = channels.find(channel);
        if (it == channels.end()) return ports::chat_error{ports::chat_errc::not_found, "10003 Unknown Channel"};
        modifications.emplace_back(channel, changes);
        if (changes.name) it->second.name = *changes.name;
        if (changes.topic) it->second.topic = *changes.topic;
        if (changes.overwrites) it->second.overwrites = *changes.overwrites;
        return it->second;
    }
    ports::chat_result<ports::chat_done> delete_channel(core::channel_id channel, std::string_view) override {
        std::lock_guard lock(mutex_);
        if (auto e = refused("delete_channel")) return *e;
        if (channels.erase(channel) == 0) return ports::chat_error{ports::chat_errc::not_found, "10003 Unknown Channel"};
        deleted_channels.push_back(channel);
        return ports::chat_done{};
    }
    ports::chat_result<ports::role_info> create_role(core::guild_id, const ports::role_spec& spec, std::string_view) override {
        std::lock_guard lock(mutex_);
        if (auto e = refused("create_role")) return *e;
        roles.push_back(ports::role_info{core::role_id{next_id_++}, spec.name, 1});
        return roles.back();
    }
    ports::chat_result<ports::chat_done> add_member_role(core::guild_id, core::user_id user, core::role_id role,
                                                         std::string_view reason) override {
        std::lock_guard lock(mutex_);
        if (auto e = refused("add_member_role")) return *e;
        role_changes.push_back({true, user, role, std::string(reason)});
        return ports::chat_done{};
    }
    ports::chat_result<ports::chat_done> remove_member_role(core::guild_id, core::user_id user, core::role_id role,
                                                            std::string_view reason) override {
        std::lock_guard lock(mutex_);
        if (auto e = refused("remove_member_role")) return *e;
        role_changes.push_back({false, user, role, std::string(reason)});
        return ports::chat_done{};
    }
    ports::chat_result<ports::member_info> fetch_member(core::guild_id, core::user_id user) override {
        std::lock_guard lock(mutex_);
        if (auto e = refused("fetch_member")) return *e;
        return ports::member_info{user, "member" + user.str(), "Member " + user.str(), false, {}};
    }
    ports::chat_result<std::vector<ports::channel_info>> list_channels(core::guild_id) override {
        std::lock_guard lock(mutex_);
        if (auto e = refused("list_channels")) return *e;
        std::vector<ports::channel_info> out;
        for (const auto& [id, c] : channels) out.push_back(c);
        return out;
    }
    ports::chat_result<std::vector<ports::role_info>> list_roles(core::guild_id) override {
        std::lock_guard lock(mutex_);
        if (auto e = refused("list_roles")) return *e;
        return roles;
    }
    /// The guild's roles list_roles reports (create_role adds to it).
    std::vector<ports::role_info> roles;
    ports::chat_result<std::string> download_attachment(const ports::attachment_info& a, std::size_t,
                                                        std::span<const std::string>) override {
        std::lock_guard lock(mutex_);
        if (auto e = refused("download_attachment")) return *e;
        const auto it = downloads.find(a.url);
        return it == downloads.end() ? std::string() : it->second;
    }
    /// What download_attachment returns for a URL (empty text for any other).
    std::map<std::string, std::string> downloads;
    ports::chat_result<ports::history_page> read_history(core::channel_id, std::optional<core::message_id>, int) override {
        std::lock_guard lock(mutex_);
        if (auto e = refused("read_history")) return *e;
        return ports::history_page{};
    }
    ports::chat_result<core::user_id> bot_user() override {
        std::lock_guard lock(mutex_);
        if (auto e = refused("bot_user")) return *e;
        return me;
    }
    ports::chat_result<std::vector<std::string>> missing(core::guild_id, std::span<const ports::requirement> needs) override {
        std::lock_guard lock(mutex_);
        calls.emplace_back("missing");
        last_needs.assign(needs.begin(), needs.end());
        return missing_answer;
    }

private:
    std::optional<ports::chat_error> refused(const char* call) {
        calls.emplace_back(call);
        if (refuse.count(call) != 0) return refusal;
        return std::nullopt;
    }
    std::mutex mutex_;
    std::uint64_t next_id_ = 7000;
};

}  // namespace apexcore::test_support
