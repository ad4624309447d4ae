#pragma once
/// @file metrics.hpp
/// Counters, gauges and latency histograms, from every layer, to whatever the program exports.
///
/// Components that are given a `metrics*` (null: nothing is recorded, at no cost) call it at the
/// events below. Names and units follow Prometheus' conventions (`_total` counters, `_seconds`
/// histograms, base units); apexcore::render::prometheus_registry renders them in Prometheus'
/// text exposition format, and another implementation may forward them elsewhere (StatsD,
/// OpenTelemetry). Label values are bounded sets named below — never ids or free text — so the
/// number of series stays small.
///
/// | name | type | labels | recorded by |
/// |---|---|---|---|
/// | apexcore_interactions_total | counter | kind (command, component, modal, autocomplete) | discord runtime |
/// | apexcore_interaction_handler_seconds | histogram | kind | discord runtime: the handler's run |
/// | apexcore_interaction_response_seconds | histogram | kind | discord runtime: receipt → initial response sent |
/// | apexcore_rest_requests_total | counter | method, status (2xx, 4xx, 429, 5xx, error) | rest client: each attempt |
/// | apexcore_rest_rate_limited_total | counter | scope (user, shared, global) | rest client: each 429 |
/// | apexcore_gateway_connects_total | counter | cause (start, then the reconnect's cause) | gateway client |
/// | apexcore_gateway_shards_ready | gauge | — | gateway client: shards with a live session |
/// | apexcore_purchases_total | counter | outcome (ok, replayed, rejected), reason (a core::rejection name or "none") | wallet service |
/// | apexcore_outbox_dropped_total | counter | event | services: an event not written because the outbox was full |
/// | apexcore_outbox_pending | gauge | — | notifications feature: entries waiting, after each dispatch round |
/// | apexcore_outbox_sends_total | counter | outcome (sent, fallback, retry, failed) | notifications feature: each attempt |
/// | apexcore_store_commit_seconds | histogram | — | sqlite store: each committed transaction |

#include <cstdint>
#include <initializer_list>
#include <string_view>
#include <utility>

namespace apexcore::ports {

/// A metric's labels as (name, value) pairs, e.g. {{"kind", "command"}}. Views, valid during the call.
using metric_labels = std::initializer_list<std::pair<std::string_view, std::string_view>>;

/// Where metrics go. Implementations must be thread-safe: components record from any thread.
class metrics {
public:
    virtual ~metrics() = default;
    /// Adds `value` to the counter `name` with `labels`.
    virtual void count(std::string_view name, metric_labels labels, std::uint64_t value = 1) = 0;
    /// Sets the gauge `name` with `labels` to `value`.
    virtual void set(std::string_view name, metric_labels labels, double value) = 0;
    /// Records one observation, in seconds, in the histogram `name` with `labels`.
    virtual void observe(std::string_view name, metric_labels labels, double seconds) = 0;
};

}  // namespace apexcore::ports
