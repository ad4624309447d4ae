#pragma once
// Private to the sqlite adapter: what /setup made (migration v10). Included by unit_of_work.cpp only.
#include "repository_base.hpp"

namespace apexcore::sqlite::detail {

class setup_repository_impl final : public ports::setup_repository, repository_base {
public:
    using repository_base::repository_base;

    std::vector<ports::setup_record> setup_records() override {
        auto& s = db_.prepare("SELECT name, kind, item_id, parent_id, updated_at_ms FROM shop_setup ORDER BY name");
        std::vector<ports::setup_record> out;
        while (s.step()) {
            ports::setup_record r;
            r.name = s.text(0);
            r.kind = s.text(1);
            r.id = from_db(s.int64(2));
            if (!s.is_null(3)) r.parent = from_db(s.int64(3));
            r.updated_at = from_ms(s.int64(4));
            out.push_back(std::move(r));
        }
        s.reset();
        return out;
    }

    void record_setup(const ports::setup_record& r) override {
        require_writable();
        auto& s = db_.prepare("INSERT INTO shop_setup (name, kind, item_id, parent_id, updated_at_ms) VALUES (?, ?, ?, ?, ?) "
                              "ON CONFLICT (name) DO UPDATE SET kind = excluded.kind, item_id = excluded.item_id, "
                              "parent_id = excluded.parent_id, updated_at_ms = excluded.updated_at_ms");
        s.bind(1, r.name).bind(2, r.kind).bind(3, to_db(r.id));
        if (r.parent) s.bind(4, to_db(*r.parent));
        else s.bind_null(4);
        s.bind(5, now_ms()).run();
    }
};

}  // namespace apexcore::sqlite::detail
