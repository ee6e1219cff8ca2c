// cside adapter: builds the vendor requests (Bearer key or public text/plain), polls pending
// evaluations on the shared TimerQueue, and maps answers through mapper.h and the shared error
// table.
#include "vendors/cside/adapter.h"

#include <algorithm>
#include <cstdint>
#include <functional>
#include <limits>
#include <optional>
#include <utility>

#include "absl/strings/match.h"
#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "absl/time/clock.h"
#include "async/retry.h"
#include "common/error.h"
#include "common/json_chars.h"
#include "config/config_loader.h"
#include "rapidjson/stringbuffer.h"
#include "rapidjson/writer.h"
#include "vendors/common/json_reader.h"
#include "vendors/common/vendor_errors.h"
#include "vendors/cside/mapper.h"

namespace fpgw::vendors::cside {

// Immutable per-integration facts, shared with callbacks that may outlive one call's stack.
struct CsideAdapter::State {
  std::shared_ptr<const Endpoint> endpoint;
  absl::Duration poll_initial_delay;
  bool public_mode = false;
};

namespace {

constexpr absl::string_view kVendor = "cside";
constexpr char kDefaultBaseUrl[] = "https://api.cside.com";

using State = CsideAdapter::State;
// Sends one vendor request for a call (with the call's or a tighter deadline).
using Fetch = std::function<void(const CallContext&, Done<http::HttpResponse>)>;

// POSTs `body` to `path` (with the integration's key, unless in public mode).
void Post(const std::shared_ptr<const State>& state, absl::string_view path,
          absl::string_view content_type, absl::string_view accept, std::string body,
          const CallContext& context, Done<http::HttpResponse> done) {
  state->endpoint->Send(
      {"POST", std::string(path), std::move(body), std::string(content_type), std::string(accept),
       /*idempotent=*/true},
      context, std::move(done));
}

std::string JsonBody(const std::string& token, std::optional<int> limit = std::nullopt,
                     std::optional<int64_t> offset = std::nullopt) {
  rapidjson::StringBuffer buffer;
  rapidjson::Writer<rapidjson::StringBuffer> writer(buffer);
  writer.StartObject();
  writer.Key("token");
  writer.String(fpgw::JsonChars(token), static_cast<rapidjson::SizeType>(token.size()));
  if (limit.has_value()) {
    writer.Key("limit");
    writer.Int(*limit);
  }
  if (offset.has_value()) {
    writer.Key("offset");
    writer.Int64(*offset);
  }
  writer.EndObject();
  return std::string(buffer.GetString(), buffer.GetSize());
}

// 202 Accepted, or a body `{"status":"pending"}`, means cside is still computing.
bool IsPending(const http::HttpResponse& response) {
  if (response.status_code == 202) return true;
  if (!absl::StrContains(response.body, "pending")) return false;
  absl::StatusOr<rapidjson::Document> doc = ParseJson(response.body);
  return doc.ok() && IsPendingPayload(*doc);
}

// The PENDING evaluation of a pending answer; its body goes to `raw` when it is a JSON object.
fpgw::v1::Evaluation PendingFrom(absl::string_view body, const MapOptions& options) {
  fpgw::v1::Evaluation evaluation = PendingEvaluation(options);
  if (options.include_raw) {
    absl::StatusOr<rapidjson::Document> doc = ParseJson(body);
    if (doc.ok() && doc->IsObject()) JsonToStruct(*doc, evaluation.mutable_raw());
  }
  return evaluation;
}

// Maps a final answer of the evaluate path.
absl::StatusOr<fpgw::v1::Evaluation> MapAnswer(const http::HttpResponse& response,
                                               MapOptions options) {
  options.fetch_time = absl::Now();
  if (IsPending(response)) return PendingFrom(response.body, options);
  absl::StatusOr<fpgw::v1::Evaluation> evaluation = NormalizeVerify(response.body, options);
  if (!evaluation.ok()) return InvalidVendorResponse(kVendor, evaluation.status().message());
  return evaluation;
}

// What one evaluate call has seen across its polls.
struct PollProgress {
  int attempts = 0;
  bool seen_pending = false;
  std::string last_pending_body;
};

// Fetches until the answer is complete. Under WAIT a pending answer is polled again with backoff
// (TimerQueue, no parked thread) until `poll_deadline`, which leaves room before the caller's
// deadline to deliver the PENDING evaluation; polls after the first are bounded by it too, so a
// poll that runs out of time also yields PENDING instead of DEADLINE_EXCEEDED.
void FetchUntilComplete(const std::shared_ptr<const State>& state, Fetch fetch,
                        fpgw::v1::PendingPolicy policy, const CallContext& context,
                        MapOptions options, Done<fpgw::v1::Evaluation> done) {
  const absl::Time now = absl::Now();
  const absl::Time poll_deadline =
      context.deadline == absl::InfiniteFuture()
          ? now + kMaxWaitWithoutDeadline
          : context.deadline - CsideAdapter::PollReserve(context.deadline - now);
  async::BackoffPolicy backoff;
  backoff.initial = state->poll_initial_delay;
  backoff.multiplier = 2.0;
  backoff.max_delay = kMaxPollDelay;
  backoff.max_attempts = std::numeric_limits<int>::max();
  auto progress = std::make_shared<PollProgress>();
  const bool wait = policy != fpgw::v1::PENDING_POLICY_RETURN_PENDING;

  async::Retrier<http::HttpResponse>::Run(
      state->endpoint->deps().timers, backoff, poll_deadline,
      [fetch = std::move(fetch), context, progress,
       poll_deadline](Done<http::HttpResponse> attempt_done) {
        if (context.cancellation->cancelled()) {
          std::move(attempt_done)(MakeError(absl::StatusCode::kCancelled,
                                            fpgw::v1::ERROR_REASON_UNSPECIFIED,
                                            "the call was cancelled"));
          return;
        }
        CallContext attempt = context;
        if (++progress->attempts > 1) attempt.deadline = std::min(context.deadline, poll_deadline);
        fetch(attempt, [progress, attempt_done = std::move(attempt_done)](
                           absl::StatusOr<http::HttpResponse> response) mutable {
          if (response.ok() && IsPending(*response)) {
            progress->seen_pending = true;
            progress->last_pending_body = response->body;
          }
          std::move(attempt_done)(std::move(response));
        });
      },
      [wait](const absl::StatusOr<http::HttpResponse>& response) {
        return wait && response.ok() && IsPending(*response);
      },
      [progress, options = std::move(options),
       done = std::move(done)](absl::StatusOr<http::HttpResponse> response) mutable {
        if (!response.ok()) {
          // Still pending when time ran out: the caller gets what is known, not an error.
          if (progress->seen_pending &&
              response.status().code() == absl::StatusCode::kDeadlineExceeded) {
            options.fetch_time = absl::Now();
            std::move(done)(PendingFrom(progress->last_pending_body, options));
            return;
          }
          std::move(done)(response.status());
          return;
        }
        std::move(done)(MapAnswer(*response, options));
      });
}

// The drift of an evaluation whose device id neither the payload nor /token/v1/clientId gave.
void MarkDeviceIdMissing(fpgw::v1::Evaluation* evaluation) {
  fpgw::v1::FieldDrift* drift = evaluation->add_drift();
  drift->set_path("$.fingerprint");
  drift->set_expected(
      "a device id at fingerprint.id, fingerprint.device_id or fingerprint.fingerprint_id, or from "
      "/token/v1/clientId");
  evaluation->set_partial(true);
}

// Fills identity.device_id from /token/v1/clientId, the documented source of "the stable
// fingerprint ID", when the payload named none at the paths fpgw assumes (ASSUMED_PATHS.md). A 404
// there (no fingerprint id for the token) or an unreadable answer leaves the evaluation partial
// with a drift naming the missing id; another failure leaves it partial with a signal failure;
// only cancellation fails the call. Runs within the call's deadline.
void FillClientId(const std::shared_ptr<const State>& state, const std::string& token,
                  const CallContext& context, fpgw::v1::Evaluation evaluation,
                  Done<fpgw::v1::Evaluation> done) {
  Post(state, "/token/v1/clientId", "text/plain", "text/plain", token, context,
       [evaluation = std::move(evaluation),
        done = std::move(done)](absl::StatusOr<http::HttpResponse> response) mutable {
         if (response.ok()) {
           absl::StatusOr<std::string> id = ParseClientId(response->body);
           if (id.ok()) {
             evaluation.mutable_identity()->set_device_id(*id);
           } else {
             MarkDeviceIdMissing(&evaluation);
           }
         } else if (response.status().code() == absl::StatusCode::kCancelled) {
           std::move(done)(response.status());
           return;
         } else if (response.status().code() == absl::StatusCode::kNotFound) {
           MarkDeviceIdMissing(&evaluation);
         } else {
           evaluation.set_partial(true);
           fpgw::v1::SignalFailure* failure = evaluation.add_signal_failures();
           failure->set_signal("client_id");
           failure->set_code(ReasonName(ReasonOf(response.status())));
           failure->set_message(
               "the vendor's fingerprint-id lookup failed; the device id is unknown");
         }
         std::move(done)(std::move(evaluation));
       });
}

// Device entries take no filter: a set field is refused, never ignored.
absl::Status RefuseFilter(const fpgw::v1::DeviceHistoryFilter& filter) {
  const char* field = !filter.linked_id().empty()   ? "filter.linked_id"
                      : !filter.event_id().empty()  ? "filter.event_id"
                      : filter.has_before_time_ms() ? "filter.before_time_ms"
                                                    : nullptr;
  if (field == nullptr) return absl::OkStatus();
  return InvalidField(field, "cside device entries take no filter");
}

}  // namespace

CsideAdapter::CsideAdapter(const fpgw::config::v1::Integration& integration,
                           const AdapterDeps& deps) {
  auto state = std::make_shared<State>();
  state->public_mode = integration.cside().public_mode();
  state->endpoint = std::make_shared<const Endpoint>(
      integration, deps,
      Endpoint::Options{std::string(kVendor),
                        kDefaultBaseUrl,
                        state->public_mode ? Auth::None() : Auth::Bearer(),
                        &ReadErrorCode,
                        {}});
  const absl::Duration configured = config::ToDuration(integration.cside().poll_initial_delay());
  state->poll_initial_delay =
      configured > absl::ZeroDuration() ? configured : kDefaultPollInitialDelay;
  state_ = std::move(state);
}

bool CsideAdapter::public_mode() const { return state_->public_mode; }

fpgw::v1::PendingPolicy CsideAdapter::EffectivePolicy(
    const fpgw::v1::EvaluateRequest& request, const fpgw::config::v1::Integration& integration) {
  if (request.cside().pending_policy() != fpgw::v1::PENDING_POLICY_UNSPECIFIED) {
    return request.cside().pending_policy();
  }
  if (integration.cside().pending_policy() ==
      fpgw::config::v1::CSIDE_PENDING_POLICY_RETURN_PENDING) {
    return fpgw::v1::PENDING_POLICY_RETURN_PENDING;
  }
  return fpgw::v1::PENDING_POLICY_WAIT;
}

absl::Duration CsideAdapter::PollReserve(absl::Duration remaining) {
  return std::clamp(remaining / 10, absl::Milliseconds(20), absl::Milliseconds(200));
}

void CsideAdapter::Evaluate(const fpgw::v1::EvaluateRequest& request, const CallContext& context,
                            Done<fpgw::v1::Evaluation> done) {
  std::shared_ptr<const State> state = state_;
  MapOptions options;
  options.integration = state->endpoint->integration().name();
  options.api_version = state->public_mode ? "v1" : "v2";
  options.payload_kind = fpgw::v1::PAYLOAD_KIND_LOOKUP;
  options.include_raw = context.include_raw;
  const std::string token = request.token();
  const fpgw::v1::PendingPolicy policy = EffectivePolicy(request, state->endpoint->integration());

  Fetch fetch;
  if (!state->public_mode) {
    fetch = [state, body = JsonBody(token)](const CallContext& call,
                                            Done<http::HttpResponse> fetched) {
      Post(state, "/token/v2/verify", "application/json", "application/json", body, call,
           std::move(fetched));
    };
  } else {
    fetch = [state, token](const CallContext& call, Done<http::HttpResponse> fetched) {
      Post(state, "/token/v1/client", "text/plain", "application/json", token, call,
           std::move(fetched));
    };
  }
  FetchUntilComplete(state, std::move(fetch), policy, context, std::move(options),
                     [state, token, context, done = std::move(done)](
                         absl::StatusOr<fpgw::v1::Evaluation> evaluation) mutable {
                       if (!evaluation.ok() ||
                           evaluation->source().status() != fpgw::v1::EVALUATION_STATUS_COMPLETED ||
                           !evaluation->identity().device_id().empty()) {
                         std::move(done)(std::move(evaluation));
                         return;
                       }
                       FillClientId(state, token, context, *std::move(evaluation), std::move(done));
                     });
}

void CsideAdapter::ListDevice(const std::string& device,
                              const fpgw::v1::DeviceHistoryFilter& filter, int page_size,
                              const std::string& cursor, const CallContext& context,
                              Done<EvaluationPage> done) {
  std::shared_ptr<const State> state = state_;
  if (absl::Status refused = RefuseFilter(filter); !refused.ok()) {
    std::move(done)(std::move(refused));
    return;
  }
  const int limit = page_size <= 0 ? kMaxPageSize : std::min(page_size, kMaxPageSize);
  int64_t offset = 0;
  if (!cursor.empty() && (!absl::SimpleAtoi(cursor, &offset) || offset < 0)) {
    std::move(done)(MakeError(absl::StatusCode::kInvalidArgument,
                              fpgw::v1::ERROR_REASON_INVALID_PAGE_TOKEN,
                              "page_token does not hold a cside offset"));
    return;
  }
  MapOptions options;
  options.integration = state->endpoint->integration().name();
  options.api_version = "v2";
  options.payload_kind = fpgw::v1::PAYLOAD_KIND_HISTORY_ENTRY;
  options.include_raw = context.include_raw;
  Post(state, "/token/v2/device/entries", "application/json", "application/json",
       JsonBody(device, limit, offset), context,
       [options, done = std::move(done)](absl::StatusOr<http::HttpResponse> response) mutable {
         if (!response.ok()) {
           std::move(done)(response.status());
           return;
         }
         options.fetch_time = absl::Now();
         absl::StatusOr<DeviceEntriesPage> entries =
             NormalizeDeviceEntries(response->body, options);
         if (!entries.ok()) {
           std::move(done)(InvalidVendorResponse(kVendor, entries.status().message()));
           return;
         }
         EvaluationPage page;
         page.evaluations = std::move(entries->evaluations);
         page.drift = std::move(entries->drift);
         page.next_cursor = std::move(entries->next_cursor);
         page.device_id = std::move(entries->device_id);
         std::move(done)(std::move(page));
       });
}

}  // namespace fpgw::vendors::cside
