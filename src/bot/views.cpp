#include <apexcore/bot/views.hpp>

#include <string>

namespace apexcore::bot {

ports::action_row refund_review_row(core::refund_id id) {
    return {{ports::button{"Approve", "rf:a:" + std::to_string(id.value), ports::button_style::success},
             ports::button{"Reject", "rf:x:" + std::to_string(id.value), ports::button_style::danger}}};
}

}  // namespace apexcore::bot
