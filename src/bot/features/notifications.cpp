#include <apexcore/bot/features/notifications.hpp>

#include <apexcore/bot/views.hpp>
#include <apexcore/core/text.hpp>

#include <ctime>
#include <stdexcept>

namespace apexcore::bot {
namespace {

constexpr std::uint32_t green = 0x2ECC71;
constexpr std::uint32_t blue = 0x5865F2;
constexpr std::uint32_t amber = 0xF1C40F;
constexpr std::uint32_t red = 0xE74C3C;

/// The fact `name`, or "" when the entry has none.
std::string_view fact(const core::outbox_entry& e, std::string_view name) {
    const auto it = e.draft.facts.find(name);
    return it == e.draft.facts.end() ? std::string_view() : std::string_view(it->second);
}

/// A mention of the user whose id is `id` (Discord markup, REFERENCE.md §Message formatting), or
/// "someone" when it is not an id.
std::string mention(std::string_view id) {
    return core::user_id::parse(id) ? "<@" + std::string(id) + ">" : std::string("someone");
}

/// Embed text limits (REFERENCE.md §5): title 256, field name 256, value 1024, description 4096.
std::string title(std::string_view text) { return core::truncate_utf8(text, 256); }
std::string value(std::string_view text) { return text.empty() ? std::string("—") : core::truncate_utf8(text, 1024); }

void add_field(ports::embed& e, std::string name, std::string_view text, bool inline_ = true) {
    if (text.empty() || e.fields.size() >= 25) return;
    e.fields.push_back({title(name), value(text), inline_});
}

/// ISO 8601 UTC ("2026-11-30T08:15:00Z") for the embed's timestamp.
std::string iso8601(std::chrono::system_clock::time_point at) {
    const std::time_t t = std::chrono::system_clock::to_time_t(at);
    std::tm tm{};
    gmtime_r(&t, &tm);
    char buffer[32];
    const std::size_t n = std::strftime(buffer, sizeof buffer, "%Y-%m-%dT%H:%M:%SZ", &tm);
    return std::string(buffer, n);
}

/// <t:SECONDS:D> for a fact holding Unix seconds; "" otherwise.
std::string discord_date(std::string_view seconds) {
    if (seconds.empty() || seconds.size() > 12) return {};
    for (const char c : seconds) {
        if (c < '0' || c > '9') return {};
    }
    return "<t:" + std::string(seconds) + ":D>";
}

/// A code span that survives any key text: backticks inside would end it, so they are dropped.
std::string code_span(std::string_view text) {
    std::string clean;
    for (const char c : text) {
        if (c != '`') clean += c;
    }
    return "`" + core::truncate_utf8(clean, 1000) + "`";
}

ports::embed base(const core::outbox_entry& entry, std::string heading, std::uint32_t color) {
    ports::embed e;
    e.title = title(heading);
    e.color = color;
    e.timestamp = iso8601(entry.created_at);
    return e;
}

ports::embed order_paid(const core::outbox_entry& entry) {
    auto e = base(entry, "Order " + std::string(fact(entry, "order")) + " paid", green);
    e.description = core::truncate_utf8(mention(fact(entry, "member")) + " bought **" + std::string(fact(entry, "product")) + "**", 4096);
    add_field(e, "Price", fact(entry, "price"));
    if (fact(entry, "list_price") != fact(entry, "price")) add_field(e, "List price", fact(entry, "list_price"));
    if (!fact(entry, "promo_code").empty()) {
        add_field(e, "Promo code", std::string(fact(entry, "promo_code")) + " (−" + std::string(fact(entry, "promo_discount")) + ")");
    }
    if (!fact(entry, "role_discount_bp").empty()) {
        add_field(e, "Role discount", std::string(fact(entry, "role_discount_bp")) + " bp");
    }
    add_field(e, "VIP tier", fact(entry, "vip_tier"));
    add_field(e, "Balance after", fact(entry, "balance"));
    add_field(e, "Status", fact(entry, "status"));
    add_field(e, "Warranty until", discord_date(fact(entry, "warranty_until")));
    add_field(e, "Answers", fact(entry, "answers"), false);
    if (!fact(entry, "entry").empty()) e.footer = "Ledger entry " + std::string(fact(entry, "entry"));
    return e;
}

ports::embed wallet_moved(const core::outbox_entry& entry) {
    const bool credit = entry.draft.event == "wallet.credited";
    auto e = base(entry, credit ? "Wallet credited" : "Wallet debited", credit ? blue : amber);
    e.description = mention(fact(entry, "staff")) + (credit ? " credited " : " debited ") + mention(fact(entry, "member")) +
                    " **" + std::string(fact(entry, "amount")) + "**";
    add_field(e, "Reason", fact(entry, "reason"), false);
    add_field(e, "Balance after", fact(entry, "balance"));
    add_field(e, "Type", fact(entry, "type"));
    if (!fact(entry, "entry").empty()) e.footer = "Ledger entry " + std::string(fact(entry, "entry"));
    return e;
}

ports::embed stock_alert(const core::outbox_entry& entry) {
    const std::string_view kind = std::string_view(entry.draft.event).substr(6);  // after "stock."
    const std::string product(fact(entry, "product"));
    const std::string left(fact(entry, "stock"));
    if (kind == "out_of_stock") {
        auto e = base(entry, "Sold out: " + product, red);
        e.description = "Nobody can buy it until it is restocked.";
        return e;
    }
    if (kind == "restocked") {
        auto e = base(entry, "Back in stock: " + product, green);
        e.description = left + " in stock.";
        return e;
    }
    auto e = base(entry, (kind == "critical" ? "Critical stock: " : "Low stock: ") + product, kind == "critical" ? red : amber);
    e.description = left + " left.";
    if (!fact(entry, "product_id").empty()) e.footer = "Product " + std::string(fact(entry, "product_id"));
    return e;
}

std::string order_line(const core::outbox_entry& entry) {
    return std::string(fact(entry, "product")).empty() ? std::string()
                                                       : " for **" + std::string(fact(entry, "product")) + "**";
}

ports::embed refund_decided(const core::outbox_entry& entry, bool approved) {
    const std::string reference(fact(entry, "order"));
    auto e = base(entry, (approved ? "Refund approved: order " : "Refund declined: order ") + reference, approved ? amber : red);
    e.description = core::truncate_utf8(mention(fact(entry, "staff")) + (approved ? " refunded " : " declined the refund of ") +
                                            mention(fact(entry, "member")) + " **" + std::string(fact(entry, "amount")) +
                                            "**" + order_line(entry),
                                        4096);
    if (approved) {
        add_field(e, "Fee kept", fact(entry, "fee"));
        add_field(e, "Credited", fact(entry, "credited"));
        add_field(e, "Balance after", fact(entry, "balance"));
        add_field(e, "Order status", fact(entry, "status"));
        add_field(e, "Note", fact(entry, "note"), false);
        if (!fact(entry, "entry").empty()) e.footer = "Ledger entry " + std::string(fact(entry, "entry"));
    } else {
        add_field(e, "Reason", fact(entry, "reason"), false);
    }
    return e;
}

ports::embed payment_decided(const core::outbox_entry& entry, bool approved) {
    const std::string reference(fact(entry, "order"));
    auto e = base(entry, (approved ? "Payment approved: order " : "Payment rejected: order ") + reference, approved ? green : red);
    e.description = core::truncate_utf8(mention(fact(entry, "staff")) + (approved ? " approved " : " rejected ") +
                                            mention(fact(entry, "member")) + "'s " + std::string(fact(entry, "method")) +
                                            " payment of **" + std::string(fact(entry, "price")) + "**" + order_line(entry),
                                        4096);
    add_field(e, "Transaction", fact(entry, "transaction"));
    add_field(e, "Order status", fact(entry, "status"));
    if (!approved) add_field(e, "Reason", fact(entry, "reason"), false);
    if (!fact(entry, "session").empty()) e.footer = "Payment session " + std::string(fact(entry, "session"));
    return e;
}

/// Whether a proof link shows a picture Discord can embed (REFERENCE.md §5: jpg/jpeg/png/webp/gif).
bool is_picture(std::string_view url) {
    url = url.substr(0, url.find('?'));
    std::string tail(url.substr(url.size() > 5 ? url.size() - 5 : 0));
    for (char& c : tail) c = static_cast<char>(c >= 'A' && c <= 'Z' ? c - 'A' + 'a' : c);
    return tail.ends_with(".png") || tail.ends_with(".jpg") || tail.ends_with(".jpeg") || tail.ends_with(".webp") ||
           tail.ends_with(".gif");
}

/// "payment.submitted": a proof for staff to check, the picture shown when it is one.
ports::embed payment_submitted(const core::outbox_entry& entry) {
    auto e = base(entry, "Payment to check: order " + std::string(fact(entry, "order")), amber);
    e.description = core::truncate_utf8(mention(fact(entry, "member")) + " says they paid **" + std::string(fact(entry, "price")) +
                                            "** by " + std::string(fact(entry, "method")) + order_line(entry) + ".",
                                        4096);
    add_field(e, "Transaction", fact(entry, "transaction"));
    add_field(e, "Contact", fact(entry, "contact"));
    add_field(e, "Notes", fact(entry, "notes"), false);
    add_field(e, "Proof", fact(entry, "proof"), false);
    if (is_picture(fact(entry, "proof"))) e.image_url = std::string(fact(entry, "proof"));
    if (!fact(entry, "session").empty()) e.footer = "Payment session " + std::string(fact(entry, "session"));
    return e;
}

/// "ticket.<kind>": what happened to which ticket, by whom.
ports::embed ticket_event(const core::outbox_entry& entry) {
    std::string kind(std::string_view(entry.draft.event).substr(7));  // after "ticket."
    for (char& c : kind) {
        if (c == '_') c = ' ';
    }
    auto e = base(entry, "Ticket #" + std::string(fact(entry, "ticket")) + " " + kind,
                  kind == "closed" || kind == "deleted" ? red : kind == "opened" ? green : blue);
    add_field(e, "Type", fact(entry, "type"));
    if (core::channel_id::parse(fact(entry, "channel"))) add_field(e, "Channel", "<#" + std::string(fact(entry, "channel")) + ">");
    add_field(e, "Opened by", fact(entry, "opener").empty() ? "" : mention(fact(entry, "opener")));
    add_field(e, "By", fact(entry, "actor").empty() ? "" : mention(fact(entry, "actor")));
    add_field(e, "Member", fact(entry, "subject").empty() ? "" : mention(fact(entry, "subject")));
    add_field(e, "Note", fact(entry, "note"), false);
    return e;
}

/// "role.refused": a role change the platform refused, and what the owner can do.
ports::embed role_refused(const core::outbox_entry& entry) {
    const bool grant = fact(entry, "action") == "grant";
    const std::string role = "<@&" + std::string(fact(entry, "role")) + ">";
    auto e = base(entry, grant ? "Could not give a role" : "Could not take a role back", red);
    e.description = core::truncate_utf8(
        mention(fact(entry, "member")) + (grant ? " should have been given " : " should have lost ") + role + " (" +
            std::string(fact(entry, "why")) + "), but Discord refused.",
        4096);
    add_field(e, "Refusal", fact(entry, "error"), false);
    const std::string_view error = fact(entry, "error");
    std::string fix = error.starts_with("role_hierarchy")
                          ? "Move the bot's role above " + role + " in Server Settings → Roles."
                          : error.starts_with("missing_permissions") ? std::string("Give the bot's role Manage Roles.")
                                                                     : std::string("Check that the member and the role still exist.");
    const std::string_view hours = fact(entry, "retrying");
    fix += hours.empty() || hours == "0" ? " The bot will not try again: change the role by hand."
                                         : " The bot tries again every minute for " + std::string(hours) +
                                               " h, so fixing it is enough.";
    add_field(e, "What to do", fix, false);
    return e;
}

/// The delivery field of a member's DM: the key or payload in a code span, or that staff deliver.
void add_delivery(ports::embed& e, const core::outbox_entry& entry, const localized& t) {
    const std::string_view secret = fact(entry, "secret");
    if (!secret.empty()) {
        add_field(e, t(fact(entry, "delivery_kind") == "license_key" ? "dm.your_key" : "dm.your_delivery"), code_span(secret), false);
    } else if (fact(entry, "status") == "paid") {
        add_field(e, t("dm.delivery"), t("dm.staff_deliver"), false);
    }
}

/// Any other event: its name and its facts (without the secret), so an embedder's own events
/// show up readably without a view of their own.
ports::embed generic(const core::outbox_entry& entry) {
    auto e = base(entry, entry.draft.event, blue);
    for (const auto& [name, text] : entry.draft.facts) {
        if (name != "secret") add_field(e, name, text);
    }
    return e;
}

}  // namespace

ports::message log_post_view(const core::outbox_entry& entry) {
    ports::message m;
    const std::string& event = entry.draft.event;
    if (event == "refund.requested") {
        const std::string reference(fact(entry, "order"));
        auto e = base(entry, "Refund requested: order " + reference, amber);
        e.description = core::truncate_utf8(mention(fact(entry, "member")) + " asks for **" + std::string(fact(entry, "amount")) +
                                                "** back" + order_line(entry),
                                            4096);
        add_field(e, "Fee", fact(entry, "fee"));
        add_field(e, "Paid", fact(entry, "price"));
        add_field(e, "Reason", fact(entry, "reason"), false);
        if (!fact(entry, "refund").empty()) e.footer = "Refund #" + std::string(fact(entry, "refund"));
        m.embeds.push_back(std::move(e));
        // Staff decide right here (the refunds feature owns the "rf" custom_ids).
        if (const auto id = core::refund_id::parse(fact(entry, "refund"))) m.rows.push_back(refund_review_row(*id));
    } else if (event == "key.requested") {  // another staff member decides (the keys feature owns "kq")
        m.embeds.push_back(base(entry, "Key requested: " + std::string(fact(entry, "product")), amber));
        m.embeds.back().description = core::truncate_utf8(mention(fact(entry, "staff")) + " asks for a key for " +
                                                              mention(fact(entry, "member")) + ": " + std::string(fact(entry, "reason")), 4096);
        if (const auto id = core::license_key_id::parse(fact(entry, "key_id"))) m.rows.push_back(key_review_row(*id));
    } else if (event == "payment.submitted") {
        m.embeds.push_back(payment_submitted(entry));
        // Staff decide right here (the payments feature owns the "pm" custom_ids).
        if (const auto id = core::payment_session_id::parse(fact(entry, "session"))) m.rows.push_back(payment_review_row(*id));
    } else if (event == "order.paid") {
        m.embeds.push_back(order_paid(entry));
    } else if (event == "wallet.credited" || event == "wallet.debited") {
        m.embeds.push_back(wallet_moved(entry));
    } else if (event.starts_with("stock.")) {
        m.embeds.push_back(stock_alert(entry));
    } else if (event == "refund.approved" || event == "refund.rejected") {
        m.embeds.push_back(refund_decided(entry, event == "refund.approved"));
    } else if (event == "payment.approved" || event == "payment.rejected") {
        m.embeds.push_back(payment_decided(entry, event == "payment.approved"));
    } else if (event == "payment.expired") {
        auto e = base(entry, "Payment expired: order " + std::string(fact(entry, "order")), amber);
        e.description = core::truncate_utf8(mention(fact(entry, "member")) + "'s " + std::string(fact(entry, "method")) +
                                                " payment of **" + std::string(fact(entry, "price")) + "** was not made in time" +
                                                order_line(entry) + "; the order is cancelled.",
                                            4096);
        if (!fact(entry, "session").empty()) e.footer = "Payment session " + std::string(fact(entry, "session"));
        m.embeds.push_back(std::move(e));
    } else if (event.starts_with("ticket.")) {
        m.embeds.push_back(ticket_event(entry));
    } else if (event == "role.refused") {
        m.embeds.push_back(role_refused(entry));
    } else {
        m.embeds.push_back(generic(entry));
    }
    return m;
}

ports::message direct_message_view(const core::outbox_entry& entry, const localized& t) {
    ports::message m;
    const std::string& event = entry.draft.event;
    const std::string reference(fact(entry, "order"));
    const std::string product(fact(entry, "product"));
    if (event == "order.paid") {
        auto e = base(entry, t("dm.order_paid_title"), green);
        e.description = core::truncate_utf8(t("dm.order_line", {{"reference", reference}, {"product", product}}), 4096);
        add_field(e, t("dm.paid"), fact(entry, "price"));
        add_field(e, t("dm.warranty_until"), discord_date(fact(entry, "warranty_until")));
        add_delivery(e, entry, t);
        e.footer = t("dm.order_footer", {{"reference", reference}});
        m.embeds.push_back(std::move(e));
    } else if (event == "key.granted") {  // a key staff requested for the member and another approved
        auto e = base(entry, t("dm.key_granted_title"), green);
        e.description = core::truncate_utf8(t("dm.key_granted", {{"product", product}}), 4096);
        add_delivery(e, entry, t);
        m.embeds.push_back(std::move(e));
    } else if (event == "order.delivery") {  // asked for again from /order
        auto e = base(entry, t("dm.delivery_title", {{"reference", reference}}), blue);
        e.description = core::truncate_utf8(t("dm.order_line", {{"reference", reference}, {"product", product}}), 4096);
        add_delivery(e, entry, t);
        e.footer = t("dm.order_footer", {{"reference", reference}});
        m.embeds.push_back(std::move(e));
    } else if (event == "payment.approved") {
        auto e = base(entry, t("dm.payment_approved_title"), green);
        e.description = core::truncate_utf8(t("dm.payment_approved", {{"reference", reference}, {"product", product}}), 4096);
        add_field(e, t("dm.paid"), fact(entry, "price"));
        add_field(e, t("dm.method"), fact(entry, "method"));
        add_delivery(e, entry, t);
        e.footer = t("dm.order_footer", {{"reference", reference}});
        m.embeds.push_back(std::move(e));
    } else if (event == "payment.rejected") {
        auto e = base(entry, t("dm.payment_rejected_title"), red);
        e.description = core::truncate_utf8(t("dm.payment_rejected", {{"reference", reference}, {"product", product}}), 4096);
        add_field(e, t("dm.reason"), fact(entry, "reason"), false);
        m.embeds.push_back(std::move(e));
    } else if (event == "refund.approved") {
        auto e = base(entry, t("dm.refund_approved_title"), amber);
        e.description = core::truncate_utf8(t("dm.refund_approved", {{"reference", reference}, {"amount", fact(entry, "credited")}}), 4096);
        add_field(e, t("dm.fee_kept"), fact(entry, "fee"));
        add_field(e, t("dm.balance"), fact(entry, "balance"));
        add_field(e, t("dm.note"), fact(entry, "note"), false);
        m.embeds.push_back(std::move(e));
    } else if (event == "payment.expired") {
        auto e = base(entry, t("dm.payment_expired_title"), amber);
        e.description = core::truncate_utf8(t("dm.payment_expired", {{"reference", reference}, {"product", product}}), 4096);
        m.embeds.push_back(std::move(e));
    } else if (event == "warranty.expiring") {
        const std::string_view until = fact(entry, "warranty_until");
        auto e = base(entry, t("dm.warranty_title"), amber);
        e.description = core::truncate_utf8(
            discord_date(until).empty()
                ? t("dm.warranty_soon", {{"reference", reference}, {"product", product}})
                : t("dm.warranty_ends", {{"reference", reference}, {"product", product}, {"when", "<t:" + std::string(until) + ":R>"},
                                         {"date", discord_date(until)}}),
            4096);
        e.footer = t("dm.order_footer_short", {{"reference", reference}});
        m.embeds.push_back(std::move(e));
    } else if (event == "refund.rejected") {
        auto e = base(entry, t("dm.refund_rejected_title"), red);
        e.description = core::truncate_utf8(t("dm.order_line", {{"reference", reference}, {"product", product}}), 4096);
        add_field(e, t("dm.reason"), fact(entry, "reason"), false);
        m.embeds.push_back(std::move(e));
    } else if (event == "wallet.credited") {
        auto e = base(entry, t("dm.wallet_credited_title"), blue);
        e.description = t("dm.wallet_credited", {{"amount", fact(entry, "amount")}});
        add_field(e, t("dm.balance"), fact(entry, "balance"));
        add_field(e, t("dm.reason"), fact(entry, "reason"), false);
        m.embeds.push_back(std::move(e));
    } else {
        m.embeds.push_back(generic(entry));
    }
    return m;
}

ports::message dm_fallback_view(const core::outbox_entry& entry) {
    const std::string who = entry.draft.recipient ? mention(entry.draft.recipient->str()) : std::string("A member");
    std::string about;
    const std::string& event = entry.draft.event;
    if (!fact(entry, "order").empty()) {
        const std::string reference(fact(entry, "order"));
        const std::string what = event == "refund.approved"    ? "the approved refund of their order "
                                 : event == "refund.rejected"  ? "the declined refund of their order "
                                 : event == "payment.approved" ? "the approved payment of their order "
                                 : event == "payment.rejected" ? "the rejected payment of their order "
                                 : event == "warranty.expiring" ? "the warranty ending on their order "
                                 : event == "payment.expired"   ? "the payment time running out on their order "
                                                                : "their order ";
        about = what + reference + " (" + std::string(fact(entry, "product")) + "). They can see it with /order show " + reference + ".";
    } else if (entry.draft.event == "wallet.credited" || entry.draft.event == "wallet.debited") {
        about = std::string(entry.draft.event == "wallet.credited" ? "a wallet credit of " : "a wallet debit of ") +
                std::string(fact(entry, "amount")) + ". They can see it with /balance.";
    } else {
        about = entry.draft.event + ".";
    }
    ports::message m;
    m.content = core::truncate_utf8(who + " does not accept direct messages, so they were not told about " + about,
                                    ports::content_length_max);
    return m;
}

notifications_feature::notifications_feature(const bot_config& config, services::outbox_service& outbox,
                                             ports::chat_actions& actions, notifications_options options)
    : config_(config), outbox_(outbox), actions_(actions), options_(std::move(options)) {
    if (options_.batch < 1 || options_.batch > 500) throw std::invalid_argument("notifications: batch must be 1 to 500");
    if (options_.retry_cap < std::chrono::seconds(1)) throw std::invalid_argument("notifications: retry_cap must be >= 1 s");
}

std::vector<requirement> notifications_feature::requirements() const {
    std::vector<requirement> out;
    for (const auto& [topic, channel] : options_.channels) {
        requirement r;
        r.why = "the " + std::string(core::to_string(topic)) + " log channel";
        r.channel = channel;
        r.in_channel = ports::abilities{ports::ability::view} | ports::ability::send | ports::ability::embed_links;
        out.push_back(std::move(r));
    }
    for (const auto& [why, role] : options_.granted_roles) {
        requirement r;
        r.why = why;
        r.server_wide = requirement::capability::manage_roles;
        r.grantable = role;
        out.push_back(std::move(r));
    }
    return out;
}

ports::interaction_response notifications_feature::on_command(const ports::interaction&, const ports::command_invocation& c) {
    return ephemeral_reply("Unknown command /" + c.name + ".");
}

std::vector<scheduled_job> notifications_feature::jobs() const {
    auto* self = const_cast<notifications_feature*>(this);  // jobs act on the feature; the router keeps it alive
    return {{"outbox.dispatch", std::chrono::seconds(1), [self] { self->dispatch(); }},
            {"outbox.purge", std::chrono::hours(1), [self] { self->outbox_.purge(self->options_.keep_sent); }}};
}

void notifications_feature::count(std::string_view outcome) {
    if (options_.metrics != nullptr) options_.metrics->count("apexcore_outbox_sends_total", {{"outcome", outcome}});
}

dispatch_report notifications_feature::dispatch() {
    std::lock_guard lock(round_);
    dispatch_report report;
    // The lease covers a whole round of blocking sends; an entry whose send is never recorded
    // (a crash mid-round) is due again when it ends.
    const auto entries = outbox_.claim(options_.batch, std::chrono::seconds(300));
    bool go_on = true;
    for (const auto& entry : entries) {
        if (!go_on) {
            outbox_.retry(entry.id, std::chrono::seconds(1), "not tried: the platform was unavailable", false);
            continue;
        }
        go_on = send(entry, report);
    }
    if (options_.metrics != nullptr) {
        options_.metrics->set("apexcore_outbox_pending", {}, static_cast<double>(outbox_.stats().pending));
    }
    return report;
}

bool notifications_feature::send(const core::outbox_entry& entry, dispatch_report& report) {
    const std::string what = "outbox entry " + std::to_string(entry.id.value) + " (" + entry.draft.event + ")";
    const auto channel_of = [&](core::log_topic topic) -> std::optional<core::channel_id> {
        const auto it = options_.channels.find(topic);
        if (it != options_.channels.end()) return it->second;
        return options_.live_channels ? options_.live_channels->get(topic) : std::nullopt;
    };
    const auto give_up = [&](const std::string& why) {
        outbox_.give_up(entry.id, why);
        ++report.failed;
        count("failed");
        ports::emit(config_.log, ports::log_level::error, "notifications", what + " given up: " + why);
        return true;
    };
    const auto succeeded = [&](std::optional<core::channel_id> channel, std::optional<core::message_id> message, bool fallback) {
        outbox_.sent(entry.id, channel, message, fallback ? "fallback: the member does not accept DMs" : "");
        ++(fallback ? report.fallbacks : report.sent);
        count(fallback ? "fallback" : "sent");
        return true;
    };
    // Discord away: back off and end the round (one request per round while it lasts).
    const auto transient = [&](const std::string& why) {
        const auto delay = core::outbox_backoff(entry.attempts + 1, options_.retry_cap);
        outbox_.retry(entry.id, delay, why);
        ++report.retried;
        count("retry");
        if (entry.attempts == 0 || (entry.attempts + 1) % 10 == 0) {
            ports::emit(config_.log, ports::log_level::warning, "notifications",
                        what + " not sent (" + why + "); trying again in " + std::to_string(delay.count()) + " s");
        }
        return false;
    };
    // Something only the owner can fix: try again every retry_cap until give_up_after.
    const auto owner_must_fix = [&](const std::string& why) {
        if (outbox_.clock().now() - entry.created_at >= options_.give_up_after) {
            return give_up(why + " for " + std::to_string(options_.give_up_after.count()) + " h");
        }
        outbox_.retry(entry.id, options_.retry_cap, why);
        ++report.retried;
        count("retry");
        if (entry.attempts == 0 || (entry.attempts + 1) % 10 == 0) {
            ports::emit(config_.log, ports::log_level::warning, "notifications",
                        what + " refused (" + why + "); the owner must fix this, trying again every " +
                            std::to_string(options_.retry_cap.count()) + " s");
        }
        return true;
    };

    if (entry.draft.kind == core::outbox_kind::role_grant || entry.draft.kind == core::outbox_kind::role_revoke) {
        const bool grant = entry.draft.kind == core::outbox_kind::role_grant;
        const auto role = core::role_id::parse(fact(entry, "role"));
        if (!role || !entry.draft.recipient) return give_up("the entry names no role or no member");
        const std::string reason = std::string(grant ? "Granted for " : "Taken back: ") + std::string(fact(entry, "why"));
        const auto done = grant ? actions_.add_member_role(config_.guild, *entry.draft.recipient, *role, reason)
                                : actions_.remove_member_role(config_.guild, *entry.draft.recipient, *role, reason);
        if (done) return succeeded(std::nullopt, std::nullopt, false);
        const ports::chat_error& error = done.error();
        const std::string why = std::string(ports::to_string(error.code)) + ": " + error.detail;
        switch (error.code) {
            case ports::chat_errc::unavailable:
            case ports::chat_errc::rate_limited_timeout: return transient(why);
            case ports::chat_errc::role_hierarchy:
            case ports::chat_errc::missing_permissions:
                if (entry.attempts == 0) report_role_refusal(entry, why, true);
                return owner_must_fix(why);
            case ports::chat_errc::not_found:
            case ports::chat_errc::invalid_input:
            case ports::chat_errc::dm_closed:
                report_role_refusal(entry, why, false);
                return give_up(why);
        }
        return give_up(why);
    }

    ports::chat_result<ports::sent_message> result = ports::chat_error{};
    bool fallback = false;
    if (entry.draft.kind == core::outbox_kind::direct_message && entry.draft.recipient) {
        result = actions_.send_dm(*entry.draft.recipient, direct_message_view(entry, config_.unaddressed()));
        if (!result && result.error().code == ports::chat_errc::dm_closed) {
            const auto channel = channel_of(entry.draft.topic);
            if (!channel) {
                outbox_.sent(entry.id, std::nullopt, std::nullopt,
                             "dm_closed; no " + std::string(core::to_string(entry.draft.topic)) + " log channel to tell");
                ++report.fallbacks;
                count("fallback");
                return true;
            }
            fallback = true;
            result = actions_.send_message(*channel, dm_fallback_view(entry));
        }
    } else {
        const auto channel = channel_of(entry.draft.topic);
        if (!channel) return give_up("no log channel is configured for " + std::string(core::to_string(entry.draft.topic)));
        result = actions_.send_message(*channel, log_post_view(entry));
    }
    if (result) return succeeded(result->channel, result->id, fallback);

    const ports::chat_error& error = result.error();
    const std::string why = std::string(ports::to_string(error.code)) + ": " + error.detail;
    switch (error.code) {
        case ports::chat_errc::unavailable:
        case ports::chat_errc::rate_limited_timeout: return transient(why);
        case ports::chat_errc::missing_permissions:
        case ports::chat_errc::not_found:
        case ports::chat_errc::role_hierarchy: return owner_must_fix(why);
        case ports::chat_errc::invalid_input:
        case ports::chat_errc::dm_closed: return give_up(why);
    }
    return give_up(why);
}

void notifications_feature::report_role_refusal(const core::outbox_entry& entry, const std::string& why, bool retrying) {
    const bool grant = entry.draft.kind == core::outbox_kind::role_grant;
    const std::string member = entry.draft.recipient ? entry.draft.recipient->str() : std::string("?");
    ports::emit(config_.log, ports::log_level::error, "notifications",
                std::string("could not ") + (grant ? "give member " : "take from member ") + member + " the role " +
                    std::string(fact(entry, "role")) + " (" + std::string(fact(entry, "why")) + "): " + why +
                    (retrying ? "; trying again every " + std::to_string(options_.retry_cap.count()) + " s for " +
                                    std::to_string(options_.give_up_after.count()) + " h"
                              : ""));
    if (options_.channels.count(entry.draft.topic) == 0) return;
    core::outbox_facts facts{{"member", member},
                             {"role", std::string(fact(entry, "role"))},
                             {"why", std::string(fact(entry, "why"))},
                             {"action", grant ? "grant" : "revoke"},
                             {"error", core::truncate_utf8_bytes(why, 500)},
                             {"retrying", retrying ? std::to_string(options_.give_up_after.count()) : "0"}};
    if (!outbox_.post({core::outbox_kind::log_post, entry.draft.topic, std::nullopt, "role.refused", std::move(facts)})) {
        ports::emit(config_.log, ports::log_level::error, "notifications", "the outbox is full: the report was not written");
    }
}

}  // namespace apexcore::bot
