// Tests for CurlHttpClient against a real HTTP server (civetweb) on 127.0.0.1, port chosen by the
// kernel. Each test names one behaviour of the HttpClient contract and asserts codes and fields.
#include "http/curl_http_client.h"

#include <arpa/inet.h>
#include <civetweb.h>
#include <netinet/in.h>
#include <sys/socket.h>
#include <unistd.h>

#include <algorithm>
#include <atomic>
#include <cstdint>
#include <cstdio>
#include <cstring>
#include <fstream>
#include <map>
#include <memory>
#include <string>
#include <thread>
#include <utility>
#include <vector>

#include "absl/status/status.h"
#include "absl/strings/ascii.h"
#include "absl/strings/match.h"
#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "absl/synchronization/mutex.h"
#include "absl/synchronization/notification.h"
#include "absl/time/clock.h"
#include "absl/time/time.h"
#include "async/thread_pool.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"

namespace fpgw::http {
namespace {

using ::testing::HasSubstr;
using ::testing::Not;

// Bound for "the callback came at all": far above any expected latency, it only stops a hang.
constexpr absl::Duration kNoHang = absl::Seconds(30);
// How long /slow holds a request unless the server is torn down first.
constexpr absl::Duration kSlowHold = absl::Seconds(60);

constexpr char kSecretQuery[] = "SECRETQUERYVALUE";
constexpr char kSecretHeader[] = "SECRETHEADERVALUE";

// A civetweb server on 127.0.0.1 with the handlers the tests need:
//   /hello             200, fixed headers and body
//   /echo              200, echoes method, body and the X-Custom header
//   /status?code=N     status N with body "nope"
//   /sized?n=N&mode=M&tag=T  N bytes of body; M = length (Content-Length), chunked, or
//                      short (announces N bytes, sends 10 and stops)
//   /slow              waits until ReleaseSlow() (or kSlowHold), then 200
// One server serves the whole suite: civetweb's mg_stop() takes seconds once it has served a
// connection. Reset() gives each test fresh counters.
class TestServer {
 public:
  TestServer() {
    mg_init_library(0);
    mg_callbacks callbacks{};
    callbacks.init_connection = &TestServer::OnInitConnection;
    // clang-format off
    const char* options[] = {
        "listening_ports", "127.0.0.1:0",
        "num_threads", "80",
        "enable_keep_alive", "yes",
        "keep_alive_timeout_ms", "5000",
        // Headers and body go out in separate writes; without this, Nagle plus delayed ACKs add
        // 40 ms to every request on a reused connection.
        "tcp_nodelay", "1",
        nullptr};
    // clang-format on
    ctx_ = mg_start(&callbacks, this, options);
    if (ctx_ == nullptr) return;
    mg_server_port ports[4] = {};
    const int n = mg_get_server_ports(ctx_, 4, ports);
    if (n >= 1) port_ = ports[0].port;
    mg_set_request_handler(ctx_, "/hello", &TestServer::Hello, this);
    mg_set_request_handler(ctx_, "/echo", &TestServer::Echo, this);
    mg_set_request_handler(ctx_, "/status", &TestServer::Status, this);
    mg_set_request_handler(ctx_, "/sized", &TestServer::Sized, this);
    mg_set_request_handler(ctx_, "/slow", &TestServer::Slow, this);
  }

  ~TestServer() {
    ReleaseSlow();
    if (ctx_ != nullptr) mg_stop(ctx_);
    mg_exit_library();
  }

  // Lets every /slow request held so far respond.
  void ReleaseSlow() {
    absl::MutexLock lock(&mu_);
    ++slow_generation_;
  }

  // Zeroes the counters.
  void Reset() {
    absl::MutexLock lock(&mu_);
    slow_arrivals_ = 0;
    connections_accepted_.store(0);
  }

  bool ok() const { return ctx_ != nullptr && port_ > 0; }
  int port() const { return port_; }
  std::string Url(absl::string_view path_and_query) const {
    return absl::StrCat("http://127.0.0.1:", port_, path_and_query);
  }

  // Connections the server has accepted so far.
  int connections_accepted() const { return connections_accepted_.load(); }

  // Waits until at least `n` requests have reached /slow.
  bool WaitForSlowRequests(int n) {
    absl::MutexLock lock(&mu_);
    auto arrived = [this, n]() ABSL_EXCLUSIVE_LOCKS_REQUIRED(mu_) { return slow_arrivals_ >= n; };
    return mu_.AwaitWithTimeout(absl::Condition(&arrived), kNoHang);
  }

  // Waits until the /sized handler for `tag` has returned, and gives the body bytes it managed
  // to send.
  bool WaitForSizedDone(const std::string& tag, int64_t* bytes_sent) {
    absl::MutexLock lock(&mu_);
    auto done = [this, &tag]()
                    ABSL_EXCLUSIVE_LOCKS_REQUIRED(mu_) { return sized_bytes_sent_.count(tag) > 0; };
    if (!mu_.AwaitWithTimeout(absl::Condition(&done), kNoHang)) return false;
    *bytes_sent = sized_bytes_sent_[tag];
    return true;
  }

 private:
  static TestServer* Self(const mg_connection* conn) {
    return static_cast<TestServer*>(mg_get_user_data(mg_get_context(conn)));
  }

  static int OnInitConnection(const mg_connection* conn, void** /*conn_data*/) {
    Self(conn)->connections_accepted_.fetch_add(1);
    return 0;
  }

  static std::string ReadBody(mg_connection* conn) {
    std::string body;
    char buf[8192];
    int n;
    while ((n = mg_read(conn, buf, sizeof(buf))) > 0) body.append(buf, static_cast<size_t>(n));
    return body;
  }

  static std::string QueryVar(mg_connection* conn, const char* name) {
    const char* query = mg_get_request_info(conn)->query_string;
    if (query == nullptr) return "";
    char value[64] = {};
    if (mg_get_var(query, strlen(query), name, value, sizeof(value)) < 0) return "";
    return value;
  }

  static void Respond(mg_connection* conn, int status, absl::string_view body,
                      const std::vector<std::pair<std::string, std::string>>& headers = {}) {
    mg_response_header_start(conn, status);
    for (const auto& [name, value] : headers) {
      mg_response_header_add(conn, name.c_str(), value.c_str(), -1);
    }
    mg_response_header_add(conn, "Content-Length", std::to_string(body.size()).c_str(), -1);
    mg_response_header_send(conn);
    mg_write(conn, body.data(), body.size());
  }

  static int Hello(mg_connection* conn, void* /*cbdata*/) {
    Respond(conn, 200, "hello world", {{"Content-Type", "text/plain"}, {"X-Test", "Yes"}});
    return 200;
  }

  static int Echo(mg_connection* conn, void* /*cbdata*/) {
    const std::string body = ReadBody(conn);
    const char* custom = mg_get_header(conn, "X-Custom");
    Respond(conn, 200, body,
            {{"X-Method", mg_get_request_info(conn)->request_method},
             {"X-Echo-Custom", custom == nullptr ? "<none>" : custom}});
    return 200;
  }

  static int Status(mg_connection* conn, void* /*cbdata*/) {
    int code = 500;
    if (!absl::SimpleAtoi(QueryVar(conn, "code"), &code)) code = 500;
    Respond(conn, code, "nope");
    return code;
  }

  static int Sized(mg_connection* conn, void* /*cbdata*/) {
    TestServer* self = Self(conn);
    int64_t n = 0;
    if (!absl::SimpleAtoi(QueryVar(conn, "n"), &n)) n = 0;
    const bool chunked = QueryVar(conn, "mode") == "chunked";
    mg_response_header_start(conn, 200);
    if (chunked) {
      mg_response_header_add(conn, "Transfer-Encoding", "chunked", -1);
    } else {
      mg_response_header_add(conn, "Content-Length", std::to_string(n).c_str(), -1);
    }
    mg_response_header_send(conn);
    const std::string chunk(64 * 1024, 'x');
    int64_t sent = 0;
    const int64_t send_limit = QueryVar(conn, "mode") == "short" ? std::min<int64_t>(n, 10) : n;
    while (sent < send_limit) {
      const size_t len = static_cast<size_t>(std::min<int64_t>(send_limit - sent, chunk.size()));
      const int rc = chunked ? mg_send_chunk(conn, chunk.data(), static_cast<unsigned>(len))
                             : mg_write(conn, chunk.data(), len);
      if (rc <= 0) break;
      sent += static_cast<int64_t>(len);
    }
    if (chunked && sent == n) mg_send_chunk(conn, "", 0);
    absl::MutexLock lock(&self->mu_);
    self->sized_bytes_sent_[QueryVar(conn, "tag")] = sent;
    return 200;
  }

  static int Slow(mg_connection* conn, void* /*cbdata*/) {
    TestServer* self = Self(conn);
    {
      absl::MutexLock lock(&self->mu_);
      ++self->slow_arrivals_;
      // Simulates a vendor that takes its time, until the test is over.
      const int generation = self->slow_generation_;
      auto released = [self, generation]() ABSL_EXCLUSIVE_LOCKS_REQUIRED(self->mu_) {
        return self->slow_generation_ != generation;
      };
      self->mu_.AwaitWithTimeout(absl::Condition(&released), kSlowHold);
    }
    Respond(conn, 200, "late");
    return 200;
  }

  mg_context* ctx_ = nullptr;
  int port_ = 0;
  std::atomic<int> connections_accepted_{0};
  absl::Mutex mu_;
  int slow_arrivals_ ABSL_GUARDED_BY(mu_) = 0;
  int slow_generation_ ABSL_GUARDED_BY(mu_) = 0;
  std::map<std::string, int64_t> sized_bytes_sent_ ABSL_GUARDED_BY(mu_);
};

// What one callback delivered. Shared so that a late callback after a failed wait stays safe.
struct Outcome {
  absl::Notification done;
  absl::StatusOr<HttpResponse> result;
  std::thread::id thread;
  std::atomic<int> calls{0};
};

HttpClient::Callback Capture(std::shared_ptr<Outcome> outcome) {
  return [outcome](absl::StatusOr<HttpResponse> result) {
    outcome->result = std::move(result);
    outcome->thread = std::this_thread::get_id();
    if (outcome->calls.fetch_add(1) == 0) outcome->done.Notify();
  };
}

HttpRequest Get(std::string url, absl::Duration timeout = absl::Seconds(10)) {
  HttpRequest request;
  request.url = std::move(url);
  request.timeout = timeout;
  return request;
}

// Sends `request` and waits for its callback.
absl::StatusOr<HttpResponse> Fetch(HttpClient& client, HttpRequest request) {
  auto outcome = std::make_shared<Outcome>();
  client.Start(std::move(request), Capture(outcome));
  if (!outcome->done.WaitForNotificationWithTimeout(kNoHang)) {
    return absl::InternalError("test: callback never ran");
  }
  return std::move(outcome->result);
}

// A 127.0.0.1 port that refuses connections: bound (so nobody else takes it) but not listening.
class RefusingPort {
 public:
  RefusingPort() {
    fd_ = socket(AF_INET, SOCK_STREAM, 0);
    sockaddr_in addr{};
    addr.sin_family = AF_INET;
    addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    socklen_t len = sizeof(addr);
    if (bind(fd_, reinterpret_cast<sockaddr*>(&addr), sizeof(addr)) == 0 &&
        getsockname(fd_, reinterpret_cast<sockaddr*>(&addr), &len) == 0) {
      port_ = ntohs(addr.sin_port);
    }
  }
  ~RefusingPort() { close(fd_); }
  int port() const { return port_; }

 private:
  int fd_ = -1;
  int port_ = 0;
};

// Peak resident set size (VmHWM) in bytes, or -1.
int64_t PeakRssBytes() {
  std::ifstream status("/proc/self/status");
  std::string line;
  while (std::getline(status, line)) {
    if (absl::StartsWith(line, "VmHWM:")) {
      int64_t kb = 0;
      std::string digits;
      for (char c : line) {
        if (c >= '0' && c <= '9') digits.push_back(c);
      }
      if (absl::SimpleAtoi(digits, &kb)) return kb * 1024;
    }
  }
  return -1;
}

// Resets VmHWM to the current RSS (Linux >= 4.0). False when not permitted.
bool ResetPeakRss() {
  std::ofstream clear_refs("/proc/self/clear_refs");
  clear_refs << "5";
  clear_refs.flush();
  return clear_refs.good();
}

class CurlHttpClientTest : public ::testing::Test {
 protected:
  static void SetUpTestSuite() { server_ = new TestServer(); }
  static void TearDownTestSuite() {
    delete server_;
    server_ = nullptr;
  }

  void SetUp() override {
    ASSERT_TRUE(server_->ok()) << "civetweb did not start or did not report its port";
    server_->Reset();
    client_ = NewClient(CurlHttpClientOptions{});
  }

  void TearDown() override {
    client_.reset();
    server_->ReleaseSlow();
  }

  static std::unique_ptr<CurlHttpClient> NewClient(CurlHttpClientOptions options) {
    auto client = CurlHttpClient::Create(std::move(options));
    EXPECT_TRUE(client.ok()) << client.status();
    return client.ok() ? *std::move(client) : nullptr;
  }

  static TestServer* server_;
  std::unique_ptr<CurlHttpClient> client_;
};

TestServer* CurlHttpClientTest::server_ = nullptr;

TEST_F(CurlHttpClientTest, GetReturnsStatusHeadersAndBody) {
  auto outcome = std::make_shared<Outcome>();
  client_->Start(Get(server_->Url("/hello")), Capture(outcome));
  ASSERT_TRUE(outcome->done.WaitForNotificationWithTimeout(kNoHang));

  ASSERT_TRUE(outcome->result.ok()) << outcome->result.status();
  const HttpResponse& response = *outcome->result;
  EXPECT_EQ(response.status_code, 200);
  EXPECT_EQ(response.body, "hello world");
  EXPECT_EQ(response.http_version, 1);
  ASSERT_NE(response.FindHeader("x-test"), nullptr);
  EXPECT_EQ(*response.FindHeader("X-TEST"), "Yes");
  ASSERT_NE(response.FindHeader("Content-Type"), nullptr);
  EXPECT_EQ(*response.FindHeader("content-type"), "text/plain");
  EXPECT_EQ(response.FindHeader("x-absent"), nullptr);
  for (const Header& header : response.headers) {
    EXPECT_EQ(header.name, absl::AsciiStrToLower(header.name));
  }
  // The callback runs on the client's loop thread, not the caller's.
  EXPECT_NE(outcome->thread, std::this_thread::get_id());
  EXPECT_EQ(outcome->calls.load(), 1);
}

TEST_F(CurlHttpClientTest, PostSendsBodyAndHeaders) {
  HttpRequest request = Get(server_->Url("/echo"));
  request.method = "POST";
  request.body = std::string(100 * 1024, 'b') + "{\"k\":1}";
  request.headers.push_back({"X-Custom", "custom-value"});
  request.headers.push_back({"Content-Type", "application/json"});
  absl::StatusOr<HttpResponse> response = Fetch(*client_, request);

  ASSERT_TRUE(response.ok()) << response.status();
  EXPECT_EQ(response->status_code, 200);
  EXPECT_EQ(response->body, request.body);
  ASSERT_NE(response->FindHeader("x-method"), nullptr);
  EXPECT_EQ(*response->FindHeader("x-method"), "POST");
  ASSERT_NE(response->FindHeader("x-echo-custom"), nullptr);
  EXPECT_EQ(*response->FindHeader("x-echo-custom"), "custom-value");
}

TEST_F(CurlHttpClientTest, CustomMethodWithBody) {
  HttpRequest request = Get(server_->Url("/echo"));
  request.method = "PUT";
  request.body = "put-body";
  absl::StatusOr<HttpResponse> response = Fetch(*client_, request);

  ASSERT_TRUE(response.ok()) << response.status();
  EXPECT_EQ(response->body, "put-body");
  ASSERT_NE(response->FindHeader("x-method"), nullptr);
  EXPECT_EQ(*response->FindHeader("x-method"), "PUT");
}

TEST_F(CurlHttpClientTest, HttpErrorStatusesAreData) {
  for (int code : {400, 404, 429, 500, 503}) {
    absl::StatusOr<HttpResponse> response =
        Fetch(*client_, Get(server_->Url(absl::StrCat("/status?code=", code))));
    ASSERT_TRUE(response.ok()) << code << ": " << response.status();
    EXPECT_EQ(response->status_code, code);
    EXPECT_EQ(response->body, "nope");
  }
}

TEST_F(CurlHttpClientTest, TimeoutGivesDeadlineExceeded) {
  const absl::Time start = absl::Now();
  absl::StatusOr<HttpResponse> response =
      Fetch(*client_, Get(server_->Url("/slow"), absl::Milliseconds(300)));

  EXPECT_EQ(response.status().code(), absl::StatusCode::kDeadlineExceeded) << response.status();
  EXPECT_LT(absl::Now() - start, absl::Seconds(10));
}

TEST_F(CurlHttpClientTest, NonPositiveTimeoutFailsWithoutSending) {
  absl::StatusOr<HttpResponse> response =
      Fetch(*client_, Get(server_->Url("/hello"), absl::ZeroDuration()));

  EXPECT_EQ(response.status().code(), absl::StatusCode::kDeadlineExceeded) << response.status();
  EXPECT_EQ(server_->connections_accepted(), 0);
}

TEST_F(CurlHttpClientTest, CancelInFlightRequestGivesCancelledPromptly) {
  auto outcome = std::make_shared<Outcome>();
  const RequestId id =
      client_->Start(Get(server_->Url("/slow"), absl::Seconds(50)), Capture(outcome));
  ASSERT_TRUE(server_->WaitForSlowRequests(1));
  const absl::Time start = absl::Now();
  client_->Cancel(id);

  ASSERT_TRUE(outcome->done.WaitForNotificationWithTimeout(absl::Seconds(10)));
  EXPECT_EQ(outcome->result.status().code(), absl::StatusCode::kCancelled);
  EXPECT_LT(absl::Now() - start, absl::Seconds(10));

  // Cancelling again, or an id never issued, is ignored; the callback stays at one call.
  client_->Cancel(id);
  client_->Cancel(id + 1000);
  ASSERT_TRUE(Fetch(*client_, Get(server_->Url("/hello"))).ok());
  EXPECT_EQ(outcome->calls.load(), 1);
}

TEST_F(CurlHttpClientTest, CancelRightAfterStartGivesCancelled) {
  auto outcome = std::make_shared<Outcome>();
  const RequestId id =
      client_->Start(Get(server_->Url("/slow"), absl::Seconds(50)), Capture(outcome));
  client_->Cancel(id);

  ASSERT_TRUE(outcome->done.WaitForNotificationWithTimeout(absl::Seconds(10)));
  EXPECT_EQ(outcome->result.status().code(), absl::StatusCode::kCancelled);
}

TEST_F(CurlHttpClientTest, CancelAfterCompletionIsIgnored) {
  auto outcome = std::make_shared<Outcome>();
  const RequestId id = client_->Start(Get(server_->Url("/hello")), Capture(outcome));
  ASSERT_TRUE(outcome->done.WaitForNotificationWithTimeout(kNoHang));
  client_->Cancel(id);
  ASSERT_TRUE(Fetch(*client_, Get(server_->Url("/hello"))).ok());

  EXPECT_TRUE(outcome->result.ok()) << outcome->result.status();
  EXPECT_EQ(outcome->calls.load(), 1);
}

TEST_F(CurlHttpClientTest, ChunkedBodyOverCapGivesOutOfRangeWithBoundedMemory) {
  constexpr size_t kCap = 1024 * 1024;
  constexpr int64_t kServed = 50 * 1024 * 1024;
  CurlHttpClientOptions options;
  options.max_response_bytes = kCap;
  std::unique_ptr<CurlHttpClient> client = NewClient(options);
  ASSERT_NE(client, nullptr);
  const bool can_measure = ResetPeakRss();
  const int64_t peak_before = PeakRssBytes();

  absl::StatusOr<HttpResponse> response = Fetch(
      *client,
      Get(server_->Url(absl::StrCat("/sized?tag=chunked-over-cap&mode=chunked&n=", kServed))));

  EXPECT_EQ(response.status().code(), absl::StatusCode::kOutOfRange) << response.status();
  EXPECT_EQ(response.status().message(), "vendor response exceeds 1048576 bytes");
  // The client stopped reading early instead of draining all 50 MiB.
  int64_t server_sent = 0;
  ASSERT_TRUE(server_->WaitForSizedDone("chunked-over-cap", &server_sent));
  EXPECT_LT(server_sent, kServed);
  if (can_measure && peak_before > 0) {
    // Far below the 50 MiB served; allows for socket buffers, the 1 MiB body and allocator slack.
    EXPECT_LT(PeakRssBytes() - peak_before, 24 * 1024 * 1024);
  }
}

TEST_F(CurlHttpClientTest, DeclaredContentLengthOverCapFailsBeforeTheBody) {
  CurlHttpClientOptions options;
  options.max_response_bytes = 1024 * 1024;
  std::unique_ptr<CurlHttpClient> client = NewClient(options);
  ASSERT_NE(client, nullptr);
  // The server announces 50 MiB but sends 10 bytes and then nothing: only a client that acts on
  // Content-Length fails at once; one that waits for the body runs into the timeout.
  absl::StatusOr<HttpResponse> response =
      Fetch(*client, Get(server_->Url("/sized?mode=short&n=52428800"), absl::Seconds(20)));

  EXPECT_EQ(response.status().code(), absl::StatusCode::kOutOfRange) << response.status();
  EXPECT_EQ(response.status().message(), "vendor response exceeds 1048576 bytes");
}

TEST_F(CurlHttpClientTest, BodyExactlyAtCapIsAccepted) {
  CurlHttpClientOptions options;
  options.max_response_bytes = 100000;
  std::unique_ptr<CurlHttpClient> client = NewClient(options);
  ASSERT_NE(client, nullptr);

  for (const char* mode : {"length", "chunked"}) {
    absl::StatusOr<HttpResponse> at_cap =
        Fetch(*client, Get(server_->Url(absl::StrCat("/sized?n=100000&mode=", mode))));
    ASSERT_TRUE(at_cap.ok()) << mode << ": " << at_cap.status();
    EXPECT_EQ(at_cap->body.size(), 100000u);

    absl::StatusOr<HttpResponse> over =
        Fetch(*client, Get(server_->Url(absl::StrCat("/sized?n=100001&mode=", mode))));
    EXPECT_EQ(over.status().code(), absl::StatusCode::kOutOfRange) << mode;
  }
}

TEST_F(CurlHttpClientTest, HeadIgnoresDeclaredLength) {
  CurlHttpClientOptions options;
  options.max_response_bytes = 1024;
  std::unique_ptr<CurlHttpClient> client = NewClient(options);
  ASSERT_NE(client, nullptr);
  HttpRequest request = Get(server_->Url("/sized?mode=length&n=52428800"));
  request.method = "HEAD";

  absl::StatusOr<HttpResponse> response = Fetch(*client, request);

  ASSERT_TRUE(response.ok()) << response.status();
  EXPECT_EQ(response->status_code, 200);
  EXPECT_TRUE(response->body.empty());
}

TEST_F(CurlHttpClientTest, ConnectionRefusedGivesUnavailable) {
  RefusingPort refusing;
  ASSERT_GT(refusing.port(), 0);

  absl::StatusOr<HttpResponse> response =
      Fetch(*client_, Get(absl::StrCat("http://127.0.0.1:", refusing.port(), "/x")));

  EXPECT_EQ(response.status().code(), absl::StatusCode::kUnavailable) << response.status();
}

TEST_F(CurlHttpClientTest, SequentialRequestsReuseOneConnection) {
  ASSERT_TRUE(Fetch(*client_, Get(server_->Url("/hello"))).ok());
  ASSERT_TRUE(Fetch(*client_, Get(server_->Url("/hello"))).ok());
  ASSERT_TRUE(Fetch(*client_, Get(server_->Url("/echo"))).ok());

  EXPECT_EQ(client_->connections_opened(), 1);
  EXPECT_EQ(server_->connections_accepted(), 1);
}

TEST_F(CurlHttpClientTest, ManyConcurrentRequestsAllComplete) {
  constexpr int kRequests = 200;
  std::vector<std::shared_ptr<Outcome>> outcomes;
  for (int i = 0; i < kRequests; ++i) {
    HttpRequest request = Get(server_->Url("/echo"), absl::Seconds(60));
    request.method = "POST";
    request.body = absl::StrCat("request-", i);
    outcomes.push_back(std::make_shared<Outcome>());
    client_->Start(std::move(request), Capture(outcomes.back()));
  }

  for (int i = 0; i < kRequests; ++i) {
    ASSERT_TRUE(outcomes[i]->done.WaitForNotificationWithTimeout(kNoHang)) << i;
    ASSERT_TRUE(outcomes[i]->result.ok()) << i << ": " << outcomes[i]->result.status();
    EXPECT_EQ(outcomes[i]->result->status_code, 200);
    EXPECT_EQ(outcomes[i]->result->body, absl::StrCat("request-", i));
    EXPECT_EQ(outcomes[i]->calls.load(), 1);
  }
  // Connections are pooled: never more than the per-host limit, however many requests.
  EXPECT_LE(client_->connections_opened(), CurlHttpClientOptions{}.max_connections_per_host);
}

TEST_F(CurlHttpClientTest, RequestsStartedFromCallbacksRun) {
  auto second = std::make_shared<Outcome>();
  HttpClient* client = client_.get();
  const std::string url = server_->Url("/hello");
  client_->Start(Get(url), [client, url, second](absl::StatusOr<HttpResponse> first) {
    if (first.ok()) client->Start(Get(url), Capture(second));
  });

  ASSERT_TRUE(second->done.WaitForNotificationWithTimeout(kNoHang));
  EXPECT_TRUE(second->result.ok()) << second->result.status();
}

// An executor that counts the callbacks handed to it and runs them on a pool.
class CountingExecutor final : public async::Executor {
 public:
  void Run(absl::AnyInvocable<void() &&> task) override {
    runs_.fetch_add(1);
    pool_.Run(std::move(task));
  }
  int runs() const { return runs_.load(); }

 private:
  std::atomic<int> runs_{0};
  async::ThreadPool pool_{2};
};

TEST_F(CurlHttpClientTest, CallbacksRunOnTheCompletionsExecutorNotTheLoop) {
  CountingExecutor executor;
  CurlHttpClientOptions options;
  options.completions = &executor;
  std::unique_ptr<CurlHttpClient> client = NewClient(options);
  constexpr int kRequests = 20;
  std::vector<std::shared_ptr<Outcome>> outcomes;
  for (int i = 0; i < kRequests; ++i) {
    outcomes.push_back(std::make_shared<Outcome>());
    client->Start(Get(server_->Url("/hello")), Capture(outcomes.back()));
  }
  for (const auto& outcome : outcomes) {
    ASSERT_TRUE(outcome->done.WaitForNotificationWithTimeout(kNoHang));
    EXPECT_TRUE(outcome->result.ok()) << outcome->result.status();
  }
  EXPECT_EQ(executor.runs(), kRequests);
}

TEST_F(CurlHttpClientTest, DestructorCancelsEveryPendingRequest) {
  constexpr int kInFlight = 5;
  std::vector<std::shared_ptr<Outcome>> outcomes;
  for (int i = 0; i < kInFlight; ++i) {
    outcomes.push_back(std::make_shared<Outcome>());
    client_->Start(Get(server_->Url("/slow"), absl::Seconds(50)), Capture(outcomes.back()));
  }
  ASSERT_TRUE(server_->WaitForSlowRequests(kInFlight));
  // One more that the loop may not even have picked up yet.
  outcomes.push_back(std::make_shared<Outcome>());
  client_->Start(Get(server_->Url("/slow"), absl::Seconds(50)), Capture(outcomes.back()));

  const absl::Time start = absl::Now();
  client_.reset();
  EXPECT_LT(absl::Now() - start, absl::Seconds(10));

  // Every callback has run by the time the destructor returns.
  for (const auto& outcome : outcomes) {
    ASSERT_TRUE(outcome->done.HasBeenNotified());
    EXPECT_EQ(outcome->result.status().code(), absl::StatusCode::kCancelled);
    EXPECT_EQ(outcome->calls.load(), 1);
  }
}

TEST_F(CurlHttpClientTest, ErrorMessagesNeverContainSecrets) {
  RefusingPort refusing;
  ASSERT_GT(refusing.port(), 0);
  const std::string query = absl::StrCat("?api_key=", kSecretQuery);
  std::vector<HttpRequest> requests;
  // Connection refused.
  requests.push_back(Get(absl::StrCat("http://127.0.0.1:", refusing.port(), "/v1", query)));
  // Timeout.
  requests.push_back(Get(server_->Url(absl::StrCat("/slow", query)), absl::Milliseconds(200)));
  // Malformed URL (port out of range) and a scheme that is not allowed.
  requests.push_back(Get(absl::StrCat("http://127.0.0.1:99999/v1", query)));
  requests.push_back(Get(absl::StrCat("ftp://127.0.0.1/v1", query)));
  // A header value that would inject a request line.
  requests.push_back(Get(server_->Url(absl::StrCat("/hello", query))));
  requests.back().headers.push_back({"X-Api-Key", absl::StrCat(kSecretHeader, "\r\nX-Evil: 1")});

  const std::vector<absl::StatusCode> expected = {
      absl::StatusCode::kUnavailable, absl::StatusCode::kDeadlineExceeded,
      absl::StatusCode::kInvalidArgument, absl::StatusCode::kInvalidArgument,
      absl::StatusCode::kInvalidArgument};
  for (size_t i = 0; i < requests.size(); ++i) {
    requests[i].headers.push_back({"Authorization", absl::StrCat("Bearer ", kSecretHeader)});
    absl::StatusOr<HttpResponse> response = Fetch(*client_, requests[i]);
    EXPECT_EQ(response.status().code(), expected[i]) << i << ": " << response.status();
    EXPECT_THAT(response.status().ToString(), Not(HasSubstr(kSecretQuery))) << i;
    EXPECT_THAT(response.status().ToString(), Not(HasSubstr(kSecretHeader))) << i;
    EXPECT_THAT(response.status().ToString(), Not(HasSubstr("127.0.0.1"))) << i;
  }
}

TEST_F(CurlHttpClientTest, InvalidMethodGivesInvalidArgument) {
  HttpRequest request = Get(server_->Url("/hello"));
  request.method = "GET /other HTTP/1.1\r\n";

  absl::StatusOr<HttpResponse> response = Fetch(*client_, request);

  EXPECT_EQ(response.status().code(), absl::StatusCode::kInvalidArgument) << response.status();
  EXPECT_EQ(server_->connections_accepted(), 0);
}

TEST(CurlHttpClientCreateTest, RejectsInvalidOptions) {
  CurlHttpClientOptions zero_cap;
  zero_cap.max_response_bytes = 0;
  EXPECT_EQ(CurlHttpClient::Create(zero_cap).status().code(), absl::StatusCode::kInvalidArgument);

  CurlHttpClientOptions zero_connect;
  zero_connect.connect_timeout = absl::ZeroDuration();
  EXPECT_EQ(CurlHttpClient::Create(zero_connect).status().code(),
            absl::StatusCode::kInvalidArgument);

  CurlHttpClientOptions negative_connections;
  negative_connections.max_connections_per_host = -1;
  EXPECT_EQ(CurlHttpClient::Create(negative_connections).status().code(),
            absl::StatusCode::kInvalidArgument);

  CurlHttpClientOptions missing_ca;
  missing_ca.ca_bundle_path = "/nonexistent/fpgw-test-ca.pem";
  EXPECT_EQ(CurlHttpClient::Create(missing_ca).status().code(), absl::StatusCode::kInvalidArgument);
}

// The CA bundle is handed to libcurl: an unparsable one fails every https:// request before any
// TLS handshake. (Successful verification against a private CA is covered by the sandbox tests.)
TEST_F(CurlHttpClientTest, UnparsableCaBundleGivesFailedPrecondition) {
  const std::string ca_path = absl::StrCat(::testing::TempDir(), "/fpgw-garbage-ca.pem");
  {
    std::ofstream ca(ca_path);
    ca << "this is not a certificate\n";
  }
  CurlHttpClientOptions options;
  options.ca_bundle_path = ca_path;
  std::unique_ptr<CurlHttpClient> client = NewClient(options);
  ASSERT_NE(client, nullptr);

  absl::StatusOr<HttpResponse> response =
      Fetch(*client, Get(absl::StrCat("https://127.0.0.1:", server_->port(), "/hello")));

  EXPECT_EQ(response.status().code(), absl::StatusCode::kFailedPrecondition) << response.status();
  std::remove(ca_path.c_str());
}

TEST(StatusFromCurlCodeTest, MapsTransportFailures) {
  EXPECT_TRUE(StatusFromCurlCode(CURLE_OK).ok());
  EXPECT_EQ(StatusFromCurlCode(CURLE_OPERATION_TIMEDOUT).code(),
            absl::StatusCode::kDeadlineExceeded);
  for (CURLcode code : {CURLE_COULDNT_RESOLVE_HOST, CURLE_COULDNT_CONNECT, CURLE_SSL_CONNECT_ERROR,
                        CURLE_PEER_FAILED_VERIFICATION, CURLE_RECV_ERROR, CURLE_SEND_ERROR,
                        CURLE_PARTIAL_FILE, CURLE_GOT_NOTHING, CURLE_HTTP2, CURLE_HTTP2_STREAM}) {
    EXPECT_EQ(StatusFromCurlCode(code).code(), absl::StatusCode::kUnavailable) << code;
  }
  EXPECT_EQ(StatusFromCurlCode(CURLE_URL_MALFORMAT).code(), absl::StatusCode::kInvalidArgument);
  EXPECT_EQ(StatusFromCurlCode(CURLE_UNSUPPORTED_PROTOCOL).code(),
            absl::StatusCode::kInvalidArgument);
  EXPECT_EQ(StatusFromCurlCode(CURLE_ABORTED_BY_CALLBACK).code(), absl::StatusCode::kCancelled);
  EXPECT_EQ(StatusFromCurlCode(CURLE_OUT_OF_MEMORY).code(), absl::StatusCode::kInternal);
  EXPECT_EQ(StatusFromCurlCode(CURLE_COULDNT_CONNECT).message(),
            absl::StrCat("vendor request failed: ", curl_easy_strerror(CURLE_COULDNT_CONNECT)));
}

TEST(HttpResponseTest, FindHeaderIsCaseInsensitiveAndReturnsTheFirst) {
  HttpResponse response;
  response.headers = {{"set-cookie", "a"}, {"content-type", "text/html"}, {"set-cookie", "b"}};

  ASSERT_NE(response.FindHeader("Set-Cookie"), nullptr);
  EXPECT_EQ(*response.FindHeader("Set-Cookie"), "a");
  ASSERT_NE(response.FindHeader("CONTENT-TYPE"), nullptr);
  EXPECT_EQ(*response.FindHeader("CONTENT-TYPE"), "text/html");
  EXPECT_EQ(response.FindHeader("content-length"), nullptr);
}

}  // namespace
}  // namespace fpgw::http
