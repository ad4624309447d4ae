#include <apexcore/render/transcript_json.hpp>

#include <apexcore/core/text.hpp>

#include <nlohmann/json.hpp>

namespace apexcore::render {
namespace {

using nlohmann::json;

std::int64_t to_ms(std::chrono::system_clock::time_point t) {
    return std::chrono::duration_cast<std::chrono::milliseconds>(t.time_since_epoch()).count();
}
std::string text(std::string_view s) { return core::to_valid_utf8(s); }
template <class T>
json optional_id(const std::optional<T>& id) {
    return id ? json(id->str()) : json(nullptr);
}
json optional_ms(const std::optional<std::chrono::system_clock::time_point>& t) { return t ? json(to_ms(*t)) : json(nullptr); }

}  // namespace

std::string transcript_json(const core::transcript& t) {
    const core::ticket& k = t.ticket_record;
    json participants = json::array();
    for (const auto u : k.participants) participants.push_back(u.str());
    json answers = json::array();
    for (const auto& a : k.answers) answers.push_back({{"question", text(a.question)}, {"answer", text(a.answer)}});
    json ticket{{"id", std::to_string(k.id.value)},
                {"type", k.type},
                {"type_label", text(t.type_label)},
                {"status", std::string(core::to_string(k.status))},
                {"subject", text(k.subject)},
                {"opener", k.opener.str()},
                {"participants", participants},
                {"claimed_by", optional_id(k.claimed_by)},
                {"answers", answers},
                {"channel", optional_id(k.channel)},
                {"channel_name", text(t.channel_name)},
                {"opened_at_ms", to_ms(k.opened_at)},
                {"first_staff_response_ms", optional_ms(k.first_staff_response)},
                {"closed_at_ms", optional_ms(k.closed_at)},
                {"closed_by", optional_id(k.closed_by)},
                {"close_reason", text(k.close_reason)},
                {"order", k.order ? json(std::to_string(k.order->value)) : json(nullptr)},
                {"rating", k.rating ? json(*k.rating) : json(nullptr)},
                {"rating_comment", text(k.rating_comment)}};
    json messages = json::array();
    for (const auto& m : t.messages) {
        json embeds = json::array();
        for (const auto& e : m.embeds) {
            json fields = json::array();
            for (const auto& f : e.fields) fields.push_back({{"name", text(f.name)}, {"value", text(f.value)}});
            embeds.push_back({{"title", text(e.title)},
                              {"description", text(e.description)},
                              {"fields", fields},
                              {"color", e.color ? json(*e.color) : json(nullptr)},
                              {"footer", text(e.footer)}});
        }
        json attachments = json::array();
        for (const auto& a : m.attachments) attachments.push_back({{"filename", text(a.filename)}, {"url", text(a.url)}, {"size", a.size}});
        messages.push_back({{"id", m.id.str()},
                            {"author", m.author.str()},
                            {"author_name", text(m.author_name)},
                            {"bot", m.author_is_bot},
                            {"content", text(m.content)},
                            {"embeds", embeds},
                            {"attachments", attachments},
                            {"sent_at_ms", m.sent_unix_ms},
                            {"edited_at", m.edited_at ? json(text(*m.edited_at)) : json(nullptr)}});
    }
    json users = json::object();
    for (const auto& [id, name] : t.user_names) users[id.str()] = text(name);
    const json doc{{"ticket", ticket},
                   {"guild_name", text(t.guild_name)},
                   {"users", users},
                   {"messages", messages},
                   {"older_left_out", t.older_left_out},
                   {"generated_at_ms", t.generated_unix_ms}};
    return doc.dump(2) + "\n";
}

}  // namespace apexcore::render
