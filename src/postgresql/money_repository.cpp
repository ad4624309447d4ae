// Balances, the ledger and idempotency keys on PostgreSQL (repositories.hpp).
#include <apexcore/postgresql/repositories.hpp>

#include <apexcore/core/ledger.hpp>

#include "values.hpp"

#include <chrono>
#include <limits>

namespace apexcore::postgresql {
namespace {

using detail::from_db;
using detail::from_ms;
using detail::optional_int;
using detail::currency_of;
using detail::to_db;


constexpr std::string_view ledger_columns =
    "id, currency, type, amount_minor, balance_after_minor, description, order_id, staff_id, created_at_ms, user_id, ticket_id";

core::ledger_entry read_entry(const result& r, int row) {
    const core::currency currency = currency_of(r.text(row, 1));
    core::ledger_entry e;
    e.id = core::ledger_entry_id{r.int64(row, 0)};
    const auto type = core::parse_ledger_entry_type(r.text(row, 2));
    if (!type) throw ports::store_error("unknown ledger type in database: '" + std::string(r.text(row, 2)) + "'");
    e.type = *type;
    e.amount = core::money{r.int64(row, 3), currency};
    e.balance_after = core::money{r.int64(row, 4), currency};
    e.description = std::string(r.text(row, 5));
    if (!r.is_null(row, 6)) e.order = core::order_id{r.int64(row, 6)};
    if (!r.is_null(row, 7)) e.staff = core::user_id{from_db(r.int64(row, 7))};
    e.created_at = from_ms(r.int64(row, 8));
    e.user = core::user_id{from_db(r.int64(row, 9))};
    if (!r.is_null(row, 10)) e.ticket = core::channel_id{from_db(r.int64(row, 10))};
    return e;
}

}  // namespace

core::money money_repository::balance(core::user_id user, const core::currency& currency) {
    const auto r = session_.exec("SELECT balance_minor FROM wallets WHERE user_id = $1 AND currency = $2",
                                 {to_db(user.value), currency.code_string()});
    return core::money{r.rows() == 0 ? 0 : r.int64(0, 0), currency};
}

core::ledger_entry money_repository::append(const core::ledger_draft& d) {
    if (auto error = core::validate(d)) {
        throw ports::store_error("ledger append: invalid draft (" + std::to_string(static_cast<int>(*error)) + ")");
    }
    const std::int64_t now = detail::to_ms(clock_.now());
    const std::string currency = d.amount.currency_of().code_string();
    try {
        // One round trip: the wallet moves (its row lock orders concurrent appends) or is created,
        // then the ledger row records the balance that produced. Not INSERT … ON CONFLICT: its
        // proposed row (a debit's negative amount) would meet the CHECK before the conflict.
        const auto r = session_.exec(
            "WITH updated AS ("
            "  UPDATE wallets SET balance_minor = balance_minor + $3 WHERE user_id = $1 AND currency = $2"
            "  RETURNING balance_minor),"
            " inserted AS ("
            "  INSERT INTO wallets (user_id, currency, balance_minor) SELECT $1, $2, $3"
            "  WHERE NOT EXISTS (SELECT 1 FROM updated) RETURNING balance_minor),"
            " moved AS (SELECT balance_minor FROM updated UNION ALL SELECT balance_minor FROM inserted)"
            " INSERT INTO wallet_ledger (user_id, currency, type, amount_minor, balance_after_minor, description, order_id,"
            "   staff_id, ticket_id, created_at_ms)"
            " SELECT $1, $2, $4, $3, moved.balance_minor, $5, $6, $7, $8, $9 FROM moved"
            " RETURNING id, balance_after_minor",
            {to_db(d.user.value), currency, std::to_string(d.amount.minor_units()), std::string(core::to_string(d.type)),
             d.description, d.order ? param(std::to_string(d.order->value)) : std::nullopt,
             d.staff ? param(to_db(d.staff->value)) : std::nullopt, d.ticket ? param(to_db(d.ticket->value)) : std::nullopt,
             std::to_string(now)});
        const core::currency& c = d.amount.currency_of();
        return core::ledger_entry{core::ledger_entry_id{r.int64(0, 0)}, d.user, d.type, d.amount, core::money{r.int64(0, 1), c},
                                  d.description, d.order, d.staff, from_ms(now), d.ticket};
    } catch (const database_error& e) {
        if (e.sqlstate() == "23514") throw ports::store_error("ledger append: balance would become negative");
        if (e.sqlstate() == "22003") throw ports::store_error("ledger append: balance overflow");
        throw;
    }
}

std::vector<core::ledger_entry> money_repository::history(core::user_id user, std::size_t limit,
                                                         std::optional<core::ledger_entry_id> before) {
    const auto r = session_.exec("SELECT " + std::string(ledger_columns) +
                                     " FROM wallet_ledger WHERE user_id = $1 AND id < $2 ORDER BY id DESC LIMIT $3",
                                 {to_db(user.value),
                                  std::to_string(before ? before->value : std::numeric_limits<std::int64_t>::max()),
                                  std::to_string(std::min<std::size_t>(limit, static_cast<std::size_t>(std::numeric_limits<std::int64_t>::max())))});
    std::vector<core::ledger_entry> out;
    out.reserve(static_cast<std::size_t>(r.rows()));
    for (int i = 0; i < r.rows(); ++i) out.push_back(read_entry(r, i));
    return out;
}

std::optional<core::ledger_entry> money_repository::find_entry(core::ledger_entry_id id) {
    const auto r = session_.exec("SELECT " + std::string(ledger_columns) + " FROM wallet_ledger WHERE id = $1", {std::to_string(id.value)});
    if (r.rows() == 0) return std::nullopt;
    return read_entry(r, 0);
}

std::optional<core::idempotency_record> money_repository::find_key(const std::string& key) {
    const auto r = session_.exec("SELECT operation, fingerprint, ledger_entry_id, order_id FROM idempotency_keys WHERE key = $1", {key});
    if (r.rows() == 0) return std::nullopt;
    core::idempotency_record out{key, std::string(r.text(0, 0)), std::string(r.text(0, 1)), std::nullopt, std::nullopt};
    if (!r.is_null(0, 2)) out.ledger_entry = r.int64(0, 2);
    if (!r.is_null(0, 3)) out.order = r.int64(0, 3);
    return out;
}

void money_repository::record_key(const core::idempotency_record& record) {
    const std::int64_t now = detail::to_ms(clock_.now());
    try {
        session_.exec("INSERT INTO idempotency_keys (key, operation, fingerprint, ledger_entry_id, order_id, created_at_ms)"
                      " VALUES ($1, $2, $3, $4, $5, $6)",
                      {record.key, record.operation, record.fingerprint, optional_int(record.ledger_entry), optional_int(record.order),
                       std::to_string(now)});
    } catch (const database_error& e) {
        // Kept a database_error with its SQLSTATE: a unit of work that raced another with the same
        // key runs again (postgresql_store) and then finds the key and replays.
        if (e.sqlstate() == "23505") throw database_error("idempotency key '" + record.key + "' is recorded already", "23505");
        throw;
    }
}

}  // namespace apexcore::postgresql
