// Test helpers shared by the mapper, normalize and conformance tests: reading files, the project's
// own fixtures (tests/testdata, or $FPGW_TESTDATA as CTest sets it), and an evaluation's drift
// paths.
#ifndef FPGW_TESTS_TESTING_FIXTURES_H_
#define FPGW_TESTS_TESTING_FIXTURES_H_

#include <cstdlib>
#include <fstream>
#include <sstream>
#include <string>
#include <vector>

#include "fpgw/v1/evaluation.pb.h"

namespace fpgw::testing {

// The whole file, or "" when it cannot be read.
inline std::string ReadFile(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  std::stringstream ss;
  ss << in.rdbuf();
  return ss.str();
}

// A file of the project's own test data, by path relative to tests/testdata.
inline std::string TestdataFile(const std::string& relative) {
  const char* dir = std::getenv("FPGW_TESTDATA");
  return ReadFile(std::string(dir == nullptr ? "tests/testdata" : dir) + "/" + relative);
}

// The JSON paths of an evaluation's drift entries, in order.
inline std::vector<std::string> DriftPaths(const fpgw::v1::Evaluation& evaluation) {
  std::vector<std::string> paths;
  for (const auto& drift : evaluation.drift()) paths.push_back(drift.path());
  return paths;
}

}  // namespace fpgw::testing

#endif  // FPGW_TESTS_TESTING_FIXTURES_H_
