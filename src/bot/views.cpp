#include <apexcore/bot/views.hpp>

#include <string>

namespace apexcore::bot {

std::string mention(core::user_id user) { return "<@" + user.str() + ">"; }

std::string discord_time(std::chrono::system_clock::time_point at, char style) {
    const auto seconds = std::chrono::duration_cast<std::chrono::seconds>(at.time_since_epoch()).count();
    return "<t:" + std::to_string(seconds) + ":" + std::string(1, style) + ">";
}

ports::button refund_request_button(core::order_id order) {
    return ports::button{"Request refund", "rf:r:" + std::to_string(order.value), ports::button_style::secondary};
}

ports::action_row refund_review_row(core::refund_id id) {
    return {{ports::button{"Approve", "rf:a:" + std::to_string(id.value), ports::button_style::success},
             ports::button{"Reject", "rf:x:" + std::to_string(id.value), ports::button_style::danger}}};
}

}  // namespace apexcore::bot
