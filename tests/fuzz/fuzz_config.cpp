// libFuzzer: the apexbot config loader. Any file is either a config or a config_error naming the
// file — never another exception, never an abort (a file holding 1e999 once was).
#include "config.hpp"

#include <cstdint>
#include <cstdlib>
#include <fstream>
#include <string>
#include <unistd.h>

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
    static const std::string path = "/tmp/apexcore-fuzz-config-" + std::to_string(::getpid()) + ".json";
    {
        std::ofstream out(path, std::ios::binary | std::ios::trunc);
        out.write(reinterpret_cast<const char*>(data), static_cast<std::streamsize>(size));
    }
    try {
        (void)apexbot::load_config(path);
    } catch (const apexbot::config_error&) {
    } catch (...) {
        std::abort();
    }
    return 0;
}
