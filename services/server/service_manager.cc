#include "services/server/service_manager.h"

#include <systemd/sd-daemon.h>
#include <time.h>

#include <cstring>
#include <string>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_replace.h"

namespace atgard::server::service_manager {
namespace {

// A STATUS= value ends at the newline that separates assignments.
std::string StatusLine(absl::string_view status) {
  return absl::StrCat("STATUS=",
                      absl::StrReplaceAll(status, {{"\n", " "}, {"\r", " "}}));
}

absl::Status Send(const std::string& state) {
  // sd_notify() returns 0 when NOTIFY_SOCKET is unset: nothing to tell.
  const int r = sd_notify(/*unset_environment=*/0, state.c_str());
  if (r < 0) {
    return absl::UnavailableError(
        absl::StrCat("cannot notify the service manager: ", std::strerror(-r)));
  }
  return absl::OkStatus();
}

}  // namespace

absl::Status NotifyReady(absl::string_view status) {
  return Send(absl::StrCat("READY=1\n", StatusLine(status)));
}

absl::Status NotifyReloading(absl::string_view status) {
  timespec now{};
  clock_gettime(CLOCK_MONOTONIC, &now);
  const long long usec =
      static_cast<long long>(now.tv_sec) * 1000000 + now.tv_nsec / 1000;
  return Send(absl::StrCat("RELOADING=1\nMONOTONIC_USEC=", usec, "\n",
                           StatusLine(status)));
}

absl::Status NotifyStopping(absl::string_view status) {
  return Send(absl::StrCat("STOPPING=1\n", StatusLine(status)));
}

}  // namespace atgard::server::service_manager
