// apexbot: the reference shop bot. Reads a JSON config (docs/configuration.md), the token from
// DISCORD_TOKEN, opens the SQLite store and runs the shop bot on Discord's Gateway and REST API
// (or on apexcore-sandbox, when the config points there).
#include "config.hpp"
#include "restore.hpp"
#include "setup_records.hpp"
#include "logging.hpp"
#include "monitoring.hpp"
#include "test_clock.hpp"

#include <apexcore/bot/scheduler.hpp>
#include <apexcore/sqlite/backups.hpp>
#include <apexcore/render/sales_chart.hpp>
#include <apexcore/bot/shop_bot.hpp>
#include <apexcore/discord/discord_runtime.hpp>
#include <apexcore/discord/http_url.hpp>
#include <apexcore/discord/rest_chat_actions.hpp>
#include <apexcore/services/catalog_service.hpp>
#include <apexcore/services/member_service.hpp>
#include <apexcore/services/order_service.hpp>
#include <apexcore/services/outbox_service.hpp>
#include <apexcore/services/promo_service.hpp>
#include <apexcore/services/setup_service.hpp>
#include <apexcore/services/refund_service.hpp>
#include <apexcore/services/payment_service.hpp>
#include <apexcore/render/prometheus.hpp>
#include <apexcore/render/transcript_archive.hpp>
#include <apexcore/services/ticket_service.hpp>
#include <apexcore/storage/directory_transcript_store.hpp>
#include <apexcore/storage/s3_transcript_store.hpp>
#include <apexcore/services/wallet_service.hpp>
#include <apexcore/postgresql/postgresql_store.hpp>
#include <apexcore/sqlite/sqlite_store.hpp>
#include <apexcore/version.hpp>

#include <boost/asio/io_context.hpp>
#include <boost/asio/signal_set.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/program_options.hpp>

#include <nlohmann/json.hpp>

#include <atomic>
#include <chrono>
#include <condition_variable>
#include <functional>
#include <cstdlib>
#include <cctype>
#include <ctime>
#include <fstream>
#include <iostream>
#include <map>
#include <mutex>
#include <stdexcept>
#include <thread>
#include <vector>

namespace po = boost::program_options;

namespace {

/// The process's log (logging.hpp): text or JSON lines on stderr, for every component.
apexbot::logger logs(std::clog);

/// The bot token: DISCORD_TOKEN, else the systemd credential "discord_token"
/// ($CREDENTIALS_DIRECTORY/discord_token, LoadCredential= in apexbot.service), without trailing
/// white space; "" when neither is there. Throws when the credential exists but cannot be read.
std::string read_token() {
    if (const char* env = std::getenv("DISCORD_TOKEN"); env != nullptr && *env != '\0') return env;
    const char* dir = std::getenv("CREDENTIALS_DIRECTORY");
    if (dir == nullptr || *dir == '\0') return {};
    const std::string path = std::string(dir) + "/discord_token";
    std::ifstream in(path);
    if (!in) return {};
    std::string token;
    std::getline(in, token);
    if (in.bad()) throw std::runtime_error(path + ": cannot read the token");
    while (!token.empty() && (std::isspace(static_cast<unsigned char>(token.back())) != 0)) token.pop_back();
    return token;
}


/// Reconciles the catalog with the products file on every start: a product the file lists and the
/// catalog lacks (matched by its four names) is added, one log line each; products already there
/// are left alone (staff may have changed their price or stock since), and so are products the
/// file no longer lists. Throws when the file lists a product the catalog cannot take.
void seed_catalog(apexcore::services::catalog_service& catalog, const apexbot::config& c) {
    if (c.seed_products.empty()) return;
    std::size_t added = 0;
    for (const auto& p : c.seed_products) {
        const auto result = catalog.add(p);
        if (result) {
            ++added;
            logs.info("catalog", "added \"" + p.display_name() + "\" from " + c.products_file);
        } else if (result.error() != apexcore::core::rejection::duplicate_product) {
            throw std::runtime_error("cannot add product " + p.display_name() + ": " +
                                     std::string(apexcore::core::describe(result.error())));
        }
    }
    logs.info("catalog", std::to_string(added) + " added, " + std::to_string(c.seed_products.size() - added) +
             " already there, from " + c.products_file);
}

/// The shop's rules from the config file (clock and metrics are the caller's).
apexcore::services::shop_config shop_config_for(const apexbot::config& cfg) {
    apexcore::services::shop_config shop;
    shop.currency = cfg.currency;
    shop.ticket_types = cfg.ticket_types;
    shop.tickets = cfg.ticket_policy;
    shop.tiers = cfg.tiers;
    shop.refunds = cfg.refunds;
    shop.cooldowns = cfg.cooldowns;
    shop.payment_methods = cfg.payment_methods;
    shop.payment_session_ttl = std::chrono::minutes(cfg.payment_session_ttl_minutes);
    if (auto pattern = apexcore::core::license_key_pattern::compile(cfg.key_pattern)) shop.key_pattern = std::move(*pattern);
    // Log channel posts, DMs and role changes go through the outbox, written with each decision.
    for (const auto& [topic, channel] : cfg.log_channels) shop.notifications.log_topics.push_back(topic);
    shop.notifications.direct_messages = cfg.direct_messages;
    shop.notifications.max_pending = cfg.outbox_max_pending;
    shop.notifications.apply_roles = true;  // VIP tier and product roles
    return shop;
}

/// GET /healthz: healthy when every shard this process runs has a live session (in HTTP-only
/// mode: the endpoint listens) and the database answers a read; otherwise 503 and the reasons.
/// Body: {"status":"ok"|"unavailable","gateway":{"shards_ready":n,"shards_total":n},
/// "endpoint":bool,"database":{"reachable":bool},"outbox":{"pending":n,"failed":n,
/// "oldest_pending_seconds":n|null},"problems":[…]}. A growing outbox is reported, not a problem:
/// it is what the bot does while Discord is away (alert on it: docs/deployment.md).
apexbot::health_report check_health(const apexcore::discord::runtime_health& runtime,
                                    apexcore::services::outbox_service& outbox) {
    nlohmann::json problems = nlohmann::json::array();
    if (runtime.gateway && (runtime.shards_total == 0 || runtime.shards_ready < runtime.shards_total)) {
        problems.push_back(std::to_string(runtime.shards_ready) + " of " + std::to_string(runtime.shards_total) +
                           " gateway shards have a live session");
    }
    if (!runtime.gateway && !runtime.endpoint) problems.push_back("the interactions endpoint is not listening");
    bool reachable = true;
    nlohmann::json queue{{"pending", nullptr}, {"failed", nullptr}, {"oldest_pending_seconds", nullptr}};
    try {
        const auto stats = outbox.stats();  // a read: proves the database answers
        queue["pending"] = stats.pending;
        queue["failed"] = stats.failed;
        if (stats.oldest_pending) {
            const auto age = std::chrono::duration_cast<std::chrono::seconds>(outbox.clock().now() - *stats.oldest_pending);
            queue["oldest_pending_seconds"] = std::max<std::int64_t>(0, age.count());
        }
    } catch (const std::exception& e) {
        reachable = false;
        problems.push_back(std::string("the database does not answer: ") + e.what());
    }
    const nlohmann::json body{{"status", problems.empty() ? "ok" : "unavailable"},
                              {"gateway", {{"shards_ready", runtime.shards_ready}, {"shards_total", runtime.shards_total}}},
                              {"endpoint", runtime.endpoint},
                              {"database", {{"reachable", reachable}}},
                              {"outbox", queue},
                              {"problems", problems}};
    return {problems.empty(), body.dump(-1, ' ', false, nlohmann::json::error_handler_t::replace)};
}

/// The config's "log" section applied to the process's log (at start and on SIGHUP).
void apply_log_settings(const apexbot::config& c) {
    logs.set_level(apexbot::parse_log_level(c.log_level).value_or(apexcore::ports::log_level::info));
    logs.set_format(c.log_format == "json" ? apexbot::log_format::json : apexbot::log_format::text);
}

/// SIGHUP: reads the config file again. A valid file's log settings and message texts apply at
/// once and its products file is reconciled with the catalog (new products added); every other setting takes
/// effect at the next restart, and the log says which changed. An invalid file changes nothing and the log says why.
void reload_config(const std::string& path, apexbot::config& running, apexcore::services::catalog_service& catalog,
                   apexcore::services::outbox_service& outbox, apexcore::bot::message_catalog& texts) {
    logs.info("reload", "reading " + path + " (SIGHUP)");
    apexbot::config fresh;
    try {
        fresh = apexbot::load_config(path);
    } catch (const apexbot::config_error& e) {
        logs.error("reload", std::string("config error, nothing changed: ") + e.what());
        return;
    }
    apply_log_settings(fresh);
    try {
        seed_catalog(catalog, fresh);
    } catch (const std::exception& e) {
        logs.error("reload", std::string("products file: ") + e.what());
    }
    std::string applied = "log settings, products file";
    if (fresh.messages != running.messages) {
        // The owner's texts change at once: they were checked when the file was read.
        if (auto made = apexcore::bot::message_catalog::make(fresh.messages)) {
            texts.replace(*made);
            running.messages = fresh.messages;
            applied += ", messages";
            logs.info("reload", "messages: the owner's texts are in use now");
        }
    }
    const std::vector<std::string> restart = apexbot::settings_needing_restart(fresh, running);
    std::string changed;
    for (const auto& key : restart) changed += (changed.empty() ? "" : ", ") + key;
    logs.info("reload", restart.empty() ? std::string("done")
                                        : "done; changed settings that take effect at the next restart: " + changed);
    // The audit log keeps a record of configuration changes (issue "Running the shop" §6).
    if (outbox.logs(apexcore::core::log_topic::audit)) {
        try {
            outbox.post({apexcore::core::outbox_kind::log_post, apexcore::core::log_topic::audit, std::nullopt, "config.reloaded",
                         {{"file", path.substr(0, 300)},
                          {"applied", applied},
                          {"at_next_restart", changed.empty() ? std::string("nothing") : changed}}});
        } catch (const std::exception& e) {
            logs.warning("reload", std::string("the audit log was not told: ") + e.what());
        }
    }
}

/// Test-only fault injection (docs/configuration.md): APEXBOT_INJECT_FAULTS="point[:N],..." throws
/// once at the N-th time (default 1st) the Discord layer passes `point` (supervision.hpp).
class fault_injector {
public:
    explicit fault_injector(const char* spec) {
        if (spec == nullptr) return;
        std::string_view rest(spec);
        while (!rest.empty()) {
            const auto comma = rest.find(',');
            std::string_view item = rest.substr(0, comma);
            rest = comma == std::string_view::npos ? std::string_view{} : rest.substr(comma + 1);
            if (item.empty()) continue;
            int at = 1;
            if (const auto colon = item.find(':'); colon != std::string_view::npos) {
                at = std::atoi(std::string(item.substr(colon + 1)).c_str());
                item = item.substr(0, colon);
                if (at < 1) throw std::invalid_argument("APEXBOT_INJECT_FAULTS: the count after ':' must be >= 1");
            }
            plan_[std::string(item)] = {0, at};
        }
    }
    [[nodiscard]] bool empty() const { return plan_.empty(); }
    void hit(std::string_view point) {
        std::lock_guard lock(mutex_);
        const auto it = plan_.find(std::string(point));
        if (it == plan_.end()) return;
        if (++it->second.first == it->second.second) {
            throw std::runtime_error("injected fault at " + std::string(point));
        }
    }

private:
    std::mutex mutex_;
    std::map<std::string, std::pair<int, int>> plan_;  ///< point -> (hits so far, hit that throws)
};

}  // namespace

int main(int argc, char** argv) {
    std::string config_path;
    int io_threads = 1;
    po::options_description desc(
        "apexbot: the apexcore reference shop bot (wallet, /buy, staff top-ups) for Discord.\n\n"
        "Usage: DISCORD_TOKEN=<bot token> apexbot --config FILE [--check-config]\n\n"
        "Environment:\n"
        "  DISCORD_TOKEN   the bot token (required to run; never put it in the config file); under\n"
        "                  systemd it may come from the credential discord_token instead\n\n"
        "Signals: SIGTERM/SIGINT stop cleanly; SIGHUP reloads the config (log settings, messages, products file).\n\n"
        "Options");
    desc.add_options()
        ("help,h", "print this help and exit")
        ("config,c", po::value<std::string>(&config_path), "JSON config file (see docs/configuration.md)")
        ("check-config", "validate the config file, print what it resolves to, and exit (0 = valid)")
        ("restore-backup", po::value<std::string>(),
         "with the bot stopped: verify the backup FILE and put it back as the config's database (the database it "
         "replaces is kept beside it), then exit")
        ("list-messages", "print every text key with its shipped English (for \"messages\" in the config) and exit")
        ("io-threads", po::value<int>(&io_threads)->default_value(1),
         "threads running the network I/O, 1..64 (the runtime is thread-safe; handlers have their own pool)")
        ("version", "print the version and exit");
    po::variables_map vm;
    try {
        po::store(po::parse_command_line(argc, argv, desc), vm);
        po::notify(vm);
    } catch (const po::error& e) {
        std::cerr << "apexbot: " << e.what() << "\n\n" << desc << "\n";
        return 2;
    }
    if (vm.count("help") != 0U) {
        std::cout << desc << "\n";
        return 0;
    }
    if (vm.count("version") != 0U) {
        std::cout << "apexbot " << apexcore::version << "\n";
        return 0;
    }
    if (vm.count("list-messages") != 0U) {
        // One line per key: a line break inside a text is printed as \n (as it is written in the config).
        for (const auto& m : apexcore::bot::message_defaults()) {
            std::string english;
            for (const char ch : m.english) english += ch == '\n' ? std::string("\\n") : std::string(1, ch);
            std::cout << m.key << "\t" << english << "\n";
        }
        return 0;
    }
    if (config_path.empty()) {
        std::cerr << "apexbot: --config FILE is required (start from examples/reference_bot/config.example.json)\n";
        return 2;
    }
    apexbot::config cfg;
    try {
        cfg = apexbot::load_config(config_path);
    } catch (const apexbot::config_error& e) {
        std::cerr << "apexbot: config error: " << e.what() << "\n";
        return 2;
    }
    if (vm.count("restore-backup") != 0U) return apexbot::restore_command(cfg, vm["restore-backup"].as<std::string>());
    if (vm.count("check-config") != 0U) {
        if (const auto problem = apexcore::services::validate_config(shop_config_for(cfg))) {
            std::cerr << "apexbot: config error: " << cfg.path << ": " << *problem << "\n";
            return 2;
        }
        apexbot::print_summary(cfg, !read_token().empty());
        return 0;
    }
    std::string token_text;
    try {
        token_text = read_token();
    } catch (const std::exception& e) {
        std::cerr << "apexbot: " << e.what() << "\n";
        return 2;
    }
    if (token_text.empty()) {
        std::cerr << "apexbot: DISCORD_TOKEN is not set; export the bot token from the Discord Developer Portal "
                     "(as a systemd service: put it in /etc/apexbot/discord_token, docs/deployment.md)\n";
        return 2;
    }
    const char* token = token_text.c_str();
    logs.redact(token_text);  // whatever a component puts in a line, the token never reaches the log
    if (const char* secret = std::getenv("APEXBOT_S3_SECRET_KEY")) logs.redact(secret);
    apply_log_settings(cfg);

    try {
        // The shop's clock: the system's, or in tests one they can move forward (test_clock.hpp).
        const apexcore::ports::system_clock wall_clock;
        const char* test_clock_file = std::getenv("APEXBOT_TEST_CLOCK_FILE");
        const apexbot::file_offset_clock test_clock(test_clock_file != nullptr ? test_clock_file : "");
        const apexcore::ports::clock& shop_clock =
            test_clock_file != nullptr ? static_cast<const apexcore::ports::clock&>(test_clock) : wall_clock;
        if (test_clock_file != nullptr) logs.warning("apexbot", "test mode: APEXBOT_TEST_CLOCK_FILE is set");
        // Metrics from every component, served on monitoring.listen (off unless configured).
        apexcore::render::prometheus_registry metrics;
        // SQLite (one process) or PostgreSQL (several processes, one shop: docs/scaling.md).
        std::unique_ptr<apexcore::ports::store> store_owner;
        apexcore::sqlite::sqlite_store* sqlite = nullptr;  // for the backups, which copy a SQLite file
        if (cfg.uses_postgresql()) {
            store_owner = std::make_unique<apexcore::postgresql::postgresql_store>(
                apexcore::postgresql::store_options{.url = cfg.database, .clock = &shop_clock});
        } else {
            auto opened = std::make_unique<apexcore::sqlite::sqlite_store>(
                apexcore::sqlite::sqlite_options{.path = cfg.database, .clock = &shop_clock, .metrics = &metrics});
            sqlite = opened.get();
            store_owner = std::move(opened);
        }
        apexcore::ports::store& store = *store_owner;
        apexcore::services::shop_config shop = shop_config_for(cfg);
        // Log channels /setup run makes while the bot runs: shared by every service and the notifications.
        auto live_channels = std::make_shared<apexcore::services::live_log_channels>();
        shop.notifications.live_channels = live_channels;
        // Roles it makes for what the config leaves out (the staff role, the customer role, tier roles).
        auto live_roles = std::make_shared<apexcore::services::live_roles>();
        shop.made_roles = live_roles;
        shop.clock = &shop_clock;
        shop.metrics = &metrics;
        if (const auto problem = apexcore::services::validate_config(shop)) {
            std::cerr << "apexbot: config error: " << cfg.path << ": " << *problem << "\n";
            return 2;
        }
        apexcore::services::wallet_service wallet(store, shop);
        apexcore::services::catalog_service catalog(store, shop);
        apexcore::services::ticket_service tickets(store, shop);
        apexcore::services::payment_service payments(store, shop);
        apexcore::services::order_service orders(store, shop);
        apexcore::services::outbox_service outbox(store, shop);
        apexcore::services::member_service members(store, shop);
        apexcore::services::refund_service refunds(store, shop);
        apexcore::services::promo_service promos(store, shop);
        apexcore::services::license_service licenses(store, shop);
        seed_catalog(catalog, cfg);

        if (io_threads < 1 || io_threads > 64) {
            std::cerr << "apexbot: --io-threads must be 1..64\n";
            return 2;
        }
        fault_injector faults(std::getenv("APEXBOT_INJECT_FAULTS"));
        boost::asio::io_context io(io_threads);
        std::atomic<int> exit_code{0};
        apexcore::discord::runtime_options options;
        options.rest.api_base = cfg.api_base;
        options.rest.token = token;
        options.rest.ca_file = cfg.ca_file;
        options.rest.metrics = &metrics;
        options.metrics = &metrics;
        options.rest.log = logs.sink();
        if (!faults.empty()) options.rest.inject_fault = [&faults](std::string_view point) { faults.hit(point); };
        // One REST client for the runtime's answers and the outbound port: one pool, one limiter.
        options.rest_client = std::make_shared<apexcore::discord::rest_client>(io, options.rest);
        apexcore::discord::chat_actions_options actions_options;
        actions_options.ca_file = cfg.ca_file;
        // Uploads are fetched from Discord's CDN; a proxy or the sandbox in front of the API serves
        // them from its own host, which the config already trusts as the API.
        std::string url_error;
        if (const auto api = apexcore::discord::parse_endpoint_url(cfg.api_base, url_error); api && api->host != "discord.com") {
            actions_options.attachment_hosts.push_back(api->host);
        }
        apexcore::discord::rest_chat_actions actions(*options.rest_client, io, actions_options);
        // Ticket transcripts: rendered (HTML + JSON), kept in a local directory, posted and DMed.
        std::unique_ptr<apexcore::ports::transcript_store> transcript_files;
        if (cfg.transcript_s3) {
            const char* access = std::getenv("APEXBOT_S3_ACCESS_KEY");
            const char* secret = std::getenv("APEXBOT_S3_SECRET_KEY");
            if (access == nullptr || secret == nullptr || *access == '\0' || *secret == '\0') {
                std::cerr << "apexbot: tickets.s3 is set: export APEXBOT_S3_ACCESS_KEY and APEXBOT_S3_SECRET_KEY\n";
                return 2;
            }
            apexcore::storage::s3_options s3{cfg.transcript_s3->endpoint, cfg.transcript_s3->bucket, cfg.transcript_s3->region,
                                             access, secret, cfg.transcript_s3->prefix};
            s3.ca_file = cfg.ca_file;
            transcript_files = std::make_unique<apexcore::storage::s3_transcript_store>(s3);
        } else {
            transcript_files = std::make_unique<apexcore::storage::directory_transcript_store>(cfg.transcript_directory);
        }
        apexcore::render::store_archive transcript_archive(*transcript_files);
        apexcore::bot::shop_parts parts;
        parts.actions = &actions;
        parts.tickets = cfg.tickets_enabled ? &tickets : nullptr;
        // What an earlier /setup run made, for what the config leaves out (setup_records.hpp).
        apexcore::services::setup_service setup(store, shop);
        const auto transcript_channel = apexbot::apply_setup_records(setup.records(), cfg, *live_channels, *live_roles);
        parts.setup = &setup;
        parts.live_log_channels = live_channels;
        parts.live_roles = live_roles;
        parts.transcripts = {&transcript_archive, transcript_channel, {}};
        parts.payments = &payments;
        parts.payment_methods = shop.payment_methods;
        parts.orders = &orders;
        parts.members = &members;
        parts.refunds = &refunds;
        parts.promos = &promos;
        parts.keys = &licenses;
        parts.sales_chart = [currency = cfg.currency](const apexcore::ports::sales_figures& figures, std::int64_t first_day, int days,
                                                      const std::vector<std::string>& names) {
            return apexcore::render::sales_chart_png({figures, first_day, days, currency, names});
        };
        parts.outbox = &outbox;
        parts.notifications.channels = cfg.log_channels;
        parts.notifications.metrics = &metrics;
        std::optional<apexcore::sqlite::sqlite_backups> backups;
        if (cfg.backups.enabled && sqlite != nullptr) {
            backups.emplace(*sqlite, cfg.backups.directory);
            parts.backups = &*backups;
            parts.backup_schedule = {std::chrono::hours(cfg.backups.every_hours), static_cast<std::size_t>(cfg.backups.keep)};
            parts.clock = &shop_clock;
        }
        for (const auto& tier : cfg.tiers) {
            if (!tier.role.empty()) parts.notifications.granted_roles.emplace_back("VIP tier " + tier.name, tier.role);
        }
        for (const auto& product : cfg.seed_products) {
            if (product.role_to_grant) parts.notifications.granted_roles.emplace_back("product " + product.display_name(), *product.role_to_grant);
        }
        // The owner's texts were checked when the config was read (config_operations.cpp).
        auto made_texts = apexcore::bot::message_catalog::make(cfg.messages);
        if (!made_texts) throw std::runtime_error("messages: " + made_texts.error().detail);
        const auto texts = std::make_shared<apexcore::bot::message_catalog>(*made_texts);  // SIGHUP replaces its texts
        apexcore::bot::shop_bot bot({cfg.guild, cfg.staff_role, cfg.currency, logs.sink(), texts}, wallet, catalog, parts);
        // Scheduled work (the ticket sweep, delayed deletions) on a thread of its own; what is due
        // is read from the database each round, so a restart picks up where the last run stopped.
        apexcore::bot::scheduler scheduler(bot.jobs(), shop_clock, logs.sink(), &store);  // due times in the database
        options.gateway.token = token;
        options.gateway.ca_file = cfg.ca_file;
        // Tickets count members' messages as activity: GUILD_MESSAGES (1 << 9, not privileged).
        options.gateway.intents = cfg.intents | (cfg.tickets_enabled ? (1U << 9) : 0U);
        options.gateway.gateway_url = cfg.gateway_url;
        options.gateway.shard_count = cfg.shard_count;
        options.gateway.shard_ids = cfg.shard_ids;
        options.guild = cfg.guild;
        options.defer_after = std::chrono::milliseconds(cfg.defer_after_ms);
        options.use_gateway = cfg.mode != "http";
        if (cfg.mode != "gateway") {
            apexcore::discord::endpoint_options http;
            http.address = cfg.http_address;
            http.port = cfg.http_port;
            http.path = cfg.http_path;
            http.public_key_hex = cfg.http_public_key;
            http.tls_certificate_file = cfg.http_tls_certificate;
            http.tls_private_key_file = cfg.http_tls_private_key;
            options.http = std::move(http);
        }
        options.commands = bot.commands();
        // On start (and after a reconnect re-sends the guild): say what the bot lacks, exactly.
        options.on_guild_ready = [guild = cfg.guild, staff_role = cfg.staff_role, needs = bot.features().requirements()](
                                     const apexcore::discord::cache::guild_cache& cache, apexcore::core::user_id bot_user) {
            const auto problems = apexcore::discord::missing_requirements(cache, guild, bot_user, needs);
            if (problems.empty()) logs.info("setup", "the bot holds everything its features need in server " + guild.str());
            for (const auto& p : problems) logs.warning("setup", "missing: " + p);
            if (staff_role.empty()) {
                logs.info("setup", "no staff_role_id in the config: the server's administrator runs /setup run to make the staff role");
            } else if (!cache.role(guild, staff_role) && cache.knows(guild)) {
                logs.warning("setup", "set staff_role_id in the config to the id of your staff role");
            }
        };
        options.on_message = [&bot](const apexcore::ports::channel_message& m) { bot.on_message(m); };
        if (!faults.empty()) {
            logs.warning("apexbot", "test mode: APEXBOT_INJECT_FAULTS is set");
            options.inject_fault = [&faults](std::string_view point) { faults.hit(point); };
        }
        apexcore::discord::discord_runtime runtime(
            io, std::move(options), [&bot](const apexcore::ports::interaction& i) { return bot.handle(i); }, logs.sink(),
            [&](std::string_view reason) {
                logs.error("apexbot", std::string("stopping: ") + std::string(reason));
                exit_code = 1;
                io.stop();
            });

        // SIGTERM / SIGINT: graceful shutdown — the gateway closes, the endpoint stops, queued REST
        // requests are dropped; io.run() returns as soon as the last connection has closed, and a
        // watchdog stops it after 2 s if one does not. SIGHUP: reload the config (reload_config).
        std::unique_ptr<apexbot::monitoring_server> monitor;  // made below when monitoring.listen is set
        boost::asio::signal_set signals(io, SIGINT, SIGTERM, SIGHUP);
        std::mutex drain_mutex;
        std::condition_variable drained;
        bool io_done = false;
        std::thread drain_watchdog;
        std::function<void()> await_signal = [&] {
            signals.async_wait([&](const boost::system::error_code& ec, int signal) {
                if (ec) return;
                if (signal == SIGHUP) {
                    reload_config(config_path, cfg, catalog, outbox, *texts);
                    await_signal();
                    return;
                }
                logs.info("apexbot", "received signal " + std::to_string(signal) + ", shutting down");
                scheduler.request_stop();  // joined below, once the I/O threads are done
                runtime.stop();
                if (monitor) monitor->stop();
                drain_watchdog = std::thread([&] {
                    std::unique_lock lock(drain_mutex);
                    if (!drained.wait_for(lock, std::chrono::seconds(2), [&] { return io_done; })) {
                        logs.warning("apexbot", "shutdown: connections still open after 2 s; stopping anyway");
                        io.stop();
                    }
                });
            });
        };
        await_signal();
        logs.info("apexbot", "starting: guild " + cfg.guild.str() + ", mode " + cfg.mode + ", database " + cfg.database_for_display() + ", API " +
                 cfg.api_base);
        if (cfg.monitoring_listen) {
            monitor = std::make_unique<apexbot::monitoring_server>(
                io, cfg.monitoring_listen->first, cfg.monitoring_listen->second, metrics,
                [&runtime, &outbox] { return check_health(runtime.health(), outbox); }, logs.sink());
            monitor->start();
            logs.info("monitoring", "serving /healthz and /metrics on http://" + cfg.monitoring_listen->first + ":" +
                                        std::to_string(monitor->port()));
        }
        runtime.start();
        scheduler.start();
        // Whatever escapes a handler ends the process with exit code 1 and a message, so a
        // supervisor restarts it: alive but deaf is the one outcome that is never allowed.
        std::atomic<bool> crashed{false};
        const auto run_io = [&] {
            try {
                io.run();
            } catch (const std::exception& e) {
                logs.error("apexbot", std::string("fatal: unexpected failure on an I/O thread: ") + e.what() + "; exiting with code 1");
                crashed = true;
                io.stop();
            }
        };
        std::vector<std::thread> extra;
        for (int i = 1; i < io_threads; ++i) extra.emplace_back(run_io);
        run_io();
        for (auto& t : extra) t.join();
        {
            const std::lock_guard lock(drain_mutex);
            io_done = true;
        }
        drained.notify_all();
        if (drain_watchdog.joinable()) drain_watchdog.join();
        scheduler.stop();
        if (crashed) exit_code = 1;
        logs.info("apexbot", "stopped");
        return exit_code.load();
    } catch (const std::exception& e) {
        std::cerr << "apexbot: " << e.what() << "\n";
        return 1;
    }
}
