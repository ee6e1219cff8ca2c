// `fpgw normalize`: every payload kind is detected from the project's fixtures (and from the
// vendor's published examples when the reference folder is configured) and normalises.
#include "main/normalize.h"

#include <cstdlib>
#include <fstream>
#include <sstream>

#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "gtest/gtest.h"
#include "testing/fixtures.h"

namespace fpgw::cli {
namespace {

using ::fpgw::testing::ReadFile;

std::string Fixture(const std::string& relative) { return ::fpgw::testing::TestdataFile(relative); }

TEST(Normalize, DetectsAndNormalisesEveryKindOfTheProjectsFixtures) {
  const std::pair<const char*, const char*> cases[] = {
      {"fingerprint_v4/event_mobile_vpn.json", "fingerprint-v4-event"},
      {"stytch/lookup_post_block.json", "stytch-lookup"},
      {"cside/verify_completed.json", "cside-verify"},
      {"cside/verify_pending.json", "cside-verify"},
      {"cside/device_entries_first.json", "cside-entries"},
  };
  for (const auto& [file, kind] : cases) {
    SCOPED_TRACE(file);
    const std::string payload = Fixture(file);
    ASSERT_FALSE(payload.empty());
    absl::StatusOr<std::string> detected = DetectPayloadKind(payload);
    ASSERT_TRUE(detected.ok()) << detected.status();
    EXPECT_EQ(*detected, kind);
    absl::StatusOr<std::string> json = NormalizeToJson(payload, "auto", false);
    ASSERT_TRUE(json.ok()) << json.status();
    EXPECT_TRUE(absl::StrContains(*json, "\"source\"")) << *json;
    EXPECT_FALSE(absl::StrContains(*json, "\"raw\""));
    ASSERT_TRUE(NormalizeToJson(payload, kind, true).ok());
  }
}

TEST(Normalize, DetectsEveryFingerprintKindOfThePublishedExamples) {
  const char* dir = std::getenv("FPGW_VENDOR_REFERENCE_DIR");
  if (dir == nullptr || *dir == '\0') GTEST_SKIP() << "FPGW_VENDOR_REFERENCE_DIR not set";
  const std::pair<const char*, const char*> cases[] = {
      {"fingerprint_v3_get_event_200.json", "fingerprint-v3-event"},
      {"fingerprint_v3_get_visits_200_limit_500.json", "fingerprint-v3-visits"},
      {"fingerprint_v3_search_events_200.json", "fingerprint-v3-search"},
      {"fingerprint_v3_webhook_payload.json", "fingerprint-v3-webhook"},
      {"fingerprint_v4_get_event_200.json", "fingerprint-v4-event"},
      {"fingerprint_v4_search_events_200.json", "fingerprint-v4-search"},
      {"fingerprint_v4_webhook_event.json", "fingerprint-v4-event"},
  };
  for (const auto& [file, kind] : cases) {
    SCOPED_TRACE(file);
    const std::string payload = ReadFile(absl::StrCat(dir, "/", file));
    ASSERT_FALSE(payload.empty());
    EXPECT_EQ(DetectPayloadKind(payload).value_or(""), kind);
    EXPECT_TRUE(NormalizeToJson(payload, "auto", true).ok());
  }
  // A webhook body is an Event: the kind flag says which it was.
  const std::string webhook = ReadFile(absl::StrCat(dir, "/fingerprint_v4_webhook_event.json"));
  absl::StatusOr<std::string> json = NormalizeToJson(webhook, "fingerprint-v4-webhook", false);
  ASSERT_TRUE(json.ok());
  EXPECT_TRUE(absl::StrContains(*json, "PAYLOAD_KIND_WEBHOOK"));
}

TEST(Normalize, RefusesWhatItCannotTellOrRead) {
  EXPECT_FALSE(DetectPayloadKind("{\"rules\": []}").ok());
  EXPECT_FALSE(DetectPayloadKind("[1]").ok());
  EXPECT_FALSE(DetectPayloadKind("<html>502</html>").ok());
  EXPECT_FALSE(NormalizeToJson("{}", "no-such-kind", false).ok());
  EXPECT_FALSE(NormalizeToJson("{\"event_id\": \"1.a\", \"timestamp\": 1", "auto", false).ok());
}

}  // namespace
}  // namespace fpgw::cli
