#pragma once
/// @file directory_transcript_store.hpp
/// ports::transcript_store in a local directory (the default): a key is a path below `root`.
/// A file is written to "<path>.tmp-<random>" and renamed into place, so a reader never sees
/// half a transcript and a crash leaves no partial file under the key.

#include <apexcore/ports/transcript_store.hpp>

#include <filesystem>

namespace apexcore::storage {

/// See the file comment. Thread-safe (each put writes its own temporary file).
class directory_transcript_store final : public ports::transcript_store {
public:
    /// Creates `root` (and its parents) if missing; throws std::filesystem::filesystem_error
    /// when it cannot.
    explicit directory_transcript_store(std::filesystem::path root);

    /// Errors: invalid_key (ports::is_valid_storage_key), unavailable (the OS error).
    core::result<std::string, ports::storage_error> put(const std::string& key, const std::string& bytes,
                                                        const std::string& content_type) override;
    /// Errors: invalid_key, not_found, unavailable.
    core::result<std::string, ports::storage_error> get(const std::string& key) override;

    [[nodiscard]] const std::filesystem::path& root() const { return root_; }

private:
    std::filesystem::path root_;
};

}  // namespace apexcore::storage
