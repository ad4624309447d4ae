#include <apexcore/render/sales_chart.hpp>

#include <cairo.h>

#include <algorithm>
#include <chrono>
#include <cstdio>
#include <memory>
#include <stdexcept>

namespace apexcore::render {
namespace {

struct surface_deleter {
    void operator()(cairo_surface_t* s) const { cairo_surface_destroy(s); }
};
struct context_deleter {
    void operator()(cairo_t* c) const { cairo_destroy(c); }
};

void set_color(cairo_t* cr, std::uint32_t rgb) {
    cairo_set_source_rgb(cr, ((rgb >> 16) & 0xFF) / 255.0, ((rgb >> 8) & 0xFF) / 255.0, (rgb & 0xFF) / 255.0);
}

void text(cairo_t* cr, double x, double y, const std::string& s, double size, std::uint32_t rgb = 0x2B2D31) {
    set_color(cr, rgb);
    cairo_set_font_size(cr, size);
    cairo_move_to(cr, x, y);
    cairo_show_text(cr, s.c_str());
}

/// "30 Nov" for a day since the epoch.
std::string day_label(std::int64_t day) {
    static constexpr const char* months[] = {"Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"};
    const std::chrono::year_month_day ymd{std::chrono::sys_days(std::chrono::days(day))};
    return std::to_string(static_cast<unsigned>(ymd.day())) + " " + months[(static_cast<unsigned>(ymd.month()) + 11) % 12];
}

cairo_status_t append_png(void* closure, const unsigned char* data, unsigned int length) {
    static_cast<std::string*>(closure)->append(reinterpret_cast<const char*>(data), length);
    return CAIRO_STATUS_SUCCESS;
}

}  // namespace

std::string sales_chart_png(const sales_chart_input& in) {
    std::unique_ptr<cairo_surface_t, surface_deleter> surface(cairo_image_surface_create(CAIRO_FORMAT_RGB24, chart_width, chart_height));
    if (cairo_surface_status(surface.get()) != CAIRO_STATUS_SUCCESS) throw std::runtime_error("sales chart: cannot create the image");
    std::unique_ptr<cairo_t, context_deleter> context(cairo_create(surface.get()));
    cairo_t* cr = context.get();
    set_color(cr, 0xFFFFFF);
    cairo_paint(cr);
    cairo_select_font_face(cr, "sans-serif", CAIRO_FONT_SLANT_NORMAL, CAIRO_FONT_WEIGHT_NORMAL);

    const int days = std::clamp(in.days, 1, 366);
    const auto [px, py, pw, ph] = revenue_panel;
    text(cr, px, 30, "Revenue per day (" + std::string(in.currency.code_string()) + ")", 16);
    std::int64_t highest = 0;
    for (const auto& [day, minor] : in.figures.revenue_by_day) highest = std::max(highest, minor);
    // The axes.
    set_color(cr, 0xB5BAC1);
    cairo_set_line_width(cr, 1);
    cairo_move_to(cr, px - 0.5, py);
    cairo_line_to(cr, px - 0.5, py + ph + 0.5);
    cairo_line_to(cr, px + pw, py + ph + 0.5);
    cairo_stroke(cr);
    if (highest == 0) {
        text(cr, px + pw / 2.0 - 80, py + ph / 2.0, "No sales in this period", 14, 0x80848E);
    } else {
        const double slot = static_cast<double>(pw) / days;
        const double width = std::max(1.0, slot * 0.8);
        set_color(cr, chart_bar_color);
        for (const auto& [day, minor] : in.figures.revenue_by_day) {
            const std::int64_t index = day - in.first_day;
            if (index < 0 || index >= days || minor <= 0) continue;
            const double height = static_cast<double>(minor) / static_cast<double>(highest) * ph;
            cairo_rectangle(cr, px + static_cast<double>(index) * slot + (slot - width) / 2, py + ph - height, width, height);
        }
        cairo_fill(cr);
        text(cr, 4, py + 10, core::format_money(core::money{highest, in.currency}), 11);
    }
    text(cr, px, py + ph + 16, day_label(in.first_day), 11);
    text(cr, px + pw - 40, py + ph + 16, day_label(in.first_day + days - 1), 11);

    // The best sellers.
    const int top_y = py + ph + 50;
    text(cr, px, top_y, "Top products", 16);
    const auto& top = in.figures.top_products;
    const std::int64_t best = top.empty() ? 0 : std::max<std::int64_t>(top.front().revenue_minor, 1);
    for (std::size_t n = 0; n < top.size() && n < 5; ++n) {
        // A label line, then the bar under it: long names never run into the bar.
        const double y = top_y + 12 + static_cast<double>(n) * 42.0;
        const std::string name = n < in.product_names.size() && !in.product_names[n].empty()
                                     ? in.product_names[n]
                                     : "product " + std::to_string(top[n].product.value);
        text(cr, px, y + 12,
             name.substr(0, 80) + " - " + core::format_money(core::money{top[n].revenue_minor, in.currency}) + ", " +
                 std::to_string(top[n].orders) + " orders",
             12);
        const double length = std::max(2.0, static_cast<double>(top[n].revenue_minor) / static_cast<double>(best) * pw);
        set_color(cr, chart_bar_color);
        cairo_rectangle(cr, px, y + 18, length, 16);
        cairo_fill(cr);
    }
    if (top.empty()) text(cr, px, top_y + 30, "None yet", 12, 0x80848E);

    cairo_surface_flush(surface.get());
    std::string png;
    if (cairo_surface_write_to_png_stream(surface.get(), append_png, &png) != CAIRO_STATUS_SUCCESS) {
        throw std::runtime_error("sales chart: cannot encode the PNG");
    }
    return png;
}

}  // namespace apexcore::render
