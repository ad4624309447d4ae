// Transcripts (issue 10 §3): the HTML file renders hostile content safely and completely, shows
// mentions by name and links only https; the JSON export is valid JSON with string ids; the
// directory store keeps files whole under safe keys only; the archive keeps both files.
#include <apexcore/render/transcript_archive.hpp>
#include <apexcore/render/transcript_html.hpp>
#include <apexcore/render/transcript_json.hpp>
#include <apexcore/storage/directory_transcript_store.hpp>

#include <gtest/gtest.h>
#include <nlohmann/json.hpp>

#include <filesystem>
#include <regex>

namespace {

using namespace apexcore;

core::transcript sample() {
    core::transcript t;
    t.ticket_record.id = core::ticket_id{42};
    t.ticket_record.type = "order";
    t.ticket_record.subject = "Key for <Editor Pro>";
    t.ticket_record.opener = core::user_id{200};
    t.ticket_record.participants = {core::user_id{400}};
    t.ticket_record.answers = {{"Which product?", "Editor Pro & friends"}};
    t.ticket_record.opened_at = std::chrono::system_clock::time_point(std::chrono::milliseconds(1795000000000));
    t.ticket_record.closed_at = t.ticket_record.opened_at + std::chrono::hours(2);
    t.ticket_record.closed_by = core::user_id{300};
    t.ticket_record.close_reason = "Solved";
    t.ticket_record.rating = 5;
    t.type_label = "Order";
    t.channel_name = "order-42";
    t.user_names = {{core::user_id{200}, "Alice"}, {core::user_id{300}, "Sam (staff)"}, {core::user_id{400}, "Bob"}};
    t.role_names = {{core::role_id{5}, "Staff"}};
    t.channel_names = {{core::channel_id{9}, "rules"}};
    core::transcript_message m;
    m.id = core::message_id{1001};
    m.author = core::user_id{200};
    m.author_name = "Alice";
    m.content = "Hi <@300>, see <#9> and ask <@&5> or <@!400>";
    m.sent_unix_ms = 1795000001000;
    t.messages.push_back(m);
    return t;
}

std::size_t count(const std::string& haystack, const std::string& needle) {
    std::size_t n = 0;
    for (auto pos = haystack.find(needle); pos != std::string::npos; pos = haystack.find(needle, pos + needle.size())) ++n;
    return n;
}

TEST(TranscriptHtmlTest, ShowsTheTicketAndMentionsByName) {
    const std::string html = render::transcript_html(sample());
    EXPECT_EQ(html.rfind("<!DOCTYPE html>", 0), 0U);
    EXPECT_NE(html.find("Order ticket #42: Key for &lt;Editor Pro&gt;"), std::string::npos);
    EXPECT_NE(html.find("Editor Pro &amp; friends"), std::string::npos);
    EXPECT_NE(html.find("<span class=\"mention\">@Sam (staff)</span>"), std::string::npos);
    EXPECT_NE(html.find("<span class=\"mention\">#rules</span>"), std::string::npos);
    EXPECT_NE(html.find("<span class=\"mention role\">@Staff</span>"), std::string::npos);
    EXPECT_NE(html.find("<span class=\"mention\">@Bob</span>"), std::string::npos);
    EXPECT_NE(html.find("by Sam (staff)"), std::string::npos);
    EXPECT_NE(html.find("5 of 5"), std::string::npos);
    EXPECT_NE(html.find("data-ms=\"1795000001000\""), std::string::npos) << "times convert to the reader's zone";
    EXPECT_NE(html.find("2026-11-18 "), std::string::npos) << "UTC without script";
}

TEST(TranscriptHtmlTest, HostileContentIsEscapedAndOnlyHttpsIsLinked) {
    auto t = sample();
    core::transcript_message m = t.messages[0];
    m.content = "<script>alert(1)</script><img src=x onerror=alert(2)> \"quoted\" 'single' \xC3\x28 broken";
    m.author_name = "<b>evil</b>";
    m.attachments = {{"a.png", "javascript:alert(3)", 10}, {"b.png", "https://cdn.discordapp.com/x/b.png", 2048},
                     {"c\"><script>.png", "https://cdn.discordapp.com/x/c\"onmouseover=\"alert(4)", 1}};
    m.embeds = {{"<i>title</i>", "desc <script>", {{"<u>f</u>", "v"}}, 0xFF0000, "foot"}};
    t.messages = {m};
    const std::string html = render::transcript_html(t);
    // The only script is the file's own, with the nonce the CSP allows.
    EXPECT_EQ(count(html, "<script"), 1U);
    std::smatch nonce;
    ASSERT_TRUE(std::regex_search(html, nonce, std::regex("'nonce-([0-9a-f]{32})'")));
    EXPECT_NE(html.find("<script nonce=\"" + nonce[1].str() + "\">"), std::string::npos);
    EXPECT_NE(html.find("default-src 'none'"), std::string::npos);
    EXPECT_EQ(html.find("<img"), std::string::npos);
    EXPECT_EQ(html.find("<b>evil"), std::string::npos);
    EXPECT_EQ(html.find("<i>title"), std::string::npos);
    EXPECT_NE(html.find("&lt;script&gt;alert(1)&lt;/script&gt;"), std::string::npos);
    EXPECT_NE(html.find("&quot;quoted&quot; &#39;single&#39;"), std::string::npos);
    EXPECT_EQ(html.find("javascript:"), std::string::npos) << "never a javascript: link";
    EXPECT_NE(html.find("href=\"https://cdn.discordapp.com/x/b.png\""), std::string::npos);
    EXPECT_EQ(html.find("onmouseover=\"alert"), std::string::npos) << "a URL with a quote is not linked";
    EXPECT_TRUE(core::is_valid_utf8(html)) << "broken UTF-8 is repaired";
    EXPECT_NE(html.find("\xEF\xBF\xBD"), std::string::npos);
}

TEST(TranscriptHtmlTest, TenThousandLongMessagesRenderCompletely) {
    auto t = sample();
    t.messages.clear();
    for (int i = 0; i < 10000; ++i) {
        core::transcript_message m;
        m.id = core::message_id{static_cast<std::uint64_t>(5000 + i)};
        m.author = core::user_id{static_cast<std::uint64_t>(200 + i % 3)};
        m.author_name = "user" + std::to_string(i % 3);
        m.content = std::string(1990, 'x') + std::to_string(i % 10) + "<&>";
        m.sent_unix_ms = 1795000000000 + i * 1000LL;
        t.messages.push_back(std::move(m));
    }
    const std::string html = render::transcript_html(t);
    EXPECT_EQ(count(html, "<div class=\"msg"), 10000U);
    EXPECT_EQ(count(html, "x9&lt;&amp;&gt;"), 1000U);
    EXPECT_NE(html.find("id=\"m14999\""), std::string::npos) << "the last message is there";
    EXPECT_LT(html.size(), 10000U * 2400U) << "linear in the input";
}

TEST(TranscriptJsonTest, IsValidJsonWithStringIds) {
    auto t = sample();
    t.messages[0].content = "bad \xFF utf-8";
    const auto doc = nlohmann::json::parse(render::transcript_json(t));
    EXPECT_EQ(doc["ticket"]["id"], "42");
    EXPECT_EQ(doc["ticket"]["opener"], "200");
    EXPECT_EQ(doc["ticket"]["participants"][0], "400");
    EXPECT_EQ(doc["ticket"]["rating"], 5);
    EXPECT_EQ(doc["messages"][0]["id"], "1001");
    EXPECT_EQ(doc["messages"][0]["content"], "bad \xEF\xBF\xBD utf-8");
    EXPECT_EQ(doc["users"]["300"], "Sam (staff)");
}

class DirectoryStoreTest : public ::testing::Test {
protected:
    std::filesystem::path root_ = std::filesystem::temp_directory_path() / ("apexcore-store-" + std::to_string(::getpid()));
    void TearDown() override { std::filesystem::remove_all(root_); }
};

TEST_F(DirectoryStoreTest, KeepsFilesWholeUnderSafeKeysOnly) {
    storage::directory_transcript_store store(root_);
    const auto where = store.put("transcripts/order-42/t.html", "<html>hello</html>", "text/html");
    ASSERT_TRUE(where.ok()) << where.error().detail;
    EXPECT_EQ(*where, (root_ / "transcripts/order-42/t.html").string());
    EXPECT_EQ(store.get("transcripts/order-42/t.html").value(), "<html>hello</html>");
    ASSERT_TRUE(store.put("transcripts/order-42/t.html", "v2", "text/html").ok());
    EXPECT_EQ(store.get("transcripts/order-42/t.html").value(), "v2") << "replaced";
    for (const char* bad : {"../escape", "/etc/passwd", "a//b", "a/../../b", "", "sp ace", "a\\b", "x\ny"}) {
        const auto refused = store.put(bad, "x", "text/plain");
        ASSERT_FALSE(refused.ok()) << bad;
        EXPECT_EQ(refused.error().what, ports::storage_error::code::invalid_key) << bad;
    }
    EXPECT_EQ(store.get("transcripts/none.html").error().what, ports::storage_error::code::not_found);
    // No temporary file is left behind.
    for (const auto& entry : std::filesystem::recursive_directory_iterator(root_)) {
        EXPECT_EQ(entry.path().string().find(".tmp-"), std::string::npos) << entry.path();
    }
}

TEST_F(DirectoryStoreTest, TheArchiveKeepsTheHtmlAndTheJsonAndReturnsThem) {
    storage::directory_transcript_store store(root_);
    render::store_archive archive(store);
    const auto archived = archive.archive(sample());
    ASSERT_TRUE(archived.ok()) << archived.error().detail;
    ASSERT_EQ(archived->files.size(), 2U);
    EXPECT_EQ(archived->files[0].filename, "transcript-order-42.html");
    EXPECT_EQ(archived->files[1].filename, "transcript-order-42.json");
    EXPECT_EQ(archived->location, (root_ / "order-42-42/transcript-order-42.html").string());
    EXPECT_EQ(store.get("order-42-42/transcript-order-42.json").value(), archived->files[1].bytes);
}

}  // namespace
