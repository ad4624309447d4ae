// apexcore-rest-proxy: one rate limiter for every bot process of one token (docs/scaling.md,
// include/apexcore/discord/rest_proxy.hpp).
#include <apexcore/discord/http_url.hpp>
#include <apexcore/discord/rest_client.hpp>
#include <apexcore/discord/rest_proxy.hpp>

#include <boost/asio/io_context.hpp>
#include <boost/asio/signal_set.hpp>
#include <boost/program_options.hpp>

#include <chrono>
#include <cstdlib>
#include <iomanip>
#include <iostream>
#include <mutex>
#include <thread>
#include <vector>

namespace po = boost::program_options;

namespace {

/// One line per record on stderr: "2026-11-30T18:00:00Z warning proxy: …".
void log_line(const apexcore::ports::log_record& r) {
    static std::mutex mutex;
    const auto now = std::chrono::system_clock::to_time_t(std::chrono::system_clock::now());
    std::tm tm{};
    gmtime_r(&now, &tm);
    const std::lock_guard lock(mutex);
    std::cerr << std::put_time(&tm, "%FT%TZ") << ' ' << apexcore::ports::to_string(r.level) << ' ' << r.component << ": "
              << r.message << '\n';
}

}  // namespace

int main(int argc, char** argv) {
    std::string listen = "127.0.0.1:8085";
    std::string api_base = "https://discord.com/api/v10";
    std::string ca_file;
    int global_per_second = 50;
    std::size_t connections = 16;
    po::options_description desc(
        "apexcore-rest-proxy: forwards the REST calls of every bot process of one token to Discord through one\n"
        "rate limiter (buckets and the global limit shared). Bots set discord.api_base to\n"
        "http://HOST:PORT/api/v10. The token is read from DISCORD_TOKEN. docs/scaling.md\n\nOptions");
    desc.add_options()("help,h", "this help")
        ("listen", po::value<std::string>(&listen)->default_value(listen),
         "HOST:PORT to listen on (plain HTTP: keep it on loopback or a private network; port 0 = any free port)")
        ("api-base", po::value<std::string>(&api_base)->default_value(api_base), "Discord's API, https:// with the version")
        ("ca-file", po::value<std::string>(&ca_file), "PEM file to trust instead of the system store (the sandbox's ca.pem)")
        ("global-per-second", po::value<int>(&global_per_second)->default_value(global_per_second),
         "the token's global limit (Discord: 50, REFERENCE.md §2.3), 1..10000")
        ("connections", po::value<std::size_t>(&connections)->default_value(connections), "HTTPS connections to Discord, 1..64");
    po::variables_map vm;
    try {
        po::store(po::parse_command_line(argc, argv, desc), vm);
        po::notify(vm);
    } catch (const std::exception& e) {
        std::cerr << "apexcore-rest-proxy: " << e.what() << "\n" << desc << "\n";
        return 2;
    }
    if (vm.count("help") != 0) {
        std::cout << desc << "\n";
        return 0;
    }
    const char* token = std::getenv("DISCORD_TOKEN");
    if (token == nullptr || *token == '\0') {
        std::cerr << "apexcore-rest-proxy: set DISCORD_TOKEN to the bot token the bots use\n";
        return 2;
    }
    const auto colon = listen.rfind(':');
    int port = -1;
    if (colon != std::string::npos) {
        try {
            port = std::stoi(listen.substr(colon + 1));
        } catch (const std::exception&) {
            port = -1;
        }
    }
    if (colon == std::string::npos || port < 0 || port > 65535 || global_per_second < 1 || global_per_second > 10000 ||
        connections < 1 || connections > 64) {
        std::cerr << "apexcore-rest-proxy: --listen must be HOST:PORT (port 0..65535), --global-per-second 1..10000, "
                     "--connections 1..64\n";
        return 2;
    }
    std::string url_error;
    const auto upstream_url = apexcore::discord::parse_endpoint_url(api_base, url_error);
    if (!upstream_url) {
        std::cerr << "apexcore-rest-proxy: --api-base: " << url_error << "\n";
        return 2;
    }
    try {
        boost::asio::io_context io;
        apexcore::discord::rest_options rest;
        rest.api_base = api_base;
        rest.token = token;
        rest.ca_file = ca_file;
        rest.global_per_second = global_per_second;
        rest.connections_max = connections;
        rest.ordinary_connections_max = std::max<std::size_t>(1, connections / 2);
        rest.log = log_line;
        apexcore::discord::rest_client client(io, rest);
        apexcore::discord::rest_proxy_options options;
        std::string host = listen.substr(0, colon);
        if (host.size() > 2 && host.front() == '[' && host.back() == ']') host = host.substr(1, host.size() - 2);
        options.address = host;
        options.port = static_cast<std::uint16_t>(port);
        options.path_prefix = upstream_url->path.empty() ? "/api/v10" : upstream_url->path;
        options.token = token;
        options.log = log_line;
        apexcore::discord::rest_proxy proxy(io, client, options);
        proxy.start();
        std::cout << "apexcore-rest-proxy listening on http://" << listen.substr(0, colon) << ":" << proxy.port()
                  << options.path_prefix << " -> " << api_base << " (" << global_per_second << " requests/s)" << std::endl;
        boost::asio::signal_set signals(io, SIGINT, SIGTERM);
        signals.async_wait([&](const boost::system::error_code&, int) {
            proxy.stop();
            client.stop();
            io.stop();
        });
        std::vector<std::thread> threads;
        for (int i = 0; i < 2; ++i) {
            threads.emplace_back([&io] {
                try {
                    io.run();
                } catch (const std::exception& e) {  // nothing escapes on purpose: exit 1 for the supervisor
                    std::cerr << "apexcore-rest-proxy: unrecoverable: " << e.what() << "\n";
                    std::_Exit(1);
                }
            });
        }
        for (auto& t : threads) t.join();
        const auto s = proxy.stats();
        std::cout << "apexcore-rest-proxy stopped: " << s.requests << " requests, " << s.forwarded << " forwarded, "
                  << s.refused << " refused, " << client.stats().responses_429 << " upstream 429s" << std::endl;
        return 0;
    } catch (const std::exception& e) {
        std::cerr << "apexcore-rest-proxy: " << e.what() << "\n";
        return 1;
    }
}
