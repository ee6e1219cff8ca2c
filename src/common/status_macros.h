// Early-return helpers for absl::Status / absl::StatusOr. Debian's Abseil (20220623) has no
// ABSL_RETURN_IF_ERROR, so the project keeps this one small header.
#ifndef FPGW_COMMON_STATUS_MACROS_H_
#define FPGW_COMMON_STATUS_MACROS_H_

#include <utility>

#include "absl/status/status.h"
#include "absl/status/statusor.h"

#define FPGW_CONCAT_INNER_(a, b) a##b
#define FPGW_CONCAT_(a, b) FPGW_CONCAT_INNER_(a, b)

// Returns the status from the enclosing function when `expr` is not OK.
#define FPGW_RETURN_IF_ERROR(expr)               \
  do {                                           \
    ::absl::Status fpgw_status_ = (expr);        \
    if (!fpgw_status_.ok()) return fpgw_status_; \
  } while (false)

// Evaluates `rexpr` (a StatusOr); on error returns its status, else moves the value into `lhs`.
#define FPGW_ASSIGN_OR_RETURN(lhs, rexpr) \
  FPGW_ASSIGN_OR_RETURN_IMPL_(FPGW_CONCAT_(fpgw_statusor_, __LINE__), lhs, rexpr)
#define FPGW_ASSIGN_OR_RETURN_IMPL_(statusor, lhs, rexpr)  \
  auto statusor = (rexpr);                                 \
  if (!statusor.ok()) return std::move(statusor).status(); \
  lhs = std::move(statusor).value()

#endif  // FPGW_COMMON_STATUS_MACROS_H_
