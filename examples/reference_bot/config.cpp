#include "config.hpp"
#include "config_detail.hpp"

#include <apexcore/discord/gateway/sharding.hpp>

#include <nlohmann/json.hpp>

#include <charconv>
#include <filesystem>
#include <fstream>
#include <sstream>
#include <tuple>

namespace apexbot {

using namespace detail;

std::vector<apexcore::core::product> load_products(const std::string& path, const apexcore::core::currency& currency) {
    const json doc = read_json(path);
    if (!doc.is_array()) throw config_error(path + ": expected a JSON array of products");
    std::vector<apexcore::core::product> out;
    for (std::size_t i = 0; i < doc.size(); ++i) {
        const json& item = doc[i];
        const std::string where = "[" + std::to_string(i) + "].";
        if (!item.is_object()) throw config_error(path + ": [" + std::to_string(i) + "]: expected an object");
        static const std::vector<std::string> known{"main_category", "sub_category", "service_name", "variant_name", "price", "active",
                                                    "delivery_payload", "role_id", "description", "stock", "warranty_days",
                                                    "questions", "$comment"};
        for (const auto& [key, _] : item.items()) {
            if (std::find(known.begin(), known.end(), key) == known.end()) {
                bad(path, where + key,
                    "unknown key (known: main_category, sub_category, service_name, variant_name, price, active, delivery_payload, "
                    "role_id, description, stock, warranty_days, questions)");
            }
        }
        apexcore::core::product p;
        p.main_category = string_key(item, path, "main_category", true, where);
        p.sub_category = string_key(item, path, "sub_category", true, where);
        p.service_name = string_key(item, path, "service_name", true, where);
        p.variant_name = string_key(item, path, "variant_name", true, where);
        const std::string price = string_key(item, path, "price", true, where);
        const auto parsed = apexcore::core::parse_money(price, currency);
        if (!parsed) bad(path, where + "price", std::string(apexcore::core::describe(parsed.error())));
        p.price = *parsed;
        if (item.contains("active")) {
            if (!item["active"].is_boolean()) bad(path, where + "active", "expected true or false");
            p.active = item["active"].get<bool>();
        }
        // What a buyer receives at once (a download link, instructions): shown on the receipt,
        // sent by DM and kept with the order (/order).
        if (const std::string payload = string_key(item, path, "delivery_payload", false, where); !payload.empty()) {
            p.delivery_payload = payload;
        }
        // A role every buyer of the product is given (a "Members" role, access to a channel).
        if (const std::string role = string_key(item, path, "role_id", false, where); !role.empty()) {
            const auto id = apexcore::core::role_id::parse(role);
            if (!id) bad(path, where + "role_id", "expected a Discord role id as a string of digits");
            p.role_to_grant = *id;
        }
        // Shown on the product card.
        if (const std::string text = string_key(item, path, "description", false, where); !text.empty()) p.additional_info = text;
        // Units for sale; absent: unlimited. A purchase takes one, a payment session holds one.
        if (item.contains("stock")) {
            p.stock = integer_value(item["stock"], path, where + "stock", 0, 1'000'000'000, "expected a whole number of units, 0 to 1000000000");
        }
        // How long the purchase lasts and is under warranty (days).
        if (item.contains("warranty_days")) {
            p.duration_days = static_cast<int>(integer_value(item["warranty_days"], path, where + "warranty_days", 1, 3650, "expected 1 to 3650 days"));
        }
        // Asked before buying (customisation); the answers are kept with the order for staff.
        if (item.contains("questions")) {
            const json& questions = item["questions"];
            if (!questions.is_array()) bad(path, where + "questions", "expected an array of questions, e.g. [\"Your in-game name\"]");
            for (const auto& q : questions) {
                if (!q.is_string()) bad(path, where + "questions", "expected strings");
                p.questions.push_back(q.get<std::string>());
            }
        }
        if (auto error = apexcore::core::validate(p)) {
            switch (*error) {
                case apexcore::core::product_error::empty_name: bad(path, where + "name", "names must not be empty");
                case apexcore::core::product_error::name_too_long:
                    bad(path, where + "name", "names are limited to 48 bytes, categories to 64");
                case apexcore::core::product_error::negative_price: bad(path, where + "price", "must not be negative");
                case apexcore::core::product_error::price_too_large:
                    bad(path, where + "price", std::string(apexcore::core::describe(*error)));
                case apexcore::core::product_error::text_too_long:
                case apexcore::core::product_error::invalid_days:
                case apexcore::core::product_error::invalid_stock:
                case apexcore::core::product_error::invalid_tag:
                case apexcore::core::product_error::too_many_deliverables:
                case apexcore::core::product_error::invalid_question:
                    bad(path, where.substr(0, where.size() - 1), std::string(apexcore::core::describe(*error)));
            }
        }
        out.push_back(std::move(p));
    }
    return out;
}

namespace {

config load_config_document(const std::string& path, const json& doc) {
    if (!doc.is_object()) throw config_error(path + ": expected a JSON object at the top level");
    if (doc.contains("token")) bad(path, "token", "the bot token is read from DISCORD_TOKEN, never from the file");
    static const std::vector<std::string> known{"guild_id", "staff_role_id", "currency", "database", "products_file",
                                                "discord", "mode", "http", "tickets", "log", "monitoring", "log_channels",
                                                "notifications", "tiers", "refunds", "cooldowns", "payments",
                                                "messages", "backups", "keys", "$comment"};
    for (const auto& [key, _] : doc.items()) {
        if (std::find(known.begin(), known.end(), key) == known.end()) {
            bad(path, key,
                "unknown key (known: guild_id, staff_role_id, currency, database, products_file, discord, mode, http, tickets, "
                "log, monitoring, log_channels, notifications, tiers, refunds, cooldowns, payments, messages, backups, keys)");
        }
    }
    config c;
    c.path = path;
    c.guild = snowflake_key<apexcore::core::guild_tag>(doc, path, "guild_id");
    // Optional: without it the server's administrator runs /setup run, which makes the staff role.
    if (doc.contains("staff_role_id")) c.staff_role = snowflake_key<apexcore::core::role_tag>(doc, path, "staff_role_id");
    if (const std::string code = string_key(doc, path, "currency", false); !code.empty()) {
        const auto currency = apexcore::core::find_currency(code);
        if (!currency) bad(path, "currency", "unknown ISO 4217 code '" + code + "' (known: USD, EUR, GBP, JPY, CAD, AUD)");
        c.currency = *currency;
    }
    if (const std::string db = string_key(doc, path, "database", false); !db.empty()) c.database = db;
    // A PostgreSQL URL (several processes, one shop: docs/scaling.md) or a SQLite file path.
    if (!c.uses_postgresql()) c.database = resolve(path, c.database);
    c.products_file = resolve(path, string_key(doc, path, "products_file", false));
    if (const auto d = doc.find("discord"); d != doc.end()) {
        if (!d->is_object()) bad(path, "discord", "expected an object");
        if (d->contains("token")) bad(path, "discord.token", "the bot token is read from DISCORD_TOKEN, never from the file");
        if (auto base = string_key(*d, path, "api_base", false, "discord."); !base.empty()) c.api_base = base;
        // http:// only for apexcore-rest-proxy on loopback or a private network (docs/scaling.md).
        if (!c.api_base.starts_with("https://") && !c.api_base.starts_with("http://")) {
            bad(path, "discord.api_base", "expected an https:// URL (Discord), or http:// for apexcore-rest-proxy");
        }
        c.gateway_url = string_key(*d, path, "gateway_url", false, "discord.");
        if (!c.gateway_url.empty() && !c.gateway_url.starts_with("wss://")) {
            bad(path, "discord.gateway_url", "expected a wss:// URL");
        }
        c.ca_file = resolve(path, string_key(*d, path, "ca_file", false, "discord."));
        for (const auto& [key, _] : d->items()) {
            if (key != "api_base" && key != "gateway_url" && key != "ca_file" && key != "intents" && key != "defer_after_ms" &&
                key != "shards" && key != "shard_ids") {
                bad(path, "discord." + key,
                    "unknown key (known: api_base, gateway_url, ca_file, intents, defer_after_ms, shards, shard_ids)");
            }
        }
        const std::int64_t shard_max = apexcore::discord::gateway::shard_count_max;
        if (const auto shards = d->find("shards"); shards != d->end()) {
            c.shard_count = static_cast<int>(integer_value(
                *shards, path, "discord.shards", 0, shard_max,
                "expected the total shard count, 0.." + std::to_string(shard_max) + " (0 = Discord's recommendation)"));
        }
        if (const auto ids = d->find("shard_ids"); ids != d->end()) {
            if (!ids->is_array()) bad(path, "discord.shard_ids", "expected an array of shard ids, e.g. [0, 1]");
            if (ids->size() > static_cast<std::size_t>(shard_max)) bad(path, "discord.shard_ids", "too many shard ids");
            for (const auto& id : *ids) {
                c.shard_ids.push_back(static_cast<int>(
                    integer_value(id, path, "discord.shard_ids", 0, shard_max - 1, "expected non-negative integers")));
            }
            if (c.shard_count == 0 && !c.shard_ids.empty()) {
                bad(path, "discord.shard_ids", "needs discord.shards (the total) so every process agrees on it");
            }
        }
        if (const auto defer = d->find("defer_after_ms"); defer != d->end()) {
            c.defer_after_ms = static_cast<int>(integer_value(
                *defer, path, "discord.defer_after_ms", 0, 2500,
                "expected milliseconds 0..2500 (Discord's deadline is 3000; 0 defers every interaction)"));
        }
        if (const auto intents = d->find("intents"); intents != d->end()) {
            c.intents = static_cast<std::uint32_t>(integer_value(*intents, path, "discord.intents", 0, (1LL << 26) - 1,
                                                                 "expected a non-negative integer bitfield (REFERENCE §1.8)"));
        }
    }
    if (const std::string mode = string_key(doc, path, "mode", false); !mode.empty()) {
        if (mode != "gateway" && mode != "http" && mode != "both") bad(path, "mode", "expected \"gateway\", \"http\" or \"both\"");
        c.mode = mode;
    }
    if (const auto h = doc.find("http"); h != doc.end()) {
        if (!h->is_object()) bad(path, "http", "expected an object");
        for (const auto& [key, _] : h->items()) {
            if (key != "listen" && key != "path" && key != "public_key" && key != "tls_certificate" &&
                key != "tls_private_key") {
                bad(path, "http." + key, "unknown key (known: listen, path, public_key, tls_certificate, tls_private_key)");
            }
        }
        if (const std::string listen = string_key(*h, path, "listen", false, "http."); !listen.empty()) {
            std::tie(c.http_address, c.http_port) = listen_key(listen, path, "http.listen", "127.0.0.1:8080");
        }
        if (const std::string p = string_key(*h, path, "path", false, "http."); !p.empty()) {
            if (p.front() != '/') bad(path, "http.path", "expected a path starting with '/'");
            c.http_path = p;
        }
        c.http_public_key = string_key(*h, path, "public_key", false, "http.");
        c.http_tls_certificate = resolve(path, string_key(*h, path, "tls_certificate", false, "http."));
        c.http_tls_private_key = resolve(path, string_key(*h, path, "tls_private_key", false, "http."));
        if (c.http_tls_certificate.empty() != c.http_tls_private_key.empty()) {
            bad(path, c.http_tls_certificate.empty() ? "http.tls_certificate" : "http.tls_private_key",
                "HTTPS needs both http.tls_certificate and http.tls_private_key");
        }
    }
    if (c.mode != "gateway") {
        const bool hex = c.http_public_key.size() == 64 &&
                         c.http_public_key.find_first_not_of("0123456789abcdefABCDEF") == std::string::npos;
        if (!hex) bad(path, "http.public_key", "HTTP mode needs the application's public key (64 hex digits)");
    }
    c.transcript_directory = resolve(path, c.transcript_directory);
    if (const auto t = doc.find("tickets"); t != doc.end()) load_tickets(*t, path, c);
    load_operations(doc, path, c);
    c.backups.directory = resolve(path, c.backups.directory);
    if (c.database == ":memory:") c.backups.enabled = false;
    if (c.uses_postgresql()) {
        // apexbot's backups copy a SQLite file; a PostgreSQL shop is backed up by the database's
        // own tools (pg_dump, base backups; docs/scaling.md).
        const auto b = doc.find("backups");
        if (b != doc.end() && b->is_object() && b->value("enabled", false)) {
            bad(path, "backups.enabled", "apexbot backs up a SQLite database file; back a PostgreSQL shop up with pg_dump "
                                         "or base backups (docs/scaling.md) and remove backups.enabled");
        }
        c.backups.enabled = false;
    }
    if (!c.products_file.empty()) c.seed_products = load_products(c.products_file, c.currency);
    return c;
}

}  // namespace

config load_config(const std::string& path) {
    try {
        return load_config_document(path, read_json(path));
    } catch (const json::exception& e) {
        // Anything the checks missed is still a config error with the file, never a crash.
        throw config_error(path + ": " + e.what());
    }
}

std::string config::database_for_display() const {
    if (!uses_postgresql()) return database;
    std::string out = database;
    const std::size_t scheme = out.find("://") + 3;
    const std::size_t at = out.find('@', scheme);
    const std::size_t colon = out.find(':', scheme);
    if (at != std::string::npos && colon != std::string::npos && colon < at) out.replace(colon + 1, at - colon - 1, "***");
    for (std::size_t p = out.find("password="); p != std::string::npos; p = out.find("password=", p + 1)) {
        const std::size_t end = out.find('&', p);
        out.replace(p + 9, (end == std::string::npos ? out.size() : end) - p - 9, "***");
    }
    return out;
}

}  // namespace apexbot
