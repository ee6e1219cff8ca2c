#include "sandbox/fingerprint_v4/event_requests.h"

#include <arpa/inet.h>

#include <algorithm>
#include <string>

#include "absl/strings/ascii.h"
#include "absl/strings/numbers.h"
#include "absl/time/time.h"
#include "common/json_chars.h"
#include "rapidjson/document.h"

namespace fpgw::sandbox {
namespace {

constexpr size_t kMaxLinkedIdChars = 256;

bool IsDigits(absl::string_view text) {
  return !text.empty() && std::all_of(text.begin(), text.end(), absl::ascii_isdigit);
}

bool IsIpOrCidr(const std::string& text) {
  const size_t slash = text.find('/');
  const std::string address = slash == std::string::npos ? text : text.substr(0, slash);
  unsigned char buf[sizeof(struct in6_addr)];
  int max_prefix = 0;
  if (inet_pton(AF_INET, address.c_str(), buf) == 1) {
    max_prefix = 32;
  } else if (inet_pton(AF_INET6, address.c_str(), buf) == 1) {
    max_prefix = 128;
  } else {
    return false;
  }
  if (slash == std::string::npos) return true;
  int prefix = -1;
  return absl::SimpleAtoi(text.substr(slash + 1), &prefix) && prefix >= 0 && prefix <= max_prefix;
}

std::optional<int64_t> ParseTimeBound(const std::string& text, TimeBounds bounds) {
  int64_t ms = 0;
  if (IsDigits(text) && absl::SimpleAtoi(text, &ms)) return ms;
  absl::Time t;
  std::string error;
  if (bounds == TimeBounds::kMillisOrRfc3339 &&
      absl::ParseTime(absl::RFC3339_full, text, &t, &error)) {
    return absl::ToUnixMillis(t);
  }
  return std::nullopt;
}

}  // namespace

std::optional<absl::string_view> VisitorIdProblem(absl::string_view visitor_id) {
  if (visitor_id.empty()) return "visitor id is required";
  if (!FingerprintV4Data::IsValidVisitorId(visitor_id)) return "invalid visitor id";
  return std::nullopt;
}

bool ReadMillisParam(const Exchange& ex, absl::string_view name, std::optional<int64_t>* millis) {
  std::optional<std::string> text = ex.QueryParam(name);
  if (!text.has_value()) return true;
  *millis = ParseTimeBound(*text, TimeBounds::kMillis);
  return millis->has_value();
}

std::optional<std::string> ReadEventFilter(const Exchange& ex, TimeBounds bounds,
                                           EventFilter* filter) {
  filter->visitor_id = ex.QueryParam("visitor_id");
  if (filter->visitor_id.has_value() && !FingerprintV4Data::IsValidVisitorId(*filter->visitor_id)) {
    return "invalid visitor id";
  }
  filter->linked_id = ex.QueryParam("linked_id");
  if (filter->linked_id.has_value() && filter->linked_id->size() > kMaxLinkedIdChars) {
    return "linked_id can't be greater than 256 characters long";
  }
  filter->bot = ex.QueryParam("bot").value_or("all");
  if (filter->bot != "all" && filter->bot != "good" && filter->bot != "bad" &&
      filter->bot != "none") {
    return "invalid bot type";
  }
  if (std::optional<std::string> ip = ex.QueryParam("ip_address"); ip.has_value()) {
    if (!IsIpOrCidr(*ip)) return "invalid ip address";
  }
  if (std::optional<std::string> text = ex.QueryParam("start"); text.has_value()) {
    filter->start = ParseTimeBound(*text, bounds);
    if (!filter->start.has_value()) return "invalid start time";
  }
  if (std::optional<std::string> text = ex.QueryParam("end"); text.has_value()) {
    filter->end = ParseTimeBound(*text, bounds);
    if (!filter->end.has_value()) return "invalid end time";
  }
  if (std::optional<std::string> text = ex.QueryParam("reverse"); text.has_value()) {
    if (*text == "true") {
      filter->reverse = true;
    } else if (*text != "false") {
      return "invalid reverse param";
    }
  }
  return std::nullopt;
}

bool MatchesEventFilter(const EventFilter& filter, const EventFacts& event) {
  if (filter.bot == "none" && event.bot != "not_detected") return false;
  if (filter.bot == "good" && event.bot != "good") return false;
  if (filter.bot == "bad" && event.bot != "bad") return false;
  if (filter.linked_id.has_value() && event.linked_id != *filter.linked_id) return false;
  if (filter.start.has_value() && event.timestamp_ms < *filter.start) return false;
  if (filter.end.has_value() && event.timestamp_ms > *filter.end) return false;
  return true;
}

bool IsValidEventUpdate(absl::string_view body, absl::string_view linked_id_key,
                        absl::string_view tags_key) {
  rapidjson::Document doc;
  doc.Parse<rapidjson::kParseIterativeFlag>(fpgw::JsonChars(body), body.size());
  if (doc.HasParseError() || !doc.IsObject() || doc.ObjectEmpty()) return false;
  for (const auto& member : doc.GetObject()) {
    const absl::string_view name(member.name.GetString(), member.name.GetStringLength());
    const bool ok = (name == linked_id_key && member.value.IsString()) ||
                    (name == tags_key && member.value.IsObject()) ||
                    (name == "suspect" && member.value.IsBool());
    if (!ok) return false;
  }
  return true;
}

}  // namespace fpgw::sandbox
