// The in-memory evaluation cache: scoped keys, TTL, invalidation per scope, and a byte budget
// enforced least recently used first.
#include "resilience/evaluation_cache.h"

#include <string>

#include "absl/time/clock.h"
#include "gtest/gtest.h"

namespace fpgw::resilience {
namespace {

fpgw::v1::Evaluation Named(const std::string& device) {
  fpgw::v1::Evaluation evaluation;
  evaluation.mutable_identity()->set_device_id(device);
  return evaluation;
}

std::string DeviceOf(const std::optional<fpgw::v1::Evaluation>& evaluation) {
  return evaluation.has_value() ? evaluation->identity().device_id() : "<miss>";
}

TEST(InMemoryEvaluationCache, KeysAreScopedToATenantsIntegration) {
  InMemoryEvaluationCache cache(1 << 20);
  cache.Put("acme/fp", "k", Named("a"), absl::Minutes(1));
  cache.Put("globex/fp", "k", Named("g"), absl::Minutes(1));
  EXPECT_EQ(DeviceOf(cache.Get("acme/fp", "k")), "a");
  EXPECT_EQ(DeviceOf(cache.Get("globex/fp", "k")), "g");
  EXPECT_EQ(DeviceOf(cache.Get("acme/fp2", "k")), "<miss>");
}

TEST(InMemoryEvaluationCache, EntriesExpireAndScopesInvalidate) {
  InMemoryEvaluationCache cache(1 << 20);
  cache.Put("acme/fp", "short", Named("s"), absl::Milliseconds(1));
  cache.Put("acme/fp", "long", Named("l"), absl::Minutes(1));
  cache.Put("globex/fp", "long", Named("g"), absl::Minutes(1));
  cache.Put("acme/fp", "never", Named("n"), absl::ZeroDuration());
  absl::SleepFor(absl::Milliseconds(5));
  EXPECT_EQ(DeviceOf(cache.Get("acme/fp", "short")), "<miss>");
  EXPECT_EQ(DeviceOf(cache.Get("acme/fp", "never")), "<miss>");
  EXPECT_EQ(DeviceOf(cache.Get("acme/fp", "long")), "l");
  cache.Invalidate("acme/fp");
  EXPECT_EQ(DeviceOf(cache.Get("acme/fp", "long")), "<miss>");
  EXPECT_EQ(DeviceOf(cache.Get("globex/fp", "long")), "g");
  // Entries written after an invalidation live again.
  cache.Put("acme/fp", "long", Named("l2"), absl::Minutes(1));
  EXPECT_EQ(DeviceOf(cache.Get("acme/fp", "long")), "l2");
}

TEST(InMemoryEvaluationCache, EvictsTheLeastRecentlyUsedBeyondItsBudget) {
  // An entry counts its evaluation as held in memory, its scoped key ("s", a separator, "a")
  // twice and 128 bytes.
  const int64_t one = static_cast<int64_t>(Named("0000").SpaceUsedLong()) + 2 * 3 + 128;
  InMemoryEvaluationCache cache(3 * one);
  cache.Put("s", "a", Named("000a"), absl::Minutes(1));
  cache.Put("s", "b", Named("000b"), absl::Minutes(1));
  cache.Put("s", "c", Named("000c"), absl::Minutes(1));
  EXPECT_EQ(DeviceOf(cache.Get("s", "a")), "000a");  // a is now the most recent
  cache.Put("s", "d", Named("000d"), absl::Minutes(1));
  EXPECT_LE(cache.bytes(), 3 * one);
  EXPECT_EQ(DeviceOf(cache.Get("s", "b")), "<miss>");
  EXPECT_EQ(DeviceOf(cache.Get("s", "a")), "000a");
  EXPECT_EQ(DeviceOf(cache.Get("s", "d")), "000d");
  // An entry larger than the whole budget is not kept.
  fpgw::v1::Evaluation big = Named(std::string(4 * one, 'x'));
  cache.Put("s", "big", big, absl::Minutes(1));
  EXPECT_EQ(DeviceOf(cache.Get("s", "big")), "<miss>");
}

TEST(EvaluationKey, DiffersByEveryRequestFieldAndTheView) {
  fpgw::v1::EvaluateRequest a;
  a.set_token("t1");
  fpgw::v1::EvaluateRequest b = a;
  b.set_token("t2");
  fpgw::v1::EvaluateRequest c = a;
  c.mutable_fingerprint()->set_ruleset_id("rs");
  EXPECT_EQ(EvaluationKey(a, false), EvaluationKey(a, false));
  EXPECT_NE(EvaluationKey(a, false), EvaluationKey(b, false));
  EXPECT_NE(EvaluationKey(a, false), EvaluationKey(c, false));
  EXPECT_NE(EvaluationKey(a, false), EvaluationKey(a, true));
}

}  // namespace
}  // namespace fpgw::resilience
