#pragma once
// Private to the discord adapter: the ids seen most recently, bounded, for dropping the
// duplicate events Discord may deliver (REFERENCE.md "Consistency"). Not synchronised: the
// caller serialises access (a strand, or a mutex).
#include <cstddef>
#include <deque>
#include <unordered_set>

namespace apexcore::discord::detail {

template <class Id>
class recent_ids {
public:
    explicit recent_ids(std::size_t capacity) : capacity_(capacity) {}

    /// True the first time `id` is seen among the last `capacity` ids; false for a repeat.
    bool first_time(Id id) {
        if (!seen_.insert(id).second) return false;
        order_.push_back(id);
        if (order_.size() > capacity_) {
            seen_.erase(order_.front());
            order_.pop_front();
        }
        return true;
    }

private:
    std::size_t capacity_;
    std::unordered_set<Id> seen_;
    std::deque<Id> order_;
};

}  // namespace apexcore::discord::detail
