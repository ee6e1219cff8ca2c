// The secret registry of adapter tests: the credentials of environment variables, read now, as the
// gateway reads every credential when it starts. A variable that is not set is left out, so that
// an adapter sees an integration with no credential.
#ifndef FPGW_TESTS_TESTING_ENV_SECRETS_H_
#define FPGW_TESTS_TESTING_ENV_SECRETS_H_

#include <cstdlib>
#include <memory>
#include <string>
#include <vector>

#include "credentials/credential_store.h"
#include "credentials/secret_registry.h"

namespace fpgw::testing {

inline std::shared_ptr<const credentials::SecretRegistry> EnvSecrets(
    const std::vector<std::string>& variables) {
  std::vector<credentials::SecretUse> uses;
  for (const std::string& variable : variables) {
    if (std::getenv(variable.c_str()) != nullptr) {
      uses.push_back({"test." + variable, "env:" + variable, nullptr});
    }
  }
  auto loaded = credentials::SecretRegistry::Load(
      std::make_shared<credentials::RoutingCredentialStore>(""), std::move(uses));
  if (!loaded.ok()) return nullptr;
  return std::shared_ptr<const credentials::SecretRegistry>(*std::move(loaded));
}

}  // namespace fpgw::testing

#endif  // FPGW_TESTS_TESTING_ENV_SECRETS_H_
