#pragma once
/// @file catalog_csv.hpp
/// Bulk catalog import from CSV (RFC 4180: comma separated, fields may be double-quoted, a quote
/// inside a quoted field is doubled, CRLF or LF line ends). Pure parsing and validation; the
/// catalog service stores the good rows. One bad line is reported and rejects nothing else.
///
/// The first line is the header. Required columns: main_category, sub_category, service_name,
/// variant_name, price (a decimal amount in the shop currency, e.g. "12.34"). Optional columns:
/// active (1/0/true/false), duration_days, start_time, refill_period_days, additional_info,
/// role_id (a snowflake), delivery_payload, deliverables (the legacy form, "code,key"), stock
/// (empty = unlimited), low_stock_threshold, critical_stock_threshold, tags (separated by ';'),
/// questions (one per line inside the quoted field). write_catalog_csv writes every column, so an
/// export reads back as the same products (deliverables keep their kinds only: the legacy form).
/// Column order is free; unknown or repeated header names reject the file (line 1).
///
/// Limits, enforced while reading (memory is bounded before work): at most catalog_csv_bytes_max
/// bytes, catalog_csv_rows_max data lines (counted as records are split, so a huge file of empty
/// records stops early) and catalog_csv_fields_max fields per line. The file must be valid UTF-8
/// without control characters other than tab and line ends (a NUL or an invalid byte is reported
/// with its line). RFC 4180 §2: text after a closing quote (`"a"b`) is an error, not `ab`.

#include <apexcore/core/catalog.hpp>
#include <apexcore/core/text.hpp>

#include <algorithm>
#include <charconv>
#include <cstddef>
#include <map>
#include <string>
#include <string_view>
#include <vector>

namespace apexcore::core {

/// One problem found in the file: 1-based line number, the column it concerns (empty for the
/// whole line) and the reason.
struct csv_issue {
    std::size_t line = 0;
    std::string column{};
    std::string reason{};
};

/// A parsed data line: its 1-based line number and the product it describes (id unset).
struct csv_product_row {
    std::size_t line = 0;
    product item{};
};

/// The result of parsing: good rows and issues, both in line order.
struct catalog_csv_parse {
    std::vector<csv_product_row> rows{};
    std::vector<csv_issue> issues{};
};

/// Largest accepted file, in bytes, and most data lines.
inline constexpr std::size_t catalog_csv_bytes_max = 4 * 1024 * 1024;
inline constexpr std::size_t catalog_csv_rows_max = 10000;
/// Most fields on one line (the format has 17 columns).
inline constexpr std::size_t catalog_csv_fields_max = 64;

namespace csv_detail {

/// Splits the text into records of fields. A record's line number is the line it starts on.
/// Sets `error` (and stops) on an unterminated quote, a quote inside an unquoted field, text
/// after a closing quote, more than `records_max` records or more than catalog_csv_fields_max
/// fields in a record.
struct record {
    std::size_t line = 0;
    std::vector<std::string> fields{};
};

inline std::vector<record> split(std::string_view text, csv_issue& error, std::size_t records_max) {
    std::vector<record> out;
    std::size_t line = 1;
    std::size_t i = 0;
    while (i < text.size()) {
        record rec{line, {}};
        std::string field;
        bool quoted = false;
        bool was_quoted = false;
        bool end_of_record = false;
        while (!end_of_record) {
            if (i >= text.size()) {
                if (quoted) {
                    error = {rec.line, "", "unterminated quoted field"};
                    return out;
                }
                break;
            }
            const char c = text[i];
            if (quoted) {
                if (c == '"') {
                    if (i + 1 < text.size() && text[i + 1] == '"') {
                        field += '"';
                        i += 2;
                        continue;
                    }
                    quoted = false;
                    ++i;
                    const bool at_end = i >= text.size() || text[i] == ',' || text[i] == '\n' ||
                                        (text[i] == '\r' && i + 1 < text.size() && text[i + 1] == '\n');
                    if (!at_end) {
                        error = {line, "", "text after a closing quote (quote the whole field and double the quote)"};
                        return out;
                    }
                    continue;
                }
                if (c == '\n') ++line;
                field += c;
                ++i;
                continue;
            }
            if (c == '"') {
                if (!field.empty() || was_quoted) {
                    error = {line, "", "a quote inside an unquoted field (quote the whole field and double the quote)"};
                    return out;
                }
                quoted = true;
                was_quoted = true;
                ++i;
            } else if (c == ',') {
                if (rec.fields.size() + 1 >= catalog_csv_fields_max) {
                    error = {rec.line, "", "more than " + std::to_string(catalog_csv_fields_max) + " fields"};
                    return out;
                }
                rec.fields.push_back(std::move(field));
                field.clear();
                was_quoted = false;
                ++i;
            } else if (c == '\r' && i + 1 < text.size() && text[i + 1] == '\n') {
                i += 2;
                ++line;
                end_of_record = true;
            } else if (c == '\n') {
                ++i;
                ++line;
                end_of_record = true;
            } else {
                field += c;
                ++i;
            }
        }
        rec.fields.push_back(std::move(field));
        const bool blank = rec.fields.size() == 1 && rec.fields[0].empty();
        if (blank) continue;
        if (out.size() >= records_max) {
            error = {rec.line, "", "more than " + std::to_string(records_max - 1) + " data lines"};
            return out;
        }
        out.push_back(std::move(rec));
    }
    return out;
}

inline std::optional<std::int64_t> parse_int(std::string_view s) {
    std::int64_t v = 0;
    if (s.empty()) return std::nullopt;
    const auto [end, ec] = std::from_chars(s.data(), s.data() + s.size(), v);
    if (ec != std::errc{} || end != s.data() + s.size()) return std::nullopt;
    return v;
}

}  // namespace csv_detail

/// Parses a catalog CSV in currency `cur`. Never throws on bad input: every problem is an issue.
[[nodiscard]] inline catalog_csv_parse parse_catalog_csv(std::string_view text, const currency& cur) {
    catalog_csv_parse out;
    if (text.size() > catalog_csv_bytes_max) {
        out.issues.push_back({1, "", "file is larger than 4 MiB"});
        return out;
    }
    if (text.substr(0, 3) == "\xEF\xBB\xBF") text.remove_prefix(3);  // UTF-8 BOM from spreadsheet exports
    if (!is_valid_utf8(text) || has_control_characters(text)) {
        // Report the first offending line; nothing of a file in a wrong encoding is imported.
        std::size_t line = 1;
        std::size_t start = 0;
        for (std::size_t end = 0; end <= text.size(); ++end) {
            if (end < text.size() && text[end] != '\n') continue;
            const std::string_view one = text.substr(start, end - start);
            if (!is_valid_utf8(one) || has_control_characters(one)) break;
            ++line;
            start = end + 1;
        }
        out.issues.push_back({line, "", "not valid UTF-8 text (invalid bytes or control characters such as NUL); "
                                        "save the file as UTF-8 CSV"});
        return out;
    }
    csv_issue split_error;
    auto records = csv_detail::split(text, split_error, catalog_csv_rows_max + 1);
    if (split_error.line != 0 && records.size() > catalog_csv_rows_max) {
        out.issues.push_back(split_error);  // too many lines: the whole file is refused
        return out;
    }
    if (split_error.line != 0) {
        // Everything before the broken record is still usable; the broken record is reported.
        out.issues.push_back(split_error);
    }
    if (records.empty()) {
        if (split_error.line == 0) out.issues.push_back({1, "", "the file is empty; a header line is required"});
        return out;
    }
    static constexpr std::string_view known[] = {
        "main_category", "sub_category", "service_name", "variant_name", "price", "active", "duration_days",
        "start_time", "refill_period_days", "additional_info", "role_id", "delivery_payload", "deliverables",
        "stock", "low_stock_threshold", "critical_stock_threshold", "tags", "questions"};
    std::map<std::string, std::size_t, std::less<>> column;
    const auto& header = records.front();
    for (std::size_t c = 0; c < header.fields.size(); ++c) {
        const std::string& name = header.fields[c];
        if (std::find(std::begin(known), std::end(known), name) == std::end(known)) {
            out.issues.push_back({header.line, name, "unknown column"});
            return out;
        }
        if (!column.emplace(name, c).second) {
            out.issues.push_back({header.line, name, "column appears twice"});
            return out;
        }
    }
    for (std::string_view required : {"main_category", "sub_category", "service_name", "variant_name", "price"}) {
        if (column.find(required) == column.end()) {
            out.issues.push_back({header.line, std::string(required), "required column is missing"});
            return out;
        }
    }
    if (records.size() - 1 > catalog_csv_rows_max) {
        out.issues.push_back({header.line, "", "more than 10000 data lines"});
        return out;
    }

    for (std::size_t r = 1; r < records.size(); ++r) {
        const auto& rec = records[r];
        if (rec.fields.size() != header.fields.size()) {
            out.issues.push_back({rec.line, "", "has " + std::to_string(rec.fields.size()) + " fields, the header has " +
                                                   std::to_string(header.fields.size())});
            continue;
        }
        auto field = [&](std::string_view name) -> std::optional<std::string_view> {
            const auto it = column.find(name);
            if (it == column.end()) return std::nullopt;
            return std::string_view(rec.fields[it->second]);
        };
        std::optional<csv_issue> issue;
        auto fail = [&](std::string_view col, std::string reason) {
            if (!issue) issue = csv_issue{rec.line, std::string(col), std::move(reason)};
        };
        product p;
        p.main_category = std::string(*field("main_category"));
        p.sub_category = std::string(*field("sub_category"));
        p.service_name = std::string(*field("service_name"));
        p.variant_name = std::string(*field("variant_name"));
        if (auto price = parse_money(*field("price"), cur); !price) {
            fail("price", "not an amount: " + std::string(describe(price.error())));
        } else if (price->is_negative()) {
            fail("price", "must not be negative");
        } else {
            p.price = *price;
        }
        if (auto v = field("active"); v && !v->empty()) {
            if (*v == "1" || *v == "true") p.active = true;
            else if (*v == "0" || *v == "false") p.active = false;
            else fail("active", "must be 1, 0, true or false");
        }
        for (std::string_view days_col : {"duration_days", "refill_period_days"}) {
            if (auto v = field(days_col); v && !v->empty()) {
                const auto n = csv_detail::parse_int(*v);
                if (!n || *n < 1 || *n > product_days_max) {
                    fail(days_col, "must be a whole number of days from 1 to 3650");
                } else {
                    (days_col == "duration_days" ? p.duration_days : p.refill_period_days) = static_cast<int>(*n);
                }
            }
        }
        if (auto v = field("start_time"); v && !v->empty()) p.start_time = std::string(*v);
        if (auto v = field("additional_info"); v && !v->empty()) p.additional_info = std::string(*v);
        if (auto v = field("delivery_payload"); v && !v->empty()) p.delivery_payload = std::string(*v);
        if (auto v = field("role_id"); v && !v->empty()) {
            if (auto role = role_id::parse(*v)) p.role_to_grant = *role;
            else fail("role_id", "not a snowflake");
        }
        if (auto v = field("deliverables"); v && !v->empty()) {
            auto parsed = parse_legacy_deliverables(*v);
            if (parsed) p.deliverables = *parsed;
            else fail("deliverables", "item " + std::to_string(parsed.error() + 1) +
                                          " is not one of code, account, file, link, guide, support, service, warranty, key");
        }
        if (auto v = field("stock"); v && !v->empty()) {
            const auto n = csv_detail::parse_int(*v);
            if (!n || *n < 0) fail("stock", "must be a whole number >= 0, or empty for unlimited");
            else p.stock = *n;
        }
        for (std::string_view th : {"low_stock_threshold", "critical_stock_threshold"}) {
            if (auto v = field(th); v && !v->empty()) {
                const auto n = csv_detail::parse_int(*v);
                if (!n || *n < 0) fail(th, "must be a whole number >= 0");
                else (th == "low_stock_threshold" ? p.low_stock_threshold : p.critical_stock_threshold) = *n;
            }
        }
        if (auto v = field("tags"); v && !v->empty()) {
            std::string_view rest = *v;
            while (true) {
                const auto semi = rest.find(';');
                std::string_view tag = rest.substr(0, semi);
                while (!tag.empty() && tag.front() == ' ') tag.remove_prefix(1);
                while (!tag.empty() && tag.back() == ' ') tag.remove_suffix(1);
                p.tags.emplace_back(tag);
                if (semi == std::string_view::npos) break;
                rest.remove_prefix(semi + 1);
            }
        }
        if (auto v = field("questions"); v && !v->empty()) {
            std::string_view rest = *v;
            while (!rest.empty()) {
                const auto end = rest.find('\n');
                std::string_view q = rest.substr(0, end);
                if (!q.empty() && q.back() == '\r') q.remove_suffix(1);
                if (!q.empty()) p.questions.emplace_back(q);
                if (end == std::string_view::npos) break;
                rest.remove_prefix(end + 1);
            }
        }
        for (std::string_view name_col : {"main_category", "sub_category", "service_name", "variant_name"}) {
            const auto value = *field(name_col);
            const std::size_t limit = name_col.find("category") != std::string_view::npos ? product_category_length_max
                                                                                         : product_name_length_max;
            if (value.empty()) fail(name_col, "must not be empty");
            else if (value.size() > limit) fail(name_col, "longer than " + std::to_string(limit) + " bytes");
        }
        if (!issue) {
            if (auto error = validate(p)) {
                std::string_view col;
                switch (*error) {
                    case product_error::empty_name:
                    case product_error::name_too_long: col = "names"; break;
                    case product_error::negative_price:
                    case product_error::price_too_large: col = "price"; break;
                    case product_error::text_too_long: col = "text"; break;
                    case product_error::invalid_days: col = "days"; break;
                    case product_error::invalid_stock: col = "stock"; break;
                    case product_error::invalid_tag: col = "tags"; break;
                    case product_error::too_many_deliverables: col = "deliverables"; break;
                    case product_error::invalid_question: col = "questions"; break;
                }
                fail(col, std::string(describe(*error)));
            }
        }
        if (issue) out.issues.push_back(std::move(*issue));
        else out.rows.push_back({rec.line, std::move(p)});
    }
    return out;
}

/// The header write_catalog_csv writes: every column parse_catalog_csv reads.
inline constexpr std::string_view catalog_csv_header =
    "main_category,sub_category,service_name,variant_name,price,active,duration_days,start_time,refill_period_days,"
    "additional_info,role_id,delivery_payload,deliverables,stock,low_stock_threshold,critical_stock_threshold,tags,questions";

namespace csv_detail {

/// One field, quoted when it holds a comma, a quote or a line break (RFC 4180 §2.6, §2.7); a
/// field that starts with = + - @ is prefixed with ' so a spreadsheet does not run it as a
/// formula (OWASP "CSV injection") — parse_catalog_csv reads the ' as part of the text.
inline void append_field(std::string& out, std::string_view value) {
    const bool formula = !value.empty() && (value.front() == '=' || value.front() == '+' || value.front() == '-' ||
                                            value.front() == '@');
    const bool quote = formula || value.find_first_of(",\"\r\n") != std::string_view::npos;
    if (!quote) {
        out += value;
        return;
    }
    out += '"';
    if (formula) out += '\'';
    for (const char c : value) {
        if (c == '"') out += '"';
        out += c;
    }
    out += '"';
}

/// A non-negative amount as plain decimal digits in its currency's exponent ("12.34", "500").
inline std::string plain_amount(const money& m) {
    const auto exponent = static_cast<std::size_t>(std::clamp(m.currency_of().exponent, 0, currency_exponent_max));
    std::string digits = std::to_string(m.minor_units() < 0 ? 0 : m.minor_units());
    if (digits.size() <= exponent) digits.insert(0, exponent + 1 - digits.size(), '0');
    if (exponent == 0) return digits;
    return digits.substr(0, digits.size() - exponent) + "." + digits.substr(digits.size() - exponent);
}

}  // namespace csv_detail

/// The products as a catalog CSV (catalog_csv_header, then one line per product, LF line ends):
/// what /catalog export sends and /catalog import reads back. Names and texts that begin like a
/// spreadsheet formula are prefixed with ' (see append_field); such a product does not round-trip
/// unchanged.
[[nodiscard]] inline std::string write_catalog_csv(const std::vector<product>& products) {
    std::string out(catalog_csv_header);
    out += '\n';
    auto opt_int = [](const auto& v) { return v ? std::to_string(*v) : std::string(); };
    for (const auto& p : products) {
        std::string deliverables, tags, questions;
        for (const auto& d : p.deliverables) deliverables += (deliverables.empty() ? "" : ",") + std::string(to_string(d.kind));
        for (const auto& t : p.tags) tags += (tags.empty() ? "" : ";") + t;
        for (const auto& q : p.questions) questions += (questions.empty() ? "" : "\n") + q;
        const std::string fields[] = {p.main_category,
                                      p.sub_category,
                                      p.service_name,
                                      p.variant_name,
                                      csv_detail::plain_amount(p.price),
                                      p.active ? "1" : "0",
                                      opt_int(p.duration_days),
                                      p.start_time.value_or(""),
                                      opt_int(p.refill_period_days),
                                      p.additional_info.value_or(""),
                                      p.role_to_grant ? std::to_string(p.role_to_grant->value) : std::string(),
                                      p.delivery_payload.value_or(""),
                                      deliverables,
                                      opt_int(p.stock),
                                      std::to_string(p.low_stock_threshold),
                                      std::to_string(p.critical_stock_threshold),
                                      tags,
                                      questions};
        bool first = true;
        for (const auto& f : fields) {
            if (!first) out += ',';
            first = false;
            csv_detail::append_field(out, f);
        }
        out += '\n';
    }
    return out;
}

}  // namespace apexcore::core
