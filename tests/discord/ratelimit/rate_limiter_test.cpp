#include <apexcore/discord/ratelimit/rate_limiter.hpp>

#include <gtest/gtest.h>

#include <cmath>

namespace {

using namespace apexcore::discord::ratelimit;
using namespace std::chrono_literals;

response_info ok(int limit, int remaining, double reset_after, const char* bucket) {
    response_info r;
    r.status = 200;
    r.limit = limit;
    r.remaining = remaining;
    r.reset_after_s = reset_after;
    r.bucket = bucket;
    return r;
}

class RateLimiterTest : public ::testing::Test {
protected:
    time_point now_{std::chrono::seconds(100)};
    rate_limiter limiter_;
    route_key messages_1_ = classify("POST", "/channels/1/messages");
    route_key messages_2_ = classify("POST", "/channels/2/messages");
};

TEST(RouteClassifyTest, MajorParametersAndTemplates) {
    const auto m = classify("POST", "/channels/123/messages");
    EXPECT_EQ(m.route, "POST /channels/{channel_id}/messages");
    EXPECT_EQ(m.major, "channel:123");
    EXPECT_FALSE(m.global_exempt);

    const auto edit = classify("PATCH", "/channels/123/messages/456");
    EXPECT_EQ(edit.route, "PATCH /channels/{channel_id}/messages/{id}");
    EXPECT_EQ(edit.major, "channel:123");

    const auto role = classify("PUT", "/guilds/9/members/8/roles/7");
    EXPECT_EQ(role.route, "PUT /guilds/{guild_id}/members/{id}/roles/{id}");
    EXPECT_EQ(role.major, "guild:9");

    const auto commands = classify("PUT", "/applications/5/guilds/9/commands");
    EXPECT_EQ(commands.route, "PUT /applications/{id}/guilds/{id}/commands");
    EXPECT_EQ(commands.major, "");

    const auto callback = classify("POST", "/interactions/77/tok-en/callback");
    EXPECT_EQ(callback.route, "POST /interactions/{interaction_id}/{interaction_token}/callback");
    EXPECT_EQ(callback.major, "interaction:77");
    EXPECT_TRUE(callback.global_exempt);

    const auto followup = classify("PATCH", "/webhooks/5/aW50ZXJhY3Rpb24/messages/@original");
    EXPECT_EQ(followup.route, "PATCH /webhooks/{webhook_id}/{webhook_token}/messages/@original");
    EXPECT_EQ(followup.major, "webhook:5:aW50ZXJhY3Rpb24");
    EXPECT_TRUE(followup.global_exempt);

    const auto reaction = classify("PUT", "/channels/1/messages/2/reactions/%F0%9F%91%8D/@me");
    EXPECT_EQ(reaction.route, "PUT /channels/{channel_id}/messages/{id}/reactions/{emoji}/@me");
    EXPECT_EQ(classify("GET", "/gateway/bot?x=1").route, "GET /gateway/bot");
}

TEST_F(RateLimiterTest, UnknownBucketSendsOneRequestAtATimeUntilHeadersArrive) {
    EXPECT_FALSE(limiter_.acquire(messages_1_, now_).has_value());
    EXPECT_TRUE(limiter_.acquire(messages_1_, now_).has_value());
    limiter_.on_response(messages_1_, ok(5, 4, 5.0, "abc"), now_);
    EXPECT_FALSE(limiter_.acquire(messages_1_, now_).has_value());
}

TEST_F(RateLimiterTest, RemainingAndFractionalResetAfterAreHonoured) {
    ASSERT_FALSE(limiter_.acquire(messages_1_, now_));
    limiter_.on_response(messages_1_, ok(3, 2, 0.345, "abc"), now_);
    EXPECT_FALSE(limiter_.acquire(messages_1_, now_));
    EXPECT_FALSE(limiter_.acquire(messages_1_, now_));
    const auto wait = limiter_.acquire(messages_1_, now_);  // 2 in flight use up remaining 2
    ASSERT_TRUE(wait.has_value());
    EXPECT_EQ(*wait, now_ + 345ms);
    limiter_.on_response(messages_1_, ok(3, 1, 0.300, "abc"), now_ + 45ms);
    limiter_.on_response(messages_1_, ok(3, 0, 0.300, "abc"), now_ + 45ms);
    EXPECT_EQ(*limiter_.acquire(messages_1_, now_ + 100ms), now_ + 345ms);
    EXPECT_FALSE(limiter_.acquire(messages_1_, now_ + 345ms).has_value()) << "reset restores the limit";
}

TEST_F(RateLimiterTest, ResetMathRoundsUpToTheMillisecond) {
    EXPECT_EQ(rate_limiter::seconds_to_ms(64.57), 64570ms);
    EXPECT_EQ(rate_limiter::seconds_to_ms(1.5), 1500ms);
    EXPECT_EQ(rate_limiter::seconds_to_ms(0.0004), 1ms);
    EXPECT_EQ(rate_limiter::seconds_to_ms(0.0), 0ms);
    EXPECT_FALSE(rate_limiter::seconds_to_ms(-1.0).has_value());
    EXPECT_FALSE(rate_limiter::seconds_to_ms(std::nan("")).has_value());
}

TEST_F(RateLimiterTest, DifferentMajorParametersNeverShareABucket) {
    ASSERT_FALSE(limiter_.acquire(messages_1_, now_));
    limiter_.on_response(messages_1_, ok(1, 0, 5.0, "same-hash"), now_);
    EXPECT_TRUE(limiter_.acquire(messages_1_, now_).has_value());
    EXPECT_FALSE(limiter_.acquire(messages_2_, now_).has_value()) << "channel 2 has its own limit";
}

TEST_F(RateLimiterTest, RoutesWithTheSameBucketHashShareItsLimit) {
    const auto edit = classify("PATCH", "/channels/1/messages/9");
    ASSERT_FALSE(limiter_.acquire(messages_1_, now_));
    limiter_.on_response(messages_1_, ok(2, 1, 2.0, "shared-hash"), now_);
    ASSERT_FALSE(limiter_.acquire(edit, now_));
    limiter_.on_response(edit, ok(2, 0, 2.0, "shared-hash"), now_);
    const auto wait = limiter_.acquire(messages_1_, now_);
    ASSERT_TRUE(wait.has_value()) << "the edit used the shared bucket's last request";
    EXPECT_EQ(*wait, now_ + 2000ms);
}

TEST_F(RateLimiterTest, GlobalLimitIsAppliedProactivelyExceptForInteractions) {
    limiter_options o;
    o.global_per_second = 50;
    o.global_window_margin = 0ms;
    rate_limiter limiter(o);
    for (int i = 0; i < 50; ++i) {
        const auto key = classify("GET", "/channels/" + std::to_string(i + 1));
        ASSERT_FALSE(limiter.acquire(key, now_ + milliseconds(i))) << i;
    }
    const auto wait = limiter.acquire(classify("GET", "/channels/999"), now_ + 60ms);
    ASSERT_TRUE(wait.has_value());
    EXPECT_EQ(*wait, now_ + 1000ms);
    EXPECT_FALSE(limiter.acquire(classify("POST", "/interactions/5/tok/callback"), now_ + 60ms).has_value());
    EXPECT_FALSE(limiter.acquire(classify("GET", "/channels/999"), now_ + 1000ms).has_value());
}

TEST_F(RateLimiterTest, GlobalWindowMarginAbsorbsNetworkJitter) {
    limiter_options o;
    o.global_per_second = 2;
    o.global_window_margin = 15ms;
    rate_limiter limiter(o);
    ASSERT_FALSE(limiter.acquire(classify("GET", "/channels/1"), now_));
    ASSERT_FALSE(limiter.acquire(classify("GET", "/channels/2"), now_));
    EXPECT_EQ(*limiter.acquire(classify("GET", "/channels/3"), now_ + 10ms), now_ + 1015ms);
}

TEST_F(RateLimiterTest, BucketScoped429BlocksThatBucketAndCountsAsInvalid) {
    ASSERT_FALSE(limiter_.acquire(messages_1_, now_));
    response_info r = ok(5, 0, 3.25, "abc");
    r.status = 429;
    r.scope = "user";
    r.retry_after_s = 3.25;
    limiter_.on_response(messages_1_, r, now_);
    EXPECT_EQ(*limiter_.acquire(messages_1_, now_ + 1s), now_ + 3250ms);
    EXPECT_FALSE(limiter_.acquire(messages_2_, now_ + 1s).has_value());
    EXPECT_EQ(limiter_.stats(now_).invalid_in_window, 1U);
    EXPECT_EQ(limiter_.stats(now_).responses_429, 1U);
}

TEST_F(RateLimiterTest, SharedScope429DoesNotCountAsInvalid) {
    ASSERT_FALSE(limiter_.acquire(messages_1_, now_));
    response_info r = ok(10, 9, 64.57, "abcd1234");  // examples/rate_limit_429.shared.json headers
    r.status = 429;
    r.scope = "shared";
    r.retry_after_s = 1337;
    limiter_.on_response(messages_1_, r, now_);
    EXPECT_EQ(*limiter_.acquire(messages_1_, now_), now_ + 1337000ms);
    EXPECT_EQ(limiter_.stats(now_).invalid_in_window, 0U);
}

TEST_F(RateLimiterTest, Global429BlocksEveryNonExemptRoute) {
    ASSERT_FALSE(limiter_.acquire(messages_1_, now_));
    response_info r;
    r.status = 429;
    r.global = true;
    r.scope = "global";
    r.retry_after_s = 0.5;
    limiter_.on_response(messages_1_, r, now_);
    EXPECT_EQ(*limiter_.acquire(messages_2_, now_ + 100ms), now_ + 500ms);
    EXPECT_FALSE(limiter_.acquire(classify("POST", "/interactions/1/t/callback"), now_ + 100ms).has_value());
    EXPECT_FALSE(limiter_.acquire(messages_2_, now_ + 500ms).has_value());
}

TEST_F(RateLimiterTest, InvalidRequestBudgetPausesWellBeforeTheBan) {
    limiter_options o;
    o.invalid_pause_at = 3;
    rate_limiter limiter(o);
    for (int i = 0; i < 3; ++i) {
        const auto key = classify("GET", "/guilds/" + std::to_string(i + 1));
        ASSERT_FALSE(limiter.acquire(key, now_));
        response_info r;
        r.status = i == 0 ? 401 : 403;
        limiter.on_response(key, r, now_ + milliseconds(i));
    }
    const auto wait = limiter.acquire(classify("GET", "/guilds/50"), now_ + 1s);
    ASSERT_TRUE(wait.has_value());
    EXPECT_EQ(*wait, now_ + 600000ms);
    EXPECT_FALSE(limiter.acquire(classify("GET", "/guilds/50"), now_ + 600002ms).has_value());
}

TEST_F(RateLimiterTest, AbandonedRequestsReleaseTheirSlot) {
    ASSERT_FALSE(limiter_.acquire(messages_1_, now_));
    EXPECT_TRUE(limiter_.acquire(messages_1_, now_).has_value());
    limiter_.on_abandoned(messages_1_, now_);
    EXPECT_FALSE(limiter_.acquire(messages_1_, now_).has_value());
}

}  // namespace
