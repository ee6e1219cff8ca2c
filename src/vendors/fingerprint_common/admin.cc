// Fingerprint event updates and visitor deletion.
#include "vendors/fingerprint_common/admin.h"

#include <utility>

#include "absl/strings/str_cat.h"
#include "common/error.h"
#include "http/url.h"
#include "rapidjson/document.h"
#include "rapidjson/stringbuffer.h"
#include "rapidjson/writer.h"
#include "vendors/common/json_reader.h"

namespace fpgw::vendors::fingerprint {

std::string UpdateBody(const fpgw::v1::UpdateEventRequest& request, ApiVersion version) {
  const bool v3 = version == ApiVersion::kV3;
  rapidjson::Document doc(rapidjson::kObjectType);
  auto& alloc = doc.GetAllocator();
  if (request.has_linked_id()) {
    doc.AddMember(
        rapidjson::StringRef(v3 ? "linkedId" : "linked_id"),
        rapidjson::Value(request.linked_id().data(),
                         static_cast<rapidjson::SizeType>(request.linked_id().size()), alloc),
        alloc);
  }
  if (request.has_tags()) {
    rapidjson::Value tags;
    StructToJson(request.tags(), &tags, alloc);
    doc.AddMember(rapidjson::StringRef(v3 ? "tag" : "tags"), tags, alloc);
  }
  if (request.has_suspect()) doc.AddMember("suspect", request.suspect(), alloc);
  rapidjson::StringBuffer buffer;
  rapidjson::Writer<rapidjson::StringBuffer> writer(buffer);
  doc.Accept(writer);
  return std::string(buffer.GetString(), buffer.GetSize());
}

FingerprintAdmin::FingerprintAdmin(std::shared_ptr<const Endpoint> endpoint, ApiVersion version)
    : endpoint_(std::move(endpoint)), version_(version) {}

void FingerprintAdmin::UpdateEvent(const fpgw::v1::UpdateEventRequest& request,
                                   const CallContext& context, DoneStatus done) {
  if (!request.has_linked_id() && !request.has_tags() && !request.has_suspect()) {
    std::move(done)(InvalidField("linked_id", "set at least one of linked_id, tags, suspect"));
    return;
  }
  VendorRequest update{version_ == ApiVersion::kV3 ? "PUT" : "PATCH",
                       absl::StrCat("/events/", http::EscapeUrlComponent(request.event_id())),
                       UpdateBody(request, version_)};
  // The vendor answers 409 "not mutable yet" right after an event is created: retry with backoff
  // until it is mutable or the caller's deadline nears.
  std::shared_ptr<const Endpoint> endpoint = endpoint_;
  RetryWhileNotReady(
      endpoint_->deps(), context,
      [endpoint, update, context](Done<http::HttpResponse> attempt_done) {
        endpoint->Send(update, context, std::move(attempt_done));
      },
      std::move(done));
}

void FingerprintAdmin::DeleteDevice(const std::string& device_id, const CallContext& context,
                                    DoneStatus done) {
  endpoint_->Send({"DELETE", absl::StrCat("/visitors/", http::EscapeUrlComponent(device_id))},
                  context, IgnoreBody(std::move(done)));
}

}  // namespace fpgw::vendors::fingerprint
