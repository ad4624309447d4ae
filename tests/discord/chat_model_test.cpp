// The outbound port's Discord mapping (discord/chat_model.hpp, rest_chat_actions.hpp): request
// bodies against REFERENCE.md's own examples, Discord's documented objects parsed, the multipart
// framing read back by the sandbox's decoder, and every error class.
#include <apexcore/discord/chat_model.hpp>
#include <apexcore/discord/rest_chat_actions.hpp>

#include "../../examples/sandbox/multipart.hpp"
#include "fixtures.hpp"

#include <gtest/gtest.h>

namespace {

using namespace apexcore;
using discord::json;
using ports::ability;
using ports::chat_errc;

const core::guild_id guild{41771983423143937ULL};
const core::user_id buyer{53908099506183680ULL};
const core::user_id bot{1300000000000000001ULL};

TEST(ChatModelTest, TicketOverwritesAreTheBitsReferenceMdGives) {
    // REFERENCE.md §2.5 "Ticket channel example": deny @everyone 1024, allow buyer and bot 101376.
    ports::channel_spec spec;
    spec.name = "ticket-0042";
    spec.parent = core::channel_id{399942396007890945ULL};
    spec.overwrites = {ports::overwrite::for_role(core::role_id{guild.value}, {}, ability::view),
                       ports::overwrite::for_member(buyer, ports::participant_abilities),
                       ports::overwrite::for_member(bot, ports::participant_abilities)};
    const auto body = discord::to_create_channel_body(spec);
    ASSERT_TRUE(body.ok()) << body.error().detail;
    const json expected = json::parse(R"({"name":"ticket-0042","type":0,"parent_id":"399942396007890945",
        "permission_overwrites":[
          {"id":"41771983423143937","type":0,"allow":"0","deny":"1024"},
          {"id":"53908099506183680","type":1,"allow":"101376","deny":"0"},
          {"id":"1300000000000000001","type":1,"allow":"101376","deny":"0"}]})");
    EXPECT_EQ(body.value(), expected);
}

TEST(ChatModelTest, AbilitiesRoundTripThroughPermissionBits) {
    for (std::uint32_t bits = 0; bits < (1U << 7); ++bits) {
        ports::abilities a;
        a.bits = bits;
        EXPECT_EQ(discord::from_permission_bits(discord::to_permission_bits(a)), a) << bits;
    }
    // Bits without an ability (ADMINISTRATOR, MANAGE_ROLES) are not reported as one.
    EXPECT_TRUE(discord::from_permission_bits(discord::permission_bits::administrator | discord::permission_bits::manage_roles).empty());
}

ports::channel_spec named(std::string name) {
    ports::channel_spec spec;
    spec.name = std::move(name);
    return spec;
}

TEST(ChatModelTest, ChannelBodiesOutsideDiscordsLimitsAreInvalidInputAndNothingIsBuilt) {
    const auto refused = [](const ports::channel_spec& spec) {
        const auto body = discord::to_create_channel_body(spec);
        return !body.ok() && body.error().code == chat_errc::invalid_input;
    };
    const auto with = [](ports::channel_spec spec, auto change) {
        change(spec);
        return spec;
    };
    EXPECT_TRUE(refused(named("")));
    EXPECT_TRUE(refused(named(std::string(101, 'a'))));
    EXPECT_FALSE(refused(named(std::string(100, 'a'))));
    EXPECT_TRUE(refused(named("bad\xC3")));      // not UTF-8
    EXPECT_TRUE(refused(named("line\nbreak")));  // names are one line
    EXPECT_FALSE(refused(with(named("t"), [](auto& s) { s.topic = "two\nlines"; }))) << "topics may break lines";
    EXPECT_TRUE(refused(with(named("t"), [](auto& s) { s.topic = std::string(1025, 'x'); })));
    EXPECT_TRUE(refused(with(named("c"), [](auto& s) {
        s.kind = ports::channel_kind::category;
        s.topic = "no topics on categories";
    })));
    EXPECT_TRUE(refused(with(named("c"), [](auto& s) {
        s.kind = ports::channel_kind::category;
        s.parent = core::channel_id{5};
    })));
    EXPECT_TRUE(refused(with(named("t"), [](auto& s) { s.overwrites = {ports::overwrite{}}; })));  // no target
    EXPECT_TRUE(refused(with(named("t"), [](auto& s) {
        s.overwrites = std::vector<ports::overwrite>(101, ports::overwrite::for_member(buyer, ability::view));
    })));
    // 100 characters counted as code points, not bytes.
    std::string accented;
    for (int i = 0; i < 100; ++i) accented += "\xC3\xA9";
    EXPECT_FALSE(refused(named(accented)));
    EXPECT_FALSE(discord::to_modify_channel_body({}).ok()) << "an empty change is refused";
    ports::channel_changes unparent;
    unparent.parent = std::optional<core::channel_id>{};
    const auto body = discord::to_modify_channel_body(unparent);
    ASSERT_TRUE(body.ok());
    EXPECT_TRUE(body.value()["parent_id"].is_null());
}

ports::role_spec role_named(std::string name, std::uint32_t color = 0) {
    ports::role_spec spec;
    spec.name = std::move(name);
    spec.color = color;
    return spec;
}

TEST(ChatModelTest, RoleBodiesCarryNoPermissionsAndTheColourAsColors) {
    ports::role_spec gold = role_named("VIP Gold", 0xF1C40F);
    gold.hoist = true;
    const auto body = discord::to_create_role_body(gold);
    ASSERT_TRUE(body.ok());
    EXPECT_EQ(body.value()["permissions"], "0");
    EXPECT_EQ(body.value()["colors"]["primary_color"], 0xF1C40F);
    EXPECT_EQ(body.value()["hoist"], true);
    EXPECT_FALSE(discord::to_create_role_body(role_named("x", 0x1000000)).ok());
    EXPECT_FALSE(discord::to_create_role_body(role_named("")).ok());
}

ports::message text(std::string content, bool ephemeral = false) {
    ports::message m;
    m.content = std::move(content);
    m.ephemeral = ephemeral;
    return m;
}

TEST(ChatModelTest, MessageBodiesListTheirFilesAndRefuseWhatDiscordWould) {
    const std::vector<ports::outbound_file> files{{"transcript.html", "text/html", "<p>hi</p>", "Ticket transcript"},
                                                  {"receipt.png", "image/png", std::string("\x89PNG\r\n\x1a\n", 8), ""}};
    const auto body = discord::to_channel_message_body(text("Transcript", true), files);
    ASSERT_TRUE(body.ok());
    EXPECT_FALSE(body.value().contains("flags") && (body.value()["flags"].get<int>() & 64) != 0) << "channel messages are never ephemeral";
    EXPECT_EQ(body.value()["attachments"], json::parse(R"([{"id":0,"filename":"transcript.html","description":"Ticket transcript"},
                                                          {"id":1,"filename":"receipt.png"}])"));
    const auto refused = [](const ports::message& m, std::vector<ports::outbound_file> f) {
        return !discord::to_channel_message_body(m, f).ok();
    };
    EXPECT_TRUE(refused(text(""), {})) << "an empty message (Discord 50006)";
    EXPECT_FALSE(refused(text(""), {{"a.txt", "", "x", ""}})) << "a file alone is a message";
    EXPECT_TRUE(refused(text("x"), std::vector<ports::outbound_file>(11, {"a.txt", "", "x", ""})));
    EXPECT_TRUE(refused(text("x"), {{"big.bin", "", std::string(ports::file_size_max + 1, 'x'), ""}}));
    EXPECT_TRUE(refused(text("x"), {{"../etc/passwd", "", "x", ""}}));
    EXPECT_TRUE(refused(text("x"), {{"a\"b.txt", "", "x", ""}}));
    EXPECT_TRUE(refused(text("x"), {{"", "", "x", ""}}));
}

TEST(ChatModelTest, MultipartBodiesAreReadBackWhole) {
    // Binary content with CR LF and dashes, as a PNG or a zip has.
    std::string binary;
    for (int i = 0; i < 256; ++i) binary.push_back(static_cast<char>(i));
    binary += "\r\n--\r\n--apexcore-";
    const std::vector<ports::outbound_file> files{{"a.bin", "application/octet-stream", binary, ""}, {"b.txt", "", "", ""}};
    const json payload{{"content", "files"}, {"attachments", json::array({{{"id", 0}, {"filename", "a.bin"}}, {{"id", 1}, {"filename", "b.txt"}}})}};
    const std::string boundary = discord::make_multipart_boundary(payload.dump(), files);
    EXPECT_EQ(binary.find(boundary), std::string::npos);
    const std::string wire = discord::to_multipart(payload, files, boundary);
    const auto decoded = sandbox::parse_multipart("multipart/form-data; boundary=" + boundary, wire);
    ASSERT_TRUE(std::holds_alternative<sandbox::multipart_body>(decoded)) << std::get<std::string>(decoded);
    const auto& parts = std::get<sandbox::multipart_body>(decoded);
    EXPECT_EQ(parts.payload, payload);
    ASSERT_EQ(parts.files.size(), 2U);
    EXPECT_EQ(parts.files[0].index, 0);
    EXPECT_EQ(parts.files[0].filename, "a.bin");
    EXPECT_EQ(parts.files[0].bytes, binary);
    EXPECT_EQ(parts.files[1].content_type, "application/octet-stream");
    EXPECT_EQ(parts.files[1].bytes, "");
}

TEST(ChatModelTest, DiscordsDocumentedObjectsParse) {
    const auto text = discord::parse_channel(test_support::discord_example("channel.guild_text.json"));
    ASSERT_TRUE(text.ok()) << text.error().what;
    EXPECT_EQ(text->kind, ports::channel_kind::text);
    EXPECT_EQ(text->name, "general");
    EXPECT_EQ(text->parent, core::channel_id{399942396007890945ULL});
    const auto category = discord::parse_channel(test_support::discord_example("channel.category.json"));
    ASSERT_TRUE(category.ok()) << category.error().what;
    EXPECT_EQ(category->kind, ports::channel_kind::category);
    const auto dm = discord::parse_channel(test_support::discord_example("channel.dm.json"));
    ASSERT_TRUE(dm.ok()) << dm.error().what;
    EXPECT_EQ(dm->kind, ports::channel_kind::other);

    const auto role = discord::parse_role_with_permissions(test_support::discord_example("role.example.json"));
    ASSERT_TRUE(role.ok()) << role.error().what;
    EXPECT_EQ(role->role.position, 1);
    EXPECT_EQ(role->permissions, 66321471U);

    const auto message = discord::parse_history_message(test_support::discord_example("message.example.json"));
    ASSERT_TRUE(message.ok()) << message.error().what;
    EXPECT_EQ(message->content, "Supa Hot");
    EXPECT_EQ(message->author_name, "Mason");
    EXPECT_EQ(message->sent_unix_ms, static_cast<std::int64_t>((334385199974967042ULL >> 22) + 1420070400000ULL));
    EXPECT_FALSE(message->edited_at.has_value());

    // Discord's member example has an empty user: a member without an id is refused by name.
    const auto member = discord::parse_member(test_support::discord_example("guild_member.example.json"));
    ASSERT_FALSE(member.ok());
    EXPECT_NE(member.error().what.find("user.id"), std::string::npos);
}

TEST(ChatModelTest, MembersAreNamedAsDiscordShowsThem) {
    json m = json::parse(R"({"user":{"id":"53908099506183680","username":"mason","global_name":"Mason"},
                              "nick":null,"roles":["41771983423143936"]})");
    auto parsed = discord::parse_member(m);
    ASSERT_TRUE(parsed.ok());
    EXPECT_EQ(parsed->display_name, "Mason");
    ASSERT_EQ(parsed->roles.size(), 1U);
    m["nick"] = "Boss";
    EXPECT_EQ(discord::parse_member(m)->display_name, "Boss");
    m["roles"] = json::array({"0"});
    EXPECT_FALSE(discord::parse_member(m).ok()) << "a malformed role id is refused, not skipped";
}

TEST(ChatModelTest, HistoryPagesAreOldestFirstWithACursorWhenFull) {
    const auto message = [](std::uint64_t id) {
        return json{{"id", std::to_string(id)}, {"author", {{"id", "53908099506183680"}, {"username", "m"}}}, {"content", std::to_string(id)}};
    };
    const json newest_first = json::array({message(300), message(200), message(100)});
    const auto full = discord::parse_history_page(newest_first, 3);
    ASSERT_TRUE(full.ok());
    ASSERT_EQ(full->messages.size(), 3U);
    EXPECT_EQ(full->messages.front().content, "100");
    EXPECT_EQ(full->messages.back().content, "300");
    EXPECT_EQ(full->older, core::message_id{100});
    const auto last = discord::parse_history_page(newest_first, 50);
    EXPECT_FALSE(last->older.has_value()) << "fewer than asked: this was the oldest page";
    EXPECT_FALSE(discord::parse_history_page(json::object(), 3).ok());
    EXPECT_FALSE(discord::parse_history_page(json::array({json{{"id", "1"}}}), 3).ok()) << "a message without an author";
}

TEST(ClassifyFailureTest, EveryRefusalHasItsClass) {
    const auto with = [](unsigned status, int code) {
        discord::rest_response r;
        r.status = status;
        if (code != 0) r.error = discord::api_error{code, "x"};
        return discord::classify_failure({}, r).code;
    };
    EXPECT_EQ(with(404, 10003), chat_errc::not_found);
    EXPECT_EQ(with(404, 10008), chat_errc::not_found);
    EXPECT_EQ(with(404, 0), chat_errc::not_found);
    EXPECT_EQ(with(400, 10011), chat_errc::not_found) << "unknown role";
    EXPECT_EQ(with(403, 50013), chat_errc::missing_permissions);
    EXPECT_EQ(with(403, 50001), chat_errc::missing_permissions);
    EXPECT_EQ(with(403, 50007), chat_errc::dm_closed) << "DMs closed";
    EXPECT_EQ(with(403, 50005), chat_errc::invalid_input) << "another user's message";
    EXPECT_EQ(with(400, 50035), chat_errc::invalid_input);
    EXPECT_EQ(with(400, 30013), chat_errc::invalid_input) << "too many channels";
    EXPECT_EQ(with(429, 0), chat_errc::rate_limited_timeout);
    EXPECT_EQ(with(500, 0), chat_errc::unavailable);
    EXPECT_EQ(with(502, 0), chat_errc::unavailable);
    EXPECT_EQ(with(401, 0), chat_errc::unavailable);
    const auto transport = discord::classify_failure(std::make_error_code(std::errc::timed_out), {});
    EXPECT_EQ(transport.code, chat_errc::unavailable);
    EXPECT_NE(transport.detail.find("reached"), std::string::npos);
}

}  // namespace
