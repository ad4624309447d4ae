#pragma once
// What a failed connection to Discord (or the sandbox) says in the log: the error's own words,
// never the library-internal source location that boost::system::system_error::what() appends,
// and for a certificate the client refused, OpenSSL's reason and the setting that decides it.
#include <boost/asio/error.hpp>
#include <boost/asio/ssl/error.hpp>
#include <boost/system/error_code.hpp>

#include <openssl/ssl.h>
#include <openssl/x509_vfy.h>

#include <string>
#include <string_view>

namespace apexcore::discord::detail {

/// One line for a failed resolve, connect or TLS handshake with `host`. `ssl` is the connection's
/// OpenSSL handle after a failed handshake (nullptr before one); `ca_file` the configured CA file
/// ("" = the system trust store). Example: "TLS with discord.com:443 failed: the server's
/// certificate was refused (self-signed certificate); discord.ca_file (/etc/x.pem) must hold the
/// certificate of the server's issuer".
inline std::string describe_connect_error(const boost::system::error_code& ec, std::string_view stage,
                                          std::string_view host, SSL* ssl, std::string_view ca_file) {
    std::string line = std::string(stage) + " " + std::string(host) + " failed: ";
    const long verify = ssl != nullptr ? SSL_get_verify_result(ssl) : X509_V_OK;
    if (verify != X509_V_OK) {
        line += "the server's certificate was refused (";
        line += X509_verify_cert_error_string(verify);
        line += "); ";
        if (ca_file.empty()) {
            line += "the system's trust store (Debian: ca-certificates) does not vouch for it — check discord.api_base, "
                    "or set discord.ca_file to a PEM file with the certificate of the server's issuer";
        } else {
            line += "discord.ca_file (" + std::string(ca_file) +
                    ") must hold the certificate (PEM) of the server's issuer — is it the right file?";
        }
        return line;
    }
    line += ec.message();
    if (ec.category() == boost::asio::error::get_ssl_category() || ec == boost::asio::ssl::error::stream_truncated) {
        line += " (TLS; is the address an https:// / wss:// endpoint?)";
    }
    return line;
}

}  // namespace apexcore::discord::detail
