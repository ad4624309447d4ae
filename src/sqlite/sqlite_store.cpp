#include <apexcore/sqlite/sqlite_store.hpp>

#include "connection.hpp"
#include "migrations_detail.hpp"

#include <cassert>
#include <condition_variable>
#include <mutex>
#include <vector>

namespace apexcore::sqlite {
namespace {

using detail::connection;
using detail::statement;

std::int64_t to_db(std::uint64_t snowflake) { return static_cast<std::int64_t>(snowflake); }
std::uint64_t from_db(std::int64_t value) { return static_cast<std::uint64_t>(value); }

std::int64_t to_ms(std::chrono::system_clock::time_point t) {
    return std::chrono::duration_cast<std::chrono::milliseconds>(t.time_since_epoch()).count();
}
std::chrono::system_clock::time_point from_ms(std::int64_t ms) {
    return std::chrono::system_clock::time_point(std::chrono::milliseconds(ms));
}

core::currency currency_from_db(const std::string& code) {
    auto c = core::find_currency(code);
    if (!c) throw ports::store_error("unknown currency code in database: '" + code + "'");
    return *c;
}

class sqlite_uow final : public ports::unit_of_work,
                         ports::product_repository,
                         ports::wallet_repository,
                         ports::order_repository,
                         ports::idempotency_repository {
public:
    sqlite_uow(connection& db, const ports::clock& clock, bool writable)
        : db_(db), clock_(clock), writable_(writable) {}

    ports::product_repository& products() override { return *this; }
    ports::wallet_repository& wallet() override { return *this; }
    ports::order_repository& orders() override { return *this; }
    ports::idempotency_repository& idempotency() override { return *this; }

    // --- idempotency keys ----------------------------------------------------------------
    std::optional<core::idempotency_record> find_key(const std::string& key) override {
        auto& s = db_.prepare(
            "SELECT operation, fingerprint, ledger_entry_id, order_id FROM idempotency_keys WHERE key = ?");
        s.bind(1, key);
        if (!s.step()) return std::nullopt;
        core::idempotency_record r{key, s.text(0), s.text(1), std::nullopt, std::nullopt};
        if (!s.is_null(2)) r.ledger_entry = s.int64(2);
        if (!s.is_null(3)) r.order = s.int64(3);
        return r;
    }

    void record_key(const core::idempotency_record& r) override {
        require_writable();
        db_.prepare(
               "INSERT INTO idempotency_keys (key, operation, fingerprint, ledger_entry_id, order_id, created_at_ms) "
               "VALUES (?, ?, ?, ?, ?, ?)")
            .bind(1, r.key)
            .bind(2, r.operation)
            .bind(3, r.fingerprint)
            .bind(4, r.ledger_entry)
            .bind(5, r.order)
            .bind(6, to_ms(clock_.now()))
            .run();
    }

    // --- products ------------------------------------------------------------------------
    std::optional<core::product> find(core::product_id id) override {
        auto& s = db_.prepare(std::string(product_columns) + " WHERE id = ?");
        s.bind(1, id.value);
        if (!s.step()) return std::nullopt;
        return read_product(s);
    }

    std::vector<core::product> list_active(std::size_t limit) override {
        auto& s = db_.prepare(std::string(product_columns) +
                              " WHERE is_active = 1 ORDER BY main_category, sub_category, service_name, variant_name, id "
                              "LIMIT ?");
        s.bind(1, static_cast<std::int64_t>(limit));
        std::vector<core::product> out;
        while (s.step()) out.push_back(read_product(s));
        return out;
    }

    core::product_id insert(const core::product& p) override {
        require_writable();
        db_.prepare(
               "INSERT INTO products (main_category, sub_category, service_name, variant_name, price_minor, "
               "currency, is_active, created_at_ms) VALUES (?, ?, ?, ?, ?, ?, ?, ?)")
            .bind(1, p.main_category)
            .bind(2, p.sub_category)
            .bind(3, p.service_name)
            .bind(4, p.variant_name)
            .bind(5, p.price.minor_units())
            .bind(6, p.price.currency_of().code_string())
            .bind(7, std::int64_t{p.active ? 1 : 0})
            .bind(8, to_ms(clock_.now()))
            .run();
        return core::product_id{db_.last_insert_rowid()};
    }

    // --- wallet --------------------------------------------------------------------------
    core::money balance(core::user_id user, const core::currency& currency) override {
        auto& s = db_.prepare("SELECT balance_minor FROM wallets WHERE user_id = ? AND currency = ?");
        s.bind(1, to_db(user.value)).bind(2, currency.code_string());
        const std::int64_t minor = s.step() ? s.int64(0) : 0;
        return core::money{minor, currency};
    }

    core::ledger_entry append(const core::ledger_draft& d) override {
        require_writable();
        if (auto error = core::validate(d)) {
            throw ports::store_error("ledger append: invalid draft (" + std::to_string(static_cast<int>(*error)) + ")");
        }
        const core::currency& currency = d.amount.currency_of();
        const auto after = balance(d.user, currency).plus(d.amount);
        if (!after) throw ports::store_error("ledger append: balance overflow");
        if (after->is_negative()) throw ports::store_error("ledger append: balance would become negative");
        db_.prepare(
               "INSERT INTO wallets (user_id, currency, balance_minor) VALUES (?, ?, ?) "
               "ON CONFLICT (user_id, currency) DO UPDATE SET balance_minor = excluded.balance_minor")
            .bind(1, to_db(d.user.value))
            .bind(2, currency.code_string())
            .bind(3, after->minor_units())
            .run();
        const auto now = clock_.now();
        db_.prepare(
               "INSERT INTO wallet_ledger (user_id, currency, type, amount_minor, balance_after_minor, "
               "description, order_id, staff_id, created_at_ms) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)")
            .bind(1, to_db(d.user.value))
            .bind(2, currency.code_string())
            .bind(3, core::to_string(d.type))
            .bind(4, d.amount.minor_units())
            .bind(5, after->minor_units())
            .bind(6, d.description)
            .bind(7, d.order ? std::optional<std::int64_t>(d.order->value) : std::nullopt)
            .bind(8, d.staff ? std::optional<std::int64_t>(to_db(d.staff->value)) : std::nullopt)
            .bind(9, to_ms(now))
            .run();
        return core::ledger_entry{core::ledger_entry_id{db_.last_insert_rowid()}, d.user, d.type, d.amount, *after,
                                  d.description, d.order, d.staff, from_ms(to_ms(now))};
    }

    std::vector<core::ledger_entry> history(core::user_id user, std::size_t limit,
                                            std::optional<core::ledger_entry_id> before) override {
        auto& s = db_.prepare(
            "SELECT id, currency, type, amount_minor, balance_after_minor, description, order_id, staff_id, "
            "created_at_ms FROM wallet_ledger WHERE user_id = ? AND id < ? ORDER BY id DESC LIMIT ?");
        s.bind(1, to_db(user.value))
            .bind(2, before ? before->value : std::numeric_limits<std::int64_t>::max())
            .bind(3, static_cast<std::int64_t>(limit));
        std::vector<core::ledger_entry> out;
        while (s.step()) out.push_back(read_entry(s, user));
        return out;
    }

    std::optional<core::ledger_entry> find_entry(core::ledger_entry_id id) override {
        auto& s = db_.prepare(
            "SELECT id, currency, type, amount_minor, balance_after_minor, description, order_id, staff_id, "
            "created_at_ms, user_id FROM wallet_ledger WHERE id = ?");
        s.bind(1, id.value);
        if (!s.step()) return std::nullopt;
        return read_entry(s, core::user_id{from_db(s.int64(9))});
    }

    // --- orders --------------------------------------------------------------------------
    core::order insert(const core::order_draft& d) override {
        require_writable();
        const auto now = from_ms(to_ms(clock_.now()));
        db_.prepare(
               "INSERT INTO orders (customer_id, product_id, status, currency, list_price_minor, "
               "price_paid_minor, discount_bp, created_at_ms) VALUES (?, ?, ?, ?, ?, ?, ?, ?)")
            .bind(1, to_db(d.customer.value))
            .bind(2, d.product.value)
            .bind(3, core::to_string(d.status))
            .bind(4, d.price_paid.currency_of().code_string())
            .bind(5, d.list_price.minor_units())
            .bind(6, d.price_paid.minor_units())
            .bind(7, std::int64_t{d.discount})
            .bind(8, to_ms(now))
            .run();
        return core::order{core::order_id{db_.last_insert_rowid()}, d.customer, d.product, d.status, d.list_price,
                           d.price_paid, d.discount, now};
    }

    std::optional<core::order> find(core::order_id id) override {
        auto& s = db_.prepare(std::string(order_columns) + " WHERE id = ?");
        s.bind(1, id.value);
        if (!s.step()) return std::nullopt;
        return read_order(s);
    }

    std::vector<core::order> list_for(core::user_id customer, std::size_t limit) override {
        auto& s = db_.prepare(std::string(order_columns) + " WHERE customer_id = ? ORDER BY id DESC LIMIT ?");
        s.bind(1, to_db(customer.value)).bind(2, static_cast<std::int64_t>(limit));
        std::vector<core::order> out;
        while (s.step()) out.push_back(read_order(s));
        return out;
    }

private:
    static constexpr std::string_view product_columns =
        "SELECT id, main_category, sub_category, service_name, variant_name, price_minor, currency, is_active "
        "FROM products";
    static constexpr std::string_view order_columns =
        "SELECT id, customer_id, product_id, status, currency, list_price_minor, price_paid_minor, discount_bp, "
        "created_at_ms FROM orders";

    void require_writable() const {
        if (!writable_) throw ports::store_error("write attempted inside store::read");
    }

    /// Columns: id, currency, type, amount, balance_after, description, order_id, staff_id, created_at.
    static core::ledger_entry read_entry(statement& s, core::user_id user) {
        const core::currency currency = currency_from_db(s.text(1));
        const auto type = core::parse_ledger_entry_type(s.text(2));
        if (!type) throw ports::store_error("unknown ledger type in database: '" + s.text(2) + "'");
        core::ledger_entry e;
        e.id = core::ledger_entry_id{s.int64(0)};
        e.user = user;
        e.type = *type;
        e.amount = core::money{s.int64(3), currency};
        e.balance_after = core::money{s.int64(4), currency};
        e.description = s.text(5);
        if (!s.is_null(6)) e.order = core::order_id{s.int64(6)};
        if (!s.is_null(7)) e.staff = core::user_id{from_db(s.int64(7))};
        e.created_at = from_ms(s.int64(8));
        return e;
    }

    static core::product read_product(statement& s) {
        core::product p;
        p.id = core::product_id{s.int64(0)};
        p.main_category = s.text(1);
        p.sub_category = s.text(2);
        p.service_name = s.text(3);
        p.variant_name = s.text(4);
        p.price = core::money{s.int64(5), currency_from_db(s.text(6))};
        p.active = s.int64(7) != 0;
        return p;
    }

    static core::order read_order(statement& s) {
        const auto status = core::parse_order_status(s.text(3));
        if (!status) throw ports::store_error("unknown order status in database: '" + s.text(3) + "'");
        const core::currency currency = currency_from_db(s.text(4));
        return core::order{core::order_id{s.int64(0)},
                           core::user_id{from_db(s.int64(1))},
                           core::product_id{s.int64(2)},
                           *status,
                           core::money{s.int64(5), currency},
                           core::money{s.int64(6), currency},
                           static_cast<core::basis_points>(s.int64(7)),
                           from_ms(s.int64(8))};
    }

    connection& db_;
    const ports::clock& clock_;
    bool writable_;
};

}  // namespace

struct sqlite_store::impl {
    sqlite_options options;
    ports::system_clock system_clock;
    std::mutex mutex;
    std::condition_variable released;
    std::vector<std::unique_ptr<connection>> idle;
    std::size_t open_count = 0;

    const ports::clock& clock() const { return options.clock != nullptr ? *options.clock : system_clock; }

    /// Borrows a pooled connection, opening one if below the limit, else waiting.
    std::unique_ptr<connection> acquire() {
        std::unique_lock lock(mutex);
        released.wait(lock, [&] { return !idle.empty() || open_count < options.connections_max; });
        if (!idle.empty()) {
            auto c = std::move(idle.back());
            idle.pop_back();
            return c;
        }
        ++open_count;
        lock.unlock();
        try {
            return std::make_unique<connection>(options.path, options.busy_timeout);
        } catch (...) {
            std::lock_guard relock(mutex);
            --open_count;
            released.notify_one();
            throw;
        }
    }

    void release(std::unique_ptr<connection> c) {
        {
            std::lock_guard lock(mutex);
            if (c) idle.push_back(std::move(c));
            else --open_count;
        }
        released.notify_one();
    }

    /// Runs `body` on a borrowed connection inside `begin` ... COMMIT/ROLLBACK.
    template <class Body>
    void with_transaction(std::string_view begin, Body&& body) {
        auto c = acquire();
        try {
            c->exec(begin);
        } catch (...) {
            release(std::move(c));
            throw;
        }
        bool commit = false;
        try {
            commit = body(*c);
            c->reset_statements();
        } catch (...) {
            c->reset_statements();
            try {
                c->exec("ROLLBACK");
            } catch (...) {
                c.reset();  // a connection that cannot roll back is not reused
            }
            release(std::move(c));
            throw;
        }
        try {
            c->exec(commit ? "COMMIT" : "ROLLBACK");
        } catch (...) {
            try {
                c->exec("ROLLBACK");
            } catch (...) {
                c.reset();
            }
            release(std::move(c));
            throw;
        }
        release(std::move(c));
    }
};

sqlite_store::sqlite_store(sqlite_options options) : impl_(std::make_unique<impl>()) {
    if (options.path.empty()) throw ports::store_error("sqlite_store: database path is empty");
    if (options.path == ":memory:") options.connections_max = 1;
    if (options.connections_max == 0) options.connections_max = 1;
    impl_->options = std::move(options);
    auto c = impl_->acquire();
    try {
        detail::migrate(*c, -1);
    } catch (const ports::store_error& e) {
        impl_->release(nullptr);
        throw ports::store_error("database '" + impl_->options.path + "': " + e.what());
    }
    impl_->release(std::move(c));
}

sqlite_store::~sqlite_store() = default;

void sqlite_store::transact(const std::function<ports::tx_outcome(ports::unit_of_work&)>& work) {
    impl_->with_transaction("BEGIN IMMEDIATE", [&](connection& c) {
        sqlite_uow uow(c, impl_->clock(), true);
        return work(uow) == ports::tx_outcome::commit;
    });
}

void sqlite_store::read(const std::function<void(ports::unit_of_work&)>& work) {
    impl_->with_transaction("BEGIN", [&](connection& c) {
        sqlite_uow uow(c, impl_->clock(), false);
        work(uow);
        return false;  // nothing to commit; ROLLBACK ends the read transaction
    });
}

ports::reconcile_report sqlite_store::reconcile() {
    ports::reconcile_report report;
    impl_->with_transaction("BEGIN", [&](connection& c) {
        auto& s = c.prepare(
            "SELECT w.user_id, w.balance_minor, "
            "  COALESCE((SELECT SUM(l.amount_minor) FROM wallet_ledger l "
            "            WHERE l.user_id = w.user_id AND l.currency = w.currency), 0), "
            "  COALESCE((SELECT l.balance_after_minor FROM wallet_ledger l "
            "            WHERE l.user_id = w.user_id AND l.currency = w.currency ORDER BY l.id DESC LIMIT 1), 0) "
            "FROM wallets w ORDER BY w.user_id, w.currency");
        while (s.step()) {
            ++report.users_checked;
            const std::int64_t balance = s.int64(1);
            const std::int64_t sum = s.int64(2);
            const std::int64_t last = s.int64(3);
            if (balance != sum || balance != last) {
                report.mismatches.push_back({core::user_id{from_db(s.int64(0))}, balance, sum, last});
            }
        }
        return false;
    });
    return report;
}

}  // namespace apexcore::sqlite
