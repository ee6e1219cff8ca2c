// A throw-away public key infrastructure for the vendor sandbox: one self-signed CA and one server
// certificate for the loopback names (DNS:localhost, IP:127.0.0.1, IP:::1), generated in-process
// with OpenSSL so that tests can run TLS with peer and host verification switched on.
//
// The keys are EC P-256, created fresh on every call, valid from one hour ago for about one year.
// They are test material only: nothing here is suitable for a production deployment.
#ifndef FPGW_SANDBOX_TEST_PKI_H_
#define FPGW_SANDBOX_TEST_PKI_H_

#include <string>

#include "absl/status/statusor.h"

namespace fpgw::sandbox {

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
