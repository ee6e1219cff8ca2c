// Secrets never print; the stores resolve references, refuse path tricks, and pick up rotation.
#include "credentials/credential_store.h"

#include <stdlib.h>
#include <unistd.h>

#include <cstdio>
#include <filesystem>
#include <fstream>
#include <sstream>

#include "gmock/gmock.h"
#include "gtest/gtest.h"

namespace fpgw::credentials {
namespace {

TEST(Secret, NeverPrintsItsValue) {
  const Secret secret("s3cr3t-value");
  std::ostringstream out;
  out << secret;
  EXPECT_EQ(out.str(), "[redacted]");
  EXPECT_EQ(secret.RevealForWire(), "s3cr3t-value");
  EXPECT_TRUE(secret.Equals("s3cr3t-value"));
  EXPECT_FALSE(secret.Equals("s3cr3t-valuE"));
}

TEST(Secret, LivesInPagesLeftOutOfCoreDumps) {
  const Secret secret(std::string("a-key-that-must-not-reach-a-core-file"));
  EXPECT_TRUE(IsExcludedFromCoreDumps(secret));
  const Secret copy = secret;  // NOLINT(performance-unnecessary-copy-initialization)
  EXPECT_TRUE(IsExcludedFromCoreDumps(copy));
  EXPECT_NE(copy.RevealForWire().data(), secret.RevealForWire().data());
}

TEST(Secret, HoldsSeveralKeysOnePerLine) {
  const Secret secret(std::string("first\r\n\nsecond\n"));
  EXPECT_THAT(secret.RevealKeysForWire(), ::testing::ElementsAre("first", "second"));
}

TEST(Secret, MovedFromIsEmpty) {
  Secret a("value");
  Secret b = std::move(a);
  EXPECT_TRUE(a.empty());  // NOLINT(bugprone-use-after-move): the wipe is the behaviour under test.
  EXPECT_EQ(b.RevealForWire(), "value");
}

TEST(EnvCredentialStore, ReadsAndTrimsAndNamesMissingVariables) {
  setenv("FPGW_TEST_SECRET", "abc\n", 1);
  EnvCredentialStore store;
  auto secret = store.Get("FPGW_TEST_SECRET");
  ASSERT_TRUE(secret.ok());
  EXPECT_EQ(secret->RevealForWire(), "abc");
  auto missing = store.Get("FPGW_TEST_SECRET_MISSING");
  EXPECT_EQ(missing.status().code(), absl::StatusCode::kNotFound);
  EXPECT_NE(missing.status().message().find("FPGW_TEST_SECRET_MISSING"), std::string::npos);
}

class FileStoreTest : public ::testing::Test {
 protected:
  void SetUp() override {
    char pattern[] = "/tmp/fpgw-cred-XXXXXX";
    dir_ = mkdtemp(pattern);
  }
  void TearDown() override { std::filesystem::remove_all(dir_); }
  void Write(const std::string& rel, const std::string& value) {
    std::ofstream(dir_ + "/" + rel) << value;
  }
  std::string dir_;
};

TEST_F(FileStoreTest, FollowsKubernetesStyleRotation) {
  // Kubernetes secret volumes: name -> ..data/name, ..data -> ..2026_01 (swapped atomically).
  std::filesystem::create_directory(dir_ + "/..v1");
  std::filesystem::create_directory(dir_ + "/..v2");
  Write("..v1/key", "first\n");
  Write("..v2/key", "second");
  std::filesystem::create_directory_symlink("..v1", dir_ + "/..data");
  std::filesystem::create_symlink("..data/key", dir_ + "/key");
  FileCredentialStore store(dir_);
  ASSERT_EQ(store.Get("key")->RevealForWire(), "first");
  std::filesystem::create_directory_symlink("..v2", dir_ + "/..data_tmp");
  std::filesystem::rename(dir_ + "/..data_tmp", dir_ + "/..data");
  EXPECT_EQ(store.Get("key")->RevealForWire(), "second");
}

TEST_F(FileStoreTest, RefusesOversizedAndEmptyFiles) {
  Write("big", std::string(kMaxSecretBytes + 1, 'k'));
  Write("empty", "\n");
  FileCredentialStore store(dir_);
  EXPECT_EQ(store.Get("big").status().code(), absl::StatusCode::kFailedPrecondition);
  EXPECT_EQ(store.Get("empty").status().code(), absl::StatusCode::kNotFound);
}

TEST_F(FileStoreTest, RefusesPathTricksAndReportsMissingFiles) {
  Write("key", "v");
  FileCredentialStore store(dir_);
  for (const char* name : {"../key", "a/b", ".hidden", "", "..data"}) {
    EXPECT_EQ(store.Get(name).status().code(), absl::StatusCode::kInvalidArgument) << name;
  }
  EXPECT_EQ(store.Get("absent").status().code(), absl::StatusCode::kNotFound);
  RoutingCredentialStore routing(dir_);
  EXPECT_EQ(routing.Get("file:key")->RevealForWire(), "v");
  EXPECT_EQ(routing.Get("vault:key").status().code(), absl::StatusCode::kInvalidArgument);
}

}  // namespace
}  // namespace fpgw::credentials
