#include <apexcore/bot/features/wallet.hpp>

#include <apexcore/core/text.hpp>

namespace apexcore::bot {
namespace {

std::string mention(core::user_id u) { return "<@" + u.str() + ">"; }

}  // namespace

wallet_feature::wallet_feature(const bot_config& config, services::wallet_service& wallet) : config_(config), wallet_(wallet) {}

std::vector<ports::command_spec> wallet_feature::commands() const {
    return {
        {"balance", "Show your wallet balance", {}, false},
        {"addbalance",
         "Staff: add money to a member's wallet",
         {
             {"user", "Whose wallet to credit", ports::option_type::user, true},
             {"amount", "Amount, e.g. 12.50", ports::option_type::string, true},
             {"reason", "Why (kept in the ledger)", ports::option_type::string, false},
         },
         true},
    };
}

ports::interaction_response wallet_feature::on_command(const ports::interaction& i, const ports::command_invocation& c) {
    if (c.name == "balance") {
        const core::money b = wallet_.balance(i.from.user);
        return ephemeral_reply("Your wallet balance is **" + core::format_money(b) + "**.");
    }
    if (c.name == "addbalance") return add_balance(i, c);
    return ephemeral_reply("Unknown command /" + c.name + ".");
}

ports::interaction_response wallet_feature::add_balance(const ports::interaction& i, const ports::command_invocation& c) {
    if (!config_.is_staff(i.from)) return ephemeral_reply(std::string(core::describe(core::rejection::not_staff)));
    const auto* user = find_option(c, "user");
    const auto* amount = find_option(c, "amount");
    if (user == nullptr || !std::holds_alternative<core::user_id>(*user) || amount == nullptr ||
        !std::holds_alternative<std::string>(*amount)) {
        return ephemeral_reply("Usage: /addbalance user:<member> amount:<e.g. 12.50> [reason]");
    }
    const auto parsed = core::parse_money(std::get<std::string>(*amount), config_.currency);
    if (!parsed) {
        // Quoted back cut on a code point boundary (a byte cut once split 'é' and killed the REST worker).
        return ephemeral_reply("Amount `" + core::truncate_utf8(std::get<std::string>(*amount), 40) +
                               "` is not valid: " + std::string(core::describe(parsed.error())) + ".");
    }
    std::string reason = "Added by staff";
    if (const auto* r = find_option(c, "reason"); r != nullptr && std::holds_alternative<std::string>(*r)) {
        reason = std::get<std::string>(*r);
    }
    const core::user_id customer = std::get<core::user_id>(*user);
    if (reason.size() > core::ledger_description_length_max) {
        return ephemeral_reply(std::string(core::describe(core::rejection::description_too_long)));
    }
    const auto entry = wallet_.staff_credit({{i.from.user, true}, customer, *parsed, reason, "interaction:" + i.id.str()});
    if (!entry) return ephemeral_reply(std::string(core::describe(entry.error())));
    const std::string interaction_id = i.id.str();
    ports::emit(config_.log, ports::log_level::info, "wallet",
                "staff member " + i.from.user.str() + " credited " + core::format_money(entry->amount) + " to member " +
                    customer.str() + " (ledger entry " + std::to_string(entry->id.value) + ")",
                {.interaction = interaction_id});
    return ephemeral_reply("Added **" + core::format_money(entry->amount) + "** to " + mention(customer) +
                           "'s wallet. New balance: **" + core::format_money(entry->balance_after) + "**.");
}

}  // namespace apexcore::bot
