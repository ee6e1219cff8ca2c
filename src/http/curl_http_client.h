// CurlHttpClient: the HttpClient that talks to vendors, built on the libcurl multi interface.
//
// One event-loop thread drives a single CURLM handle (curl_multi_poll / curl_multi_wakeup).
// Start() and Cancel() only queue work under a mutex and wake the loop, so they are cheap and
// callable from any thread, including from a completion callback. The multi handle's connection
// cache gives keep-alive reuse per host; HTTP/2 is negotiated through ALPN on https:// and
// concurrent requests to one host are multiplexed on one connection when the server allows it.
// TLS peer and host verification are always on; redirects are never followed.
#ifndef FPGW_HTTP_CURL_HTTP_CLIENT_H_
#define FPGW_HTTP_CURL_HTTP_CLIENT_H_

#include <curl/curl.h>

#include <atomic>
#include <cstddef>
#include <cstdint>
#include <memory>
#include <string>
#include <thread>
#include <unordered_map>
#include <vector>

#include "absl/base/thread_annotations.h"
#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "absl/synchronization/mutex.h"
#include "absl/time/time.h"
#include "async/thread_pool.h"
#include "http/http_client.h"

namespace fpgw::http {

// Configuration of a CurlHttpClient.
struct CurlHttpClientOptions {
  // PEM file of trusted CA certificates (CURLOPT_CAINFO). Empty: the system trust store.
  std::string ca_bundle_path;
  // A response whose body would exceed this many bytes fails with OUT_OF_RANGE; the client never
  // buffers more than this per request. Must be positive.
  size_t max_response_bytes = 8 * 1024 * 1024;
  // Bound on TCP + TLS connection set-up; the request's own timeout still applies. Must be
  // positive.
  absl::Duration connect_timeout = absl::Seconds(2);
  // Open connections per host (CURLMOPT_MAX_HOST_CONNECTIONS); further requests queue inside
  // libcurl until a connection is free. 0 means no limit. Must not be negative.
  long max_connections_per_host = 64;  // NOLINT(runtime/int): libcurl takes a long.
  // Offer HTTP/2 via ALPN on https:// (plain http:// always uses HTTP/1.1). Ignored when the
  // linked libcurl lacks HTTP/2 support.
  bool enable_http2 = true;
  // Proxy URL (CURLOPT_PROXY). Empty: none, whatever the environment says (HTTPS_PROXY,
  // ALL_PROXY and the like are never read).
  std::string proxy;
  // Runs every callback, so that the event loop thread only moves bytes; outlives the client.
  // Null: callbacks run on the loop thread.
  async::Executor* completions = nullptr;
};

// Maps a libcurl transfer result to a Status: the one table for transport failures.
// CURLE_OK gives OK. The message is a fixed prefix plus curl_easy_strerror(code); it never holds
// the URL, headers or body of the request.
//   CURLE_OPERATION_TIMEDOUT                              DEADLINE_EXCEEDED
//   resolve, connect, TLS, send/recv, truncated, HTTP/2   UNAVAILABLE
//   malformed URL, unsupported scheme                     INVALID_ARGUMENT
//   aborted by callback                                   CANCELLED
//   response too large                                    OUT_OF_RANGE
//   anything else (out of memory, libcurl misuse)         INTERNAL
absl::Status StatusFromCurlCode(CURLcode code);

// The libcurl-multi HttpClient. See http_client.h for the callback and error contract.
//
// Thread-safety: Start(), Cancel() and connections_opened() may be called from any thread.
// Callbacks run on the client's event-loop thread, one at a time; a slow callback delays every
// other request, so callbacks should only hand the result off. A callback may call Start() or
// Cancel(), but must not destroy the client.
class CurlHttpClient final : public HttpClient {
 public:
  // Initialises libcurl (once per process), creates the multi handle and starts the event loop.
  // Errors: INVALID_ARGUMENT for an out-of-range option or an unreadable ca_bundle_path;
  // INTERNAL when libcurl cannot be initialised.
  static absl::StatusOr<std::unique_ptr<CurlHttpClient>> Create(CurlHttpClientOptions options);

  // Stops the event loop: every request not yet completed gets CANCELLED (on the loop thread,
  // before the destructor returns), then the thread is joined. Must not be called from a
  // callback.
  ~CurlHttpClient() override;

  CurlHttpClient(const CurlHttpClient&) = delete;
  CurlHttpClient& operator=(const CurlHttpClient&) = delete;

  RequestId Start(HttpRequest request, Callback done) override;
  void Cancel(RequestId id) override;

  // Connections opened so far (summed CURLINFO_NUM_CONNECTS of finished transfers); a transfer
  // that reused a cached connection adds nothing. For tests and metrics.
  std::int64_t connections_opened() const { return connections_opened_.load(); }

 private:
  struct MultiDeleter {
    void operator()(CURLM* multi) const { curl_multi_cleanup(multi); }
  };
  using MultiPtr = std::unique_ptr<CURLM, MultiDeleter>;

  // A request queued by Start() that the loop has not picked up yet.
  struct PendingStart {
    RequestId id;
    HttpRequest request;
    Callback done;
  };

  // One transfer owned by the loop thread (defined in the .cc).
  struct Transfer;

  CurlHttpClient(CurlHttpClientOptions options, MultiPtr multi, bool http2);

  // Event-loop body; runs on thread_.
  void Run();
  // Takes the queued starts and cancellations and applies them. Returns false once the client
  // is stopping. Loop thread only.
  bool DrainQueue();
  // Creates the easy handle for `start` and adds it to the multi handle, or completes it with an
  // error. Loop thread only.
  void AddTransfer(PendingStart start);
  // Completes every transfer libcurl reports as done. Loop thread only.
  void ReapCompleted();
  // Detaches transfer `id` from libcurl and runs its callback with `result`. Loop thread only.
  void Finish(RequestId id, absl::StatusOr<HttpResponse> result);
  // Runs `done` with `result` on the completions executor (inline when there is none, or once
  // the loop is shutting down).
  void Deliver(Callback done, absl::StatusOr<HttpResponse> result);
  // Completes everything still queued or in flight with CANCELLED. Loop thread only.
  void CancelEverything();

  const CurlHttpClientOptions options_;
  const bool http2_;
  const MultiPtr multi_;

  std::atomic<RequestId> next_id_{1};
  std::atomic<std::int64_t> connections_opened_{0};
  bool shutting_down_ = false;  // loop thread only

  absl::Mutex mu_;
  std::vector<PendingStart> pending_starts_ ABSL_GUARDED_BY(mu_);
  std::vector<RequestId> pending_cancels_ ABSL_GUARDED_BY(mu_);
  bool stopping_ ABSL_GUARDED_BY(mu_) = false;

  // In-flight transfers by id. Touched only by the loop thread, so not guarded.
  std::unordered_map<RequestId, std::unique_ptr<Transfer>> transfers_;

  // Last member: started after everything above exists, joined in the destructor.
  std::thread thread_;
};

}  // namespace fpgw::http

#endif  // FPGW_HTTP_CURL_HTTP_CLIENT_H_
