#include <apexcore/bot/features/promos.hpp>

#include <apexcore/bot/features/profile.hpp>
#include <apexcore/bot/views.hpp>
#include <apexcore/core/text.hpp>

namespace apexcore::bot {
namespace {

constexpr std::uint32_t promo_color = 0x9B59B6;

/// "10 % off" or "$5.00 off", with its limits, in one line.
std::string summary(const core::promo_code& p, int used) {
    std::string out = p.kind == core::promo_kind::percent ? format_percent(p.percent) + " off" : core::format_money(p.fixed_amount) + " off";
    if (!p.active) out += " · **off**";
    out += " · used " + std::to_string(used) + (p.max_uses_total ? " of " + std::to_string(*p.max_uses_total) : "");
    if (p.max_uses_per_user) out += " · " + std::to_string(*p.max_uses_per_user) + " per member";
    if (!p.min_spend.is_zero()) out += " · from " + core::format_money(p.min_spend);
    if (p.expires_at) out += " · until " + discord_time(*p.expires_at, 'f');
    if (!p.products.empty() || !p.main_categories.empty()) out += " · limited to some products";
    return out;
}

std::optional<std::int64_t> integer(const ports::command_invocation& c, std::string_view name) {
    const auto* v = find_option(c, name);
    if (v == nullptr || !std::holds_alternative<std::int64_t>(*v)) return std::nullopt;
    return std::get<std::int64_t>(*v);
}

std::string text(const ports::command_invocation& c, std::string_view name) {
    const auto* v = find_option(c, name);
    return v != nullptr && std::holds_alternative<std::string>(*v) ? std::get<std::string>(*v) : std::string();
}

}  // namespace

promos_feature::promos_feature(const bot_config& config, services::promo_service& promos) : config_(config), promos_(promos) {}

std::vector<ports::command_spec> promos_feature::commands() const {
    using ports::option_type;
    ports::command_option_spec percent{"percent", "Percent off, 1 to 100", option_type::integer, false};
    percent.min_value = 1;
    percent.max_value = 100;
    ports::command_option_spec max_uses{"max_uses", "How often it can be used in all", option_type::integer, false};
    max_uses.min_value = 1;
    ports::command_option_spec per_member{"per_member", "How often one member can use it", option_type::integer, false};
    per_member.min_value = 1;
    ports::command_option_spec days{"days", "It ends after this many days", option_type::integer, false};
    days.min_value = 1;
    days.max_value = 3650;
    ports::command_spec promo{"promo", "Staff: promo codes", {}, true, {}, {}};
    const ports::command_option_spec code{"code", "The code members type, e.g. SUMMER10", option_type::string, true};
    promo.subcommands = {
        {"create", "Staff: create a promo code (or replace one)",
         {code, percent, {"amount", "Amount off, e.g. 5.00 (instead of percent)", option_type::string, false}, max_uses, per_member,
          {"min_spend", "Only on prices from this amount, e.g. 20.00", option_type::string, false}, days}},
        {"list", "Staff: the promo codes and their use", {}},
        {"info", "Staff: one promo code", {code}},
        {"deactivate", "Staff: switch a promo code off", {code}},
        {"delete", "Staff: delete a promo code nobody used", {code}},
    };
    return {std::move(promo)};
}

ports::interaction_response promos_feature::on_command(const ports::interaction& i, const ports::command_invocation& c) {
    if (!config_.is_staff(i.from)) return ephemeral_reply(config_.text(i, core::rejection::not_staff));
    const services::actor staff{i.from.user, true};
    if (c.name == "promo create") return create(i, c);
    if (c.name == "promo list") {
        const auto codes = promos_.list(listed_max);
        if (codes.empty()) return ephemeral_reply("No promo codes yet. Create one with /promo create.");
        std::string lines;
        for (const auto& [p, used] : codes) lines += "`" + p.code + "` — " + summary(p, used) + "\n";
        ports::interaction_response r = ephemeral_reply("");
        r.body.embeds.push_back({"Promo codes", core::truncate_utf8(lines, 4096), {}, promo_color, ""});
        return r;
    }
    const std::string code = text(c, "code");
    if (c.name == "promo info") {
        const auto found = promos_.find(code, i.from.user);
        if (!found) return ephemeral_reply(config_.text(i, found.error()));
        ports::interaction_response r = ephemeral_reply("");
        r.body.embeds.push_back({"Promo code " + found->first.code, summary(found->first, found->second.total), {}, promo_color, ""});
        return r;
    }
    if (c.name == "promo deactivate") {
        const auto done = promos_.deactivate(staff, code);
        if (!done) return ephemeral_reply(config_.text(i, done.error()));
        return ephemeral_reply("`" + done->code + "` is off: members can no longer use it. Its past uses are kept.");
    }
    if (c.name == "promo delete") {
        const auto done = promos_.remove(staff, code);
        if (!done && done.error() == core::rejection::forbidden_transition) {
            return ephemeral_reply("`" + core::truncate_utf8(code, 32) +
                                   "` has been used, and its uses keep it: /promo deactivate switches it off instead.");
        }
        if (!done) return ephemeral_reply(config_.text(i, done.error()));
        return ephemeral_reply("`" + done->code + "` is deleted.");
    }
    return ephemeral_reply("Unknown command /" + c.name + ".");
}

ports::interaction_response promos_feature::create(const ports::interaction& i, const ports::command_invocation& c) {
    core::promo_code p;
    p.code = text(c, "code");
    const auto percent = integer(c, "percent");
    const std::string amount = text(c, "amount");
    if (percent.has_value() == !amount.empty()) {
        return ephemeral_reply("Give either `percent` or `amount`: how much the code takes off.");
    }
    if (percent) {
        p.kind = core::promo_kind::percent;
        p.percent = static_cast<core::basis_points>(std::clamp<std::int64_t>(*percent, 0, 101) * 100);
    } else {
        const auto parsed = core::parse_money(amount, config_.currency);
        if (!parsed) {
            return ephemeral_reply("Amount `" + core::truncate_utf8(amount, 40) + "` is not valid: " +
                                   std::string(core::describe(parsed.error())) + ".");
        }
        p.kind = core::promo_kind::fixed;
        p.fixed_amount = *parsed;
    }
    p.min_spend = core::money{0, config_.currency};
    if (const std::string min = text(c, "min_spend"); !min.empty()) {
        const auto parsed = core::parse_money(min, config_.currency);
        if (!parsed) return ephemeral_reply("Minimum spend `" + core::truncate_utf8(min, 40) + "` is not valid.");
        p.min_spend = *parsed;
    }
    if (const auto n = integer(c, "max_uses")) p.max_uses_total = static_cast<int>(std::clamp<std::int64_t>(*n, 0, 1'000'000'000));
    if (const auto n = integer(c, "per_member")) p.max_uses_per_user = static_cast<int>(std::clamp<std::int64_t>(*n, 0, 1'000'000'000));
    if (const auto n = integer(c, "days")) {
        p.expires_at = std::chrono::system_clock::now() + std::chrono::hours(24) * std::clamp<std::int64_t>(*n, 1, 3650);
    }
    // The exact reason first: the service would only say "invalid".
    if (const auto problem = services::validate_promo(p, config_.currency)) return ephemeral_reply(std::string(services::describe(*problem)));
    const auto saved = promos_.upsert({i.from.user, true}, p);
    if (!saved) return ephemeral_reply(config_.text(i, saved.error()));
    return ephemeral_reply("`" + saved->code + "` is ready: " + summary(*saved, 0) + ". Members type it with the Promo code button on a product.");
}

}  // namespace apexcore::bot
