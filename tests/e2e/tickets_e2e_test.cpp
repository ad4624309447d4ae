// Tickets with the real apexbot against the sandbox (issue 10 §2, §5): staff post the panel, a
// member opens a ticket through its button and modal, the sandbox checks the private channel's
// overwrites as Discord would (the visitor cannot see it, until added), messages are activity,
// staff claim, the opener closes with confirmation, the channel is locked, the rating is asked
// and given by DM, staff reopen and delete.
#include "../support/s3rver.hpp"
#include "bot_fixture.hpp"

#include <apexcore/storage/s3_transcript_store.hpp>

namespace apexcore::test_support {
namespace {

using namespace std::chrono_literals;

class TicketsE2eTest : public BotFixture {
protected:
    // Transcripts go to #channel-1.
    json extra_config() override { return {{"tickets", {{"transcript_channel_id", transcript_channel()}}}}; }
    static std::string transcript_channel() { return "1300000000000000301"; }
    std::string visitor() const { return info_["visitor_user_id"]; }

    control_response command_in(const std::string& user, const std::string& channel, const std::string& name,
                                const json& options = json::object()) {
        return control_->post("/_sandbox/commands",
                              {{"user_id", user}, {"name", name}, {"options", options}, {"channel_id", channel}});
    }
    control_response say(const std::string& user, const std::string& channel, const std::string& content) {
        return control_->post("/_sandbox/channels/" + channel + "/messages", {{"user_id", user}, {"content", content}});
    }
    /// The newest message in `channel` with a component whose custom_id starts with `prefix`.
    std::optional<json> message_with(const std::string& channel, const std::string& prefix) {
        const json history = channel_history(channel);
        for (auto m = history.rbegin(); m != history.rend(); ++m) {
            for (const auto& row : m->value("components", json::array())) {
                for (const auto& c : row.value("components", json::array())) {
                    if (c.value("custom_id", "").rfind(prefix, 0) == 0) return *m;
                }
            }
        }
        return std::nullopt;
    }
    json channel_state(const std::string& id) {
        const json guild = control_->get("/_sandbox/guild").body;  // kept alive: the loop refers into it
        for (const auto& c : guild["channels"]) {
            if (c.value("id", "") == id) return c;
        }
        return nullptr;
    }
    /// Opens a support ticket as the customer through the panel; the ticket channel's id.
    std::string open_ticket() {
        EXPECT_EQ(reply_text(command(staff(), "ticket panel")), "The ticket panel is posted.") << log_text();
        const auto panel = message_with(shop_channel(), "tk:open:");
        EXPECT_TRUE(panel) << channel_history(shop_channel()).dump();
        if (!panel) return "";
        const auto form = click(customer(), (*panel)["id"], "tk:open:support");
        EXPECT_EQ(form.body["response"].value("type", 0), 9) << form.body.dump();
        const auto sent = control_->post("/_sandbox/modals", {{"user_id", customer()},
                                                              {"interaction_id", form.body["interaction_id"]},
                                                              {"values", {{"q0", "My key for Editor Pro does not activate"}}}});
        const std::string text = reply_text(sent);
        EXPECT_EQ(text.rfind("Your ticket is open: <#", 0), 0U) << sent.body.dump() << log_text();
        if (text.size() < 25) return "";
        return text.substr(23, text.size() - 24);
    }
    std::string log_text() { return "\nbot:\n" + bot_->output(); }
};

TEST_F(TicketsE2eTest, AMemberOpensATicketOnlyTheyAndStaffSeeAndClosesItWithARating) {
    const std::string channel = open_ticket();
    ASSERT_FALSE(channel.empty());
    const json state = channel_state(channel);
    ASSERT_FALSE(state.is_null()) << channel;
    EXPECT_EQ(state["name"], "support-1");
    // The sandbox enforces the overwrites: the opener writes, the visitor cannot even see it.
    EXPECT_EQ(say(customer(), channel, "Here is a screenshot of the error").status, 200U);
    const auto uploaded = control_->post("/_sandbox/channels/" + channel + "/messages",
                                         {{"user_id", customer()},
                                          {"content", "and the log"},
                                          {"files", json::array({{{"filename", "error-log.txt"}, {"text", "E 0x80070005"}}})}});
    ASSERT_EQ(uploaded.status, 200U) << uploaded.body.dump();
    const auto hidden = say(visitor(), channel, "Let me in");
    EXPECT_EQ(hidden.status, 403U) << hidden.body.dump();
    EXPECT_EQ(say(staff(), channel, "Looking into it").status, 200U);
    // The opening message: the member's answer, and Claim for staff.
    const auto opening = message_with(channel, "tk:claim:");
    ASSERT_TRUE(opening) << channel_history(channel).dump();
    EXPECT_EQ((*opening)["embeds"][0]["fields"][0]["value"], "My key for Editor Pro does not activate");
    const auto not_staff = click(customer(), (*opening)["id"], "tk:claim:1");
    EXPECT_EQ(reply_text(not_staff), "Only staff members can do that.");
    EXPECT_EQ(reply_text(click(staff(), (*opening)["id"], "tk:claim:1")), "<@" + staff() + "> claimed this ticket.");

    // Staff add the visitor, who can now write there.
    const auto added = command_in(staff(), channel, "ticket add", {{"user", visitor()}});
    EXPECT_EQ(reply_text(added), "<@" + visitor() + "> was added to this ticket.") << added.body.dump() << log_text();
    EXPECT_EQ(say(visitor(), channel, "I have the same problem").status, 200U);

    // The opener closes: asked to confirm first (ephemeral), then the channel is locked.
    const auto ask = click(customer(), (*opening)["id"], "tk:close:1");
    EXPECT_EQ(reply_text(ask), "Close this ticket? You can reopen it within a day.") << ask.body.dump();
    const std::string confirm_on = ask.body.value("message_id", "");
    const auto closed = click(customer(), confirm_on, "tk:confirm:1");
    EXPECT_EQ(reply_text(closed), "Ticket #1 is closed.") << closed.body.dump() << log_text();
    ASSERT_TRUE(wait_for([&] { return say(customer(), channel, "one more thing").status == 403U; }))
        << "the opener can no longer write\n" << channel_state(channel).dump();
    EXPECT_TRUE(message_with(channel, "tk:reopen:")) << "the closing message offers Reopen";

    // The rating, by DM: a DM interaction (no guild) routed back to the bot.
    control_response dms;
    ASSERT_TRUE(wait_for([&] {
        dms = control_->get("/_sandbox/dms/" + customer() + "/messages");
        return dms.status == 200U && !dms.body["messages"].empty();
    })) << log_text();
    const json& dm = dms.body["messages"].back();
    EXPECT_EQ(dm["embeds"][0]["title"], "How did we do?");
    ASSERT_EQ(dm["attachments"].size(), 1U) << dm.dump();
    EXPECT_EQ(dm["attachments"][0]["filename"], "transcript-support-1.html");
    // The transcript: posted to the transcript channel (HTML and JSON), kept on disk, complete.
    const json posted = channel_history(transcript_channel());
    ASSERT_FALSE(posted.empty());
    ASSERT_EQ(posted.back()["attachments"].size(), 2U) << posted.back().dump();
    EXPECT_EQ(posted.back()["attachments"][1]["filename"], "transcript-support-1.json");
    const fs::path kept = dir_ / "transcripts" / "support-1-1" / "transcript-support-1.html";
    std::ifstream in(kept);
    ASSERT_TRUE(in) << kept;
    const std::string html((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
    for (const char* said : {"Here is a screenshot of the error", "Looking into it", "I have the same problem",
                             "My key for Editor Pro does not activate", "and the log"}) {
        EXPECT_NE(html.find(said), std::string::npos) << said;
    }
    // The member's file is linked where the sandbox (like Discord's CDN) serves it.
    EXPECT_NE(html.find("/attachments/"), std::string::npos);
    EXPECT_NE(html.find("error-log.txt (1 KB)</a>"), std::string::npos) << "an https link to the upload";
    const auto form = click(customer(), dm["id"], "tk:rate:1:5");
    ASSERT_EQ(form.body["response"].value("type", 0), 9) << form.body.dump() << log_text();
    const auto rated = control_->post("/_sandbox/modals", {{"user_id", customer()},
                                                           {"interaction_id", form.body["interaction_id"]},
                                                           {"values", {{"comment", "Quick and friendly"}}}});
    EXPECT_EQ(reply_text(rated), "Thank you! You rated ticket #1 5 of 5.") << rated.body.dump() << log_text();

    // Staff reopen (the opener writes again), close and delete: the channel goes.
    const auto reopen_on = message_with(channel, "tk:reopen:");
    ASSERT_TRUE(reopen_on);
    EXPECT_EQ(reply_text(click(staff(), (*reopen_on)["id"], "tk:reopen:1")), "Ticket reopened by <@" + staff() + ">.");
    ASSERT_TRUE(wait_for([&] { return say(customer(), channel, "thanks for reopening").status == 200U; }));
    EXPECT_EQ(reply_text(command_in(staff(), channel, "ticket close", {{"reason", "Solved: new key sent"}})), "Ticket #1 is closed.");
    const auto delete_on = message_with(channel, "tk:delete:");
    ASSERT_TRUE(delete_on);
    EXPECT_EQ(reply_text(click(staff(), (*delete_on)["id"], "tk:delete:1")), "Deleting this ticket's channel.");
    EXPECT_TRUE(wait_for([&] { return channel_state(channel).is_null(); })) << "the channel is deleted";
    // What the sandbox's audit log recorded for the channel's life.
    const json audit = control_->get("/_sandbox/audit-log").body;
    EXPECT_NE(audit.dump().find("ticket #1 opened"), std::string::npos) << audit.dump();
    EXPECT_NE(audit.dump().find("ticket #1 deleted"), std::string::npos) << audit.dump();
}

TEST_F(TicketsE2eTest, AnOrderTicketIsPaidFromTheWalletOnce) {
    ASSERT_EQ(reply_text(top_up("50.00")).rfind("Added **$50.00**", 0), 0U);
    EXPECT_EQ(reply_text(command(staff(), "ticket panel")), "The ticket panel is posted.");
    const auto panel = message_with(shop_channel(), "tk:open:");
    ASSERT_TRUE(panel);
    const auto form = click(customer(), (*panel)["id"], "tk:open:order");
    const auto opened = control_->post("/_sandbox/modals", {{"user_id", customer()},
                                                            {"interaction_id", form.body["interaction_id"]},
                                                            {"values", {{"q0", "A game key"}}}});
    const std::string text = reply_text(opened);
    ASSERT_EQ(text.rfind("Your ticket is open: <#", 0), 0U) << opened.body.dump() << log_text();
    const std::string channel = text.substr(23, text.size() - 24);
    // The opening message offers the products; the member picks the first.
    const auto opening = message_with(channel, "tk:product:");
    ASSERT_TRUE(opening) << channel_history(channel).dump();
    const json select = (*opening)["components"][1]["components"][0];
    const std::string product = select["options"][0]["value"];
    const auto card = click(customer(), (*opening)["id"], "tk:product:1", json::array({product}));
    ASSERT_EQ(card.status, 200U) << card.body.dump();
    const json embed = card.body["response"]["data"]["embeds"][0];
    EXPECT_EQ(embed["fields"][0]["name"], "Price") << embed.dump();
    const std::string pay = card.body["response"]["data"]["components"][0]["components"][0]["custom_id"];
    ASSERT_EQ(pay.rfind("tk:wallet:1:" + product + ":", 0), 0U) << pay;
    // Pay; a second press (a double click) charges nothing and shows the same order.
    const auto paid = click(customer(), card.body["message_id"], pay);
    const std::string receipt = reply_text(paid);
    ASSERT_EQ(receipt.rfind("Paid: order **AC-", 0), 0U) << paid.body.dump() << log_text();
    const std::string reference = receipt.substr(14, receipt.find("**", 14) - 14);  // after "Paid: order **"
    const auto again = click(customer(), card.body["message_id"], pay);
    EXPECT_EQ(reply_text(again).rfind("Already paid: order **" + reference + "**", 0), 0U) << reply_text(again);
    const std::string balance = reply_text(command(customer(), "balance"));
    EXPECT_NE(balance.find("$"), std::string::npos);
    EXPECT_NE(balance, "Your wallet balance is **$50.00**.") << "charged";
    // The channel was told, once.
    EXPECT_TRUE(wait_for([&] { return count_messages(channel, "<@" + customer() + "> paid order **" + reference + "** (" +
                                                                 std::string(select["options"][0]["label"]) + ", " +
                                                                 receipt.substr(receipt.find(", $") + 2, receipt.find(" from") - receipt.find(", $") - 2) +
                                                                 ") from their wallet.") == 1; }))
        << channel_history(channel).dump();
}

TEST_F(TicketsE2eTest, TheLimitIsSaidAndABotWithoutManageChannelsTellsTheMemberAndTheLog) {
    ASSERT_FALSE(open_ticket().empty());
    const auto panel = message_with(shop_channel(), "tk:open:");
    ASSERT_TRUE(panel);
    const auto again = click(customer(), (*panel)["id"], "tk:open:support");
    const auto refused = control_->post("/_sandbox/modals", {{"user_id", customer()},
                                                             {"interaction_id", again.body["interaction_id"]},
                                                             {"values", {{"q0", "Another one"}}}});
    EXPECT_EQ(reply_text(refused), "You already have as many open tickets as allowed; please use the one you have.");

    // The bot loses Manage Channels: the visitor's ticket cannot be made, and everybody is told.
    ASSERT_EQ(control_->post("/_sandbox/bot-permissions", {{"permissions", "268435456"}}).status, 200U);  // Manage Roles only
    const auto form = click(visitor(), (*panel)["id"], "tk:open:billing");
    const auto failed = control_->post("/_sandbox/modals", {{"user_id", visitor()},
                                                            {"interaction_id", form.body["interaction_id"]},
                                                            {"values", {{"q0", "Where is my invoice?"}}}});
    EXPECT_NE(reply_text(failed).find("could not be opened"), std::string::npos) << failed.body.dump();
    EXPECT_TRUE(wait_for([&] { return bot_->output().find("tickets: creating the channel for ticket #2 failed: missing_permissions") !=
                                      std::string::npos; }))
        << log_text();
    const auto check = command(staff(), "setup check");
    EXPECT_NE(reply_text(check).find("tickets (private channels): Manage Channels (server-wide)"), std::string::npos)
        << reply_text(check);
}

}  // namespace
}  // namespace apexcore::test_support

namespace apexcore::test_support {
namespace {

// The inactivity sweep with the real apexbot: time moves through APEXBOT_TEST_CLOCK_FILE (the
// shop's clock runs that many seconds ahead), the bot's scheduler finds the sweep due at its next
// tick, warns after 48 h of member silence, and closes an hour after the warning.
class TicketSweepE2eTest : public TicketsE2eTest {
protected:
    TicketSweepE2eTest() {
        clock_file_ = fs::temp_directory_path() / ("apexcore-e2e-clock-" + std::to_string(::getpid()));
        std::ofstream(clock_file_) << 0;
        bot_env_ = {"APEXBOT_TEST_CLOCK_FILE=" + clock_file_.string()};
    }
    ~TicketSweepE2eTest() override { fs::remove(clock_file_); }
    void move_clock(std::chrono::hours ahead) { std::ofstream(clock_file_, std::ios::trunc) << ahead.count() * 3600; }
    bool has_embed(const std::string& channel, const std::string& title) {
        const json history = channel_history(channel);
        return std::any_of(history.begin(), history.end(), [&](const json& m) {
            return m.contains("embeds") && !m["embeds"].empty() && m["embeds"][0].value("title", "") == title;
        });
    }
    fs::path clock_file_;
};

TEST_F(TicketSweepE2eTest, SilenceIsWarnedAfter48HoursAndClosedAfter49) {
    const std::string channel = open_ticket();
    ASSERT_FALSE(channel.empty());
    EXPECT_NE(bot_->output().find("test mode: APEXBOT_TEST_CLOCK_FILE is set"), std::string::npos);
    move_clock(std::chrono::hours(47));
    std::this_thread::sleep_for(2500ms);  // two scheduler ticks: nothing is due yet
    EXPECT_FALSE(has_embed(channel, "Is this still needed?"));
    move_clock(std::chrono::hours(48));
    ASSERT_TRUE(wait_for([&] { return has_embed(channel, "Is this still needed?"); }, 20s)) << log_text();
    // "Keep open" restarts the member's clock: no closing an hour later.
    const auto warning = message_with(channel, "tk:keep:");
    ASSERT_TRUE(warning);
    EXPECT_EQ(reply_text(click(customer(), (*warning)["id"], "tk:keep:1")), "Kept open by <@" + customer() + ">.");
    move_clock(std::chrono::hours(49));
    std::this_thread::sleep_for(2500ms);
    EXPECT_FALSE(has_embed(channel, "Ticket #1 closed"));
    // Silent again for 48 h: warned, and an hour later closed automatically with the DM.
    move_clock(std::chrono::hours(48 + 48));
    ASSERT_TRUE(wait_for([&] {
        const json history = channel_history(channel);
        return std::count_if(history.begin(), history.end(), [](const json& m) {
                   return !m["embeds"].empty() && m["embeds"][0].value("title", "") == "Is this still needed?";
               }) == 2;
    }, 20s)) << log_text();
    move_clock(std::chrono::hours(48 + 49));
    ASSERT_TRUE(wait_for([&] { return has_embed(channel, "Ticket #1 closed"); }, 20s)) << log_text();
    const auto closing = message_with(channel, "tk:reopen:");
    ASSERT_TRUE(closing);
    EXPECT_EQ((*closing)["embeds"][0].value("description", ""), "Closed automatically.");
    ASSERT_TRUE(wait_for([&] { return control_->get("/_sandbox/dms/" + customer() + "/messages").status == 200U; }));
    // An hour after closing, the channel is deleted.
    move_clock(std::chrono::hours(48 + 51));
    EXPECT_TRUE(wait_for([&] { return channel_state(channel).is_null(); }, 20s)) << log_text();
}

}  // namespace
}  // namespace apexcore::test_support

namespace apexcore::test_support {
namespace {

// Transcripts in an S3-compatible bucket: apexbot with tickets.s3 and the keys in its environment.
class TicketS3E2eTest : public TicketsE2eTest {
protected:
    TicketS3E2eTest() : s3_(APEXCORE_S3_DIR, "shop-transcripts") {
        bot_env_ = {std::string("APEXBOT_S3_ACCESS_KEY=") + s3rver::access_key, std::string("APEXBOT_S3_SECRET_KEY=") + s3rver::secret_key};
    }
    json extra_config() override {
        return {{"tickets", {{"transcript_channel_id", transcript_channel()},
                             {"s3", {{"endpoint", s3_.endpoint()}, {"bucket", "shop-transcripts"}, {"prefix", "apexbot/"}}}}}};
    }
    s3rver s3_;
};

TEST_F(TicketS3E2eTest, AClosedTicketsTranscriptIsKeptInTheBucket) {
    const std::string channel = open_ticket();
    ASSERT_FALSE(channel.empty());
    ASSERT_EQ(say(customer(), channel, "Please keep this in the bucket").status, 200U);
    EXPECT_EQ(reply_text(command_in(staff(), channel, "ticket close", {{"reason", "Done"}})), "Ticket #1 is closed.");
    ASSERT_TRUE(wait_for([&] { return !channel_history(transcript_channel()).empty(); })) << log_text();
    const std::string note = channel_history(transcript_channel()).back().value("content", "");
    const std::string url = s3_.endpoint() + "/shop-transcripts/apexbot/support-1-1/transcript-support-1.html";
    EXPECT_NE(note.find("Kept at " + url), std::string::npos) << note;
    storage::s3_transcript_store reader({s3_.endpoint(), "shop-transcripts", "us-east-1", s3rver::access_key, s3rver::secret_key,
                                         "apexbot/"});
    const auto html = reader.get("support-1-1/transcript-support-1.html");
    ASSERT_TRUE(html.ok()) << html.error().detail;
    EXPECT_NE(html->find("Please keep this in the bucket"), std::string::npos);
}

}  // namespace
}  // namespace apexcore::test_support
