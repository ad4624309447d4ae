#include <apexcore/sqlite/migrations.hpp>

#include "connection.hpp"
#include "migrations_detail.hpp"

#include <array>
#include <cctype>
#include <chrono>
#include <regex>
#include <sstream>
#include <vector>

namespace apexcore::sqlite {
namespace {

// v1: the core tables. Snowflakes are stored as INTEGER (their int64 bit pattern); money as
// integer minor units with the ISO 4217 code next to it; times as Unix milliseconds.
constexpr std::string_view v1_sql = R"sql(
CREATE TABLE products (
  id              INTEGER PRIMARY KEY,
  main_category   TEXT    NOT NULL CHECK (length(main_category) BETWEEN 1 AND 64),
  sub_category    TEXT    NOT NULL CHECK (length(sub_category) BETWEEN 1 AND 64),
  service_name    TEXT    NOT NULL CHECK (length(service_name) BETWEEN 1 AND 48),
  variant_name    TEXT    NOT NULL CHECK (length(variant_name) BETWEEN 1 AND 48),
  price_minor     INTEGER NOT NULL CHECK (price_minor >= 0),
  currency        TEXT    NOT NULL CHECK (length(currency) = 3),
  is_active       INTEGER NOT NULL DEFAULT 1 CHECK (is_active IN (0, 1)),
  created_at_ms   INTEGER NOT NULL
);
CREATE TABLE wallets (
  user_id         INTEGER NOT NULL,
  currency        TEXT    NOT NULL CHECK (length(currency) = 3),
  balance_minor   INTEGER NOT NULL CHECK (balance_minor >= 0),
  PRIMARY KEY (user_id, currency)
) WITHOUT ROWID;
CREATE TABLE orders (
  id               INTEGER PRIMARY KEY,
  customer_id      INTEGER NOT NULL,
  product_id       INTEGER NOT NULL REFERENCES products (id),
  status           TEXT    NOT NULL CHECK (status IN ('pending_payment', 'awaiting_review', 'paid',
                                                      'delivered', 'cancelled', 'refunded')),
  currency         TEXT    NOT NULL CHECK (length(currency) = 3),
  list_price_minor INTEGER NOT NULL CHECK (list_price_minor >= 0),
  price_paid_minor INTEGER NOT NULL CHECK (price_paid_minor >= 0),
  discount_bp      INTEGER NOT NULL CHECK (discount_bp BETWEEN 0 AND 10000),
  created_at_ms    INTEGER NOT NULL
);
CREATE INDEX orders_by_customer ON orders (customer_id, id);
CREATE TABLE wallet_ledger (
  id                  INTEGER PRIMARY KEY,
  user_id             INTEGER NOT NULL,
  currency            TEXT    NOT NULL,
  type                TEXT    NOT NULL CHECK (type IN ('deposit', 'purchase', 'refund', 'staff_credit',
                                                       'bonus', 'withdrawal')),
  amount_minor        INTEGER NOT NULL CHECK (amount_minor <> 0),
  balance_after_minor INTEGER NOT NULL CHECK (balance_after_minor >= 0),
  description         TEXT    NOT NULL CHECK (length(description) <= 200),
  order_id            INTEGER REFERENCES orders (id),
  staff_id            INTEGER,
  created_at_ms       INTEGER NOT NULL,
  FOREIGN KEY (user_id, currency) REFERENCES wallets (user_id, currency)
);
CREATE INDEX wallet_ledger_by_user ON wallet_ledger (user_id, currency, id);
)sql";

// v2: the ledger becomes insert-only at the database level too.
constexpr std::string_view v2_sql = R"sql(
CREATE TRIGGER wallet_ledger_no_update BEFORE UPDATE ON wallet_ledger
BEGIN SELECT RAISE(ABORT, 'wallet_ledger rows are insert-only'); END;
CREATE TRIGGER wallet_ledger_no_delete BEFORE DELETE ON wallet_ledger
BEGIN SELECT RAISE(ABORT, 'wallet_ledger rows are insert-only'); END;
)sql";

// v3: idempotency keys of money movements, written in the movement's own transaction.
constexpr std::string_view v3_sql = R"sql(
CREATE TABLE idempotency_keys (
  key             TEXT    PRIMARY KEY CHECK (length(key) BETWEEN 1 AND 100),
  operation       TEXT    NOT NULL,
  fingerprint     TEXT    NOT NULL,
  ledger_entry_id INTEGER REFERENCES wallet_ledger (id),
  order_id        INTEGER REFERENCES orders (id),
  created_at_ms   INTEGER NOT NULL
) WITHOUT ROWID;
)sql";


// v4: the commerce core. Products gain optional fields, stock and tags; orders are rebuilt (a
// CHECK constraint cannot be altered in SQLite) to add references, sources, the
// partially_refunded status, refunds, delivery and warranty, metadata; new tables for customers'
// VIP standing, promo codes, refunds, payment sessions (with an insert-only audit trail) and
// license keys. Runs with foreign keys off (SQLite's documented table-rebuild procedure) and
// checks them before committing.
constexpr std::string_view v4_sql = R"sql(
ALTER TABLE products ADD COLUMN duration_days INTEGER
  CHECK (duration_days IS NULL OR duration_days BETWEEN 1 AND 3650);
ALTER TABLE products ADD COLUMN start_time TEXT CHECK (start_time IS NULL OR length(start_time) <= 64);
ALTER TABLE products ADD COLUMN refill_period_days INTEGER
  CHECK (refill_period_days IS NULL OR refill_period_days BETWEEN 1 AND 3650);
ALTER TABLE products ADD COLUMN additional_info TEXT CHECK (additional_info IS NULL OR length(additional_info) <= 1000);
ALTER TABLE products ADD COLUMN role_id INTEGER;
ALTER TABLE products ADD COLUMN delivery_payload TEXT
  CHECK (delivery_payload IS NULL OR length(delivery_payload) <= 2000);
ALTER TABLE products ADD COLUMN deliverables TEXT NOT NULL DEFAULT '[]';
ALTER TABLE products ADD COLUMN stock INTEGER CHECK (stock IS NULL OR stock >= 0);
ALTER TABLE products ADD COLUMN low_stock_threshold INTEGER NOT NULL DEFAULT 10 CHECK (low_stock_threshold >= 0);
ALTER TABLE products ADD COLUMN critical_stock_threshold INTEGER NOT NULL DEFAULT 1
  CHECK (critical_stock_threshold >= 0);
CREATE INDEX products_by_path ON products (main_category, sub_category, service_name, variant_name);
CREATE TABLE product_tags (
  product_id INTEGER NOT NULL REFERENCES products (id),
  tag        TEXT    NOT NULL CHECK (length(tag) BETWEEN 1 AND 32),
  PRIMARY KEY (product_id, tag)
) WITHOUT ROWID;
CREATE INDEX product_tags_by_tag ON product_tags (tag, product_id);

CREATE TABLE orders_v4 (
  id                     INTEGER PRIMARY KEY,
  reference              TEXT    NOT NULL UNIQUE CHECK (length(reference) BETWEEN 1 AND 32),
  customer_id            INTEGER NOT NULL,
  product_id             INTEGER NOT NULL REFERENCES products (id),
  status                 TEXT    NOT NULL CHECK (status IN ('pending_payment', 'awaiting_review', 'paid', 'delivered',
                                                            'cancelled', 'refunded', 'partially_refunded')),
  source                 TEXT    NOT NULL DEFAULT 'wallet' CHECK (source IN ('wallet', 'payment', 'manual')),
  staff_id               INTEGER,
  currency               TEXT    NOT NULL CHECK (length(currency) = 3),
  list_price_minor       INTEGER NOT NULL CHECK (list_price_minor >= 0),
  price_paid_minor       INTEGER NOT NULL CHECK (price_paid_minor >= 0),
  discount_bp            INTEGER NOT NULL CHECK (discount_bp BETWEEN 0 AND 10000),
  promo_code             TEXT,
  refunded_minor         INTEGER NOT NULL DEFAULT 0 CHECK (refunded_minor BETWEEN 0 AND price_paid_minor),
  metadata               TEXT    NOT NULL DEFAULT '{}' CHECK (json_valid(metadata)),
  delivery               TEXT    NOT NULL DEFAULT '',
  delivered_at_ms        INTEGER,
  warranty_expires_at_ms INTEGER,
  renewals               INTEGER NOT NULL DEFAULT 0 CHECK (renewals >= 0),
  last_renewed_at_ms     INTEGER,
  created_at_ms          INTEGER NOT NULL,
  updated_at_ms          INTEGER NOT NULL
);
INSERT INTO orders_v4 (id, reference, customer_id, product_id, status, currency, list_price_minor, price_paid_minor,
                       discount_bp, created_at_ms, updated_at_ms)
  SELECT id, 'AC-LEGACY-' || id, customer_id, product_id, status, currency, list_price_minor, price_paid_minor,
         discount_bp, created_at_ms, created_at_ms FROM orders;
DROP TABLE orders;
ALTER TABLE orders_v4 RENAME TO orders;
CREATE INDEX orders_by_customer ON orders (customer_id, id);
CREATE INDEX orders_by_warranty ON orders (warranty_expires_at_ms) WHERE warranty_expires_at_ms IS NOT NULL;

ALTER TABLE wallet_ledger ADD COLUMN ticket_id INTEGER;

CREATE TABLE customers (
  user_id              INTEGER PRIMARY KEY,
  lifetime_spend_minor INTEGER NOT NULL DEFAULT 0 CHECK (lifetime_spend_minor >= 0),
  completed_purchases  INTEGER NOT NULL DEFAULT 0 CHECK (completed_purchases >= 0),
  updated_at_ms        INTEGER NOT NULL
);
INSERT INTO customers (user_id, lifetime_spend_minor, completed_purchases, updated_at_ms)
  SELECT customer_id, SUM(price_paid_minor), COUNT(*), MAX(created_at_ms) FROM orders
  WHERE status IN ('paid', 'delivered') GROUP BY customer_id;
CREATE TABLE customer_roles (
  user_id       INTEGER NOT NULL,
  role_id       INTEGER NOT NULL,
  granted_at_ms INTEGER NOT NULL,
  PRIMARY KEY (user_id, role_id)
) WITHOUT ROWID;

CREATE TABLE promo_codes (
  code              TEXT    PRIMARY KEY COLLATE NOCASE CHECK (length(code) BETWEEN 1 AND 32),
  kind              TEXT    NOT NULL CHECK (kind IN ('percent', 'fixed')),
  percent_bp        INTEGER NOT NULL DEFAULT 0 CHECK (percent_bp BETWEEN 0 AND 10000),
  fixed_minor       INTEGER NOT NULL DEFAULT 0 CHECK (fixed_minor >= 0),
  currency          TEXT    NOT NULL CHECK (length(currency) = 3),
  active            INTEGER NOT NULL CHECK (active IN (0, 1)),
  expires_at_ms     INTEGER,
  max_uses_total    INTEGER CHECK (max_uses_total IS NULL OR max_uses_total >= 0),
  max_uses_per_user INTEGER CHECK (max_uses_per_user IS NULL OR max_uses_per_user >= 0),
  min_spend_minor   INTEGER NOT NULL DEFAULT 0 CHECK (min_spend_minor >= 0),
  scope_products    TEXT    NOT NULL DEFAULT '[]' CHECK (json_valid(scope_products)),
  scope_categories  TEXT    NOT NULL DEFAULT '[]' CHECK (json_valid(scope_categories)),
  updated_at_ms     INTEGER NOT NULL
) WITHOUT ROWID;
CREATE TABLE promo_redemptions (
  id             INTEGER PRIMARY KEY,
  code           TEXT    NOT NULL REFERENCES promo_codes (code),
  user_id        INTEGER NOT NULL,
  order_id       INTEGER NOT NULL REFERENCES orders (id),
  discount_minor INTEGER NOT NULL CHECK (discount_minor >= 0),
  created_at_ms  INTEGER NOT NULL
);
CREATE INDEX promo_redemptions_by_code ON promo_redemptions (code, user_id);

CREATE TABLE refunds (
  id              INTEGER PRIMARY KEY,
  order_id        INTEGER NOT NULL REFERENCES orders (id),
  customer_id     INTEGER NOT NULL,
  status          TEXT    NOT NULL CHECK (status IN ('requested', 'approved', 'rejected')),
  currency        TEXT    NOT NULL CHECK (length(currency) = 3),
  amount_minor    INTEGER NOT NULL CHECK (amount_minor > 0),
  fee_minor       INTEGER NOT NULL DEFAULT 0 CHECK (fee_minor >= 0 AND fee_minor <= amount_minor),
  reason          TEXT    NOT NULL CHECK (length(reason) <= 500),
  staff_id        INTEGER,
  decision_reason TEXT    NOT NULL DEFAULT '' CHECK (length(decision_reason) <= 500),
  ledger_entry_id INTEGER REFERENCES wallet_ledger (id),
  requested_at_ms INTEGER NOT NULL,
  decided_at_ms   INTEGER
);
CREATE UNIQUE INDEX refunds_one_pending ON refunds (order_id) WHERE status = 'requested';

CREATE TABLE payment_sessions (
  id             INTEGER PRIMARY KEY,
  order_id       INTEGER NOT NULL REFERENCES orders (id),
  customer_id    INTEGER NOT NULL,
  method         TEXT    NOT NULL CHECK (length(method) BETWEEN 1 AND 32),
  status         TEXT    NOT NULL CHECK (status IN ('open', 'submitted', 'approved', 'rejected', 'cancelled',
                                                    'expired')),
  transaction_id TEXT    NOT NULL DEFAULT '' CHECK (length(transaction_id) <= 128),
  contact        TEXT    NOT NULL DEFAULT '' CHECK (length(contact) <= 128),
  notes          TEXT    NOT NULL DEFAULT '' CHECK (length(notes) <= 1000),
  proof_url      TEXT    NOT NULL DEFAULT '' CHECK (length(proof_url) <= 512),
  reason         TEXT    NOT NULL DEFAULT '' CHECK (length(reason) <= 500),
  staff_id       INTEGER,
  created_at_ms  INTEGER NOT NULL,
  expires_at_ms  INTEGER NOT NULL,
  updated_at_ms  INTEGER NOT NULL
);
CREATE UNIQUE INDEX payment_sessions_one_live ON payment_sessions (order_id) WHERE status IN ('open', 'submitted');
CREATE INDEX payment_sessions_open_by_expiry ON payment_sessions (expires_at_ms) WHERE status = 'open';
CREATE TABLE payment_session_events (
  id          INTEGER PRIMARY KEY,
  session_id  INTEGER NOT NULL REFERENCES payment_sessions (id),
  from_status TEXT,
  to_status   TEXT    NOT NULL,
  actor_id    INTEGER NOT NULL,
  note        TEXT    NOT NULL DEFAULT '' CHECK (length(note) <= 1000),
  at_ms       INTEGER NOT NULL
);
CREATE INDEX payment_session_events_by_session ON payment_session_events (session_id, id);
CREATE TRIGGER payment_session_events_no_update BEFORE UPDATE ON payment_session_events
BEGIN SELECT RAISE(ABORT, 'payment_session_events rows are insert-only'); END;
CREATE TRIGGER payment_session_events_no_delete BEFORE DELETE ON payment_session_events
BEGIN SELECT RAISE(ABORT, 'payment_session_events rows are insert-only'); END;

CREATE TABLE license_keys (
  id            INTEGER PRIMARY KEY,
  product_id    INTEGER NOT NULL REFERENCES products (id),
  key_text      TEXT    NOT NULL UNIQUE CHECK (length(key_text) BETWEEN 1 AND 256),
  status        TEXT    NOT NULL CHECK (status IN ('available', 'reserved', 'used', 'requested')),
  order_id      INTEGER REFERENCES orders (id),
  customer_id   INTEGER,
  requested_by  INTEGER,
  created_at_ms INTEGER NOT NULL,
  updated_at_ms INTEGER NOT NULL
);
CREATE INDEX license_keys_by_product_status ON license_keys (product_id, status, id);
CREATE UNIQUE INDEX license_keys_one_per_order ON license_keys (order_id) WHERE order_id IS NOT NULL;
)sql";

// v5: support tickets. Participants and answers in their own tables (no JSON to parse); the
// event log is insert-only like the ledger.
constexpr std::string_view v5_sql = R"sql(
CREATE TABLE tickets (
  id                      INTEGER PRIMARY KEY,
  type                    TEXT    NOT NULL CHECK (length(type) BETWEEN 1 AND 32),
  status                  TEXT    NOT NULL CHECK (status IN ('open', 'claimed', 'closed', 'deleted')),
  opener_id               INTEGER NOT NULL,
  channel_id              INTEGER UNIQUE,
  subject                 TEXT    NOT NULL DEFAULT '' CHECK (length(subject) <= 100),
  claimed_by              INTEGER,
  opened_at_ms            INTEGER NOT NULL,
  last_member_activity_ms INTEGER NOT NULL,
  last_staff_activity_ms  INTEGER,
  first_staff_response_ms INTEGER,
  first_responder_id      INTEGER,
  warned_at_ms            INTEGER,
  closed_at_ms            INTEGER,
  closed_by               INTEGER,
  close_reason            TEXT    NOT NULL DEFAULT '' CHECK (length(close_reason) <= 500),
  order_id                INTEGER REFERENCES orders (id),
  payment_session_id      INTEGER REFERENCES payment_sessions (id),
  refund_id               INTEGER REFERENCES refunds (id),
  rating                  INTEGER CHECK (rating IS NULL OR rating BETWEEN 1 AND 5),
  rating_comment          TEXT    NOT NULL DEFAULT '' CHECK (length(rating_comment) <= 1000),
  CHECK ((status = 'claimed') = (claimed_by IS NOT NULL) OR status IN ('closed', 'deleted'))
);
CREATE INDEX tickets_active_by_opener ON tickets (opener_id, type) WHERE status IN ('open', 'claimed');
CREATE INDEX tickets_by_opener_type_opened ON tickets (opener_id, type, opened_at_ms);
CREATE INDEX tickets_active_by_silence ON tickets (last_member_activity_ms, id) WHERE status IN ('open', 'claimed');
CREATE INDEX tickets_closed_by_type ON tickets (type, closed_at_ms) WHERE status = 'closed';
CREATE INDEX tickets_by_opened ON tickets (opened_at_ms);
CREATE TABLE ticket_participants (
  ticket_id INTEGER NOT NULL REFERENCES tickets (id),
  user_id   INTEGER NOT NULL,
  position  INTEGER NOT NULL,
  PRIMARY KEY (ticket_id, user_id)
) WITHOUT ROWID;
CREATE TABLE ticket_answers (
  ticket_id INTEGER NOT NULL REFERENCES tickets (id),
  position  INTEGER NOT NULL CHECK (position BETWEEN 0 AND 4),
  question  TEXT    NOT NULL CHECK (length(question) BETWEEN 1 AND 45),
  answer    TEXT    NOT NULL CHECK (length(answer) <= 4000),
  PRIMARY KEY (ticket_id, position)
) WITHOUT ROWID;
CREATE TABLE ticket_events (
  id         INTEGER PRIMARY KEY,
  ticket_id  INTEGER NOT NULL REFERENCES tickets (id),
  kind       TEXT    NOT NULL CHECK (kind IN ('opened', 'claimed', 'unclaimed', 'transferred', 'participant_added',
                                               'participant_removed', 'renamed', 'warned', 'kept_open', 'closed',
                                               'reopened', 'deleted', 'rated')),
  actor_id   INTEGER,
  subject_id INTEGER,
  note       TEXT    NOT NULL DEFAULT '' CHECK (length(note) <= 1000),
  at_ms      INTEGER NOT NULL
);
CREATE INDEX ticket_events_by_ticket ON ticket_events (ticket_id, id);
CREATE INDEX ticket_events_by_kind_time ON ticket_events (kind, at_ms);
CREATE TRIGGER ticket_events_no_update BEFORE UPDATE ON ticket_events
BEGIN SELECT RAISE(ABORT, 'ticket_events rows are insert-only'); END;
CREATE TRIGGER ticket_events_no_delete BEFORE DELETE ON ticket_events
BEGIN SELECT RAISE(ABORT, 'ticket_events rows are insert-only'); END;
)sql";

// v6: the outbox (core/outbox.hpp): events to post in a log channel or send by DM, and member
// role changes to apply, written in
// the transaction of the decision they report. Not a ledger: sent entries are purged after a
// retention period. The partial indexes keep the dispatcher's query and the enqueue bound
// (max(id) - min(id) of the pending entries) cheap however many sent entries are kept.
constexpr std::string_view v6_sql = R"sql(
CREATE TABLE outbox (
  id                 INTEGER PRIMARY KEY,
  kind               TEXT    NOT NULL CHECK (kind IN ('log_post', 'direct_message', 'role_grant', 'role_revoke')),
  topic              TEXT    NOT NULL CHECK (topic IN ('orders', 'payments', 'audit', 'tickets', 'errors')),
  recipient_id       INTEGER CHECK ((kind <> 'log_post') = (recipient_id IS NOT NULL)),
  event              TEXT    NOT NULL CHECK (length(event) BETWEEN 1 AND 64),
  facts              TEXT    NOT NULL DEFAULT '{}' CHECK (json_valid(facts)),
  status             TEXT    NOT NULL DEFAULT 'pending' CHECK (status IN ('pending', 'sent', 'failed')),
  attempts           INTEGER NOT NULL DEFAULT 0 CHECK (attempts >= 0),
  next_attempt_at_ms INTEGER NOT NULL,
  last_error         TEXT    NOT NULL DEFAULT '' CHECK (length(last_error) <= 300),
  channel_id         INTEGER,
  message_id         INTEGER,
  created_at_ms      INTEGER NOT NULL,
  sent_at_ms         INTEGER,
  dedup_key          TEXT    UNIQUE CHECK (dedup_key IS NULL OR length(dedup_key) BETWEEN 1 AND 100)
);
CREATE INDEX outbox_due ON outbox (next_attempt_at_ms, id) WHERE status = 'pending';
CREATE INDEX outbox_pending ON outbox (id) WHERE status = 'pending';
CREATE INDEX outbox_sent ON outbox (sent_at_ms) WHERE status = 'sent';
)sql";

// v7: staff proposals (core/staff_proposal.hpp): wallet changes previewed and waiting for their
// one-time Confirm. Short-lived: expired ones are purged. And refunds by customer and time, for
// the refund-request cooldown (core/cooldown.hpp). And the scheduled jobs' due times
// (ports::schedule_repository).
constexpr std::string_view v7_sql = R"sql(
CREATE TABLE staff_proposals (
  token         TEXT    PRIMARY KEY CHECK (length(token) BETWEEN 1 AND 40),
  action        TEXT    NOT NULL CHECK (action IN ('wallet_credit', 'wallet_debit')),
  staff_id      INTEGER NOT NULL,
  member_id     INTEGER NOT NULL,
  amount_minor  INTEGER NOT NULL CHECK (amount_minor > 0),
  currency      TEXT    NOT NULL CHECK (length(currency) = 3),
  reason        TEXT    NOT NULL CHECK (length(reason) <= 200),
  created_at_ms INTEGER NOT NULL,
  expires_at_ms INTEGER NOT NULL,
  cancelled     INTEGER NOT NULL DEFAULT 0 CHECK (cancelled IN (0, 1))
) WITHOUT ROWID;
CREATE INDEX staff_proposals_by_expiry ON staff_proposals (expires_at_ms);
CREATE INDEX refunds_by_customer ON refunds (customer_id, requested_at_ms);
CREATE TABLE scheduled_jobs (
  name             TEXT    PRIMARY KEY CHECK (length(name) BETWEEN 1 AND 64),
  next_due_ms      INTEGER NOT NULL,
  last_started_ms  INTEGER,
  last_finished_ms INTEGER,
  last_error       TEXT    NOT NULL DEFAULT '' CHECK (length(last_error) <= 300),
  runs             INTEGER NOT NULL DEFAULT 0 CHECK (runs >= 0)
) WITHOUT ROWID;
)sql";

// The questions a product asks before it is bought (core::product::questions), one per line.
constexpr std::string_view v8_sql = R"sql(
ALTER TABLE products ADD COLUMN questions TEXT NOT NULL DEFAULT '' CHECK (length(questions) <= 240);
)sql";

// v9: a member's erasure (ports::member_data_repository::forget_member) is recorded insert-only,
// and the insert-only event tables let exactly one change through: blanking a note, for an
// erasure. Every other update or delete is still refused by the database. Orders get an index
// by creation time for the sales figures (order_repository::sales).
constexpr std::string_view v9_sql = R"sql(
CREATE TABLE member_erasures (
  id            INTEGER PRIMARY KEY,
  user_id       INTEGER NOT NULL,
  staff_id      INTEGER NOT NULL,
  erased_at_ms  INTEGER NOT NULL
);
CREATE INDEX member_erasures_by_user ON member_erasures (user_id, id);
CREATE INDEX orders_by_created ON orders (created_at_ms);
CREATE TRIGGER member_erasures_no_update BEFORE UPDATE ON member_erasures
BEGIN SELECT RAISE(ABORT, 'member_erasures rows are insert-only'); END;
CREATE TRIGGER member_erasures_no_delete BEFORE DELETE ON member_erasures
BEGIN SELECT RAISE(ABORT, 'member_erasures rows are insert-only'); END;
DROP TRIGGER ticket_events_no_update;
CREATE TRIGGER ticket_events_no_update BEFORE UPDATE ON ticket_events
WHEN NOT (NEW.note = '' AND NEW.id IS OLD.id AND NEW.ticket_id IS OLD.ticket_id AND NEW.kind IS OLD.kind AND
          NEW.actor_id IS OLD.actor_id AND NEW.subject_id IS OLD.subject_id AND NEW.at_ms IS OLD.at_ms)
BEGIN SELECT RAISE(ABORT, 'ticket_events rows are insert-only (a note may only be blanked, for an erasure)'); END;
DROP TRIGGER payment_session_events_no_update;
CREATE TRIGGER payment_session_events_no_update BEFORE UPDATE ON payment_session_events
WHEN NOT (NEW.note = '' AND NEW.id IS OLD.id AND NEW.session_id IS OLD.session_id AND NEW.from_status IS OLD.from_status AND
          NEW.to_status IS OLD.to_status AND NEW.actor_id IS OLD.actor_id AND NEW.at_ms IS OLD.at_ms)
BEGIN SELECT RAISE(ABORT, 'payment_session_events rows are insert-only (a note may only be blanked, for an erasure)'); END;
)sql";

// v10: what /setup made (bot::setup_feature): each category, channel and panel message by its
// name in the blueprint, so a second run repairs instead of duplicating.
constexpr std::string_view v10_sql = R"sql(
CREATE TABLE shop_setup (
  name          TEXT    PRIMARY KEY CHECK (length(name) BETWEEN 1 AND 64),
  kind          TEXT    NOT NULL CHECK (kind IN ('category', 'channel', 'role', 'message')),
  item_id       INTEGER NOT NULL,
  parent_id     INTEGER,
  updated_at_ms INTEGER NOT NULL
) WITHOUT ROWID;
)sql";

// v11 (code, rewrite_in_lists below): every CHECK's `column IN ('a', 'b', …)` becomes
// `(column = 'a' OR column = 'b' OR …)`. The same rule, but SQLite builds a temporary index for an
// IN list of three or more values on every row it checks: without them the purchase transactions
// take 32 % fewer instructions (callgrind, docs/benchmarks.md). CHECK constraints do not change
// what is stored, so the tables are edited in place by SQLite's documented procedure for such
// changes (https://sqlite.org/lang_altertable.html §7), not rebuilt.
constexpr std::array<migration, 11> migrations{{
    {1, "core tables: products, wallets, orders, wallet_ledger", v1_sql},
    {2, "wallet_ledger is insert-only (triggers)", v2_sql},
    {3, "idempotency keys of money movements", v3_sql},
    {4, "commerce core: product fields, stock, tags; orders rebuilt; customers, promo codes, refunds, "
        "payment sessions, license keys", v4_sql, true},
    {5, "support tickets: tickets, participants, answers, insert-only events", v5_sql},
    {6, "the outbox: log posts, direct messages and member role changes to send", v6_sql},
    {7, "staff proposals: previewed wallet changes waiting for their Confirm; refunds by customer; scheduled jobs",
     v7_sql},
    {8, "products: questions asked before buying (customisation)", v8_sql},
    {9, "member erasures, recorded insert-only; event notes may be blanked for one; orders by creation time (/stats)", v9_sql},
    {10, "what /setup made: categories, channels and panels by name", v10_sql},
    {11, "CHECK constraints compare with = and OR instead of IN lists (no temporary index per row)", {}},
}};

/// `sql` (a CREATE TABLE statement) with each `name IN (v1, v2, …)` of constant values written
/// as `(name = v1 OR name = v2 OR …)`; unchanged when it has none, or a NOT IN.
std::string without_in_lists(const std::string& sql) {
    static const std::regex in_list(R"(([A-Za-z_][A-Za-z0-9_]*)\s+IN\s*\(([^()]*)\))", std::regex::icase);
    std::string out;
    auto from = sql.cbegin();
    for (std::sregex_iterator it(sql.begin(), sql.end(), in_list), end; it != end; ++it) {
        const auto& m = *it;
        std::string column = m[1].str();
        std::string upper = column;
        for (auto& c : upper) c = static_cast<char>(std::toupper(static_cast<unsigned char>(c)));
        if (upper == "NOT") return sql;  // `x NOT IN (…)`: left as it is
        std::string chain = "(";
        std::stringstream values(m[2].str());
        std::string value;
        bool first = true;
        while (std::getline(values, value, ',')) {
            const auto b = value.find_first_not_of(" \t\r\n");
            const auto e = value.find_last_not_of(" \t\r\n");
            if (b == std::string::npos) return sql;  // an empty element: not ours, leave it
            chain += (first ? "" : " OR ") + column + " = " + value.substr(b, e - b + 1);
            first = false;
        }
        chain += ")";
        out.append(from, m[0].first);
        out += chain;
        from = m[0].second;
    }
    out.append(from, sql.cend());
    return out;
}

/// v11: the tables' CHECK constraints without IN lists, by SQLite's procedure for changes that
/// leave the stored content valid: bump schema_version, edit sqlite_schema with writable_schema,
/// then PRAGMA integrity_check must answer ok (inside the migration's transaction).
void rewrite_in_lists(detail::connection& db) {
    std::vector<std::pair<std::string, std::string>> tables;  // name, new sql
    {
        auto& s = db.prepare("SELECT name, sql FROM sqlite_schema WHERE type = 'table' AND sql LIKE '% IN (%'");
        while (s.step()) {
            const std::string sql = s.text(1);
            std::string rewritten = without_in_lists(sql);
            if (rewritten != sql) tables.emplace_back(s.text(0), std::move(rewritten));
        }
        s.reset();
    }
    if (tables.empty()) return;
    auto& version = db.prepare("PRAGMA schema_version");
    version.step();
    const std::int64_t schema_version = version.int64(0);
    version.reset();
    db.exec("PRAGMA writable_schema = ON");
    for (const auto& [name, sql] : tables) {
        db.prepare("UPDATE sqlite_schema SET sql = ? WHERE type = 'table' AND name = ?").bind(1, sql).bind(2, name).run();
    }
    db.exec("PRAGMA schema_version = " + std::to_string(schema_version + 1));
    db.exec("PRAGMA writable_schema = OFF");
    auto& check = db.prepare("PRAGMA integrity_check");
    check.step();
    const std::string verdict = check.text(0);
    check.reset();
    if (verdict != "ok") throw ports::store_error("migration 11: integrity_check after the CHECK rewrite: " + verdict);
}

static_assert(migrations.front().version == 1);
static_assert(migrations.back().version == static_cast<int>(migrations.size()));

}  // namespace

std::span<const migration> all_migrations() { return migrations; }

int latest_schema_version() { return migrations.back().version; }

namespace detail {

int current_version(connection& db) {
    db.exec(
        "CREATE TABLE IF NOT EXISTS schema_migrations (version INTEGER PRIMARY KEY, name TEXT NOT NULL, "
        "applied_at_ms INTEGER NOT NULL)");
    auto& stmt = db.prepare("SELECT COALESCE(MAX(version), 0) FROM schema_migrations");
    stmt.step();
    const auto version = static_cast<int>(stmt.int64(0));
    stmt.reset();
    return version;
}

int migrate(connection& db, int target_version) {
    if (target_version < 0) target_version = latest_schema_version();
    if (target_version > latest_schema_version()) {
        throw ports::store_error("migrate: target version " + std::to_string(target_version) +
                                 " is newer than this build knows (" + std::to_string(latest_schema_version()) + ")");
    }
    int version = current_version(db);
    if (version > latest_schema_version()) {
        throw ports::store_error("database schema version " + std::to_string(version) +
                                 " is newer than this build of apexcore supports (" +
                                 std::to_string(latest_schema_version()) + "); upgrade apexcore");
    }
    for (const migration& m : migrations) {
        if (m.version <= version || m.version > target_version) continue;
        // A table rebuild needs foreign keys off, and the pragma has no effect inside a transaction.
        if (m.rebuilds_tables) db.exec("PRAGMA foreign_keys = OFF");
        db.exec("BEGIN IMMEDIATE");
        try {
            // Another process may have migrated while we waited for the write lock.
            if (current_version(db) >= m.version) {
                db.exec("COMMIT");
                if (m.rebuilds_tables) db.exec("PRAGMA foreign_keys = ON");
                continue;
            }
            if (m.version == 11) {
                rewrite_in_lists(db);
            } else {
                db.exec(m.sql);
            }
            if (m.rebuilds_tables) {
                auto& check = db.prepare("PRAGMA foreign_key_check");
                const bool broken = check.step();
                check.reset();
                if (broken) throw ports::store_error("migration " + std::to_string(m.version) + " broke a foreign key");
            }
            const auto now_ms = std::chrono::duration_cast<std::chrono::milliseconds>(
                                    std::chrono::system_clock::now().time_since_epoch())
                                    .count();
            db.prepare("INSERT INTO schema_migrations (version, name, applied_at_ms) VALUES (?, ?, ?)")
                .bind(1, std::int64_t{m.version})
                .bind(2, m.name)
                .bind(3, std::int64_t{now_ms})
                .run();
            db.exec("COMMIT");
        } catch (...) {
            db.exec("ROLLBACK");
            if (m.rebuilds_tables) db.exec("PRAGMA foreign_keys = ON");
            throw;
        }
        if (m.rebuilds_tables) db.exec("PRAGMA foreign_keys = ON");
        version = m.version;
    }
    return current_version(db);
}

}  // namespace detail

int migrate(const std::string& path, int target_version) {
    detail::connection db(path, std::chrono::milliseconds(5000));
    return detail::migrate(db, target_version);
}

int schema_version(const std::string& path) {
    detail::connection db(path, std::chrono::milliseconds(5000));
    return detail::current_version(db);
}

}  // namespace apexcore::sqlite
