#pragma once
/// @file license_service.hpp
/// License key inventory: bulk import with a report, staff request -> approve / decline, stats,
/// search and CSV export. Keys are handed out by purchases and payment approvals
/// (wallet_service, payment_service) through `license_key_repository::take_available`, which
/// never gives one key twice.

#include <apexcore/core/license_key.hpp>
#include <apexcore/core/rejection.hpp>
#include <apexcore/ports/store.hpp>
#include <apexcore/services/shop_config.hpp>

#include <cstdint>
#include <map>
#include <string>
#include <string_view>
#include <vector>

namespace apexcore::services {

/// The outcome of an import: how many keys were added, and each refused line (1-based line
/// number and the key as read) by reason.
struct key_import_report {
    std::size_t added = 0;
    std::vector<std::pair<std::size_t, std::string>> invalid{};            ///< does not match the pattern
    std::vector<std::pair<std::size_t, std::string>> duplicate_in_file{};  ///< repeats an earlier line
    std::vector<std::pair<std::size_t, std::string>> duplicate_in_store{}; ///< already stored (any product)
};

/// License key use cases. Thread-safe when the store is (sqlite_store is): the service keeps no mutable state of its own;
/// every call is one store transaction.
class license_service {
public:
    /// `store` must outlive the service; `config` is copied.
    license_service(ports::store& store, shop_config config) : store_(store), config_(std::move(config)) {}

    /// Staff import keys for `product`: one key per line (surrounding spaces and CR ignored,
    /// blank lines skipped), checked against the configured pattern. Valid keys are stored in one
    /// transaction. Rejections: not_staff, unknown_product, text_too_long (over 10,000 lines or
    /// 4 MiB).
    [[nodiscard]] core::result<key_import_report, core::rejection> import_keys(const actor& by, core::product_id product,
                                                                               std::string_view text);

    /// A staff member requests a key of `product` (e.g. for a replacement): the oldest available
    /// key becomes `requested`. Rejections: not_staff, unknown_product, no_license_key_available.
    [[nodiscard]] core::result<core::license_key, core::rejection> request(const actor& by, core::product_id product);
    /// The same, for `recipient` (kept with the key) with `reason` (<= 300 bytes, one line): the
    /// orders log is told ("key.requested", with the key's id but not the key), where another
    /// staff member approves or declines it. Rejections as above, and invalid_text for the reason.
    [[nodiscard]] core::result<core::license_key, core::rejection> request_for(const actor& by, core::product_id product,
                                                                               core::user_id recipient, const std::string& reason);
    /// Staff approve a key requested with request_for: it becomes `used` by the member it was
    /// requested for, who gets it by DM ("key.granted"; the log is told "key.request_approved").
    /// Rejections: not_staff, unknown_license_key, forbidden_transition (not requested, or
    /// requested without a recipient).
    [[nodiscard]] core::result<core::license_key, core::rejection> approve_request(const actor& by, core::license_key_id id);

    /// Staff approve a requested key for `recipient`: it becomes `used`. Rejections: not_staff,
    /// unknown_license_key, forbidden_transition (not requested).
    [[nodiscard]] core::result<core::license_key, core::rejection> approve_request(const actor& by, core::license_key_id id,
                                                                                   core::user_id recipient);

    /// Staff decline a requested key: it is available again (the log is told
    /// "key.request_declined"). Rejections: not_staff, unknown_license_key, forbidden_transition.
    [[nodiscard]] core::result<core::license_key, core::rejection> decline_request(const actor& by, core::license_key_id id);

    /// Counts per product and status (staff). Rejection: not_staff.
    [[nodiscard]] core::result<std::map<core::product_id, std::map<core::license_key_status, std::int64_t>>, core::rejection>
    stats(const actor& by);

    /// Keys containing `text`, optionally of one product / status, at most `limit` (1..500), in
    /// id order (staff). Rejection: not_staff, text_too_long (> 256 bytes).
    [[nodiscard]] core::result<std::vector<core::license_key>, core::rejection> search(
        const actor& by, const std::string& text, std::optional<core::product_id> product,
        std::optional<core::license_key_status> status, std::size_t limit);

    /// CSV export (RFC 4180) of the keys of `product` (or all): header
    /// `id,product_id,key,status,order_id,customer_id,requested_by,created_at_ms,updated_at_ms`;
    /// a key is written as core::csv_detail::append_field writes it (a key starting with = + - @
    /// gets a leading ', so a spreadsheet does not run it). Rejection: not_staff.
    [[nodiscard]] core::result<std::string, core::rejection> export_csv(const actor& by,
                                                                        std::optional<core::product_id> product);

private:
    /// Moves a requested key to `to` (used for `recipient`, or available again).
    core::result<core::license_key, core::rejection> decide_request(const actor& by, core::license_key_id id,
                                                                    core::license_key_status to,
                                                                    std::optional<core::user_id> recipient);

    ports::store& store_;
    shop_config config_;
};

}  // namespace apexcore::services
