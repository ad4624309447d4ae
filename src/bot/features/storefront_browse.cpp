// Browsing the catalog (storefront.hpp): main category → sub-category → products, 25 options a
// page, from the /buy reply or from the persistent shop panel.
#include <apexcore/bot/features/storefront.hpp>

#include <apexcore/core/text.hpp>

#include <algorithm>
#include <charconv>

namespace apexcore::bot {
namespace {

constexpr std::uint32_t brand_color = 0x5865F2;
constexpr std::size_t page_size = ports::select_options_max;

std::string key_of(std::string_view name) {
    // FNV-1a, 32 bits, as 8 hex digits: a category name's stable short form for custom_ids.
    std::uint32_t h = 2166136261U;
    for (const char c : name) {
        h ^= static_cast<unsigned char>(c);
        h *= 16777619U;
    }
    static constexpr char hex[] = "0123456789abcdef";
    std::string out(8, '0');
    for (int i = 7; i >= 0; --i) {
        out[static_cast<std::size_t>(i)] = hex[h & 0xF];
        h >>= 4;
    }
    return out;
}

std::string encode(const browse_request& r) {
    const char level = r.level == browse_level::mains      ? 'm'
                       : r.level == browse_level::subs     ? 's'
                       : r.level == browse_level::services ? 'v'
                                                           : 'g';
    return "sf:" + std::string(1, r.from_panel ? 'p' : 'e') + std::string(1, level) + ":" + r.main + ":" + r.sub + ":" +
           (r.level == browse_level::products ? r.service + ":" : std::string()) + std::to_string(r.page);
}

std::string products_count(std::size_t n, const localized& t) {
    return t(n == 1 ? "browse.one_product" : "browse.products", {{"count", std::to_string(n)}});
}

}  // namespace

std::string option_description(const core::product& p, const localized& t) {
    const std::string price = core::format_money(p.price);
    if (p.stock && *p.stock <= 0) return t("browse.option_sold_out", {{"price", price}});
    if (p.stock && *p.stock <= p.low_stock_threshold) {
        return t("browse.option_few_left", {{"price", price}, {"count", std::to_string(*p.stock)}});
    }
    return price;
}

namespace {

}  // namespace

std::string category_key(std::string_view name) { return key_of(name); }

std::optional<browse_request> decode_browse(std::string_view custom_id) {
    // "sf:<p|e><m|s|v>:<main>:<sub>:<page>" or "sf:<p|e>g:<main>:<sub>:<service>:<page>"; a "g"
    // without a service (apexcore before the services level) reads as that sub-category's services.
    if (!custom_id.starts_with("sf:") || custom_id.size() < 8 || custom_id.size() > ports::custom_id_length_max) return std::nullopt;
    browse_request r;
    const char origin = custom_id[3];
    const char level = custom_id[4];
    if ((origin != 'p' && origin != 'e') || custom_id[5] != ':') return std::nullopt;
    r.from_panel = origin == 'p';
    if (level == 'm') r.level = browse_level::mains;
    else if (level == 's') r.level = browse_level::subs;
    else if (level == 'v') r.level = browse_level::services;
    else if (level == 'g') r.level = browse_level::products;
    else return std::nullopt;
    std::string_view rest = custom_id.substr(6);
    const auto first = rest.find(':');
    if (first == std::string_view::npos) return std::nullopt;
    const auto second = rest.find(':', first + 1);
    if (second == std::string_view::npos) return std::nullopt;
    r.main = std::string(rest.substr(0, first));
    r.sub = std::string(rest.substr(first + 1, second - first - 1));
    std::string_view page = rest.substr(second + 1);
    if (const auto third = page.find(':'); third != std::string_view::npos) {
        if (r.level != browse_level::products) return std::nullopt;
        r.service = std::string(page.substr(0, third));
        page = page.substr(third + 1);
        if (r.service.empty()) return std::nullopt;
    } else if (r.level == browse_level::products) {
        r.level = browse_level::services;
    }
    const auto is_key = [](const std::string& k) {
        return k.empty() || (k.size() == 8 && std::all_of(k.begin(), k.end(), [](char c) { return (c >= '0' && c <= '9') || (c >= 'a' && c <= 'f'); }));
    };
    if (!is_key(r.main) || !is_key(r.sub) || !is_key(r.service) || page.empty() || page.size() > 4) return std::nullopt;
    int value = 0;
    const auto [end, ec] = std::from_chars(page.data(), page.data() + page.size(), value);
    if (ec != std::errc{} || end != page.data() + page.size() || value < 0 || (page.size() > 1 && page[0] == '0')) return std::nullopt;
    r.page = value;
    return r;
}

ports::message browse_view(const std::vector<core::product>& catalog, browse_request r, const localized& t) {
    // The catalog arrives in display order (main, sub, service, variant); only active products.
    std::vector<const core::product*> in_main;
    std::vector<std::string> mains;
    for (const auto& p : catalog) {
        if (mains.empty() || mains.back() != p.main_category) mains.push_back(p.main_category);
    }
    // Skip a level with one entry: one main category goes straight to its sub-categories.
    if (r.level == browse_level::mains && mains.size() == 1) {
        r.level = browse_level::subs;
        r.main = key_of(mains.front());
        r.page = 0;
    }
    std::string main_name;
    std::vector<std::string> subs;
    if (r.level != browse_level::mains) {
        for (const auto& p : catalog) {
            if (key_of(p.main_category) != r.main) continue;
            main_name = p.main_category;
            in_main.push_back(&p);
            if (subs.empty() || subs.back() != p.sub_category) subs.push_back(p.sub_category);
        }
        if (in_main.empty()) {
            ports::message gone;
            gone.ephemeral = true;
            gone.content = t("browse.gone");
            return gone;
        }
    }
    if (r.level == browse_level::subs && subs.size() == 1) {
        r.level = browse_level::services;
        r.sub = key_of(subs.front());
        r.page = 0;
    }
    // The sub-category's products, and its services in display order.
    std::vector<const core::product*> in_sub;
    std::vector<std::string> services;
    std::string sub_name;
    if (r.level == browse_level::services || r.level == browse_level::products) {
        for (const auto* p : in_main) {
            if (key_of(p->sub_category) != r.sub) continue;
            sub_name = p->sub_category;
            in_sub.push_back(p);
            if (services.empty() || services.back() != p->service_name) services.push_back(p->service_name);
        }
        if (in_sub.empty()) {
            ports::message gone;
            gone.ephemeral = true;
            gone.content = t("browse.gone");
            return gone;
        }
    }
    if (r.level == browse_level::services && services.size() == 1) {
        r.level = browse_level::products;
        r.service = key_of(services.front());
        r.page = 0;
    }

    ports::message m;
    m.ephemeral = true;
    ports::embed e{t("browse.title"), "", {}, brand_color, ""};
    ports::string_select select;
    std::size_t total = 0;
    browse_request next = r;
    next.from_panel = r.from_panel;  // the select's own custom_id keeps where it is shown
    std::optional<browse_request> back;
    if (r.level == browse_level::mains) {
        total = mains.size();
        e.description = t("browse.pick_category");
        select.placeholder = t("browse.choose_category");
        const std::size_t from = std::min(total, static_cast<std::size_t>(r.page) * page_size);
        for (std::size_t i = from; i < std::min(total, from + page_size); ++i) {
            const auto n = static_cast<std::size_t>(std::count_if(catalog.begin(), catalog.end(),
                                                                  [&](const auto& p) { return p.main_category == mains[i]; }));
            select.options.push_back({core::truncate_utf8(mains[i], 100), key_of(mains[i]), products_count(n, t)});
        }
    } else if (r.level == browse_level::subs) {
        total = subs.size();
        e.description = core::truncate_utf8(t("browse.pick_sub_category", {{"category", main_name}}), 4096);
        select.placeholder = t("browse.choose_category");
        const std::size_t from = std::min(total, static_cast<std::size_t>(r.page) * page_size);
        for (std::size_t i = from; i < std::min(total, from + page_size); ++i) {
            std::size_t n = 0;
            std::int64_t lowest = -1;
            for (const auto* p : in_main) {
                if (p->sub_category != subs[i]) continue;
                ++n;
                if (lowest < 0 || p->price.minor_units() < lowest) lowest = p->price.minor_units();
            }
            const auto& currency = in_main.front()->price.currency_of();
            select.options.push_back({core::truncate_utf8(subs[i], 100), key_of(subs[i]),
                                      t("browse.sub_category_option", {{"products", products_count(n, t)},
                                                                       {"price", core::format_money(core::money{lowest, currency})}})});
        }
        if (mains.size() > 1) back = browse_request{browse_level::mains, "", "", "", 0, r.from_panel};
    } else if (r.level == browse_level::services) {
        // A service with one variant is that product (value "#<id>": picking it opens its card);
        // one with several opens its variants.
        total = services.size();
        e.description = core::truncate_utf8(t("browse.pick_service", {{"category", main_name}, {"sub_category", sub_name}}), 4096);
        select.placeholder = t("browse.choose_service");
        const std::size_t from = std::min(total, static_cast<std::size_t>(r.page) * page_size);
        for (std::size_t i = from; i < std::min(total, from + page_size); ++i) {
            std::vector<const core::product*> variants;
            for (const auto* p : in_sub) {
                if (p->service_name == services[i]) variants.push_back(p);
            }
            if (variants.size() == 1) {
                select.options.push_back({core::truncate_utf8(variants.front()->display_name(), 100), "#" + std::to_string(variants.front()->id.value),
                                          core::truncate_utf8(option_description(*variants.front(), t), 100)});
                continue;
            }
            std::int64_t lowest = variants.front()->price.minor_units();
            for (const auto* p : variants) lowest = std::min(lowest, p->price.minor_units());
            select.options.push_back({core::truncate_utf8(services[i], 100), key_of(services[i]),
                                      t("browse.service_option", {{"count", std::to_string(variants.size())},
                                                                  {"price", core::format_money(core::money{lowest, variants.front()->price.currency_of()})}})});
        }
        if (subs.size() > 1) back = browse_request{browse_level::subs, r.main, "", "", 0, r.from_panel};
        else if (mains.size() > 1) back = browse_request{browse_level::mains, "", "", "", 0, r.from_panel};
    } else {
        std::vector<const core::product*> goods;
        std::string service_name;
        for (const auto* p : in_sub) {
            if (key_of(p->service_name) == r.service) {
                goods.push_back(p);
                service_name = p->service_name;
            }
        }
        if (goods.empty()) {
            ports::message gone;
            gone.ephemeral = true;
            gone.content = t("browse.gone");
            return gone;
        }
        total = goods.size();
        e.description = core::truncate_utf8(
            t("browse.pick_variant", {{"category", main_name}, {"sub_category", sub_name}, {"service", service_name}}), 4096);
        select.placeholder = t("storefront.choose_product");
        const std::size_t from = std::min(total, static_cast<std::size_t>(r.page) * page_size);
        for (std::size_t i = from; i < std::min(total, from + page_size); ++i) {
            select.options.push_back({core::truncate_utf8(goods[i]->display_name(), 100), std::to_string(goods[i]->id.value),
                                      core::truncate_utf8(option_description(*goods[i], t), 100)});
        }
        if (services.size() > 1) back = browse_request{browse_level::services, r.main, r.sub, "", 0, r.from_panel};
        else if (subs.size() > 1) back = browse_request{browse_level::subs, r.main, "", "", 0, r.from_panel};
        else if (mains.size() > 1) back = browse_request{browse_level::mains, "", "", "", 0, r.from_panel};
    }
    const std::size_t pages = std::max<std::size_t>(1, (total + page_size - 1) / page_size);
    if (static_cast<std::size_t>(r.page) >= pages) {
        ports::message gone;
        gone.ephemeral = true;
        gone.content = t("browse.page_gone");
        return gone;
    }
    if (pages > 1) e.footer = t("browse.page", {{"page", std::to_string(r.page + 1)}, {"pages", std::to_string(pages)}});
    select.custom_id = encode(next);
    m.embeds.push_back(std::move(e));
    m.rows.push_back({{std::move(select)}});
    ports::action_row nav;
    if (back) nav.components.push_back(ports::button{t("browse.back"), encode(*back), ports::button_style::secondary});
    if (pages > 1) {
        browse_request prev = r;
        prev.page = r.page - 1;
        browse_request later = r;
        later.page = r.page + 1;
        // A custom_id is unique within a message: a disabled end button gets an inert one.
        const bool first = r.page == 0;
        const bool last = static_cast<std::size_t>(r.page) + 1 >= pages;
        nav.components.push_back(ports::button{t("browse.previous"), first ? "sf:x:prev" : encode(prev), ports::button_style::secondary, first});
        nav.components.push_back(ports::button{t("browse.next"), last ? "sf:x:next" : encode(later), ports::button_style::secondary, last});
    }
    if (!nav.components.empty()) m.rows.push_back(std::move(nav));
    return m;
}

}  // namespace apexcore::bot
