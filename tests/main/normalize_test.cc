// `fpgw normalize`: every payload kind is detected from the project's fixtures (and from the
// vendor's published examples when the reference folder is present) and normalises.
#include "main/normalize.h"

#include <cstdlib>
#include <fstream>
#include <set>
#include <sstream>

#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "gtest/gtest.h"
#include "testing/fixtures.h"
#include "testing/vendor_reference.h"

namespace fpgw::cli {
namespace {

using ::fpgw::testing::ReadFile;

std::string Fixture(const std::string& relative) { return ::fpgw::testing::TestdataFile(relative); }

TEST(Normalize, DetectsAndNormalisesEveryKindOfTheProjectsFixtures) {
  // `detected` is what auto-detection says; a webhook body of v4 is an Event, so its kind is named.
  struct Case {
    const char* file;
    const char* kind;
    const char* detected;
  };
  const Case cases[] = {
      {"fingerprint_v4/event_mobile_vpn.json", "fingerprint-v4-event", "fingerprint-v4-event"},
      {"fingerprint_v4/search.json", "fingerprint-v4-search", "fingerprint-v4-search"},
      {"fingerprint_v4/webhook.json", "fingerprint-v4-webhook", "fingerprint-v4-event"},
      {"fingerprint_v3/event_full.json", "fingerprint-v3-event", "fingerprint-v3-event"},
      {"fingerprint_v3/visits.json", "fingerprint-v3-visits", "fingerprint-v3-visits"},
      {"fingerprint_v3/search.json", "fingerprint-v3-search", "fingerprint-v3-search"},
      {"fingerprint_v3/webhook.json", "fingerprint-v3-webhook", "fingerprint-v3-webhook"},
      {"stytch/lookup_post_block.json", "stytch-lookup", "stytch-lookup"},
      {"stytch/lookup_get_allow.json", "stytch-lookup", "stytch-lookup"},
      {"cside/verify_completed.json", "cside-verify", "cside-verify"},
      {"cside/verify_pending.json", "cside-verify", "cside-verify"},
      {"cside/device_entries_first.json", "cside-entries", "cside-entries"},
  };
  std::set<std::string> covered;
  for (const Case& c : cases) {
    SCOPED_TRACE(c.file);
    const std::string payload = Fixture(c.file);
    ASSERT_FALSE(payload.empty());
    absl::StatusOr<std::string> detected = DetectPayloadKind(payload);
    ASSERT_TRUE(detected.ok()) << detected.status();
    EXPECT_EQ(*detected, c.detected);
    absl::StatusOr<std::string> json = NormalizeToJson(payload, c.kind, false);
    ASSERT_TRUE(json.ok()) << json.status();
    EXPECT_TRUE(absl::StrContains(*json, "\"source\"")) << *json;
    EXPECT_FALSE(absl::StrContains(*json, "\"raw\""));
    absl::StatusOr<std::string> full = NormalizeToJson(payload, c.kind, true);
    ASSERT_TRUE(full.ok()) << full.status();
    EXPECT_TRUE(absl::StrContains(*full, "\"raw\""));
    covered.insert(c.kind);
  }
  // Every kind `--kind` accepts has an own fixture.
  EXPECT_EQ(covered, std::set<std::string>(PayloadKinds().begin(), PayloadKinds().end()));
  const absl::StatusOr<std::string> webhook =
      NormalizeToJson(Fixture("fingerprint_v4/webhook.json"), "fingerprint-v4-webhook", false);
  ASSERT_TRUE(webhook.ok());
  EXPECT_TRUE(absl::StrContains(*webhook, "PAYLOAD_KIND_WEBHOOK"));
}

TEST(NormalizeVendorReference, DetectsEveryFingerprintKindOfThePublishedExamples) {
  FPGW_SKIP_WITHOUT_VENDOR_REFERENCE();
  const std::string dir = *::fpgw::testing::VendorReferenceDir();
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
    ASSERT_FALSE(payload.empty()) << "the vendor reference folder lacks " << file;
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
