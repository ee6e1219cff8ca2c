// Sealed Client Results. The default suite seals its own fixture with OpenSSL and zlib, as the
// Fingerprint agent does (CONTRACTS §3.9), and checks every way a sealed result can be refused;
// FingerprintSealedVendorReference opens the vendors' SDK test vectors.
#include "vendors/fingerprint_common/sealed.h"

#include <openssl/evp.h>
#include <openssl/rand.h>
#include <zlib.h>

#include <atomic>
#include <cstdlib>
#include <cstring>
#include <new>
#include <string>
#include <vector>

#include "absl/strings/escaping.h"
#include "absl/strings/string_view.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "testing/fixtures.h"
#include "testing/sealed_results.h"
#include "testing/status_matchers.h"
#include "testing/vendor_reference.h"
#include "vendors/common/json_reader.h"

namespace {

// Bytes requested from the global operator new while `g_counting` is set: how the bomb test sees
// that inflation stops at the limit instead of inflating everything and measuring after.
std::atomic<bool> g_counting{false};
std::atomic<size_t> g_allocated{0};

}  // namespace

void* operator new(size_t size) {
  if (g_counting.load(std::memory_order_relaxed)) {
    g_allocated.fetch_add(size, std::memory_order_relaxed);
  }
  if (void* memory = std::malloc(size == 0 ? 1 : size)) return memory;
  throw std::bad_alloc();
}
// Not inlined: GCC would otherwise see free() paired with operator new and warn.
[[gnu::noinline]] void operator delete(void* memory) noexcept { std::free(memory); }
[[gnu::noinline]] void operator delete(void* memory, size_t) noexcept { std::free(memory); }

namespace fpgw::vendors::fingerprint {
namespace {

using ::fpgw::testing::IsOk;
using ::fpgw::testing::StatusIs;
using ::testing::AllOf;
using ::testing::HasSubstr;
using ::testing::Not;

constexpr absl::string_view kHeader("\x9E\x85\xDC\xED", 4);
// A marker of the fixture's plaintext, which no error message may quote.
constexpr char kPlaintextMarker[] = "SealedFixtureVisitor";

std::string FixtureEvent() { return fpgw::testing::TestdataFile("fingerprint_sealed/event.json"); }

using ::fpgw::testing::Deflate;
using ::fpgw::testing::Encrypt;
using ::fpgw::testing::Seal;
using ::fpgw::testing::TestKey;

std::string Base64(absl::string_view bytes) { return absl::Base64Escape(bytes); }

TEST(FingerprintSealed, OpensWhatTheAgentSeals) {
  const std::string json = FixtureEvent();
  ASSERT_THAT(json, HasSubstr(kPlaintextMarker));
  const std::string key = TestKey(1);
  size_t key_index = 99;
  absl::StatusOr<std::string> opened = UnsealResult(Base64(Seal(json, key)), {key}, {}, &key_index);
  ASSERT_THAT(opened, IsOk());
  EXPECT_EQ(*opened, json);
  EXPECT_EQ(key_index, 0u);
}

TEST(FingerprintSealed, OpensRawBytesToo) {
  const std::string json = FixtureEvent();
  const std::string key = TestKey(1);
  absl::StatusOr<std::string> opened = UnsealResultBytes(Seal(json, key), {key});
  ASSERT_THAT(opened, IsOk());
  EXPECT_EQ(*opened, json);
}

TEST(FingerprintSealed, AcceptsUrlSafeUnpaddedAndWrappedBase64) {
  const std::string json = FixtureEvent();
  const std::string key = TestKey(1);
  const std::string sealed = Seal(json, key);
  std::string wrapped = Base64(sealed);
  for (size_t at = 76; at < wrapped.size(); at += 77) wrapped.insert(at, "\n");
  wrapped += "\n";
  for (const std::string& text : {absl::WebSafeBase64Escape(sealed), wrapped}) {
    absl::StatusOr<std::string> opened = UnsealResult(text, {key});
    ASSERT_THAT(opened, IsOk()) << text;
    EXPECT_EQ(*opened, json);
  }
}

TEST(FingerprintSealed, TriesTheKeysInOrderDuringARotation) {
  const std::string json = FixtureEvent();
  const std::string old_key = TestKey(1);
  const std::string new_key = TestKey(2);
  size_t key_index = 99;
  absl::StatusOr<std::string> opened =
      UnsealResult(Base64(Seal(json, new_key)), {old_key, new_key}, {}, &key_index);
  ASSERT_THAT(opened, IsOk());
  EXPECT_EQ(*opened, json);
  EXPECT_EQ(key_index, 1u);

  ASSERT_THAT(UnsealResult(Base64(Seal(json, old_key)), {old_key, new_key}, {}, &key_index),
              IsOk());
  EXPECT_EQ(key_index, 0u);
  // The first key that authenticates wins.
  ASSERT_THAT(UnsealResult(Base64(Seal(json, new_key)), {new_key, new_key}, {}, &key_index),
              IsOk());
  EXPECT_EQ(key_index, 0u);
}

TEST(FingerprintSealed, RefusesAResultNoKeyAuthenticates) {
  const std::string sealed = Base64(Seal(FixtureEvent(), TestKey(1)));
  const std::string other = TestKey(2);
  size_t key_index = 99;
  absl::StatusOr<std::string> opened = UnsealResult(sealed, {other, TestKey(3)}, {}, &key_index);
  EXPECT_THAT(opened,
              StatusIs(absl::StatusCode::kInvalidArgument,
                       AllOf(HasSubstr("no configured sealed-result key decrypts it"),
                             Not(HasSubstr(kPlaintextMarker)), Not(HasSubstr(Base64(other))))));
  EXPECT_EQ(key_index, 99u) << "an index is reported only for a result that opens";
}

TEST(FingerprintSealed, RefusesATamperedTagOrCiphertext) {
  const std::string key = TestKey(1);
  const std::string sealed = Seal(FixtureEvent(), key);
  std::string bad_tag = sealed;
  bad_tag.back() ^= 0x01;
  std::string bad_ciphertext = sealed;
  bad_ciphertext[kHeader.size() + 12 + 5] ^= 0x40;
  std::string bad_nonce = sealed;
  bad_nonce[kHeader.size()] ^= 0x01;
  for (const std::string& tampered : {bad_tag, bad_ciphertext, bad_nonce}) {
    EXPECT_THAT(UnsealResult(Base64(tampered), {key}),
                StatusIs(absl::StatusCode::kInvalidArgument,
                         HasSubstr("no configured sealed-result key decrypts it")));
  }
}

TEST(FingerprintSealed, RefusesATruncatedResult) {
  const std::string key = TestKey(1);
  const std::string sealed = Seal(FixtureEvent(), key);
  // Long enough to hold a tag: GCM cannot tell a cut result from a wrong key.
  EXPECT_THAT(UnsealResult(Base64(sealed.substr(0, sealed.size() - 1)), {key}),
              StatusIs(absl::StatusCode::kInvalidArgument,
                       HasSubstr("no configured sealed-result key decrypts it")));
  for (size_t size : {size_t{31}, size_t{16}, size_t{4}}) {
    EXPECT_THAT(UnsealResult(Base64(sealed.substr(0, size)), {key}),
                StatusIs(absl::StatusCode::kInvalidArgument, HasSubstr("too short")))
        << size << " bytes";
  }
  // Too short to hold a header, as the Go SDK reports it.
  for (size_t size : {size_t{0}, size_t{3}}) {
    EXPECT_THAT(
        UnsealResult(Base64(sealed.substr(0, size)), {key}),
        StatusIs(absl::StatusCode::kInvalidArgument, HasSubstr("invalid sealed data header")))
        << size << " bytes";
  }
}

TEST(FingerprintSealed, RefusesAWrongHeader) {
  const std::string key = TestKey(1);
  const std::string json = FixtureEvent();
  // Authentic under the key: only the header is wrong, and that alone refuses it.
  for (absl::string_view header :
       {absl::string_view("\x9E\x8B\x1C\xED", 4), absl::string_view("\x9E\x85\xDC\xEE", 4),
        absl::string_view("\x78\x9C\xDC\xED", 4)}) {
    EXPECT_THAT(
        UnsealResult(Base64(Encrypt(Deflate(json), key, header)), {key}),
        StatusIs(absl::StatusCode::kInvalidArgument, HasSubstr("invalid sealed data header")));
  }
}

TEST(FingerprintSealed, RefusesTextThatIsNotBase64) {
  for (absl::string_view text : {"noXc7 is not base64!", "noXc7%%%", "nox=c7", "+-/_"}) {
    EXPECT_THAT(UnsealResult(text, {TestKey(1)}),
                StatusIs(absl::StatusCode::kInvalidArgument, HasSubstr("not base64")))
        << text;
  }
}

TEST(FingerprintSealed, RefusesAResultLargerThanTheLimit) {
  const std::string key = TestKey(1);
  const std::string sealed = Seal(FixtureEvent(), key);
  UnsealLimits limits;
  limits.max_sealed_bytes = sealed.size();
  EXPECT_THAT(UnsealResult(Base64(sealed), {key}, limits), IsOk());
  limits.max_sealed_bytes = sealed.size() - 1;
  EXPECT_THAT(UnsealResult(Base64(sealed), {key}, limits),
              StatusIs(absl::StatusCode::kInvalidArgument, HasSubstr("more than the limit")));
  // A text far past the limit is refused before it is decoded (it is not even base64).
  EXPECT_THAT(UnsealResult(std::string(1 << 20, '%'), {key}),
              StatusIs(absl::StatusCode::kInvalidArgument, HasSubstr("more than the limit")));
}

TEST(FingerprintSealed, RefusesAPlaintextLargerThanTheLimit) {
  const std::string key = TestKey(1);
  const std::string json = FixtureEvent();
  const std::string sealed = Base64(Seal(json, key));
  UnsealLimits limits;
  limits.max_plaintext_bytes = json.size();
  EXPECT_THAT(UnsealResult(sealed, {key}, limits), IsOk());
  limits.max_plaintext_bytes = json.size() - 1;
  EXPECT_THAT(UnsealResult(sealed, {key}, limits),
              StatusIs(absl::StatusCode::kInvalidArgument,
                       AllOf(HasSubstr("inflates to more than the limit"),
                             Not(HasSubstr(kPlaintextMarker)))));
}

TEST(FingerprintSealed, StopsADecompressionBombAtTheLimit) {
  const std::string key = TestKey(1);
  constexpr size_t kBombBytes = 50 << 20;
  const std::string bomb = Base64(Seal(std::string(kBombBytes, '\0'), key));
  ASSERT_LT(bomb.size(), 100u << 10) << "50 MB of zeros deflate to about 50 KB";

  UnsealLimits limits;
  g_allocated = 0;
  g_counting = true;
  absl::StatusOr<std::string> opened = UnsealResult(bomb, {key}, limits);
  g_counting = false;
  EXPECT_THAT(opened, StatusIs(absl::StatusCode::kInvalidArgument,
                               HasSubstr("inflates to more than the limit of 1048576 bytes")));
  // Bounded memory: a few buffers up to the 1 MB limit, never the 50 MB it inflates to.
  EXPECT_LT(g_allocated.load(), 4 * limits.max_plaintext_bytes);

  // It is a real bomb: with room enough it opens to the 50 MB.
  limits.max_plaintext_bytes = kBombBytes;
  absl::StatusOr<std::string> whole = UnsealResult(bomb, {key}, limits);
  ASSERT_THAT(whole, IsOk());
  EXPECT_EQ(whole->size(), kBombBytes);
}

TEST(FingerprintSealed, RefusesAPlaintextThatIsNotRawDeflate) {
  const std::string key = TestKey(1);
  const std::string json = FixtureEvent();
  // The JSON itself, not compressed; and the JSON in the zlib format, whose 2-byte header raw
  // inflate reads as a stored block with inconsistent lengths.
  for (const std::string& plaintext : {json, Deflate(json, 15)}) {
    EXPECT_THAT(
        UnsealResult(Base64(Encrypt(plaintext, key)), {key}),
        StatusIs(absl::StatusCode::kInvalidArgument,
                 AllOf(HasSubstr("not a raw DEFLATE stream"), Not(HasSubstr(kPlaintextMarker)))));
  }
}

TEST(FingerprintSealed, RefusesATruncatedDeflateStream) {
  const std::string key = TestKey(1);
  const std::string deflated = Deflate(FixtureEvent());
  for (const std::string& plaintext : {deflated.substr(0, deflated.size() - 3), std::string()}) {
    EXPECT_THAT(UnsealResult(Base64(Encrypt(plaintext, key)), {key}),
                StatusIs(absl::StatusCode::kInvalidArgument, HasSubstr("truncated")));
  }
}

TEST(FingerprintSealed, RefusesBytesAfterTheDeflateStream) {
  const std::string key = TestKey(1);
  const std::string deflated = Deflate(FixtureEvent());
  ASSERT_THAT(UnsealResult(Base64(Encrypt(deflated, key)), {key}), IsOk());
  EXPECT_THAT(UnsealResult(Base64(Encrypt(deflated + "trailing", key)), {key}),
              StatusIs(absl::StatusCode::kInvalidArgument,
                       AllOf(HasSubstr("not a raw DEFLATE stream"), HasSubstr("8 bytes follow"))));
}

TEST(FingerprintSealed, NeedsConfiguredKeysOfTheRightSize) {
  const std::string sealed = Base64(Seal(FixtureEvent(), TestKey(1)));
  EXPECT_THAT(UnsealResult(sealed, {}),
              StatusIs(absl::StatusCode::kFailedPrecondition, HasSubstr("no sealed-result key")));
  const std::string short_key = TestKey(1).substr(0, 16);
  EXPECT_THAT(UnsealResult(sealed, {TestKey(1), short_key}),
              StatusIs(absl::StatusCode::kFailedPrecondition,
                       AllOf(HasSubstr("key #2 of 2 is not 32 bytes"), Not(HasSubstr(short_key)))));
}

TEST(FingerprintSealed, DecodesADashboardKey) {
  const std::string key = TestKey(1);
  const std::string padded = absl::Base64Escape(key);
  ASSERT_EQ(padded.back(), '=');
  ASSERT_NE(padded.find_first_of("+/"), std::string::npos);
  const std::string url_safe = absl::WebSafeBase64Escape(key);
  for (const std::string& text :
       {padded, padded.substr(0, padded.size() - 1), url_safe, " " + padded + "\n"}) {
    absl::StatusOr<std::string> decoded = DecodeSealedResultKey(text);
    ASSERT_THAT(decoded, IsOk()) << text;
    EXPECT_EQ(*decoded, key);
  }
}

TEST(FingerprintSealed, RefusesAKeyThatIsNotBase64Of32BytesWithoutQuotingIt) {
  const std::string not_base64 = "SecretKeyText!" + absl::Base64Escape(TestKey(1));
  const std::string short_key = absl::Base64Escape(TestKey(1).substr(0, 31));
  const std::string long_key = absl::Base64Escape(TestKey(1) + "x");
  for (const std::string& text : {not_base64, short_key, long_key, std::string()}) {
    absl::StatusOr<std::string> decoded = DecodeSealedResultKey(text);
    EXPECT_THAT(decoded,
                StatusIs(absl::StatusCode::kInvalidArgument, HasSubstr("sealed-result key")))
        << text;
    if (!text.empty()) {
      EXPECT_THAT(decoded.status().message(), Not(HasSubstr(text.substr(0, 12))));
    }
  }
}

// The vendors' SDK test vectors (CONTRACTS §3.9).

std::string ReferenceFile(const std::string& name) {
  const std::string text =
      fpgw::testing::ReadFile(*fpgw::testing::VendorReferenceDir() + "/" + name);
  EXPECT_FALSE(text.empty()) << "the vendor reference folder holds no " << name;
  return text;
}

// A vector's wrapper object (fingerprint_v*_sealed_result_testvector_*.json).
rapidjson::Document ReferenceVector(const std::string& name) {
  absl::StatusOr<rapidjson::Document> vector = ParseJson(ReferenceFile(name));
  EXPECT_THAT(vector, IsOk()) << name;
  return vector.ok() ? std::move(*vector) : rapidjson::Document();
}

std::string Member(const rapidjson::Value& object, const char* name) {
  if (!object.IsObject() || !object.HasMember(name) || !object[name].IsString()) {
    ADD_FAILURE() << "the vector has no string " << name;
    return "";
  }
  return object[name].GetString();
}

std::string DecodedKey(absl::string_view base64) {
  absl::StatusOr<std::string> key = DecodeSealedResultKey(base64);
  EXPECT_THAT(key, IsOk());
  return key.ok() ? *key : std::string();
}

class FingerprintSealedVendorReference : public ::testing::Test {
 protected:
  void SetUp() override {
    FPGW_SKIP_WITHOUT_VENDOR_REFERENCE();
    const rapidjson::Document vector =
        ReferenceVector("fingerprint_v4_sealed_result_testvector_gosdk.json");
    valid_key_ = DecodedKey(Member(vector, "valid_key_base64"));
    if (vector.IsObject() && vector.HasMember("invalid_keys_base64") &&
        vector["invalid_keys_base64"].IsArray()) {
      for (const auto& text : vector["invalid_keys_base64"].GetArray()) {
        invalid_keys_.push_back(DecodedKey(text.IsString() ? text.GetString() : ""));
      }
    }
    ASSERT_EQ(invalid_keys_.size(), 2u);
    short_sealed_ = Member(vector, "invalid_sealed_short_base64");
  }

  std::string valid_key_;
  std::vector<std::string> invalid_keys_;
  std::string short_sealed_;
};

TEST_F(FingerprintSealedVendorReference, GoSdkV4EventOpensToTheExpectedJson) {
  const std::string sealed =
      ReferenceFile("fingerprint_v4_sealed_result_get_event_200_base64_gosdk.txt");
  size_t key_index = 99;
  absl::StatusOr<std::string> opened =
      UnsealResult(sealed, {invalid_keys_[0], invalid_keys_[1], valid_key_}, {}, &key_index);
  ASSERT_THAT(opened, IsOk());
  EXPECT_EQ(key_index, 2u);
  absl::StatusOr<rapidjson::Document> event = ParseJson(*opened);
  ASSERT_THAT(event, IsOk());
  absl::StatusOr<rapidjson::Document> expected =
      ParseJson(ReferenceFile("fingerprint_v4_sealed_result_decrypted_expected_gosdk.json"));
  ASSERT_THAT(expected, IsOk());
  // The expected file is formatted differently: compare values, not bytes.
  EXPECT_TRUE(*event == *expected);
  ASSERT_TRUE(event->HasMember("event_id"));
  EXPECT_STREQ((*event)["event_id"].GetString(), "1708102555327.NLOjmg");
}

TEST_F(FingerprintSealedVendorReference, GoSdkV4InvalidKeysDoNotOpenIt) {
  const std::string sealed =
      ReferenceFile("fingerprint_v4_sealed_result_get_event_200_base64_gosdk.txt");
  for (const std::string& key : invalid_keys_) {
    EXPECT_THAT(UnsealResult(sealed, {key}),
                StatusIs(absl::StatusCode::kInvalidArgument,
                         HasSubstr("no configured sealed-result key decrypts it")));
  }
}

TEST_F(FingerprintSealedVendorReference, GoSdkV4InvalidHeaderIsRefused) {
  // Its body is authentic under the valid key: the header alone refuses it.
  EXPECT_THAT(
      UnsealResult(ReferenceFile("fingerprint_v4_sealed_result_invalid_header_base64_gosdk.txt"),
                   {invalid_keys_[0], valid_key_}),
      StatusIs(absl::StatusCode::kInvalidArgument, HasSubstr("invalid sealed data header")));
}

TEST_F(FingerprintSealedVendorReference, GoSdkV4UncompressedPlaintextIsRefused) {
  EXPECT_THAT(UnsealResult(ReferenceFile(
                               "fingerprint_v4_sealed_result_invalid_compression_base64_gosdk.txt"),
                           {valid_key_}),
              StatusIs(absl::StatusCode::kInvalidArgument, HasSubstr("not a raw DEFLATE stream")));
}

// Unsealing returns the JSON text; whether it is JSON, and an event, is the caller's to check (it
// parses it to map it). The Go SDK refuses these two when it parses the event.
TEST_F(FingerprintSealedVendorReference, GoSdkV4BrokenJsonOpensForTheCallerToRefuse) {
  absl::StatusOr<std::string> opened = UnsealResult(
      ReferenceFile("fingerprint_v4_sealed_result_invalid_json_base64_gosdk.txt"), {valid_key_});
  ASSERT_THAT(opened, IsOk());
  EXPECT_THAT(*opened, HasSubstr("\"event_id\""));
  EXPECT_THAT(ParseJson(*opened), StatusIs(absl::StatusCode::kInvalidArgument));
}

TEST_F(FingerprintSealedVendorReference, GoSdkV4ShortResultOpensToAnObjectThatIsNoEvent) {
  absl::StatusOr<std::string> opened = UnsealResult(short_sealed_, {valid_key_});
  ASSERT_THAT(opened, IsOk());
  absl::StatusOr<rapidjson::Document> json = ParseJson(*opened);
  ASSERT_THAT(json, IsOk());
  ASSERT_TRUE(json->IsObject());
  EXPECT_FALSE(json->HasMember("event_id"));
  ASSERT_TRUE(json->HasMember("invalid"));
  EXPECT_TRUE((*json)["invalid"].IsTrue());
}

TEST(FingerprintSealedV3VendorReference, NodeSdkV3ResultOpensToAnEventsGetResponse) {
  FPGW_SKIP_WITHOUT_VENDOR_REFERENCE();
  const rapidjson::Document vector =
      ReferenceVector("fingerprint_v3_sealed_result_testvector_nodesdk.json");
  const std::string sealed = Member(vector, "sealed_data_base64");
  const std::string valid_key = DecodedKey(Member(vector, "valid_key_base64"));
  const std::string invalid_key = DecodedKey(Member(vector, "invalid_key_base64"));

  size_t key_index = 99;
  absl::StatusOr<std::string> opened =
      UnsealResult(sealed, {invalid_key, valid_key}, {}, &key_index);
  ASSERT_THAT(opened, IsOk());
  EXPECT_EQ(key_index, 1u);
  absl::StatusOr<rapidjson::Document> response = ParseJson(*opened);
  ASSERT_THAT(response, IsOk());
  ASSERT_TRUE(response->IsObject());
  ASSERT_TRUE(response->HasMember("products"));
  EXPECT_TRUE((*response)["products"].IsObject());

  EXPECT_THAT(UnsealResult(sealed, {invalid_key}),
              StatusIs(absl::StatusCode::kInvalidArgument,
                       HasSubstr("no configured sealed-result key decrypts it")));
}

}  // namespace
}  // namespace fpgw::vendors::fingerprint
