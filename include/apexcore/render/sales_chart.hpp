#pragma once
/// @file sales_chart.hpp
/// The /stats chart: a PNG drawn with cairo (Debian libcairo2-dev) — revenue per UTC day as
/// columns on top, the best-selling products as bars below — attached to the staff reply.
///
/// Layout (chart_width x chart_height pixels, white background): the revenue panel spans
/// revenue_panel (x, y, w, h) with one column per day of the period, the highest day reaching
/// the panel's top; the products panel lists up to 5 products, each a label over a bar as long as
/// its share of the best seller's revenue. Labels use cairo's toy font API ("sans-serif"): with no font
/// installed the text is missing but the chart is still drawn.

#include <apexcore/core/money.hpp>
#include <apexcore/ports/store.hpp>

#include <array>
#include <cstdint>
#include <string>
#include <vector>

namespace apexcore::render {

inline constexpr int chart_width = 800;   ///< pixels
inline constexpr int chart_height = 560;  ///< pixels
/// The revenue columns' area: x, y, width, height in pixels (a column's bottom is y + height).
inline constexpr std::array<int, 4> revenue_panel{70, 50, 700, 220};
/// The colour of the revenue columns and product bars, 0xRRGGBB (Discord's blurple).
inline constexpr std::uint32_t chart_bar_color = 0x5865F2;

/// What the chart shows.
struct sales_chart_input {
    ports::sales_figures figures;
    std::int64_t first_day = 0;       ///< the period's first UTC day (days since the epoch)
    int days = 30;                    ///< the period's length in days, 1..366
    core::currency currency = core::usd;
    /// Names of figures.top_products, in the same order (a missing name shows the product id).
    std::vector<std::string> product_names{};
};

/// The chart as PNG bytes. Throws std::runtime_error when cairo cannot draw or encode it (out
/// of memory).
[[nodiscard]] std::string sales_chart_png(const sales_chart_input& input);

}  // namespace apexcore::render
