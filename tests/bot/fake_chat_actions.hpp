#pragma once
// A fake outbound port (ports::chat_actions) for bot tests: it records what the bot asked for and
// answers what the test set. Calls a test did not set up answer `unavailable`, so a feature that
// uses a call nobody expected fails visibly instead of passing on a default.
#include <apexcore/ports/chat_actions.hpp>

#include <mutex>
#include <string>
#include <vector>

namespace apexcore::test_support {

class fake_chat_actions final : public ports::chat_actions {
public:
    /// The answer to missing(); a problem list or an error.
    ports::chat_result<std::vector<std::string>> missing_answer = std::vector<std::string>{};
    /// The requirements the last missing() call was asked about.
    std::vector<ports::requirement> last_needs;
    /// The calls made, by name, in order.
    std::vector<std::string> calls;

    ports::chat_result<ports::sent_message> send_message(core::channel_id, const ports::message&,
                                                         std::span<const ports::outbound_file>) override {
        return refuse("send_message");
    }
    ports::chat_result<ports::sent_message> edit_message(core::channel_id, core::message_id, const ports::message&) override {
        return refuse("edit_message");
    }
    ports::chat_result<ports::chat_done> delete_message(core::channel_id, core::message_id, std::string_view) override {
        return refuse("delete_message");
    }
    ports::chat_result<ports::sent_message> send_dm(core::user_id, const ports::message&,
                                                    std::span<const ports::outbound_file>) override {
        return refuse("send_dm");
    }
    ports::chat_result<ports::channel_info> create_channel(core::guild_id, const ports::channel_spec&, std::string_view) override {
        return refuse("create_channel");
    }
    ports::chat_result<ports::channel_info> modify_channel(core::channel_id, const ports::channel_changes&,
                                                           std::string_view) override {
        return refuse("modify_channel");
    }
    ports::chat_result<ports::chat_done> delete_channel(core::channel_id, std::string_view) override {
        return refuse("delete_channel");
    }
    ports::chat_result<ports::role_info> create_role(core::guild_id, const ports::role_spec&, std::string_view) override {
        return refuse("create_role");
    }
    ports::chat_result<ports::chat_done> add_member_role(core::guild_id, core::user_id, core::role_id, std::string_view) override {
        return refuse("add_member_role");
    }
    ports::chat_result<ports::chat_done> remove_member_role(core::guild_id, core::user_id, core::role_id,
                                                            std::string_view) override {
        return refuse("remove_member_role");
    }
    ports::chat_result<ports::member_info> fetch_member(core::guild_id, core::user_id) override { return refuse("fetch_member"); }
    ports::chat_result<std::string> download_attachment(const ports::attachment_info&, std::size_t,
                                                        std::span<const std::string>) override {
        return refuse("download_attachment");
    }
    ports::chat_result<ports::history_page> read_history(core::channel_id, std::optional<core::message_id>, int) override {
        return refuse("read_history");
    }
    ports::chat_result<std::vector<std::string>> missing(core::guild_id, std::span<const ports::requirement> needs) override {
        std::lock_guard lock(mutex_);
        calls.emplace_back("missing");
        last_needs.assign(needs.begin(), needs.end());
        return missing_answer;
    }

private:
    ports::chat_error refuse(const char* call) {
        std::lock_guard lock(mutex_);
        calls.emplace_back(call);
        return {ports::chat_errc::unavailable, std::string("fake_chat_actions: ") + call + " was not set up by the test"};
    }
    std::mutex mutex_;
};

}  // namespace apexcore::test_support
