#pragma once
/// @file feature.hpp
/// A feature of the bot: one room with its commands, its `custom_id` namespaces and its handlers.
/// The router (router.hpp) sends each interaction to the feature that declared its command name or
/// the namespace of its custom_id ("<namespace>:..."); a feature depends on services and ports,
/// never on another feature (docs/embedding.md shows one of your own).

#include <apexcore/core/ids.hpp>
#include <apexcore/bot/messages.hpp>
#include <apexcore/core/money.hpp>
#include <apexcore/ports/chat.hpp>
#include <apexcore/ports/chat_actions.hpp>
#include <apexcore/ports/log.hpp>
#include <apexcore/ports/message.hpp>
#include <apexcore/services/shop_config.hpp>

#include <chrono>
#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <variant>
#include <vector>

namespace apexcore::bot {

/// What every feature may need to know about the bot it runs in.
struct bot_config {
    core::guild_id guild;                 ///< the guild the shop lives in
    /// Members holding it may use staff commands; 0: none configured, the one /setup makes
    /// (`made_roles`, "role.staff") counts instead. Read it through staff().
    core::role_id staff_role;
    core::currency currency = core::usd;  ///< prices and wallets are in this currency
    ports::log_fn log;  ///< one record per unexpected failure (components "router", "tickets", "setup"); may be empty
    /// The customer-facing texts (messages.hpp); null: the shipped English.
    std::shared_ptr<const message_catalog> messages{};
    /// Roles /setup made while the bot runs (services::live_roles); may be null.
    std::shared_ptr<const services::live_roles> made_roles{};

    /// The staff role in force: `staff_role` when set, else the one /setup made; nullopt: none yet
    /// (only the server's administrator can then run /setup, which makes it).
    [[nodiscard]] std::optional<core::role_id> staff() const;
    /// Whether `who` holds the staff role (the services re-check staff-only use cases).
    [[nodiscard]] bool is_staff(const ports::invoker& who) const;
    /// The text of `key` for `locale` (message_catalog::text; "" for no interaction: DMs, posts).
    [[nodiscard]] std::string text(std::string_view locale, std::string_view key, message_args args = {}) const;
    /// The text of `key` in the language of the member who sent `i`.
    [[nodiscard]] std::string text(const ports::interaction& i, std::string_view key, message_args args = {}) const {
        return text(i.locale, key, args);
    }
    /// A rejection, in the language of the member who sent `i`.
    [[nodiscard]] std::string text(const ports::interaction& i, core::rejection r) const;
    /// The texts in the language of the member who sent `i`, for views.
    [[nodiscard]] localized in(const ports::interaction& i) const { return {messages.get(), i.locale}; }
    /// The texts without a member's language (DMs, log posts): the owner's "default", else English.
    [[nodiscard]] localized unaddressed() const { return {messages.get(), {}}; }
};

/// Something a feature needs the platform to let the bot do (ports/chat_actions.hpp).
using requirement = ports::requirement;

/// Work a feature wants done on a schedule (bot::scheduler runs it): the inactivity sweep, delayed
/// deletions, expiries. What is due is read from the store each time, so nothing is lost across
/// a restart; `run` must be idempotent and may throw (logged, retried at the next interval).
struct scheduled_job {
    std::string name;                      ///< for logs, e.g. "tickets.sweep"
    std::chrono::seconds interval{60};     ///< how often it runs, >= 1 s
    std::function<void()> run;
};

/// A feature. Implementations must be thread-safe: the runtime handles interactions on several
/// worker threads at once. A handler may throw; the router turns that into an apology and a log
/// line (nothing has been committed: every money movement is one transaction).
class feature {
public:
    virtual ~feature() = default;

    /// A short unique name ("wallet", "storefront"), used to remove or replace the feature.
    [[nodiscard]] virtual std::string name() const = 0;
    /// The slash commands it owns (their names must be unique across the router's features).
    [[nodiscard]] virtual std::vector<ports::command_spec> commands() const = 0;
    /// The custom_id namespaces it owns: a custom_id "<ns>:..." is routed here (unique too).
    [[nodiscard]] virtual std::vector<std::string> namespaces() const { return {}; }
    /// What it needs the platform to allow (checked at start-up and by `/setup check`, reported
    /// to the owner in the platform's words: ports::chat_actions::missing).
    [[nodiscard]] virtual std::vector<requirement> requirements() const { return {}; }

    /// One of its commands ("name" or "name sub").
    virtual ports::interaction_response on_command(const ports::interaction& i, const ports::command_invocation& c) = 0;
    /// A click or pick on one of its components.
    virtual ports::interaction_response on_component(const ports::interaction& i, const ports::component_action& a);
    /// A modal it opened, submitted (its custom_id is in one of its namespaces).
    virtual ports::interaction_response on_modal(const ports::interaction& i, const ports::modal_submit& m);
    /// An autocomplete request for one of its commands. Default: no suggestions.
    virtual ports::interaction_response on_autocomplete(const ports::interaction& i, const ports::autocomplete_request& a);
    /// A message posted in a channel (every feature sees every message; most ignore them).
    /// Default: nothing. May throw (logged).
    virtual void on_message(const ports::channel_message& m);
    /// Its scheduled work. Default: none.
    [[nodiscard]] virtual std::vector<scheduled_job> jobs() const { return {}; }
};

/// An ephemeral reply with `text`.
[[nodiscard]] ports::interaction_response ephemeral_reply(std::string text);

/// The value of the option `name`, or nullptr.
[[nodiscard]] const ports::option_value* find_option(const ports::command_invocation& c, std::string_view name);

/// The value of the option `name` when it holds a `T` (std::string, std::int64_t, bool,
/// core::user_id, core::role_id, ports::attachment_info ...); nullptr when it is absent or of
/// another type.
template <class T>
[[nodiscard]] const T* find_option_as(const ports::command_invocation& c, std::string_view name) {
    const auto* v = find_option(c, name);
    return v != nullptr ? std::get_if<T>(v) : nullptr;
}

}  // namespace apexcore::bot
