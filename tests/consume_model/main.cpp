// Maps an interaction and a ticket channel body with nothing but apexcore::discord_model.
#include <apexcore/discord/chat_model.hpp>
#include <apexcore/discord/model.hpp>

#include <iostream>

int main() {
    using namespace apexcore;
    const auto interaction = discord::parse_interaction(discord::json::parse(R"({
        "id":"1300000000000009999","application_id":"1300000000000000001","type":2,"token":"t",
        "guild_id":"1300000000000000100","channel_id":"1300000000000000300",
        "member":{"user":{"id":"1300000000000002000","username":"customer"},"roles":[]},
        "data":{"id":"1","name":"balance","type":1}})"));
    if (!interaction) {
        std::cerr << interaction.error().what << "\n";
        return 1;
    }
    ports::channel_spec ticket;
    ticket.name = "ticket-0001";
    ticket.overwrites = {ports::overwrite::for_member(interaction->neutral.from.user, ports::participant_abilities)};
    const auto body = discord::to_create_channel_body(ticket);
    if (!body) return 1;
    std::cout << "command " << std::get<ports::command_invocation>(interaction->neutral.action).name << ", overwrite allow "
              << body.value()["permission_overwrites"][0]["allow"] << "\n";
    return body.value()["permission_overwrites"][0]["allow"] == "101376" ? 0 : 1;
}
