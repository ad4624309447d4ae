// The catalog CSV export (core/catalog_csv.hpp): what /catalog export writes reads back as the
// same products, quoting what needs quoting and defusing spreadsheet formulas.
#include <apexcore/core/catalog_csv.hpp>

#include <gtest/gtest.h>

namespace {

using namespace apexcore::core;

product full_product() {
    product p;
    p.main_category = "Games, keys & more";
    p.sub_category = "PC \"classics\"";
    p.service_name = "Indie Bundle";
    p.variant_name = "Standard";
    p.price = money::usd_cents(1205);
    p.active = false;
    p.duration_days = 30;
    p.start_time = "instant";
    p.refill_period_days = 7;
    p.additional_info = "Two lines\nof description";
    p.role_to_grant = role_id{123456789012345678};
    p.delivery_payload = "https://example.com/download";
    p.deliverables = {{deliverable_kind::key, ""}, {deliverable_kind::guide, ""}};
    p.stock = 12;
    p.low_stock_threshold = 5;
    p.critical_stock_threshold = 2;
    p.tags = {"games", "pc"};
    p.questions = {"Your in-game name", "Your region; EU or US"};
    return p;
}

TEST(CatalogCsvExport, ReadsBackAsTheSameProducts) {
    product plain;
    plain.main_category = "Streaming";
    plain.sub_category = "Video";
    plain.service_name = "Flix";
    plain.variant_name = "1 month";
    plain.price = money::usd_cents(5);
    const std::vector<product> products{full_product(), plain};

    const std::string csv = write_catalog_csv(products);
    EXPECT_TRUE(csv.starts_with(std::string(catalog_csv_header) + "\n"));
    const auto back = parse_catalog_csv(csv, usd);
    ASSERT_TRUE(back.issues.empty()) << back.issues[0].line << " " << back.issues[0].column << ": " << back.issues[0].reason << "\n"
                                     << csv;
    ASSERT_EQ(back.rows.size(), 2U);
    for (std::size_t i = 0; i < 2; ++i) {
        const product& a = products[i];
        const product& b = back.rows[i].item;
        EXPECT_EQ(b.main_category, a.main_category);
        EXPECT_EQ(b.sub_category, a.sub_category);
        EXPECT_EQ(b.display_name(), a.display_name());
        EXPECT_EQ(b.price, a.price);
        EXPECT_EQ(b.active, a.active);
        EXPECT_EQ(b.duration_days, a.duration_days);
        EXPECT_EQ(b.start_time, a.start_time);
        EXPECT_EQ(b.refill_period_days, a.refill_period_days);
        EXPECT_EQ(b.additional_info, a.additional_info);
        EXPECT_EQ(b.role_to_grant, a.role_to_grant);
        EXPECT_EQ(b.delivery_payload, a.delivery_payload);
        EXPECT_EQ(b.deliverables, a.deliverables);
        EXPECT_EQ(b.stock, a.stock);
        EXPECT_EQ(b.low_stock_threshold, a.low_stock_threshold);
        EXPECT_EQ(b.critical_stock_threshold, a.critical_stock_threshold);
        EXPECT_EQ(b.tags, a.tags);
        EXPECT_EQ(b.questions, a.questions);
    }
    EXPECT_EQ(back.rows[1].item.price, money::usd_cents(5)) << "0.05, not 5";
}

TEST(CatalogCsvExport, AFormulaIsNotRunByASpreadsheet) {
    product p = full_product();
    p.service_name = "=HYPERLINK(\"http://evil\")";
    const std::string csv = write_catalog_csv({p});
    EXPECT_NE(csv.find(",\"'=HYPERLINK(\"\"http://evil\"\")\","), std::string::npos) << csv;
    EXPECT_EQ(csv_detail::plain_amount(money{500, *find_currency("JPY")}), "500");
}

}  // namespace
