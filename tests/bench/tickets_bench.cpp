// apexcore-bench tickets: the two figures issue 10 asks for (docs/benchmarks.md):
//  - rendering one transcript of N messages (default 10,000, each 200-2,000 characters with
//    mentions, some with an embed or an attachment): time, HTML and JSON sizes;
//  - the inactivity sweep over T open tickets (default 100,000) in SQLite: a round when none is
//    due (the query cost a bot pays every minute) and a round when every one is due (warnings
//    written one transaction each).
#include "../support/manual_clock.hpp"
#include "bench_common.hpp"

#include <apexcore/render/transcript_html.hpp>
#include <apexcore/render/transcript_json.hpp>
#include <apexcore/services/ticket_service.hpp>
#include <apexcore/sqlite/sqlite_store.hpp>

#include <nlohmann/json.hpp>

#include <chrono>
#include <filesystem>
#include <random>

namespace apexcore::bench {
namespace {

using clock_type = std::chrono::steady_clock;

double seconds_since(clock_type::time_point start) { return std::chrono::duration<double>(clock_type::now() - start).count(); }

core::transcript make_transcript(int messages) {
    core::transcript t;
    t.ticket_record.id = core::ticket_id{1};
    t.ticket_record.type = "support";
    t.ticket_record.opener = core::user_id{1000};
    t.type_label = "Support";
    t.channel_name = "support-1";
    for (std::uint64_t u = 1000; u < 1005; ++u) t.user_names[core::user_id{u}] = "member " + std::to_string(u);
    std::mt19937_64 rng(7);
    for (int i = 0; i < messages; ++i) {
        core::transcript_message m;
        m.id = core::message_id{static_cast<std::uint64_t>(100000 + i)};
        m.author = core::user_id{1000 + rng() % 5};
        m.author_name = t.user_names[m.author];
        m.content = "Hello <@1001>, about order #" + std::to_string(i) + ": " + std::string(200 + rng() % 1800, 'a');
        if (i % 20 == 0) m.embeds.push_back({"Order", "Details <b>", {{"Price", "$12.00"}}, 0x5865F2, "footer"});
        if (i % 50 == 0) m.attachments.push_back({"proof.png", "https://cdn.discordapp.com/attachments/1/2/proof.png", 123456});
        m.sent_unix_ms = 1795000000000 + i * 1000LL;
        t.messages.push_back(std::move(m));
    }
    return t;
}

}  // namespace

int run_tickets(int argc, char** argv) {
    int messages = 10000;
    int tickets = 100000;
    std::string db;
    boost::program_options::options_description desc("apexcore-bench tickets options");
    desc.add_options()("help,h", "this help")("messages", boost::program_options::value(&messages)->default_value(10000),
                                              "messages in the transcript")(
        "tickets", boost::program_options::value(&tickets)->default_value(100000), "open tickets for the sweep")(
        "db", boost::program_options::value(&db)->default_value(""), "SQLite file (default: a temporary one)");
    if (parse_options(argc, argv, desc)) return 0;
    if (messages < 1 || messages > 50000 || tickets < 1 || tickets > 10000000) {
        std::cerr << "apexcore-bench tickets: --messages 1..50000, --tickets 1..10000000\n";
        return 2;
    }
    // Transcript.
    const core::transcript t = make_transcript(messages);
    auto start = clock_type::now();
    const std::string html = render::transcript_html(t);
    const double html_seconds = seconds_since(start);
    start = clock_type::now();
    const std::string json = render::transcript_json(t);
    const double json_seconds = seconds_since(start);

    // Sweep.
    const std::string path = db.empty() ? (std::filesystem::temp_directory_path() / ("apexcore-bench-tickets-" + std::to_string(::getpid()) + ".db")).string() : db;
    std::filesystem::remove(path);
    test_support::manual_clock clock;
    double insert_seconds = 0;
    double idle_sweep_seconds = 0;
    double due_sweep_seconds = 0;
    std::size_t warned = 0;
    {
        sqlite::sqlite_store store({.path = path, .clock = &clock});
        services::shop_config config;
        config.clock = &clock;
        services::ticket_service service(store, config);
        start = clock_type::now();
        for (int first = 0; first < tickets; first += 1000) {
            store.transact([&](ports::unit_of_work& uow) {
                for (int i = first; i < std::min(tickets, first + 1000); ++i) {
                    core::ticket k;
                    k.type = "support";
                    k.opener = core::user_id{static_cast<std::uint64_t>(5000000 + i)};
                    k.opened_at = clock.now();
                    k.last_member_activity = clock.now();
                    k.answers = {{"How can we help?", "help"}};
                    (void)uow.tickets().insert_ticket(k);
                }
                return ports::tx_outcome::commit;
            });
        }
        insert_seconds = seconds_since(start);
        clock.advance(std::chrono::hours(1));
        start = clock_type::now();
        const auto idle = service.sweep(static_cast<std::size_t>(tickets));
        idle_sweep_seconds = seconds_since(start);
        if (!idle.warned.empty()) return 1;
        clock.advance(std::chrono::hours(47));
        start = clock_type::now();
        warned = service.sweep(static_cast<std::size_t>(tickets)).warned.size();
        due_sweep_seconds = seconds_since(start);
    }
    if (db.empty()) {
        std::filesystem::remove(path);
        std::filesystem::remove(path + "-wal");
        std::filesystem::remove(path + "-shm");
    }
    std::cout << nlohmann::json{{"bench", "tickets"},
                                {"transcript_messages", messages},
                                {"transcript_html_ms", html_seconds * 1000},
                                {"transcript_html_mb", static_cast<double>(html.size()) / (1024.0 * 1024.0)},
                                {"transcript_json_ms", json_seconds * 1000},
                                {"transcript_json_mb", static_cast<double>(json.size()) / (1024.0 * 1024.0)},
                                {"tickets", tickets},
                                {"insert_seconds", insert_seconds},
                                {"sweep_none_due_ms", idle_sweep_seconds * 1000},
                                {"sweep_all_due_seconds", due_sweep_seconds},
                                {"warned", warned},
                                {"warnings_per_s", static_cast<double>(warned) / due_sweep_seconds},
                                {"peak_rss_mb", peak_rss_mb()}}
                     .dump()
              << std::endl;
    return warned == static_cast<std::size_t>(tickets) ? 0 : 1;
}

}  // namespace apexcore::bench
