#include "sandbox/test_pki.h"

#include <fcntl.h>
#include <openssl/bio.h>
#include <openssl/bn.h>
#include <openssl/err.h>
#include <openssl/evp.h>
#include <openssl/pem.h>
#include <openssl/x509.h>
#include <openssl/x509v3.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <memory>
#include <string>
#include <utility>

#include "absl/status/status.h"
#include "absl/strings/str_cat.h"
#include "common/status_macros.h"

namespace fpgw::sandbox {
namespace {

constexpr long kBackdateSeconds = 60 * 60;
constexpr long kValiditySeconds = 365L * 24 * 60 * 60;

struct EvpPkeyDeleter {
  void operator()(EVP_PKEY* p) const { EVP_PKEY_free(p); }
};
struct X509Deleter {
  void operator()(X509* p) const { X509_free(p); }
};
struct X509NameDeleter {
  void operator()(X509_NAME* p) const { X509_NAME_free(p); }
};
struct X509ExtensionDeleter {
  void operator()(X509_EXTENSION* p) const { X509_EXTENSION_free(p); }
};
struct BioDeleter {
  void operator()(BIO* p) const { BIO_free(p); }
};
struct BignumDeleter {
  void operator()(BIGNUM* p) const { BN_free(p); }
};
struct Asn1IntegerDeleter {
  void operator()(ASN1_INTEGER* p) const { ASN1_INTEGER_free(p); }
};

using EvpPkeyPtr = std::unique_ptr<EVP_PKEY, EvpPkeyDeleter>;
using X509Ptr = std::unique_ptr<X509, X509Deleter>;
using X509NamePtr = std::unique_ptr<X509_NAME, X509NameDeleter>;
using X509ExtensionPtr = std::unique_ptr<X509_EXTENSION, X509ExtensionDeleter>;
using BioPtr = std::unique_ptr<BIO, BioDeleter>;
using BignumPtr = std::unique_ptr<BIGNUM, BignumDeleter>;
using Asn1IntegerPtr = std::unique_ptr<ASN1_INTEGER, Asn1IntegerDeleter>;

// INTERNAL status naming `step`, with OpenSSL's queued reason; clears the error queue.
absl::Status OpenSslError(absl::string_view step) {
  unsigned long code = ERR_get_error();
  char reason[256] = "unknown error";
  if (code != 0) ERR_error_string_n(code, reason, sizeof(reason));
  ERR_clear_error();
  return absl::InternalError(absl::StrCat("test PKI: ", step, " failed: ", reason));
}

absl::StatusOr<EvpPkeyPtr> NewP256Key() {
  EvpPkeyPtr key(EVP_EC_gen("P-256"));
  if (key == nullptr) return OpenSslError("EC P-256 key generation");
  return key;
}

absl::Status AddExtension(X509* cert, X509* issuer, int nid, const char* value) {
  X509V3_CTX ctx;
  X509V3_set_ctx_nodb(&ctx);
  X509V3_set_ctx(&ctx, issuer, cert, nullptr, nullptr, 0);
  X509ExtensionPtr ext(X509V3_EXT_conf_nid(nullptr, &ctx, nid, value));
  if (ext == nullptr) return OpenSslError(absl::StrCat("extension ", OBJ_nid2sn(nid)));
  if (X509_add_ext(cert, ext.get(), -1) != 1) return OpenSslError("X509_add_ext");
  return absl::OkStatus();
}

// A certificate for `subject_key` named `common_name`, not yet signed and without extensions.
absl::StatusOr<X509Ptr> NewCertificate(EVP_PKEY* subject_key, const std::string& common_name,
                                       X509_NAME* issuer_name) {
  X509Ptr cert(X509_new());
  if (cert == nullptr) return OpenSslError("X509_new");
  if (X509_set_version(cert.get(), X509_VERSION_3) != 1) return OpenSslError("X509_set_version");

  BignumPtr serial(BN_new());
  if (serial == nullptr || BN_rand(serial.get(), 127, BN_RAND_TOP_ANY, BN_RAND_BOTTOM_ANY) != 1) {
    return OpenSslError("serial number");
  }
  Asn1IntegerPtr asn1_serial(BN_to_ASN1_INTEGER(serial.get(), nullptr));
  if (asn1_serial == nullptr || X509_set_serialNumber(cert.get(), asn1_serial.get()) != 1) {
    return OpenSslError("X509_set_serialNumber");
  }
  if (X509_gmtime_adj(X509_getm_notBefore(cert.get()), -kBackdateSeconds) == nullptr ||
      X509_gmtime_adj(X509_getm_notAfter(cert.get()), kValiditySeconds) == nullptr) {
    return OpenSslError("validity");
  }

  X509NamePtr name(X509_NAME_new());
  if (name == nullptr ||
      X509_NAME_add_entry_by_txt(name.get(), "O", MBSTRING_ASC,
                                 reinterpret_cast<const unsigned char*>("fpgw sandbox"), -1, -1,
                                 0) != 1 ||
      X509_NAME_add_entry_by_txt(name.get(), "CN", MBSTRING_ASC,
                                 reinterpret_cast<const unsigned char*>(common_name.c_str()), -1,
                                 -1, 0) != 1) {
    return OpenSslError("subject name");
  }
  if (X509_set_subject_name(cert.get(), name.get()) != 1) return OpenSslError("subject");
  if (X509_set_issuer_name(cert.get(), issuer_name != nullptr ? issuer_name : name.get()) != 1) {
    return OpenSslError("issuer");
  }
  if (X509_set_pubkey(cert.get(), subject_key) != 1) return OpenSslError("X509_set_pubkey");
  return cert;
}

absl::StatusOr<std::string> ToPem(X509* cert, EVP_PKEY* key) {
  BioPtr bio(BIO_new(BIO_s_mem()));
  if (bio == nullptr) return OpenSslError("BIO_new");
  if (cert != nullptr && PEM_write_bio_X509(bio.get(), cert) != 1) {
    return OpenSslError("PEM_write_bio_X509");
  }
  if (key != nullptr &&
      PEM_write_bio_PrivateKey(bio.get(), key, nullptr, nullptr, 0, nullptr, nullptr) != 1) {
    return OpenSslError("PEM_write_bio_PrivateKey");
  }
  char* data = nullptr;
  long size = BIO_get_mem_data(bio.get(), &data);
  if (size <= 0 || data == nullptr) return OpenSslError("BIO_get_mem_data");
  return std::string(data, static_cast<size_t>(size));
}

// Writes `contents` to `path` with `mode` (applied on creation; an existing file is replaced by
// unlinking it first so that its old mode does not survive).
absl::Status WriteFile(const std::string& path, const std::string& contents, mode_t mode) {
  ::unlink(path.c_str());
  int fd = ::open(path.c_str(), O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, mode);
  if (fd < 0) {
    return absl::UnavailableError(
        absl::StrCat("test PKI: cannot create ", path, ": ", std::strerror(errno)));
  }
  size_t written = 0;
  while (written < contents.size()) {
    ssize_t n = ::write(fd, contents.data() + written, contents.size() - written);
    if (n < 0) {
      if (errno == EINTR) continue;
      int saved = errno;
      ::close(fd);
      return absl::UnavailableError(
          absl::StrCat("test PKI: cannot write ", path, ": ", std::strerror(saved)));
    }
    written += static_cast<size_t>(n);
  }
  if (::close(fd) != 0) {
    return absl::UnavailableError(
        absl::StrCat("test PKI: cannot close ", path, ": ", std::strerror(errno)));
  }
  return absl::OkStatus();
}

}  // namespace

struct TestCa::Keys {
  EvpPkeyPtr key;
  X509Ptr cert;
};

TestCa::TestCa() = default;
TestCa::TestCa(TestCa&&) noexcept = default;
TestCa& TestCa::operator=(TestCa&&) noexcept = default;
TestCa::~TestCa() = default;

absl::StatusOr<TestCa> TestCa::Create(const std::string& name) {
  TestCa ca;
  ca.keys_ = std::make_unique<Keys>();
  FPGW_ASSIGN_OR_RETURN(ca.keys_->key, NewP256Key());
  FPGW_ASSIGN_OR_RETURN(ca.keys_->cert, NewCertificate(ca.keys_->key.get(), name, nullptr));
  X509* cert = ca.keys_->cert.get();
  FPGW_RETURN_IF_ERROR(
      AddExtension(cert, cert, NID_basic_constraints, "critical,CA:TRUE,pathlen:0"));
  FPGW_RETURN_IF_ERROR(AddExtension(cert, cert, NID_key_usage, "critical,keyCertSign,cRLSign"));
  FPGW_RETURN_IF_ERROR(AddExtension(cert, cert, NID_subject_key_identifier, "hash"));
  FPGW_RETURN_IF_ERROR(AddExtension(cert, cert, NID_authority_key_identifier, "keyid:always"));
  if (X509_sign(cert, ca.keys_->key.get(), EVP_sha256()) == 0) return OpenSslError("CA signature");
  FPGW_ASSIGN_OR_RETURN(ca.cert_pem_, ToPem(cert, nullptr));
  return ca;
}

absl::StatusOr<TestCa::Leaf> TestCa::Issue(const std::string& common_name,
                                           const std::string& subject_alt_names,
                                           Usage usage) const {
  FPGW_ASSIGN_OR_RETURN(EvpPkeyPtr key, NewP256Key());
  X509* ca = keys_->cert.get();
  FPGW_ASSIGN_OR_RETURN(X509Ptr cert,
                        NewCertificate(key.get(), common_name, X509_get_subject_name(ca)));
  FPGW_RETURN_IF_ERROR(AddExtension(cert.get(), ca, NID_basic_constraints, "critical,CA:FALSE"));
  FPGW_RETURN_IF_ERROR(AddExtension(cert.get(), ca, NID_key_usage, "critical,digitalSignature"));
  FPGW_RETURN_IF_ERROR(AddExtension(cert.get(), ca, NID_ext_key_usage,
                                    usage == Usage::kServer ? "serverAuth" : "clientAuth"));
  if (!subject_alt_names.empty()) {
    FPGW_RETURN_IF_ERROR(
        AddExtension(cert.get(), ca, NID_subject_alt_name, subject_alt_names.c_str()));
  }
  FPGW_RETURN_IF_ERROR(AddExtension(cert.get(), ca, NID_subject_key_identifier, "hash"));
  FPGW_RETURN_IF_ERROR(AddExtension(cert.get(), ca, NID_authority_key_identifier, "keyid:always"));
  if (X509_sign(cert.get(), keys_->key.get(), EVP_sha256()) == 0) {
    return OpenSslError("certificate signature");
  }
  Leaf leaf;
  FPGW_ASSIGN_OR_RETURN(leaf.cert_pem, ToPem(cert.get(), nullptr));
  FPGW_ASSIGN_OR_RETURN(leaf.key_pem, ToPem(nullptr, key.get()));
  return leaf;
}

absl::Status WritePemFile(const std::string& path, const std::string& pem, bool private_key) {
  return WriteFile(path, pem, private_key ? 0600 : 0644);
}

absl::StatusOr<TestPki> GenerateTestPki(const std::string& dir) {
  FPGW_ASSIGN_OR_RETURN(TestCa ca, TestCa::Create("fpgw sandbox test CA"));
  FPGW_ASSIGN_OR_RETURN(
      TestCa::Leaf server,
      ca.Issue("localhost", "DNS:localhost,IP:127.0.0.1,IP:::1", TestCa::Usage::kServer));
  TestPki pki;
  pki.ca_cert_path = dir + "/ca.pem";
  pki.server_cert_and_key_path = dir + "/server.pem";
  FPGW_RETURN_IF_ERROR(WriteFile(pki.ca_cert_path, ca.cert_pem(), 0644));
  FPGW_RETURN_IF_ERROR(
      WriteFile(pki.server_cert_and_key_path, server.cert_pem + server.key_pem, 0600));
  return pki;
}

}  // namespace fpgw::sandbox
