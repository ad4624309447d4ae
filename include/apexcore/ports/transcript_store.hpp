#pragma once
/// @file transcript_store.hpp
/// Where transcripts are kept, and what makes them: two small ports so the bot stays neutral.
///
/// `transcript_store` keeps bytes under a key ("order-42-42/transcript-order-42.html"):
/// a local directory (storage/directory_transcript_store.hpp, the default) or an S3-compatible
/// bucket. `transcript_archive` turns a core::transcript into files (HTML, JSON), keeps them in
/// a store and hands them back for posting (render/transcript_archive.hpp).
///
/// Threading: implementations are thread-safe; calls block (disk or network).

#include <apexcore/core/result.hpp>
#include <apexcore/core/transcript.hpp>
#include <apexcore/ports/message.hpp>

#include <string>
#include <vector>

namespace apexcore::ports {

/// Why a store could not keep or give back a file.
struct storage_error {
    enum class code { invalid_key, not_found, unavailable } what = code::unavailable;
    std::string detail;  ///< for logs: the path, the status, the OS error
};

/// Bytes under keys. Keys are 1..512 bytes of [A-Za-z0-9._/-], without "..", a leading '/' or
/// "//" (invalid_key otherwise: a key never escapes the store's root).
class transcript_store {
public:
    virtual ~transcript_store() = default;
    /// Keeps `bytes` under `key` (replacing what was there), written whole or not at all.
    /// Returns where it is, for staff (a path or a URL).
    virtual core::result<std::string, storage_error> put(const std::string& key, const std::string& bytes,
                                                         const std::string& content_type) = 0;
    /// The bytes under `key`.
    virtual core::result<std::string, storage_error> get(const std::string& key) = 0;
};

/// Whether `key` is a valid store key (see transcript_store).
[[nodiscard]] inline bool is_valid_storage_key(std::string_view key) {
    if (key.empty() || key.size() > 512 || key.front() == '/' || key.find("..") != std::string_view::npos ||
        key.find("//") != std::string_view::npos) {
        return false;
    }
    for (const char c : key) {
        const bool ok = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '.' || c == '_' ||
                        c == '-' || c == '/';
        if (!ok) return false;
    }
    return true;
}

/// What archiving a transcript produced.
struct archived_transcript {
    std::vector<outbound_file> files;  ///< the HTML file first, then the JSON export
    std::string location;              ///< where the HTML is kept (store's answer)
};

/// Renders and keeps transcripts.
class transcript_archive {
public:
    virtual ~transcript_archive() = default;
    /// Renders `t` and keeps the files. Errors: the store's.
    virtual core::result<archived_transcript, storage_error> archive(const core::transcript& t) = 0;
};

}  // namespace apexcore::ports
