// Conan's test_package: uses one thing from every component, so a missing library, a missing
// dependency or a header that needs a newer standard than the consumer's fails here.
#include <apexcore/bot/shop_bot.hpp>
#include <apexcore/core/money.hpp>
#include <apexcore/discord/model.hpp>
#include <apexcore/discord/rest_client.hpp>
#include <apexcore/render/transcript_html.hpp>
#include <apexcore/sqlite/sqlite_store.hpp>
#include <apexcore/storage/directory_transcript_store.hpp>
#include <apexcore/storage/sigv4.hpp>
#include <apexcore/version.hpp>

#include <boost/asio/io_context.hpp>

#include <iostream>

int main() {
    using namespace apexcore;
    sqlite::sqlite_store store({.path = ":memory:"});                                      // sqlite
    services::wallet_service wallet(store, services::shop_config{});                       // services
    const auto reply = bot::ephemeral_reply("ok");                                         // bot
    const auto callback = discord::to_interaction_callback(reply);                         // discord_model
    boost::asio::io_context io;
    discord::rest_options rest_options;
    rest_options.token = "test_package";  // nothing is sent: the client is made and destroyed
    const discord::rest_client rest(io, rest_options);                                     // discord
    const auto html = render::transcript_html(core::transcript{});                         // render
    const storage::directory_transcript_store files("test_package_transcripts");           // storage
    const auto digest = storage::sha256_hex("");                                           // s3
    const bool ok = store.reconcile().ok() && wallet.balance(core::user_id{1}) == core::money::usd_cents(0) &&
                    callback["type"] == 4 && !html.empty() &&
                    digest == "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855";
    std::cout << "apexcore " << apexcore::version << ": " << core::format_money(core::money::usd_cents(1234))
              << ", every component linked, " << (ok ? "ok" : "FAILED") << "\n";
    return ok ? 0 : 1;
}
