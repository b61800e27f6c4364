// Tells the service manager what the server is doing, with the sd_notify
// protocol of systemd's Type=notify services: ready once serving, reloading
// around SIGHUP, stopping when the drain begins. systemd then starts units
// that depend on atgard only once it answers, and `systemctl reload` and
// `systemctl stop` report what happened.
//
// Contract: every function is a no-op returning OK when NOTIFY_SOCKET is
// unset (a terminal, a container, a test), so callers need not ask whether
// they run under systemd. The variable is left in the environment. Each
// call sends one datagram and does not block on the service manager; an
// error (e.g. a socket that went away) is returned for logging, and the
// server keeps running regardless. Safe to call from any thread.
#ifndef ATGARD_SERVICES_SERVER_SERVICE_MANAGER_H_
#define ATGARD_SERVICES_SERVER_SERVICE_MANAGER_H_

#include "absl/status/status.h"
#include "absl/strings/string_view.h"

namespace atgard::server::service_manager {

// READY=1: start-up (or a reload) is complete and the server answers
// calls. `status` is a line for `systemctl status`, e.g. where it serves.
absl::Status NotifyReady(absl::string_view status);

// RELOADING=1 (with the CLOCK_MONOTONIC time newer systemd versions ask
// for): a reload has begun; NotifyReady() ends it.
absl::Status NotifyReloading(absl::string_view status);

// STOPPING=1: the server has begun to drain and will exit.
absl::Status NotifyStopping(absl::string_view status);

}  // namespace atgard::server::service_manager

#endif  // ATGARD_SERVICES_SERVER_SERVICE_MANAGER_H_
