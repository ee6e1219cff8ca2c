// Token validation.
#include "server/request_checks.h"

#include <arpa/inet.h>

#include <cmath>
#include <string>

#include "absl/strings/ascii.h"
#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "common/error.h"

namespace fpgw::server {

absl::Status CheckToken(absl::string_view field, absl::string_view value) {
  if (value.empty()) return InvalidField(field, "required");
  if (value.size() > kMaxTokenLength) {
    return InvalidField(field, absl::StrCat("longer than ", kMaxTokenLength, " characters"));
  }
  if (value == "." || value == "..") return InvalidField(field, "not a valid token");
  for (char c : value) {
    const auto u = static_cast<unsigned char>(c);
    if (u < 0x21 || u > 0x7E) {
      return InvalidField(field, "may hold only printable ASCII characters without spaces");
    }
    if (c == '/' || c == '?' || c == '#' || c == '%' || c == '\\') {
      return InvalidField(field, "may not contain / ? # % or \\");
    }
  }
  return absl::OkStatus();
}

absl::Status CheckText(absl::string_view field, absl::string_view value, size_t max_length) {
  if (value.size() > max_length) {
    return InvalidField(field, absl::StrCat("longer than ", max_length, " characters"));
  }
  for (char c : value) {
    const auto u = static_cast<unsigned char>(c);
    if (u < 0x20 || u == 0x7F) return InvalidField(field, "may not contain control characters");
  }
  return absl::OkStatus();
}

absl::Status CheckTextFields(absl::string_view prefix, const google::protobuf::Message& message) {
  const google::protobuf::Descriptor* desc = message.GetDescriptor();
  const google::protobuf::Reflection* refl = message.GetReflection();
  for (int i = 0; i < desc->field_count(); ++i) {
    const google::protobuf::FieldDescriptor* field = desc->field(i);
    if (field->cpp_type() != google::protobuf::FieldDescriptor::CPPTYPE_STRING) continue;
    const std::string name = absl::StrCat(prefix, ".", field->name());
    if (field->is_repeated()) {
      for (int j = 0; j < refl->FieldSize(message, field); ++j) {
        if (absl::Status s = CheckText(name, refl->GetRepeatedString(message, field, j)); !s.ok()) {
          return s;
        }
      }
    } else if (absl::Status s = CheckText(name, refl->GetString(message, field)); !s.ok()) {
      return s;
    }
  }
  return absl::OkStatus();
}

namespace {
bool AllFinite(const google::protobuf::Value& value, int depth) {
  if (depth > 64) return false;
  switch (value.kind_case()) {
    case google::protobuf::Value::kNumberValue:
      return std::isfinite(value.number_value());
    case google::protobuf::Value::kStructValue:
      for (const auto& [key, item] : value.struct_value().fields()) {
        if (!AllFinite(item, depth + 1)) return false;
      }
      return true;
    case google::protobuf::Value::kListValue:
      for (const auto& item : value.list_value().values()) {
        if (!AllFinite(item, depth + 1)) return false;
      }
      return true;
    default:
      return true;
  }
}
}  // namespace

absl::Status CheckFiniteNumbers(absl::string_view field, const google::protobuf::Struct& value) {
  for (const auto& [key, item] : value.fields()) {
    if (!AllFinite(item, 0))
      return InvalidField(field, "numbers must be finite (and nesting shallow)");
  }
  return absl::OkStatus();
}

absl::Status CheckSealedResult(absl::string_view value) {
  if (value.empty()) return InvalidField("sealed_result", "required");
  if (value.size() > kMaxSealedResultLength) {
    return InvalidField("sealed_result",
                        absl::StrCat("longer than ", kMaxSealedResultLength, " characters"));
  }
  return absl::OkStatus();
}

namespace {

// An HTTP token (RFC 9110 `tchar`s): header names and methods.
bool IsHttpToken(absl::string_view text) {
  if (text.empty()) return false;
  for (char c : text) {
    if (!absl::ascii_isalnum(static_cast<unsigned char>(c)) &&
        absl::string_view("!#$%&'*+-.^_`|~").find(c) == absl::string_view::npos) {
      return false;
    }
  }
  return true;
}

bool IsAddress(int family, const std::string& text) {
  unsigned char buf[16];
  return inet_pton(family, text.c_str(), buf) == 1;
}

}  // namespace

absl::Status CheckHttpRequest(const fpgw::v1::EvaluateHttpRequestRequest& request) {
  if (request.headers().empty()) return InvalidField("headers", "at least one header is required");
  if (request.headers_size() > kMaxHttpHeaders) {
    return InvalidField("headers", absl::StrCat("more than ", kMaxHttpHeaders, " headers"));
  }
  for (int i = 0; i < request.headers_size(); ++i) {
    const fpgw::v1::HttpHeader& header = request.headers(i);
    if (header.name().size() > kMaxHttpHeaderName || !IsHttpToken(header.name())) {
      return InvalidField(absl::StrCat("headers[", i, "].name"),
                          "must be an HTTP header name (letters, digits and !#$%&'*+-.^_`|~)");
    }
    if (absl::Status s =
            CheckText(absl::StrCat("headers[", i, "].value"), header.value(), kMaxHttpHeaderValue);
        !s.ok()) {
      return s;
    }
  }
  if (request.method().size() > 32 || !IsHttpToken(request.method())) {
    return InvalidField("method", "required: an HTTP method such as GET");
  }
  if (request.url().empty()) return InvalidField("url", "required");
  if (absl::Status s = CheckText("url", request.url(), kMaxHttpUrl); !s.ok()) return s;
  const std::string scheme = absl::AsciiStrToLower(request.url().substr(0, 8));
  if (!absl::StartsWith(scheme, "http://") && !absl::StartsWith(scheme, "https://")) {
    return InvalidField("url", "must be an absolute http or https URL");
  }
  if (request.ipv4_address().empty() && request.ipv6_address().empty()) {
    return InvalidField("ipv4_address", "at least one of ipv4_address or ipv6_address is required");
  }
  if (!request.ipv4_address().empty() && !IsAddress(AF_INET, request.ipv4_address())) {
    return InvalidField("ipv4_address", "not an IPv4 address");
  }
  if (!request.ipv6_address().empty() && !IsAddress(AF_INET6, request.ipv6_address())) {
    return InvalidField("ipv6_address", "not an IPv6 address");
  }
  return absl::OkStatus();
}

}  // namespace fpgw::server
