#include <apexcore/storage/directory_transcript_store.hpp>

#include <atomic>
#include <cerrno>
#include <cstring>
#include <fstream>
#include <random>
#include <sstream>

namespace apexcore::storage {
namespace {

ports::storage_error failure(ports::storage_error::code code, std::string detail) { return {code, std::move(detail)}; }

std::string temporary_suffix() {
    static std::atomic<std::uint64_t> counter{0};
    std::random_device rd;
    return ".tmp-" + std::to_string(rd()) + "-" + std::to_string(counter.fetch_add(1));
}

}  // namespace

directory_transcript_store::directory_transcript_store(std::filesystem::path root) : root_(std::move(root)) {
    std::filesystem::create_directories(root_);
}

core::result<std::string, ports::storage_error> directory_transcript_store::put(const std::string& key, const std::string& bytes,
                                                                                const std::string&) {
    if (!ports::is_valid_storage_key(key)) return failure(ports::storage_error::code::invalid_key, "invalid key '" + key + "'");
    const std::filesystem::path target = root_ / key;
    std::error_code ec;
    std::filesystem::create_directories(target.parent_path(), ec);
    if (ec) return failure(ports::storage_error::code::unavailable, target.parent_path().string() + ": " + ec.message());
    const std::filesystem::path temporary = target.string() + temporary_suffix();
    {
        std::ofstream out(temporary, std::ios::binary | std::ios::trunc);
        out.write(bytes.data(), static_cast<std::streamsize>(bytes.size()));
        out.flush();
        if (!out) {
            const std::string why = std::strerror(errno);
            std::filesystem::remove(temporary, ec);
            return failure(ports::storage_error::code::unavailable, temporary.string() + ": " + why);
        }
    }
    std::filesystem::rename(temporary, target, ec);
    if (ec) {
        std::error_code ignored;
        std::filesystem::remove(temporary, ignored);
        return failure(ports::storage_error::code::unavailable, target.string() + ": " + ec.message());
    }
    return target.string();
}

core::result<std::string, ports::storage_error> directory_transcript_store::get(const std::string& key) {
    if (!ports::is_valid_storage_key(key)) return failure(ports::storage_error::code::invalid_key, "invalid key '" + key + "'");
    const std::filesystem::path target = root_ / key;
    std::ifstream in(target, std::ios::binary);
    if (!in) return failure(ports::storage_error::code::not_found, target.string() + ": not found");
    std::ostringstream bytes;
    bytes << in.rdbuf();
    return bytes.str();
}

}  // namespace apexcore::storage
