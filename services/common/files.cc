#include "services/common/files.h"

#include <fcntl.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <fstream>
#include <sstream>

#include "absl/strings/str_cat.h"

namespace atgard {

absl::StatusOr<std::string> ReadFileToString(absl::string_view path,
                                             absl::string_view what) {
  const std::string p(path);
  std::ifstream in(p, std::ios::binary);
  if (!in) {
    const int err = errno;
    const std::string msg =
        absl::StrCat(what, ": cannot read ", p, ": ", std::strerror(err));
    if (err == ENOENT) return absl::NotFoundError(msg);
    return absl::PermissionDeniedError(msg);
  }
  std::ostringstream out;
  out << in.rdbuf();
  if (in.bad()) {
    return absl::DataLossError(absl::StrCat(what, ": error reading ", p));
  }
  return out.str();
}

absl::Status WriteFileAtomically(absl::string_view path,
                                 absl::string_view contents) {
  const std::string target(path);
  const std::string tmp = absl::StrCat(target, ".tmp.", getpid());
  const int fd =
      open(tmp.c_str(), O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644);
  if (fd < 0) {
    return absl::PermissionDeniedError(
        absl::StrCat("cannot create ", tmp, ": ", std::strerror(errno)));
  }
  size_t written = 0;
  while (written < contents.size()) {
    const ssize_t n =
        write(fd, contents.data() + written, contents.size() - written);
    if (n < 0) {
      if (errno == EINTR) continue;
      const int err = errno;
      close(fd);
      unlink(tmp.c_str());
      return absl::InternalError(
          absl::StrCat("cannot write ", tmp, ": ", std::strerror(err)));
    }
    written += static_cast<size_t>(n);
  }
  if (fsync(fd) != 0 || close(fd) != 0) {
    unlink(tmp.c_str());
    return absl::InternalError(
        absl::StrCat("cannot sync ", tmp, ": ", std::strerror(errno)));
  }
  if (rename(tmp.c_str(), target.c_str()) != 0) {
    const int err = errno;
    unlink(tmp.c_str());
    return absl::InternalError(absl::StrCat("cannot rename ", tmp, " to ",
                                            target, ": ", std::strerror(err)));
  }
  return absl::OkStatus();
}

}  // namespace atgard
