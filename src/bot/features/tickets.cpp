#include <apexcore/bot/features/tickets.hpp>

#include <apexcore/bot/views.hpp>

#include "ticket_custom_id.hpp"

#include <apexcore/core/rejection.hpp>
#include <apexcore/core/text.hpp>

#include <algorithm>
#include <span>

namespace apexcore::bot {
namespace {

using core::rejection;



ports::interaction_response update_with(std::string text) {
    ports::interaction_response r;
    r.kind = ports::response_kind::update_message;
    r.body.content = std::move(text);
    return r;
}

}  // namespace

tickets_feature::tickets_feature(const bot_config& config, services::ticket_service& tickets, ports::chat_actions& actions,
                                 ticket_transcripts transcripts, ticket_shop shop)
    : config_(config), tickets_(tickets), actions_(actions), transcripts_(std::move(transcripts)), shop_(std::move(shop)) {}

std::vector<ports::command_spec> tickets_feature::commands() const {
    using ports::option_type;
    ports::command_spec c{"ticket", "Support tickets: manage the ticket in this channel", {}, false, {}, {}};
    c.subcommands = {
        {"add", "Add a member to this ticket", {{"user", "Who to add", option_type::user, true}}},
        {"remove", "Remove a member from this ticket", {{"user", "Who to remove", option_type::user, true}}},
        {"claim", "Staff: take this ticket", {}},
        {"unclaim", "Staff: release this ticket", {}},
        {"transfer", "Staff: hand this ticket to another staff member", {{"user", "The staff member", option_type::user, true}}},
        {"close", "Close this ticket", {{"reason", "Why (kept with the ticket)", option_type::string, false}}},
        {"reopen", "Reopen this closed ticket", {}},
        {"delete", "Staff: delete this closed ticket's channel now", {}},
        {"rename", "Change this ticket's subject", {{"subject", "The new subject", option_type::string, true}}},
        {"panel", "Staff: post the ticket panel in this channel", {}},
        {"stats", "Staff: ticket figures", {{"days", "Over the last N days (default 30)", option_type::integer, false}}},
    };
    std::vector<ports::command_spec> out{std::move(c)};
    // A wallet top-up: a deposit ticket, where staff credit the wallet once the payment arrived.
    if (shop_.wallet != nullptr && tickets_.find_type("deposit") != nullptr) {
        out.push_back({"deposit", "Top up your wallet: opens a deposit ticket; staff credit it once your payment arrives", {}, false});
    }
    return out;
}

std::vector<requirement> tickets_feature::requirements() const {
    std::vector<requirement> out(2);
    out[0].why = "tickets (private channels)";
    out[0].server_wide = requirement::capability::manage_channels;
    out[1].why = "tickets (channel permissions)";
    out[1].server_wide = requirement::capability::manage_roles;
    if (transcripts_.archive != nullptr && transcripts_.channel) {
        requirement r;
        r.why = "ticket transcripts";
        r.channel = transcripts_.channel;
        r.in_channel = ports::abilities{ports::ability::send} | ports::ability::attach_files;
        out.push_back(std::move(r));
    }
    for (const auto& type : tickets_.types()) {
        if (!type.category) continue;
        requirement r;
        r.why = "tickets (" + type.label + " category)";
        r.channel = type.category;
        r.in_channel = ports::participant_abilities | ports::ability::embed_links;
        out.push_back(std::move(r));
    }
    return out;
}

std::vector<scheduled_job> tickets_feature::jobs() const {
    auto* self = const_cast<tickets_feature*>(this);  // jobs act on the feature; the router keeps it alive
    // (Payment sessions past their time limit expire in the payments feature's job.)
    return {{"tickets.sweep", std::chrono::seconds(60), [self] { self->run_sweep(); }},
            {"tickets.delete", std::chrono::seconds(60), [self] { self->run_deletions(); }}};
}

const core::ticket_type* tickets_feature::type_of(const core::ticket& t) const { return tickets_.find_type(t.type); }

services::actor tickets_feature::actor_for(const ports::invoker& who, const core::ticket_type* type) const {
    bool staff = config_.is_staff(who);
    if (!staff && type != nullptr) {
        staff = std::any_of(type->staff_roles.begin(), type->staff_roles.end(), [&](core::role_id r) {
            return std::find(who.roles.begin(), who.roles.end(), r) != who.roles.end();
        });
    }
    return {who.user, staff};
}

void tickets_feature::log(core::ticket_id ticket, const std::string& message, std::string_view order) const {
    ports::emit(config_.log, ports::log_level::warning, "tickets", message,
                {.order = order, .ticket = ticket.value});
}

ports::interaction_response tickets_feature::on_command(const ports::interaction& i, const ports::command_invocation& c) {
    const services::actor by = actor_for(i.from, nullptr);
    if (c.name == "deposit") {
        if (shop_.wallet == nullptr || tickets_.find_type("deposit") == nullptr) return ephemeral_reply(config_.text(i, "tickets.no_deposits"));
        return start(i, "deposit");  // the deposit ticket's form, as its panel button opens it
    }
    if (c.name == "ticket panel") {
        if (!by.staff) return ephemeral_reply(config_.text(i, rejection::not_staff));
        if (!i.channel) return ephemeral_reply("Run /ticket panel in the channel where the panel should be.");
        const auto posted = actions_.send_message(*i.channel, ticket_views::panel(tickets_.types(), config_.unaddressed()));
        if (!posted) {
            log(core::ticket_id{}, "posting the panel failed: " + posted.error().detail);
            return ephemeral_reply("The panel could not be posted here (" + std::string(ports::to_string(posted.error().code)) +
                                   "). /setup check tells what the bot lacks.");
        }
        return ephemeral_reply("The ticket panel is posted.");
    }
    if (c.name == "ticket stats") {
        if (!by.staff) return ephemeral_reply(config_.text(i, rejection::not_staff));
        std::int64_t days = 30;
        if (const auto* d = find_option(c, "days"); d != nullptr && std::holds_alternative<std::int64_t>(*d)) days = std::get<std::int64_t>(*d);
        if (days < 1 || days > 3650) return ephemeral_reply("days: 1 to 3650.");
        const auto now = tickets_.now();
        const auto s = tickets_.stats(now - std::chrono::hours(24) * days, now);
        const auto minutes = [](const std::optional<std::chrono::seconds>& v) {
            return v ? std::to_string(std::chrono::duration_cast<std::chrono::minutes>(*v).count()) + " min" : std::string("—");
        };
        const auto rating = [](const std::optional<int>& centi) {
            return centi ? std::to_string(*centi / 100) + "." + (*centi % 100 < 10 ? "0" : "") + std::to_string(*centi % 100)
                         : std::string("—");
        };
        std::string text = "**Tickets, last " + std::to_string(days) + " days:** " + std::to_string(s.opened) + " opened, " +
                           std::to_string(s.closed) + " closed; first staff answer (median) " +
                           minutes(s.median_first_response) + "; rating " + rating(s.average_rating_centi) + " (" +
                           std::to_string(s.ratings) + ")";
        for (const auto& row : s.staff) {
            text += "\n" + mention(row.staff) + ": " + std::to_string(row.claimed) + " claimed, " + std::to_string(row.closed) +
                    " closed, first answer " + minutes(row.median_first_response) + ", rating " +
                    rating(row.average_rating_centi);
        }
        return ephemeral_reply(core::truncate_utf8(text, ports::content_length_max));
    }
    return in_ticket(i, c);
}

ports::interaction_response tickets_feature::in_ticket(const ports::interaction& i, const ports::command_invocation& c) {
    if (!i.channel) return ephemeral_reply(config_.text(i, "tickets.use_in_ticket"));
    const auto t = tickets_.find_by_channel(*i.channel);
    if (!t) return ephemeral_reply(config_.text(i, "tickets.not_a_ticket"));
    const std::string verb = c.name.substr(c.name.find(' ') + 1);
    std::string argument;
    if (const auto* u = find_option(c, "user"); u != nullptr && std::holds_alternative<core::user_id>(*u)) {
        argument = std::get<core::user_id>(*u).str();
    }
    if (const auto* r = find_option(c, "reason"); r != nullptr && std::holds_alternative<std::string>(*r)) {
        argument = std::get<std::string>(*r);
    }
    if (const auto* s = find_option(c, "subject"); s != nullptr && std::holds_alternative<std::string>(*s)) {
        argument = std::get<std::string>(*s);
    }
    if (verb == "close") return close(i, *t, argument, true);  // the command itself is the confirmation
    return act(i, verb, t->id, argument);
}

ports::interaction_response tickets_feature::on_component(const ports::interaction& i, const ports::component_action& a) {
    const auto id = ticket_ids::parse(a.custom_id);
    if (!id) return ephemeral_reply(config_.text(i, "common.control_invalid"));
    if (id->verb == "open") return start(i, id->rest);
    // Every other control names its ticket: "tk:<verb>:<ticket>[:<tail>]".
    const auto ref = id->ticket();
    if (!ref) return ephemeral_reply(config_.text(i, "common.control_invalid"));
    const auto& [ticket, tail] = *ref;
    if (id->verb == "why" && tail.empty()) {
        ports::interaction_response r;
        r.kind = ports::response_kind::open_modal;
        r.form.custom_id = "tk:reason:" + id->rest;
        r.form.title = config_.text(i, "tickets.close_form_title");
        ports::text_input reason;
        reason.custom_id = "reason";
        reason.label = config_.text(i, "tickets.reason");
        reason.paragraph = true;
        reason.max_length = static_cast<int>(core::ticket_reason_length_max);
        r.form.inputs.push_back(std::move(reason));
        return r;
    }
    const bool commerce = id->verb == "wallet" || id->verb == "method" || id->verb == "product" || id->verb == "promo" ||
                          id->verb == "credit";
    if (id->verb != "rate" && !commerce) {
        if (!tail.empty()) return ephemeral_reply(config_.text(i, "common.control_invalid"));
        return act(i, id->verb, ticket, "");
    }
    if (id->verb == "rate" && tail.empty()) return ephemeral_reply(config_.text(i, "common.control_invalid"));
    if (id->verb == "rate" && (tail.size() != 1 || tail[0] < '1' || tail[0] > '5')) {
        return ephemeral_reply(config_.text(i, rejection::invalid_rating));
    }
    const auto t = tickets_.find(ticket);
    if (!t) return ephemeral_reply(config_.text(i, rejection::unknown_ticket));
    if (id->verb == "rate") {
        // Checked now, then a pop-up for an optional comment (the service checks again).
        if (t->opener != i.from.user) return ephemeral_reply(config_.text(i, rejection::not_owner));
        if (t->rating) return ephemeral_reply(config_.text(i, rejection::feedback_already_given));
        ports::interaction_response r;
        r.kind = ports::response_kind::open_modal;
        r.form.custom_id = "tk:feedback:" + id->rest;
        r.form.title = config_.text(i, "tickets.rating_form_title", {{"ticket", std::to_string(ticket.value)}, {"stars", tail}});
        ports::text_input comment;
        comment.custom_id = "comment";
        comment.label = config_.text(i, "tickets.rating_comment");
        comment.paragraph = true;
        comment.required = false;
        comment.max_length = static_cast<int>(core::ticket_comment_length_max);
        r.form.inputs.push_back(std::move(comment));
        return r;
    }
    if (id->verb == "credit") return tail.empty() ? ask_deposit(i, *t) : ephemeral_reply(config_.text(i, "common.control_invalid"));
    if (id->verb == "product") return show_product(i, *t, a.values.size() == 1 ? a.values.front() : std::string());
    if (id->verb == "promo") return ask_promo(i, *t, tail);
    if (tail.empty()) return ephemeral_reply(config_.text(i, "common.control_invalid"));
    return id->verb == "wallet" ? pay_with_wallet(i, *t, tail) : pay_by_method(i, *t, tail);
}

ports::interaction_response tickets_feature::on_modal(const ports::interaction& i, const ports::modal_submit& m) {
    const auto id = ticket_ids::parse(m.custom_id);
    if (!id) return ephemeral_reply(config_.text(i, "router.foreign_form"));
    if (id->verb == "form") {
        const core::ticket_type* type = tickets_.find_type(id->rest);
        if (type == nullptr) return ephemeral_reply(config_.text(i, rejection::unknown_ticket_type));
        std::vector<std::string> answers;
        for (std::size_t q = 0; q < type->questions.size(); ++q) answers.push_back(m.value("q" + std::to_string(q)).value_or(""));
        return open(i, *type, std::move(answers));
    }
    // The other forms name their ticket: "tk:<verb>:<ticket>[:<tail>]".
    const auto ref = id->ticket();
    if (!ref) return ephemeral_reply(config_.text(i, "router.foreign_form"));
    const auto& [ticket, tail] = *ref;
    if (id->verb == "feedback") return act(i, "rate", ticket, tail + ":" + m.value("comment").value_or(""));
    const auto t = tickets_.find(ticket);
    if (!t) return ephemeral_reply(config_.text(i, rejection::unknown_ticket));
    if (id->verb == "promocode") {
        const std::string code = core::trim(m.value("code").value_or(""));
        return show_product(i, *t, tail, code);
    }
    if (id->verb == "amount") return credit_deposit(i, *t, m.value("amount").value_or(""));
    if (id->verb == "reason") return close(i, *t, m.value("reason").value_or(""), true);
    return ephemeral_reply(config_.text(i, "router.foreign_form"));
}

ports::interaction_response tickets_feature::start(const ports::interaction& i, const std::string& key) {
    const core::ticket_type* type = tickets_.find_type(key);
    if (type == nullptr) return ephemeral_reply(config_.text(i, rejection::unknown_ticket_type));
    if (type->questions.empty()) return open(i, *type, {});
    ports::interaction_response r;
    r.kind = ports::response_kind::open_modal;
    r.form.custom_id = "tk:form:" + type->key;
    r.form.title = core::truncate_utf8(type->label, 45);
    for (std::size_t q = 0; q < type->questions.size(); ++q) {
        const auto& question = type->questions[q];
        ports::text_input input;
        input.custom_id = "q" + std::to_string(q);
        input.label = question.label;
        input.paragraph = question.paragraph;
        input.required = question.required;
        input.max_length = static_cast<int>(question.max_length);
        r.form.inputs.push_back(std::move(input));
    }
    return r;
}

ports::interaction_response tickets_feature::open(const ports::interaction& i, const core::ticket_type& type,
                                                  std::vector<std::string> answers) {
    services::open_ticket_request request{i.from.user, type.key, "", std::move(answers)};
    auto opened = tickets_.open(request);
    if (!opened) {
        if (opened.error() == rejection::cooldown_active) {
            if (const auto until = tickets_.deposit_cooldown_until(i.from.user)) {
                return ephemeral_reply(config_.text(i, "tickets.deposit_cooldown", {{"when", discord_time(*until, 'R')}}));
            }
        }
        return ephemeral_reply(config_.text(i, opened.error()));
    }
    const auto bot = actions_.bot_user();
    ports::channel_spec spec;
    spec.name = core::ticket_channel_name(*opened);
    spec.topic = core::truncate_utf8(
        type.label + " ticket #" + std::to_string(opened->id.value) + " opened by " + i.from.display_name, 1024);
    spec.parent = type.category;
    if (bot) spec.overwrites = ticket_views::channel_overwrites(*opened, type, config_.guild, config_.staff(), *bot, false);
    const auto channel = bot ? actions_.create_channel(config_.guild, spec, "ticket #" + std::to_string(opened->id.value) + " opened")
                             : ports::chat_result<ports::channel_info>(bot.error());
    if (!channel) {
        // The member must not be left with a ticket they cannot see (and that counts against their limit).
        log(opened->id, "creating the channel for ticket #" + std::to_string(opened->id.value) + " failed: " +
            std::string(ports::to_string(channel.error().code)) + " " + channel.error().detail);
        (void)tickets_.abandon(opened->id, "The channel could not be created");
        return ephemeral_reply(config_.text(i, "tickets.open_failed"));
    }
    const auto attached = tickets_.attach_channel(opened->id, channel->id);
    if (!attached) return ephemeral_reply(config_.text(i, attached.error()));
    ports::message opening = ticket_views::opening(*attached, type, config_.unaddressed());
    add_commerce_row(*attached, opening);
    if (const auto posted = actions_.send_message(channel->id, opening); !posted) {
        log(opened->id, "the opening message of ticket #" + std::to_string(opened->id.value) + " failed: " + posted.error().detail);
    }
    return ephemeral_reply(config_.text(i, "tickets.opened", {{"channel", "<#" + channel->id.str() + ">"}}));
}

ports::interaction_response tickets_feature::act(const ports::interaction& i, const std::string& verb, core::ticket_id id,
                                                 const std::string& argument) {
    const auto t = tickets_.find(id);
    if (!t) return ephemeral_reply(config_.text(i, rejection::unknown_ticket));
    const core::ticket_type* type = type_of(*t);
    const services::actor by = actor_for(i.from, type);
    const auto user_argument = [&]() -> std::optional<core::user_id> { return core::user_id::parse(argument); };
    core::result<core::ticket, rejection> done = rejection::forbidden_transition;
    std::string ok;
    if (verb == "claim") {
        done = tickets_.claim(by, id);
        ok = mention(i.from.user) + " claimed this ticket.";
    } else if (verb == "unclaim") {
        done = tickets_.unclaim(by, id);
        ok = mention(i.from.user) + " released this ticket.";
    } else if (verb == "transfer" || verb == "add" || verb == "remove") {
        const auto who = user_argument();
        if (!who) return ephemeral_reply(config_.text(i, "tickets.name_a_member"));
        if (verb == "transfer") done = tickets_.transfer(by, id, *who);
        if (verb == "add") done = tickets_.add_participant(by, id, *who);
        if (verb == "remove") done = tickets_.remove_participant(by, id, *who);
        ok = verb == "transfer" ? "This ticket is now handled by " + mention(*who) + "."
                                : mention(*who) + (verb == "add" ? " was added to this ticket." : " was removed from this ticket.");
    } else if (verb == "rename") {
        done = tickets_.rename(by, id, argument);
        ok = "Subject: " + argument;
    } else if (verb == "close") {
        return close(i, *t, "", false);
    } else if (verb == "confirm") {
        return close(i, *t, "", true);
    } else if (verb == "keep") {
        done = tickets_.keep_open(by, id);
        if (done) return update_with(config_.text(i, "tickets.kept_open", {{"member", mention(i.from.user)}}));
    } else if (verb == "reopen") {
        done = tickets_.reopen(by, id);
        ok = config_.text(i, "tickets.reopened", {{"member", mention(i.from.user)}});
    } else if (verb == "delete") {
        done = tickets_.remove(by, id);
        ok = "Deleting this ticket's channel.";
    } else if (verb == "rate") {
        // "<stars>:<comment>" from the feedback form.
        const std::string stars_text = argument.substr(0, argument.find(':'));
        const std::string comment = argument.find(':') == std::string::npos ? "" : argument.substr(argument.find(':') + 1);
        const auto stars = ticket_ids::integer(stars_text);  // range-checked before it becomes an int
        if (!stars || *stars < core::ticket_rating_min || *stars > core::ticket_rating_max) {
            return ephemeral_reply(config_.text(i, rejection::invalid_rating));
        }
        done = tickets_.rate(by, id, static_cast<int>(*stars), comment);
        if (done) return ephemeral_reply(config_.text(i, "tickets.rated", {{"ticket", std::to_string(id.value)}, {"stars", stars_text}}));
    } else {
        return ephemeral_reply(config_.text(i, "common.control_invalid"));
    }
    if (!done) return ephemeral_reply(config_.text(i, done.error()));
    // The channel follows the ticket: who may see it, and whether members may still write.
    if (t->channel && type != nullptr && (verb == "add" || verb == "remove" || verb == "reopen")) {
        const auto bot = actions_.bot_user();
        if (bot) {
            ports::channel_changes changes;
            changes.overwrites = ticket_views::channel_overwrites(*done, *type, config_.guild, config_.staff(), *bot, false);
            if (const auto m = actions_.modify_channel(*t->channel, changes, "ticket #" + std::to_string(id.value) + ": " + verb); !m) {
                log(id, "updating the channel of ticket #" + std::to_string(id.value) + " failed: " + m.error().detail);
                return ephemeral_reply("Recorded, but the channel's permissions could not be changed (" +
                                       std::string(ports::to_string(m.error().code)) + ").");
            }
        }
    }
    if (t->channel && verb == "delete") {
        if (const auto d = actions_.delete_channel(*t->channel, "ticket #" + std::to_string(id.value) + " deleted"); !d &&
            d.error().code != ports::chat_errc::not_found) {
            log(id, "deleting the channel of ticket #" + std::to_string(id.value) + " failed: " + d.error().detail);
            return ephemeral_reply("The ticket is deleted, but its channel could not be removed (" +
                                   std::string(ports::to_string(d.error().code)) + ").");
        }
    }
    ports::interaction_response r;
    r.body.content = core::truncate_utf8(ok, ports::content_length_max);
    return r;
}

ports::interaction_response tickets_feature::close(const ports::interaction& i, const core::ticket& t, std::string reason,
                                                   bool confirmed) {
    const services::actor by = actor_for(i.from, type_of(t));
    const auto closed = tickets_.close(by, t.id, std::move(reason), confirmed);
    if (!closed && closed.error() == rejection::confirmation_required) {
        ports::interaction_response r = ephemeral_reply(config_.text(i, "tickets.close_confirm"));
        r.body.rows.push_back({{ports::button{config_.text(i, "tickets.close_yes"), "tk:confirm:" + std::to_string(t.id.value),
                                              ports::button_style::danger}}});
        return r;
    }
    if (!closed) return ephemeral_reply(config_.text(i, closed.error()));
    after_close(*closed);
    return ephemeral_reply(config_.text(i, "tickets.closed", {{"ticket", std::to_string(t.id.value)}}));
}

void tickets_feature::after_close(const core::ticket& t) {
    const core::ticket_type* type = type_of(t);
    if (t.channel && type != nullptr) {
        if (const auto bot = actions_.bot_user()) {
            ports::channel_changes lock;
            lock.overwrites = ticket_views::channel_overwrites(t, *type, config_.guild, config_.staff(), *bot, true);
            if (const auto m = actions_.modify_channel(*t.channel, lock, "ticket #" + std::to_string(t.id.value) + " closed"); !m) {
                log(t.id, "locking the channel of ticket #" + std::to_string(t.id.value) + " failed: " + m.error().detail);
            }
        }
        if (const auto posted = actions_.send_message(*t.channel, ticket_views::closed(t, config_.unaddressed())); !posted) {
            log(t.id, "the closing message of ticket #" + std::to_string(t.id.value) + " failed: " + posted.error().detail);
        }
    }
    if (type == nullptr) return;
    // The transcript: kept, posted to the transcript channel, and sent to the opener.
    std::vector<ports::outbound_file> files;
    if (transcripts_.archive != nullptr && t.channel) {
        if (auto transcript = build_transcript(t, *type)) {
            auto archived = transcripts_.archive->archive(*transcript);
            if (!archived) {
                log(t.id, "keeping the transcript of ticket #" + std::to_string(t.id.value) + " failed: " + archived.error().detail);
            } else {
                std::string too_large;
                for (auto& f : archived->files) {
                    if (f.bytes.size() <= ports::file_size_max) {
                        files.push_back(std::move(f));
                    } else {
                        // Discord takes files up to 10 MiB (REFERENCE.md §2.4): a bigger one stays in the store only.
                        too_large += "\n" + f.filename + " is " + std::to_string(f.bytes.size() / (1024 * 1024)) +
                                     " MiB, too large to attach; it is kept in the store.";
                    }
                }
                if (transcripts_.channel) {
                    ports::message note;
                    note.content = core::truncate_utf8(
                        type->label + " ticket #" + std::to_string(t.id.value) + " (" + core::ticket_channel_name(t) + ") closed" +
                            (t.closed_by ? " by <@" + t.closed_by->str() + ">" : std::string(" automatically")) +
                            (t.close_reason.empty() ? "" : ": " + t.close_reason) + "\nKept at " + archived->location + too_large,
                        ports::content_length_max);
                    if (const auto posted = actions_.send_message(*transcripts_.channel, note, files); !posted) {
                        log(t.id, "posting the transcript of ticket #" + std::to_string(t.id.value) + " failed: " +
                            posted.error().detail);
                    }
                }
            }
        }
    }
    ports::message dm = ticket_views::rating_request(t, *type, config_.unaddressed());
    if (!files.empty()) dm.embeds.front().footer = config_.text("", "tickets.transcript_attached");
    const std::span<const ports::outbound_file> html(files.data(), files.empty() ? 0 : 1);
    if (const auto sent = actions_.send_dm(t.opener, dm, html); !sent) {
        log(t.id, "sending the rating request to " + t.opener.str() + " failed: " + sent.error().detail);
    }
}

void tickets_feature::on_message(const ports::channel_message& m) {
    if (m.author_is_bot) return;
    const auto t = tickets_.find_by_channel(m.channel);
    if (!t || !core::is_active(t->status)) return;
    ports::invoker who;
    who.user = m.author;
    who.roles = m.author_roles;
    const auto recorded = tickets_.record_activity(t->id, actor_for(who, type_of(*t)));
    if (!recorded && recorded.error() != rejection::ticket_closed) {
        log(t->id, "recording activity in ticket #" + std::to_string(t->id.value) + " failed: " +
            std::string(core::to_string(recorded.error())));
    }
}

void tickets_feature::run_sweep() {
    const auto swept = tickets_.sweep();
    for (const auto& t : swept.warned) {
        const core::ticket_type* type = type_of(t);
        if (!t.channel || type == nullptr) continue;
        if (const auto posted = actions_.send_message(*t.channel, ticket_views::inactivity_warning(t, *type, config_.unaddressed())); !posted) {
            log(t.id, "the inactivity warning of ticket #" + std::to_string(t.id.value) + " failed: " + posted.error().detail);
        }
    }
    for (const auto& t : swept.closed) after_close(t);
}

void tickets_feature::run_deletions() {
    for (const auto& t : tickets_.due_for_deletion()) {
        if (t.channel) {
            const auto d = actions_.delete_channel(*t.channel, "ticket #" + std::to_string(t.id.value) + " closed");
            if (!d && d.error().code != ports::chat_errc::not_found) {
                log(t.id, "deleting the channel of ticket #" + std::to_string(t.id.value) + " failed: " + d.error().detail +
                    "; trying again in a minute");
                continue;
            }
        }
        (void)tickets_.expire(t.id);
    }
}

}  // namespace apexcore::bot
