#pragma once
// Helpers shared by the apexcore-bench workloads.
#include <boost/program_options.hpp>

#include <iostream>

#include <sys/resource.h>

namespace apexcore::bench {

/// getrusage(RUSAGE_SELF).ru_maxrss in MiB.
inline double peak_rss_mb() {
    rusage usage{};
    getrusage(RUSAGE_SELF, &usage);
    return static_cast<double>(usage.ru_maxrss) / 1024.0;
}

/// Parses a workload's flags; true when --help was given (the help is then printed).
inline bool parse_options(int argc, char** argv, const boost::program_options::options_description& desc) {
    namespace po = boost::program_options;
    po::variables_map vm;
    po::store(po::parse_command_line(argc, argv, desc), vm);
    po::notify(vm);
    if (vm.count("help") == 0U) return false;
    std::cout << desc << "\n";
    return true;
}

/// `apexcore-bench purchases`: shared/bench/purchases.md (purchases_bench.cpp).
int run_purchases(int argc, char** argv);
/// `apexcore-bench storefront`: the storefront's in-process latency (storefront_bench.cpp).
int run_storefront(int argc, char** argv);
/// `apexcore-bench tickets`: transcript rendering and the inactivity sweep (tickets_bench.cpp).
int run_tickets(int argc, char** argv);

}  // namespace apexcore::bench
