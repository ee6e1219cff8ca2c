#include "sandbox/scenario.h"

#include <algorithm>
#include <string>
#include <vector>

#include "absl/strings/ascii.h"
#include "absl/strings/match.h"
#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/substitute.h"
#include "sandbox/exchange.h"

namespace fpgw::sandbox {
namespace {

constexpr int kDefaultSlowMs = 3000;
constexpr int kMaxSlowMs = 120000;
constexpr int64_t kMaxPerRouteAttempts = 1000000;
constexpr absl::string_view kScenarioTokenPrefix = "sandbox-";

// Matches `name` at the start of `text`, followed by the end or a separator.
bool MatchesName(absl::string_view text, absl::string_view name) {
  if (!absl::StartsWith(text, name)) return false;
  absl::string_view rest = text.substr(name.size());
  return rest.empty() || rest[0] == '-' || rest[0] == '.' || rest[0] == '_';
}

// Applies the scenarios that act before the response: `slow` sleeps (resetting the connection
// when the sandbox stops meanwhile) and `reset` drops the connection. Returns true when the
// exchange is over.
bool ApplyDelivery(Exchange& ex, const Scenario& scenario) {
  if (scenario.Is("reset")) {
    ex.Reset();
    return true;
  }
  if (scenario.Is("slow") && !ex.SleepUnlessStopping(scenario.delay_ms)) {
    ex.Reset();
    return true;
  }
  return false;
}

// Whether `row` answers this request, counting the attempt when the row answers only some.
bool Due(Exchange& ex, const ScenarioTable& table, const ScenarioRow& row, const Scenario& scenario,
         absl::string_view token) {
  switch (row.repeat) {
    case ScenarioRow::Repeat::kAlways:
      return true;
    case ScenarioRow::Repeat::kFirst:
      return ex.NoteAttempt(absl::StrCat(table.vendor, ":", token)) == 1;
    case ScenarioRow::Repeat::kFirstNumberPerRoute: {
      const int64_t answered = std::min(scenario.number.value_or(1), kMaxPerRouteAttempts);
      const uint64_t attempt =
          ex.NoteAttempt(absl::StrCat(table.vendor, ":", ex.route(), ":", token));
      return answered > 0 && attempt <= static_cast<uint64_t>(answered);
    }
  }
  return true;
}

int SendRow(Exchange& ex, const ScenarioRow& row, const Scenario& scenario, absl::string_view token,
            const ErrorWriter& send_error) {
  if (row.answer != nullptr) return row.answer(ex, token);
  std::vector<Header> extra;
  if (row.retry_from == ScenarioRow::RetryAfterFrom::kFixed) {
    extra.push_back({"Retry-After", absl::StrCat(row.retry_after)});
  } else if (row.retry_from == ScenarioRow::RetryAfterFrom::kNumber) {
    const int64_t seconds = scenario.number.has_value()
                                ? std::min<int64_t>(*scenario.number, row.retry_after_max)
                                : row.retry_after;
    extra.push_back({"Retry-After", absl::StrCat(seconds)});
  }
  if (!row.content_type.empty()) {
    return ex.Send(row.error.status, row.content_type, row.body, extra);
  }
  return send_error(row.error, extra);
}

}  // namespace

std::optional<Scenario> ParseScenario(absl::string_view text,
                                      absl::Span<const absl::string_view> names) {
  absl::string_view best;
  auto consider = [&](absl::string_view name) {
    if (name.size() > best.size() && MatchesName(text, name)) best = name;
  };
  for (absl::string_view name : names) consider(name);
  for (absl::string_view name : kDeliveryScenarios) consider(name);
  if (best.empty()) return std::nullopt;

  Scenario scenario;
  scenario.name = std::string(best);
  const absl::string_view rest = text.substr(best.size());
  if (!rest.empty()) {
    const absl::string_view digits = rest.substr(1);
    size_t end = 0;
    while (end < digits.size() && absl::ascii_isdigit(digits[end])) ++end;
    int64_t number = 0;
    if (end > 0 && absl::SimpleAtoi(digits.substr(0, end), &number)) scenario.number = number;
  }
  if (best == "slow") {
    scenario.delay_ms =
        static_cast<int>(std::min<int64_t>(scenario.number.value_or(kDefaultSlowMs), kMaxSlowMs));
  }
  return scenario;
}

std::optional<Scenario> RunScenario(Exchange& ex, const ScenarioTable& table, uint32_t endpoint,
                                    absl::string_view token, const ErrorWriter& send_error) {
  std::vector<absl::string_view> names;
  names.reserve(table.rows.size() + table.body_scenarios.size());
  for (const ScenarioRow& row : table.rows) names.push_back(row.scenario);
  names.insert(names.end(), table.body_scenarios.begin(), table.body_scenarios.end());

  Scenario scenario;
  const std::optional<absl::string_view> header = ex.RequestHeader(kScenarioHeader);
  if (header.has_value() && !header->empty()) {
    std::optional<Scenario> named = ParseScenario(absl::StripAsciiWhitespace(*header), names);
    if (!named.has_value()) {
      const std::string message = absl::Substitute(table.unknown.message, *header);
      send_error({table.unknown.status, table.unknown.code, message}, {});
      return std::nullopt;
    }
    scenario = *std::move(named);
  } else if (absl::StartsWith(token, kScenarioTokenPrefix)) {
    // An unknown name in a token is no scenario: the token is then just a token.
    scenario = ParseScenario(token.substr(kScenarioTokenPrefix.size()), names).value_or(Scenario{});
  }

  for (const ScenarioRow& row : table.rows) {
    if (row.scenario != scenario.name || (row.endpoints & endpoint) == 0) continue;
    if (!Due(ex, table, row, scenario, token)) break;
    SendRow(ex, row, scenario, token, send_error);
    return std::nullopt;
  }
  if (ApplyDelivery(ex, scenario)) return std::nullopt;
  return scenario;
}

}  // namespace fpgw::sandbox
