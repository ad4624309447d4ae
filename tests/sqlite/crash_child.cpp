// apexcore-crash-child DB START: the process the crash-safety test kills with SIGKILL. Four
// threads buy product 1 for users 1..8 with idempotency keys "crash:<i>" for i = START, START+1,
// ... and write "<i> <order id>\n" to stdout after each purchase returns (that is, after its
// commit is durable: synchronous=FULL, group commit). It runs until it is killed.
#include <apexcore/services/wallet_service.hpp>
#include <apexcore/sqlite/sqlite_store.hpp>

#include <atomic>
#include <cstdio>
#include <cstdlib>
#include <iostream>
#include <mutex>
#include <string>
#include <thread>
#include <vector>

#include <unistd.h>

int main(int argc, char** argv) {
    using namespace apexcore;
    if (argc != 3) {
        std::cerr << "usage: apexcore-crash-child DB START\n";
        return 2;
    }
    sqlite::sqlite_store store({.path = argv[1]});
    services::wallet_service wallet(store, services::shop_config{});
    std::atomic<long> next{std::atol(argv[2])};
    std::mutex out;
    std::vector<std::thread> threads;
    for (int t = 0; t < 4; ++t) {
        threads.emplace_back([&] {
            while (true) {
                const long i = next.fetch_add(1);
                services::purchase_request r{core::user_id{static_cast<std::uint64_t>(1 + i % 8)}, core::product_id{1},
                                             std::nullopt, "crash:" + std::to_string(i)};
                const auto receipt = wallet.purchase(r);
                if (!receipt) {
                    std::cerr << "crash-child: purchase " << i << " rejected: " << core::to_string(receipt.error()) << "\n";
                    std::_Exit(3);
                }
                const std::string line = std::to_string(i) + " " + std::to_string(receipt->order.id.value) + "\n";
                std::lock_guard lock(out);
                if (::write(STDOUT_FILENO, line.data(), line.size()) != static_cast<ssize_t>(line.size())) std::_Exit(4);
            }
        });
    }
    for (auto& t : threads) t.join();
}
