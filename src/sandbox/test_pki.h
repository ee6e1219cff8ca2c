// A throw-away public key infrastructure for the vendor sandbox and the tests: self-signed CAs that
// issue server certificates (the sandbox's, for the loopback names DNS:localhost, IP:127.0.0.1,
// IP:::1) and client certificates (the SPIFFE or DNS identities of fpgw's callers in the security
// tests), generated in-process with OpenSSL so that TLS runs with every verification switched on.
//
// The keys are EC P-256, created fresh on every call, valid from one hour ago for about one year.
// They are test material only: nothing here is suitable for a production deployment.
#ifndef FPGW_SANDBOX_TEST_PKI_H_
#define FPGW_SANDBOX_TEST_PKI_H_

#include <memory>
#include <string>

#include "absl/status/status.h"
#include "absl/status/statusor.h"

namespace fpgw::sandbox {

// A CA that issues leaf certificates. Movable.
class TestCa {
 public:
  enum class Usage { kServer, kClient };
  // A leaf certificate and its private key, PEM.
  struct Leaf {
    std::string cert_pem;
    std::string key_pem;
  };

  // A new self-signed CA named `name`. INTERNAL naming the failing OpenSSL step.
  static absl::StatusOr<TestCa> Create(const std::string& name);

  TestCa(TestCa&&) noexcept;
  TestCa& operator=(TestCa&&) noexcept;
  ~TestCa();

  // PEM of the CA certificate.
  const std::string& cert_pem() const { return cert_pem_; }

  // A certificate for `common_name` with the subjectAltName `subject_alt_names` in OpenSSL's
  // notation ("DNS:localhost,IP:127.0.0.1", "URI:spiffe://example.org/ns/a/sa/b"; empty: none),
  // for a server or a client.
  absl::StatusOr<Leaf> Issue(const std::string& common_name, const std::string& subject_alt_names,
                             Usage usage) const;

 private:
  struct Keys;
  TestCa();
  std::unique_ptr<Keys> keys_;
  std::string cert_pem_;
};

// Writes a PEM file, mode 0600 for a private key and 0644 otherwise. UNAVAILABLE when it cannot.
absl::Status WritePemFile(const std::string& path, const std::string& pem, bool private_key);

// Paths of the files written by GenerateTestPki().
struct TestPki {
  // PEM of the CA certificate; what a client passes as its CA bundle (curl's CAINFO).
  std::string ca_cert_path;
  // PEM of the server certificate followed by its private key (civetweb's ssl_certificate).
  std::string server_cert_and_key_path;
};

// Generates a CA and a server certificate signed by it, and writes `ca.pem` and `server.pem` into
// `dir`, which must exist. Existing files of those names are replaced. The private key file is
// created with mode 0600.
//
// Errors: INTERNAL when OpenSSL fails (the reason names the failing step), UNAVAILABLE when a file
// cannot be written.
absl::StatusOr<TestPki> GenerateTestPki(const std::string& dir);

}  // namespace fpgw::sandbox

#endif  // FPGW_SANDBOX_TEST_PKI_H_
