// Fingerprint integration settings.
#include "vendors/fingerprint_common/settings.h"

#include "google/protobuf/descriptor.h"
#include "google/protobuf/reflection.h"

namespace fpgw::vendors::fingerprint {

fpgw::config::v1::Region RegionOf(const fpgw::config::v1::Integration& integration) {
  return integration.fingerprint().region();
}

void CheckIntegration(fpgw::config::v1::Integration* integration, const std::string& path,
                      const fpgw::config::v1::Config& config,
                      std::vector<config::ConfigProblem>* problems) {
  config::RequireCredential(*integration, path, problems);
  const auto& keys = integration->fingerprint().sealed_result_keys();
  for (int i = 0; i < keys.size(); ++i) {
    config::ValidateSecretRef(keys[i],
                              absl::StrCat(path, ".fingerprint.sealed_result_keys[", i, "]"),
                              config, /*required=*/true, problems);
  }
  // Read through reflection: the field is deprecated, and only this migration may touch it.
  const google::protobuf::FieldDescriptor* legacy =
      fpgw::config::v1::Integration::descriptor()->FindFieldByName("region");
  const google::protobuf::Reflection* reflection = integration->GetReflection();
  const int legacy_region = reflection->GetEnumValue(*integration, legacy);
  if (legacy_region == fpgw::config::v1::REGION_UNSPECIFIED) return;
  const auto region = static_cast<fpgw::config::v1::Region>(legacy_region);
  if (integration->has_fingerprint() &&
      integration->fingerprint().region() != fpgw::config::v1::REGION_UNSPECIFIED &&
      integration->fingerprint().region() != region) {
    problems->push_back({path + ".region",
                         "deprecated and in conflict with fingerprint.region: set only "
                         "fingerprint.region"});
  } else {
    integration->mutable_fingerprint()->set_region(region);
  }
  reflection->ClearField(integration, legacy);
}

}  // namespace fpgw::vendors::fingerprint
