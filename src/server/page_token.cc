// Page tokens sealed with OpenSSL AES-256-GCM, encoded with Abseil's base64url.
#include "server/page_token.h"

#include <openssl/evp.h>
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

constexpr int kNonceBytes = 12;
constexpr int kTagBytes = 16;
constexpr size_t kMaxTokenBytes = 4096;

struct CipherCtxFree {
  void operator()(EVP_CIPHER_CTX* ctx) const { EVP_CIPHER_CTX_free(ctx); }
};
using CipherCtx = std::unique_ptr<EVP_CIPHER_CTX, CipherCtxFree>;

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

absl::StatusOr<PageTokenCodec> PageTokenCodec::WithRandomKey() {
  std::string key(32, '\0');
  if (RAND_bytes(reinterpret_cast<unsigned char*>(key.data()), static_cast<int>(key.size())) != 1) {
    return absl::InternalError("no randomness available for the page-token key");
  }
  return PageTokenCodec(credentials::Secret(std::move(key)));
}

PageTokenCodec::PageTokenCodec(credentials::Secret key) {
  // Derive a fixed-size AES-256 key from whatever the operator configured.
  const absl::string_view raw = key.RevealForWire();
  std::string derived(SHA256_DIGEST_LENGTH, '\0');
  SHA256(reinterpret_cast<const unsigned char*>(raw.data()), raw.size(),
         reinterpret_cast<unsigned char*>(derived.data()));
  key_ = credentials::Secret(std::move(derived));
}

absl::StatusOr<std::string> PageTokenCodec::Issue(absl::string_view tenant,
                                                  absl::string_view method,
                                                  const google::protobuf::Message& request,
                                                  absl::string_view vendor_cursor) const {
  fpgw::internal::v1::PageTokenPayload payload;
  payload.set_tenant(std::string(tenant));
  payload.set_method(std::string(method));
  payload.set_request_digest(RequestDigest(request));
  payload.set_vendor_cursor(std::string(vendor_cursor));
  payload.set_issue_time_seconds(absl::ToUnixSeconds(absl::Now()));
  const std::string plain = payload.SerializeAsString();

  // nonce ‖ ciphertext ‖ tag, AES-256-GCM: the cursor stays opaque and any edit is detected.
  std::string out(kNonceBytes + plain.size() + kTagBytes, '\0');
  auto* bytes = reinterpret_cast<unsigned char*>(out.data());
  CipherCtx ctx(EVP_CIPHER_CTX_new());
  int len = 0;
  int final_len = 0;
  const auto* key = reinterpret_cast<const unsigned char*>(key_.RevealForWire().data());
  const bool ok = ctx != nullptr && RAND_bytes(bytes, kNonceBytes) == 1 &&
                  EVP_EncryptInit_ex(ctx.get(), EVP_aes_256_gcm(), nullptr, key, bytes) == 1 &&
                  EVP_EncryptUpdate(ctx.get(), bytes + kNonceBytes, &len,
                                    reinterpret_cast<const unsigned char*>(plain.data()),
                                    static_cast<int>(plain.size())) == 1 &&
                  EVP_EncryptFinal_ex(ctx.get(), bytes + kNonceBytes + len, &final_len) == 1 &&
                  EVP_CIPHER_CTX_ctrl(ctx.get(), EVP_CTRL_GCM_GET_TAG, kTagBytes,
                                      bytes + kNonceBytes + plain.size()) == 1;
  if (!ok) {
    return MakeError(absl::StatusCode::kInternal, fpgw::v1::ERROR_REASON_INTERNAL,
                     "the next page token could not be sealed");
  }
  return absl::WebSafeBase64Escape(out);
}

absl::StatusOr<std::string> PageTokenCodec::Open(absl::string_view token, absl::string_view tenant,
                                                 absl::string_view method,
                                                 const google::protobuf::Message& request) const {
  if (token.size() > kMaxTokenBytes) return BadToken("too long");
  std::string bytes;
  if (!absl::WebSafeBase64Unescape(token, &bytes) || bytes.size() < kNonceBytes + kTagBytes) {
    return BadToken("not a token issued by fpgw");
  }
  auto* data = reinterpret_cast<unsigned char*>(bytes.data());
  const size_t cipher_len = bytes.size() - kNonceBytes - kTagBytes;
  std::string plain(cipher_len, '\0');
  CipherCtx ctx(EVP_CIPHER_CTX_new());
  int len = 0;
  const auto* key = reinterpret_cast<const unsigned char*>(key_.RevealForWire().data());
  bool ok = EVP_DecryptInit_ex(ctx.get(), EVP_aes_256_gcm(), nullptr, key, data) == 1 &&
            EVP_DecryptUpdate(ctx.get(), reinterpret_cast<unsigned char*>(plain.data()), &len,
                              data + kNonceBytes, static_cast<int>(cipher_len)) == 1 &&
            EVP_CIPHER_CTX_ctrl(ctx.get(), EVP_CTRL_GCM_SET_TAG, kTagBytes,
                                data + kNonceBytes + cipher_len) == 1 &&
            EVP_DecryptFinal_ex(ctx.get(), reinterpret_cast<unsigned char*>(plain.data()) + len,
                                &len) == 1;
  fpgw::internal::v1::PageTokenPayload payload;
  if (!ok || !payload.ParseFromString(plain)) return BadToken("not a token issued by fpgw");
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
