// Config rules in tests: parse a config, or just a tenant's integrations, with every vendor's rules
// (as the binary does), and read the problems' field paths, which is what a test asserts (the
// messages are prose).
#ifndef FPGW_TESTS_TESTING_CONFIG_PROBLEMS_H_
#define FPGW_TESTS_TESTING_CONFIG_PROBLEMS_H_

#include <string>
#include <vector>

#include "absl/strings/ascii.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_split.h"
#include "absl/strings/string_view.h"
#include "config/config_loader.h"
#include "fpgw/config/v1/config.pb.h"
#include "vendors/registry.h"

namespace fpgw::testing {

// The field path of each problem, in order.
inline std::vector<std::string> ProblemPaths(const std::vector<config::ConfigProblem>& problems) {
  std::vector<std::string> paths;
  paths.reserve(problems.size());
  for (const config::ConfigProblem& problem : problems) paths.push_back(problem.path);
  return paths;
}

// Parses a config of one tenant, "acme", whose integrations are `integrations`: YAML list items,
// one per line ("- {name: fp, vendor: fingerprint, ...}"), served on loopback to one local caller.
// Their paths are "tenants[0].integrations[i]...".
inline std::vector<config::ConfigProblem> ParseIntegrations(absl::string_view integrations,
                                                            fpgw::config::v1::Config* out) {
  std::string yaml =
      "server:\n"
      "  listeners: [{address: \"127.0.0.1:50051\", authentication: [local]}]\n"
      "  callers: [{name: app, tenant: acme, local: true}]\n"
      "tenants:\n  - name: acme\n    integrations:\n";
  for (absl::string_view line : absl::StrSplit(integrations, '\n', absl::SkipWhitespace())) {
    absl::StrAppend(&yaml, "      ", absl::StripLeadingAsciiWhitespace(line), "\n");
  }
  return vendors::ParseConfig(yaml, out);
}

}  // namespace fpgw::testing

#endif  // FPGW_TESTS_TESTING_CONFIG_PROBLEMS_H_
