// `fpgw normalize`: every payload kind is detected from the project's fixtures (and from the
// vendor's published examples when the reference folder is present) and normalises; a stream of
// them, one per line, is answered line by line, in order, as it is read.
#include "main/normalize.h"

#include <poll.h>
#include <unistd.h>

#include <algorithm>
#include <cstdlib>
#include <fstream>
#include <iterator>
#include <optional>
#include <set>
#include <sstream>
#include <thread>
#include <vector>

#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_split.h"
#include "gtest/gtest.h"
#include "rapidjson/document.h"
#include "rapidjson/stringbuffer.h"
#include "rapidjson/writer.h"
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

// --- NormalizeLines ----------------------------------------------------------------------------

// A fixture as one line of compact JSON, as an export holds it.
std::string FixtureLine(const std::string& relative) {
  rapidjson::Document doc;
  doc.Parse(Fixture(relative).c_str());
  EXPECT_FALSE(doc.HasParseError()) << relative;
  rapidjson::StringBuffer buffer;
  rapidjson::Writer<rapidjson::StringBuffer> writer(buffer);
  doc.Accept(writer);
  return std::string(buffer.GetString(), buffer.GetSize());
}

// `line` followed by spaces (JSON whitespace) up to `length` bytes.
std::string PaddedTo(std::string line, size_t length) {
  EXPECT_LE(line.size(), length);
  line.resize(length, ' ');
  return line;
}

rapidjson::Document Parse(absl::string_view json) {
  rapidjson::Document doc;
  doc.Parse(json.data(), json.size());
  return doc;
}

struct Batch {
  absl::StatusOr<LinesSummary> summary;
  // The output, parsed line by line.
  std::vector<rapidjson::Document> lines;
  std::string output;
  std::string diagnostics;
};

Batch RunLines(const std::string& input, const LinesOptions& options = {}) {
  std::istringstream in(input);
  std::ostringstream out;
  std::ostringstream diagnostics;
  Batch batch;
  batch.summary = NormalizeLines(in, out, diagnostics, options);
  batch.output = out.str();
  batch.diagnostics = diagnostics.str();
  // Every output line is one JSON object ending in '\n': no empty line, nothing after the last.
  std::vector<absl::string_view> lines = absl::StrSplit(batch.output, '\n');
  EXPECT_TRUE(lines.back().empty()) << lines.back().substr(0, 200);
  lines.pop_back();
  for (absl::string_view line : lines) {
    batch.lines.push_back(Parse(line));
    EXPECT_FALSE(batch.lines.back().HasParseError()) << line.substr(0, 200);
    EXPECT_TRUE(batch.lines.back().IsObject());
  }
  return batch;
}

std::string StringMember(const rapidjson::Value& value, const char* key) {
  if (!value.IsObject() || !value.HasMember(key) || !value[key].IsString()) return "";
  return value[key].GetString();
}

int64_t LineNumber(const rapidjson::Value& value) {
  return value.IsObject() && value.HasMember("line") && value["line"].IsInt64()
             ? value["line"].GetInt64()
             : -1;
}

std::string ErrorCode(const rapidjson::Value& value) {
  return value.IsObject() && value.HasMember("error") ? StringMember(value["error"], "code") : "";
}

// The keys of an output line, in order.
std::vector<std::string> Keys(const rapidjson::Value& value) {
  std::vector<std::string> keys;
  for (const auto& member : value.GetObject()) keys.push_back(member.name.GetString());
  return keys;
}

// `value` without its members named `key`, at any depth.
void EraseEverywhere(rapidjson::Value& value, const char* key) {
  if (value.IsObject()) {
    value.RemoveMember(key);
    for (auto& member : value.GetObject()) EraseEverywhere(member.value, key);
  } else if (value.IsArray()) {
    for (auto& element : value.GetArray()) EraseEverywhere(element, key);
  }
}

// A successful output line holds what single-payload mode prints for the same payload, but for
// the time of normalisation (source.fetch_time).
void ExpectSameAsSingle(const rapidjson::Value& output, const std::string& payload,
                        const std::string& kind, const char* key) {
  EXPECT_EQ(Keys(output), (std::vector<std::string>{"line", "kind", key}));
  EXPECT_EQ(StringMember(output, "kind"), kind);
  absl::StatusOr<std::string> single = NormalizeToJson(payload, kind, false);
  ASSERT_TRUE(single.ok()) << single.status();
  ASSERT_TRUE(output.HasMember(key));
  rapidjson::Document expected = Parse(*single);
  rapidjson::Document actual;
  actual.CopyFrom(output[key], actual.GetAllocator());
  EraseEverywhere(expected, "fetch_time");
  EraseEverywhere(actual, "fetch_time");
  EXPECT_TRUE(actual == expected) << "line " << LineNumber(output);
  // Both describe the payload, not an empty message.
  EXPECT_FALSE(actual.ObjectEmpty());
}

TEST(NormalizeLines, AnswersAMixedExportLineByLineInOrderThroughBrokenLines) {
  const std::string v4_event = FixtureLine("fingerprint_v4/event_mobile_vpn.json");
  const std::string cside_verify = FixtureLine("cside/verify_completed.json");
  const std::string v3_webhook = FixtureLine("fingerprint_v3/webhook.json");
  const std::string v4_search = FixtureLine("fingerprint_v4/search.json");
  const std::string stytch = FixtureLine("stytch/lookup_get_allow.json");
  const std::string cside_entries = FixtureLine("cside/entries_first.json");
  const std::string input = absl::StrCat(            //
      v4_event, "\n",                                // 1
      cside_verify, "\n",                            // 2
      v3_webhook, "\n",                              // 3
      "{\"event_id\": \"1.a\", \"timestamp\": 1\n",  // 4: not JSON (cut short)
      "{\"rules\": []}\n",                           // 5: no kind has this shape
      PaddedTo(v4_event, kMaxLineBytes + 1), "\n",   // 6: one byte over the limit
      "[1, 2]\n",                                    // 7: JSON, but not an object
      "\n",                                          // 8: blank
      " \t \n",                                      // 9: blank
      v4_search, "\n",                               // 10
      stytch, "\n",                                  // 11
      cside_entries);                                // 12: the last line needs no newline
  const Batch batch = RunLines(input);
  ASSERT_TRUE(batch.summary.ok()) << batch.summary.status();
  EXPECT_EQ(batch.summary->payloads, 10);
  EXPECT_EQ(batch.summary->failed, 4);
  ASSERT_EQ(batch.lines.size(), 10u);

  std::vector<int64_t> numbers;
  for (const rapidjson::Document& line : batch.lines) numbers.push_back(LineNumber(line));
  EXPECT_EQ(numbers, (std::vector<int64_t>{1, 2, 3, 4, 5, 6, 7, 10, 11, 12}));

  ExpectSameAsSingle(batch.lines[0], v4_event, "fingerprint-v4-event", "evaluation");
  ExpectSameAsSingle(batch.lines[1], cside_verify, "cside-verify", "evaluation");
  ExpectSameAsSingle(batch.lines[2], v3_webhook, "fingerprint-v3-webhook", "evaluation");
  for (size_t i = 3; i < 7; ++i) {
    SCOPED_TRACE(i);
    // The kind is not known: every line is detected, and these could not be.
    EXPECT_EQ(Keys(batch.lines[i]), (std::vector<std::string>{"line", "error"}));
    EXPECT_FALSE(StringMember(batch.lines[i]["error"], "message").empty());
  }
  EXPECT_EQ(ErrorCode(batch.lines[3]), "INVALID_ARGUMENT");
  EXPECT_EQ(ErrorCode(batch.lines[4]), "INVALID_ARGUMENT");
  EXPECT_EQ(ErrorCode(batch.lines[5]), "OUT_OF_RANGE");
  EXPECT_EQ(ErrorCode(batch.lines[6]), "INVALID_ARGUMENT");
  ExpectSameAsSingle(batch.lines[7], v4_search, "fingerprint-v4-search", "response");
  ExpectSameAsSingle(batch.lines[8], stytch, "stytch-lookup", "evaluation");
  ExpectSameAsSingle(batch.lines[9], cside_entries, "cside-entries", "response");

  // Each failing line, and only those, is named on the diagnostics stream.
  for (int failed : {4, 5, 6, 7}) {
    EXPECT_TRUE(absl::StrContains(batch.diagnostics, absl::StrCat("line ", failed, ": ")))
        << batch.diagnostics;
  }
  for (int fine : {1, 2, 3, 10, 11, 12}) {
    EXPECT_FALSE(absl::StrContains(batch.diagnostics, absl::StrCat("line ", fine, ": ")));
  }
}

TEST(NormalizeLines, NamedKindAppliesToEveryLineAndFullKeepsTheRawPayload) {
  LinesOptions options;
  options.kind = "fingerprint-v4-webhook";
  options.include_raw = true;
  const Batch batch = RunLines(
      absl::StrCat(FixtureLine("fingerprint_v4/webhook.json"), "\n",
                   FixtureLine("fingerprint_v4/event_mobile_vpn.json"), "\n[\"not an event\"]\n"),
      options);
  ASSERT_TRUE(batch.summary.ok()) << batch.summary.status();
  EXPECT_EQ(batch.summary->payloads, 3);
  EXPECT_EQ(batch.summary->failed, 1);
  ASSERT_EQ(batch.lines.size(), 3u);
  for (size_t i = 0; i < 2; ++i) {
    SCOPED_TRACE(i);
    const rapidjson::Value& line = batch.lines[i];
    EXPECT_EQ(StringMember(line, "kind"), "fingerprint-v4-webhook");
    ASSERT_TRUE(line.HasMember("evaluation"));
    // Named, not detected: a webhook body has an event's shape.
    EXPECT_EQ(StringMember(line["evaluation"]["source"], "payload_kind"), "PAYLOAD_KIND_WEBHOOK");
    EXPECT_TRUE(line["evaluation"].HasMember("raw"));
  }
  // A failing line still says which kind it was read as.
  EXPECT_EQ(Keys(batch.lines[2]), (std::vector<std::string>{"line", "kind", "error"}));
  EXPECT_EQ(StringMember(batch.lines[2], "kind"), "fingerprint-v4-webhook");
  EXPECT_EQ(ErrorCode(batch.lines[2]), "INVALID_ARGUMENT");
}

TEST(NormalizeLines, RefusesAnUnknownKindBeforeReadingAnything) {
  std::istringstream in(FixtureLine("fingerprint_v4/event_mobile_vpn.json") + "\n");
  std::ostringstream out;
  std::ostringstream diagnostics;
  LinesOptions options;
  options.kind = "fingerprint-v9-event";
  absl::StatusOr<LinesSummary> summary = NormalizeLines(in, out, diagnostics, options);
  EXPECT_EQ(summary.status().code(), absl::StatusCode::kInvalidArgument);
  EXPECT_TRUE(out.str().empty());
  EXPECT_EQ(in.tellg(), 0);
  EXPECT_FALSE(CheckPayloadKind("fingerprint-v9-event").ok());
  EXPECT_TRUE(CheckPayloadKind("auto").ok());
  EXPECT_TRUE(CheckPayloadKind("cside-verify").ok());
}

TEST(NormalizeLines, TheLineLimitIsExactAndALongerLineIsSkippedWhole) {
  const std::string event = FixtureLine("fingerprint_v4/event_mobile_vpn.json");
  // At the documented limit a line is read; one byte more and it is refused, and the line after
  // it (after many more bytes of the refused one) is read from its first byte.
  const Batch batch = RunLines(absl::StrCat(PaddedTo(event, kMaxLineBytes), "\n",
                                            PaddedTo(event, kMaxLineBytes + 1), "\n",
                                            PaddedTo(event, 3 * kMaxLineBytes), "\n", event));
  ASSERT_TRUE(batch.summary.ok()) << batch.summary.status();
  ASSERT_EQ(batch.lines.size(), 4u);
  EXPECT_EQ(StringMember(batch.lines[0], "kind"), "fingerprint-v4-event");
  EXPECT_EQ(ErrorCode(batch.lines[1]), "OUT_OF_RANGE");
  EXPECT_TRUE(absl::StrContains(StringMember(batch.lines[1]["error"], "message"),
                                absl::StrCat(kMaxLineBytes)));
  EXPECT_EQ(ErrorCode(batch.lines[2]), "OUT_OF_RANGE");
  EXPECT_EQ(LineNumber(batch.lines[3]), 4);
  EXPECT_EQ(StringMember(batch.lines[3], "kind"), "fingerprint-v4-event");
}

TEST(NormalizeLines, CountsLengthsExactlyAcrossTheReadersChunks) {
  // The reader takes a line in 16 KiB chunks; lengths around one and two chunks are counted to
  // the byte, whichever side of the limit they fall.
  const std::string event = FixtureLine("fingerprint_v4/event_mobile_vpn.json");
  const size_t lengths[] = {16382, 16383, 16384, 16385, 32765, 32766, 32767, 32768, 32769};
  for (size_t limit : {size_t{16383}, size_t{16384}, size_t{32766}, size_t{32767}}) {
    SCOPED_TRACE(limit);
    std::string input;
    for (size_t length : lengths) absl::StrAppend(&input, PaddedTo(event, length), "\n");
    LinesOptions options;
    options.max_line_bytes = limit;
    const Batch batch = RunLines(input, options);
    ASSERT_EQ(batch.lines.size(), std::size(lengths));
    for (size_t i = 0; i < std::size(lengths); ++i) {
      SCOPED_TRACE(lengths[i]);
      EXPECT_EQ(LineNumber(batch.lines[i]), static_cast<int64_t>(i + 1));
      EXPECT_EQ(ErrorCode(batch.lines[i]), lengths[i] <= limit ? "" : "OUT_OF_RANGE");
    }
  }
}

TEST(NormalizeLines, SkipsBlankLinesReadsCrlfAndAnEmptyInputIsNoOutput) {
  const std::string event = FixtureLine("fingerprint_v4/event_mobile_vpn.json");
  const Batch batch = RunLines(absl::StrCat(event, "\r\n\r\n  \r\n", event, "\r\n\n"));
  ASSERT_TRUE(batch.summary.ok()) << batch.summary.status();
  EXPECT_EQ(batch.summary->payloads, 2);
  EXPECT_EQ(batch.summary->failed, 0);
  ASSERT_EQ(batch.lines.size(), 2u);
  EXPECT_EQ(LineNumber(batch.lines[0]), 1);
  EXPECT_EQ(LineNumber(batch.lines[1]), 4);
  EXPECT_TRUE(batch.diagnostics.empty()) << batch.diagnostics;

  const Batch empty = RunLines("");
  ASSERT_TRUE(empty.summary.ok());
  EXPECT_EQ(empty.summary->payloads, 0);
  EXPECT_TRUE(empty.output.empty());
}

TEST(NormalizeLines, ErrorsNeverQuoteTheLine) {
  const std::string marker = "sk_live_MARKER0123456789";
  const Batch batch = RunLines(absl::StrCat(                       //
      "{\"token\": \"", marker, "\", \"x\": \n",                   // not JSON
      "{\"token\": \"", marker, "\"}\n",                           // no kind
      "[\"", marker, "\"]\n",                                      // not an object
      "{\"", marker, "\": 1}", std::string(64, ' '), marker, "\n"  // not JSON after the value
      ));
  ASSERT_TRUE(batch.summary.ok());
  EXPECT_EQ(batch.summary->failed, 4);
  ASSERT_EQ(batch.lines.size(), 4u);
  EXPECT_FALSE(absl::StrContains(batch.output, "MARKER")) << batch.output;
  EXPECT_FALSE(absl::StrContains(batch.diagnostics, "MARKER")) << batch.diagnostics;
}

TEST(NormalizeLines, StopsWhenTheOutputCannotBeWritten) {
  std::istringstream in(absl::StrCat(FixtureLine("fingerprint_v4/event_mobile_vpn.json"), "\n",
                                     FixtureLine("cside/verify_completed.json"), "\n"));
  std::ostream out(nullptr);  // every write fails
  std::ostringstream diagnostics;
  absl::StatusOr<LinesSummary> summary = NormalizeLines(in, out, diagnostics, LinesOptions());
  EXPECT_EQ(summary.status().code(), absl::StatusCode::kUnavailable);
  // It stopped at the first line rather than normalising the rest into the void.
  std::string rest;
  EXPECT_TRUE(static_cast<bool>(std::getline(in, rest)));
  EXPECT_TRUE(absl::StartsWith(rest, "{")) << rest.substr(0, 80);
}

// NormalizeLines on a thread, between two pipes, as `fpgw normalize --lines` sits in a shell
// pipeline: the test writes input lines and reads output lines while the input is still open.
class PipedBatch {
 public:
  PipedBatch() {
    EXPECT_EQ(pipe(input_), 0);
    EXPECT_EQ(pipe(output_), 0);
    // Streams on the pipes as a process has on its stdin and stdout.
    thread_ = std::thread([this] {
      std::ifstream in(absl::StrCat("/dev/fd/", input_[0]), std::ios::binary);
      std::ofstream out(absl::StrCat("/dev/fd/", output_[1]), std::ios::binary);
      std::ostringstream diagnostics;
      summary_ = NormalizeLines(in, out, diagnostics, LinesOptions());
    });
  }

  ~PipedBatch() {
    CloseInput();
    if (thread_.joinable()) thread_.join();
    for (int fd : {input_[0], output_[0], output_[1]}) close(fd);
  }

  void Write(absl::string_view text) {
    ASSERT_EQ(write(input_[1], text.data(), text.size()), static_cast<ssize_t>(text.size()));
  }

  void CloseInput() {
    if (input_[1] >= 0) close(input_[1]);
    input_[1] = -1;
  }

  // The batch's summary, once its input is closed.
  absl::StatusOr<LinesSummary> Finish() {
    CloseInput();
    thread_.join();
    close(output_[1]);
    output_[1] = -1;
    return summary_;
  }

  // The next output line; nullopt at the end of the output, or when none comes within a minute
  // (a batch that waits for the end of its input before answering never sends one).
  std::optional<std::string> ReadLine() {
    while (true) {
      const size_t newline = pending_.find('\n');
      if (newline != std::string::npos) {
        std::string line = pending_.substr(0, newline);
        pending_.erase(0, newline + 1);
        return line;
      }
      pollfd readable{output_[0], POLLIN, 0};
      if (poll(&readable, 1, 60'000) != 1) return std::nullopt;
      char buffer[1 << 16];
      const ssize_t got = read(output_[0], buffer, sizeof(buffer));
      if (got <= 0) return std::nullopt;
      pending_.append(buffer, static_cast<size_t>(got));
    }
  }

 private:
  int input_[2] = {-1, -1};
  int output_[2] = {-1, -1};
  std::thread thread_;
  absl::StatusOr<LinesSummary> summary_;
  std::string pending_;
};

TEST(NormalizeLines, AnswersEachLineBeforeTheNextOneArrives) {
  PipedBatch batch;
  batch.Write(FixtureLine("fingerprint_v4/event_mobile_vpn.json") + "\n");
  std::optional<std::string> first = batch.ReadLine();
  ASSERT_TRUE(first.has_value()) << "no answer to line 1 while the input is open";
  EXPECT_EQ(StringMember(Parse(*first), "kind"), "fingerprint-v4-event");

  batch.Write("{not json\n");
  std::optional<std::string> second = batch.ReadLine();
  ASSERT_TRUE(second.has_value()) << "no answer to line 2 while the input is open";
  EXPECT_EQ(LineNumber(Parse(*second)), 2);
  EXPECT_EQ(ErrorCode(Parse(*second)), "INVALID_ARGUMENT");

  batch.Write(FixtureLine("cside/verify_completed.json"));  // the last line, without a newline
  absl::StatusOr<LinesSummary> summary = batch.Finish();
  std::optional<std::string> third = batch.ReadLine();
  ASSERT_TRUE(third.has_value());
  EXPECT_EQ(StringMember(Parse(*third), "kind"), "cside-verify");
  EXPECT_FALSE(batch.ReadLine().has_value());
  ASSERT_TRUE(summary.ok()) << summary.status();
  EXPECT_EQ(summary->payloads, 3);
  EXPECT_EQ(summary->failed, 1);
}

}  // namespace
}  // namespace fpgw::cli
