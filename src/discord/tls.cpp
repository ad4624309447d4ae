#include <apexcore/discord/tls.hpp>

#include <boost/asio/ssl.hpp>

#include <stdexcept>

namespace apexcore::discord {

namespace net = boost::asio;
namespace ssl = net::ssl;

net::ssl::context make_client_tls_context(const std::string& ca_file) {
    ssl::context ctx(ssl::context::tls_client);
    ctx.set_options(ssl::context::default_workarounds | ssl::context::no_sslv2 | ssl::context::no_sslv3 |
                    ssl::context::no_tlsv1 | ssl::context::no_tlsv1_1);
    ctx.set_verify_mode(ssl::verify_peer);
    boost::system::error_code ec;
    if (ca_file.empty()) {
        ctx.set_default_verify_paths(ec);
        if (ec) throw std::runtime_error("cannot load the system's CA certificates: " + ec.message());
    } else {
        ctx.load_verify_file(ca_file, ec);
        if (ec) throw std::runtime_error("cannot load CA file '" + ca_file + "': " + ec.message());
    }
    return ctx;
}

}  // namespace apexcore::discord
