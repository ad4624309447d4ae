#include <apexcore/bot/features/help.hpp>

#include <apexcore/core/text.hpp>

#include <algorithm>

namespace apexcore::bot {

help_feature::help_feature(const bot_config& config, std::function<std::vector<ports::command_spec>()> commands)
    : config_(config), commands_(std::move(commands)) {}

std::vector<ports::command_spec> help_feature::commands() const {
    return {{"help", "The commands you can use here", {}, false}};
}

ports::interaction_response help_feature::on_command(const ports::interaction& i, const ports::command_invocation& c) {
    if (c.name != "help") return ephemeral_reply("Unknown command /" + c.name + ".");
    const bool staff = config_.is_staff(i.from);
    auto all = commands_ ? commands_() : std::vector<ports::command_spec>{};
    std::sort(all.begin(), all.end(), [](const auto& a, const auto& b) { return a.name < b.name; });
    std::string members;
    std::string staff_only;
    for (const auto& command : all) {
        std::string line = "`/" + command.name;
        const auto options = [&line](const auto& list) {
            for (const auto& o : list) line += o.required ? " " + o.name : " [" + o.name + "]";
        };
        options(command.options);
        std::string description = command.description;
        if (command.subcommands.size() == 1 && command.groups.empty()) {
            // One subcommand ("/wallet show user", "/setup check"): shown whole, with its own words.
            line += " " + command.subcommands[0].name;
            options(command.subcommands[0].options);
            description = command.subcommands[0].description;
        } else {
            std::string subs;  // "/ticket panel|close|…"
            for (const auto& s : command.subcommands) subs += (subs.empty() ? "" : "|") + s.name;
            for (const auto& g : command.groups) subs += (subs.empty() ? "" : "|") + g.name + " …";
            if (!subs.empty()) line += " " + subs;
        }
        line += "` — " + description + "\n";
        if (!command.staff_only) members += line;
        else if (staff) staff_only += line;
    }
    ports::embed e{config_.text(i, "help.title"), core::truncate_utf8(members, 4096), {}, 0x5865F2, ""};
    if (!staff_only.empty()) e.fields.push_back({config_.text(i, "help.staff"), core::truncate_utf8(staff_only, 1024), false});
    ports::interaction_response r = ephemeral_reply("");
    r.body.embeds.push_back(std::move(e));
    return r;
}

}  // namespace apexcore::bot
