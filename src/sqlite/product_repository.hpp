#pragma once
// Private to the sqlite adapter: the catalog (products, tags, stock, deliverables as JSON).
// Included by unit_of_work.cpp only.
#include "repository_base.hpp"

#include <algorithm>

namespace apexcore::sqlite::detail {

constexpr std::string_view product_select =
    "SELECT id, main_category, sub_category, service_name, variant_name, price_minor, currency, is_active, "
    "duration_days, start_time, refill_period_days, additional_info, role_id, delivery_payload, deliverables, stock, "
    "low_stock_threshold, critical_stock_threshold, "
    "(SELECT group_concat(tag, ' ') FROM product_tags t WHERE t.product_id = products.id), questions FROM products";

class product_repository_impl final : public ports::product_repository, repository_base {
public:
    using repository_base::repository_base;

    // --- products ------------------------------------------------------------------------
    std::optional<core::product> find(core::product_id id) override {
        auto& s = db_.prepare(std::string(product_select) + " WHERE id = ?");
        s.bind(1, id.value);
        if (!s.step()) return std::nullopt;
        auto p = read_product(s);
        s.reset();
        return p;
    }

    std::vector<core::product> list_active(std::size_t limit) override {
        auto& s = db_.prepare(std::string(product_select) +
                              " WHERE is_active = 1 ORDER BY main_category, sub_category, service_name, variant_name, id "
                              "LIMIT ?");
        s.bind(1, static_cast<std::int64_t>(limit));
        return read_products(s);
    }

    std::vector<core::product> list_by_tag(const std::string& tag, std::size_t limit) override {
        auto& s = db_.prepare(std::string(product_select) +
                              " WHERE is_active = 1 AND id IN (SELECT product_id FROM product_tags WHERE tag = ?) "
                              "ORDER BY main_category, sub_category, service_name, variant_name, id LIMIT ?");
        s.bind(1, tag).bind(2, static_cast<std::int64_t>(limit));
        return read_products(s);
    }

    std::vector<core::product> search_active(const std::string& text, std::size_t limit) override {
        return search(text, limit, "is_active = 1 AND ");
    }

    std::vector<core::product> search_all(const std::string& text, std::size_t limit) override { return search(text, limit, ""); }

    std::vector<core::product> list_all(std::optional<core::product_id> after, std::size_t limit) override {
        auto& s = db_.prepare(std::string(product_select) + " WHERE id > ? ORDER BY id LIMIT ?");
        s.bind(1, after ? static_cast<std::int64_t>(after->value) : std::int64_t{0}).bind(2, static_cast<std::int64_t>(limit));
        return read_products(s);
    }

    /// Products whose names contain `text` or a tag of which starts with it; `active_filter` is
    /// "is_active = 1 AND " or empty. LIKE with '\\' as the escape: the member's % and _ are literal.
    std::vector<core::product> search(const std::string& text, std::size_t limit, std::string_view active_filter) {
        std::string escaped;
        for (const char c : text) {
            if (c == '%' || c == '_' || c == '\\') escaped += '\\';
            escaped += c;
        }
        auto& s = db_.prepare(std::string(product_select) + " WHERE " + std::string(active_filter) +
                              "(service_name || ' ' || variant_name || ' ' || main_category || ' ' || "
                              "sub_category LIKE ?1 ESCAPE '\\' OR id IN (SELECT product_id FROM product_tags WHERE tag LIKE ?2 "
                              "ESCAPE '\\')) ORDER BY main_category, sub_category, service_name, variant_name, id LIMIT ?3");
        s.bind(1, "%" + escaped + "%").bind(2, escaped + "%").bind(3, static_cast<std::int64_t>(limit));
        return read_products(s);
    }

    std::optional<core::product> find_by_path(const std::string& main_category, const std::string& sub_category,
                                              const std::string& service_name, const std::string& variant_name) override {
        auto& s = db_.prepare(std::string(product_select) +
                              " WHERE main_category = ? AND sub_category = ? AND service_name = ? AND variant_name = ? "
                              "ORDER BY id LIMIT 1");
        s.bind(1, main_category).bind(2, sub_category).bind(3, service_name).bind(4, variant_name);
        if (!s.step()) return std::nullopt;
        auto p = read_product(s);
        s.reset();
        return p;
    }

    core::product_id insert(const core::product& p) override {
        require_writable();
        auto& s = db_.prepare(
            "INSERT INTO products (main_category, sub_category, service_name, variant_name, price_minor, currency, "
            "is_active, duration_days, start_time, refill_period_days, additional_info, role_id, delivery_payload, "
            "deliverables, stock, low_stock_threshold, critical_stock_threshold, created_at_ms, questions) "
            "VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)");
        bind_product_fields(s, p);
        s.bind(15, p.stock).bind(18, now_ms()).bind(19, questions_text(p.questions)).run();
        const core::product_id id{db_.last_insert_rowid()};
        write_tags(id, p.tags);
        return id;
    }

    bool update(const core::product& p) override {
        require_writable();
        auto& s = db_.prepare(
            "UPDATE products SET main_category = ?1, sub_category = ?2, service_name = ?3, variant_name = ?4, "
            "price_minor = ?5, currency = ?6, is_active = ?7, duration_days = ?8, start_time = ?9, "
            "refill_period_days = ?10, additional_info = ?11, role_id = ?12, delivery_payload = ?13, deliverables = ?14, "
            "low_stock_threshold = ?16, critical_stock_threshold = ?17, questions = ?18 WHERE id = ?19");
        bind_product_fields(s, p);
        s.bind(18, questions_text(p.questions)).bind(19, p.id.value).run();
        if (sqlite3_changes(db_.native()) == 0) return false;
        db_.prepare("DELETE FROM product_tags WHERE product_id = ?").bind(1, p.id.value).run();
        write_tags(p.id, p.tags);
        return true;
    }

    std::optional<stock_change> adjust_stock(core::product_id id, std::int64_t delta) override {
        require_writable();
        auto& read = db_.prepare("SELECT stock FROM products WHERE id = ?");
        read.bind(1, id.value);
        if (!read.step() || read.is_null(0)) return std::nullopt;
        const std::int64_t before = read.int64(0);
        read.reset();
        std::int64_t after = 0;
        if (__builtin_add_overflow(before, delta, &after) || after < 0) return stock_change{before, before, true};
        db_.prepare("UPDATE products SET stock = ? WHERE id = ?").bind(1, after).bind(2, id.value).run();
        return stock_change{before, after, false};
    }

    bool set_stock(core::product_id id, std::optional<std::int64_t> stock) override {
        require_writable();
        db_.prepare("UPDATE products SET stock = ? WHERE id = ?").bind(1, stock).bind(2, id.value).run();
        return sqlite3_changes(db_.native()) > 0;
    }

private:
    std::string deliverables_json(const std::vector<core::deliverable>& items) {
        std::string json = "[]";
        for (const auto& d : items) {
            auto& s = db_.prepare("SELECT json_insert(?, '$[#]', json_object('type', ?, 'value', ?))");
            s.bind(1, json).bind(2, core::to_string(d.kind)).bind(3, d.value);
            s.step();
            json = s.text(0);
            s.reset();
        }
        return json;
    }

    /// Reads the JSON form, or the legacy comma-separated type list.
    std::vector<core::deliverable> read_deliverables(const std::string& text) {
        std::vector<core::deliverable> out;
        if (text.empty() || text == "[]") return out;
        if (text.front() != '[') {
            auto legacy = core::parse_legacy_deliverables(text);
            if (!legacy) throw ports::store_error("unreadable deliverables in database: '" + text + "'");
            return *legacy;
        }
        auto& s = db_.prepare("SELECT json_extract(value, '$.type'), COALESCE(json_extract(value, '$.value'), '') "
                              "FROM json_each(?)");
        s.bind(1, text);
        while (s.step()) {
            const auto kind = parse_stored<core::deliverable_kind>(s.text(0), core::parse_deliverable_kind, "deliverable");
            out.push_back({kind, s.text(1)});
        }
        return out;
    }

    /// Binds the product columns shared by insert and update: 1-14 and 16-17.
    void bind_product_fields(statement& s, const core::product& p) {
        const std::string deliverables = deliverables_json(p.deliverables);
        s.bind(1, p.main_category)
            .bind(2, p.sub_category)
            .bind(3, p.service_name)
            .bind(4, p.variant_name)
            .bind(5, p.price.minor_units())
            .bind(6, p.price.currency_of().code_string())
            .bind(7, std::int64_t{p.active ? 1 : 0})
            .bind(8, p.duration_days ? std::optional<std::int64_t>(*p.duration_days) : std::nullopt)
            .bind(9, p.start_time)
            .bind(10, p.refill_period_days ? std::optional<std::int64_t>(*p.refill_period_days) : std::nullopt)
            .bind(11, p.additional_info)
            .bind(12, p.role_to_grant ? std::optional<std::int64_t>(to_db(p.role_to_grant->value)) : std::nullopt)
            .bind(13, p.delivery_payload)
            .bind(14, deliverables)
            .bind(16, p.low_stock_threshold)
            .bind(17, p.critical_stock_threshold);
    }

    /// Questions are one line each (core::validate), so a line break separates them safely.
    static std::string questions_text(const std::vector<std::string>& questions) {
        std::string out;
        for (const auto& q : questions) out += (out.empty() ? "" : "\n") + q;
        return out;
    }

    void write_tags(core::product_id id, const std::vector<std::string>& tags) {
        for (const auto& tag : tags) {
            db_.prepare("INSERT OR IGNORE INTO product_tags (product_id, tag) VALUES (?, ?)").bind(1, id.value).bind(2, tag).run();
        }
    }

    std::vector<core::product> read_products(statement& s) {
        std::vector<core::product> out;
        while (s.step()) out.push_back(read_product(s));
        s.reset();
        return out;
    }

    core::product read_product(statement& s) {
        core::product p;
        p.id = core::product_id{s.int64(0)};
        p.main_category = s.text(1);
        p.sub_category = s.text(2);
        p.service_name = s.text(3);
        p.variant_name = s.text(4);
        p.price = core::money{s.int64(5), currency_from_db(s.text(6))};
        p.active = s.int64(7) != 0;
        if (!s.is_null(8)) p.duration_days = static_cast<int>(s.int64(8));
        if (!s.is_null(9)) p.start_time = s.text(9);
        if (!s.is_null(10)) p.refill_period_days = static_cast<int>(s.int64(10));
        if (!s.is_null(11)) p.additional_info = s.text(11);
        if (!s.is_null(12)) p.role_to_grant = core::role_id{from_db(s.int64(12))};
        if (!s.is_null(13)) p.delivery_payload = s.text(13);
        const std::string deliverables = s.text(14);
        if (!s.is_null(15)) p.stock = s.int64(15);
        p.low_stock_threshold = s.int64(16);
        p.critical_stock_threshold = s.int64(17);
        if (!s.is_null(18)) {  // tags are [a-z0-9-_], so a space separates them safely
            const std::string joined = s.text(18);
            std::size_t start = 0;
            while (start <= joined.size()) {
                const auto space = joined.find(' ', start);
                const auto end = space == std::string::npos ? joined.size() : space;
                if (end > start) p.tags.push_back(joined.substr(start, end - start));
                start = end + 1;
            }
            std::sort(p.tags.begin(), p.tags.end());
        }
        if (deliverables != "[]") p.deliverables = read_deliverables(deliverables);
        for (std::string rest = s.text(19); !rest.empty();) {
            const auto line = rest.find('\n');
            p.questions.push_back(rest.substr(0, line));
            rest = line == std::string::npos ? std::string() : rest.substr(line + 1);
        }
        return p;
    }
};

}  // namespace apexcore::sqlite::detail
