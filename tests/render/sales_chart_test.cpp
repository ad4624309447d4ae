// The /stats chart (render/sales_chart.hpp): a PNG of the promised size whose columns and bars
// are where the figures put them.
#include <apexcore/render/sales_chart.hpp>

#include <cairo.h>
#include <gtest/gtest.h>

#include <cstring>
#include <memory>

namespace {

using namespace apexcore;

/// The PNG decoded by cairo.
struct decoded {
    std::unique_ptr<cairo_surface_t, decltype(&cairo_surface_destroy)> surface{nullptr, cairo_surface_destroy};
    [[nodiscard]] std::uint32_t rgb(int x, int y) const {
        const unsigned char* data = cairo_image_surface_get_data(surface.get());
        std::uint32_t px = 0;
        std::memcpy(&px, data + y * cairo_image_surface_get_stride(surface.get()) + x * 4, 4);
        return px & 0xFFFFFF;
    }
};

decoded decode(const std::string& png) {
    struct reader {
        const std::string* bytes;
        std::size_t at = 0;
    } r{&png};
    decoded out;
    out.surface.reset(cairo_image_surface_create_from_png_stream(
        [](void* closure, unsigned char* data, unsigned int length) {
            auto* rd = static_cast<reader*>(closure);
            if (rd->at + length > rd->bytes->size()) return CAIRO_STATUS_READ_ERROR;
            std::memcpy(data, rd->bytes->data() + rd->at, length);
            rd->at += length;
            return CAIRO_STATUS_SUCCESS;
        },
        &r));
    return out;
}

TEST(SalesChart, ColumnsStandWhereTheirDaysAreAndTheBestDayIsTheTallest) {
    render::sales_chart_input in;
    in.first_day = 20'000;
    in.days = 10;
    in.figures.revenue_by_day = {{20'000, 500}, {20'004, 2000}};  // day 0: a quarter of day 4
    in.figures.top_products = {{core::product_id{7}, 3, 2500}};
    in.product_names = {"Indie Bundle - Standard"};
    const std::string png = render::sales_chart_png(in);
    ASSERT_GT(png.size(), 8U);
    EXPECT_EQ(png.substr(0, 8), std::string("\x89PNG\r\n\x1a\n", 8));
    const auto image = decode(png);
    ASSERT_EQ(cairo_surface_status(image.surface.get()), CAIRO_STATUS_SUCCESS);
    EXPECT_EQ(cairo_image_surface_get_width(image.surface.get()), render::chart_width);
    EXPECT_EQ(cairo_image_surface_get_height(image.surface.get()), render::chart_height);

    const int px = render::revenue_panel[0], py = render::revenue_panel[1], pw = render::revenue_panel[2], ph = render::revenue_panel[3];
    const int slot = pw / 10;
    const auto centre = [&](int day) { return px + day * slot + slot / 2; };
    EXPECT_EQ(image.rgb(centre(4), py + 2), render::chart_bar_color) << "the best day reaches the top";
    EXPECT_EQ(image.rgb(centre(0), py + ph - ph / 4 + 3), render::chart_bar_color) << "a quarter as tall";
    EXPECT_EQ(image.rgb(centre(0), py + ph - ph / 4 - 5), 0xFFFFFFU) << "and no taller";
    EXPECT_EQ(image.rgb(centre(2), py + ph - 2), 0xFFFFFFU) << "a day without sales has no column";
}

TEST(SalesChart, AnEmptyPeriodStillDraws) {
    render::sales_chart_input in;
    in.days = 30;
    const auto image = decode(render::sales_chart_png(in));
    ASSERT_EQ(cairo_surface_status(image.surface.get()), CAIRO_STATUS_SUCCESS);
    const auto [px, py, pw, ph] = render::revenue_panel;
    EXPECT_EQ(image.rgb(px + pw - 5, py + ph - 5), 0xFFFFFFU);
}

}  // namespace
