// Customers' standing, scheduled jobs and what /setup made, on PostgreSQL (repositories.hpp).
#include <apexcore/postgresql/repositories.hpp>

#include <apexcore/core/money.hpp>
#include <apexcore/core/staff_proposal.hpp>
#include <apexcore/core/text.hpp>

#include "values.hpp"

namespace apexcore::postgresql {

using detail::from_db;
using detail::from_ms;
using detail::to_db;
using detail::to_ms;

// --- customers -------------------------------------------------------------------------------

core::customer_profile customer_repository::profile(core::user_id user) {
    core::customer_profile p{user, 0, 0, {}};
    const auto r = session_.exec(
        "SELECT c.lifetime_spend_minor, c.completed_purchases, NULL FROM customers c WHERE c.user_id = $1"
        " UNION ALL SELECT NULL, NULL, role_id FROM customer_roles WHERE user_id = $1",
        {to_db(user.value)});
    for (int i = 0; i < r.rows(); ++i) {
        if (!r.is_null(i, 0)) {
            p.lifetime_spend_minor = r.int64(i, 0);
            p.completed_purchases = r.int64(i, 1);
        } else if (!r.is_null(i, 2)) {
            p.held_roles.insert(core::role_id{from_db(r.int64(i, 2))});
        }
    }
    return p;
}

void customer_repository::add_spend(core::user_id user, std::int64_t spend_delta_minor, std::int64_t purchases_delta) {
    // |delta| <= amount_minor_max and the stored value <= amount_minor_max: the sum fits a BIGINT.
    session_.exec(
        "INSERT INTO customers (user_id, lifetime_spend_minor, completed_purchases, updated_at_ms)"
        " VALUES ($1, LEAST(GREATEST($2::BIGINT, 0), $5::BIGINT), GREATEST($3::BIGINT, 0), $4)"
        " ON CONFLICT (user_id) DO UPDATE SET"
        " lifetime_spend_minor = LEAST(GREATEST(customers.lifetime_spend_minor + $2::BIGINT, 0), $5::BIGINT),"
        " completed_purchases = GREATEST(customers.completed_purchases + $3::BIGINT, 0), updated_at_ms = $4",
        {to_db(user.value), std::to_string(spend_delta_minor), std::to_string(purchases_delta), std::to_string(to_ms(clock_.now())),
         std::to_string(core::amount_minor_max)});
}

void customer_repository::apply_roles(core::user_id user, const core::tier_changes& changes) {
    const std::string now = std::to_string(to_ms(clock_.now()));
    for (const auto& role : changes.grant) {
        session_.exec("INSERT INTO customer_roles (user_id, role_id, granted_at_ms) VALUES ($1, $2, $3) ON CONFLICT DO NOTHING",
                      {to_db(user.value), to_db(role.value), now});
    }
    for (const auto& role : changes.revoke) {
        session_.exec("DELETE FROM customer_roles WHERE user_id = $1 AND role_id = $2", {to_db(user.value), to_db(role.value)});
    }
}

// --- scheduled jobs --------------------------------------------------------------------------

void schedule_repository::ensure_job(const std::string& name, std::chrono::system_clock::time_point first_due) {
    session_.exec("INSERT INTO scheduled_jobs (name, next_due_ms) VALUES ($1, $2) ON CONFLICT DO NOTHING",
                  {name, std::to_string(to_ms(first_due))});
}

bool schedule_repository::claim_job(const std::string& name, std::chrono::system_clock::time_point now,
                                    std::chrono::system_clock::time_point next_due) {
    const auto r = session_.exec(
        "UPDATE scheduled_jobs SET next_due_ms = $1, last_started_ms = $2, runs = runs + 1 WHERE name = $3 AND next_due_ms <= $2",
        {std::to_string(to_ms(next_due)), std::to_string(to_ms(now)), name});
    return r.affected() == 1;
}

void schedule_repository::finish_job(const std::string& name, std::chrono::system_clock::time_point at, const std::string& error) {
    session_.exec("UPDATE scheduled_jobs SET last_finished_ms = $1, last_error = $2 WHERE name = $3",
                  {std::to_string(to_ms(at)), core::truncate_utf8_bytes(error, 300), name});
}

std::vector<ports::scheduled_job_state> schedule_repository::jobs() {
    const auto r = session_.exec(
        "SELECT name, next_due_ms, last_started_ms, last_finished_ms, last_error, runs FROM scheduled_jobs ORDER BY name");
    std::vector<ports::scheduled_job_state> out;
    for (int i = 0; i < r.rows(); ++i) {
        out.push_back({std::string(r.text(i, 0)), from_ms(r.int64(i, 1)), detail::optional_ms(r, i, 2), detail::optional_ms(r, i, 3),
                       std::string(r.text(i, 4)), r.int64(i, 5)});
    }
    return out;
}

// --- staff proposals -------------------------------------------------------------------------

bool proposal_repository::insert_proposal(const core::staff_proposal& p) {
    const auto r = session_.exec(
        "INSERT INTO staff_proposals (token, action, staff_id, member_id, amount_minor, currency, reason, created_at_ms, expires_at_ms,"
        " cancelled) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10) ON CONFLICT (token) DO NOTHING",
        {p.token, std::string(core::to_string(p.action)), to_db(p.staff.value), to_db(p.member.value), std::to_string(p.amount.minor_units()),
         p.amount.currency_of().code_string(), p.reason, std::to_string(to_ms(p.created_at)), std::to_string(to_ms(p.expires_at)),
         std::string(p.cancelled ? "true" : "false")});
    return r.affected() == 1;
}

std::optional<core::staff_proposal> proposal_repository::find_proposal(const std::string& token) {
    const auto r = session_.exec(
        "SELECT token, action, staff_id, member_id, amount_minor, currency, reason, created_at_ms, expires_at_ms, cancelled"
        " FROM staff_proposals WHERE token = $1",
        {token});
    if (r.rows() == 0) return std::nullopt;
    core::staff_proposal p;
    p.token = std::string(r.text(0, 0));
    p.action = detail::parse_stored<core::staff_action>(r.text(0, 1), core::parse_staff_action, "staff action");
    p.staff = core::user_id{from_db(r.int64(0, 2))};
    p.member = core::user_id{from_db(r.int64(0, 3))};
    p.amount = core::money{r.int64(0, 4), detail::currency_of(r.text(0, 5))};
    p.reason = std::string(r.text(0, 6));
    p.created_at = from_ms(r.int64(0, 7));
    p.expires_at = from_ms(r.int64(0, 8));
    p.cancelled = r.text(0, 9) == "t";
    return p;
}

bool proposal_repository::cancel_proposal(const std::string& token) {
    return session_.exec("UPDATE staff_proposals SET cancelled = TRUE WHERE token = $1", {token}).affected() == 1;
}

std::size_t proposal_repository::purge_proposals(std::chrono::system_clock::time_point before, std::size_t limit) {
    const auto r = session_.exec(
        "DELETE FROM staff_proposals WHERE token IN (SELECT token FROM staff_proposals WHERE expires_at_ms < $1 LIMIT $2)",
        {std::to_string(to_ms(before)), detail::limit_text(limit)});
    return static_cast<std::size_t>(r.affected());
}

// --- what /setup made ------------------------------------------------------------------------

std::vector<ports::setup_record> setup_repository::setup_records() {
    const auto r = session_.exec("SELECT name, kind, item_id, parent_id, updated_at_ms FROM shop_setup ORDER BY name");
    std::vector<ports::setup_record> out;
    for (int i = 0; i < r.rows(); ++i) {
        ports::setup_record rec;
        rec.name = std::string(r.text(i, 0));
        rec.kind = std::string(r.text(i, 1));
        rec.id = from_db(r.int64(i, 2));
        if (!r.is_null(i, 3)) rec.parent = from_db(r.int64(i, 3));
        rec.updated_at = from_ms(r.int64(i, 4));
        out.push_back(std::move(rec));
    }
    return out;
}

void setup_repository::record_setup(const ports::setup_record& rec) {
    session_.exec(
        "INSERT INTO shop_setup (name, kind, item_id, parent_id, updated_at_ms) VALUES ($1, $2, $3, $4, $5)"
        " ON CONFLICT (name) DO UPDATE SET kind = EXCLUDED.kind, item_id = EXCLUDED.item_id, parent_id = EXCLUDED.parent_id,"
        " updated_at_ms = EXCLUDED.updated_at_ms",
        {rec.name, rec.kind, to_db(rec.id), rec.parent ? param(to_db(*rec.parent)) : std::nullopt, std::to_string(to_ms(clock_.now()))});
}

}  // namespace apexcore::postgresql
