// Page tokens sealed with OpenSSL AES-256-GCM under HKDF-derived keys, encoded with Abseil's
// base64url.
#include "server/page_token.h"

#include <openssl/evp.h>
#include <openssl/kdf.h>
#include <openssl/rand.h>
#include <openssl/sha.h>

#include <memory>

#include "absl/strings/escaping.h"
#include "absl/time/clock.h"
#include "common/error.h"
#include "common/wipe.h"
#include "fpgw/internal/v1/page_token.pb.h"
#include "google/protobuf/io/coded_stream.h"
#include "google/protobuf/io/zero_copy_stream_impl_lite.h"

namespace fpgw::server {
namespace {

constexpr unsigned char kVersion = 1;
constexpr int kNonceBytes = 12;
constexpr int kTagBytes = 16;
constexpr size_t kKeyBytes = 32;
constexpr size_t kMaxTokenBytes = 4096;
// What the AES key is for: a key configured for page tokens yields no other key.
constexpr absl::string_view kLabel = "fpgw page token v1";
// Replicas' clocks may disagree by this much.
constexpr absl::Duration kClockSkew = absl::Minutes(5);

struct CipherCtxFree {
  void operator()(EVP_CIPHER_CTX* ctx) const { EVP_CIPHER_CTX_free(ctx); }
};
using CipherCtx = std::unique_ptr<EVP_CIPHER_CTX, CipherCtxFree>;

struct PkeyCtxFree {
  void operator()(EVP_PKEY_CTX* ctx) const { EVP_PKEY_CTX_free(ctx); }
};

// version ‖ key-id length ‖ key id.
std::string Header(absl::string_view key_id) {
  std::string header;
  header.push_back(static_cast<char>(kVersion));
  header.push_back(static_cast<char>(key_id.size()));
  header.append(key_id.data(), key_id.size());
  return header;
}

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

absl::StatusOr<credentials::Secret> DeriveKey(const credentials::Secret& key,
                                              absl::string_view label, size_t length) {
  std::string out(length, '\0');
  size_t out_length = length;
  const absl::string_view ikm = key.RevealForWire();
  std::unique_ptr<EVP_PKEY_CTX, PkeyCtxFree> ctx(EVP_PKEY_CTX_new_id(EVP_PKEY_HKDF, nullptr));
  const bool ok =
      ctx != nullptr && EVP_PKEY_derive_init(ctx.get()) == 1 &&
      EVP_PKEY_CTX_set_hkdf_md(ctx.get(), EVP_sha256()) == 1 &&
      EVP_PKEY_CTX_set1_hkdf_key(ctx.get(), reinterpret_cast<const unsigned char*>(ikm.data()),
                                 static_cast<int>(ikm.size())) == 1 &&
      EVP_PKEY_CTX_add1_hkdf_info(ctx.get(), reinterpret_cast<const unsigned char*>(label.data()),
                                  static_cast<int>(label.size())) == 1 &&
      EVP_PKEY_derive(ctx.get(), reinterpret_cast<unsigned char*>(out.data()), &out_length) == 1 &&
      out_length == length;
  if (!ok) {
    WipeBuffer(out);
    return absl::InternalError("HKDF failed");
  }
  return credentials::Secret(std::move(out));
}

PageTokenCodec::PageTokenCodec(const credentials::SecretRegistry* secrets,
                               std::vector<PageTokenKeyRef> keys, absl::Duration lifetime)
    : secrets_(secrets), refs_(std::move(keys)), lifetime_(lifetime) {}

absl::StatusOr<std::unique_ptr<PageTokenCodec>> PageTokenCodec::WithKeys(
    std::vector<std::pair<std::string, credentials::Secret>> keys, absl::Duration lifetime) {
  if (keys.empty()) return absl::InvalidArgumentError("no page-token key");
  auto derived = std::make_shared<DerivedKeys>();
  for (auto& [id, key] : keys) {
    if (absl::Status status = CheckKey(key); !status.ok()) return status;
    absl::StatusOr<credentials::Secret> aes = DeriveKey(key, kLabel, kKeyBytes);
    if (!aes.ok()) return aes.status();
    derived->keys.emplace_back(id, *std::move(aes));
  }
  return std::unique_ptr<PageTokenCodec>(new PageTokenCodec(std::move(derived), lifetime));
}

absl::StatusOr<std::unique_ptr<PageTokenCodec>> PageTokenCodec::WithRandomKey(
    absl::Duration lifetime) {
  std::string key(32, '\0');
  if (RAND_bytes(reinterpret_cast<unsigned char*>(key.data()), static_cast<int>(key.size())) != 1) {
    return absl::InternalError("no randomness available for the page-token key");
  }
  std::vector<std::pair<std::string, credentials::Secret>> keys;
  keys.emplace_back("rnd", credentials::Secret(std::move(key)));
  return WithKeys(std::move(keys), lifetime);
}

absl::Status PageTokenCodec::CheckKey(const credentials::Secret& key) {
  if (key.RevealForWire().size() < 16) {
    return absl::InvalidArgumentError("a page-token key must hold at least 16 bytes");
  }
  return absl::OkStatus();
}

std::shared_ptr<const PageTokenCodec::DerivedKeys> PageTokenCodec::Keys() const {
  if (secrets_ == nullptr) {
    absl::MutexLock lock(&mu_);
    return derived_;
  }
  const uint64_t generation = secrets_->generation();
  absl::MutexLock lock(&mu_);
  if (derived_ != nullptr && derived_->generation == generation) return derived_;
  auto derived = std::make_shared<DerivedKeys>();
  derived->generation = generation;
  for (const PageTokenKeyRef& ref : refs_) {
    std::shared_ptr<const credentials::Secret> key = secrets_->Current(ref.reference);
    if (key == nullptr) continue;
    absl::StatusOr<credentials::Secret> aes = DeriveKey(*key, kLabel, kKeyBytes);
    if (aes.ok()) derived->keys.emplace_back(ref.id, *std::move(aes));
  }
  derived_ = derived;
  return derived_;
}

absl::StatusOr<std::string> PageTokenCodec::Issue(absl::string_view tenant,
                                                  absl::string_view method,
                                                  const google::protobuf::Message& request,
                                                  absl::string_view vendor_cursor,
                                                  absl::Time now) const {
  std::shared_ptr<const DerivedKeys> keys = Keys();
  if (keys == nullptr || keys->keys.empty()) {
    return MakeError(absl::StatusCode::kInternal, fpgw::v1::ERROR_REASON_INTERNAL,
                     "no key seals page tokens");
  }
  const auto& [key_id, aes_key] = keys->keys.front();
  fpgw::internal::v1::PageTokenPayload payload;
  payload.set_tenant(std::string(tenant));
  payload.set_method(std::string(method));
  payload.set_request_digest(RequestDigest(request));
  payload.set_vendor_cursor(std::string(vendor_cursor));
  payload.set_issue_time_seconds(absl::ToUnixSeconds(now));
  const std::string plain = payload.SerializeAsString();

  // header ‖ nonce ‖ ciphertext ‖ tag; the header is authenticated, so the key id cannot be
  // swapped.
  const std::string header = Header(key_id);
  std::string out = header;
  out.resize(header.size() + kNonceBytes + plain.size() + kTagBytes);
  auto* bytes = reinterpret_cast<unsigned char*>(out.data()) + header.size();
  CipherCtx ctx(EVP_CIPHER_CTX_new());
  int len = 0;
  int final_len = 0;
  const auto* key = reinterpret_cast<const unsigned char*>(aes_key.RevealForWire().data());
  const bool ok = ctx != nullptr && RAND_bytes(bytes, kNonceBytes) == 1 &&
                  EVP_EncryptInit_ex(ctx.get(), EVP_aes_256_gcm(), nullptr, key, bytes) == 1 &&
                  EVP_EncryptUpdate(ctx.get(), nullptr, &len,
                                    reinterpret_cast<const unsigned char*>(header.data()),
                                    static_cast<int>(header.size())) == 1 &&
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
                                                 const google::protobuf::Message& request,
                                                 absl::Time now) const {
  if (token.size() > kMaxTokenBytes) return BadToken("too long");
  std::string bytes;
  if (!absl::WebSafeBase64Unescape(token, &bytes) || bytes.size() < 2 ||
      static_cast<unsigned char>(bytes[0]) != kVersion) {
    return BadToken("not a token issued by fpgw");
  }
  const size_t id_length = static_cast<unsigned char>(bytes[1]);
  const size_t header_length = 2 + id_length;
  if (bytes.size() < header_length + kNonceBytes + kTagBytes) {
    return BadToken("not a token issued by fpgw");
  }
  const absl::string_view key_id = absl::string_view(bytes).substr(2, id_length);
  std::shared_ptr<const DerivedKeys> keys = Keys();
  const credentials::Secret* aes_key = nullptr;
  if (keys != nullptr) {
    for (const auto& [id, derived] : keys->keys) {
      if (id == key_id) aes_key = &derived;
    }
  }
  // Sealed by a key this replica does not hold: another replica's random key, or one rotated out.
  if (aes_key == nullptr) return BadToken("not sealed by a key of this fpgw; list again");
  auto* data = reinterpret_cast<unsigned char*>(bytes.data()) + header_length;
  const size_t cipher_len = bytes.size() - header_length - kNonceBytes - kTagBytes;
  std::string plain(cipher_len, '\0');
  CipherCtx ctx(EVP_CIPHER_CTX_new());
  int len = 0;
  const auto* key = reinterpret_cast<const unsigned char*>(aes_key->RevealForWire().data());
  bool ok =
      ctx != nullptr && EVP_DecryptInit_ex(ctx.get(), EVP_aes_256_gcm(), nullptr, key, data) == 1 &&
      EVP_DecryptUpdate(ctx.get(), nullptr, &len,
                        reinterpret_cast<const unsigned char*>(bytes.data()),
                        static_cast<int>(header_length)) == 1 &&
      EVP_DecryptUpdate(ctx.get(), reinterpret_cast<unsigned char*>(plain.data()), &len,
                        data + kNonceBytes, static_cast<int>(cipher_len)) == 1 &&
      EVP_CIPHER_CTX_ctrl(ctx.get(), EVP_CTRL_GCM_SET_TAG, kTagBytes,
                          data + kNonceBytes + cipher_len) == 1 &&
      EVP_DecryptFinal_ex(ctx.get(), reinterpret_cast<unsigned char*>(plain.data()) + len, &len) ==
          1;
  fpgw::internal::v1::PageTokenPayload payload;
  if (!ok || !payload.ParseFromString(plain)) return BadToken("not a token issued by fpgw");
  if (payload.tenant() != tenant || payload.method() != method) {
    return BadToken("issued for another caller or method");
  }
  if (payload.request_digest() != RequestDigest(request)) {
    return BadToken(
        "issued for a request with other fields; keep every field but page_token and page_size");
  }
  const absl::Time issued = absl::FromUnixSeconds(payload.issue_time_seconds());
  if (issued > now + kClockSkew) return BadToken("issued in the future");
  if (now - issued > lifetime_) return BadToken("expired; list again from the first page");
  return payload.vendor_cursor();
}

}  // namespace fpgw::server
