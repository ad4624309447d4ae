#pragma once
// apexbot's configuration file (docs/configuration.md). The bot token never comes from the file:
// it is read from the DISCORD_TOKEN environment variable.
#include <apexcore/bot/messages.hpp>
#include <apexcore/core/license_key.hpp>
#include <apexcore/core/catalog.hpp>
#include <apexcore/core/cooldown.hpp>
#include <apexcore/core/ids.hpp>
#include <apexcore/core/money.hpp>
#include <apexcore/core/outbox.hpp>
#include <apexcore/core/payment.hpp>
#include <apexcore/core/refund.hpp>
#include <apexcore/core/ticket.hpp>
#include <apexcore/core/vip.hpp>

#include <cstdint>
#include <map>
#include <optional>
#include <stdexcept>
#include <utility>
#include <string>
#include <vector>

namespace apexbot {

/// A config error; what() names the file, the key and what was expected.
class config_error : public std::runtime_error {
public:
    using std::runtime_error::runtime_error;
};

struct config {
    std::string path;                       ///< the file it was read from
    apexcore::core::guild_id guild;         ///< "guild_id"
    apexcore::core::role_id staff_role;     ///< "staff_role_id"
    apexcore::core::currency currency = apexcore::core::usd;  ///< "currency", ISO 4217 code
    /// "database": a SQLite file, relative to the config file, or a PostgreSQL URL
    /// ("postgresql://…" or "postgres://…", libpq's syntax) for a shop run by several processes.
    std::string database = "apexcore.db";
    /// Whether `database` is a PostgreSQL URL.
    [[nodiscard]] bool uses_postgresql() const { return database.starts_with("postgresql://") || database.starts_with("postgres://"); }
    /// `database` as logs and --check-config show it: a password in a PostgreSQL URL
    /// ("user:secret@", "password=secret") replaced by "***".
    [[nodiscard]] std::string database_for_display() const;
    std::vector<apexcore::core::product> seed_products;  ///< from "products_file", optional
    std::string products_file;              ///< resolved path, empty when not set
    std::string api_base = "https://discord.com/api/v10";  ///< "discord.api_base"
    std::string gateway_url;                ///< "discord.gateway_url", empty = from GET /gateway/bot
    std::string ca_file;                    ///< "discord.ca_file", empty = system trust store
    std::uint32_t intents = 1;              ///< "discord.intents" (GUILDS)
    int shard_count = 0;                    ///< "discord.shards": total shards, 0 = Discord's recommendation
    std::vector<int> shard_ids;             ///< "discord.shard_ids": shards run here, empty = all
    int defer_after_ms = 2000;              ///< "discord.defer_after_ms": auto-defer margin, 0..2500
    std::string mode = "gateway";           ///< "mode": gateway, http or both
    std::string http_address = "127.0.0.1"; ///< "http.listen" host
    std::uint16_t http_port = 8080;         ///< "http.listen" port (0 = any free port)
    std::string http_path = "/interactions";  ///< "http.path"
    std::string http_public_key;            ///< "http.public_key" (64 hex digits)
    std::string http_tls_certificate;       ///< "http.tls_certificate": PEM chain; with the key, HTTPS
    std::string http_tls_private_key;       ///< "http.tls_private_key": PEM key
    bool tickets_enabled = true;            ///< "tickets.enabled"
    /// "tickets.types": the built-in types with the changes the file makes, plus its own.
    std::vector<apexcore::core::ticket_type> ticket_types = apexcore::core::default_ticket_types();
    apexcore::core::ticket_policy ticket_policy{};  ///< "tickets.max_open_per_member"
    std::optional<apexcore::core::channel_id> transcript_channel;  ///< "tickets.transcript_channel_id"
    std::string transcript_directory = "transcripts";  ///< "tickets.transcript_directory", relative to the config file
    /// "tickets.s3": keep transcripts in an S3-compatible bucket instead of the directory; the
    /// keys come from APEXBOT_S3_ACCESS_KEY / APEXBOT_S3_SECRET_KEY, never from the file.
    struct s3_settings {
        std::string endpoint;
        std::string bucket;
        std::string region = "us-east-1";
        std::string prefix;
    };
    std::optional<s3_settings> transcript_s3;
    std::string log_level = "info";         ///< "log.level": debug, info, warning or error
    std::string log_format = "text";        ///< "log.format": text or json
    /// "monitoring.listen": where /healthz and /metrics are served (plain HTTP; keep it on
    /// loopback or a private network); off when absent.
    std::optional<std::pair<std::string, std::uint16_t>> monitoring_listen;
    /// "log_channels": the channel each kind of event is posted to ("orders", "payments",
    /// "audit", "tickets", "errors"); topics left out are not posted.
    std::map<apexcore::core::log_topic, apexcore::core::channel_id> log_channels;
    bool direct_messages = true;            ///< "notifications.direct_messages": deliveries and credits by DM
    std::int64_t outbox_max_pending = 50'000;  ///< "notifications.max_pending": the outbox bound, 1..10,000,000
    /// "tiers": the VIP tiers (role, how it is earned, discount); their roles are granted and
    /// taken back on Discord by the bot (docs/operations.md §VIP tiers).
    std::vector<apexcore::core::vip_tier> tiers;
    /// "refunds.max_days" (0..365; 0: members cannot ask) and "refunds.fee_percent" (0..100).
    apexcore::core::refund_policy refunds{};
    /// "cooldowns.purchases" / "cooldowns.refund_requests": {"max": N, "per_minutes": M}.
    apexcore::core::cooldown_policy cooldowns{};
    /// "payments.methods": how members may pay outside the wallet (in order tickets), and
    /// "payments.session_ttl_minutes": how long a payment may take before the order is cancelled.
    std::vector<apexcore::core::payment_method> payment_methods;
    int payment_session_ttl_minutes = 60;
    /// "messages": the owner's texts, {"default"|"<locale>": {"<key>": "<text>"}}, checked against
    /// the shipped catalog (apexcore/bot/messages.hpp; apexbot --list-messages).
    apexcore::bot::message_overrides messages;
    /// "backups": {"enabled": true, "directory": "backups", "every_hours": 24, "keep": 7}. On by
    /// default for a database file (never for ":memory:"); the directory is relative to the
    /// config file (docs/operations.md §Backups).
    struct backup_settings {
        bool enabled = true;
        std::string directory = "backups";
        int every_hours = 24;  ///< 1..720
        int keep = 7;          ///< 1..365
    };
    backup_settings backups;
    /// "keys.pattern": the license key format /keys import accepts (core/key_pattern.hpp), e.g.
    /// "[A-Z0-9]{5}(-[A-Z0-9]{5}){4}"; default 32 letters or digits.
    std::string key_pattern = std::string(apexcore::core::default_license_key_pattern);
};

/// Prints what `c` resolves to on stdout (apexbot --check-config): paths, ids, channels, tiers,
/// limits, and whether the token is set (`token_set`; the token itself is never printed).
void print_summary(const config& c, bool token_set);

/// The top-level settings (keys such as "discord", "tiers") that differ between `fresh` and
/// `running` and take effect only at the next restart (SIGHUP applies the rest at once).
[[nodiscard]] std::vector<std::string> settings_needing_restart(const config& fresh, const config& running);

/// Reads and validates the config file. Relative paths inside it are resolved against the
/// file's directory. Throws config_error.
config load_config(const std::string& path);

/// Parses a products seed file: a JSON array of {"main_category","sub_category","service_name",
/// "variant_name","price":"12.34","active"?}. Throws config_error naming the file and index.
std::vector<apexcore::core::product> load_products(const std::string& path, const apexcore::core::currency& currency);

}  // namespace apexbot
