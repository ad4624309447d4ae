#include <apexcore/services/license_service.hpp>

#include <apexcore/core/catalog_csv.hpp>

#include "detail.hpp"

#include <algorithm>
#include <set>

namespace apexcore::services {
namespace {

std::int64_t ms(std::chrono::system_clock::time_point t) {
    return std::chrono::duration_cast<std::chrono::milliseconds>(t.time_since_epoch()).count();
}

}  // namespace

core::result<key_import_report, core::rejection> license_service::import_keys(const actor& by, core::product_id product,
                                                                              std::string_view text) {
    if (!by.staff) return core::rejection::not_staff;
    if (text.size() > 4 * 1024 * 1024 || std::count(text.begin(), text.end(), '\n') > 10000) {
        return core::rejection::text_too_long;
    }
    key_import_report report;
    std::vector<std::pair<std::size_t, std::string>> candidates;
    std::set<std::string, std::less<>> in_file;
    std::size_t line_no = 0;
    while (!text.empty() || line_no == 0) {
        ++line_no;
        const auto nl = text.find('\n');
        std::string_view line = text.substr(0, nl);
        text = nl == std::string_view::npos ? std::string_view{} : text.substr(nl + 1);
        while (!line.empty() && (line.back() == '\r' || line.back() == ' ' || line.back() == '\t')) line.remove_suffix(1);
        while (!line.empty() && (line.front() == ' ' || line.front() == '\t')) line.remove_prefix(1);
        if (line.empty()) {
            if (text.empty()) break;
            continue;
        }
        std::string key(line);
        if (!config_.key_pattern.matches(key)) report.invalid.emplace_back(line_no, std::move(key));
        else if (!in_file.insert(key).second) report.duplicate_in_file.emplace_back(line_no, std::move(key));
        else candidates.emplace_back(line_no, std::move(key));
        if (text.empty()) break;
    }
    return detail::transact<key_import_report>(store_, [&](ports::unit_of_work& uow)
                                                   -> core::result<key_import_report, core::rejection> {
        if (!uow.products().find(product)) return core::rejection::unknown_product;
        for (auto& [line, key] : candidates) {
            if (uow.license_keys().insert_key(product, key)) ++report.added;
            else report.duplicate_in_store.emplace_back(line, std::move(key));
        }
        detail::notify_log(uow, config_, core::log_topic::audit, "keys.imported",
                           {{"product_id", std::to_string(product.value)},
                            {"added", std::to_string(report.added)},
                            {"refused_lines", std::to_string(report.invalid.size() + report.duplicate_in_file.size() +
                                                             report.duplicate_in_store.size())},
                            {"staff", by.user.str()}});
        return report;
    });
}

core::result<core::license_key, core::rejection> license_service::request(const actor& by, core::product_id product) {
    if (!by.staff) return core::rejection::not_staff;
    return detail::transact<core::license_key>(store_, [&](ports::unit_of_work& uow)
                                                   -> core::result<core::license_key, core::rejection> {
        if (!uow.products().find(product)) return core::rejection::unknown_product;
        auto key = uow.license_keys().take_available(product, core::license_key_status::requested, std::nullopt,
                                                     std::nullopt, by.user);
        if (!key) return core::rejection::no_license_key_available;
        return *key;
    });
}

core::result<core::license_key, core::rejection> license_service::request_for(const actor& by, core::product_id product,
                                                                              core::user_id recipient, const std::string& reason) {
    if (!by.staff) return core::rejection::not_staff;
    if (!detail::is_clean_text(reason, 300, false)) return core::rejection::invalid_text;
    return detail::transact<core::license_key>(store_, [&](ports::unit_of_work& uow)
                                                   -> core::result<core::license_key, core::rejection> {
        const auto item = uow.products().find(product);
        if (!item) return core::rejection::unknown_product;
        auto key = uow.license_keys().take_available(product, core::license_key_status::requested, std::nullopt, recipient, by.user);
        if (!key) return core::rejection::no_license_key_available;
        detail::notify_log(uow, config_, core::log_topic::orders, "key.requested",
                           {{"key_id", std::to_string(key->id.value)},
                            {"product", item->display_name()},
                            {"member", recipient.str()},
                            {"staff", by.user.str()},
                            {"reason", reason}});
        return *key;
    });
}

core::result<core::license_key, core::rejection> license_service::approve_request(const actor& by, core::license_key_id id,
                                                                                  core::user_id recipient) {
    return decide_request(by, id, core::license_key_status::used, recipient);
}

core::result<core::license_key, core::rejection> license_service::approve_request(const actor& by, core::license_key_id id) {
    return decide_request(by, id, core::license_key_status::used, std::nullopt);
}

core::result<core::license_key, core::rejection> license_service::decline_request(const actor& by, core::license_key_id id) {
    return decide_request(by, id, core::license_key_status::available, std::nullopt);
}

core::result<core::license_key, core::rejection> license_service::decide_request(const actor& by, core::license_key_id id,
                                                                                 core::license_key_status to,
                                                                                 std::optional<core::user_id> recipient) {
    if (!by.staff) return core::rejection::not_staff;
    return detail::transact<core::license_key>(store_, [&](ports::unit_of_work& uow)
                                                   -> core::result<core::license_key, core::rejection> {
        const auto before = uow.license_keys().find_key_by_id(id);
        if (!before) return core::rejection::unknown_license_key;
        const bool approve = to == core::license_key_status::used;
        if (approve && !recipient) recipient = before->customer;  // the member it was requested for
        if (approve && !recipient) return core::rejection::forbidden_transition;
        if (!uow.license_keys().move_key(id, core::license_key_status::requested, to, std::nullopt, recipient)) {
            return core::rejection::forbidden_transition;
        }
        const auto item = uow.products().find(before->product);
        const std::string product = item ? item->display_name() : "product " + std::to_string(before->product.value);
        core::outbox_facts facts{{"key_id", std::to_string(id.value)}, {"product", product}, {"staff", by.user.str()}};
        if (approve || before->customer) facts.emplace("member", (approve ? *recipient : *before->customer).str());
        detail::notify_log(uow, config_, core::log_topic::orders, approve ? "key.request_approved" : "key.request_declined", facts);
        if (approve) {
            detail::notify_member(uow, config_, *recipient, core::log_topic::orders, "key.granted",
                                  {{"product", product}, {"secret", before->key}, {"delivery_kind", "license_key"}});
        }
        return *uow.license_keys().find_key_by_id(id);
    });
}

core::result<std::map<core::product_id, std::map<core::license_key_status, std::int64_t>>, core::rejection>
license_service::stats(const actor& by) {
    if (!by.staff) return core::rejection::not_staff;
    std::map<core::product_id, std::map<core::license_key_status, std::int64_t>> out;
    store_.read([&](ports::unit_of_work& uow) { out = uow.license_keys().key_stats(); });
    return out;
}

core::result<std::vector<core::license_key>, core::rejection> license_service::search(
    const actor& by, const std::string& text, std::optional<core::product_id> product,
    std::optional<core::license_key_status> status, std::size_t limit) {
    if (!by.staff) return core::rejection::not_staff;
    if (text.size() > core::license_key_length_max) return core::rejection::text_too_long;
    std::vector<core::license_key> out;
    store_.read([&](ports::unit_of_work& uow) {
        out = uow.license_keys().search_keys(text, product, status, std::clamp<std::size_t>(limit, 1, 500));
    });
    return out;
}

core::result<std::string, core::rejection> license_service::export_csv(const actor& by,
                                                                       std::optional<core::product_id> product) {
    if (!by.staff) return core::rejection::not_staff;
    std::string out = "id,product_id,key,status,order_id,customer_id,requested_by,created_at_ms,updated_at_ms\r\n";
    store_.read([&](ports::unit_of_work& uow) {
        for (const auto& k : uow.license_keys().search_keys("", product, std::nullopt, std::numeric_limits<std::size_t>::max() / 2)) {
            out += std::to_string(k.id.value) + ',' + std::to_string(k.product.value) + ',';
            core::csv_detail::append_field(out, k.key);  // quoted as needed, a formula defused
            out += ',' + std::string(core::to_string(k.status)) + ',' + (k.order ? std::to_string(k.order->value) : "") + ',' +
                   (k.customer ? k.customer->str() : "") + ',' + (k.requested_by ? k.requested_by->str() : "") + ',' +
                   std::to_string(ms(k.created_at)) + ',' + std::to_string(ms(k.updated_at)) + "\r\n";
        }
    });
    return out;
}

}  // namespace apexcore::services
