// The vendors' published reference (specs, examples, test vectors), read in place from the folder
// that FPGW_VENDOR_REFERENCE_DIR names (CMake passes -DFPGW_VENDOR_REFERENCE_DIR=... to every
// test). A stranger's clone has no such folder: every test that reads it lives in a suite whose
// name ends in `VendorReference`, which CMake registers as its own CTest entry, and starts with
// FPGW_SKIP_WITHOUT_VENDOR_REFERENCE(), a visible skip with a one-line reason. When the folder is
// there but holds none of the files a test expects, the test fails: it never passes by reading
// nothing.
#ifndef FPGW_TESTS_TESTING_VENDOR_REFERENCE_H_
#define FPGW_TESTS_TESTING_VENDOR_REFERENCE_H_

#include <algorithm>
#include <cstdlib>
#include <filesystem>
#include <optional>
#include <string>
#include <system_error>
#include <vector>

#include "gtest/gtest.h"

namespace fpgw::testing {

// The marker CTest looks for (SKIP_REGULAR_EXPRESSION) to report an entry as skipped.
inline constexpr char kVendorReferenceAbsent[] = "FPGW_VENDOR_REFERENCE_ABSENT";

// The reference folder, or nullopt when it is not configured or does not exist.
inline std::optional<std::string> VendorReferenceDir() {
  const char* dir = std::getenv("FPGW_VENDOR_REFERENCE_DIR");
  if (dir == nullptr || *dir == '\0') return std::nullopt;
  std::error_code error;
  if (!std::filesystem::is_directory(dir, error)) return std::nullopt;
  return std::string(dir);
}

// Why the reference is unavailable, in one line that says how to enable it.
inline std::string VendorReferenceSkipReason() {
  const char* dir = std::getenv("FPGW_VENDOR_REFERENCE_DIR");
  const std::string where = (dir == nullptr || *dir == '\0')
                                ? std::string("not configured")
                                : std::string("configured as ") + dir + " but absent";
  return std::string(kVendorReferenceAbsent) + ": the vendor reference folder is " + where +
         "; enable these tests with -DFPGW_VENDOR_REFERENCE_DIR=<shared>/vendors/reference";
}

// Every regular file of the reference folder whose name starts with `prefix` and ends with
// `suffix`, sorted by name. Adds a test failure when the folder exists but holds no such file.
inline std::vector<std::string> VendorReferenceFiles(const std::string& prefix,
                                                     const std::string& suffix = ".json") {
  std::vector<std::string> files;
  const std::optional<std::string> dir = VendorReferenceDir();
  if (!dir.has_value()) return files;
  std::error_code error;
  for (const auto& entry : std::filesystem::directory_iterator(*dir, error)) {
    const std::string name = entry.path().filename().string();
    if (entry.is_regular_file() && name.size() >= prefix.size() + suffix.size() &&
        name.compare(0, prefix.size(), prefix) == 0 &&
        name.compare(name.size() - suffix.size(), suffix.size(), suffix) == 0) {
      files.push_back(entry.path().string());
    }
  }
  EXPECT_FALSE(error) << *dir << " cannot be read: " << error.message();
  EXPECT_FALSE(files.empty()) << "the vendor reference folder " << *dir << " holds no " << prefix
                              << "*" << suffix << " file";
  std::sort(files.begin(), files.end());
  return files;
}

}  // namespace fpgw::testing

// Skips the current test, visibly and with the reason, when the reference folder is unavailable.
#define FPGW_SKIP_WITHOUT_VENDOR_REFERENCE()              \
  if (!::fpgw::testing::VendorReferenceDir().has_value()) \
  GTEST_SKIP() << ::fpgw::testing::VendorReferenceSkipReason()

#endif  // FPGW_TESTS_TESTING_VENDOR_REFERENCE_H_
