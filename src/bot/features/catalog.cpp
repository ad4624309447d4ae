#include <apexcore/bot/features/catalog.hpp>

#include <apexcore/core/catalog_csv.hpp>
#include <apexcore/core/text.hpp>

namespace apexcore::bot {
namespace {

using ports::option_type;

constexpr std::uint32_t catalog_color = 0x5865F2;
constexpr std::size_t report_lines_shown = 5;

ports::command_option_spec text_spec(std::string name, std::string description, bool required, int max_length) {
    ports::command_option_spec o{std::move(name), std::move(description), option_type::string, required};
    o.max_length = max_length;
    return o;
}

ports::command_option_spec int_spec(std::string name, std::string description, double min, double max) {
    ports::command_option_spec o{std::move(name), std::move(description), option_type::integer, false};
    o.min_value = min;
    o.max_value = max;
    return o;
}

/// The price a staff member typed, in the shop's currency; the reason when it is not one.
core::result<core::money, std::string> price_of(const std::string& typed, const core::currency& currency) {
    const auto price = core::parse_money(core::trim(typed), currency);
    if (!price) return "The price `" + core::truncate_utf8(typed, 40) + "`: " + std::string(core::describe(price.error())) + ".";
    if (price->is_negative()) return std::string("The price must not be negative.");
    return *price;
}

std::string refusal(const core::product& p, core::rejection r) {
    if (r == core::rejection::invalid_product) {
        if (const auto why = core::validate(p)) return "Not saved: " + std::string(core::describe(*why)) + ".";
    }
    if (r == core::rejection::duplicate_product) {
        return "Not saved: a product named **" + p.main_category + " / " + p.sub_category + " / " + p.display_name() +
               "** exists already (the four names identify a product).";
    }
    return "Not saved: " + std::string(core::to_string(r)) + ".";
}

ports::interaction_response with_card(std::string text, const core::product& p) {
    auto r = ephemeral_reply(std::move(text));
    r.body.embeds.push_back(product_admin_view(p));
    return r;
}

}  // namespace

std::optional<core::product> product_named(services::catalog_service& catalog, std::string_view typed, bool include_inactive) {
    if (const auto id = core::product_id::parse(typed)) return catalog.find(*id);
    auto found = catalog.search(std::string(typed), 2, include_inactive);
    if (found.size() != 1) return std::nullopt;
    return std::move(found.front());
}

core::result<std::string, import_file_error> fetch_import_file(ports::chat_actions& actions, const ports::attachment_info& upload,
                                                         std::size_t max_bytes, std::span<const std::string> types,
                                                         std::string_view limit_hint) {
    if (upload.size > max_bytes) {
        return import_file_error{"`" + core::truncate_utf8(upload.filename, 80) + "` is " + std::to_string(upload.size / 1024) +
                                 " KiB; an import takes up to " + std::to_string(max_bytes / 1024) + " KiB (" +
                                 std::string(limit_hint) + "). Split it into several files."};
    }
    auto bytes = actions.download_attachment(upload, max_bytes, types);
    if (!bytes) {
        return import_file_error{"The file could not be read (" + std::string(ports::to_string(bytes.error().code)) + ": " +
                                 core::truncate_utf8(bytes.error().detail, 200) + ")."};
    }
    return std::move(*bytes);
}

ports::embed product_admin_view(const core::product& p) {
    ports::embed e{core::truncate_utf8(p.display_name(), 256), "", {}, catalog_color, ""};
    e.description = core::truncate_utf8(p.main_category + " › " + p.sub_category + (p.active ? "" : "\n**Switched off**: not for sale"), 4096);
    const auto add = [&](std::string name, std::string value, bool inline_ = true) {
        if (!value.empty()) e.fields.push_back({std::move(name), core::truncate_utf8(value, 1024), inline_});
    };
    add("Price", core::format_money(p.price));
    add("Stock", p.stock ? std::to_string(*p.stock) + " (low " + std::to_string(p.low_stock_threshold) + ", critical " +
                               std::to_string(p.critical_stock_threshold) + ")"
                         : "unlimited");
    add("Id", std::to_string(p.id.value));
    if (p.duration_days) add("Lasts", std::to_string(*p.duration_days) + " days");
    if (p.role_to_grant) add("Role", "<@&" + p.role_to_grant->str() + ">");
    if (!p.tags.empty()) {
        std::string tags;
        for (const auto& t : p.tags) tags += (tags.empty() ? "" : ", ") + t;
        add("Tags", tags);
    }
    add("Description", p.additional_info.value_or(""), false);
    if (p.delivery_payload) add("Delivery", "||" + *p.delivery_payload + "||", false);
    if (!p.questions.empty()) {
        std::string qs;
        for (const auto& q : p.questions) qs += "• " + q + "\n";
        add("Questions", qs, false);
    }
    return e;
}

catalog_feature::catalog_feature(const bot_config& config, services::catalog_service& catalog, ports::chat_actions* actions)
    : config_(config), catalog_(catalog), actions_(actions) {}

std::vector<ports::command_spec> catalog_feature::commands() const {
    ports::command_option_spec product{"product", "The product (type to search)", option_type::string, true};
    product.autocomplete = true;
    product.max_length = 100;
    const auto price = text_spec("price", "Price in the shop's currency, e.g. 12.50", false, 24);
    const auto description = text_spec("description", "Shown on the product card", false, 1000);
    const auto delivery = text_spec("delivery", "What the buyer receives (a link, instructions)", false, 2000);
    const auto days = int_spec("duration_days", "How long it lasts, in days (sets the warranty)", 1, 3650);
    auto required_price = price;
    required_price.required = true;
    ports::command_spec product_cmd{"product", "Staff: the products for sale", {}, true, {}, {}};
    product_cmd.subcommands = {
        {"add",
         "Staff: add a product",
         {text_spec("main_category", "Main category, e.g. Streaming", true, 64), text_spec("sub_category", "Sub-category, e.g. Video", true, 64),
          text_spec("service", "Service name, e.g. Netflix Premium", true, 48), text_spec("variant", "Variant, e.g. 1 month", true, 48),
          required_price, description, delivery, int_spec("stock", "Units in stock (leave out: unlimited)", 0, 1'000'000'000), days,
          {"role", "A role given to buyers", option_type::role, false}}},
        {"edit",
         "Staff: change a product (only the fields you give)",
         {product, price, description, delivery, days, text_spec("service", "New service name", false, 48),
          text_spec("variant", "New variant name", false, 48)}},
        {"disable", "Staff: stop selling a product (it stays on its orders)", {product}},
        {"enable", "Staff: sell a product again", {product}},
        {"show", "Staff: every field of a product", {product}},
    };
    ports::command_spec catalog{"catalog", "Staff: the whole catalog as a CSV file", {}, true, {}, {}};
    catalog.subcommands = {{"export", "Staff: every product as a CSV file", {}}};
    if (actions_ != nullptr) {
        catalog.subcommands.push_back(
            {"import",
             "Staff: add products from a CSV file (a report per line comes back)",
             {{"file", "The CSV file (the columns of /catalog export)", option_type::attachment, true},
              {"update", "Also change products that exist already (not their stock)", option_type::boolean, false}}});
    }
    return {std::move(product_cmd), std::move(catalog)};
}

ports::interaction_response catalog_feature::on_autocomplete(const ports::interaction& i, const ports::autocomplete_request& a) {
    ports::interaction_response r;
    r.kind = ports::response_kind::suggest;
    if (!config_.is_staff(i.from) || a.option != "product") return r;
    for (const auto& p : catalog_.search(a.partial, ports::select_options_max, true)) {
        r.choices.push_back({core::truncate_utf8(p.display_name() + " — " + core::format_money(p.price) + (p.active ? "" : " (off)"), 100),
                             std::to_string(p.id.value)});
    }
    return r;
}

ports::interaction_response catalog_feature::on_command(const ports::interaction& i, const ports::command_invocation& c) {
    if (!config_.is_staff(i.from)) return ephemeral_reply(config_.text(i, core::rejection::not_staff));
    const services::actor staff{i.from.user, true};
    if (c.name == "product add") return add(i, c);
    if (c.name == "catalog import") return import(i, c);
    if (c.name == "catalog export") {
        auto csv = catalog_.export_csv(staff);
        if (!csv) return ephemeral_reply(config_.text(i, csv.error()));
        const auto lines = static_cast<std::size_t>(std::count(csv->begin(), csv->end(), '\n'));
        auto r = ephemeral_reply("The catalog: " + std::to_string(lines == 0 ? 0 : lines - 1) +
                                 " products, active or not. Edit it in a spreadsheet and bring it back with /catalog import "
                                 "(update: true to change existing products).");
        r.body.files.push_back({"catalog.csv", "text/csv", std::move(*csv), "The shop's products"});
        return r;
    }
    // The rest name a product: a picked suggestion carries its id; typed text must match one.
    const std::string* typed = find_option_as<std::string>(c, "product");
    if (typed == nullptr) return ephemeral_reply("Name the product (pick one of the suggestions).");
    auto product = product_named(catalog_, *typed, true);
    if (!product) return ephemeral_reply("No single product matches `" + core::truncate_utf8(*typed, 60) + "`; pick one of the suggestions.");
    if (c.name == "product show") return with_card("", *product);
    if (c.name == "product edit") return edit(i, c, std::move(*product));
    if (c.name == "product disable" || c.name == "product enable") {
        const bool on = c.name == "product enable";
        const auto done = catalog_.set_active(staff, product->id, on);
        if (!done) return ephemeral_reply(config_.text(i, done.error()));
        return with_card(on ? "**" + done->display_name() + "** is for sale again."
                            : "**" + done->display_name() + "** is switched off: members no longer see or buy it; its orders "
                                                             "keep it. /product enable brings it back.",
                         *done);
    }
    return ephemeral_reply("Unknown command /" + c.name + ".");
}

ports::interaction_response catalog_feature::add(const ports::interaction& i, const ports::command_invocation& c) {
    core::product p;
    for (const auto& [field, name] : {std::pair{&p.main_category, "main_category"}, std::pair{&p.sub_category, "sub_category"},
                                      std::pair{&p.service_name, "service"}, std::pair{&p.variant_name, "variant"}}) {
        const std::string* v = find_option_as<std::string>(c, name);
        if (v == nullptr) return ephemeral_reply(std::string("Usage: /product add — `") + name + "` is required.");
        *field = core::trim(*v);
    }
    const std::string* typed_price = find_option_as<std::string>(c, "price");
    if (typed_price == nullptr) return ephemeral_reply("Usage: /product add — `price` is required.");
    auto price = price_of(*typed_price, config_.currency);
    if (!price) return ephemeral_reply(price.error());
    p.price = *price;
    if (const auto* v = find_option_as<std::string>(c, "description"); v != nullptr && !core::trim(*v).empty()) p.additional_info = core::trim(*v);
    if (const auto* v = find_option_as<std::string>(c, "delivery"); v != nullptr && !core::trim(*v).empty()) p.delivery_payload = core::trim(*v);
    if (const auto* n = find_option_as<std::int64_t>(c, "stock")) p.stock = *n;
    if (const auto* n = find_option_as<std::int64_t>(c, "duration_days")) {
        p.duration_days = static_cast<int>(std::clamp<std::int64_t>(*n, 0, 100000));
    }
    if (const auto* role = find_option_as<core::role_id>(c, "role")) p.role_to_grant = *role;
    const auto made = catalog_.create({i.from.user, true}, p);
    if (!made) return ephemeral_reply(refusal(p, made.error()));
    ports::emit(config_.log, ports::log_level::info, "catalog",
                "product \"" + made->display_name() + "\" added by staff " + i.from.user.str(), {.interaction = i.id.str()});
    return with_card("Added **" + made->display_name() + "**; it is for sale now.", *made);
}

ports::interaction_response catalog_feature::edit(const ports::interaction& i, const ports::command_invocation& c, core::product p) {
    std::vector<std::string> changed;
    if (const auto* v = find_option_as<std::string>(c, "price")) {
        auto price = price_of(*v, config_.currency);
        if (!price) return ephemeral_reply(price.error());
        p.price = *price;
        changed.emplace_back("price");
    }
    if (const auto* v = find_option_as<std::string>(c, "description")) {
        const std::string text = core::trim(*v);
        p.additional_info = text.empty() ? std::nullopt : std::optional<std::string>(text);
        changed.emplace_back("description");
    }
    if (const auto* v = find_option_as<std::string>(c, "delivery")) {
        const std::string text = core::trim(*v);
        p.delivery_payload = text.empty() ? std::nullopt : std::optional<std::string>(text);
        changed.emplace_back("delivery");
    }
    if (const auto* n = find_option_as<std::int64_t>(c, "duration_days")) {
        p.duration_days = static_cast<int>(std::clamp<std::int64_t>(*n, 0, 100000));
        changed.emplace_back("duration");
    }
    if (const auto* v = find_option_as<std::string>(c, "service")) {
        p.service_name = core::trim(*v);
        changed.emplace_back("service name");
    }
    if (const auto* v = find_option_as<std::string>(c, "variant")) {
        p.variant_name = core::trim(*v);
        changed.emplace_back("variant name");
    }
    if (changed.empty()) return with_card("Nothing to change: give at least one field (price, description, …).", p);
    const auto saved = catalog_.update({i.from.user, true}, p);
    if (!saved) return ephemeral_reply(refusal(p, saved.error()));
    std::string list;
    for (const auto& f : changed) list += (list.empty() ? "" : ", ") + f;
    ports::emit(config_.log, ports::log_level::info, "catalog",
                "product \"" + saved->display_name() + "\" changed (" + list + ") by staff " + i.from.user.str(),
                {.interaction = i.id.str()});
    return with_card("Saved **" + saved->display_name() + "**: " + list + ".", *saved);
}

ports::interaction_response catalog_feature::import(const ports::interaction& i, const ports::command_invocation& c) {
    const auto* file = find_option_as<ports::attachment_info>(c, "file");
    if (file == nullptr) return ephemeral_reply("Attach the CSV file.");
    const auto& upload = *file;
    // Spreadsheets label CSV text/csv, text/plain or application/vnd.ms-excel; the parser checks the content.
    static const std::vector<std::string> types{"text/", "application/csv", "application/vnd.ms-excel", "application/octet-stream"};
    const auto bytes = fetch_import_file(*actions_, upload, import_bytes_max, types, "10,000 products");
    if (!bytes) return ephemeral_reply(bytes.error().text + " Nothing was imported.");
    const auto* update = find_option_as<bool>(c, "update");
    const bool update_existing = update != nullptr && *update;
    const auto report = catalog_.import_csv({i.from.user, true}, *bytes, update_existing);
    if (!report) return ephemeral_reply(config_.text(i, report.error()));
    // The per-line report: every line that was added, updated or refused, in line order.
    std::vector<std::tuple<std::size_t, std::string, std::string, std::string>> lines;
    for (const auto& [line, id] : report->imported) lines.emplace_back(line, "added", "", "product " + std::to_string(id.value));
    for (const auto& [line, id] : report->updated) lines.emplace_back(line, "updated", "", "product " + std::to_string(id.value));
    for (const auto& issue : report->issues) lines.emplace_back(issue.line, "refused", issue.column, issue.reason);
    std::stable_sort(lines.begin(), lines.end(), [](const auto& a, const auto& b) { return std::get<0>(a) < std::get<0>(b); });
    std::string csv = "line,outcome,column,reason\n";
    for (const auto& [line, outcome, column, reason] : lines) {
        csv += std::to_string(line) + "," + outcome + ",";
        core::csv_detail::append_field(csv, column);
        csv += ",";
        core::csv_detail::append_field(csv, reason);
        csv += "\n";
    }
    std::string text = "Imported `" + core::truncate_utf8(upload.filename, 80) + "`: **" + std::to_string(report->imported.size()) +
                       " added**, " + std::to_string(report->updated.size()) + " updated, **" +
                       std::to_string(report->issues.size()) + " refused**.";
    std::size_t shown = 0;
    for (const auto& issue : report->issues) {
        if (shown++ == report_lines_shown) {
            text += "\n… the rest is in import-report.csv";
            break;
        }
        text += "\n• line " + std::to_string(issue.line) + (issue.column.empty() ? "" : " (" + issue.column + ")") + ": " +
                core::truncate_utf8(issue.reason, 150);
    }
    ports::emit(config_.log, ports::log_level::info, "catalog",
                "import of " + std::to_string(report->imported.size()) + " products (" + std::to_string(report->issues.size()) +
                    " lines refused) by staff " + i.from.user.str(),
                {.interaction = i.id.str()});
    auto r = ephemeral_reply(core::truncate_utf8(text, ports::content_length_max));
    r.body.files.push_back({"import-report.csv", "text/csv", std::move(csv), "One line per line of the import"});
    return r;
}

}  // namespace apexcore::bot
