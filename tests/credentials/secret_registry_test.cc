// The secret registry: every reference read at start (a missing or malformed one named by its
// field, never quoted), the Kubernetes `..data` swap followed by the watcher, and the last good
// value kept when a re-read fails, fails its checks, or catches a file half-written.
#include "credentials/secret_registry.h"

#include <stdlib.h>
#include <unistd.h>

#include <deque>
#include <filesystem>
#include <fstream>
#include <map>
#include <string>

#include "absl/strings/match.h"
#include "absl/synchronization/mutex.h"
#include "absl/time/clock.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"

namespace fpgw::credentials {
namespace {

using ::testing::HasSubstr;
using ::testing::Not;

constexpr absl::Duration kSettle = absl::Milliseconds(20);

// A check that refuses values shorter than 16 bytes.
absl::Status AtLeast16(const Secret& value) {
  if (value.RevealForWire().size() < 16) return absl::InvalidArgumentError("too short");
  return absl::OkStatus();
}

class SecretRegistryTest : public ::testing::Test {
 protected:
  void SetUp() override {
    char pattern[] = "/tmp/fpgw-registry-XXXXXX";
    dir_ = mkdtemp(pattern);
    store_ = std::make_shared<RoutingCredentialStore>(dir_);
  }
  void TearDown() override { std::filesystem::remove_all(dir_); }

  void Write(const std::string& rel, const std::string& value) {
    std::ofstream(dir_ + "/" + rel, std::ios::trunc) << value;
  }

  // A Kubernetes secret volume: `name` -> ..data/name, ..data -> ..<version>.
  void SwapKubernetesVolume(int version, const std::map<std::string, std::string>& files) {
    const std::string target = "..v" + std::to_string(version);
    std::filesystem::create_directory(dir_ + "/" + target);
    for (const auto& [name, value] : files) Write(target + "/" + name, value);
    std::filesystem::create_directory_symlink(target, dir_ + "/..data_tmp");
    std::filesystem::rename(dir_ + "/..data_tmp", dir_ + "/..data");
    for (const auto& [name, value] : files) {
      if (!std::filesystem::is_symlink(dir_ + "/" + name)) {
        std::filesystem::create_symlink("..data/" + name, dir_ + "/" + name);
      }
    }
  }

  static std::string Value(const SecretRegistry& registry, const std::string& reference) {
    std::shared_ptr<const Secret> value = registry.Current(reference);
    return value == nullptr ? "<none>" : std::string(value->RevealForWire());
  }

  std::string dir_;
  std::shared_ptr<RoutingCredentialStore> store_;
};

TEST_F(SecretRegistryTest, ResolvesEveryReferenceAtLoad) {
  Write("key", "file-value-0123456789\n");
  setenv("FPGW_REGISTRY_TEST_KEY", "env-value-0123456789", 1);
  auto registry =
      SecretRegistry::Load(store_, {{"a.credential", "file:key", AtLeast16},
                                    {"b.credential", "env:FPGW_REGISTRY_TEST_KEY", nullptr},
                                    {"c.credential", "file:key", nullptr}});
  ASSERT_TRUE(registry.ok()) << registry.status();
  EXPECT_EQ(Value(**registry, "file:key"), "file-value-0123456789");
  EXPECT_EQ(Value(**registry, "env:FPGW_REGISTRY_TEST_KEY"), "env-value-0123456789");
  EXPECT_EQ((*registry)->Current("file:other"), nullptr);
}

TEST_F(SecretRegistryTest, NamesEveryFieldThatCannotBeResolvedAndNeverAValue) {
  Write("short", "tiny-secret\n");
  unsetenv("FPGW_REGISTRY_TEST_UNSET");
  auto registry = SecretRegistry::Load(
      store_, {{"tenants[0].integrations[0].credential", "env:FPGW_REGISTRY_TEST_UNSET", nullptr},
               {"server.page_tokens.keys[0].key", "file:short", AtLeast16},
               {"server.listeners[0].tls.key", "file:absent", nullptr}});
  ASSERT_FALSE(registry.ok());
  EXPECT_EQ(registry.status().code(), absl::StatusCode::kFailedPrecondition);
  const std::string message(registry.status().message());
  EXPECT_THAT(message, HasSubstr("tenants[0].integrations[0].credential "
                                 "(env:FPGW_REGISTRY_TEST_UNSET): environment variable"));
  EXPECT_THAT(message, HasSubstr("server.page_tokens.keys[0].key (file:short): too short"));
  EXPECT_THAT(message, HasSubstr("server.listeners[0].tls.key (file:absent)"));
  EXPECT_THAT(message, Not(HasSubstr("tiny-secret")));
}

TEST_F(SecretRegistryTest, TheWatcherFollowsAKubernetesSwap) {
  SwapKubernetesVolume(1, {{"key", "first-value-0123456789"}});
  auto registry = SecretRegistry::Load(store_, {{"a.credential", "file:key", AtLeast16}}, kSettle);
  ASSERT_TRUE(registry.ok()) << registry.status();
  ASSERT_TRUE((*registry)->StartWatching(dir_, absl::Hours(1)).ok());
  const uint64_t generation = (*registry)->generation();

  SwapKubernetesVolume(2, {{"key", "second-value-0123456789"}});
  // inotify, not the hour-long poll, brings the new value.
  const absl::Time give_up = absl::Now() + absl::Seconds(10);
  while (Value(**registry, "file:key") != "second-value-0123456789" && absl::Now() < give_up) {
    absl::SleepFor(absl::Milliseconds(10));
  }
  EXPECT_EQ(Value(**registry, "file:key"), "second-value-0123456789");
  EXPECT_GT((*registry)->generation(), generation);
}

TEST_F(SecretRegistryTest, KeepsTheLastGoodValueWhenAReReadFailsOrFailsItsCheck) {
  Write("key", "good-value-0123456789");
  auto registry = SecretRegistry::Load(store_, {{"a.credential", "file:key", AtLeast16}}, kSettle);
  ASSERT_TRUE(registry.ok()) << registry.status();

  std::filesystem::remove(dir_ + "/key");
  EXPECT_EQ((*registry)->Reload(), 0);
  EXPECT_EQ(Value(**registry, "file:key"), "good-value-0123456789");

  Write("key", "short");
  EXPECT_EQ((*registry)->Reload(), 0);
  EXPECT_EQ(Value(**registry, "file:key"), "good-value-0123456789");

  Write("key", "\n");
  EXPECT_EQ((*registry)->Reload(), 0);
  EXPECT_EQ(Value(**registry, "file:key"), "good-value-0123456789");

  Write("key", "new-good-value-0123456789");
  EXPECT_EQ((*registry)->Reload(), 1);
  EXPECT_EQ(Value(**registry, "file:key"), "new-good-value-0123456789");
}

// A store whose answers are scripted per reference: what a reader sees while a writer is halfway
// through a file, which no timing of real writes can reproduce reliably.
class ScriptedStore final : public CredentialStore {
 public:
  void Script(const std::string& reference, std::deque<std::string> values) {
    absl::MutexLock lock(&mu_);
    values_[reference] = std::move(values);
  }
  absl::StatusOr<Secret> Get(absl::string_view reference) const override {
    absl::MutexLock lock(&mu_);
    auto& values = values_[std::string(reference)];
    if (values.empty()) return absl::NotFoundError("no value");
    std::string value = values.front();
    if (values.size() > 1) values.pop_front();
    return Secret(std::move(value));
  }

 private:
  mutable absl::Mutex mu_;
  mutable std::map<std::string, std::deque<std::string>> values_;
};

TEST(SecretRegistry, NeverTakesAFileCaughtHalfWritten) {
  auto store = std::make_shared<ScriptedStore>();
  store->Script("file:key", {"old-value-0123456789"});
  auto registry = SecretRegistry::Load(store, {{"a.credential", "file:key", AtLeast16}}, kSettle);
  ASSERT_TRUE(registry.ok()) << registry.status();

  // The two reads of one reload disagree: the first caught the write halfway.
  store->Script("file:key", {"new-value-01", "new-value-0123456789"});
  EXPECT_EQ((*registry)->Reload(), 0);
  EXPECT_EQ(std::string((*registry)->Current("file:key")->RevealForWire()), "old-value-0123456789");
  // Once the file is still, the next reload takes it.
  EXPECT_EQ((*registry)->Reload(), 1);
  EXPECT_EQ(std::string((*registry)->Current("file:key")->RevealForWire()), "new-value-0123456789");
}

TEST(SecretRegistry, EnvironmentSecretsAreNotReRead) {
  auto store = std::make_shared<ScriptedStore>();
  store->Script("env:KEY", {"first-value-0123456789", "second-value-0123456789"});
  auto registry = SecretRegistry::Load(store, {{"a.credential", "env:KEY", nullptr}}, kSettle);
  ASSERT_TRUE(registry.ok()) << registry.status();
  EXPECT_EQ((*registry)->Reload(), 0);
  EXPECT_EQ(std::string((*registry)->Current("env:KEY")->RevealForWire()),
            "first-value-0123456789");
}

}  // namespace
}  // namespace fpgw::credentials
