#pragma once
// Completion handlers for co_spawn (include/apexcore/discord/supervision.hpp): log what escaped
// a coroutine with its component's name, then let the owner restart the component.
#include <apexcore/discord/supervision.hpp>

#include <exception>
#include <string>
#include <utility>

namespace apexcore::discord::detail {

/// The message of an exception_ptr ("unknown exception" for non-std exceptions).
inline std::string describe(std::exception_ptr e) {
    try {
        std::rethrow_exception(std::move(e));
    } catch (const std::exception& x) {
        return x.what();
    } catch (...) {
        return "unknown exception";
    }
}

/// The log component of a supervised part: its first word ("gateway shard 0/1 writer" ->
/// "gateway", "rest connection 2" -> "rest").
inline std::string_view component_of(std::string_view part) { return part.substr(0, part.find(' ')); }

/// A co_spawn completion handler: on an exception, logs "<part>: failed: <what>" as an error of
/// the part's component and calls `on_failure(what)`; does nothing on normal completion.
template <class OnFailure>
auto supervised(log_fn log, std::string part, OnFailure on_failure) {
    return [log = std::move(log), part = std::move(part), on_failure = std::move(on_failure)](std::exception_ptr e) mutable {
        if (!e) return;
        const std::string what = describe(e);
        ports::emit(log, ports::log_level::error, component_of(part), part + ": failed: " + what);
        on_failure(what);
    };
}

/// Calls a user callback; an exception from it is logged as "<where>: a callback threw: <what>"
/// and contained. Returns false when it threw.
template <class F>
bool contain(const log_fn& log, std::string_view where, F&& f) noexcept {
    try {
        std::forward<F>(f)();
        return true;
    } catch (...) {
        try {
            ports::emit(log, ports::log_level::error, component_of(where),
                        std::string(where) + ": a callback threw (contained): " + describe(std::current_exception()));
        } catch (...) {
        }
        return false;
    }
}

/// Calls the fault hook at `point`, if one is set.
inline void fault_point(const fault_hook& hook, std::string_view point) {
    if (hook) hook(point);
}

}  // namespace apexcore::discord::detail
