// CurlHttpClient: the libcurl-multi event loop, per-transfer set-up and the curl error table.
#include "http/curl_http_client.h"

#include <unistd.h>

#include <algorithm>
#include <climits>
#include <cstdint>
#include <cstdlib>
#include <cstring>
#include <type_traits>
#include <utility>

#include "absl/memory/memory.h"
#include "absl/strings/ascii.h"
#include "absl/strings/match.h"
#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/string_view.h"
#include "common/wipe.h"

namespace fpgw::http {

// Largest allocation made up front from a response's Content-Length.
constexpr uint64_t kMaxReserve = 64 * 1024;

namespace {

// Upper bound on curl_multi_poll's wait; wake-ups and libcurl's own timers end it sooner.
constexpr int kPollTimeoutMs = 1000;
// Response headers (all of them, interim responses included) are capped separately from the
// body so that a hostile server cannot grow memory through headers either.
constexpr size_t kMaxHeaderBytes = 256 * 1024;

struct EasyDeleter {
  void operator()(CURL* easy) const { curl_easy_cleanup(easy); }
};
using EasyPtr = std::unique_ptr<CURL, EasyDeleter>;

// Header lists may hold credentials: every line is wiped before the list is freed.
struct SlistDeleter {
  void operator()(curl_slist* list) const {
    for (curl_slist* node = list; node != nullptr; node = node->next) {
      if (node->data != nullptr) WipeBytes(node->data, std::strlen(node->data));
    }
    curl_slist_free_all(list);
  }
};
using SlistPtr = std::unique_ptr<curl_slist, SlistDeleter>;

// curl_global_init is not safe to race with other libcurl calls; a function-local static runs it
// exactly once per process, before the first client exists.
absl::Status GlobalInit() {
  static const CURLcode kResult = [] {
    // libcurl's OpenSSL backend writes every TLS session key to the file this names, read once
    // here: vendor traffic (and the keys in it) must not be decryptable from a variable.
    unsetenv("SSLKEYLOGFILE");
    return curl_global_init(CURL_GLOBAL_DEFAULT);
  }();
  if (kResult != CURLE_OK) {
    return absl::InternalError(absl::StrCat("curl_global_init: ", curl_easy_strerror(kResult)));
  }
  return absl::OkStatus();
}

// RFC 9110 token characters (method and header names).
bool IsToken(absl::string_view s) {
  if (s.empty()) return false;
  for (char c : s) {
    if (absl::ascii_isalnum(static_cast<unsigned char>(c))) continue;
    if (absl::StrContains("!#$%&'*+-.^_`|~", c)) continue;
    return false;
  }
  return true;
}

// Rejects what would let a caller smuggle extra request lines into the wire format. Messages
// never echo the offending value.
absl::Status ValidateRequest(const HttpRequest& request) {
  if (!IsToken(request.method)) return absl::InvalidArgumentError("invalid HTTP method");
  for (const Header& header : request.headers) {
    if (!IsToken(header.name)) return absl::InvalidArgumentError("invalid HTTP header name");
    if (header.value.find_first_of("\r\n\0", 0, 3) != std::string::npos) {
      return absl::InvalidArgumentError("invalid HTTP header value");
    }
  }
  if (request.timeout <= absl::ZeroDuration()) {
    return absl::DeadlineExceededError("vendor request has no time left");
  }
  return absl::OkStatus();
}

// Milliseconds for CURLOPT_TIMEOUT_MS / CURLOPT_CONNECTTIMEOUT_MS, rounded up so that a positive
// duration never becomes 0 (which libcurl reads as "no timeout"). Infinite gives 0.
long ToCurlMillis(absl::Duration d) {  // NOLINT(runtime/int): libcurl takes a long.
  if (d == absl::InfiniteDuration()) return 0;
  const int64_t ms = absl::ToInt64Milliseconds(absl::Ceil(d, absl::Milliseconds(1)));
  return ms > LONG_MAX ? LONG_MAX : static_cast<long>(ms);  // NOLINT(runtime/int)
}

// Applies options to one easy handle, remembering the first failure.
class EasyOptions {
 public:
  explicit EasyOptions(CURL* easy) : easy_(easy) {}

  // `value` must be exactly the type libcurl reads for `option` (long, curl_off_t or a pointer):
  // curl_easy_setopt is variadic, so a wrong type is undefined behaviour, not a compile error.
  template <typename T>
  void Set(CURLoption option, T value) {
    static_assert(std::is_same_v<T, long> || std::is_same_v<T, curl_off_t> ||  // NOLINT
                      std::is_pointer_v<T>,
                  "libcurl options take long, curl_off_t or a pointer");
    if (result_ == CURLE_OK) result_ = curl_easy_setopt(easy_, option, value);
  }

  CURLcode result() const { return result_; }

 private:
  CURL* easy_;
  CURLcode result_ = CURLE_OK;
};

}  // namespace

absl::Status StatusFromCurlCode(CURLcode code) {
  absl::StatusCode status_code;
  switch (code) {
    case CURLE_OK:
      return absl::OkStatus();
    case CURLE_OPERATION_TIMEDOUT:
      status_code = absl::StatusCode::kDeadlineExceeded;
      break;
    // The vendor or the path to it failed; another attempt may succeed.
    case CURLE_COULDNT_RESOLVE_PROXY:
    case CURLE_COULDNT_RESOLVE_HOST:
    case CURLE_COULDNT_CONNECT:
    case CURLE_WEIRD_SERVER_REPLY:
    case CURLE_HTTP2:
    case CURLE_PARTIAL_FILE:
    case CURLE_SSL_CONNECT_ERROR:
    case CURLE_GOT_NOTHING:
    case CURLE_SEND_ERROR:
    case CURLE_RECV_ERROR:
    case CURLE_PEER_FAILED_VERIFICATION:
    case CURLE_SSL_CIPHER:
    case CURLE_BAD_CONTENT_ENCODING:
    case CURLE_SSL_SHUTDOWN_FAILED:
    case CURLE_SSL_ISSUER_ERROR:
    case CURLE_SSL_PINNEDPUBKEYNOTMATCH:
    case CURLE_SSL_INVALIDCERTSTATUS:
    case CURLE_HTTP2_STREAM:
    case CURLE_HTTP3:
    case CURLE_QUIC_CONNECT_ERROR:
    case CURLE_PROXY:
      status_code = absl::StatusCode::kUnavailable;
      break;
    case CURLE_UNSUPPORTED_PROTOCOL:
    case CURLE_URL_MALFORMAT:
      status_code = absl::StatusCode::kInvalidArgument;
      break;
    // The configured CA bundle cannot be loaded: no vendor call can succeed until the
    // configuration is fixed, which FAILED_PRECONDITION tells the operator.
    case CURLE_SSL_CACERT_BADFILE:
    case CURLE_SSL_CRL_BADFILE:
      status_code = absl::StatusCode::kFailedPrecondition;
      break;
    case CURLE_ABORTED_BY_CALLBACK:
      status_code = absl::StatusCode::kCancelled;
      break;
    case CURLE_FILESIZE_EXCEEDED:
      status_code = absl::StatusCode::kOutOfRange;
      break;
    default:
      status_code = absl::StatusCode::kInternal;
      break;
  }
  // curl_easy_strerror is a fixed text per code; the error buffer (CURLOPT_ERRORBUFFER) is not
  // used because it can name the URL.
  return absl::Status(status_code,
                      absl::StrCat("vendor request failed: ", curl_easy_strerror(code)));
}

// One request from the moment the loop picks it up until its callback runs.
struct CurlHttpClient::Transfer {
  RequestId id = 0;
  // Owns the URL and body strings libcurl points into.
  HttpRequest request;
  Callback done;
  EasyPtr easy;
  SlistPtr header_list;
  HttpResponse response;
  size_t max_body_bytes = 0;
  size_t header_bytes = 0;
  // HEAD, 1xx, 204 and 304 responses may announce a Content-Length without sending a body.
  bool is_head = false;
  bool body_too_large = false;
  bool headers_too_large = false;

  // CURLOPT_WRITEFUNCTION: appends to the body, or stops the transfer before the cap is passed.
  static size_t OnBody(char* data, size_t size, size_t count, void* user) {
    auto* self = static_cast<Transfer*>(user);
    const size_t n = size * count;
    if (n > self->max_body_bytes - self->response.body.size()) {
      self->body_too_large = true;
      return 0;  // Anything short of n makes libcurl fail with CURLE_WRITE_ERROR.
    }
    self->response.body.append(data, n);
    return n;
  }

  // CURLOPT_HEADERFUNCTION: called once per header line, status line included.
  static size_t OnHeader(char* data, size_t size, size_t count, void* user) {
    auto* self = static_cast<Transfer*>(user);
    const size_t n = size * count;
    self->header_bytes += n;
    if (self->header_bytes > kMaxHeaderBytes) {
      self->headers_too_large = true;
      return 0;
    }
    absl::string_view line(data, n);
    while (!line.empty() && (line.back() == '\n' || line.back() == '\r')) line.remove_suffix(1);
    if (absl::StartsWith(line, "HTTP/")) {
      // A new response begins (the final one follows any 1xx): keep only its headers.
      self->response.headers.clear();
      self->response.status_code = 0;
      const size_t space = line.find(' ');
      if (space != absl::string_view::npos) {
        int status = 0;
        if (absl::SimpleAtoi(line.substr(space + 1, 3), &status)) {
          self->response.status_code = status;
        }
      }
      return n;
    }
    const size_t colon = line.find(':');
    if (colon == absl::string_view::npos) return n;  // Blank line ending the block.
    Header header{absl::AsciiStrToLower(line.substr(0, colon)),
                  std::string(absl::StripAsciiWhitespace(line.substr(colon + 1)))};
    if (header.name == "content-length" && self->ExpectsBody()) {
      uint64_t length = 0;
      if (absl::SimpleAtoi(header.value, &length)) {
        // Fail before reading a byte of a body that cannot fit.
        if (length > self->max_body_bytes) {
          self->body_too_large = true;
          return 0;
        }
        // Reserve only a modest head start: the length is the peer's claim, not a promise.
        self->response.body.reserve(static_cast<size_t>(std::min<uint64_t>(length, kMaxReserve)));
      }
    }
    self->response.headers.push_back(std::move(header));
    return n;
  }

  bool ExpectsBody() const {
    const int status = response.status_code;
    return !is_head && status >= 200 && status != 204 && status != 304;
  }

  // The result to hand to the callback once libcurl reports the transfer done.
  absl::StatusOr<HttpResponse> Result(CURLcode code) {
    if (body_too_large) {
      return absl::OutOfRangeError(
          absl::StrCat("vendor response exceeds ", max_body_bytes, " bytes"));
    }
    if (headers_too_large) {
      return absl::OutOfRangeError(
          absl::StrCat("vendor response headers exceed ", kMaxHeaderBytes, " bytes"));
    }
    if (code != CURLE_OK) return StatusFromCurlCode(code);
    long status = 0;   // NOLINT(runtime/int): libcurl writes a long.
    long version = 0;  // NOLINT(runtime/int)
    curl_easy_getinfo(easy.get(), CURLINFO_RESPONSE_CODE, &status);
    curl_easy_getinfo(easy.get(), CURLINFO_HTTP_VERSION, &version);
    response.status_code = static_cast<int>(status);
    response.http_version = version == CURL_HTTP_VERSION_2_0 ? 2 : 1;
    return std::move(response);
  }
};

absl::StatusOr<std::unique_ptr<CurlHttpClient>> CurlHttpClient::Create(
    CurlHttpClientOptions options) {
  absl::Status init = GlobalInit();
  if (!init.ok()) return init;
  if (options.max_response_bytes == 0) {
    return absl::InvalidArgumentError("max_response_bytes must be positive");
  }
  if (options.connect_timeout <= absl::ZeroDuration() ||
      options.connect_timeout == absl::InfiniteDuration()) {
    return absl::InvalidArgumentError("connect_timeout must be positive and finite");
  }
  if (options.max_connections_per_host < 0) {
    return absl::InvalidArgumentError("max_connections_per_host must not be negative");
  }
  // Checked here so that a typo shows at start-up, not as every vendor call failing.
  if (!options.ca_bundle_path.empty() && access(options.ca_bundle_path.c_str(), R_OK) != 0) {
    return absl::InvalidArgumentError(
        absl::StrCat("ca_bundle_path is not a readable file: ", options.ca_bundle_path));
  }

  MultiPtr multi(curl_multi_init());
  if (multi == nullptr) return absl::InternalError("curl_multi_init failed");
  CURLMcode rc = curl_multi_setopt(multi.get(), CURLMOPT_PIPELINING,
                                   static_cast<long>(CURLPIPE_MULTIPLEX));  // NOLINT
  if (rc == CURLM_OK) {
    rc = curl_multi_setopt(multi.get(), CURLMOPT_MAX_HOST_CONNECTIONS,
                           options.max_connections_per_host);
  }
  if (rc == CURLM_OK) {
    // Keep as many idle connections as may be open, or libcurl's cache (4 per transfer in
    // progress) closes the connections of a burst as it ends and the next burst opens new ones.
    rc = curl_multi_setopt(multi.get(), CURLMOPT_MAXCONNECTS,
                           std::max(options.max_connections_per_host, 64L));
  }
  if (rc != CURLM_OK) {
    return absl::InternalError(absl::StrCat("curl_multi_setopt: ", curl_multi_strerror(rc)));
  }
  const bool http2 = options.enable_http2 &&
                     (curl_version_info(CURLVERSION_NOW)->features & CURL_VERSION_HTTP2) != 0;
  return absl::WrapUnique(new CurlHttpClient(std::move(options), std::move(multi), http2));
}

CurlHttpClient::CurlHttpClient(CurlHttpClientOptions options, MultiPtr multi, bool http2)
    : options_(std::move(options)), http2_(http2), multi_(std::move(multi)) {
  thread_ = std::thread([this] { Run(); });
}

CurlHttpClient::~CurlHttpClient() {
  {
    absl::MutexLock lock(&mu_);
    stopping_ = true;
  }
  curl_multi_wakeup(multi_.get());
  thread_.join();
}

RequestId CurlHttpClient::Start(HttpRequest request, Callback done) {
  const RequestId id = next_id_.fetch_add(1, std::memory_order_relaxed);
  bool queued = false;
  {
    absl::MutexLock lock(&mu_);
    if (!stopping_ || options_.completions == nullptr) {
      pending_starts_.push_back(PendingStart{id, std::move(request), std::move(done)});
      queued = true;
    }
  }
  if (!queued) {
    // Stopped, and the loop may be gone: answer through the executor, never inside Start().
    options_.completions->Run([done = std::move(done)]() mutable {
      std::move(done)(absl::CancelledError("HTTP client shutting down"));
    });
    return id;
  }
  curl_multi_wakeup(multi_.get());
  return id;
}

void CurlHttpClient::Cancel(RequestId id) {
  {
    absl::MutexLock lock(&mu_);
    pending_cancels_.push_back(id);
  }
  curl_multi_wakeup(multi_.get());
}

void CurlHttpClient::Run() {
  while (DrainQueue()) {
    int running = 0;
    curl_multi_perform(multi_.get(), &running);
    ReapCompleted();
    // Returns on socket activity, a libcurl timer, or curl_multi_wakeup (which is sticky: a
    // wake-up sent before this call makes it return at once, so none is lost).
    curl_multi_poll(multi_.get(), nullptr, 0, kPollTimeoutMs, nullptr);
  }
  CancelEverything();
}

bool CurlHttpClient::DrainQueue() {
  std::vector<PendingStart> starts;
  std::vector<RequestId> cancels;
  {
    absl::MutexLock lock(&mu_);
    if (stopping_) return false;
    starts.swap(pending_starts_);
    cancels.swap(pending_cancels_);
  }
  // Starts first: a Cancel(id) can only have been queued after Start() queued id, so it is in
  // this batch or a later one, never an earlier one.
  for (PendingStart& start : starts) AddTransfer(std::move(start));
  for (RequestId id : cancels) Finish(id, absl::CancelledError("vendor request cancelled"));
  return true;
}

void CurlHttpClient::AddTransfer(PendingStart start) {
  absl::Status valid = ValidateRequest(start.request);
  if (!valid.ok()) {
    Deliver(std::move(start.done), std::move(valid));
    return;
  }
  auto transfer = std::make_unique<Transfer>();
  Transfer& t = *transfer;
  t.id = start.id;
  t.request = std::move(start.request);
  t.done = std::move(start.done);
  t.max_body_bytes = options_.max_response_bytes;
  t.is_head = t.request.method == "HEAD";
  t.easy.reset(curl_easy_init());
  if (t.easy == nullptr) {
    Deliver(std::move(t.done), absl::InternalError("curl_easy_init failed"));
    return;
  }

  // "Expect:" with no value stops libcurl from waiting for 100-continue before large bodies.
  bool has_expect = false;
  std::vector<std::string> lines;
  lines.reserve(t.request.headers.size() + 1);
  for (const Header& header : t.request.headers) {
    has_expect = has_expect || absl::EqualsIgnoreCase(header.name, "expect");
    // "Name;" is libcurl's spelling of a header with an empty value.
    lines.push_back(header.value.empty() ? absl::StrCat(header.name, ";")
                                         : absl::StrCat(header.name, ": ", header.value));
  }
  if (!has_expect) lines.push_back("Expect:");
  bool appended = true;
  for (std::string& line : lines) {
    curl_slist* head = appended ? curl_slist_append(t.header_list.get(), line.c_str()) : nullptr;
    WipeBuffer(line);  // libcurl keeps its own copy, wiped with the list.
    if (head == nullptr) {
      appended = false;
      continue;
    }
    static_cast<void>(t.header_list.release());  // `head` is the same list, now longer.
    t.header_list.reset(head);
  }
  if (!appended) {
    Deliver(std::move(t.done), absl::InternalError("curl_slist_append failed"));
    return;
  }

  using L = long;  // NOLINT(runtime/int): libcurl's option type.
  EasyOptions opt(t.easy.get());
  opt.Set(CURLOPT_PRIVATE, static_cast<void*>(&t));
  opt.Set(CURLOPT_URL, t.request.url.c_str());
  opt.Set(CURLOPT_NOSIGNAL, L{1});
  opt.Set(CURLOPT_PROTOCOLS_STR, "http,https");
  opt.Set(CURLOPT_REDIR_PROTOCOLS_STR, "http,https");
  opt.Set(CURLOPT_FOLLOWLOCATION, L{0});
  opt.Set(CURLOPT_SSL_VERIFYPEER, L{1});
  opt.Set(CURLOPT_SSL_VERIFYHOST, L{2});
  if (!options_.ca_bundle_path.empty()) opt.Set(CURLOPT_CAINFO, options_.ca_bundle_path.c_str());
  // Always set: "" makes libcurl ignore HTTPS_PROXY, ALL_PROXY and the rest of its environment.
  opt.Set(CURLOPT_PROXY, options_.proxy.c_str());
  if (http2_) {
    opt.Set(CURLOPT_HTTP_VERSION, static_cast<L>(CURL_HTTP_VERSION_2TLS));
    // Prefer waiting for a connection that may multiplex over opening a parallel one. Only for
    // https://, where ALPN settles the question at the handshake: over http:// libcurl would
    // learn it only from the first response, so a slow first request would stall the others.
    if (absl::StartsWithIgnoreCase(t.request.url, "https://")) opt.Set(CURLOPT_PIPEWAIT, L{1});
  } else {
    opt.Set(CURLOPT_HTTP_VERSION, static_cast<L>(CURL_HTTP_VERSION_1_1));
  }
  opt.Set(CURLOPT_TIMEOUT_MS, ToCurlMillis(t.request.timeout));
  opt.Set(CURLOPT_CONNECTTIMEOUT_MS, ToCurlMillis(options_.connect_timeout));
  opt.Set(CURLOPT_WRITEFUNCTION, &Transfer::OnBody);
  opt.Set(CURLOPT_WRITEDATA, static_cast<void*>(&t));
  opt.Set(CURLOPT_HEADERFUNCTION, &Transfer::OnHeader);
  opt.Set(CURLOPT_HEADERDATA, static_cast<void*>(&t));
  opt.Set(CURLOPT_HTTPHEADER, t.header_list.get());
  const std::string& method = t.request.method;
  if (t.is_head) {
    opt.Set(CURLOPT_NOBODY, L{1});
  } else if (method == "POST" || !t.request.body.empty()) {
    opt.Set(CURLOPT_POSTFIELDSIZE_LARGE, static_cast<curl_off_t>(t.request.body.size()));
    opt.Set(CURLOPT_POSTFIELDS, t.request.body.data());
    if (method != "POST") opt.Set(CURLOPT_CUSTOMREQUEST, method.c_str());
  } else if (method == "GET") {
    opt.Set(CURLOPT_HTTPGET, L{1});
  } else {
    opt.Set(CURLOPT_CUSTOMREQUEST, method.c_str());
  }
  if (opt.result() != CURLE_OK) {
    Deliver(std::move(t.done), StatusFromCurlCode(opt.result()));
    return;
  }

  const CURLMcode rc = curl_multi_add_handle(multi_.get(), t.easy.get());
  if (rc != CURLM_OK) {
    Deliver(std::move(t.done),
            absl::InternalError(absl::StrCat("curl_multi_add_handle: ", curl_multi_strerror(rc))));
    return;
  }
  transfers_.emplace(t.id, std::move(transfer));
}

void CurlHttpClient::ReapCompleted() {
  int queued = 0;
  while (CURLMsg* msg = curl_multi_info_read(multi_.get(), &queued)) {
    if (msg->msg != CURLMSG_DONE) continue;
    // Copy out before Finish(): removing the handle invalidates `msg`.
    const CURLcode code = msg->data.result;
    void* priv = nullptr;
    curl_easy_getinfo(msg->easy_handle, CURLINFO_PRIVATE, &priv);
    auto* transfer = static_cast<Transfer*>(priv);
    Finish(transfer->id, transfer->Result(code));
  }
}

void CurlHttpClient::Finish(RequestId id, absl::StatusOr<HttpResponse> result) {
  auto it = transfers_.find(id);
  if (it == transfers_.end()) return;  // Already finished, or never started.
  std::unique_ptr<Transfer> transfer = std::move(it->second);
  transfers_.erase(it);
  long connects = 0;  // NOLINT(runtime/int): libcurl writes a long.
  if (curl_easy_getinfo(transfer->easy.get(), CURLINFO_NUM_CONNECTS, &connects) == CURLE_OK) {
    connections_opened_.fetch_add(connects, std::memory_order_relaxed);
  }
  curl_multi_remove_handle(multi_.get(), transfer->easy.get());
  Callback done = std::move(transfer->done);
  // Release the handle first: the callback may Start() again, and memory should not pile up.
  transfer.reset();
  Deliver(std::move(done), std::move(result));
}

void CurlHttpClient::Deliver(Callback done, absl::StatusOr<HttpResponse> result) {
  if (options_.completions == nullptr || shutting_down_) {
    std::move(done)(std::move(result));
    return;
  }
  options_.completions->Run([done = std::move(done), result = std::move(result)]() mutable {
    std::move(done)(std::move(result));
  });
}

void CurlHttpClient::CancelEverything() {
  // From here callbacks run inline, so that requests they start are still answered below.
  shutting_down_ = true;
  while (!transfers_.empty()) {
    Finish(transfers_.begin()->first, absl::CancelledError("HTTP client shutting down"));
  }
  // Callbacks above may have queued new requests; keep going until nothing is left.
  while (true) {
    std::vector<PendingStart> starts;
    {
      absl::MutexLock lock(&mu_);
      starts.swap(pending_starts_);
      pending_cancels_.clear();
    }
    if (starts.empty()) break;
    for (PendingStart& start : starts) {
      std::move(start.done)(absl::CancelledError("HTTP client shutting down"));
    }
  }
}

}  // namespace fpgw::http
