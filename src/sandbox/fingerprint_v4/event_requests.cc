#include "sandbox/fingerprint_v4/event_requests.h"

#include <arpa/inet.h>
#include <civetweb.h>

#include <algorithm>
#include <array>
#include <cmath>
#include <cstring>
#include <string>

#include "absl/strings/ascii.h"
#include "absl/strings/match.h"
#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "absl/strings/str_replace.h"
#include "absl/strings/str_split.h"
#include "absl/time/time.h"
#include "common/json_chars.h"
#include "rapidjson/pointer.h"
#include "sandbox/fingerprint_v4/data.h"

namespace fpgw::sandbox {
namespace {

bool IsDigits(absl::string_view text) {
  return !text.empty() && std::all_of(text.begin(), text.end(), absl::ascii_isdigit);
}

// An address and prefix length, the bytes in network order (4 or 16 of them).
struct IpRange {
  int family = 0;
  std::array<unsigned char, 16> bytes{};
  int prefix = 0;
};

bool ParseAddress(const std::string& text, int* family, std::array<unsigned char, 16>* bytes) {
  if (inet_pton(AF_INET, text.c_str(), bytes->data()) == 1) {
    *family = 4;
    return true;
  }
  if (inet_pton(AF_INET6, text.c_str(), bytes->data()) == 1) {
    *family = 6;
    return true;
  }
  return false;
}

// `<address>[/<prefix>]`; without a prefix, the single address (when `cidr_only` is false).
std::optional<IpRange> ParseIpRange(const std::string& text, bool cidr_only) {
  const size_t slash = text.find('/');
  if (cidr_only && slash == std::string::npos) return std::nullopt;
  IpRange range;
  if (!ParseAddress(text.substr(0, slash), &range.family, &range.bytes)) return std::nullopt;
  const int max_prefix = range.family == 4 ? 32 : 128;
  range.prefix = max_prefix;
  if (slash == std::string::npos) return range;
  const std::string prefix = text.substr(slash + 1);
  if (!IsDigits(prefix) || !absl::SimpleAtoi(prefix, &range.prefix) || range.prefix > max_prefix) {
    return std::nullopt;
  }
  return range;
}

bool Contains(const IpRange& range, const std::string& address) {
  int family = 0;
  std::array<unsigned char, 16> bytes{};
  if (!ParseAddress(address, &family, &bytes) || family != range.family) return false;
  const int full = range.prefix / 8;
  if (std::memcmp(bytes.data(), range.bytes.data(), static_cast<size_t>(full)) != 0) return false;
  const int rest = range.prefix % 8;
  if (rest == 0) return true;
  const auto mask = static_cast<unsigned char>(0xff << (8 - rest));
  return (bytes[static_cast<size_t>(full)] & mask) ==
         (range.bytes[static_cast<size_t>(full)] & mask);
}

std::optional<int64_t> ParseTimeBound(const std::string& text, bool rfc3339) {
  int64_t ms = 0;
  if (IsDigits(text) && absl::SimpleAtoi(text, &ms)) return ms;
  absl::Time t;
  std::string error;
  if (rfc3339 && absl::ParseTime(absl::RFC3339_full, text, &t, &error)) {
    return absl::ToUnixMillis(t);
  }
  return std::nullopt;
}

std::optional<bool> ParseBool(absl::string_view text) {
  if (text == "true") return true;
  if (text == "false") return false;
  return std::nullopt;
}

// `scheme://authority` of an absolute URL, or empty.
absl::string_view OriginOf(absl::string_view url) {
  const size_t scheme_end = url.find("://");
  if (scheme_end == absl::string_view::npos) return {};
  const size_t end = url.find_first_of("/?#", scheme_end + 3);
  return url.substr(0, end);
}

bool Listed(absl::Span<const absl::string_view> values, absl::string_view value) {
  return values.empty() || std::find(values.begin(), values.end(), value) != values.end();
}

std::string DefaultMessage(const FilterRow& row) {
  const bool flag = row.kind == FilterKind::kBool || row.kind == FilterKind::kPositive ||
                    row.kind == FilterKind::kOrder;
  return absl::StrCat("invalid ", absl::StrReplaceAll(row.param, {{"_", " "}}),
                      flag ? " param" : "");
}

const rapidjson::Value* At(const rapidjson::Value& event, absl::string_view pointer) {
  if (pointer.empty()) return nullptr;
  return rapidjson::Pointer(fpgw::JsonChars(pointer), pointer.size()).Get(event);
}

// The values at the row's pointers that the event carries.
std::vector<const rapidjson::Value*> ValuesAt(const rapidjson::Value& event, const FilterRow& row) {
  std::vector<const rapidjson::Value*> found;
  for (absl::string_view pointer : {row.pointer, row.other_pointer}) {
    if (const rapidjson::Value* value = At(event, pointer)) found.push_back(value);
  }
  return found;
}

absl::string_view StringOf(const rapidjson::Value& value) {
  return value.IsString() ? absl::string_view(value.GetString(), value.GetStringLength())
                          : absl::string_view();
}

}  // namespace

QueryParams ParseQuery(absl::string_view query_string) {
  QueryParams params;
  for (absl::string_view part : absl::StrSplit(query_string, '&', absl::SkipEmpty())) {
    const size_t equals = part.find('=');
    const absl::string_view raw_name = part.substr(0, equals);
    const absl::string_view raw_value =
        equals == absl::string_view::npos ? absl::string_view() : part.substr(equals + 1);
    auto decode = [](absl::string_view raw) {
      std::string out(raw.size() + 1, '\0');
      const int n = mg_url_decode(raw.data(), static_cast<int>(raw.size()), out.data(),
                                  static_cast<int>(out.size()), /*is_form_url_encoded=*/1);
      out.resize(n < 0 ? 0 : static_cast<size_t>(n));
      return out;
    };
    params.push_back({decode(raw_name), decode(raw_value)});
  }
  return params;
}

std::optional<std::string> FirstParam(const QueryParams& params, absl::string_view name) {
  for (const QueryParam& param : params) {
    if (param.name == name) return param.value;
  }
  return std::nullopt;
}

std::optional<std::string> UnknownParameter(const QueryParams& params,
                                            absl::Span<const absl::string_view> known) {
  for (const QueryParam& param : params) {
    if (std::find(known.begin(), known.end(), param.name) == known.end()) {
      return absl::StrCat("unknown parameter ", param.name);
    }
  }
  return std::nullopt;
}

std::optional<std::string> EventFilters::Read(const QueryParams& params,
                                              absl::Span<const FilterRow> rows) {
  for (const FilterRow& row : rows) {
    Active active{&row, {}};
    for (const QueryParam& param : params) {
      if (param.name == row.param || (!row.alias.empty() && param.name == row.alias)) {
        active.values.push_back(param.value);
      }
    }
    if (active.values.empty()) continue;
    const std::string& value = active.values.front();
    const std::string message =
        row.message.empty() ? DefaultMessage(row) : std::string(row.message);
    switch (row.kind) {
      case FilterKind::kBool:
      case FilterKind::kPositive:
      case FilterKind::kOrder: {
        std::optional<bool> flag = ParseBool(value);
        if (!flag.has_value()) return message;
        active.flag = *flag;
        if (row.kind == FilterKind::kOrder) reverse_ = *flag;
        break;
      }
      case FilterKind::kEquals:
      case FilterKind::kBot:
      case FilterKind::kPresence:
        if (!Listed(row.values, value) || (row.max_length > 0 && value.size() > row.max_length)) {
          return message;
        }
        active.values.resize(1);
        break;
      case FilterKind::kAnyOf:
        for (const std::string& one : active.values) {
          if (!Listed(row.values, one)) return message;
        }
        break;
      case FilterKind::kIntEquals: {
        int number = 0;
        if (!absl::SimpleAtoi(value, &number) ||
            std::find(row.numbers.begin(), row.numbers.end(), number) == row.numbers.end()) {
          return message;
        }
        active.integer = number;
        break;
      }
      case FilterKind::kAtLeast:
        if (!absl::SimpleAtod(value, &active.number) || !std::isfinite(active.number)) {
          return message;
        }
        break;
      case FilterKind::kIpRange:
      case FilterKind::kCidr:
        if (!ParseIpRange(value, row.kind == FilterKind::kCidr).has_value()) return message;
        break;
      case FilterKind::kOrigin:
        if (OriginOf(value) != value || value.empty()) return message;
        break;
      case FilterKind::kVisitorId:
        if (!FingerprintV4Data::IsValidVisitorId(value)) return message;
        break;
      case FilterKind::kStart:
      case FilterKind::kEnd: {
        std::optional<int64_t> bound = ParseTimeBound(value, row.rfc3339);
        if (!bound.has_value()) return message;
        active.integer = *bound;
        break;
      }
    }
    active_.push_back(std::move(active));
  }
  return std::nullopt;
}

bool EventFilters::Matches(const rapidjson::Value& event) const {
  for (const Active& filter : active_) {
    const FilterRow& row = *filter.row;
    const std::vector<const rapidjson::Value*> found = ValuesAt(event, row);
    const absl::string_view wanted = filter.values.front();
    bool ok = false;
    switch (row.kind) {
      case FilterKind::kOrder:
        ok = true;
        break;
      case FilterKind::kPresence:
        ok = (wanted == "all") == !found.empty();
        break;
      case FilterKind::kBool: {
        bool any_bool = false;
        bool value = false;
        for (const rapidjson::Value* v : found) {
          if (!v->IsBool()) continue;
          any_bool = true;
          value = value || v->GetBool();
        }
        ok = any_bool && value == filter.flag;
        break;
      }
      case FilterKind::kPositive:
        ok = !found.empty() && found[0]->IsNumber() && (found[0]->GetDouble() > 0) == filter.flag;
        break;
      case FilterKind::kEquals:
      case FilterKind::kVisitorId:
        ok = std::any_of(found.begin(), found.end(),
                         [&](const rapidjson::Value* v) { return StringOf(*v) == wanted; }) &&
             !wanted.empty();
        break;
      case FilterKind::kAnyOf:
        ok = !found.empty() && found[0]->IsString() &&
             std::find(filter.values.begin(), filter.values.end(), StringOf(*found[0])) !=
                 filter.values.end();
        break;
      case FilterKind::kIntEquals:
        ok = !found.empty() && found[0]->IsInt64() && found[0]->GetInt64() == filter.integer;
        break;
      case FilterKind::kAtLeast:
        ok = !found.empty() && found[0]->IsNumber() && found[0]->GetDouble() >= filter.number;
        break;
      case FilterKind::kIpRange:
      case FilterKind::kCidr: {
        const std::optional<IpRange> range =
            ParseIpRange(filter.values.front(), row.kind == FilterKind::kCidr);
        ok = range.has_value() && !found.empty() &&
             Contains(*range, std::string(StringOf(*found[0])));
        break;
      }
      case FilterKind::kOrigin:
        ok = !found.empty() && OriginOf(StringOf(*found[0])) == wanted;
        break;
      case FilterKind::kBot: {
        if (found.empty() || !found[0]->IsString()) break;
        const absl::string_view result = StringOf(*found[0]);
        const bool none = result == "not_detected" || result == "notDetected";
        ok = wanted == "all" ? !none : wanted == "none" ? none : result == wanted;
        break;
      }
      case FilterKind::kStart:
      case FilterKind::kEnd:
        ok = !found.empty() && found[0]->IsInt64() &&
             (row.kind == FilterKind::kStart ? found[0]->GetInt64() >= filter.integer
                                             : found[0]->GetInt64() <= filter.integer);
        break;
    }
    if (!ok) return false;
  }
  return true;
}

std::string EventFilters::Canonical() const {
  std::string text;
  for (const Active& filter : active_) {
    absl::StrAppend(&text, filter.row->param, "=", absl::StrJoin(filter.values, "\x1f"), "&");
  }
  return text;
}

bool ReadMillisParam(const QueryParams& params, absl::string_view name,
                     std::optional<int64_t>* millis) {
  std::optional<std::string> text = FirstParam(params, name);
  if (!text.has_value()) return true;
  *millis = ParseTimeBound(*text, /*rfc3339=*/false);
  return millis->has_value();
}

std::optional<absl::string_view> VisitorIdProblem(absl::string_view visitor_id) {
  if (visitor_id.empty()) return "visitor id is required";
  if (!FingerprintV4Data::IsValidVisitorId(visitor_id)) return "invalid visitor id";
  return std::nullopt;
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

bool IsIpAddress(const std::string& address, int family) {
  std::array<unsigned char, 16> bytes{};
  return inet_pton(family == 4 ? AF_INET : AF_INET6, address.c_str(), bytes.data()) == 1;
}

}  // namespace fpgw::sandbox
