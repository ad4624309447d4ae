#include <apexcore/bot/router.hpp>

#include <algorithm>
#include <stdexcept>

namespace apexcore::bot {

std::optional<core::role_id> bot_config::staff() const {
    if (staff_role.value != 0) return staff_role;
    return made_roles ? made_roles->get(services::live_roles::staff) : std::nullopt;
}

bool bot_config::is_staff(const ports::invoker& who) const {
    const auto role = staff();
    return role && std::find(who.roles.begin(), who.roles.end(), *role) != who.roles.end();
}

std::string bot_config::text(std::string_view locale, std::string_view key, message_args args) const {
    return localized{messages.get(), locale}(key, args);
}

std::string bot_config::text(const ports::interaction& i, core::rejection r) const { return in(i)(r); }

ports::interaction_response feature::on_component(const ports::interaction&, const ports::component_action&) {
    return ephemeral_reply("This control is not valid.");
}

ports::interaction_response feature::on_modal(const ports::interaction&, const ports::modal_submit&) {
    return ephemeral_reply("That form is not one this shop opened. Nothing was changed.");
}

ports::interaction_response feature::on_autocomplete(const ports::interaction&, const ports::autocomplete_request&) {
    ports::interaction_response none;
    none.kind = ports::response_kind::suggest;
    return none;
}

void feature::on_message(const ports::channel_message&) {}

ports::interaction_response ephemeral_reply(std::string text) {
    ports::interaction_response r;
    r.kind = ports::response_kind::reply;
    r.body.content = std::move(text);
    r.body.ephemeral = true;
    return r;
}

const ports::option_value* find_option(const ports::command_invocation& c, std::string_view name) {
    for (const auto& o : c.options) {
        if (o.name == name) return &o.value;
    }
    return nullptr;
}

namespace {

std::string_view first_word(std::string_view text) { return text.substr(0, text.find(' ')); }

}  // namespace

router::router(bot_config config) : config_(std::move(config)) {}

void router::check_free(const feature& f, const feature* except) const {
    for (const auto& other : features_) {
        if (other.get() == except) continue;
        if (other->name() == f.name()) throw std::invalid_argument("router: a feature named '" + f.name() + "' is already there");
        for (const auto& c : f.commands()) {
            if (owner_of_command(c.name) == other.get()) {
                throw std::invalid_argument("router: /" + c.name + " of '" + f.name() + "' is already owned by '" + other->name() + "'");
            }
        }
        for (const auto& ns : f.namespaces()) {
            const auto theirs = other->namespaces();
            if (std::find(theirs.begin(), theirs.end(), ns) != theirs.end()) {
                throw std::invalid_argument("router: custom_id namespace '" + ns + "' of '" + f.name() + "' is already owned by '" +
                                            other->name() + "'");
            }
        }
    }
    for (const auto& ns : f.namespaces()) {
        if (ns.empty() || ns.find(':') != std::string::npos) {
            throw std::invalid_argument("router: '" + f.name() + "' declares an empty namespace or one containing ':'");
        }
    }
}

void router::add(std::shared_ptr<feature> f) {
    if (!f) throw std::invalid_argument("router: no feature");
    check_free(*f, nullptr);
    features_.push_back(std::move(f));
}

bool router::remove(std::string_view name) {
    const auto it = std::find_if(features_.begin(), features_.end(), [&](const auto& f) { return f->name() == name; });
    if (it == features_.end()) return false;
    features_.erase(it);
    return true;
}

void router::replace(std::shared_ptr<feature> f) {
    if (!f) throw std::invalid_argument("router: no feature");
    const auto it = std::find_if(features_.begin(), features_.end(), [&](const auto& g) { return g->name() == f->name(); });
    if (it == features_.end()) return add(std::move(f));
    check_free(*f, it->get());
    *it = std::move(f);
}

std::vector<std::string> router::features() const {
    std::vector<std::string> out;
    for (const auto& f : features_) out.push_back(f->name());
    return out;
}

std::vector<requirement> router::requirements() const {
    std::vector<requirement> out;
    for (const auto& f : features_) {
        auto r = f->requirements();
        out.insert(out.end(), std::make_move_iterator(r.begin()), std::make_move_iterator(r.end()));
    }
    return out;
}

std::vector<ports::command_spec> router::commands() const {
    std::vector<ports::command_spec> out;
    for (const auto& f : features_) {
        auto c = f->commands();
        out.insert(out.end(), std::make_move_iterator(c.begin()), std::make_move_iterator(c.end()));
    }
    return out;
}

feature* router::owner_of_command(std::string_view command) const {
    const std::string_view name = first_word(command);
    for (const auto& f : features_) {
        for (const auto& c : f->commands()) {
            if (c.name == name) return f.get();
        }
    }
    return nullptr;
}

feature* router::owner_of_custom_id(std::string_view custom_id) const {
    const auto colon = custom_id.find(':');
    if (colon == std::string_view::npos) return nullptr;
    const std::string_view ns = custom_id.substr(0, colon);
    for (const auto& f : features_) {
        for (const auto& mine : f->namespaces()) {
            if (mine == ns) return f.get();
        }
    }
    return nullptr;
}

ports::interaction_response router::handle(const ports::interaction& interaction) const {
    try {
        if (const auto* c = std::get_if<ports::command_invocation>(&interaction.action)) {
            if (feature* f = owner_of_command(c->name)) return f->on_command(interaction, *c);
            return ephemeral_reply(config_.text(interaction, "router.unknown_command", {{"command", c->name}}));
        }
        if (const auto* a = std::get_if<ports::component_action>(&interaction.action)) {
            if (feature* f = owner_of_custom_id(a->custom_id)) return f->on_component(interaction, *a);
            return ephemeral_reply(config_.text(interaction, "router.stale_component"));
        }
        if (const auto* m = std::get_if<ports::modal_submit>(&interaction.action)) {
            if (feature* f = owner_of_custom_id(m->custom_id)) return f->on_modal(interaction, *m);
            return ephemeral_reply(config_.text(interaction, "router.foreign_form"));
        }
        const auto& request = std::get<ports::autocomplete_request>(interaction.action);
        if (feature* f = owner_of_command(request.command)) return f->on_autocomplete(interaction, request);
        ports::interaction_response none;
        none.kind = ports::response_kind::suggest;
        return none;
    } catch (const std::exception& e) {
        const std::string id = interaction.id.str();
        ports::emit(config_.log, ports::log_level::error, "router", "interaction " + id + " failed: " + e.what(),
                    {.interaction = id});
        return ephemeral_reply(config_.text(interaction, "router.failed"));
    }
}

void router::on_message(const ports::channel_message& message) const {
    for (const auto& f : features_) {
        try {
            f->on_message(message);
        } catch (const std::exception& e) {
            ports::emit(config_.log, ports::log_level::error, "router",
                        "feature " + f->name() + " failed on a message in " + message.channel.str() + ": " + e.what());
        }
    }
}

std::vector<scheduled_job> router::jobs() const {
    std::vector<scheduled_job> out;
    for (const auto& f : features_) {
        auto j = f->jobs();
        out.insert(out.end(), std::make_move_iterator(j.begin()), std::make_move_iterator(j.end()));
    }
    return out;
}

}  // namespace apexcore::bot
