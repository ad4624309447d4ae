#pragma once
// The wallet-purchase benchmark workload of shared/bench/purchases.md, without a database:
// SplitMix64 (§2), the draw sequence, the example role table (§4) and the reference simulation
// of §2-5 that `apexcore-bench purchases` compares its end state with (§7). Also unit-tested
// against the reference table (tests/bench/purchases_workload_test.cpp).

#include <apexcore/core/money.hpp>
#include <apexcore/core/vip.hpp>

#include <cstdint>
#include <cstdio>
#include <string>
#include <vector>

namespace apexcore::bench {

/// SplitMix64 exactly as §2 states it (unsigned 64-bit, wrapping).
class splitmix64 {
public:
    explicit splitmix64(std::uint64_t seed) : state_(seed) {}
    std::uint64_t next() {
        state_ += 0x9E3779B97F4A7C15ULL;
        std::uint64_t z = state_;
        z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9ULL;
        z = (z ^ (z >> 27)) * 0x94D049BB133111EBULL;
        return z ^ (z >> 31);
    }
    /// next() % n (plain modulo; the bias is accepted by the spec).
    std::uint64_t below(std::uint64_t n) { return next() % n; }

private:
    std::uint64_t state_;
};

/// The parameters of §1.
struct workload_params {
    std::uint64_t users = 1000;
    std::uint64_t products = 200;
    std::uint64_t purchases = 20000;
    std::uint64_t seed = 1;
    std::int64_t deposit_cents = 50000;
};

/// Prices and attempts drawn in the order of §2: P prices, then (user, product index) pairs.
struct workload {
    std::vector<std::int64_t> prices;                               ///< price[k] in cents
    std::vector<std::pair<std::uint64_t, std::uint64_t>> attempts;  ///< (u, p) with p 0-based
};

inline workload draw(const workload_params& w) {
    splitmix64 rng(w.seed);
    workload out;
    out.prices.reserve(w.products);
    for (std::uint64_t k = 0; k < w.products; ++k) out.prices.push_back(100 + static_cast<std::int64_t>(rng.below(9901)));
    out.attempts.reserve(w.purchases);
    for (std::uint64_t i = 0; i < w.purchases; ++i) {
        const std::uint64_t u = rng.below(w.users);
        const std::uint64_t p = rng.below(w.products);
        out.attempts.emplace_back(u, p);
    }
    return out;
}

/// The first Discord id of §3: user u is 100000000000000000 + u.
inline constexpr std::uint64_t first_user_id = 100000000000000000ULL;

/// The example role table of §4 with placeholder role ids 1..9 (Client is role 1).
inline std::vector<core::vip_tier> example_tiers() {
    using core::tier_mode;
    auto role = [](std::uint64_t v) { return core::role_id{v}; };
    return {
        {"Client", role(1), tier_mode::automatic_first_purchase, 0, 0},
        {"Apex VIP", role(2), tier_mode::automatic_spend, 5000, 150},
        {"Apex Elite", role(3), tier_mode::automatic_spend, 10000, 250},
        {"Apex Legend", role(4), tier_mode::automatic_spend, 50000, 375},
        {"Apex Sovereign", role(5), tier_mode::automatic_spend, 100000, 500},
        {"Apex Donor", role(6), tier_mode::manual, 0, 25},
        {"Legendary Donor", role(7), tier_mode::manual, 0, 150},
        {"Apex Insider", role(8), tier_mode::manual, 0, 50},
        {"Apex Zenith", role(9), tier_mode::automatic_all_ranks, 0, 750},
    };
}
inline constexpr std::uint64_t client_role = 1;

/// One user's end state, the fields of the digest line.
struct user_state {
    std::int64_t balance = 0;
    std::int64_t lifetime = 0;
    std::int64_t orders = 0;
    bool client = false;
};

/// Counters and end state of a run.
struct outcome {
    std::uint64_t ok = 0;
    std::uint64_t rejected = 0;
    std::uint64_t vip_promotions = 0;
    std::vector<user_state> users;
};

/// FNV-1a 64 over the §7 text, one line per user in ascending discord_id, as 16 hex digits.
inline std::string state_digest(const std::vector<user_state>& users) {
    std::uint64_t h = 0xcbf29ce484222325ULL;
    auto feed = [&](const std::string& s) {
        for (unsigned char c : s) {
            h ^= c;
            h *= 0x100000001b3ULL;
        }
    };
    for (std::size_t u = 0; u < users.size(); ++u) {
        const auto& s = users[u];
        feed(std::to_string(first_user_id + u) + "," + std::to_string(s.balance) + "," + std::to_string(s.lifetime) + "," +
             std::to_string(s.orders) + "," + (s.client ? "1" : "0") + "\n");
    }
    char out[17];
    std::snprintf(out, sizeof out, "%016llx", static_cast<unsigned long long>(h));
    return out;
}

/// The database-free simulation of §2-5.
inline outcome simulate(const workload_params& w, const workload& draws) {
    const auto tiers = example_tiers();
    outcome out;
    out.users.assign(w.users, user_state{w.deposit_cents, 0, 0, false});
    for (const auto& [u, p] : draws.attempts) {
        auto& s = out.users[u];
        const auto* tier = core::spend_tier_for(tiers, s.lifetime);
        const core::basis_points bp = tier != nullptr ? tier->discount : 0;
        const std::int64_t final_price = (draws.prices[p] * (10000 - bp) + 5000) / 10000;
        if (s.balance < final_price) {
            ++out.rejected;
            continue;
        }
        ++out.ok;
        s.balance -= final_price;
        const auto* after = core::spend_tier_for(tiers, s.lifetime + final_price);
        if (after != nullptr && after != tier) ++out.vip_promotions;
        s.lifetime += final_price;
        ++s.orders;
        s.client = true;
    }
    return out;
}

}  // namespace apexcore::bench
