// A directory laid out like a Kubernetes secret volume (`<name>` -> `..data/<name>`, `..data` ->
// `..<version>`), whose files are all replaced at once the way the kubelet does it: a new version
// directory, then `..data` renamed over. What the secret registry must follow without a restart.
#ifndef FPGW_TESTS_TESTING_SECRET_VOLUME_H_
#define FPGW_TESTS_TESTING_SECRET_VOLUME_H_

#include <stdlib.h>

#include <filesystem>
#include <fstream>
#include <map>
#include <string>

namespace fpgw::testing {

class SecretVolume final {
 public:
  SecretVolume() {
    char pattern[] = "/tmp/fpgw-secrets-XXXXXX";
    path_ = mkdtemp(pattern);
  }
  ~SecretVolume() { std::filesystem::remove_all(path_); }
  SecretVolume(const SecretVolume&) = delete;
  SecretVolume& operator=(const SecretVolume&) = delete;

  const std::string& path() const { return path_; }

  // Replaces every file of the volume at once with `files` (name -> contents).
  void Swap(const std::map<std::string, std::string>& files) {
    const std::string version = "..v" + std::to_string(++version_);
    std::filesystem::create_directory(path_ + "/" + version);
    for (const auto& [name, contents] : files) {
      std::ofstream(path_ + "/" + version + "/" + name, std::ios::binary) << contents;
    }
    std::filesystem::remove(path_ + "/..data_tmp");
    std::filesystem::create_directory_symlink(version, path_ + "/..data_tmp");
    std::filesystem::rename(path_ + "/..data_tmp", path_ + "/..data");
    for (const auto& [name, contents] : files) {
      if (!std::filesystem::is_symlink(path_ + "/" + name)) {
        std::filesystem::create_symlink("..data/" + name, path_ + "/" + name);
      }
    }
  }

 private:
  std::string path_;
  int version_ = 0;
};

}  // namespace fpgw::testing

#endif  // FPGW_TESTS_TESTING_SECRET_VOLUME_H_
