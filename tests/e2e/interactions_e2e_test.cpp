// The inbound side and the responses of the chat port end to end (issue 9 §2): a bot built on the
// library (discord::discord_runtime with its own handler, in this process) against the sandbox,
// which checks every callback as Discord does. Sub-commands with options of every type, a modal
// opened and submitted, autocomplete, user selects, link buttons, rich embeds with an uploaded
// picture, follow-up messages, the member's locale and permissions.
#include "bot_fixture.hpp"

#include <apexcore/discord/discord_runtime.hpp>

#include <boost/asio/executor_work_guard.hpp>

#include <mutex>

namespace apexcore::test_support {
namespace {

using ports::response_kind;

class LibraryBotTest : public BotFixture {
protected:
    LibraryBotTest() { start_bot_ = false; }

    void SetUp() override {
        BotFixture::SetUp();
        if (HasFatalFailure()) return;
        discord::runtime_options options;
        options.rest.api_base = info_["api_base"];
        options.rest.ca_file = info_["ca_file"];
        options.rest.token = token_;
        options.gateway.token = token_;
        options.gateway.ca_file = info_["ca_file"];
        options.guild = *core::guild_id::parse(info_["guild_id"].get<std::string>());
        options.commands = commands();
        runtime_ = std::make_unique<discord::discord_runtime>(
            io_, std::move(options), [this](const ports::interaction& i) { return handle(i); },
            [this](const apexcore::ports::log_record& r) {
                std::lock_guard lock(mutex_);
                log_ += std::string(r.component) + ": " + std::string(r.message) + "\n";
            },
            [](std::string_view) {});
        runtime_->start();
        for (int i = 0; i < 2; ++i) threads_.emplace_back([this] { io_.run(); });
        ASSERT_TRUE(wait_for([&] { return control_->get("/_sandbox/state").body["commands"].size() == 3; })) << log();
    }

    void TearDown() override {
        if (runtime_) runtime_->stop();
        work_.reset();
        io_.stop();
        for (auto& t : threads_) t.join();
        runtime_.reset();
        BotFixture::TearDown();
    }

    std::string log() {
        std::lock_guard lock(mutex_);
        return log_;
    }

    static std::vector<ports::command_spec> commands() {
        ports::command_spec ticket;
        ticket.name = "ticket";
        ticket.description = "Support tickets";
        ports::subcommand_spec open;
        open.name = "open";
        open.description = "Open a ticket";
        ports::command_option_spec topic{"topic", "What it is about", ports::option_type::string, true};
        topic.choices = {{"Payment", std::string("payment")}, {"Delivery", std::string("delivery")}};
        ports::command_option_spec urgent{"urgent", "Urgent?", ports::option_type::boolean, false};
        ports::command_option_spec team{"team", "Which team", ports::option_type::role, false};
        ports::command_option_spec where{"where", "Channel", ports::option_type::channel, false};
        ports::command_option_spec proof{"proof", "Payment proof", ports::option_type::attachment, false};
        ports::command_option_spec count{"count", "How many", ports::option_type::integer, false};
        count.min_value = 1;
        count.max_value = 10;
        open.options = {topic, urgent, team, where, proof, count};
        ports::subcommand_spec form;
        form.name = "form";
        form.description = "Describe the problem in a form";
        ticket.subcommands = {open, form};

        ports::command_spec product;
        product.name = "product";
        product.description = "Look a product up";
        ports::command_option_spec name{"name", "Product name", ports::option_type::string, true};
        name.autocomplete = true;
        product.options = {name};

        ports::command_spec card;
        card.name = "card";
        card.description = "A rich card";
        return {ticket, product, card};
    }

    ports::interaction_response handle(const ports::interaction& i) {
        ports::interaction_response r;
        r.body.ephemeral = true;
        if (const auto* c = std::get_if<ports::command_invocation>(&i.action)) {
            if (c->name == "ticket form") {
                r.kind = response_kind::open_modal;
                r.form.custom_id = "t1:form";
                r.form.title = "Describe the problem";
                ports::text_input what;
                what.custom_id = "what";
                what.label = "What happened?";
                what.paragraph = true;
                what.min_length = 5;
                what.max_length = 500;
                ports::text_input order;
                order.custom_id = "order";
                order.label = "Order number";
                order.required = false;
                r.form.inputs = {what, order};
                return r;
            }
            if (c->name == "ticket open") {
                std::string seen = "ticket open:";
                for (const auto& o : c->options) {
                    seen += " " + o.name + "=";
                    std::visit(
                        [&](const auto& v) {
                            using T = std::decay_t<decltype(v)>;
                            if constexpr (std::is_same_v<T, std::string>) seen += v;
                            else if constexpr (std::is_same_v<T, bool>) seen += v ? "yes" : "no";
                            else if constexpr (std::is_same_v<T, std::int64_t> || std::is_same_v<T, double>) seen += std::to_string(v);
                            else if constexpr (std::is_same_v<T, ports::attachment_info>) seen += v.filename + "(" + std::to_string(v.size) + ")";
                            else seen += "#" + v.str();
                        },
                        o.value);
                }
                seen += " locale=" + i.locale + " admin=" + (i.from.administrator ? "yes" : "no") +
                        " can_send=" + (i.from.in_channel.has(ports::ability::send) ? "yes" : "no");
                r.body.content = seen;
                ports::entity_select who;
                who.custom_id = "t1:assign";
                who.placeholder = "Assign to";
                r.body.rows = {{{who}}};
                return r;
            }
            if (c->name == "card") {
                r.body.ephemeral = false;
                ports::embed e;
                e.title = "Indie Bundle Key";
                e.url = "https://example.com/products/4";
                e.image_url = "attachment://cover.png";
                e.thumbnail_url = "https://example.com/thumb.png";
                e.author_name = "apexcore shop";
                e.author_url = "https://example.com";
                e.timestamp = "2026-11-29T22:00:00Z";
                r.body.embeds = {e};
                ports::button site;
                site.label = "Open the store";
                site.url = "https://example.com/store";
                r.body.rows = {{{site}}};
                r.body.files = {{"cover.png", "image/png", std::string("\x89PNG\r\n\x1a\n", 8) + std::string(100, 'x'), "Cover"}};
                ports::message more;
                more.content = "Need help? Use /ticket open.";
                r.followups = {more};
                return r;
            }
        }
        if (const auto* a = std::get_if<ports::autocomplete_request>(&i.action)) {
            r.kind = response_kind::suggest;
            for (const char* p : {"Indie Bundle Key", "Indie Soundtrack", "SafeVPN"}) {
                if (std::string(p).starts_with(a->partial)) r.choices.push_back({p, std::string(p)});
            }
            return r;
        }
        if (const auto* m = std::get_if<ports::modal_submit>(&i.action)) {
            r.body.content = "modal " + m->custom_id + ": what=" + m->value("what").value_or("?") + " order=" + m->value("order").value_or("?");
            ports::message followup;
            followup.content = "A staff member will answer here.";
            r.followups = {followup};
            return r;
        }
        if (const auto* a = std::get_if<ports::component_action>(&i.action)) {
            r.kind = response_kind::update_message;
            r.body.content = std::string("assigned to ") + (a->values.empty() ? "nobody" : a->values.front()) +
                             (a->kind == ports::component_kind::user_select ? " (a user select)" : " (?)");
            return r;
        }
        r.body.content = "unexpected";
        return r;
    }

    boost::asio::io_context io_;
    std::optional<boost::asio::executor_work_guard<boost::asio::io_context::executor_type>> work_{io_.get_executor()};
    std::unique_ptr<discord::discord_runtime> runtime_;
    std::vector<std::thread> threads_;
    std::mutex mutex_;
    std::string log_;
};

TEST_F(LibraryBotTest, SubCommandOptionsOfEveryTypeArriveTyped) {
    const json state = control_->get("/_sandbox/guild").body;
    std::string staff_role;
    for (const auto& r : state["roles"]) {
        if (r["name"] == "Staff") staff_role = r["id"];
    }
    const std::string shop = info_["channel_ids"][0];
    const auto r = control_->post("/_sandbox/commands",
                                  {{"user_id", customer()},
                                   {"name", "ticket open"},
                                   {"options",
                                    {{"topic", "payment"},
                                     {"urgent", true},
                                     {"team", staff_role},
                                     {"where", shop},
                                     {"proof", {{"filename", "receipt.png"}, {"size", 2048}, {"content_type", "image/png"}}},
                                     {"count", 3}}}});
    ASSERT_EQ(r.status, 200U) << r.body.dump() << log();
    EXPECT_EQ(reply_text(r), "ticket open: topic=payment urgent=yes team=#" + staff_role + " where=#" + shop +
                                 " proof=receipt.png(2048) count=3 locale=en-US admin=no can_send=yes");
    // The sandbox refuses what a Discord client could not send: a value outside the choices or limits.
    EXPECT_EQ(control_->post("/_sandbox/commands", {{"user_id", customer()}, {"name", "ticket open"}, {"options", {{"topic", "other"}}}}).status,
              400U);
    EXPECT_EQ(control_->post("/_sandbox/commands",
                             {{"user_id", customer()}, {"name", "ticket open"}, {"options", {{"topic", "payment"}, {"count", 11}}}})
                  .status,
              400U);

    // The answer carried a user select; the member picks someone, the handler sees the id and the kind.
    const auto picked = control_->post("/_sandbox/components", {{"user_id", customer()},
                                                                {"message_id", r.body["message_id"]},
                                                                {"custom_id", "t1:assign"},
                                                                {"values", {staff()}}});
    ASSERT_EQ(picked.status, 200U) << picked.body.dump();
    EXPECT_EQ(reply_text(picked), "assigned to " + staff() + " (a user select)");
}

TEST_F(LibraryBotTest, AModalOpensAndItsSubmissionComesBackWithAFollowUp) {
    const auto opened = control_->post("/_sandbox/commands", {{"user_id", customer()}, {"name", "ticket form"}});
    ASSERT_EQ(opened.status, 200U) << opened.body.dump() << log();
    ASSERT_EQ(opened.body["response"]["type"], 9) << "a modal (type 9)";
    EXPECT_EQ(opened.body["response"]["data"]["components"][0]["type"], 18) << "text inputs inside Labels";
    const std::string interaction = opened.body["interaction_id"];

    // Too short for min_length 5: a Discord client would not let the member send it.
    EXPECT_EQ(control_->post("/_sandbox/modals", {{"user_id", customer()}, {"interaction_id", interaction}, {"values", {{"what", "hi"}}}}).status,
              400U);
    const auto sent = control_->post("/_sandbox/modals", {{"user_id", customer()},
                                                          {"interaction_id", interaction},
                                                          {"values", {{"what", "My key does not work"}, {"order", "#42"}}}});
    ASSERT_EQ(sent.status, 200U) << sent.body.dump() << log();
    EXPECT_EQ(reply_text(sent), "modal t1:form: what=My key does not work order=#42");
    EXPECT_EQ(control_->post("/_sandbox/modals", {{"user_id", customer()}, {"interaction_id", interaction}, {"values", {{"what", "again!"}}}}).status,
              404U)
        << "a modal is sent once";
    // The follow-up arrives after the answer, in #shop's history (it is not ephemeral).
    ASSERT_TRUE(wait_for([&] { return count_messages(shop_channel(), "A staff member will answer here.") == 1; })) << log();
}

TEST_F(LibraryBotTest, AutocompleteSuggestsWhileTheMemberTypes) {
    const auto typed = control_->post("/_sandbox/autocomplete", {{"user_id", customer()}, {"name", "product"}, {"option", "name"}, {"value", "Indie"}});
    ASSERT_EQ(typed.status, 200U) << typed.body.dump() << log();
    ASSERT_EQ(typed.body["response"]["type"], 8);
    const json choices = typed.body["response"]["data"]["choices"];
    ASSERT_EQ(choices.size(), 2U);
    EXPECT_EQ(choices[0]["name"], "Indie Bundle Key");
    EXPECT_EQ(choices[1]["value"], "Indie Soundtrack");
}

TEST_F(LibraryBotTest, ARichCardWithAnUploadedPictureALinkButtonAndAFollowUp) {
    const auto r = control_->post("/_sandbox/commands", {{"user_id", customer()}, {"name", "card"}});
    ASSERT_EQ(r.status, 200U) << r.body.dump() << log();
    // With a file the answer is a deferral, then an edit of @original carrying it (multipart).
    ASSERT_TRUE(r.body.value("deferred", false)) << r.body.dump();
    const json original = r.body["original"];
    ASSERT_EQ(original["attachments"].size(), 1U) << original.dump();
    EXPECT_EQ(original["attachments"][0]["filename"], "cover.png");
    EXPECT_EQ(original["attachments"][0]["size"], 108);
    const json embed = original["embeds"][0];
    EXPECT_EQ(embed["image"]["url"], "attachment://cover.png");
    EXPECT_EQ(embed["thumbnail"]["url"], "https://example.com/thumb.png");
    EXPECT_EQ(embed["author"]["name"], "apexcore shop");
    EXPECT_EQ(embed["url"], "https://example.com/products/4");
    EXPECT_EQ(embed["timestamp"], "2026-11-29T22:00:00Z");
    const json button = original["components"][0]["components"][0];
    EXPECT_EQ(button["style"], 5);
    EXPECT_EQ(button["url"], "https://example.com/store");
    EXPECT_FALSE(button.contains("custom_id"));
    // The follow-up went out after the edit, as its own message in #shop.
    ASSERT_TRUE(wait_for([&] { return count_messages(shop_channel(), "Need help? Use /ticket open.") == 1; })) << log();
}

}  // namespace
}  // namespace apexcore::test_support
