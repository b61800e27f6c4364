// Early-return helpers for absl::Status / absl::StatusOr, which abseil
// 20220623 does not yet provide.
//
// The bottom of the layering: every layer (the event store, the pure
// domain, the services) may include this, so it includes abseil alone and
// nothing else of the repository.
#ifndef ATGARD_EVENTSTORE_BASE_STATUS_MACROS_H_
#define ATGARD_EVENTSTORE_BASE_STATUS_MACROS_H_

#include <utility>

#include "absl/status/status.h"
#include "absl/status/statusor.h"

// Evaluates `expr` (an absl::Status); returns it from the enclosing function
// if it is not OK.
#define RETURN_IF_ERROR(expr)                                         \
  do {                                                                \
    if (::absl::Status _atgard_status = (expr); !_atgard_status.ok()) \
      return _atgard_status;                                          \
  } while (0)

#define ATGARD_CONCAT_INNER_(a, b) a##b
#define ATGARD_CONCAT_(a, b) ATGARD_CONCAT_INNER_(a, b)

// Evaluates `rexpr` (an absl::StatusOr<T>); on error returns its status,
// otherwise moves the value into `lhs`, which may be a declaration.
#define ASSIGN_OR_RETURN(lhs, rexpr)                                        \
  ATGARD_ASSIGN_OR_RETURN_IMPL_(ATGARD_CONCAT_(_atgard_or_, __LINE__), lhs, \
                                rexpr)

#define ATGARD_ASSIGN_OR_RETURN_IMPL_(tmp, lhs, rexpr) \
  auto tmp = (rexpr);                                  \
  if (!tmp.ok()) return std::move(tmp).status();       \
  lhs = std::move(tmp).value()

#endif  // ATGARD_EVENTSTORE_BASE_STATUS_MACROS_H_
