#include <apexcore/bot/views.hpp>

#include <cstdio>
#include <string>

namespace apexcore::bot {

std::string format_bytes(std::uint64_t bytes) {
    char out[32];
    if (bytes >= 1'000'000'000) {
        std::snprintf(out, sizeof out, "%.1f GB", static_cast<double>(bytes) / 1e9);
    } else if (bytes >= 1'000'000) {
        std::snprintf(out, sizeof out, "%.1f MB", static_cast<double>(bytes) / 1e6);
    } else if (bytes >= 1'000) {
        std::snprintf(out, sizeof out, "%llu kB", static_cast<unsigned long long>(bytes / 1000));
    } else {
        std::snprintf(out, sizeof out, "%llu B", static_cast<unsigned long long>(bytes));
    }
    return out;
}

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

ports::action_row key_review_row(core::license_key_id id) {
    return {{ports::button{"Approve", "kq:a:" + std::to_string(id.value), ports::button_style::success},
             ports::button{"Decline", "kq:d:" + std::to_string(id.value), ports::button_style::danger}}};
}

ports::button pay_by_method_button(core::product_id product, std::int64_t list_price_minor, core::interaction_id checkout,
                                   std::string_view method) {
    return ports::button{"Pay by " + std::string(method),
                         "pm:s:" + std::to_string(product.value) + ":" + std::to_string(list_price_minor) + ":" + checkout.str() +
                             ":" + std::string(method),
                         ports::button_style::secondary};
}

ports::action_row payment_review_row(core::payment_session_id session) {
    return {{ports::button{"Approve", "pm:a:" + std::to_string(session.value), ports::button_style::success},
             ports::button{"Reject", "pm:x:" + std::to_string(session.value), ports::button_style::danger}}};
}

}  // namespace apexcore::bot
