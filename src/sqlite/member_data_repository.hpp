#pragma once
// Private to the sqlite adapter: a member's data requests (export, erasure; migration v9).
// Included by unit_of_work.cpp only.
#include "repository_base.hpp"

#include <array>

namespace apexcore::sqlite::detail {

class member_data_repository_impl final : public ports::member_data_repository, repository_base {
public:
    using repository_base::repository_base;

    std::string export_member(core::user_id user, std::size_t max_bytes) override {
        // Every table that holds rows about a member, and which rows (?1 is the member's id).
        static constexpr std::array<std::pair<std::string_view, std::string_view>, 17> tables{{
            {"customers", "user_id = ?1"},
            {"customer_roles", "user_id = ?1"},
            {"wallets", "user_id = ?1"},
            {"wallet_ledger", "user_id = ?1"},
            {"orders", "customer_id = ?1"},
            {"license_keys", "customer_id = ?1 OR order_id IN (SELECT id FROM orders WHERE customer_id = ?1)"},
            {"promo_redemptions", "user_id = ?1"},
            {"refunds", "customer_id = ?1"},
            {"payment_sessions", "customer_id = ?1"},
            {"payment_session_events", "session_id IN (SELECT id FROM payment_sessions WHERE customer_id = ?1)"},
            {"tickets", "opener_id = ?1 OR id IN (SELECT ticket_id FROM ticket_participants WHERE user_id = ?1)"},
            {"ticket_participants", "user_id = ?1"},
            {"ticket_answers", "ticket_id IN (SELECT id FROM tickets WHERE opener_id = ?1)"},
            {"ticket_events", "ticket_id IN (SELECT id FROM tickets WHERE opener_id = ?1)"},
            {"outbox", "recipient_id = ?1"},
            {"staff_proposals", "member_id = ?1"},
            {"member_erasures", "user_id = ?1"},
        }};
        // Memory is bounded before the work: a table with more rows than a document of max_bytes
        // could hold (each row is well over 16 bytes of JSON) is refused without building it.
        for (const auto& [table, where] : tables) {
            auto& count = db_.prepare("SELECT COUNT(*) FROM " + std::string(table) + " WHERE " + std::string(where));
            count.bind(1, to_db(user.value));
            const std::int64_t rows = count.step() ? count.int64(0) : 0;
            count.reset();
            if (static_cast<std::uint64_t>(rows) * 16 > max_bytes) {
                throw ports::store_error("the export of member " + std::to_string(user.value) + " exceeds " + std::to_string(max_bytes) +
                                         " bytes (" + std::to_string(rows) + " rows in " + std::string(table) + ")");
            }
        }
        std::string out = "{\"member\":\"" + std::to_string(user.value) + "\",\"tables\":{";
        bool first = true;
        for (const auto& [table, where] : tables) {
            std::string part = rows_of(table, where, user);
            out += (first ? "\"" : ",\"") + std::string(table) + "\":" + part;
            first = false;
            if (out.size() > max_bytes) {
                throw ports::store_error("the export of member " + std::to_string(user.value) + " exceeds " +
                                         std::to_string(max_bytes) + " bytes");
            }
        }
        out += "}}";
        return out;
    }

    ports::erasure_report forget_member(core::user_id user, core::user_id staff) override {
        require_writable();
        const std::int64_t id = to_db(user.value);
        ports::erasure_report r;
        // The answers to a product's questions ("answer: <question>" in the order's metadata).
        r.orders = change(
            "UPDATE orders SET metadata = (SELECT json_group_object(key, value) FROM json_each(orders.metadata) "
            "WHERE key NOT LIKE 'answer: %') WHERE customer_id = ?1 AND EXISTS (SELECT 1 FROM json_each(orders.metadata) "
            "WHERE key LIKE 'answer: %')",
            id);
        r.payments = change(
            "UPDATE payment_sessions SET transaction_id = '', contact = '', notes = '', proof_url = '', reason = '' "
            "WHERE customer_id = ?1 AND (transaction_id <> '' OR contact <> '' OR notes <> '' OR proof_url <> '' OR reason <> '')",
            id);
        change("UPDATE payment_session_events SET note = '' WHERE note <> '' AND session_id IN "
               "(SELECT id FROM payment_sessions WHERE customer_id = ?1)",
               id);
        r.refunds = change("UPDATE refunds SET reason = '', decision_reason = '' WHERE customer_id = ?1 AND "
                           "(reason <> '' OR decision_reason <> '')",
                           id);
        {
            auto& s = db_.prepare(
                "SELECT COUNT(*) FROM tickets t WHERE opener_id = ?1 AND (subject <> '' OR close_reason <> '' OR "
                "rating_comment <> '' OR EXISTS (SELECT 1 FROM ticket_answers a WHERE a.ticket_id = t.id AND a.answer <> '') OR "
                "EXISTS (SELECT 1 FROM ticket_events e WHERE e.ticket_id = t.id AND e.note <> ''))");
            s.bind(1, id);
            if (s.step()) r.tickets = s.int64(0);
            s.reset();
        }
        change("UPDATE ticket_answers SET answer = '' WHERE answer <> '' AND ticket_id IN (SELECT id FROM tickets WHERE opener_id = ?1)",
               id);
        change("UPDATE ticket_events SET note = '' WHERE note <> '' AND ticket_id IN (SELECT id FROM tickets WHERE opener_id = ?1)", id);
        change("UPDATE tickets SET subject = '', close_reason = '', rating_comment = '' WHERE opener_id = ?1 AND "
               "(subject <> '' OR close_reason <> '' OR rating_comment <> '')",
               id);
        r.messages = change("DELETE FROM outbox WHERE recipient_id = ?1", id);
        r.proposals = change("DELETE FROM staff_proposals WHERE member_id = ?1", id);
        db_.prepare("INSERT INTO member_erasures (user_id, staff_id, erased_at_ms) VALUES (?, ?, ?)")
            .bind(1, id)
            .bind(2, to_db(staff.value))
            .bind(3, now_ms())
            .run();
        return r;
    }

    std::optional<time_point> forgotten_at(core::user_id user) override {
        auto& s = db_.prepare("SELECT MAX(erased_at_ms) FROM member_erasures WHERE user_id = ?");
        s.bind(1, to_db(user.value));
        std::optional<time_point> out;
        if (s.step() && !s.is_null(0)) out = from_ms(s.int64(0));
        s.reset();
        return out;
    }

private:
    /// Runs one statement with the member's id as ?1; returns the rows it changed.
    std::int64_t change(std::string_view sql, std::int64_t id) {
        db_.prepare(sql).bind(1, id).run();
        return sqlite3_changes(db_.native());
    }

    /// The rows of `table` matching `where`, every column, as a JSON array (SQLite's JSON
    /// functions). Columns holding ids ("id", "*_id", "*_by") are written as strings of digits.
    std::string rows_of(std::string_view table, std::string_view where, core::user_id user) {
        std::string columns;
        {
            auto& info = db_.prepare("SELECT name FROM pragma_table_info(?)");
            info.bind(1, table);
            while (info.step()) {
                const std::string name = info.text(0);
                const bool id = name == "id" || name.ends_with("_id") || name.ends_with("_by");
                columns += (columns.empty() ? "'" : ", '") + name + "', " + (id ? "CAST(" + name + " AS TEXT)" : name);
            }
            info.reset();
        }
        auto& s = db_.prepare("SELECT json_group_array(json_object(" + columns + ")) FROM (SELECT * FROM " + std::string(table) +
                              " WHERE " + std::string(where) + ")");
        s.bind(1, to_db(user.value));
        std::string out = "[]";
        if (s.step() && !s.is_null(0)) out = s.text(0);
        s.reset();
        return out;
    }
};

}  // namespace apexcore::sqlite::detail
