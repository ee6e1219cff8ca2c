// Golden checks of the Fingerprint v4 sandbox data: the same seed and id must give byte-identical
// events release after release (tests, benchmarks and downstream CI compare them), so the
// generator's output is pinned by hashes taken when the generator was last changed on purpose.
// After an intended change of the data, update the table from the new output.
#include <cstdint>
#include <string>

#include "absl/strings/str_cat.h"
#include "gtest/gtest.h"
#include "sandbox/fingerprint_v4/data.h"
#include "sandbox/hash.h"

namespace fpgw::sandbox {
namespace {

struct Golden {
  uint64_t seed;
  const char* event_id;
  const char* ruleset_id;
  size_t bytes;
  uint64_t fnv1a64;
};

constexpr Golden kGolden[] = {
    {1u, "1708102555327.NLOjmg", "", 3509u, 0x7702844ce913aa3full},
    {1u, "1708102555327.NLOjmg", "rs_demo", 3827u, 0x08bbb8580f8086dbull},
    {1u, "plain-request-id", "", 3424u, 0x952d2ec488d79131ull},
    {1u, "plain-request-id", "rs_demo", 3742u, 0x8a54105bfb3c0e2full},
    {1u, "1767000000000.VisitorGolden000001_3", "", 3684u, 0x132b7b514dccd7ffull},
    {1u, "1767000000000.VisitorGolden000001_3", "rs_demo", 3933u, 0x496cbe56b1c18c6aull},
    {1u, "1700000000000.Zz9_Android_12", "", 4078u, 0x23ae866f9bb60357ull},
    {1u, "1700000000000.Zz9_Android_12", "rs_demo", 4327u, 0xea674e3f10551282ull},
    {42u, "1708102555327.NLOjmg", "", 4054u, 0x9a7ddf06a1aeb4ddull},
    {42u, "1708102555327.NLOjmg", "rs_demo", 4372u, 0x86d397df50b44e53ull},
    {42u, "plain-request-id", "", 3487u, 0x0269479602d42680ull},
    {42u, "plain-request-id", "rs_demo", 3805u, 0x478eb6d510f29e45ull},
    {42u, "1767000000000.VisitorGolden000001_3", "", 3581u, 0x673c13fc319cda0eull},
    {42u, "1767000000000.VisitorGolden000001_3", "rs_demo", 3830u, 0x859653b3ab66801full},
    {42u, "1700000000000.Zz9_Android_12", "", 3374u, 0x0a767feab3b890e0ull},
    {42u, "1700000000000.Zz9_Android_12", "rs_demo", 3623u, 0x10d37558b3fc3d27ull},
};

TEST(FingerprintV4SandboxDataTest, EventsAreByteIdenticalToTheGoldenOnes) {
  for (const Golden& golden : kGolden) {
    const std::string json =
        FingerprintV4Data(golden.seed).EventJson(golden.event_id, golden.ruleset_id);
    EXPECT_EQ(json.size(), golden.bytes) << golden.seed << " " << golden.event_id;
    EXPECT_EQ(Fnv1a64(json), golden.fnv1a64) << golden.seed << " " << golden.event_id;
  }
}

// Thousands of events, so that every branch of the generator (web and mobile profiles, good and
// bad bots, proxies, VPNs, IPv6, blocking and allowing rules) is pinned.
TEST(FingerprintV4SandboxDataTest, ManyEventsHashToTheGoldenValue) {
  struct Combined {
    uint64_t seed;
    uint64_t fnv1a64;
  };
  constexpr Combined kCombined[] = {
      {1u, 0x21d801a89599dc5eull},
      {42u, 0x7b880fa617e84893ull},
      {7u, 0x8d71cd0d623fc1fcull},
  };
  for (const Combined& golden : kCombined) {
    const FingerprintV4Data data(golden.seed);
    uint64_t hash = 0xcbf29ce484222325ULL;
    for (int i = 0; i < 2000; ++i) {
      const std::string id = absl::StrCat(1700000000000 + i * 7919, ".v", i % 37, "_", i);
      hash = Fnv1a64(data.EventJson(id, i % 5 == 0 ? "rs_x" : ""), hash);
    }
    EXPECT_EQ(hash, golden.fnv1a64) << "seed " << golden.seed;
  }
}

}  // namespace
}  // namespace fpgw::sandbox
