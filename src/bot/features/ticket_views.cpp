#include <apexcore/bot/features/tickets.hpp>

#include <apexcore/core/text.hpp>

#include <algorithm>

namespace apexcore::bot::ticket_views {
namespace {

constexpr std::uint32_t brand_color = 0x5865F2;
constexpr std::uint32_t warning_color = 0xFEE75C;
constexpr std::uint32_t closed_color = 0x99AAB5;

std::string id_of(const core::ticket& t) { return std::to_string(t.id.value); }
std::string user(core::user_id u) { return "<@" + u.str() + ">"; }

ports::button button(std::string label, std::string custom_id, ports::button_style style) {
    ports::button b;
    b.label = std::move(label);
    b.custom_id = std::move(custom_id);
    b.style = style;
    return b;
}

}  // namespace

ports::message panel(const std::vector<core::ticket_type>& types, const localized& t) {
    ports::message m;
    ports::embed e;
    e.title = t("tickets.panel_title");
    e.description = t("tickets.panel_text");
    e.color = brand_color;
    m.embeds.push_back(std::move(e));
    const std::size_t shown = std::min(types.size(), ports::action_rows_max * ports::buttons_per_row_max);
    for (std::size_t i = 0; i < shown; ++i) {
        if (i % ports::buttons_per_row_max == 0) m.rows.emplace_back();
        m.rows.back().components.emplace_back(button(core::truncate_utf8(types[i].label, 80), "tk:open:" + types[i].key,
                                                     ports::button_style::primary));
    }
    return m;
}

ports::message opening(const core::ticket& t, const core::ticket_type& type, const localized& text) {
    ports::message m;
    m.content = type.opening_message.empty() ? text("tickets.opening", {{"member", user(t.opener)}})
                                             : user(t.opener) + "\n" + type.opening_message;
    m.content = core::truncate_utf8(m.content, ports::content_length_max);
    ports::embed e;
    e.title = core::truncate_utf8(type.label + " — ticket #" + id_of(t), 256);
    e.description = t.subject.empty() ? "" : core::truncate_utf8(t.subject, 4096);
    e.color = brand_color;
    for (const auto& a : t.answers) e.fields.push_back({core::truncate_utf8(a.question, 256), core::truncate_utf8(a.answer, 1024), false});
    if (t.order) e.fields.push_back({text("tickets.order"), "#" + std::to_string(t.order->value), true});
    e.footer = type.label + " · ticket #" + id_of(t);
    m.embeds.push_back(std::move(e));
    m.rows.push_back({{button(text("tickets.claim"), "tk:claim:" + id_of(t), ports::button_style::primary),
                       button(text("tickets.close"), "tk:close:" + id_of(t), ports::button_style::danger),
                       button(text("tickets.close_with_reason"), "tk:why:" + id_of(t), ports::button_style::secondary)}});
    return m;
}

ports::message closed(const core::ticket& t, const localized& text) {
    ports::message m;
    ports::embed e;
    e.title = text("tickets.closed_title", {{"ticket", id_of(t)}});
    e.description = t.closed_by ? text("tickets.closed_by", {{"member", user(*t.closed_by)}}) : text("tickets.closed_automatically");
    if (!t.close_reason.empty()) e.fields.push_back({text("tickets.reason"), core::truncate_utf8(t.close_reason, 1024), false});
    e.color = closed_color;
    e.footer = text("tickets.closed_footer");
    m.embeds.push_back(std::move(e));
    m.rows.push_back({{button(text("tickets.reopen"), "tk:reopen:" + id_of(t), ports::button_style::secondary),
                       button(text("tickets.delete"), "tk:delete:" + id_of(t), ports::button_style::danger)}});
    return m;
}

ports::message inactivity_warning(const core::ticket& t, const core::ticket_type& type, const localized& text) {
    const auto hours = [](std::chrono::seconds s) { return std::to_string(std::chrono::duration_cast<std::chrono::hours>(s).count()); };
    ports::message m;
    m.content = user(t.opener);
    ports::embed e;
    e.title = text("tickets.warning_title");
    e.description = text("tickets.warning", {{"silent_hours", hours(type.warn_after)}, {"close_hours", hours(type.close_after - type.warn_after)}});
    e.color = warning_color;
    m.embeds.push_back(std::move(e));
    m.rows.push_back({{button(text("tickets.keep_open"), "tk:keep:" + id_of(t), ports::button_style::success)}});
    return m;
}

ports::message rating_request(const core::ticket& t, const core::ticket_type& type, const localized& text) {
    ports::message m;
    ports::embed e;
    e.title = text("tickets.rating_title");
    e.description = t.close_reason.empty()
                        ? text("tickets.rating", {{"type", type.label}, {"ticket", id_of(t)}})
                        : text("tickets.rating_reason", {{"type", type.label}, {"ticket", id_of(t)}, {"reason", core::truncate_utf8(t.close_reason, 500)}});
    e.color = brand_color;
    m.embeds.push_back(std::move(e));
    ports::action_row row;
    for (int n = core::ticket_rating_min; n <= core::ticket_rating_max; ++n) {
        row.components.emplace_back(button(std::to_string(n) + " \xE2\x98\x85", "tk:rate:" + id_of(t) + ":" + std::to_string(n),
                                           ports::button_style::secondary));
    }
    m.rows.push_back(std::move(row));
    return m;
}

std::vector<ports::overwrite> channel_overwrites(const core::ticket& t, const core::ticket_type& type, core::guild_id guild,
                                                 std::optional<core::role_id> staff_role, core::user_id bot, bool locked) {
    using ports::ability;
    const ports::abilities member_reads = ports::abilities{ability::view} | ability::read_history;
    std::vector<ports::overwrite> out;
    out.push_back(ports::overwrite::for_role(core::role_id{guild.value}, {}, ability::view));  // @everyone
    out.push_back(ports::overwrite::for_member(bot, ports::participant_abilities | ability::embed_links));
    if (staff_role) out.push_back(ports::overwrite::for_role(*staff_role, ports::participant_abilities | ability::embed_links));
    for (const auto role : type.staff_roles) {
        if (role != staff_role) out.push_back(ports::overwrite::for_role(role, ports::participant_abilities | ability::embed_links));
    }
    const auto member = [&](core::user_id u) {
        return locked ? ports::overwrite::for_member(u, member_reads, ports::abilities{ability::send})
                      : ports::overwrite::for_member(u, ports::participant_abilities);
    };
    out.push_back(member(t.opener));
    for (const auto u : t.participants) out.push_back(member(u));
    return out;
}

}  // namespace apexcore::bot::ticket_views
