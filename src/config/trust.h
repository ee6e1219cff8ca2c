// The trust part of the config: listeners and how their callers authenticate, the callers and
// what each may do, and the page-token keys. Validated by the same code whether the values come
// from the file or from an override (--listen, FPGW_LISTEN), so an override cannot open what the
// file keeps closed.
#ifndef FPGW_CONFIG_TRUST_H_
#define FPGW_CONFIG_TRUST_H_

#include <string>
#include <vector>

#include "absl/strings/string_view.h"
#include "config/config_loader.h"
#include "fpgw/config/v1/config.pb.h"

namespace fpgw::config {

// True for "unix:/path".
bool IsUnixAddress(absl::string_view address);

// True for a Unix socket or a loopback TCP address (127.0.0.0/8, [::1], localhost): only
// processes on this host can connect.
bool IsLocalAddress(absl::string_view address);

// Checks `server.listeners`, `server.callers`, `server.tenant_header` and `server.page_tokens`
// against each other and the tenants, filling defaults; moves the deprecated `server.listen` and
// `server.page_token_key` into their replacements first. Appends every problem with its path.
void ValidateTrust(fpgw::config::v1::Config* config, std::vector<ConfigProblem>* problems);

// Replaces the listening address: the first listener keeps its authentication and TLS and gets
// `address`; the others are dropped. For --listen and FPGW_LISTEN, applied before validation.
void OverrideListenAddress(const std::string& address, fpgw::config::v1::Config* config);

}  // namespace fpgw::config

#endif  // FPGW_CONFIG_TRUST_H_
