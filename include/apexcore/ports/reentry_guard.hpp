#pragma once
/// @file reentry_guard.hpp
/// For store adapters (ports/store.hpp: "work must not call back into the store"): a guard that
/// marks the calling thread as inside a unit of work of one store kind for its lifetime.

#include <apexcore/ports/store.hpp>

#include <string>

namespace apexcore::ports {

/// Constructed at the start of store::transact / read. A second guard of the same `Store` on the
/// same thread while the first lives throws store_error naming `Store::store_name` — a unit of
/// work that calls back into its store would otherwise wait forever for itself (a pooled
/// connection, the single writer).
template <class Store>
class reentry_guard {
public:
    reentry_guard() {
        if (active_) {
            throw store_error(std::string(Store::store_name) + ": a unit of work called back into the store (transact/read inside transact/read)");
        }
        active_ = true;
    }
    ~reentry_guard() { active_ = false; }
    reentry_guard(const reentry_guard&) = delete;
    reentry_guard& operator=(const reentry_guard&) = delete;

private:
    static thread_local inline bool active_ = false;
};

}  // namespace apexcore::ports
