#include <apexcore/bot/features/keys.hpp>

#include <apexcore/bot/features/catalog.hpp>
#include <apexcore/bot/views.hpp>
#include <apexcore/core/catalog_csv.hpp>
#include <apexcore/core/text.hpp>

namespace apexcore::bot {
namespace {

using ports::option_type;

constexpr std::uint32_t keys_color = 0x5865F2;

/// The product the "product" option names (product_named, switched-off ones included).
std::optional<core::product> product_of(services::catalog_service& catalog, const ports::command_invocation& c) {
    const auto* typed = find_option_as<std::string>(c, "product");
    return typed != nullptr ? product_named(catalog, *typed, true) : std::nullopt;
}

ports::interaction_response decided(std::string text, std::uint32_t color) {
    ports::interaction_response r = ephemeral_reply("");
    r.kind = ports::response_kind::update_message;
    r.body.ephemeral = false;  // the log post stays visible to every staff member
    r.body.embeds.push_back({"Key request", std::move(text), {}, color, ""});
    return r;
}

}  // namespace

keys_feature::keys_feature(const bot_config& config, services::license_service& keys, services::catalog_service& catalog,
                           ports::chat_actions* actions)
    : config_(config), keys_(keys), catalog_(catalog), actions_(actions) {}

std::vector<ports::command_spec> keys_feature::commands() const {
    ports::command_option_spec product{"product", "The product (type to search)", option_type::string, true};
    product.autocomplete = true;
    product.max_length = 100;
    auto any_product = product;
    any_product.required = false;
    ports::command_option_spec reason{"reason", "Why (the log shows it)", option_type::string, true};
    reason.max_length = 300;
    ports::command_spec keys{"keys", "Staff: license keys", {}, true, {}, {}};
    keys.subcommands = {
        {"stats", "Staff: keys per product: available, reserved, used, requested", {}},
        {"export", "Staff: the keys as a CSV file", {any_product}},
        {"request", "Staff: set a key aside for a member; another staff member approves it in the log",
         {product, {"user", "The member who gets it", option_type::user, true}, reason}},
    };
    if (actions_ != nullptr) {
        keys.subcommands.insert(keys.subcommands.begin(),
                                {"import", "Staff: add keys from a text file, one per line (a report comes back)",
                                 {product, {"file", "The file of keys", option_type::attachment, true}}});
    }
    return {std::move(keys)};
}

ports::interaction_response keys_feature::on_autocomplete(const ports::interaction& i, const ports::autocomplete_request& a) {
    ports::interaction_response r;
    r.kind = ports::response_kind::suggest;
    if (!config_.is_staff(i.from) || a.option != "product") return r;
    for (const auto& p : catalog_.search(a.partial, ports::select_options_max, true)) {
        r.choices.push_back({core::truncate_utf8(p.display_name() + (p.active ? "" : " (off)"), 100), std::to_string(p.id.value)});
    }
    return r;
}

ports::interaction_response keys_feature::on_command(const ports::interaction& i, const ports::command_invocation& c) {
    if (!config_.is_staff(i.from)) return ephemeral_reply(config_.text(i, core::rejection::not_staff));
    const services::actor staff{i.from.user, true};
    if (c.name == "keys stats") return stats(i);
    const auto product = product_of(catalog_, c);
    if (c.name == "keys export") {
        if (find_option(c, "product") != nullptr && !product) return ephemeral_reply("No single product matches; pick one of the suggestions.");
        auto csv = keys_.export_csv(staff, product ? std::optional<core::product_id>(product->id) : std::nullopt);
        if (!csv) return ephemeral_reply(config_.text(i, csv.error()));
        const auto lines = static_cast<std::size_t>(std::count(csv->begin(), csv->end(), '\n'));
        auto r = ephemeral_reply(std::to_string(lines == 0 ? 0 : lines - 1) + " keys" +
                                 (product ? " of **" + product->display_name() + "**" : std::string()) +
                                 ". The file holds the keys themselves: keep it among staff.");
        r.body.files.push_back({"keys.csv", "text/csv", std::move(*csv), "License keys"});
        return r;
    }
    if (!product) return ephemeral_reply("No single product matches; pick one of the suggestions.");
    if (c.name == "keys import") return import(i, c, *product);
    if (c.name == "keys request") {
        const auto* user = find_option_as<core::user_id>(c, "user");
        const auto* reason = find_option_as<std::string>(c, "reason");
        if (user == nullptr || reason == nullptr) return ephemeral_reply("Usage: /keys request product user reason");
        const core::user_id member = *user;
        const auto key = keys_.request_for(staff, product->id, member, core::trim(*reason));
        if (!key) return ephemeral_reply(config_.text(i, key.error()));
        ports::emit(config_.log, ports::log_level::info, "keys",
                    "key " + std::to_string(key->id.value) + " of \"" + product->display_name() + "\" requested for member " +
                        member.str() + " by staff " + i.from.user.str(),
                    {.interaction = i.id.str()});
        return ephemeral_reply("A key of **" + product->display_name() + "** is set aside for " + mention(member) +
                               " (request " + std::to_string(key->id.value) +
                               "). It goes to them when a staff member approves it in the orders log.");
    }
    return ephemeral_reply("Unknown command /" + c.name + ".");
}

ports::interaction_response keys_feature::import(const ports::interaction& i, const ports::command_invocation& c,
                                                 const core::product& p) {
    const auto* file = find_option_as<ports::attachment_info>(c, "file");
    if (file == nullptr) return ephemeral_reply("Attach the file of keys.");
    static const std::vector<std::string> types{"text/", "application/csv", "application/octet-stream"};
    const auto bytes = fetch_import_file(*actions_, *file, import_bytes_max, types, "10,000 keys");
    if (!bytes) return ephemeral_reply(bytes.error().text + " No key was imported.");
    const auto report = keys_.import_keys({i.from.user, true}, p.id, *bytes);
    if (!report) {
        return ephemeral_reply(report.error() == core::rejection::text_too_long
                                   ? std::string("The file has more than 10,000 lines; split it into several files.")
                                   : config_.text(i, report.error()));
    }
    std::vector<std::tuple<std::size_t, std::string, std::string>> refused;
    for (const auto& [line, key] : report->invalid) refused.emplace_back(line, "does not match the shop's key pattern", key);
    for (const auto& [line, key] : report->duplicate_in_file) refused.emplace_back(line, "repeats an earlier line", key);
    for (const auto& [line, key] : report->duplicate_in_store) refused.emplace_back(line, "already stored", key);
    std::sort(refused.begin(), refused.end());
    std::string csv = "line,reason,key\n";
    for (const auto& [line, why, key] : refused) {
        csv += std::to_string(line) + ",";
        core::csv_detail::append_field(csv, why);
        csv += ",";
        core::csv_detail::append_field(csv, key);
        csv += "\n";
    }
    std::string text = "**" + std::to_string(report->added) + " keys added** to **" + p.display_name() + "**, " +
                       std::to_string(refused.size()) + " lines refused.";
    for (std::size_t n = 0; n < refused.size() && n < 5; ++n) {
        text += "\n• line " + std::to_string(std::get<0>(refused[n])) + ": " + std::get<1>(refused[n]);
    }
    if (refused.size() > 5) text += "\n… the rest is in keys-report.csv";
    ports::emit(config_.log, ports::log_level::info, "keys",
                std::to_string(report->added) + " keys of \"" + p.display_name() + "\" imported by staff " + i.from.user.str(),
                {.interaction = i.id.str()});
    auto r = ephemeral_reply(text);
    if (!refused.empty()) r.body.files.push_back({"keys-report.csv", "text/csv", std::move(csv), "The refused lines"});
    return r;
}

ports::interaction_response keys_feature::stats(const ports::interaction& i) {
    const auto counts = keys_.stats({i.from.user, true});
    if (!counts) return ephemeral_reply(config_.text(i, counts.error()));
    if (counts->empty()) return ephemeral_reply("No license keys yet. Add some with /keys import.");
    std::string lines;
    for (const auto& [product, by_status] : *counts) {
        const auto p = catalog_.find(product);
        std::string line = "**" + (p ? p->display_name() : "product " + std::to_string(product.value)) + "**: ";
        const char* separator = "";
        for (const auto status : {core::license_key_status::available, core::license_key_status::reserved,
                                  core::license_key_status::used, core::license_key_status::requested}) {
            const auto it = by_status.find(status);
            line += separator + std::to_string(it == by_status.end() ? 0 : it->second) + " " + std::string(core::to_string(status));
            separator = " \xC2\xB7 ";
        }
        if (lines.size() + line.size() + 1 > 4000) break;
        lines += line + "\n";
    }
    auto r = ephemeral_reply("");
    r.body.embeds.push_back({"License keys", lines, {}, keys_color, ""});
    return r;
}

ports::interaction_response keys_feature::on_component(const ports::interaction& i, const ports::component_action& a) {
    if (!config_.is_staff(i.from)) return ephemeral_reply(config_.text(i, core::rejection::not_staff));
    const bool approve = a.custom_id.starts_with("kq:a:");
    const auto id = a.custom_id.size() > 5 && (approve || a.custom_id.starts_with("kq:d:"))
                        ? core::license_key_id::parse(a.custom_id.substr(5))
                        : std::nullopt;
    if (!id) return ephemeral_reply(config_.text(i, "router.stale_component"));
    const services::actor staff{i.from.user, true};
    const auto done = approve ? keys_.approve_request(staff, *id) : keys_.decline_request(staff, *id);
    if (!done) {
        return ephemeral_reply(done.error() == core::rejection::forbidden_transition
                                   ? std::string("This request was already decided; nothing changed.")
                                   : config_.text(i, done.error()));
    }
    ports::emit(config_.log, ports::log_level::info, "keys",
                "key request " + std::to_string(id->value) + (approve ? " approved" : " declined") + " by staff " + i.from.user.str(),
                {.interaction = i.id.str()});
    return approve ? decided("Approved by " + mention(i.from.user) + ": the key goes to " +
                                 (done->customer ? mention(*done->customer) : std::string("the member")) + " by DM.",
                             0x57F287)
                   : decided("Declined by " + mention(i.from.user) + ": the key is available again.", 0xED4245);
}

}  // namespace apexcore::bot
