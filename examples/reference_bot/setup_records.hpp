#pragma once
/// @file setup_records.hpp
/// What an earlier `/setup run` made (services::setup_service records), taken into use when
/// apexbot starts: the config file wins wherever it names something.

#include "config.hpp"

#include <apexcore/ports/store.hpp>
#include <apexcore/services/shop_config.hpp>

#include <map>
#include <optional>
#include <string>

namespace apexbot {

/// Puts the recorded log channels ("log.<topic>") into `channels` for the topics `c` leaves out,
/// and the recorded roles into `roles`: "role.staff" when `c` has no staff_role_id,
/// "role.customer", and "role.tier.<name>" for each tier without a role_id. Returns the #transcripts
/// channel to use: `c`'s, else the recorded "channel.transcripts", else nullopt.
std::optional<apexcore::core::channel_id> apply_setup_records(const std::map<std::string, apexcore::ports::setup_record>& made,
                                                              const config& c, apexcore::services::live_log_channels& channels,
                                                              apexcore::services::live_roles& roles);

}  // namespace apexbot
