// `fpgw normalize`: every payload kind is detected from the project's fixtures (and from the
// vendor's published examples when the reference folder is present) and normalises.
#include "main/normalize.h"

#include <algorithm>
#include <cstdlib>
#include <fstream>
#include <set>
#include <sstream>

#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "gtest/gtest.h"
#include "testing/fixtures.h"
#include "testing/vendor_reference.h"
#include "vendors/registry.h"

namespace fpgw::cli {
namespace {

using ::fpgw::testing::ReadFile;

std::string Fixture(const std::string& relative) { return ::fpgw::testing::TestdataFile(relative); }

// The project's fixtures of a kind are tests/testdata/<vendor module>/<kind>*.json, <kind> being
// the kind's name without its module prefix ("fingerprint-v4-search" → fingerprint_v4/search*).
TEST(Normalize, EveryPayloadKindHasFixturesThatNormaliseAndAreDetected) {
  std::set<std::string> covered;
  for (const vendors::RegisteredKind& kind : vendors::PayloadKinds()) {
    SCOPED_TRACE(kind.name);
    std::string prefix = kind.module + "-";
    std::replace(prefix.begin(), prefix.end(), '_', '-');
    ASSERT_TRUE(absl::StartsWith(kind.name, prefix));
    const std::string stem = kind.name.substr(prefix.size());
    for (const std::string& file : ::fpgw::testing::TestdataFiles(kind.module)) {
      if (!absl::StartsWith(file, stem) || !absl::EndsWith(file, ".json")) continue;
      SCOPED_TRACE(file);
      const std::string payload = Fixture(kind.module + "/" + file);
      absl::StatusOr<std::string> json = NormalizeToJson(payload, kind.name, false);
      ASSERT_TRUE(json.ok()) << json.status();
      EXPECT_TRUE(absl::StrContains(*json, "\"source\"")) << *json;
      EXPECT_FALSE(absl::StrContains(*json, "\"raw\""));
      absl::StatusOr<std::string> full = NormalizeToJson(payload, kind.name, true);
      ASSERT_TRUE(full.ok()) << full.status();
      EXPECT_TRUE(absl::StrContains(*full, "\"raw\""));
      // A kind that can be told from its shape is told; one that cannot (a webhook body that is
      // an event) is only named.
      if (kind.detect) {
        EXPECT_EQ(DetectPayloadKind(payload).value_or(""), kind.name);
      }
      covered.insert(kind.name);
    }
  }
  // Every kind `--kind` accepts has at least one fixture.
  EXPECT_EQ(covered, std::set<std::string>(PayloadKinds().begin(), PayloadKinds().end()));
}

TEST(Normalize, WebhookKindIsMarkedAsAWebhook) {
  for (const std::string& kind : PayloadKinds()) {
    if (!absl::EndsWith(kind, "-webhook")) continue;
    SCOPED_TRACE(kind);
    std::string module = kind.substr(0, kind.size() - std::string("-webhook").size());
    std::replace(module.begin(), module.end(), '-', '_');
    absl::StatusOr<std::string> json =
        NormalizeToJson(Fixture(module + "/webhook.json"), kind, false);
    ASSERT_TRUE(json.ok()) << json.status();
    EXPECT_TRUE(absl::StrContains(*json, "PAYLOAD_KIND_WEBHOOK"));
  }
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
