// What an earlier /setup run made, taken into use at start (setup_records.hpp).
#include "setup_records.hpp"

namespace apexbot {

std::optional<apexcore::core::channel_id> apply_setup_records(const std::map<std::string, apexcore::ports::setup_record>& made,
                                                              const config& c, apexcore::services::live_log_channels& channels,
                                                              apexcore::services::live_roles& roles) {
    using apexcore::services::live_roles;
    for (const auto topic : apexcore::core::all_log_topics) {
        const auto record = made.find("log." + std::string(apexcore::core::to_string(topic)));
        if (record != made.end() && c.log_channels.count(topic) == 0) channels.set(topic, apexcore::core::channel_id{record->second.id});
    }
    const auto role = [&](std::string_view name) {
        if (const auto record = made.find(std::string(name)); record != made.end()) {
            roles.set(name, apexcore::core::role_id{record->second.id});
        }
    };
    if (c.staff_role.empty()) role(live_roles::staff);
    role(live_roles::customer);
    for (const auto& t : c.tiers) {
        if (t.role.empty()) role(live_roles::tier(t.name));
    }
    if (c.transcript_channel) return c.transcript_channel;
    if (const auto t = made.find("channel.transcripts"); t != made.end()) return apexcore::core::channel_id{t->second.id};
    return std::nullopt;
}

}  // namespace apexbot
