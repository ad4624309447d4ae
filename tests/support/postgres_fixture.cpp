// One PostgreSQL server for a whole ctest run (a ctest fixture, tests/CMakeLists.txt), so the
// conformance suite's hundreds of test processes each make a database instead of a server:
//   apexcore-test-postgres start DIR   initdb + pg_ctl start in DIR (what was there is removed);
//                                      the server belongs to the calling ctest: if ctest is
//                                      killed, the next test server started removes it
//   apexcore-test-postgres stop DIR    stops it and removes DIR
// The tests find it through APEXCORE_TEST_POSTGRES_DIR (support/postgres_server.hpp).
#include "postgres_server.hpp"

#include <unistd.h>

#include <cstring>
#include <exception>
#include <iostream>

int main(int argc, char** argv) {
    if (argc != 3 || (std::strcmp(argv[1], "start") != 0 && std::strcmp(argv[1], "stop") != 0)) {
        std::cerr << "usage: apexcore-test-postgres start|stop DIR\n";
        return 2;
    }
    try {
        const std::string dir = argv[2];
        if (std::strcmp(argv[1], "start") == 0) {
            const apexcore::test_support::postgres_server server(dir, ::getppid());
            std::cout << "PostgreSQL for the tests: " << server.url() << "\n";
        } else {
            apexcore::test_support::postgres_server::stop_in(dir);
            std::cout << "stopped and removed " << dir << "\n";
        }
        return 0;
    } catch (const std::exception& e) {
        std::cerr << "apexcore-test-postgres: " << e.what() << "\n";
        return 1;
    }
}
