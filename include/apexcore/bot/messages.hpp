#pragma once
/// @file messages.hpp
/// The message catalog: the customer-facing text of the shop, one key per text, English shipped,
/// overridable by the owner per key and per language (issue "The storefront" §8).
///
/// A text is a template with named placeholders: "Thank you! Order **{reference}** is paid."
/// A placeholder is `{name}` with `name` of a-z, 0-9 and '_'; any other brace is literal. An
/// override may use the placeholders of the English text, in any order, each any number of times,
/// or none; it may not name one the English text does not have (it would print as typed).
///
/// Which text is used for an interaction (its `locale`, Discord's `locale` field: "de", "pt-BR",
/// REFERENCE.md §3.2 interaction object): the override for that exact locale, else for its
/// language ("pt" for "pt-BR"), else the owner's override for every language ("default"), else
/// the shipped English. Direct messages and log posts have no interaction: they use "default",
/// else English.
///
/// Keys: "<feature>.<what>" ("storefront.confirm_title"), and "rejection.<name>" for each
/// core::rejection (core::to_string), whose English is core::describe. `apexbot --list-messages`
/// prints every key with its English text.

#include <apexcore/core/rejection.hpp>
#include <apexcore/core/result.hpp>

#include <initializer_list>
#include <map>
#include <memory>
#include <mutex>
#include <span>
#include <string>
#include <string_view>
#include <utility>

namespace apexcore::bot {

/// One shipped text: its key and its English template.
struct message_entry {
    std::string_view key;
    std::string_view english;
};

/// Every key apexcore ships (the "rejection.*" keys included), sorted by key.
[[nodiscard]] std::span<const message_entry> message_defaults();

/// The longest text an override may have, in bytes (a message's content holds 2,000 characters,
/// REFERENCE.md §5; a rendered text is clipped to where it is used).
inline constexpr std::size_t message_length_max = 2000;

/// Why an override was refused.
enum class message_error {
    bad_locale,           ///< not "default" nor a Discord locale ("de", "pt-BR": 2-3 letters, optionally "-" and 2 letters)
    unknown_key,          ///< no shipped text has that key
    unknown_placeholder,  ///< {name} that the English text does not have
    bad_text,             ///< empty, longer than message_length_max bytes, or not valid UTF-8
};

/// A refused override: what, where, and a sentence for the owner.
struct message_problem {
    message_error error;
    std::string locale;
    std::string key;
    std::string detail;  ///< e.g. "{referance} is not a placeholder of this text (it has: {reference})"
};

/// Overrides as the config gives them: locale ("default" for every language) -> key -> template.
using message_overrides = std::map<std::string, std::map<std::string, std::string, std::less<>>, std::less<>>;

/// Placeholder values for one text: name -> value (used for the whole call only).
using message_args = std::initializer_list<std::pair<std::string_view, std::string_view>>;

/// The catalog: shipped English plus the owner's overrides. Immutable and thread-safe once made.
class message_catalog {
public:
    /// English only.
    message_catalog() = default;
    /// Copies `other`'s texts as they are now.
    message_catalog(const message_catalog& other) : overrides_(other.snapshot()) {}
    message_catalog& operator=(const message_catalog& other);

    /// English with `overrides`; the first refused override is the error (nothing is applied).
    [[nodiscard]] static core::result<message_catalog, message_problem> make(message_overrides overrides);

    /// The text of `key` for `locale` ("" or "default": no language), its placeholders filled from
    /// `args` (a placeholder without a value stays as written). Throws std::out_of_range for a key
    /// apexcore does not ship (a programming error, never a member's input).
    [[nodiscard]] std::string text(std::string_view key, std::string_view locale, message_args args = {}) const;

    /// The text of a rejection ("rejection.<name>").
    [[nodiscard]] std::string text(core::rejection r, std::string_view locale) const;

    /// Takes `other`'s texts while the bot runs (apexbot on SIGHUP): every text asked for after
    /// this returns is the new one; a text being rendered finishes with the old. Thread-safe.
    void replace(const message_catalog& other);

private:
    [[nodiscard]] std::shared_ptr<const message_overrides> snapshot() const;

    mutable std::mutex mutex_;  ///< guards the pointer, not the texts (never changed in place)
    std::shared_ptr<const message_overrides> overrides_ = std::make_shared<const message_overrides>();
};

/// A catalog and a language: what a view renders its texts with. Cheap to copy; the catalog must
/// outlive it.
struct localized {
    const message_catalog* catalog = nullptr;  ///< null: the shipped English
    std::string_view locale{};                 ///< a Discord locale, or "" (no interaction)
    /// message_catalog::text(key, locale, args).
    [[nodiscard]] std::string operator()(std::string_view key, message_args args = {}) const;
    /// message_catalog::text(r, locale).
    [[nodiscard]] std::string operator()(core::rejection r) const;
};

/// Fills `{name}` placeholders of `pattern` from `args`; other braces are kept.
[[nodiscard]] std::string fill_placeholders(std::string_view pattern, message_args args);

}  // namespace apexcore::bot
