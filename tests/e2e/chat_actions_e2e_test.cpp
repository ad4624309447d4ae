// The outbound chat port end to end (issue 9 §1): a program built on the library
// (discord::rest_chat_actions over a real rest_client) drives the sandbox, which checks each
// call the way Discord does — permissions with channel overwrites, role hierarchy, limits —
// while the reference bot runs beside it. Each test reads the result back through the
// sandbox's control API, not through the port it is testing.
#include "bot_fixture.hpp"

#include <apexcore/core/rejection.hpp>
#include <apexcore/discord/rest_chat_actions.hpp>

#include <boost/asio/executor_work_guard.hpp>
#include <boost/asio/post.hpp>

#include <future>

namespace apexcore::test_support {
namespace {

using ports::ability;
using ports::chat_errc;

class ChatActionsTest : public BotFixture {
protected:
    void SetUp() override {
        BotFixture::SetUp();
        if (HasFatalFailure()) return;
        discord::rest_options options;
        options.api_base = info_["api_base"];
        options.ca_file = info_["ca_file"];
        options.token = token_;
        rest_ = std::make_unique<discord::rest_client>(io_, options);
        // The sandbox serves uploads itself (its CDN is 127.0.0.1), with its own CA.
        chat_options_.ca_file = info_["ca_file"];
        chat_options_.attachment_hosts.push_back("127.0.0.1");
        chat_ = std::make_unique<discord::rest_chat_actions>(*rest_, io_, chat_options_);
        io_thread_ = std::thread([this] { io_.run(); });
        guild_ = *core::guild_id::parse(info_["guild_id"].get<std::string>());
        customer_id_ = *core::user_id::parse(customer());
        bot_id_ = *core::user_id::parse(std::string("1300000000000000001"));
    }

    void TearDown() override {
        if (rest_) rest_->stop();
        work_.reset();
        if (io_thread_.joinable()) io_thread_.join();
        BotFixture::TearDown();
    }

    json guild_state() { return control_->get("/_sandbox/guild").body; }
    json channel_state(core::channel_id id) {
        const json state = guild_state();  // kept alive: a range-for over a temporary's member dangles
        for (const auto& c : state["channels"]) {
            if (c["id"] == id.str()) return c;
        }
        return nullptr;
    }
    core::role_id role_named(const std::string& name) {
        const json state = guild_state();
        for (const auto& r : state["roles"]) {
            if (r["name"] == name) return *core::role_id::parse(r["id"].get<std::string>());
        }
        ADD_FAILURE() << "no role " << name;
        return {};
    }
    std::vector<std::string> member_roles(const std::string& user) {
        const json state = guild_state();
        for (const auto& m : state["members"]) {
            if (m["user_id"] == user) return m["roles"].get<std::vector<std::string>>();
        }
        return {};
    }
    static ports::message text(std::string content) {
        ports::message m;
        m.content = std::move(content);
        return m;
    }
    /// The ticket channel a shop opens: hidden from @everyone, open to the buyer and the bot.
    ports::channel_spec ticket_spec(std::string name, std::optional<core::channel_id> parent) {
        ports::channel_spec spec;
        spec.name = std::move(name);
        spec.topic = "Order #1 — support";
        spec.parent = parent;
        spec.overwrites = {ports::overwrite::for_role(core::role_id{guild_.value}, {}, ability::view),
                           ports::overwrite::for_member(customer_id_, ports::participant_abilities),
                           ports::overwrite::for_member(bot_id_, ports::participant_abilities)};
        return spec;
    }

    discord::chat_actions_options chat_options_;
    boost::asio::io_context io_;
    std::optional<boost::asio::executor_work_guard<boost::asio::io_context::executor_type>> work_{io_.get_executor()};
    std::unique_ptr<discord::rest_client> rest_;
    std::unique_ptr<discord::rest_chat_actions> chat_;
    std::thread io_thread_;
    core::guild_id guild_;
    core::user_id customer_id_;
    core::user_id bot_id_;
};

TEST_F(ChatActionsTest, ATicketChannelFromOpeningToTranscriptToClosing) {
    const auto category = chat_->create_channel(guild_, {.name = "Tickets", .kind = ports::channel_kind::category, .topic = {},
                                                         .parent = {}, .overwrites = {}},
                                                "ticket category");
    ASSERT_TRUE(category.ok()) << category.error().detail;
    EXPECT_EQ(category->kind, ports::channel_kind::category);

    const auto ticket = chat_->create_channel(guild_, ticket_spec("Ticket 0042", category->id), "ticket opened by customer");
    ASSERT_TRUE(ticket.ok()) << ticket.error().detail;
    EXPECT_EQ(ticket->name, "ticket-0042") << "Discord lower-cases text channel names";
    EXPECT_EQ(ticket->parent, category->id);
    const json seen = channel_state(ticket->id);
    ASSERT_TRUE(seen.is_object());
    EXPECT_EQ(seen["parent_id"], category->id.str());
    EXPECT_EQ(seen["permission_overwrites"][0], json({{"id", guild_.str()}, {"type", 0}, {"allow", "0"}, {"deny", "1024"}}));
    EXPECT_EQ(seen["permission_overwrites"][1],
              json({{"id", customer()}, {"type", 1}, {"allow", "101376"}, {"deny", "0"}}));

    // The member writes, the bot answers with a file, the topic changes.
    ASSERT_EQ(control_->post("/_sandbox/channels/" + ticket->id.str() + "/messages",
                             {{"user_id", customer()}, {"content", "My key does not work"}})
                  .status,
              200U);
    const std::vector<ports::outbound_file> files{{"receipt.txt", "text/plain", "Order #1\r\n--\r\nPaid $12.00\n", "Receipt"}};
    const auto sent = chat_->send_message(ticket->id, text("Here is your receipt."), files);
    ASSERT_TRUE(sent.ok()) << sent.error().detail;
    const auto renamed = chat_->modify_channel(ticket->id, {.name = "ticket-0042-answered", .topic = {}, .parent = {}, .overwrites = {}},
                                               "answered");
    ASSERT_TRUE(renamed.ok()) << renamed.error().detail;
    EXPECT_EQ(channel_state(ticket->id)["name"], "ticket-0042-answered");

    // The transcript: oldest first, with the attachment as Discord describes it.
    const auto page = chat_->read_history(ticket->id, std::nullopt);
    ASSERT_TRUE(page.ok()) << page.error().detail;
    ASSERT_EQ(page->messages.size(), 2U);
    EXPECT_EQ(page->messages[0].content, "My key does not work");
    EXPECT_EQ(page->messages[0].author, customer_id_);
    EXPECT_FALSE(page->messages[0].author_is_bot);
    EXPECT_EQ(page->messages[1].content, "Here is your receipt.");
    EXPECT_TRUE(page->messages[1].author_is_bot);
    ASSERT_EQ(page->messages[1].attachments.size(), 1U);
    EXPECT_EQ(page->messages[1].attachments[0].filename, "receipt.txt");
    EXPECT_EQ(page->messages[1].attachments[0].size, files[0].bytes.size()) << "the file arrived whole through multipart";
    EXPECT_EQ(page->messages[1].attachments[0].content_type, "text/plain");
    EXPECT_FALSE(page->older.has_value());

    const auto edited = chat_->edit_message(ticket->id, sent->id, text("Here is your receipt (edited)."));
    ASSERT_TRUE(edited.ok()) << edited.error().detail;
    const auto after_edit = chat_->read_history(ticket->id, std::nullopt);
    ASSERT_TRUE(after_edit.ok());
    EXPECT_EQ(after_edit->messages[1].content, "Here is your receipt (edited).");
    EXPECT_TRUE(after_edit->messages[1].edited_at.has_value());
    EXPECT_EQ(after_edit->messages[1].attachments.size(), 1U) << "an edit keeps the attachments";

    ASSERT_TRUE(chat_->delete_channel(ticket->id, "ticket closed").ok());
    EXPECT_TRUE(channel_state(ticket->id).is_null());
    const auto gone = chat_->read_history(ticket->id, std::nullopt);
    ASSERT_FALSE(gone.ok());
    EXPECT_EQ(gone.error().code, chat_errc::not_found);

    // Every change carried its audit-log reason, URL-encoded on the wire and decoded by "Discord".
    const json audit = control_->get("/_sandbox/audit-log").body;
    std::vector<std::string> reasons;
    for (const auto& e : audit) reasons.push_back(e["reason"]);
    EXPECT_EQ(reasons, (std::vector<std::string>{"ticket category", "ticket opened by customer", "answered", "ticket closed"}));
}

TEST_F(ChatActionsTest, RolesAreGrantedAndRefusedAsDiscordWould) {
    const auto tier = chat_->create_role(guild_, {.name = "VIP Gold", .color = 0xF1C40F, .hoist = true, .mentionable = false},
                                         "VIP tier");
    ASSERT_TRUE(tier.ok()) << tier.error().detail;
    EXPECT_EQ(tier->position, 1) << "a new role is placed just above @everyone";

    ASSERT_TRUE(chat_->add_member_role(guild_, customer_id_, tier->id, "reached Gold").ok());
    auto roles = member_roles(customer());
    EXPECT_NE(std::find(roles.begin(), roles.end(), tier->id.str()), roles.end());
    const auto member = chat_->fetch_member(guild_, customer_id_);
    ASSERT_TRUE(member.ok()) << member.error().detail;
    EXPECT_EQ(member->display_name, "customer");
    EXPECT_NE(std::find(member->roles.begin(), member->roles.end(), tier->id), member->roles.end());

    ASSERT_TRUE(chat_->remove_member_role(guild_, customer_id_, tier->id, "refunded").ok());
    roles = member_roles(customer());
    EXPECT_EQ(std::find(roles.begin(), roles.end(), tier->id.str()), roles.end());

    // "Owner" sits above the bot's own role: Discord refuses with 50013, the port says why.
    const auto above = chat_->add_member_role(guild_, customer_id_, role_named("Owner"), "should fail");
    ASSERT_FALSE(above.ok());
    EXPECT_EQ(above.error().code, chat_errc::role_hierarchy) << above.error().detail;
    EXPECT_NE(above.error().detail.find("move the bot's role above it"), std::string::npos) << above.error().detail;

    // Without Manage Roles (and Manage Channels) it is a missing permission, not hierarchy.
    ASSERT_EQ(control_->post("/_sandbox/bot-permissions", {{"permissions", "3072"}}).status, 200U);  // view + send
    const auto unprivileged = chat_->add_member_role(guild_, customer_id_, tier->id, "should fail");
    ASSERT_FALSE(unprivileged.ok());
    EXPECT_EQ(unprivileged.error().code, chat_errc::missing_permissions) << unprivileged.error().detail;
    EXPECT_NE(unprivileged.error().detail.find("Manage Roles"), std::string::npos) << unprivileged.error().detail;
    const auto no_channel = chat_->create_channel(guild_, ticket_spec("ticket-0043", std::nullopt), "should fail");
    ASSERT_FALSE(no_channel.ok());
    EXPECT_EQ(no_channel.error().code, chat_errc::missing_permissions);
    const auto no_role = chat_->create_role(guild_, {.name = "x", .color = 0, .hoist = false, .mentionable = false});
    ASSERT_FALSE(no_role.ok());
    EXPECT_EQ(no_role.error().code, chat_errc::missing_permissions);
    roles = member_roles(customer());
    EXPECT_EQ(roles, std::vector<std::string>{role_named("Customer").str()}) << "nothing changed";
}

TEST_F(ChatActionsTest, PermissionOverwritesDecideWhereTheBotMayWrite) {
    // A channel that denies the bot Send Messages: reading works, writing is refused.
    ports::channel_spec spec;
    spec.name = "announcements";
    spec.overwrites = {ports::overwrite::for_member(bot_id_, ability::view | ability::read_history, ability::send)};
    const auto channel = chat_->create_channel(guild_, spec);
    ASSERT_TRUE(channel.ok()) << channel.error().detail;
    const auto refused = chat_->send_message(channel->id, text("hello"));
    ASSERT_FALSE(refused.ok());
    EXPECT_EQ(refused.error().code, chat_errc::missing_permissions) << refused.error().detail;
    EXPECT_TRUE(chat_->read_history(channel->id, std::nullopt).ok());

    // Allowing it back through modify_channel (which needs Manage Roles for overwrites).
    ports::channel_changes open;
    open.overwrites = std::vector<ports::overwrite>{ports::overwrite::for_member(bot_id_, ports::participant_abilities)};
    ASSERT_TRUE(chat_->modify_channel(channel->id, open).ok());
    EXPECT_TRUE(chat_->send_message(channel->id, text("hello")).ok());

    // Files need Attach Files.
    open.overwrites = std::vector<ports::overwrite>{
        ports::overwrite::for_member(bot_id_, ability::view | ability::send, ability::attach_files)};
    ASSERT_TRUE(chat_->modify_channel(channel->id, open).ok());
    const std::vector<ports::outbound_file> file{{"a.txt", "text/plain", "x", ""}};
    const auto no_files = chat_->send_message(channel->id, text("with a file"), file);
    ASSERT_FALSE(no_files.ok());
    EXPECT_EQ(no_files.error().code, chat_errc::missing_permissions);

    // The bot may only hand out what it holds itself: granting Manage Messages on a channel
    // when the bot lacks it is refused by Discord (here: the bot's role without it).
    ASSERT_EQ(control_->post("/_sandbox/bot-permissions", {{"permissions", std::to_string(16 + 268435456 + 1024 + 2048 + 65536)}}).status,
              200U);
    ports::channel_spec generous;
    generous.name = "generous";
    generous.overwrites = {ports::overwrite::for_member(customer_id_, ability::manage_messages)};
    const auto too_generous = chat_->create_channel(guild_, generous);
    ASSERT_FALSE(too_generous.ok());
    EXPECT_EQ(too_generous.error().code, chat_errc::missing_permissions);
}

TEST_F(ChatActionsTest, DirectMessagesReachMembersWhoAcceptThem) {
    const auto dm = chat_->send_dm(customer_id_, text("Your license key: ABCD-1234"));
    ASSERT_TRUE(dm.ok()) << dm.error().detail;
    const auto again = chat_->send_dm(customer_id_, text("Thanks again"));
    ASSERT_TRUE(again.ok()) << again.error().detail;
    EXPECT_EQ(again->channel, dm->channel) << "the DM channel is reused";
    const auto history = chat_->read_history(dm->channel, std::nullopt);
    ASSERT_TRUE(history.ok());
    ASSERT_EQ(history->messages.size(), 2U);
    EXPECT_EQ(history->messages[0].content, "Your license key: ABCD-1234");

    ASSERT_EQ(control_->post("/_sandbox/dms", {{"user_id", customer()}, {"accepts_dms", false}}).status, 200U);
    const auto closed = chat_->send_dm(customer_id_, text("hello?"));
    ASSERT_FALSE(closed.ok());
    EXPECT_EQ(closed.error().code, chat_errc::dm_closed);
    EXPECT_NE(closed.error().detail.find("does not accept direct messages"), std::string::npos) << closed.error().detail;

    const auto stranger = chat_->send_dm(core::user_id{999999999999999999ULL}, text("hi"));
    ASSERT_FALSE(stranger.ok());
    EXPECT_EQ(stranger.error().code, chat_errc::invalid_input) << "no mutual guild: 50278";
}

TEST_F(ChatActionsTest, HistoryPagesWalkBackToTheFirstMessage) {
    const auto channel = chat_->create_channel(guild_, ticket_spec("ticket-history", std::nullopt));
    ASSERT_TRUE(channel.ok()) << channel.error().detail;
    for (int i = 1; i <= 7; ++i) {
        ASSERT_TRUE(chat_->send_message(channel->id, text("message " + std::to_string(i))).ok());
    }
    std::vector<std::string> transcript;
    std::optional<core::message_id> before;
    int pages = 0;
    for (;; ++pages) {
        const auto page = chat_->read_history(channel->id, before, 3);
        ASSERT_TRUE(page.ok()) << page.error().detail;
        std::vector<std::string> texts;
        for (const auto& m : page->messages) texts.push_back(m.content);
        transcript.insert(transcript.begin(), texts.begin(), texts.end());
        if (!page->older) break;
        before = page->older;
        ASSERT_LT(pages, 10) << "the cursor must move";
    }
    EXPECT_EQ(pages, 2) << "3 + 3 + 1 messages";
    ASSERT_EQ(transcript.size(), 7U);
    EXPECT_EQ(transcript.front(), "message 1");
    EXPECT_EQ(transcript.back(), "message 7");

    const auto bad_limit = chat_->read_history(channel->id, std::nullopt, 101);
    ASSERT_FALSE(bad_limit.ok());
    EXPECT_EQ(bad_limit.error().code, chat_errc::invalid_input);
}

TEST_F(ChatActionsTest, UnknownAndForeignThingsAreNotFoundOrInvalidAndNothingIsSent) {
    const core::channel_id nowhere{1300000000000099999ULL};
    const auto missing = chat_->send_message(nowhere, text("hello"));
    ASSERT_FALSE(missing.ok());
    EXPECT_EQ(missing.error().code, chat_errc::not_found);
    const auto stranger = chat_->fetch_member(guild_, core::user_id{999999999999999999ULL});
    ASSERT_FALSE(stranger.ok());
    EXPECT_EQ(stranger.error().code, chat_errc::not_found);
    const auto no_role = chat_->add_member_role(guild_, customer_id_, core::role_id{1300000000000000999ULL});
    ASSERT_FALSE(no_role.ok());
    EXPECT_EQ(no_role.error().code, chat_errc::not_found);

    // A member's message cannot be edited by the bot.
    const auto shop = *core::channel_id::parse(info_["channel_ids"][0].get<std::string>());
    const auto said = control_->post("/_sandbox/channels/" + shop.str() + "/messages", {{"user_id", customer()}, {"content", "hi"}});
    ASSERT_EQ(said.status, 200U);
    const auto foreign = chat_->edit_message(shop, *core::message_id::parse(said.body["id"].get<std::string>()), text("hijacked"));
    ASSERT_FALSE(foreign.ok());
    EXPECT_EQ(foreign.error().code, chat_errc::invalid_input) << foreign.error().detail;

    // Checked before anything is sent: ids of 0, an over-long reason, an empty message.
    const auto before = stats()["rest_requests"].get<int>();
    EXPECT_EQ(chat_->send_message(core::channel_id{}, text("x")).error().code, chat_errc::invalid_input);
    EXPECT_EQ(chat_->delete_channel(shop, std::string(513, 'r')).error().code, chat_errc::invalid_input);
    EXPECT_EQ(chat_->send_message(shop, text("")).error().code, chat_errc::invalid_input);
    EXPECT_EQ(stats()["rest_requests"].get<int>(), before) << "nothing reached Discord";
}

TEST_F(ChatActionsTest, AttachmentsAreDownloadedWithinASizeCapAndATypeCheck) {
    const auto shop = *core::channel_id::parse(info_["channel_ids"][0].get<std::string>());
    std::string csv = "name,price\r\n";
    for (int i = 0; i < 200; ++i) csv += "Product " + std::to_string(i) + ",1.00\r\n";
    const std::vector<ports::outbound_file> files{{"import.csv", "text/csv", csv, "catalog import"}};
    ASSERT_TRUE(chat_->send_message(shop, text("catalog"), files).ok());
    const auto page = chat_->read_history(shop, std::nullopt, 1);
    ASSERT_TRUE(page.ok() && page->messages.size() == 1 && page->messages[0].attachments.size() == 1);
    const ports::attachment_info file = page->messages[0].attachments[0];

    const std::vector<std::string> csv_only{"text/csv"};
    const auto got = chat_->download_attachment(file, 1024 * 1024, csv_only);
    ASSERT_TRUE(got.ok()) << got.error().detail;
    EXPECT_EQ(got.value(), csv) << "the bytes that were uploaded";

    const auto too_big = chat_->download_attachment(file, 100, csv_only);
    ASSERT_FALSE(too_big.ok());
    EXPECT_EQ(too_big.error().code, chat_errc::invalid_input);
    ports::attachment_info understated = file;  // a size that lies: the cap holds while reading
    understated.size = 10;
    const auto lied = chat_->download_attachment(understated, 100, csv_only);
    ASSERT_FALSE(lied.ok());
    EXPECT_EQ(lied.error().code, chat_errc::invalid_input) << lied.error().detail;

    const std::vector<std::string> images{"image/"};
    const auto wrong_type = chat_->download_attachment(file, 1024 * 1024, images);
    ASSERT_FALSE(wrong_type.ok());
    EXPECT_EQ(wrong_type.error().code, chat_errc::invalid_input);
    EXPECT_NE(wrong_type.error().detail.find("text/csv"), std::string::npos) << wrong_type.error().detail;

    ports::attachment_info forged = file;  // a member cannot make the bot fetch any URL
    forged.url = "https://evil.example/steal";
    const auto refused = chat_->download_attachment(forged, 1024 * 1024);
    ASSERT_FALSE(refused.ok());
    EXPECT_EQ(refused.error().code, chat_errc::invalid_input);
    ports::attachment_info gone = file;
    gone.url = file.url.substr(0, file.url.find("/attachments/")) + "/attachments/1/none.csv";
    const auto missing = chat_->download_attachment(gone, 1024 * 1024);
    ASSERT_FALSE(missing.ok());
    EXPECT_EQ(missing.error().code, chat_errc::not_found);
}

TEST_F(ChatActionsTest, ACallOnAnIoThreadIsRefusedInsteadOfDeadlocking) {
    std::promise<ports::chat_result<ports::member_info>> result;
    boost::asio::post(io_, [&] { result.set_value(chat_->fetch_member(guild_, customer_id_)); });
    auto future = result.get_future();
    ASSERT_EQ(future.wait_for(5s), std::future_status::ready) << "the I/O thread must not wait for itself";
    const auto r = future.get();
    ASSERT_FALSE(r.ok());
    EXPECT_EQ(r.error().code, chat_errc::unavailable);
    EXPECT_NE(r.error().detail.find("I/O thread"), std::string::npos);
}

class ChatActionsQueueTest : public ChatActionsTest {
protected:
    ChatActionsQueueTest() { chat_options_.queue_timeout = 1s; }
};

TEST_F(ChatActionsQueueTest, ACallStillRateLimitedWhenItsTimeRunsOutIsWithdrawnUnsent) {
    // Open the connection first, so the refused request is answered at once (not after a slow TLS
    // handshake on a loaded machine) and then waits in the queue for retry_after.
    ASSERT_TRUE(chat_->fetch_member(guild_, customer_id_).ok());
    ASSERT_EQ(faults({{"rest_429", {{"count", 1}, {"retry_after", 5.0}}}}).status, 200U);
    const auto channels_before = guild_state()["channels"].size();
    const auto r = chat_->create_channel(guild_, ticket_spec("ticket-late", std::nullopt));
    ASSERT_FALSE(r.ok()) << "answered only after the 5 s retry_after: the queue timeout did not apply";
    EXPECT_EQ(r.error().code, chat_errc::rate_limited_timeout) << r.error().detail;
    std::this_thread::sleep_for(5500ms);  // past retry_after: a request not withdrawn would be sent now
    EXPECT_EQ(guild_state()["channels"].size(), channels_before) << "the withdrawn request was never sent";
}

}  // namespace
}  // namespace apexcore::test_support

namespace apexcore::test_support {
namespace {

// On start the reference bot checks the server against what its features need, from the guild
// state it keeps (issue 9 §3), and says exactly what is missing.
class SetupCheckTest : public BotFixture {};

TEST_F(SetupCheckTest, OnStartTheBotSaysItHoldsWhatItNeeds) {
    ASSERT_TRUE(wait_for([&] { return bot_->output().find("setup: ") != std::string::npos; }, 10s)) << bot_->output();
    EXPECT_NE(bot_->output().find("setup: the bot holds everything its features need in server " + info_["guild_id"].get<std::string>()),
              std::string::npos)
        << bot_->output();
    EXPECT_EQ(bot_->output().find("setup: missing"), std::string::npos) << bot_->output();
}

class MisconfiguredStaffRoleTest : public BotFixture {
protected:
    json extra_config() override { return {{"staff_role_id", "1300000000000000777"}}; }
};

TEST_F(MisconfiguredStaffRoleTest, TheBotNamesTheRoleThatDoesNotExist) {
    ASSERT_TRUE(wait_for([&] { return bot_->output().find("setup: ") != std::string::npos; }, 10s)) << bot_->output();
    EXPECT_NE(bot_->output().find("setup: missing: staff commands (the staff role): the role 1300000000000000777 does not "
                                  "exist in the server"),
              std::string::npos)
        << bot_->output();
    EXPECT_NE(bot_->output().find("setup: set staff_role_id in the config to the id of your staff role"), std::string::npos)
        << bot_->output();
}

// On demand: /setup check asks Discord (REST) for the state now and answers in the owner's words.
TEST_F(SetupCheckTest, OnDemandStaffSeeThatNothingIsMissingAndMembersAreRefused) {
    const auto r = command(staff(), "setup check");
    ASSERT_EQ(r.status, 200U) << r.body.dump();
    EXPECT_EQ(reply_text(r), "\xE2\x9C\x85 The bot holds everything the shop's features need.") << r.body.dump();
    EXPECT_TRUE(r.body["response"]["data"].value("flags", 0) & 64) << "ephemeral";
    const auto refused = command(customer(), "setup check");
    ASSERT_EQ(refused.status, 200U) << refused.body.dump();
    EXPECT_EQ(reply_text(refused), std::string(core::describe(core::rejection::not_staff)));
    // It asked Discord, not a cache: the guild's roles, channels and the bot's member.
    const json routes = stats()["by_route"];
    const std::string guild_path = "GET /guilds/" + info_["guild_id"].get<std::string>();
    EXPECT_TRUE(routes.contains(guild_path + "/roles")) << routes.dump();
    EXPECT_TRUE(routes.contains(guild_path + "/channels")) << routes.dump();
}

TEST_F(MisconfiguredStaffRoleTest, TheOwnerWithoutTheStaffRoleCanStillAskAndIsToldWhatToFix) {
    // The staff role id is wrong, so nobody is staff; the server owner (administrator) may still check.
    const auto r = command(staff(), "setup check");
    ASSERT_EQ(r.status, 200U) << r.body.dump();
    EXPECT_EQ(reply_text(r),
              "The bot is missing 1 thing the shop needs:\n\xE2\x80\xA2 staff commands (the staff role): the role "
              "1300000000000000777 does not exist in the server")
        << r.body.dump();
}

}  // namespace
}  // namespace apexcore::test_support
