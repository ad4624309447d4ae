// apexcore-sandbox: a local Discord-compatible server for tests and demos (docs/sandbox.md).
#include "certificate.hpp"
#include "sandbox_server.hpp"

#include <boost/asio/io_context.hpp>
#include <boost/asio/signal_set.hpp>
#include <boost/program_options.hpp>

#include <filesystem>
#include <fstream>
#include <iostream>

namespace po = boost::program_options;

namespace {

void write_file(const std::filesystem::path& path, const std::string& text) {
    std::ofstream out(path, std::ios::binary | std::ios::trunc);
    out << text;
    if (!out) throw std::runtime_error("cannot write " + path.string());
}

}  // namespace

int main(int argc, char** argv) {
    apexcore::sandbox::server_options options;
    std::string state_dir;
    int route_window_ms = 1000;
    int session_ttl_ms = 120000;
    po::options_description desc(
        "apexcore-sandbox: a local Discord-compatible server (REST API, TLS gateway, control API) on 127.0.0.1.\n"
        "It checks requests the way Discord does and answers with Discord's error bodies.\n\n"
        "Usage: apexcore-sandbox [options]\n\nOptions");
    desc.add_options()
        ("help,h", "print this help and exit")
        ("port", po::value<std::uint16_t>(&options.port)->default_value(0),
         "TLS port for the REST API (/api/v10) and the gateway (wss://); 0 picks a free port")
        ("control-port", po::value<std::uint16_t>(&options.control_port)->default_value(0),
         "plain-HTTP port for the control API (/_sandbox/...); 0 picks a free port")
        ("token", po::value<std::string>(&options.token)->default_value("sandbox-token"),
         "the bot token the sandbox accepts (the bot must send it as DISCORD_TOKEN)")
        ("state-dir", po::value<std::string>(&state_dir)->default_value(".apexcore/sandbox"),
         "directory for ca.pem (the generated certificate, to pass as the bot's CA file) and "
         "sandbox.json (URLs, ports and ids of this run)")
        ("heartbeat-interval-ms", po::value<int>(&options.heartbeat_interval_ms)->default_value(41250),
         "heartbeat_interval sent in HELLO, in milliseconds")
        ("session-ttl-ms", po::value<int>(&session_ttl_ms)->default_value(120000),
         "how long a disconnected session can still be resumed, in milliseconds")
        ("channels", po::value<int>(&options.text_channels)->default_value(25),
         "text channels in the guild (#shop, #channel-1, ...), 1..500")
        ("route-limit", po::value<int>(&options.route_limit)->default_value(5),
         "requests allowed per rate-limit bucket (route + channel/guild/webhook) per window")
        ("route-window-ms", po::value<int>(&route_window_ms)->default_value(1000),
         "length of a bucket's window, in milliseconds")
        ("global-per-second", po::value<int>(&options.global_per_second)->default_value(50),
         "global request limit per second (interaction routes are exempt, as on Discord)")
        ("shards", po::value<int>(&options.shards)->default_value(1),
         "shard count the sandbox recommends and requires in IDENTIFY (1..64)")
        ("max-concurrency", po::value<int>(&options.max_concurrency)->default_value(1),
         "identify concurrency: IDENTIFYs allowed per 5 s, one per shard_id % max_concurrency")
        ("session-starts", po::value<int>(&options.session_starts)->default_value(1000),
         "session starts remaining today, reported by GET /gateway/bot");
    po::variables_map vm;
    try {
        po::store(po::parse_command_line(argc, argv, desc), vm);
        po::notify(vm);
    } catch (const po::error& e) {
        std::cerr << "apexcore-sandbox: " << e.what() << "\n\n" << desc << "\n";
        return 2;
    }
    if (vm.count("help") != 0U) {
        std::cout << desc << "\n";
        return 0;
    }
    if (options.heartbeat_interval_ms < 100) {
        std::cerr << "apexcore-sandbox: --heartbeat-interval-ms must be at least 100\n";
        return 2;
    }
    if (options.text_channels < 1 || options.text_channels > 500 || options.route_limit < 1 || route_window_ms < 1 ||
        options.global_per_second < 1 || options.shards < 1 || options.shards > 64 || options.max_concurrency < 1 ||
        options.session_starts < 0 || session_ttl_ms < 1) {
        std::cerr << "apexcore-sandbox: --channels must be 1..500, --shards 1..64; --route-limit, --route-window-ms, "
                     "--global-per-second, --max-concurrency and --session-ttl-ms must be positive, --session-starts >= 0\n";
        return 2;
    }
    options.route_window = std::chrono::milliseconds(route_window_ms);
    options.session_ttl = std::chrono::milliseconds(session_ttl_ms);
    try {
        const auto identity = apexcore::sandbox::generate_self_signed();
        boost::asio::io_context io(1);
        apexcore::sandbox::sandbox_server server(io, options, identity);
        server.start();

        const std::filesystem::path dir(state_dir);
        std::filesystem::create_directories(dir);
        write_file(dir / "ca.pem", identity.certificate_pem);
        const auto& ids = server.state().ids();
        const nlohmann::json info{
            {"api_base", server.api_base()},          {"gateway_url", server.gateway_url()},
            {"control_url", server.control_url()},    {"ca_file", std::filesystem::absolute(dir / "ca.pem").string()},
            {"token", options.token},                 {"guild_id", ids.guild_id},
            {"staff_role_id", ids.staff_role_id},     {"staff_user_id", ids.staff_user_id},
            {"customer_user_id", ids.customer_user_id}, {"visitor_user_id", ids.visitor_user_id},
            {"application_id", ids.application_id},
            {"channel_ids", server.state().channel_ids()},
            {"public_key", server.public_key_hex()},
            {"pid", static_cast<long>(::getpid())}};
        // Write sandbox.json atomically: readers poll for it to know the sandbox is up.
        write_file(dir / "sandbox.json.tmp", info.dump(2) + "\n");
        std::filesystem::rename(dir / "sandbox.json.tmp", dir / "sandbox.json");

        std::cout << "apexcore-sandbox listening\n"
                  << "  API:      " << server.api_base() << "\n"
                  << "  gateway:  " << server.gateway_url() << "\n"
                  << "  control:  " << server.control_url() << "\n"
                  << "  CA file:  " << (dir / "ca.pem").string() << "\n"
                  << "  state:    " << (dir / "sandbox.json").string() << std::endl;

        boost::asio::signal_set signals(io, SIGINT, SIGTERM);
        signals.async_wait([&](const boost::system::error_code&, int) { io.stop(); });
        io.run();
        std::cout << "apexcore-sandbox: stopped" << std::endl;
    } catch (const std::exception& e) {
        std::cerr << "apexcore-sandbox: " << e.what() << "\n";
        return 1;
    }
    return 0;
}
