#include "sandbox/cside/routes.h"

#include <algorithm>
#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <utility>
#include <vector>

#include "absl/status/status.h"
#include "absl/strings/ascii.h"
#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "common/json_chars.h"
#include "rapidjson/document.h"
#include "rapidjson/stringbuffer.h"
#include "rapidjson/writer.h"
#include "sandbox/cside/data.h"
#include "sandbox/exchange.h"
#include "sandbox/router.h"
#include "sandbox/scenario.h"
#include "sandbox/vendor_routes.h"

namespace fpgw::sandbox {
namespace {

constexpr size_t kMaxBodyBytes = 64 * 1024;
constexpr int64_t kMaxLimit = 500;
constexpr absl::string_view kPlainText = "text/plain; charset=utf-8";

// Endpoint kinds.
constexpr uint32_t kVerify = 1;
constexpr uint32_t kEntries = 2;
constexpr uint32_t kClient = 4;
constexpr uint32_t kClientId = 8;

// What cside answers for a token it does not know: clientId's documented plain-text 404, and, as
// cside documents no status for the other endpoints, the same 404 with the endpoint's error member.
constexpr absl::string_view kClientIdNotFound = "Not Found";
constexpr VendorError kTokenNotFound{404, "", "Token not found"};
constexpr VendorError kDeviceNotFound{404, "", "Device not found"};

// cside's scenarios. Error bodies carry only a message (see WriteError); `clientId` answers plain
// text. `pending[-<n>]` answers 202 for the first n polls of the token (default 1), counted per
// endpoint; `no-fingerprint-id` lets /token/v1/client answer but makes /token/v1/clientId a 404.
// `not-found` answers as for an unknown token.
constexpr ScenarioRow kScenarioRows[] = {
    AnswerBody("not-found", 404, kPlainText, kClientIdNotFound).For(kClientId),
    AnswerBody("no-fingerprint-id", 404, kPlainText, kClientIdNotFound).For(kClientId),
    AnswerBody("rate-limited", 429, kPlainText, "Too Many Requests").For(kClientId).RetryAfter(1),
    AnswerBody("server-error", 500, kPlainText, "Internal Server Error").For(kClientId),
    Answer("not-found", kDeviceNotFound).For(kEntries),
    Answer("not-found", kTokenNotFound),
    Answer("rate-limited", {429, "", "rate_limited"}).RetryAfter(1),
    Answer("rate-limited-bare", {429, "", "rate_limited"}),  // no Retry-After
    Answer("server-error", {500, "", "Internal server error"}),
    AnswerBody("pending", 202, "application/json", R"({"status":"pending"})")
        .For(kVerify | kClient)
        .FirstNumberPerRoute(),
};

// The payload shapes (verify, each device entry, /token/v1/client), for cside does not publish the
// blocks' insides; none selected is `shape-assumed`.
struct ShapeScenario {
  absl::string_view scenario;
  CsidePayloadShape shape;
};
constexpr ShapeScenario kShapeScenarios[] = {
    {"shape-assumed", CsidePayloadShape::kAssumed},
    {"shape-renamed", CsidePayloadShape::kRenamed},
    {"shape-missing-blocks", CsidePayloadShape::kMissingBlocks},
    {"shape-extra-blocks", CsidePayloadShape::kExtraBlocks},
    {"shape-drift", CsidePayloadShape::kDrift},
};
// Broken device-entries pages: `has_more` true with `next_offset` null, or with `next_offset` equal
// to the page's own offset (a cursor that does not advance).
constexpr absl::string_view kNextOffsetNull = "next-offset-null";
constexpr absl::string_view kNextOffsetStuck = "next-offset-stuck";

constexpr absl::string_view kBodyScenarios[] = {
    "drift",       "shape-assumed", "shape-renamed", "shape-missing-blocks", "shape-extra-blocks",
    "shape-drift", kNextOffsetNull, kNextOffsetStuck};

CsidePayloadShape ShapeOf(const Scenario& scenario) {
  for (const ShapeScenario& entry : kShapeScenarios) {
    if (scenario.Is(entry.scenario)) return entry.shape;
  }
  return CsidePayloadShape::kAssumed;
}

constexpr ScenarioTable kScenarios{
    "cside", kScenarioRows, kBodyScenarios, {400, "", "Unknown sandbox scenario $0"}};

// Type changes in the assumed shapes plus an unknown block, the way a vendor's schema drifts.
void Drift(rapidjson::Document* doc) {
  auto& alloc = doc->GetAllocator();
  auto set = [&](const char* key, rapidjson::Value value) {
    auto it = doc->FindMember(key);
    if (it != doc->MemberEnd()) {
      it->value = value;
    } else {
      doc->AddMember(rapidjson::StringRef(key), value, alloc);
    }
  };
  set("created_at", rapidjson::Value("2026-05-22T00:00:00Z"));
  set("geo_data", rapidjson::Value("CZ"));
  auto fingerprint = doc->FindMember("fingerprint");
  if (fingerprint != doc->MemberEnd() && fingerprint->value.IsObject()) {
    fingerprint->value["id"].SetInt(123456);
  }
  auto bot = doc->FindMember("bot");
  if (bot != doc->MemberEnd() && bot->value.IsObject()) bot->value["is_bot"].SetString("yes");
  rapidjson::Value future(rapidjson::kObjectType);
  future.AddMember("risk", "elevated", alloc);
  future.AddMember("introduced_in", "v2.99", alloc);
  set("sandbox_future_block", std::move(future));
}

// The page window of a device-entries request: `limit` (default and cap 500) and `offset`. Returns
// the message for an invalid one.
std::optional<absl::string_view> EntriesWindow(const rapidjson::Document& request, int64_t* limit,
                                               int64_t* offset) {
  *limit = kMaxLimit;
  if (auto it = request.FindMember("limit"); it != request.MemberEnd() && !it->value.IsNull()) {
    if (!it->value.IsInt64() || it->value.GetInt64() < 1) {
      return "limit must be a positive integer";
    }
    *limit = std::min<int64_t>(it->value.GetInt64(), kMaxLimit);
  }
  *offset = 0;
  if (auto it = request.FindMember("offset"); it != request.MemberEnd() && !it->value.IsNull()) {
    if (!it->value.IsInt64() || it->value.GetInt64() < 0) {
      return "offset must be a non-negative integer";
    }
    *offset = it->value.GetInt64();
  }
  return std::nullopt;
}

// ----------------------------------------------------------------------------------------------
// The routes. Immutable after construction; shared by all worker threads.

class CsideRoutes final : public VendorRoutes {
 public:
  CsideRoutes(uint64_t seed, absl::string_view api_key)
      : VendorRoutes(kScenarios), seed_(seed), api_key_(api_key) {
    AddEndpoint({"POST", Exact("/token/v2/verify"), kRouteCsideVerify, kVerify,
                 BindPrepare(&CsideRoutes::ReadJsonToken), Bind(&CsideRoutes::HandleVerify)});
    AddEndpoint({"POST", Exact("/token/v2/device/entries"), kRouteCsideDeviceEntries, kEntries,
                 BindPrepare(&CsideRoutes::ReadEntriesRequest), Bind(&CsideRoutes::HandleEntries)});
    AddEndpoint({"POST", Exact("/token/v1/client"), kRouteCsideClient, kClient,
                 BindPrepare(&CsideRoutes::ReadTextToken), Bind(&CsideRoutes::HandleClient),
                 /*authenticated=*/false});
    AddEndpoint({"POST", Exact("/token/v1/clientId"), kRouteCsideClientId, kClientId,
                 BindPrepare(&CsideRoutes::ReadTextToken), Bind(&CsideRoutes::HandleClientId),
                 /*authenticated=*/false});
  }

 private:
  bool Authorized(Exchange& ex, const Call& call) const override {
    const absl::string_view key = BearerKey(ex);
    if (!key.empty() && SecretMatches(key, api_key_)) return true;
    return Refuse(ex, call, {401, "", "Invalid or missing API key"});
  }

  // `{"<member>": "<message>"}`: the member is `error` for device entries and `error_message`
  // for verify and the public endpoints (CONTRACTS.md §1.3). Messages are free text, as cside
  // writes them; only the rate limit sends a code-like word.
  int WriteError(Exchange& ex, const Call& call, const VendorError& error,
                 const std::vector<Header>& extra) const override {
    const absl::string_view member = call.endpoint == kEntries ? "error" : "error_message";
    rapidjson::StringBuffer buffer;
    rapidjson::Writer<rapidjson::StringBuffer> writer(buffer);
    writer.StartObject();
    writer.Key(fpgw::JsonChars(member), static_cast<rapidjson::SizeType>(member.size()));
    writer.String(fpgw::JsonChars(error.message),
                  static_cast<rapidjson::SizeType>(error.message.size()));
    writer.EndObject();
    return ex.Send(error.status, "application/json",
                   absl::string_view(buffer.GetString(), buffer.GetSize()), extra);
  }

  // Reads the JSON body's string `token`; sends the 400/413 when it is not there.
  bool ReadJsonToken(Exchange& ex, Call& call) const;
  // ReadJsonToken, and checks the page window.
  bool ReadEntriesRequest(Exchange& ex, Call& call) const;
  // Reads the raw text/plain token of the public endpoints.
  bool ReadTextToken(Exchange& ex, Call& call) const;

  int HandleVerify(Exchange& ex, const Call& call) const;
  int HandleEntries(Exchange& ex, const Call& call) const;
  int HandleClient(Exchange& ex, const Call& call) const;
  int HandleClientId(Exchange& ex, const Call& call) const;

  const uint64_t seed_;
  const std::string api_key_;
};

bool CsideRoutes::ReadJsonToken(Exchange& ex, Call& call) const {
  std::optional<std::string> body = ex.ReadBody(kMaxBodyBytes);
  if (!body.has_value()) return Refuse(ex, call, {413, "", "Request body too large"});
  call.body.Parse<rapidjson::kParseIterativeFlag>(body->data(), body->size());
  if (call.body.HasParseError() || !call.body.IsObject()) {
    return Refuse(ex, call, {400, "", "Request body must be a JSON object"});
  }
  auto token = call.body.FindMember("token");
  if (token == call.body.MemberEnd() || !token->value.IsString() ||
      token->value.GetStringLength() == 0) {
    return Refuse(ex, call, {400, "", "token is required"});
  }
  call.token = std::string(token->value.GetString(), token->value.GetStringLength());
  return true;
}

bool CsideRoutes::ReadEntriesRequest(Exchange& ex, Call& call) const {
  if (!ReadJsonToken(ex, call)) return false;
  int64_t limit = 0;
  int64_t offset = 0;
  if (std::optional<absl::string_view> problem = EntriesWindow(call.body, &limit, &offset)) {
    return Refuse(ex, call, {400, "", *problem});
  }
  return true;
}

bool CsideRoutes::ReadTextToken(Exchange& ex, Call& call) const {
  std::optional<std::string> body = ex.ReadBody(kMaxBodyBytes);
  if (!body.has_value()) return Refuse(ex, call, {413, "", "Request body too large"});
  const absl::string_view token = absl::StripAsciiWhitespace(*body);
  if (token.empty()) return Refuse(ex, call, {400, "", "token is required"});
  // The public endpoints take the raw token, not a JSON wrapper.
  if (token.front() == '{' || token.front() == '"') {
    return Refuse(ex, call, {400, "", "Send the raw token as text/plain"});
  }
  call.token = std::string(token);
  return true;
}

int CsideRoutes::HandleVerify(Exchange& ex, const Call& call) const {
  if (!IsKnownCsideToken(seed_, call.token)) return SendError(ex, call, kTokenNotFound);
  rapidjson::Document doc;
  BuildCsidePayload(seed_, call.token, -1, ShapeOf(call.scenario), &doc);
  if (call.scenario.Is("drift")) Drift(&doc);
  return ex.SendJson(call.scenario, Serialize(doc));
}

int CsideRoutes::HandleEntries(Exchange& ex, const Call& call) const {
  int64_t limit = 0;
  int64_t offset = 0;
  EntriesWindow(call.body, &limit, &offset);  // checked by ReadEntriesRequest
  if (!IsKnownCsideToken(seed_, call.token)) return SendError(ex, call, kDeviceNotFound);
  const std::string device = CsideDeviceId(seed_, call.token);
  // offset may be anything the client sent: compare before adding, so nothing overflows.
  const int64_t end = offset >= kCsideEntriesPerDevice
                          ? int64_t{kCsideEntriesPerDevice}
                          : std::min<int64_t>(offset + limit, kCsideEntriesPerDevice);
  rapidjson::Document doc(rapidjson::kObjectType);
  auto& alloc = doc.GetAllocator();
  doc.AddMember("device_id", rapidjson::Value(device.c_str(), alloc), alloc);
  rapidjson::Value entries(rapidjson::kArrayType);
  for (int64_t i = offset; i < end; ++i) {
    rapidjson::Document entry(&alloc);
    BuildCsidePayload(seed_, device, static_cast<int>(i), ShapeOf(call.scenario), &entry);
    if (call.scenario.Is("drift")) Drift(&entry);
    entries.PushBack(rapidjson::Value(entry, alloc), alloc);
  }
  doc.AddMember("entries", entries, alloc);
  doc.AddMember("limit", limit, alloc);
  doc.AddMember("offset", offset, alloc);
  bool has_more = end < kCsideEntriesPerDevice;
  std::optional<int64_t> next_offset;
  if (has_more) next_offset = end;
  if (call.scenario.Is(kNextOffsetNull)) {
    has_more = true;
    next_offset.reset();
  } else if (call.scenario.Is(kNextOffsetStuck)) {
    has_more = true;
    next_offset = offset;
  }
  if (next_offset.has_value()) {
    doc.AddMember("next_offset", *next_offset, alloc);
  } else {
    doc.AddMember("next_offset", rapidjson::Value(rapidjson::kNullType), alloc);
  }
  doc.AddMember("has_more", has_more, alloc);
  return ex.SendJson(call.scenario, Serialize(doc));
}

int CsideRoutes::HandleClient(Exchange& ex, const Call& call) const {
  if (!IsKnownCsideToken(seed_, call.token)) return SendError(ex, call, kTokenNotFound);
  rapidjson::Document doc;
  BuildCsidePayload(seed_, call.token, -1, ShapeOf(call.scenario), &doc);
  // The public payload's shape is not published; the sandbox leaves out the fingerprint block,
  // so the stable id comes from /token/v1/clientId, as the contract describes it.
  doc.RemoveMember("fingerprint");
  if (call.scenario.Is("drift")) Drift(&doc);
  return ex.SendJson(call.scenario, Serialize(doc));
}

int CsideRoutes::HandleClientId(Exchange& ex, const Call& call) const {
  // cside's documented 404: no fingerprint id for the token (an unknown token has none either).
  if (!CsideHasFingerprintId(seed_, call.token)) {
    return ex.Send(404, kPlainText, kClientIdNotFound);
  }
  // The id every shape of the token's verify payload carries.
  const std::string id = CsideDeviceId(seed_, call.token);
  if (call.scenario.Is("html") || call.scenario.Is("malformed") || call.scenario.Is("slow-body")) {
    return ex.SendJson(call.scenario, id);
  }
  return ex.Send(200, kPlainText, id);
}

// ----------------------------------------------------------------------------------------------
// The module.

constexpr SandboxIntegration kIntegrations[] = {
    {"cside", "cside", "", "", true, R"({"token":"eyJhbGciOiJIUzI1NiJ9.demo.token"})"},
    // Public mode: the `/token/v1` endpoints, without a key.
    {"cside-public", "cside", "", "", false, R"({"token":"eyJhbGciOiJIUzI1NiJ9.demo.client"})",
     R"("cside": {"public_mode": true})"},
};
constexpr SandboxVendorInfo kInfo{"cside", "FPGW_SANDBOX_CSIDE_KEY", "cside.key", "cside_tgatv1_",
                                  kIntegrations};
constexpr RoutePrefix kPrefixes[] = {{"/token/v1", /*needs_credential=*/false}, {"/token/v2"}};

// cside's fingerprint API keys start with `cside_tgatv1_` (CONTRACTS.md §1.2).
absl::Status CheckCredential(absl::string_view credential) {
  if (!absl::StartsWith(credential, kInfo.credential_prefix) ||
      credential.size() == kInfo.credential_prefix.size()) {
    return absl::InvalidArgumentError(
        absl::StrCat("must be a cside fingerprint API key (", kInfo.credential_prefix, "…)"));
  }
  return absl::OkStatus();
}

}  // namespace

const SandboxVendor& CsideSandboxVendor() {
  static const SandboxVendor* const kModule =
      new RoutesModule<CsideRoutes>(kInfo, kPrefixes, kScenarios, &CheckCredential);
  return *kModule;
}

}  // namespace fpgw::sandbox
