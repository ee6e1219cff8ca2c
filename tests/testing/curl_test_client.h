// A small blocking libcurl client for the sandbox tests (the core's and every vendor module's):
// TLS peer and host verification on, the sandbox's CA as the only trust anchor, one reusable easy
// handle (so keep-alive is observable).
#ifndef FPGW_TESTS_TESTING_CURL_TEST_CLIENT_H_
#define FPGW_TESTS_TESTING_CURL_TEST_CLIENT_H_

#include <curl/curl.h>

#include <map>
#include <memory>
#include <string>
#include <vector>

#include "absl/strings/ascii.h"
#include "absl/strings/match.h"
#include "absl/strings/string_view.h"
#include "absl/strings/strip.h"

namespace fpgw::testing {

struct CurlResponse {
  CURLcode code = CURLE_OK;
  long status = 0;
  std::string body;
  // Lower-cased header names; last value wins.
  std::map<std::string, std::string> headers;
  long num_connects = 0;
  // Body bytes received (also counted when the body is discarded).
  size_t body_bytes = 0;
  double total_seconds = 0;
};

struct CurlRequest {
  std::string method = "GET";
  std::string url;
  std::vector<std::string> headers;
  std::string body;
  // Count the body without keeping it (for the oversized scenario).
  bool discard_body = false;
  long timeout_ms = 30000;
};

class CurlTestClient final {
 public:
  // `ca_cert_path` empty: curl's default trust store.
  explicit CurlTestClient(std::string ca_cert_path)
      : ca_cert_path_(std::move(ca_cert_path)), handle_(curl_easy_init()) {}

  CurlResponse Perform(const CurlRequest& request) {
    CURL* curl = handle_.get();
    curl_easy_reset(curl);
    CurlResponse response;
    State state{&response, request.discard_body};
    curl_easy_setopt(curl, CURLOPT_URL, request.url.c_str());
    curl_easy_setopt(curl, CURLOPT_CUSTOMREQUEST, request.method.c_str());
    curl_easy_setopt(curl, CURLOPT_HTTP_VERSION, CURL_HTTP_VERSION_1_1);
    curl_easy_setopt(curl, CURLOPT_SSL_VERIFYPEER, 1L);
    curl_easy_setopt(curl, CURLOPT_SSL_VERIFYHOST, 2L);
    if (!ca_cert_path_.empty()) curl_easy_setopt(curl, CURLOPT_CAINFO, ca_cert_path_.c_str());
    curl_easy_setopt(curl, CURLOPT_TIMEOUT_MS, request.timeout_ms);
    curl_easy_setopt(curl, CURLOPT_NOSIGNAL, 1L);
    curl_easy_setopt(curl, CURLOPT_WRITEFUNCTION, &CurlTestClient::OnBody);
    curl_easy_setopt(curl, CURLOPT_WRITEDATA, &state);
    curl_easy_setopt(curl, CURLOPT_HEADERFUNCTION, &CurlTestClient::OnHeader);
    curl_easy_setopt(curl, CURLOPT_HEADERDATA, &state);
    if (!request.body.empty()) {
      curl_easy_setopt(curl, CURLOPT_POSTFIELDS, request.body.data());
      curl_easy_setopt(curl, CURLOPT_POSTFIELDSIZE_LARGE,
                       static_cast<curl_off_t>(request.body.size()));
    }
    struct SlistDeleter {
      void operator()(curl_slist* list) const { curl_slist_free_all(list); }
    };
    std::unique_ptr<curl_slist, SlistDeleter> headers;
    for (const std::string& header : request.headers) {
      curl_slist* appended = curl_slist_append(headers.get(), header.c_str());
      if (appended != nullptr) {
        (void)headers.release();
        headers.reset(appended);
      }
    }
    curl_easy_setopt(curl, CURLOPT_HTTPHEADER, headers.get());
    response.code = curl_easy_perform(curl);
    curl_easy_getinfo(curl, CURLINFO_RESPONSE_CODE, &response.status);
    curl_easy_getinfo(curl, CURLINFO_NUM_CONNECTS, &response.num_connects);
    curl_easy_getinfo(curl, CURLINFO_TOTAL_TIME, &response.total_seconds);
    curl_easy_setopt(curl, CURLOPT_HTTPHEADER, nullptr);
    return response;
  }

  CurlResponse Get(const std::string& url, std::vector<std::string> headers = {}) {
    CurlRequest request;
    request.url = url;
    request.headers = std::move(headers);
    return Perform(request);
  }

 private:
  struct State {
    CurlResponse* response;
    bool discard;
  };
  struct CurlDeleter {
    void operator()(CURL* curl) const { curl_easy_cleanup(curl); }
  };

  static size_t OnBody(char* data, size_t size, size_t count, void* user) {
    auto* state = static_cast<State*>(user);
    state->response->body_bytes += size * count;
    if (!state->discard) state->response->body.append(data, size * count);
    return size * count;
  }
  static size_t OnHeader(char* data, size_t size, size_t count, void* user) {
    auto* state = static_cast<State*>(user);
    absl::string_view line(data, size * count);
    size_t colon = line.find(':');
    if (colon != absl::string_view::npos) {
      std::string name = absl::AsciiStrToLower(line.substr(0, colon));
      state->response->headers[name] =
          std::string(absl::StripAsciiWhitespace(line.substr(colon + 1)));
    }
    return size * count;
  }

  std::string ca_cert_path_;
  std::unique_ptr<CURL, CurlDeleter> handle_;
};

}  // namespace fpgw::testing

#endif  // FPGW_TESTS_TESTING_CURL_TEST_CLIENT_H_
