// Test helpers shared by the mapper, normalize and conformance tests: reading files, the project's
// own fixtures (tests/testdata, or $FPGW_TESTDATA as CTest sets it), and an evaluation's drift
// paths.
#ifndef FPGW_TESTS_TESTING_FIXTURES_H_
#define FPGW_TESTS_TESTING_FIXTURES_H_

#include <algorithm>
#include <cstdlib>
#include <filesystem>
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

// The path of a file of the project's own test data, given relative to tests/testdata.
inline std::string TestdataPath(const std::string& relative) {
  const char* dir = std::getenv("FPGW_TESTDATA");
  return std::string(dir == nullptr ? "tests/testdata" : dir) + "/" + relative;
}

// A file of the project's own test data, by path relative to tests/testdata.
inline std::string TestdataFile(const std::string& relative) {
  return ReadFile(TestdataPath(relative));
}

// The names of the files in a folder of the project's own test data (relative to tests/testdata),
// sorted; empty when the folder does not exist.
inline std::vector<std::string> TestdataFiles(const std::string& relative_dir) {
  std::vector<std::string> names;
  std::error_code error;
  for (const auto& entry : std::filesystem::directory_iterator(TestdataPath(relative_dir), error)) {
    if (entry.is_regular_file()) names.push_back(entry.path().filename().string());
  }
  std::sort(names.begin(), names.end());
  return names;
}

// The JSON paths of an evaluation's drift entries, in order.
inline std::vector<std::string> DriftPaths(const fpgw::v1::Evaluation& evaluation) {
  std::vector<std::string> paths;
  for (const auto& drift : evaluation.drift()) paths.push_back(drift.path());
  return paths;
}

}  // namespace fpgw::testing

#endif  // FPGW_TESTS_TESTING_FIXTURES_H_
