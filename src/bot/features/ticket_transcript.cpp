// The tickets feature's transcript: a ticket channel's whole history read page by page (bounded
// by core::transcript_messages_max) into the neutral core::transcript.
#include <apexcore/bot/features/tickets.hpp>

namespace apexcore::bot {

std::optional<core::transcript> tickets_feature::build_transcript(const core::ticket& t, const core::ticket_type& type) {
    core::transcript out;
    out.ticket_record = t;
    out.type_label = type.label;
    out.guild_name = transcripts_.guild_name;
    out.channel_name = core::ticket_channel_name(t);
    if (const auto staff = config_.staff()) out.role_names.emplace(*staff, "Staff");
    out.generated_unix_ms = std::chrono::duration_cast<std::chrono::milliseconds>(tickets_.now().time_since_epoch()).count();
    // Newest page first, each page oldest first; bounded before any work.
    std::vector<std::vector<core::transcript_message>> pages;
    std::size_t count = 0;
    std::optional<core::message_id> before;
    while (true) {
        const auto page = actions_.read_history(*t.channel, before, ports::history_page_max);
        if (!page) {
            log(t.id, "reading the history of ticket #" + std::to_string(t.id.value) + " failed: " + page.error().detail);
            return std::nullopt;
        }
        std::vector<core::transcript_message> converted;
        for (const auto& m : page->messages) {
            core::transcript_message x;
            x.id = m.id;
            x.author = m.author;
            x.author_name = m.author_name;
            x.author_is_bot = m.author_is_bot;
            x.content = m.content;
            for (const auto& e : m.embeds) {
                core::transcript_embed te{e.title, e.description, {}, e.color, e.footer};
                for (const auto& f : e.fields) te.fields.push_back({f.name, f.value});
                x.embeds.push_back(std::move(te));
            }
            for (const auto& a : m.attachments) x.attachments.push_back({a.filename, a.url, a.size});
            x.sent_unix_ms = m.sent_unix_ms;
            x.edited_at = m.edited_at;
            out.user_names.emplace(m.author, m.author_name);
            converted.push_back(std::move(x));
        }
        count += converted.size();
        pages.push_back(std::move(converted));
        if (!page->older) break;
        if (count >= core::transcript_messages_max) {
            out.older_left_out = true;
            break;
        }
        before = page->older;
    }
    out.messages.reserve(count);
    for (auto page = pages.rbegin(); page != pages.rend(); ++page) {
        for (auto& m : *page) out.messages.push_back(std::move(m));
    }
    // Names for the people of the ticket who did not write (best effort).
    std::vector<core::user_id> people{t.opener};
    people.insert(people.end(), t.participants.begin(), t.participants.end());
    for (const auto u : people) {
        if (out.user_names.count(u) != 0) continue;
        if (const auto member = actions_.fetch_member(config_.guild, u)) out.user_names.emplace(u, member->display_name);
    }
    return out;
}

}  // namespace apexcore::bot
