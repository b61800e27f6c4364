// Runs the real atgard-server binary as a child process for end-to-end
// tests: on 127.0.0.1 with a free port, output captured to a file, stopped
// (SIGTERM, then SIGKILL) when the object goes away.
#ifndef ATGARD_TESTS_SUPPORT_SERVER_PROCESS_H_
#define ATGARD_TESTS_SUPPORT_SERVER_PROCESS_H_

#include <sys/types.h>

#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "absl/status/statusor.h"
#include "absl/time/time.h"

namespace atgard::testing {

// Paths of the atgard-server and atgardctl binaries under test.
std::string ServerBinary();
std::string CtlBinary();

struct ProcessResult {
  int exit_code = -1;   // exit status, or -1 if killed by a signal
  int term_signal = 0;  // the signal that killed it, if any
  std::string output;   // stdout and stderr interleaved
};

struct ServerOptions {
  // Data directory; required.
  std::string data_dir;
  // Extra flags, e.g. "--log_level=debug".
  std::vector<std::string> extra_args;
  // Scratch directory for the port and output files; required.
  std::string work_dir;
  // Run as user "nobody" (only when the test runs as root), so that file
  // permissions apply to the server.
  bool drop_privileges = false;
  // Accept development tokens (`atgardctl dev-token`); turn off to
  // configure authentication through extra_args instead.
  bool dev_auth = true;
  // Extra environment variables, "NAME=value", on top of the test's own
  // (e.g. NOTIFY_SOCKET for the service manager protocol).
  std::vector<std::string> environment;
  // Another build of the server to run (e.g. to compare two versions in
  // a benchmark); empty: ServerBinary().
  std::string binary;
};

class ServerProcess {
 public:
  // Starts the server with --listen=127.0.0.1:0, metrics on a free port
  // and (by default) --dev_auth, and waits until it has written its port
  // file. Fails with the server's output if it exits or
  // does not come up within `timeout`.
  static absl::StatusOr<std::unique_ptr<ServerProcess>> Start(
      const ServerOptions& options, absl::Duration timeout = absl::Seconds(30));

  ~ServerProcess();
  ServerProcess(const ServerProcess&) = delete;
  ServerProcess& operator=(const ServerProcess&) = delete;

  int port() const { return port_; }
  // The Prometheus metrics port (0 if metrics are off).
  int metrics_port() const { return metrics_port_; }
  // The plaintext health port of --health_listen (0 if off).
  int health_port() const { return health_port_; }
  // "127.0.0.1:<port>".
  std::string address() const;
  pid_t pid() const { return pid_; }

  // Sends `signal` to the server.
  void Signal(int signal);
  // Waits for the process to exit, for at most `timeout`; kills it with
  // SIGKILL if it does not and reports DEADLINE_EXCEEDED.
  absl::StatusOr<ProcessResult> Wait(absl::Duration timeout);
  // SIGTERM and Wait().
  absl::StatusOr<ProcessResult> Stop(
      absl::Duration timeout = absl::Seconds(30));

  // Everything the server printed so far.
  std::string Output() const;

 private:
  ServerProcess(pid_t pid, int port, int metrics_port, int health_port,
                std::string output_file);

  pid_t pid_;
  int port_;
  int metrics_port_;
  int health_port_;
  std::string output_file_;
  bool running_ = true;
};

// Runs atgard-server with exactly `args` until it exits (or `timeout`, then
// SIGKILL and DEADLINE_EXCEEDED), for checking refused start-ups.
absl::StatusOr<ProcessResult> RunServerToExit(
    const std::vector<std::string>& args, const std::string& work_dir,
    bool drop_privileges = false, absl::Duration timeout = absl::Seconds(30));

// Runs atgardctl with `args` until it exits (or `timeout`, then SIGKILL and
// DEADLINE_EXCEEDED); output is stdout and stderr interleaved.
absl::StatusOr<ProcessResult> RunCtlToExit(
    const std::vector<std::string>& args, const std::string& work_dir,
    absl::Duration timeout = absl::Seconds(60));

}  // namespace atgard::testing

#endif  // ATGARD_TESTS_SUPPORT_SERVER_PROCESS_H_
