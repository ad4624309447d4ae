#pragma once
/// @file supervision.hpp
/// How the Discord layer survives its own failures (issue 8 "never die silently").
///
/// Every coroutine the layer starts has a completion handler (never `detached`). An exception
/// that escapes one is logged with its component ("rest connection 2", "gateway shard 0/4",
/// "interactions endpoint accept loop") and the component is restarted — a REST connection is
/// dropped and its request answered with an error, a gateway shard reconnects through its
/// session machine with backoff, the endpoint resumes accepting — or, where nothing can be
/// restarted, `on_fatal` is called so the process exits with code 1 and a supervisor restarts it.
///
/// Callbacks given to the layer (REST completions, gateway dispatch handlers, interaction
/// handlers) are user code: an exception from one is logged and contained, never propagated
/// into the layer's own state.

#include <apexcore/ports/log.hpp>

#include <functional>
#include <string_view>

namespace apexcore::discord {

/// A test hook called at named points of the Discord layer; production code leaves it empty.
/// A hook that throws simulates an unexpected failure at that point (the component must log it
/// and recover). Points: "rest.dispatch", "rest.exchange", "rest.callback", "gateway.read",
/// "gateway.write", "gateway.dispatch", "endpoint.accept", "endpoint.session", "runtime.handler",
/// and "runtime.dispatch" (deliberately unsupervised: it escapes io_context::run(), and apexbot
/// exits with code 1).
using fault_hook = std::function<void(std::string_view point)>;

/// Log records (ports/log.hpp). Called from the components' strands: when the io_context runs on
/// several threads, it may be called from several threads at once and must be thread-safe. An
/// exception it throws is swallowed. Components: "gateway" (with the shard as "shard i/n: …" in
/// the message), "rest", "endpoint", "runtime".
using log_fn = ports::log_fn;

}  // namespace apexcore::discord
