#include <apexcore/bot/messages.hpp>

#include "messages_en.hpp"

#include <apexcore/core/text.hpp>

#include <algorithm>
#include <set>
#include <stdexcept>
#include <vector>

namespace apexcore::bot {
namespace {

bool is_name_char(char c) { return (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '_'; }

/// Calls `f(name)` for each `{name}` placeholder of `pattern`.
template <class F>
void for_each_placeholder(std::string_view pattern, F&& f) {
    for (std::size_t open = pattern.find('{'); open != std::string_view::npos; open = pattern.find('{', open + 1)) {
        std::size_t end = open + 1;
        while (end < pattern.size() && is_name_char(pattern[end])) ++end;
        if (end > open + 1 && end < pattern.size() && pattern[end] == '}') f(pattern.substr(open + 1, end - open - 1));
    }
}

/// The shipped table with the rejections' texts added, sorted by key; built once.
const std::vector<message_entry>& table() {
    static const std::vector<message_entry> entries = [] {
        std::vector<message_entry> out(detail::english_messages.begin(), detail::english_messages.end());
        static std::vector<std::string> rejection_keys;  // owns the "rejection.<name>" keys
        const int last = static_cast<int>(core::last_rejection);
        rejection_keys.reserve(static_cast<std::size_t>(last) + 1);
        for (int v = 0; v <= last; ++v) {
            const auto r = static_cast<core::rejection>(v);
            rejection_keys.push_back("rejection." + std::string(core::to_string(r)));
            out.push_back({rejection_keys.back(), core::describe(r)});
        }
        std::sort(out.begin(), out.end(), [](const message_entry& a, const message_entry& b) { return a.key < b.key; });
        for (std::size_t k = 1; k < out.size(); ++k) {
            if (out[k - 1].key == out[k].key) throw std::logic_error("message key shipped twice: " + std::string(out[k].key));
        }
        return out;
    }();
    return entries;
}

const message_entry* find_entry(std::string_view key) {
    const auto& t = table();
    const auto it = std::lower_bound(t.begin(), t.end(), key, [](const message_entry& e, std::string_view k) { return e.key < k; });
    return it != t.end() && it->key == key ? &*it : nullptr;
}

bool is_locale(std::string_view locale) {
    if (locale == "default") return true;
    const auto letters = [](std::string_view s, bool upper) {
        return std::all_of(s.begin(), s.end(), [&](char c) { return upper ? (c >= 'A' && c <= 'Z') : (c >= 'a' && c <= 'z'); });
    };
    const auto dash = locale.find('-');
    const std::string_view language = locale.substr(0, dash);
    if (language.size() < 2 || language.size() > 3 || !letters(language, false)) return false;
    if (dash == std::string_view::npos) return true;
    const std::string_view region = locale.substr(dash + 1);
    return region.size() == 2 && letters(region, true);
}

}  // namespace

std::span<const message_entry> message_defaults() { return table(); }

std::string fill_placeholders(std::string_view pattern, message_args args) {
    std::string out;
    out.reserve(pattern.size() + 32);
    std::size_t at = 0;
    while (at < pattern.size()) {
        const std::size_t open = pattern.find('{', at);
        if (open == std::string_view::npos) break;
        std::size_t end = open + 1;
        while (end < pattern.size() && is_name_char(pattern[end])) ++end;
        out.append(pattern.substr(at, open - at));
        if (end > open + 1 && end < pattern.size() && pattern[end] == '}') {
            const std::string_view name = pattern.substr(open + 1, end - open - 1);
            const auto arg = std::find_if(args.begin(), args.end(), [&](const auto& a) { return a.first == name; });
            if (arg != args.end()) {
                out.append(arg->second);
                at = end + 1;
                continue;
            }
        }
        out.push_back('{');
        at = open + 1;
    }
    out.append(pattern.substr(std::min(at, pattern.size())));
    return out;
}

core::result<message_catalog, message_problem> message_catalog::make(message_overrides overrides) {
    for (const auto& [locale, texts] : overrides) {
        if (!is_locale(locale)) {
            return message_problem{message_error::bad_locale, locale, "",
                                   "expected \"default\" or a Discord locale such as \"de\", \"fr\" or \"pt-BR\""};
        }
        for (const auto& [key, text] : texts) {
            const message_entry* entry = find_entry(key);
            if (entry == nullptr) {
                return message_problem{message_error::unknown_key, locale, key,
                                       "no text has this key (apexbot --list-messages prints them all)"};
            }
            if (text.empty() || text.size() > message_length_max || !core::is_valid_utf8(text)) {
                return message_problem{message_error::bad_text, locale, key, "expected 1 to 2000 bytes of UTF-8 text"};
            }
            std::set<std::string_view> known;
            for_each_placeholder(entry->english, [&](std::string_view name) { known.insert(name); });
            std::string stray;
            for_each_placeholder(text, [&](std::string_view name) {
                if (stray.empty() && known.count(name) == 0) stray = std::string(name);
            });
            if (!stray.empty()) {
                std::string has;
                for (const auto name : known) has += (has.empty() ? "{" : ", {") + std::string(name) + "}";
                return message_problem{message_error::unknown_placeholder, locale, key,
                                       "{" + stray + "} is not a placeholder of this text (it has: " + (has.empty() ? "none" : has) + ")"};
            }
        }
    }
    message_catalog catalog;
    catalog.overrides_ = std::make_shared<const message_overrides>(std::move(overrides));
    return catalog;
}

message_catalog& message_catalog::operator=(const message_catalog& other) {
    if (this != &other) replace(other);
    return *this;
}

void message_catalog::replace(const message_catalog& other) {
    auto texts = other.snapshot();
    const std::lock_guard lock(mutex_);
    overrides_ = std::move(texts);
}

std::shared_ptr<const message_overrides> message_catalog::snapshot() const {
    const std::lock_guard lock(mutex_);
    return overrides_;
}

std::string message_catalog::text(std::string_view key, std::string_view locale, message_args args) const {
    const message_entry* entry = find_entry(key);
    if (entry == nullptr) throw std::out_of_range("no message with key " + std::string(key));
    const auto held = snapshot();  // kept alive while this text is rendered
    const message_overrides& overrides = *held;
    const auto in = [&](std::string_view where) -> const std::string* {
        const auto texts = overrides.find(where);
        if (texts == overrides.end()) return nullptr;
        const auto it = texts->second.find(key);
        return it == texts->second.end() ? nullptr : &it->second;
    };
    const std::string* chosen = nullptr;
    if (!overrides.empty()) {
        if (!locale.empty() && locale != "default") {
            chosen = in(locale);
            if (chosen == nullptr) chosen = in(locale.substr(0, locale.find('-')));
        }
        if (chosen == nullptr) chosen = in("default");
    }
    return fill_placeholders(chosen != nullptr ? std::string_view(*chosen) : entry->english, args);
}

std::string message_catalog::text(core::rejection r, std::string_view locale) const {
    return text("rejection." + std::string(core::to_string(r)), locale);
}

std::string localized::operator()(std::string_view key, message_args args) const {
    static const message_catalog english;
    return (catalog != nullptr ? *catalog : english).text(key, locale, args);
}

std::string localized::operator()(core::rejection r) const {
    static const message_catalog english;
    return (catalog != nullptr ? *catalog : english).text(r, locale);
}

}  // namespace apexcore::bot
