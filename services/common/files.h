// Small file helpers with absl::Status errors that name the file.
#ifndef ATGARD_SERVICES_COMMON_FILES_H_
#define ATGARD_SERVICES_COMMON_FILES_H_

#include <string>

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"

namespace atgard {

// Reads the whole file. NOT_FOUND if it does not exist, PERMISSION_DENIED
// if it cannot be read, each naming `what` (e.g. "--tls_cert") and the path.
[[nodiscard]] absl::StatusOr<std::string> ReadFileToString(
    absl::string_view path, absl::string_view what);

// Replaces `path` with `contents` atomically (write a sibling, fsync,
// rename), so a reader never sees a half-written file.
[[nodiscard]] absl::Status WriteFileAtomically(absl::string_view path,
                                               absl::string_view contents);

}  // namespace atgard

#endif  // ATGARD_SERVICES_COMMON_FILES_H_
