#pragma once
// Private to the sqlite adapter: staff proposals (migration v7). Included by unit_of_work.cpp only.
#include "repository_base.hpp"

namespace apexcore::sqlite::detail {

class proposal_repository_impl final : public ports::proposal_repository, repository_base {
public:
    using repository_base::repository_base;

    bool insert_proposal(const core::staff_proposal& p) override {
        require_writable();
        db_.prepare("INSERT OR IGNORE INTO staff_proposals (token, action, staff_id, member_id, amount_minor, currency, reason, "
                    "created_at_ms, expires_at_ms, cancelled) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)")
            .bind(1, p.token)
            .bind(2, core::to_string(p.action))
            .bind(3, to_db(p.staff.value))
            .bind(4, to_db(p.member.value))
            .bind(5, p.amount.minor_units())
            .bind(6, p.amount.currency_of().code_string())
            .bind(7, p.reason)
            .bind(8, to_ms(p.created_at))
            .bind(9, to_ms(p.expires_at))
            .bind(10, std::int64_t{p.cancelled ? 1 : 0})
            .run();
        return sqlite3_changes(db_.native()) == 1;
    }

    std::optional<core::staff_proposal> find_proposal(const std::string& token) override {
        auto& s = db_.prepare("SELECT token, action, staff_id, member_id, amount_minor, currency, reason, created_at_ms, "
                              "expires_at_ms, cancelled FROM staff_proposals WHERE token = ?");
        s.bind(1, token);
        std::optional<core::staff_proposal> out;
        if (s.step()) {
            core::staff_proposal p;
            p.token = s.text(0);
            p.action = parse_stored<core::staff_action>(s.text(1), core::parse_staff_action, "staff action");
            p.staff = core::user_id{from_db(s.int64(2))};
            p.member = core::user_id{from_db(s.int64(3))};
            p.amount = core::money{s.int64(4), currency_from_db(s.text(5))};
            p.reason = s.text(6);
            p.created_at = from_ms(s.int64(7));
            p.expires_at = from_ms(s.int64(8));
            p.cancelled = s.int64(9) != 0;
            out = std::move(p);
        }
        s.reset();
        return out;
    }

    bool cancel_proposal(const std::string& token) override {
        require_writable();
        db_.prepare("UPDATE staff_proposals SET cancelled = 1 WHERE token = ?").bind(1, token).run();
        return sqlite3_changes(db_.native()) == 1;
    }

    std::size_t purge_proposals(time_point before, std::size_t limit) override {
        require_writable();
        db_.prepare("DELETE FROM staff_proposals WHERE token IN (SELECT token FROM staff_proposals WHERE expires_at_ms < ? LIMIT ?)")
            .bind(1, to_ms(before))
            .bind(2, static_cast<std::int64_t>(limit))
            .run();
        return static_cast<std::size_t>(sqlite3_changes(db_.native()));
    }
};

}  // namespace apexcore::sqlite::detail
