// Page-token signing with OpenSSL HMAC-SHA256 and base64url from Abseil.
#include "server/page_token.h"

#include <openssl/crypto.h>
#include <openssl/evp.h>
#include <openssl/hmac.h>
#include <openssl/rand.h>
#include <openssl/sha.h>

#include <memory>

#include "absl/strings/escaping.h"
#include "absl/time/clock.h"
#include "common/error.h"
#include "fpgw/internal/v1/page_token.pb.h"
#include "google/protobuf/io/coded_stream.h"
#include "google/protobuf/io/zero_copy_stream_impl_lite.h"

namespace fpgw::server {
namespace {

constexpr size_t kMacBytes = 32;
constexpr size_t kMaxTokenBytes = 4096;

absl::Status BadToken(absl::string_view why) {
  return MakeError(absl::StatusCode::kInvalidArgument, fpgw::v1::ERROR_REASON_INVALID_PAGE_TOKEN,
                   absl::StrCat("page_token: ", why), {{"field", "page_token"}});
}

}  // namespace

std::string RequestDigest(const google::protobuf::Message& request) {
  std::unique_ptr<google::protobuf::Message> copy(request.New());
  copy->CopyFrom(request);
  const google::protobuf::Descriptor* desc = copy->GetDescriptor();
  for (const char* name : {"page_token", "page_size"}) {
    if (const auto* field = desc->FindFieldByName(name))
      copy->GetReflection()->ClearField(copy.get(), field);
  }
  std::string bytes;
  {
    google::protobuf::io::StringOutputStream stream(&bytes);
    google::protobuf::io::CodedOutputStream out(&stream);
    out.SetSerializationDeterministic(true);
    copy->SerializeToCodedStream(&out);
  }
  unsigned char digest[SHA256_DIGEST_LENGTH];
  SHA256(reinterpret_cast<const unsigned char*>(bytes.data()), bytes.size(), digest);
  return std::string(reinterpret_cast<const char*>(digest), sizeof(digest));
}

PageTokenCodec PageTokenCodec::WithRandomKey() {
  std::string key(32, '\0');
  RAND_bytes(reinterpret_cast<unsigned char*>(key.data()), static_cast<int>(key.size()));
  return PageTokenCodec(credentials::Secret(std::move(key)));
}

std::string PageTokenCodec::Sign(absl::string_view payload) const {
  unsigned char mac[EVP_MAX_MD_SIZE];
  unsigned int mac_len = 0;
  const absl::string_view key = key_.RevealForWire();
  HMAC(EVP_sha256(), key.data(), static_cast<int>(key.size()),
       reinterpret_cast<const unsigned char*>(payload.data()), payload.size(), mac, &mac_len);
  return std::string(reinterpret_cast<const char*>(mac), mac_len);
}

std::string PageTokenCodec::Issue(absl::string_view tenant, absl::string_view method,
                                  const google::protobuf::Message& request,
                                  absl::string_view vendor_cursor) const {
  fpgw::internal::v1::PageTokenPayload payload;
  payload.set_tenant(std::string(tenant));
  payload.set_method(std::string(method));
  payload.set_request_digest(RequestDigest(request));
  payload.set_vendor_cursor(std::string(vendor_cursor));
  payload.set_issue_time_seconds(absl::ToUnixSeconds(absl::Now()));
  std::string bytes = payload.SerializeAsString();
  bytes += Sign(bytes);
  return absl::WebSafeBase64Escape(bytes);
}

absl::StatusOr<std::string> PageTokenCodec::Open(absl::string_view token, absl::string_view tenant,
                                                 absl::string_view method,
                                                 const google::protobuf::Message& request) const {
  if (token.size() > kMaxTokenBytes) return BadToken("too long");
  std::string bytes;
  if (!absl::WebSafeBase64Unescape(token, &bytes) || bytes.size() <= kMacBytes) {
    return BadToken("not a token issued by fpgw");
  }
  const absl::string_view body(bytes.data(), bytes.size() - kMacBytes);
  const std::string expected = Sign(body);
  if (CRYPTO_memcmp(expected.data(), bytes.data() + body.size(), kMacBytes) != 0) {
    return BadToken("not a token issued by fpgw");
  }
  fpgw::internal::v1::PageTokenPayload payload;
  if (!payload.ParseFromArray(body.data(), static_cast<int>(body.size()))) {
    return BadToken("not a token issued by fpgw");
  }
  if (payload.tenant() != tenant || payload.method() != method) {
    return BadToken("issued for another caller or method");
  }
  if (payload.request_digest() != RequestDigest(request)) {
    return BadToken(
        "issued for a request with other fields; keep every field but page_token and page_size");
  }
  return payload.vendor_cursor();
}

}  // namespace fpgw::server
