// Sealed results through the secret registry.
#include "vendors/fingerprint_common/sealed_results.h"

#include <utility>

#include "absl/strings/str_cat.h"
#include "common/error.h"
#include "common/wipe.h"
#include "config/config_loader.h"
#include "vendors/fingerprint_common/extension.h"
#include "vendors/fingerprint_common/sealed.h"

namespace fpgw::vendors::fingerprint {
namespace {

// Every line of the secret must be a key.
absl::Status CheckKeys(const credentials::Secret& secret) {
  const std::vector<absl::string_view> lines = secret.RevealKeysForWire();
  if (lines.empty()) return absl::InvalidArgumentError("holds no key");
  for (absl::string_view line : lines) {
    absl::StatusOr<std::string> key = DecodeSealedResultKey(line);
    if (!key.ok()) {
      return absl::InvalidArgumentError("must be the base64 text of a 32-byte key (one per line)");
    }
    WipeBuffer(*key);
  }
  return absl::OkStatus();
}

}  // namespace

std::vector<credentials::SecretUse> SealedResultKeyUses(
    const fpgw::config::v1::Integration& integration, const std::string& path) {
  std::vector<credentials::SecretUse> uses;
  const auto& keys = integration.fingerprint().sealed_result_keys();
  for (int i = 0; i < keys.size(); ++i) {
    uses.push_back({absl::StrCat(path, ".fingerprint.sealed_result_keys[", i, "]"),
                    config::SecretRefName(keys[i]), &CheckKeys});
  }
  return uses;
}

SealedResultOpener::SealedResultOpener(std::shared_ptr<const Endpoint> endpoint,
                                       EventNormalizer normalize)
    : endpoint_(std::move(endpoint)), normalize_(normalize) {
  for (const auto& ref : endpoint_->integration().fingerprint().sealed_result_keys()) {
    references_.push_back(config::SecretRefName(ref));
  }
}

void SealedResultOpener::Unseal(const fpgw::v1::UnsealResultRequest& request,
                                const CallContext& context, Done<fpgw::v1::Evaluation> done) {
  // The current values, in the configured order (the new key first while one rotates).
  std::vector<std::string> keys;
  for (const std::string& reference : references_) {
    std::shared_ptr<const credentials::Secret> secret =
        endpoint_->deps().secrets == nullptr ? nullptr
                                             : endpoint_->deps().secrets->Current(reference);
    if (secret == nullptr) continue;
    for (absl::string_view line : secret->RevealKeysForWire()) {
      absl::StatusOr<std::string> key = DecodeSealedResultKey(line);
      if (key.ok()) keys.push_back(*std::move(key));
    }
  }
  if (keys.empty()) {
    std::move(done)(MakeError(
        absl::StatusCode::kFailedPrecondition, fpgw::v1::ERROR_REASON_INTEGRATION_MISCONFIGURED,
        "the integration has no sealed-result keys (fingerprint.sealed_result_keys)"));
    return;
  }
  absl::StatusOr<std::string> plaintext = UnsealResult(request.sealed_result(), keys);
  for (std::string& key : keys) WipeBuffer(key);
  if (!plaintext.ok()) {
    // The blob is at fault, or (FAILED_PRECONDITION) a configured key is.
    std::move(done)(plaintext.status().code() == absl::StatusCode::kInvalidArgument
                        ? InvalidField("sealed_result", plaintext.status().message())
                        : MakeError(absl::StatusCode::kFailedPrecondition,
                                    fpgw::v1::ERROR_REASON_INTEGRATION_MISCONFIGURED,
                                    plaintext.status().message()));
    return;
  }
  absl::StatusOr<fpgw::v1::Evaluation> evaluation = normalize_(
      *plaintext, CallOptions(*endpoint_, context, fpgw::v1::PAYLOAD_KIND_SEALED_RESULT));
  WipeBuffer(*plaintext);
  if (!evaluation.ok()) {
    std::move(done)(InvalidField(
        "sealed_result", absl::StrCat("the decrypted result is not a ",
                                      "Fingerprint event: ", evaluation.status().message())));
    return;
  }
  std::move(done)(std::move(evaluation));
}

}  // namespace fpgw::vendors::fingerprint
