// apexcore-bench: workloads whose figures are reported, never asserted (docs/benchmarks.md).
//
//   apexcore-bench rest [--requests N] [--channels C] [--route-limit L] [--route-window-ms W]
//                       [--global-per-second G] [--stall-ms MS] [--sandbox PATH]
//     Starts apexcore-sandbox with those limits, sends N message creates spread over C channels
//     through discord::rest_client, and reports the time taken against the theoretical minimum
//     the limits allow, the 429s received and the p50/p99 completion times. With --stall-ms, runs
//     the workload again with one bucket stalled (its first request held MS ms by the sandbox) and
//     reports the other buckets' p50/p99 beside the first run's.
//
//   apexcore-bench gateway [--events N]
//     Decodes and dispatches N INTERACTION_CREATE frames through the gateway session machine and
//     the interaction model, as the bot does per event; reports events/s and peak RSS.
//
//   apexcore-bench purchases [--db PATH] [--users U] [--products P] [--purchases N] [--workers C]
//                            [--seed S] [--deposit-cents D] [--sync full|normal]
//                            [--store postgresql://… [--connections N]]
//     shared/bench/purchases.md exactly, through wallet_service over sqlite_store (group commit);
//     checks the invariants and the state digest against the reference simulation.
//
//   apexcore-bench guild-cache [--members N] [--channels C] [--roles R]
//     Fills discord::cache::guild_cache with one guild of N members (0-3 roles each), C channels
//     (3 overwrites each) and R roles, through GUILD_CREATE and GUILD_MEMBERS_CHUNK as the
//     gateway sends them; reports the heap it holds (malloc's in-use bytes), bytes per member,
//     load time and permission questions per second.
//
//   apexcore-bench storefront [--products N] [--rate R] [--seconds S] [--workers W] [--db PATH]
//     Product cards, wallet purchases and /buy browsing through bot::shop_bot at R interactions/s
//     over SQLite; p50/p99 from received to response ready, and RSS (storefront_bench.cpp).
//
//   apexcore-bench tickets [--messages N] [--tickets T] [--db PATH]
//     Renders a transcript of N messages (HTML and JSON: time, size), then sweeps T open
//     tickets in SQLite with none due and with all due (tickets_bench.cpp).
//
// Each prints one line of JSON.
#include "../e2e/control_client.hpp"
#include "bench_common.hpp"

#include <apexcore/discord/cache/guild_cache.hpp>
#include <apexcore/discord/gateway/session_machine.hpp>
#include <apexcore/discord/model.hpp>
#include <apexcore/discord/rest_client.hpp>

#include <boost/asio/io_context.hpp>
#include <boost/program_options.hpp>

#include <algorithm>
#include <chrono>
#include <malloc.h>
#include <random>
#include <csignal>
#include <fcntl.h>
#include <filesystem>
#include <fstream>
#include <iostream>
#include <thread>

#include <spawn.h>
#include <sys/resource.h>
#include <sys/wait.h>
#include <unistd.h>

extern char** environ;

namespace {

namespace po = boost::program_options;
namespace fs = std::filesystem;
using apexcore::discord::json;
using clock_type = std::chrono::steady_clock;

using apexcore::bench::parse_options;
using apexcore::bench::peak_rss_mb;

/// Bytes malloc has handed out and not had back (glibc).
std::size_t heap_in_use() { return mallinfo2().uordblks; }

/// The sandbox next to this binary in the build tree, unless given.
std::string default_sandbox_path(const char* argv0) {
    const fs::path self = fs::canonical(fs::path("/proc/self/exe"));
    for (const auto& candidate : {self.parent_path().parent_path() / "examples" / "apexcore-sandbox",
                                  self.parent_path() / "apexcore-sandbox"}) {
        if (fs::exists(candidate)) return candidate.string();
    }
    (void)argv0;
    return "apexcore-sandbox";
}

/// One pass of the rest workload and its figures.
struct rest_run {
    double seconds = 0;
    int failed = 0;
    std::uint64_t responses_429 = 0;
    std::uint64_t retries = 0;
    std::vector<double> others_ms;   ///< completion times (from the start) on buckets not stalled
    std::vector<double> stalled_ms;  ///< completion times on the stalled bucket

    static double percentile(std::vector<double> v, double p) {
        if (v.empty()) return 0;
        std::sort(v.begin(), v.end());
        const auto i = static_cast<std::size_t>(p * static_cast<double>(v.size() - 1) + 0.5);
        return v[std::min(i, v.size() - 1)];
    }
    [[nodiscard]] json to_json() const {
        json j{{"seconds", seconds},
               {"responses_429", responses_429},
               {"retries", retries},
               {"failed", failed},
               {"other_buckets_p50_ms", percentile(others_ms, 0.50)},
               {"other_buckets_p99_ms", percentile(others_ms, 0.99)},
               {"other_buckets_last_ms", percentile(others_ms, 1.0)}};
        if (!stalled_ms.empty()) j["stalled_bucket_last_ms"] = percentile(stalled_ms, 1.0);
        return j;
    }
};

/// Sends `requests` message creates over `channels` channels (#channel-1 ...) at once and waits
/// for all; `stalled_channel` is the one whose times are reported apart (may be empty).
rest_run run_rest_once(const json& info, int requests, int channels, int global, const std::string& stalled_channel) {
    const std::vector<std::string> channel_ids = info["channel_ids"];  // [0] is #shop; use #channel-1 ...
    boost::asio::io_context io(1);
    apexcore::discord::rest_options options;
    options.api_base = info["api_base"];
    options.token = info["token"];
    options.ca_file = info["ca_file"];
    options.global_per_second = global;
    apexcore::discord::rest_client client(io, options);
    rest_run run;
    int done = 0;
    const auto start = clock_type::now();
    for (int i = 0; i < requests; ++i) {
        const std::string& channel = channel_ids.at(1 + static_cast<std::size_t>(i % channels));
        const bool stalled = channel == stalled_channel;
        client.request(apexcore::discord::http_method::post, "/channels/" + channel + "/messages",
                       json{{"content", "bench message " + std::to_string(i)}},
                       [&, stalled](std::error_code ec, apexcore::discord::rest_response res) {
                           const double ms = std::chrono::duration<double, std::milli>(clock_type::now() - start).count();
                           (stalled ? run.stalled_ms : run.others_ms).push_back(ms);
                           if (ec || !res.ok()) ++run.failed;
                           if (++done == requests) io.stop();
                       });
    }
    io.run();
    run.seconds = std::chrono::duration<double>(clock_type::now() - start).count();
    const auto stats = client.stats();
    run.responses_429 = stats.responses_429;
    run.retries = stats.retries;
    return run;
}

int run_rest(int argc, char** argv) {
    int requests = 2000;
    int channels = 20;
    int route_limit = 5;
    int route_window_ms = 1000;
    int global = 50;
    int stall_ms = 0;
    std::string sandbox = default_sandbox_path(argv[0]);
    po::options_description desc("apexcore-bench rest options");
    desc.add_options()("help,h", "this help")("requests", po::value(&requests)->default_value(2000), "message creates to send")(
        "channels", po::value(&channels)->default_value(20), "channels to spread them over")(
        "route-limit", po::value(&route_limit)->default_value(5), "sandbox: requests per bucket window")(
        "route-window-ms", po::value(&route_window_ms)->default_value(1000), "sandbox: bucket window")(
        "global-per-second", po::value(&global)->default_value(50), "sandbox and client: global limit")(
        "sandbox", po::value(&sandbox), "path of apexcore-sandbox")(
        "stall-ms", po::value(&stall_ms)->default_value(0),
        "then run again with one bucket stalled this long (0: no second run)");
    if (parse_options(argc, argv, desc)) return 0;
    if (requests < 1 || channels < 1 || channels > 499 || route_limit < 1 || route_window_ms < 1 || global < 1 || stall_ms < 0 ||
        (stall_ms > 0 && channels < 2)) {
        std::cerr << "apexcore-bench rest: all values must be positive, channels <= 499 (>= 2 with --stall-ms)\n";
        return 2;
    }

    const fs::path dir = fs::temp_directory_path() / ("apexcore-bench-" + std::to_string(::getpid()));
    fs::create_directories(dir);
    std::vector<std::string> args{sandbox,          "--state-dir",      dir.string(),
                                  "--channels",     std::to_string(channels + 1),
                                  "--route-limit",  std::to_string(route_limit),
                                  "--route-window-ms", std::to_string(route_window_ms),
                                  "--global-per-second", std::to_string(global)};
    std::vector<char*> argv_c;
    for (auto& a : args) argv_c.push_back(a.data());
    argv_c.push_back(nullptr);
    posix_spawn_file_actions_t actions;
    posix_spawn_file_actions_init(&actions);
    posix_spawn_file_actions_addopen(&actions, 1, (dir / "sandbox.log").c_str(), O_WRONLY | O_CREAT | O_TRUNC, 0644);
    pid_t pid = -1;
    if (posix_spawn(&pid, sandbox.c_str(), &actions, nullptr, argv_c.data(), environ) != 0) {
        std::cerr << "apexcore-bench rest: cannot start " << sandbox << " (use --sandbox PATH)\n";
        return 1;
    }
    posix_spawn_file_actions_destroy(&actions);
    const fs::path info_path = dir / "sandbox.json";
    for (int i = 0; i < 500 && !fs::exists(info_path); ++i) std::this_thread::sleep_for(std::chrono::milliseconds(20));
    std::ifstream in(info_path);
    const json info = json::parse(in, nullptr, false);
    if (info.is_discarded()) {
        kill(pid, SIGKILL);
        std::cerr << "apexcore-bench rest: the sandbox did not start\n";
        return 1;
    }
    const std::vector<std::string> channel_ids = info["channel_ids"];  // [0] is #shop; use #channel-1 ...

    const int per_channel = (requests + channels - 1) / channels;
    const double bucket_min = static_cast<double>((per_channel + route_limit - 1) / route_limit - 1) * route_window_ms / 1000.0;
    const double global_min = static_cast<double>((requests + global - 1) / global - 1);
    // Theoretical minimum: each channel's bucket admits route_limit requests per window and the
    // global limit `global` per second, both from t = 0; the last batch starts when its window
    // opens, so k batches take (k - 1) windows (network time not counted).
    const double theoretical = std::max(bucket_min, global_min);
    json out{{"bench", "rest"},
             {"requests", requests},
             {"channels", channels},
             {"route_limit", route_limit},
             {"route_window_ms", route_window_ms},
             {"global_per_second", global},
             {"theoretical_min_seconds", theoretical}};
    const rest_run plain = run_rest_once(info, requests, channels, global, "");
    out.update(plain.to_json());
    out["overhead_percent"] = theoretical > 0 ? (plain.seconds / theoretical - 1.0) * 100.0 : 0.0;
    int failed = plain.failed;
    if (stall_ms > 0) {
        // The same workload again with one bucket (#channel-1's messages) stalled: its first
        // request is held stall_ms by the sandbox. The other buckets should finish as before.
        std::this_thread::sleep_for(std::chrono::milliseconds(route_window_ms + 1000));  // let every window drain
        const std::string stalled = "/api/v10/channels/" + channel_ids.at(1) + "/messages";
        apexcore::test_support::control_client control(info["control_url"].get<std::string>());
        control.post("/_sandbox/faults", {{"stall_route", {{"path", stalled}, {"count", 1}, {"ms", stall_ms}}}});
        const rest_run with_stall = run_rest_once(info, requests, channels, global, channel_ids.at(1));
        out["stalled_bucket"] = with_stall.to_json();
        out["stalled_bucket"]["stall_ms"] = stall_ms;
        failed += with_stall.failed;
    }
    kill(pid, SIGTERM);
    int status = 0;
    waitpid(pid, &status, 0);
    fs::remove_all(dir);
    std::cout << out.dump() << std::endl;
    return failed == 0 ? 0 : 1;
}

int run_gateway(int argc, char** argv) {
    int events = 100000;
    po::options_description desc("apexcore-bench gateway options");
    desc.add_options()("help,h", "this help")("events", po::value(&events)->default_value(100000), "frames to process");
    if (parse_options(argc, argv, desc)) return 0;
    namespace gw = apexcore::discord::gateway;
    gw::machine_options o;
    o.token = "bench";
    gw::session_machine machine(o, 1);
    gw::time_point now{std::chrono::seconds(1)};
    machine.start("wss://bench", now);
    machine.on_open(now);
    machine.on_text(R"({"op":10,"d":{"heartbeat_interval":41250}})", now);
    machine.on_text(R"({"op":0,"s":1,"t":"READY","d":{"session_id":"s","resume_gateway_url":"wss://r","application":{"id":"1"}}})",
                    now);
    (void)machine.take_actions();

    // A realistic component interaction (~1.7 KB), with a fresh id and sequence per frame.
    json frame = json::parse(R"({"op":0,"t":"INTERACTION_CREATE","d":{"application_id":"1300000000000000001","type":3,
      "guild_id":"1300000000000000100","channel_id":"1300000000000000300","token":"aW50ZXJhY3Rpb246MTIzNDU2Nzg5MDEyMzQ1Njc4OTA",
      "version":1,"app_permissions":"2248473465835073","locale":"en-US","guild_locale":"en-US","entitlements":[],
      "authorizing_integration_owners":{"0":"1300000000000000100"},"context":0,"attachment_size_limit":10485760,
      "member":{"user":{"id":"1300000000000002000","username":"customer","global_name":"customer","avatar":null},
        "roles":["1300000000000000201"],"nick":null,"joined_at":"2026-11-01T00:00:00.000000+00:00","deaf":false,"mute":false,
        "flags":0,"pending":false,"permissions":"2248473465835073"},
      "message":{"id":"1300000000000009999","channel_id":"1300000000000000300","content":"",
        "embeds":[{"title":"Shop","description":"Pick a product to see its details.","color":5793266}],
        "components":[{"type":1,"components":[{"type":3,"custom_id":"ac1:s","options":[
          {"label":"Indie Bundle Key - Standard","value":"4","description":"Gaming / Keys - $12.00"},
          {"label":"SafeVPN - 3 months","value":"5","description":"Software / Security - $9.00"}]}]}]},
      "data":{"custom_id":"ac1:s","component_type":3,"values":["4"]}}})");
    std::vector<std::string> frames;
    frames.reserve(1024);
    for (int i = 0; i < 1024; ++i) {
        frame["d"]["id"] = std::to_string(1400000000000000000ULL + static_cast<std::uint64_t>(i));
        frame["s"] = i + 2;
        frames.push_back(frame.dump());
    }
    std::size_t dispatched = 0;
    std::size_t bytes = 0;
    const auto start = clock_type::now();
    for (int i = 0; i < events; ++i) {
        const std::string& text = frames[static_cast<std::size_t>(i) % frames.size()];
        bytes += text.size();
        machine.on_text(text, now);
        for (auto& a : machine.take_actions()) {
            if (auto* d = std::get_if<gw::dispatch_action>(&a); d != nullptr && d->event == "INTERACTION_CREATE") {
                const auto envelope = apexcore::discord::parse_interaction(d->data);
                if (envelope) ++dispatched;
            }
        }
    }
    const double seconds = std::chrono::duration<double>(clock_type::now() - start).count();
    std::cout << json{{"bench", "gateway"},
                      {"events", events},
                      {"dispatched", dispatched},
                      {"seconds", seconds},
                      {"events_per_s", events / seconds},
                      {"mb_per_s", static_cast<double>(bytes) / seconds / 1e6},
                      {"frame_bytes", frames.front().size()},
                      {"peak_rss_mb", peak_rss_mb()}}
                     .dump()
              << std::endl;
    return dispatched == static_cast<std::size_t>(events) ? 0 : 1;
}

int run_guild_cache(int argc, char** argv) {
    int members = 100000;
    int channels = 2000;
    int roles = 250;
    po::options_description desc("apexcore-bench guild-cache options");
    desc.add_options()("help,h", "this help")("members", po::value(&members)->default_value(100000), "members to cache")(
        "channels", po::value(&channels)->default_value(2000), "channels (each with 3 overwrites)")(
        "roles", po::value(&roles)->default_value(250), "roles (members hold 0-3)");
    if (parse_options(argc, argv, desc)) return 0;
    if (members < 1 || channels < 1 || roles < 1 || roles > 250) {
        std::cerr << "apexcore-bench guild-cache: values must be positive, roles <= 250\n";
        return 2;
    }
    namespace cache = apexcore::discord::cache;
    const std::uint64_t guild = 1300000000000000100ULL;
    const auto id = [](std::uint64_t base, int i) { return std::to_string(base + static_cast<std::uint64_t>(i)); };
    cache::cache_limits limits;
    limits.channels_per_guild_max = static_cast<std::size_t>(channels) + 1;
    limits.members_max = static_cast<std::size_t>(members) + 1;
    const std::size_t heap_before = heap_in_use();
    cache::guild_cache guild_state(limits);
    const auto start = clock_type::now();
    {
        json create{{"id", std::to_string(guild)}, {"owner_id", "1"}, {"roles", json::array()}, {"channels", json::array()}};
        create["roles"].push_back({{"id", std::to_string(guild)}, {"name", "@everyone"}, {"position", 0}, {"permissions", "3072"}});
        for (int r = 1; r < roles; ++r) {
            create["roles"].push_back({{"id", id(2000000000000000000ULL, r)}, {"name", "role " + std::to_string(r)}, {"position", r},
                                       {"permissions", "0"}});
        }
        for (int c = 0; c < channels; ++c) {
            create["channels"].push_back(
                {{"id", id(3000000000000000000ULL, c)},
                 {"type", 0},
                 {"name", "channel-" + std::to_string(c)},
                 {"permission_overwrites",
                  json::array({{{"id", std::to_string(guild)}, {"type", 0}, {"allow", "0"}, {"deny", "1024"}},
                               {{"id", id(2000000000000000000ULL, 1 + c % (roles - 1 > 0 ? roles - 1 : 1))}, {"type", 0}, {"allow", "3072"}, {"deny", "0"}},
                               {{"id", id(4000000000000000000ULL, c % members)}, {"type", 1}, {"allow", "101376"}, {"deny", "0"}}})}});
        }
        guild_state.apply("GUILD_CREATE", create);
    }
    for (int first = 0; first < members; first += 1000) {  // GUILD_MEMBERS_CHUNK holds up to 1000
        json chunk{{"guild_id", std::to_string(guild)}, {"members", json::array()}};
        for (int m = first; m < std::min(members, first + 1000); ++m) {
            json held = json::array();
            for (int k = 0; k < m % 4; ++k) held.push_back(id(2000000000000000000ULL, 1 + (m + k * 7) % std::max(1, roles - 1)));
            chunk["members"].push_back({{"user", {{"id", id(4000000000000000000ULL, m)}, {"username", "m"}}}, {"roles", held}});
        }
        guild_state.apply("GUILD_MEMBERS_CHUNK", chunk);
    }
    const double load_seconds = std::chrono::duration<double>(clock_type::now() - start).count();
    const std::size_t heap_after = heap_in_use();
    // Permission questions as a ticket feature asks them: a member in a channel.
    std::mt19937_64 rng(42);
    std::size_t granted = 0;
    const int queries = 200000;
    const auto q_start = clock_type::now();
    for (int q = 0; q < queries; ++q) {
        const auto user = apexcore::core::user_id{4000000000000000000ULL + rng() % static_cast<std::uint64_t>(members)};
        const auto channel = apexcore::core::channel_id{3000000000000000000ULL + rng() % static_cast<std::uint64_t>(channels)};
        const auto p = guild_state.permissions_in(apexcore::core::guild_id{guild}, channel, user);
        if (p && (*p & cache::permission::view_channel) != 0) ++granted;
    }
    const double q_seconds = std::chrono::duration<double>(clock_type::now() - q_start).count();
    const auto stats = guild_state.stats();
    const double heap_mb = static_cast<double>(heap_after - heap_before) / (1024.0 * 1024.0);
    std::cout << json{{"bench", "guild-cache"},
                      {"members", stats.members},
                      {"channels", stats.channels},
                      {"roles", stats.roles},
                      {"dropped", stats.dropped},
                      {"heap_mb", heap_mb},
                      {"bytes_per_member", static_cast<double>(heap_after - heap_before) / static_cast<double>(members)},
                      {"load_seconds", load_seconds},
                      {"permission_queries_per_s", queries / q_seconds},
                      {"queries_with_view", granted},
                      {"peak_rss_mb", peak_rss_mb()}}
                     .dump()
              << std::endl;
    return stats.members == static_cast<std::size_t>(members) ? 0 : 1;
}

}  // namespace

int main(int argc, char** argv) {
    const std::string usage =
        "usage: apexcore-bench rest [--requests N] [--channels C] [--route-limit L] [--route-window-ms W]\n"
        "                           [--global-per-second G] [--stall-ms MS] [--sandbox PATH]\n"
        "       apexcore-bench gateway [--events N]\n"
        "       apexcore-bench guild-cache [--members N] [--channels C] [--roles R]\n"
        "       apexcore-bench tickets [--messages N] [--tickets T] [--db PATH]\n"
        "       apexcore-bench storefront [--products N] [--rate R] [--seconds S] [--workers W] [--db PATH]\n"
        "       apexcore-bench purchases [--db PATH] [--users U] [--products P] [--purchases N] [--workers C]\n"
        "                                [--seed S] [--deposit-cents D] [--sync full|normal]\n"
        "                                [--store postgresql://… [--connections N]]\n"
        "Each prints one line of JSON; see docs/benchmarks.md.\n";
    if (argc < 2 || std::string(argv[1]) == "--help" || std::string(argv[1]) == "-h") {
        std::cout << usage;
        return argc < 2 ? 2 : 0;
    }
    const std::string what = argv[1];
    try {
        if (what == "rest") return run_rest(argc - 1, argv + 1);
        if (what == "gateway") return run_gateway(argc - 1, argv + 1);
        if (what == "guild-cache") return run_guild_cache(argc - 1, argv + 1);
        if (what == "purchases") return apexcore::bench::run_purchases(argc - 1, argv + 1);
        if (what == "tickets") return apexcore::bench::run_tickets(argc - 1, argv + 1);
        if (what == "storefront") return apexcore::bench::run_storefront(argc - 1, argv + 1);
    } catch (const std::exception& e) {
        std::cerr << "apexcore-bench: " << e.what() << "\n";
        return 2;
    }
    std::cerr << "apexcore-bench: unknown workload '" << what << "'\n" << usage;
    return 2;
}
