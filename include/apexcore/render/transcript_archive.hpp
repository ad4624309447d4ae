#pragma once
/// @file transcript_archive.hpp
/// ports::transcript_archive over a transcript store: renders the HTML file and the JSON
/// export, keeps both under "<channel name>-<ticket id>/<file name>", and returns them for
/// posting (the HTML first).

#include <apexcore/ports/transcript_store.hpp>

namespace apexcore::render {

/// See the file comment. Thread-safe when the store is.
class store_archive final : public ports::transcript_archive {
public:
    /// `store` must outlive the archive.
    explicit store_archive(ports::transcript_store& store) : store_(store) {}
    core::result<ports::archived_transcript, ports::storage_error> archive(const core::transcript& t) override;

private:
    ports::transcript_store& store_;
};

}  // namespace apexcore::render
