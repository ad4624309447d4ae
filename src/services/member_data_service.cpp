// member_service: a member's data requests (export, erasure), issue 12 §9.
#include <apexcore/services/member_service.hpp>

#include "detail.hpp"

namespace apexcore::services {

core::result<std::string, core::rejection> member_service::export_data(const actor& by, core::user_id user) {
    if (!by.staff) return core::rejection::not_staff;
    std::string out;
    try {
        store_.read([&](ports::unit_of_work& uow) { out = uow.member_data().export_member(user, export_bytes_max); });
    } catch (const ports::store_error& e) {
        if (std::string_view(e.what()).find("exceeds") != std::string_view::npos) return core::rejection::text_too_long;
        throw;
    }
    store_.transact([&](ports::unit_of_work& uow) {
        detail::notify_log(uow, config_, core::log_topic::audit, "member.exported",
                           {{"member", user.str()}, {"staff", by.user.str()}, {"bytes", std::to_string(out.size())}});
        return ports::tx_outcome::commit;
    });
    return out;
}

core::result<ports::erasure_report, core::rejection> member_service::forget(const actor& by, core::user_id user) {
    if (!by.staff) return core::rejection::not_staff;
    ports::erasure_report report;
    store_.transact([&](ports::unit_of_work& uow) {
        report = uow.member_data().forget_member(user, by.user);
        detail::notify_log(uow, config_, core::log_topic::audit, "member.forgotten",
                           {{"member", user.str()},
                            {"staff", by.user.str()},
                            {"erased", std::to_string(report.orders) + " orders' answers, " + std::to_string(report.payments) +
                                           " payment proofs, " + std::to_string(report.refunds) + " refund reasons, " +
                                           std::to_string(report.tickets) + " tickets' texts, " +
                                           std::to_string(report.messages) + " queued messages"}});
        return ports::tx_outcome::commit;
    });
    return report;
}

std::optional<std::chrono::system_clock::time_point> member_service::forgotten_at(core::user_id user) {
    std::optional<std::chrono::system_clock::time_point> out;
    store_.read([&](ports::unit_of_work& uow) { out = uow.member_data().forgotten_at(user); });
    return out;
}

}  // namespace apexcore::services
