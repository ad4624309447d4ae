#pragma once
/// @file tls.hpp
/// The TLS client context shared by the REST and gateway clients.

#include <boost/asio/ssl/context.hpp>

#include <string>

namespace apexcore::discord {

/// A TLS 1.2+ client context that verifies peers: against `ca_file` (PEM) when it is not empty —
/// e.g. the sandbox's self-signed certificate — else against the system's trust store. Throws
/// std::runtime_error naming the file when it cannot be loaded.
[[nodiscard]] boost::asio::ssl::context make_client_tls_context(const std::string& ca_file);

}  // namespace apexcore::discord
