// The Interactions Endpoint against hostile clients, at socket level on loopback (issue 8 §5):
// oversized headers and bodies, slow clients, more connections than the cap, running out of file
// descriptors (accept fails with EMFILE: once the accept loop ended there, without a log line),
// an accept loop that throws, and a signed "type" beyond int that was once answered as a PING.
#include <apexcore/discord/interactions_endpoint.hpp>

#include "../../examples/sandbox/signing.hpp"

#include <boost/asio/connect.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/beast/core.hpp>
#include <boost/beast/http.hpp>
#include <gtest/gtest.h>

#include <sys/resource.h>
#include <sys/wait.h>
#include <unistd.h>

#include <atomic>
#include <mutex>
#include <thread>

namespace {

namespace net = boost::asio;
namespace beast = boost::beast;
namespace http = beast::http;
using apexcore::discord::json;
using tcp = net::ip::tcp;
using namespace std::chrono_literals;

class HostileClientTest : public ::testing::Test {
protected:
    void start(std::string fault_point = "") {
        apexcore::discord::endpoint_options options;
        options.port = 0;
        options.public_key_hex = signer_.public_key_hex();
        options.connections_max = 4;
        options.read_timeout = 1s;
        options.header_limit = 2048;
        options.body_limit = 8192;
        if (!fault_point.empty()) {
            options.inject_fault = [this, fault_point](std::string_view point) {
                if (point == fault_point && !fired_.exchange(true)) throw std::runtime_error("injected");
            };
        }
        endpoint_ = std::make_unique<apexcore::discord::interactions_endpoint>(
            io_, options, [](apexcore::discord::interaction_envelope, auto respond) { respond(json{{"type", 4}}); },
            [this](const apexcore::ports::log_record& r) {
                std::lock_guard lock(mutex_);
                log_ += std::string(r.component) + ": " + std::string(r.message) + "\n";
            });
        endpoint_->start();
        thread_ = std::thread([this] { io_.run(); });
    }

    void TearDown() override {
        if (endpoint_) endpoint_->stop();
        io_.stop();
        if (thread_.joinable()) thread_.join();
    }

    std::string log() {
        std::lock_guard lock(mutex_);
        return log_;
    }

    http::request<http::string_body> signed_request(const std::string& body) const {
        const std::string timestamp = std::to_string(
            std::chrono::duration_cast<std::chrono::seconds>(std::chrono::system_clock::now().time_since_epoch()).count());
        http::request<http::string_body> req{http::verb::post, "/interactions", 11};
        req.set(http::field::host, "127.0.0.1");
        req.set("X-Signature-Ed25519", signer_.sign_hex(timestamp + body));
        req.set("X-Signature-Timestamp", timestamp);
        req.body() = body;
        req.prepare_payload();
        return req;
    }

    /// One exchange on a new connection; status 0 when the server closed it without an answer.
    unsigned exchange(const http::request<http::string_body>& req) {
        net::io_context io;
        beast::tcp_stream stream(io);
        stream.expires_after(10s);
        stream.connect(tcp::endpoint(net::ip::make_address("127.0.0.1"), endpoint_->port()));
        beast::error_code ec;
        http::write(stream, req, ec);
        http::response<http::string_body> res;
        beast::flat_buffer buffer;
        http::read(stream, buffer, res, ec);
        return ec ? 0U : res.result_int();
    }

    unsigned ping() { return exchange(signed_request(R"({"type":1})")); }

    apexcore::sandbox::ed25519_signer signer_;
    net::io_context io_;
    std::unique_ptr<apexcore::discord::interactions_endpoint> endpoint_;
    std::thread thread_;
    std::mutex mutex_;
    std::string log_;
    std::atomic<bool> fired_{false};
};

TEST_F(HostileClientTest, OversizedHeadersGet431AndBodies413) {
    start();
    auto req = signed_request(R"({"type":1})");
    req.set("X-Padding", std::string(4096, 'x'));
    EXPECT_EQ(exchange(req), 431U);
    EXPECT_EQ(exchange(signed_request(std::string(9000, ' ') + R"({"type":1})")), 413U);
    EXPECT_EQ(ping(), 200U);
}

TEST_F(HostileClientTest, ATypeBeyondIntIsNotAPing) {
    start();
    EXPECT_EQ(exchange(signed_request(R"({"type":4294967297})")), 400U);  // was answered {"type":1}
    EXPECT_EQ(exchange(signed_request(R"({"type":"1"})")), 400U);
}

TEST_F(HostileClientTest, ASlowClientIsCutOffAtTheReadTimeout) {
    start();
    net::io_context io;
    tcp::socket slow(io);
    slow.connect(tcp::endpoint(net::ip::make_address("127.0.0.1"), endpoint_->port()));
    net::write(slow, net::buffer(std::string("POST /interactions HTTP/1.1\r\nHost: x\r\n")));  // never finished
    const auto begin = std::chrono::steady_clock::now();
    char byte = 0;
    beast::error_code ec;
    slow.read_some(net::buffer(&byte, 1), ec);  // blocks until the server closes
    EXPECT_TRUE(ec == net::error::eof || ec == net::error::connection_reset) << ec.message();
    EXPECT_LT(std::chrono::steady_clock::now() - begin, 5s);
}

TEST_F(HostileClientTest, ConnectionsBeyondTheCapAreClosedAndServiceGoesOn) {
    start();
    net::io_context io;
    std::vector<tcp::socket> idle;
    for (int i = 0; i < 4; ++i) {
        idle.emplace_back(io);
        idle.back().connect(tcp::endpoint(net::ip::make_address("127.0.0.1"), endpoint_->port()));
    }
    std::this_thread::sleep_for(100ms);
    EXPECT_EQ(ping(), 0U) << "a fifth connection is closed at once";
    EXPECT_NE(log().find("connections open"), std::string::npos) << log();
    idle.clear();
    ASSERT_TRUE([&] {
        for (int i = 0; i < 100; ++i) {
            if (ping() == 200U) return true;
            std::this_thread::sleep_for(20ms);
        }
        return false;
    }());
}

TEST_F(HostileClientTest, AnAcceptLoopThatThrowsIsRestarted) {
    start("endpoint.accept");
    (void)ping();  // the accept loop throws on this one
    ASSERT_TRUE([&] {
        for (int i = 0; i < 100; ++i) {
            if (ping() == 200U) return true;
            std::this_thread::sleep_for(20ms);
        }
        return false;
    }()) << log();
    EXPECT_NE(log().find("accept loop: failed: injected"), std::string::npos) << log();
    EXPECT_NE(log().find("restarting the accept loop"), std::string::npos) << log();
}

TEST_F(HostileClientTest, ASessionThatThrowsCostsOnlyItsConnection) {
    start("endpoint.session");
    (void)ping();
    EXPECT_EQ(ping(), 200U);
    EXPECT_NE(log().find("connection: failed: injected"), std::string::npos) << log();
}

/// The lowest free descriptor number: with RLIMIT_NOFILE set to it, no new descriptor can open.
int lowest_free_descriptor() {
    const int fd = ::dup(0);
    ::close(fd);
    return fd;
}

TEST_F(HostileClientTest, RunningOutOfFileDescriptorsDoesNotStopAccepting) {
#if defined(__SANITIZE_ADDRESS__)
    // Not under the sanitizers: UBSan's vptr check reads a vtable only after testing it is
    // readable, and that test opens a pipe; with no descriptor left it reports a false "object
    // has invalid vptr" and aborts (seen in CI on Beast's stable_async_base). The `ci` preset runs
    // this test without sanitizers.
    GTEST_SKIP() << "needs a process that may run out of descriptors; UBSan's vptr check cannot";
#endif
    start();
    ASSERT_EQ(ping(), 200U);
    // A child process holds many idle connections, while this process may open no more fds:
    // accept fails with EMFILE until they close. The loop must log, back off and go on.
    int go[2];
    ASSERT_EQ(::pipe(go), 0);
    const std::uint16_t port = endpoint_->port();
    const pid_t child = ::fork();
    ASSERT_GE(child, 0);
    if (child == 0) {
        char c = 0;
        if (::read(go[0], &c, 1) != 1) ::_exit(2);
        net::io_context io;
        std::vector<tcp::socket> sockets;
        for (int i = 0; i < 12; ++i) {
            sockets.emplace_back(io);
            beast::error_code ec;
            sockets.back().connect(tcp::endpoint(net::ip::make_address("127.0.0.1"), port), ec);
        }
        ::sleep(1);
        ::_exit(0);  // closes every connection
    }
    rlimit saved{};
    ASSERT_EQ(::getrlimit(RLIMIT_NOFILE, &saved), 0);
    rlimit tight = saved;
    tight.rlim_cur = static_cast<rlim_t>(lowest_free_descriptor());
    ASSERT_EQ(::setrlimit(RLIMIT_NOFILE, &tight), 0);
    ASSERT_EQ(::write(go[1], "x", 1), 1);
    int status = 0;
    ::waitpid(child, &status, 0);
    std::this_thread::sleep_for(300ms);
    ASSERT_EQ(::setrlimit(RLIMIT_NOFILE, &saved), 0);
    ::close(go[0]);
    ::close(go[1]);
    EXPECT_NE(log().find("accept failed"), std::string::npos) << "EMFILE is logged\n" << log();
    ASSERT_TRUE([&] {
        for (int i = 0; i < 100; ++i) {
            if (ping() == 200U) return true;
            std::this_thread::sleep_for(20ms);
        }
        return false;
    }()) << "the endpoint accepts again once descriptors are free\n" << log();
}

}  // namespace
