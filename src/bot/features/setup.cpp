#include <apexcore/bot/features/setup.hpp>

#include <apexcore/core/rejection.hpp>
#include <apexcore/core/text.hpp>

#include <utility>

namespace apexcore::bot {

setup_feature::setup_feature(const bot_config& config, ports::chat_actions& actions,
                             std::function<std::vector<requirement>()> requirements, setup_options options)
    : config_(config), actions_(actions), requirements_(std::move(requirements)), options_(std::move(options)) {}

std::vector<ports::command_spec> setup_feature::commands() const {
    ports::command_spec setup{"setup", "Staff: set up the shop and check what the bot may do", {}, true, {}, {}};
    setup.subcommands.push_back({"check", "List what the bot lacks for the shop's features (permissions, roles)", {}});
    if (options_.records != nullptr) {
        setup.subcommands.push_back({"run", "Make the shop's roles, channels, log channels and panels (a preview first; safe to re-run)", {}});
    }
    return {setup};
}

std::vector<requirement> setup_feature::requirements() const {
    std::vector<requirement> out;
    if (const auto role = config_.staff()) {  // none yet: /setup check says so, /setup run makes it
        requirement staff;
        staff.why = "staff commands (the staff role)";
        staff.existing = *role;
        out.push_back(std::move(staff));
    }
    // The roles /setup made for the bot to grant must stay below its own (an owner may move them).
    const auto grantable = [&](const std::string& why, std::string_view name) {
        if (!options_.live_roles) return;
        if (const auto role = options_.live_roles->get(name)) {
            requirement r;
            r.why = why;
            r.grantable = *role;
            out.push_back(std::move(r));
        }
    };
    if (options_.customer_role) grantable("the customer role", services::live_roles::customer);
    for (const auto& t : options_.tiers) {
        if (t.role.value == 0) grantable("VIP tier " + t.name, services::live_roles::tier(t.name));
    }
    return out;
}

ports::interaction_response setup_feature::on_command(const ports::interaction& i, const ports::command_invocation& c) {
    // An administrator may check before the staff role is right: that is what the check is for.
    if (!config_.is_staff(i.from) && !i.from.administrator) {
        return ephemeral_reply(config_.text(i, core::rejection::not_staff));
    }
    if (c.name == "setup run" && options_.records != nullptr) return preview(i);
    if (c.name != "setup check") return ephemeral_reply("Usage: /setup check, /setup run");
    const auto needs = requirements_ ? requirements_() : requirements();
    auto problems = actions_.missing(config_.guild, needs);
    if (problems && !config_.staff()) {
        problems->insert(problems->begin(), std::string("staff commands: there is no staff role yet (") +
                                                (options_.records != nullptr ? "/setup run makes one" : "set staff_role_id in the config") + ")");
    }
    if (!problems) {
        ports::emit(config_.log, ports::log_level::warning, "setup",
                    "setup check failed: " + std::string(ports::to_string(problems.error().code)) + " " + problems.error().detail);
        return ephemeral_reply("The check could not run right now (" + std::string(ports::to_string(problems.error().code)) +
                               "). Try again in a minute.");
    }
    return ephemeral_reply(describe_setup_problems(*problems));
}

std::string describe_setup_problems(const std::vector<std::string>& problems) {
    if (problems.empty()) return "\xE2\x9C\x85 The bot holds everything the shop's features need.";
    std::string out = "The bot is missing " + std::to_string(problems.size()) +
                      (problems.size() == 1 ? " thing" : " things") + " the shop needs:";
    constexpr std::size_t reserve = 40;  // room for the "... and N more" line
    std::size_t shown = 0;
    for (const auto& p : problems) {
        std::string line = "\n\xE2\x80\xA2 " + core::truncate_utf8(p, 400);
        if (out.size() + line.size() + reserve > ports::content_length_max) break;
        out += line;
        ++shown;
    }
    if (shown < problems.size()) out += "\n\xE2\x80\xA6 and " + std::to_string(problems.size() - shown) + " more";
    return out;
}

}  // namespace apexcore::bot
