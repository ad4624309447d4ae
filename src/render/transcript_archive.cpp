#include <apexcore/render/transcript_archive.hpp>
#include <apexcore/render/transcript_html.hpp>
#include <apexcore/render/transcript_json.hpp>

#include <cctype>

namespace apexcore::render {

core::result<ports::archived_transcript, ports::storage_error> store_archive::archive(const core::transcript& t) {
    // The folder is the channel's name made key-safe ("order-42"); the ticket id keeps it unique.
    std::string folder;
    for (const char c : t.channel_name) {
        const auto u = static_cast<unsigned char>(c);
        folder += std::isalnum(u) != 0 || c == '-' || c == '_' ? c : '-';
    }
    if (folder.empty()) folder = "ticket";
    folder += "-" + std::to_string(t.ticket_record.id.value);
    ports::archived_transcript out;
    const std::string html_name = core::transcript_file_name(t.ticket_record, "html");
    const std::string json_name = core::transcript_file_name(t.ticket_record, "json");
    out.files.push_back({html_name, "text/html; charset=utf-8", transcript_html(t), "Transcript of ticket #" + std::to_string(t.ticket_record.id.value)});
    out.files.push_back({json_name, "application/json", transcript_json(t), "The same transcript as JSON"});
    const auto html = store_.put(folder + "/" + html_name, out.files[0].bytes, out.files[0].content_type);
    if (!html) return html.error();
    const auto json = store_.put(folder + "/" + json_name, out.files[1].bytes, out.files[1].content_type);
    if (!json) return json.error();
    out.location = *html;
    return out;
}

}  // namespace apexcore::render
