#include <apexcore/bot/features/members.hpp>

#include <apexcore/bot/views.hpp>

namespace apexcore::bot {
namespace {

constexpr std::uint32_t danger_color = 0xED4245;
constexpr std::uint32_t done_color = 0x57F287;

}  // namespace

members_feature::members_feature(const bot_config& config, services::member_service& members) : config_(config), members_(members) {}

std::vector<ports::command_spec> members_feature::commands() const {
    const ports::command_option_spec user{"user", "The member", ports::option_type::user, true};
    ports::command_spec member{"member", "Staff: a member's data requests", {}, true, {}, {}};
    member.subcommands = {
        {"export", "Staff: everything stored about a member, as a JSON file", {user}},
        {"forget", "Staff: erase what a member wrote, keeping the accounts (after a preview)", {user}},
    };
    return {std::move(member)};
}

ports::interaction_response members_feature::on_command(const ports::interaction& i, const ports::command_invocation& c) {
    if (!config_.is_staff(i.from)) return ephemeral_reply(config_.text(i, core::rejection::not_staff));
    const auto* user = find_option_as<core::user_id>(c, "user");
    if (user == nullptr) return ephemeral_reply("Usage: /member export|forget user:<member>");
    const core::user_id member = *user;
    const services::actor staff{i.from.user, true};
    if (c.name == "member export") {
        auto data = members_.export_data(staff, member);
        if (!data) {
            return ephemeral_reply(data.error() == core::rejection::text_too_long
                                       ? "The export of " + mention(member) + " is larger than Discord takes as a file (8 MiB); "
                                                                              "export it with the store's own tools (docs/operations.md)."
                                       : config_.text(i, data.error()));
        }
        ports::emit(config_.log, ports::log_level::info, "members",
                    "data of member " + member.str() + " exported by staff " + i.from.user.str(), {.interaction = i.id.str()});
        auto r = ephemeral_reply("Everything stored about " + mention(member) + " (" + format_bytes(data->size()) +
                                 "): their wallet and ledger, orders, payments, refunds, tickets, promo uses and queued "
                                 "messages. Hand it to the member; the bot keeps no copy.");
        r.body.files.push_back({"member-" + member.str() + ".json", "application/json", std::move(*data),
                                "Data stored about member " + member.str()});
        return r;
    }
    if (c.name != "member forget") return ephemeral_reply("Usage: /member export|forget user:<member>");
    std::string text = "**Forget " + mention(member) + "?** This cannot be undone.\n\n"
                       "**Erased:** the answers they gave to product questions, their payment proofs (links, transaction "
                       "ids, contact, notes), refund reasons, their tickets' subjects, answers and notes, and DMs still "
                       "waiting for them.\n"
                       "**Kept:** their wallet, every ledger entry and the orders' amounts and keys — the shop's accounts, "
                       "which must still reconcile — and their Discord id on those records. Ticket transcripts already "
                       "archived are not touched (docs/operations.md §Member data).";
    if (const auto before = members_.forgotten_at(member)) {
        text += "\n\nThey were already forgotten " + discord_time(*before, 'R') + "; forgetting again erases what was stored since.";
    }
    auto r = ephemeral_reply("");
    r.body.embeds.push_back({"Member data: forget", text, {}, danger_color, ""});
    r.body.rows.push_back({{ports::button{"Forget this member", "mb:f:" + member.str(), ports::button_style::danger},
                           ports::button{"Cancel", "mb:x", ports::button_style::secondary}}});
    return r;
}

ports::interaction_response members_feature::on_component(const ports::interaction& i, const ports::component_action& a) {
    if (!config_.is_staff(i.from)) return ephemeral_reply(config_.text(i, core::rejection::not_staff));
    auto done = [](std::string text, std::uint32_t color) {
        ports::interaction_response r = ephemeral_reply("");
        r.kind = ports::response_kind::update_message;
        r.body.embeds.push_back({"Member data", std::move(text), {}, color, ""});
        return r;
    };
    if (a.custom_id == "mb:x") return done("Cancelled; nothing was erased.", 0x99AAB5);
    const auto member = a.custom_id.starts_with("mb:f:") ? core::user_id::parse(a.custom_id.substr(5)) : std::nullopt;
    if (!member) return ephemeral_reply(config_.text(i, "router.stale_component"));
    const auto erased = members_.forget({i.from.user, true}, *member);
    if (!erased) return ephemeral_reply(config_.text(i, erased.error()));
    ports::emit(config_.log, ports::log_level::info, "members",
                "member " + member->str() + " forgotten by staff " + i.from.user.str(), {.interaction = i.id.str()});
    return done(mention(*member) + " is forgotten. Erased: " + std::to_string(erased->orders) + " orders' answers, " +
                    std::to_string(erased->payments) + " payment proofs, " + std::to_string(erased->refunds) +
                    " refund reasons, " + std::to_string(erased->tickets) + " tickets' texts, " +
                    std::to_string(erased->messages) + " waiting messages, " + std::to_string(erased->proposals) +
                    " staff previews. Their ledger and balance are unchanged and still reconcile.",
                done_color);
}

}  // namespace apexcore::bot
