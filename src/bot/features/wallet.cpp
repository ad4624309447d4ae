#include <apexcore/bot/features/wallet.hpp>

#include <apexcore/bot/views.hpp>

#include <apexcore/core/text.hpp>

#include <chrono>

namespace apexcore::bot {
namespace {

constexpr std::uint32_t preview_color = 0xF1C40F;
constexpr std::uint32_t done_color = 0x57F287;
constexpr std::uint32_t wallet_color = 0x5865F2;


/// One ledger row as a line: "+$25.00 staff_credit — Added by staff (#12, <t:…:R>)".
std::string ledger_line(const core::ledger_entry& e) {
    const auto seconds = std::chrono::duration_cast<std::chrono::seconds>(e.created_at.time_since_epoch()).count();
    const std::string sign = e.amount.is_negative() ? "" : "+";
    return sign + core::format_money(e.amount) + " " + std::string(core::to_string(e.type)) +
           (e.description.empty() ? "" : " — " + core::truncate_utf8(e.description, 80)) + " (#" + std::to_string(e.id.value) +
           ", <t:" + std::to_string(seconds) + ":R>)";
}

/// The rows, one a line, within `limit` characters (an embed field holds 1,024, a description
/// 4,096; Discord's embed limits): a line that would not fit is left out whole.
std::string ledger_lines(const std::vector<core::ledger_entry>& entries, std::size_t limit = 1024) {
    if (entries.empty()) return "none yet";
    std::string out;
    for (const auto& e : entries) {
        const std::string line = ledger_line(e) + "\n";
        if (core::utf8_length(out) + core::utf8_length(line) > limit) break;
        out += line;
    }
    return out;
}

/// The update that replaces a preview: the outcome, and the buttons gone.
ports::interaction_response replace_preview(std::string text, std::optional<ports::embed> card = std::nullopt) {
    ports::interaction_response r = ephemeral_reply(std::move(text));
    r.kind = ports::response_kind::update_message;
    if (card) r.body.embeds.push_back(std::move(*card));
    return r;
}

}  // namespace

wallet_feature::wallet_feature(const bot_config& config, services::wallet_service& wallet) : config_(config), wallet_(wallet) {}

std::vector<ports::command_spec> wallet_feature::commands() const {
    using ports::option_type;
    ports::command_spec wallet{"wallet", "Staff: look at a member's wallet", {}, true, {}, {}};
    wallet.subcommands = {{"show", "Staff: a member's balance and last ledger entries", {{"user", "Whose wallet", option_type::user, true}}}};
    return {
        {"balance", "Show your wallet balance", {}, false},
        {"transactions", "Your wallet's history: top-ups, purchases, refunds", {}, false},
        {"addbalance",
         "Staff: add money to a member's wallet (after a preview)",
         {
             {"user", "Whose wallet to credit", option_type::user, true},
             {"amount", "Amount, e.g. 12.50", option_type::string, true},
             {"reason", "Why (kept in the ledger)", option_type::string, false},
         },
         true},
        {"removebalance",
         "Staff: take money from a member's wallet (after a preview)",
         {
             {"user", "Whose wallet to debit", option_type::user, true},
             {"amount", "Amount, e.g. 12.50", option_type::string, true},
             {"reason", "Why (kept in the ledger)", option_type::string, true},
         },
         true},
        std::move(wallet),
    };
}

ports::interaction_response wallet_feature::on_command(const ports::interaction& i, const ports::command_invocation& c) {
    if (c.name == "balance") {
        const core::money b = wallet_.balance(i.from.user);
        return ephemeral_reply(config_.text(i, "wallet.balance", {{"balance", core::format_money(b)}}));
    }
    if (c.name == "transactions") return transactions(i, std::nullopt);
    if (c.name == "addbalance") return propose(i, c, core::staff_action::wallet_credit);
    if (c.name == "removebalance") return propose(i, c, core::staff_action::wallet_debit);
    if (c.name == "wallet show") return show(i, c);
    return ephemeral_reply("Unknown command /" + c.name + ".");
}

ports::interaction_response wallet_feature::on_component(const ports::interaction& i, const ports::component_action& a) {
    // "wal:c:<token>" or "wal:x:<token>"; the token is checked again by the service.
    const std::string_view id = a.custom_id;
    if (id.size() > 6 && id.starts_with("wal:c:")) return confirm(i, std::string(id.substr(6)));
    if (id.size() > 6 && id.starts_with("wal:x:")) return cancel(i, std::string(id.substr(6)));
    if (id.starts_with("wal:t:")) {
        const auto before = core::ledger_entry_id::parse(id.substr(6));
        if (!before) return ephemeral_reply("This button is not valid.");
        auto page = transactions(i, before);
        page.kind = ports::response_kind::update_message;
        return page;
    }
    return ephemeral_reply("This button is not valid.");
}

ports::interaction_response wallet_feature::propose(const ports::interaction& i, const ports::command_invocation& c,
                                                    core::staff_action action) {
    const bool credit = action == core::staff_action::wallet_credit;
    const std::string usage = credit ? "Usage: /addbalance user:<member> amount:<e.g. 12.50> [reason]"
                                     : "Usage: /removebalance user:<member> amount:<e.g. 12.50> reason:<why>";
    if (!config_.is_staff(i.from)) return ephemeral_reply(config_.text(i, core::rejection::not_staff));
    const auto* user = find_option(c, "user");
    const auto* amount = find_option(c, "amount");
    if (user == nullptr || !std::holds_alternative<core::user_id>(*user) || amount == nullptr ||
        !std::holds_alternative<std::string>(*amount)) {
        return ephemeral_reply(usage);
    }
    const auto parsed = core::parse_money(std::get<std::string>(*amount), config_.currency);
    if (!parsed) {
        // Quoted back cut on a code point boundary (a byte cut once split 'é' and killed the REST worker).
        return ephemeral_reply("Amount `" + core::truncate_utf8(std::get<std::string>(*amount), 40) +
                               "` is not valid: " + std::string(core::describe(parsed.error())) + ".");
    }
    std::string reason = credit ? "Added by staff" : "";
    if (const auto* r = find_option(c, "reason"); r != nullptr && std::holds_alternative<std::string>(*r)) {
        reason = std::get<std::string>(*r);
    }
    if (reason.empty()) return ephemeral_reply(usage);
    const core::user_id member = std::get<core::user_id>(*user);
    const auto preview = wallet_.propose({{i.from.user, true}, action, member, *parsed, reason, i.id.str()});
    if (!preview) {
        if (preview.error() == core::rejection::insufficient_funds) {
            return ephemeral_reply(mention(member) + " has only **" + core::format_money(wallet_.balance(member)) +
                                   "**: a wallet never goes below zero, so **" + core::format_money(*parsed) +
                                   "** cannot be taken.");
        }
        return ephemeral_reply(config_.text(i, preview.error()));
    }
    const auto& p = preview->proposal;
    const auto expires = std::chrono::duration_cast<std::chrono::seconds>(p.expires_at.time_since_epoch()).count();
    ports::embed card{(credit ? "Add " : "Remove ") + core::format_money(p.amount) + (credit ? " to" : " from") + " a wallet?",
                      mention(member) + ": **" + core::format_money(preview->balance_before) + "** → **" +
                          core::format_money(preview->balance_after) + "**",
                      {},
                      preview_color,
                      "Nothing changes until you confirm."};
    card.fields.push_back({"Reason", core::truncate_utf8(p.reason, 1024), false});
    card.fields.push_back({"Last entries", ledger_lines(preview->recent), false});
    card.fields.push_back({"Confirm before", "<t:" + std::to_string(expires) + ":t> (<t:" + std::to_string(expires) + ":R>)", true});
    ports::interaction_response r = ephemeral_reply("");
    r.body.embeds.push_back(std::move(card));
    r.body.rows.push_back({{ports::button{credit ? "Confirm credit" : "Confirm debit", "wal:c:" + p.token,
                                          credit ? ports::button_style::success : ports::button_style::danger},
                            ports::button{"Cancel", "wal:x:" + p.token, ports::button_style::secondary}}});
    return r;
}

ports::interaction_response wallet_feature::confirm(const ports::interaction& i, const std::string& token) {
    if (!config_.is_staff(i.from)) return ephemeral_reply(config_.text(i, core::rejection::not_staff));
    const auto done = wallet_.confirm({i.from.user, true}, token);
    if (!done) {
        if (done.error() == core::rejection::insufficient_funds) {
            return replace_preview("The balance no longer covers this debit; nothing was taken. Run /removebalance again.");
        }
        return ephemeral_reply(config_.text(i, done.error()));
    }
    const auto& p = done->proposal;
    const bool credit = p.action == core::staff_action::wallet_credit;
    const std::string what = credit ? "Added **" + core::format_money(p.amount) + "** to " + mention(p.member) + "'s wallet"
                                    : "Took **" + core::format_money(p.amount) + "** from " + mention(p.member) + "'s wallet";
    const std::string text = (done->replayed ? "Already done — nothing was changed again. " : std::string()) + what +
                             ". New balance: **" + core::format_money(done->entry.balance_after) + "**.";
    if (!done->replayed) {
        const std::string interaction_id = i.id.str();
        ports::emit(config_.log, ports::log_level::info, "wallet",
                    "staff member " + i.from.user.str() + (credit ? " credited " : " debited ") + core::format_money(p.amount) +
                        (credit ? " to member " : " from member ") + p.member.str() + " (ledger entry " +
                        std::to_string(done->entry.id.value) + ")",
                    {.interaction = interaction_id});
    }
    // Embed titles show no mentions or bold: the sentence goes in the description.
    ports::embed card{credit ? "Wallet credited" : "Wallet debited", what, {}, done_color,
                      "Ledger entry " + std::to_string(done->entry.id.value)};
    card.fields.push_back({"Reason", core::truncate_utf8(p.reason, 1024), false});
    return replace_preview(text, std::move(card));
}

ports::interaction_response wallet_feature::cancel(const ports::interaction& i, const std::string& token) {
    if (!config_.is_staff(i.from)) return ephemeral_reply(config_.text(i, core::rejection::not_staff));
    const auto cancelled = wallet_.cancel({i.from.user, true}, token);
    if (!cancelled) {
        if (cancelled.error() == core::rejection::idempotency_conflict) {
            return ephemeral_reply("This change was already confirmed; cancelling it now changes nothing.");
        }
        return ephemeral_reply(config_.text(i, cancelled.error()));
    }
    return replace_preview("Cancelled — nothing was changed.");
}

ports::interaction_response wallet_feature::transactions(const ports::interaction& i,
                                                         std::optional<core::ledger_entry_id> before) {
    // One more row than shown says whether an older page exists.
    auto rows = wallet_.history(i.from.user, shown_entries + 1, before);
    const bool more = rows.size() > shown_entries;
    if (more) rows.pop_back();
    const localized t = config_.in(i);
    ports::embed card{t("wallet.transactions_title"),
                      t("wallet.transactions_balance", {{"balance", core::format_money(wallet_.balance(i.from.user))}}) + "\n\n" +
                          (rows.empty() ? t(before ? "wallet.no_older_entries" : "wallet.no_entries") : ledger_lines(rows, 3800)),
                      {},
                      wallet_color,
                      t(before ? "wallet.older_entries" : "wallet.newest_first")};
    ports::interaction_response r = ephemeral_reply("");
    r.body.embeds.push_back(std::move(card));
    if (more) {
        r.body.rows.push_back({{ports::button{t("wallet.older"), "wal:t:" + std::to_string(rows.back().id.value), ports::button_style::secondary}}});
    }
    return r;
}

ports::interaction_response wallet_feature::show(const ports::interaction& i, const ports::command_invocation& c) {
    if (!config_.is_staff(i.from)) return ephemeral_reply(config_.text(i, core::rejection::not_staff));
    const auto* user = find_option(c, "user");
    if (user == nullptr || !std::holds_alternative<core::user_id>(*user)) return ephemeral_reply("Usage: /wallet show user:<member>");
    const core::user_id member = std::get<core::user_id>(*user);
    ports::embed card{"Wallet",
                      mention(member) + ": **" + core::format_money(wallet_.balance(member)) + "**\n\nLast entries:\n" +
                          ledger_lines(wallet_.history(member, shown_entries), 3800),
                      {},
                      wallet_color,
                      ""};
    ports::interaction_response r = ephemeral_reply("");
    r.body.embeds.push_back(std::move(card));
    return r;
}

}  // namespace apexcore::bot
