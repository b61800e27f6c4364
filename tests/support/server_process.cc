#include "tests/support/server_process.h"

#include <fcntl.h>
#include <signal.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include <atomic>
#include <cerrno>
#include <fstream>
#include <sstream>

#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_split.h"
#include "absl/strings/strip.h"
#include "absl/time/clock.h"

#if !defined(ATGARD_SERVER_PATH) || !defined(ATGARD_CTL_PATH)
#error "ATGARD_SERVER_PATH and ATGARD_CTL_PATH must name the binaries"
#endif

namespace atgard::testing {
namespace {

constexpr uid_t kNobody = 65534;

std::string ReadAll(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  std::ostringstream out;
  out << in.rdbuf();
  return out.str();
}

// Forks and execs `binary` with `args` and this process's environment plus
// `environment`, output appended to `output_file`. Everything after fork()
// is async-signal-safe.
absl::StatusOr<pid_t> Spawn(const std::string& binary,
                            const std::vector<std::string>& args,
                            const std::string& output_file,
                            bool drop_privileges,
                            const std::vector<std::string>& environment = {}) {
  // The extra variables come first: getenv() takes the first match.
  std::vector<std::string> env_storage = environment;
  for (char** e = environ; *e != nullptr; ++e) env_storage.emplace_back(*e);
  std::vector<char*> envp;
  for (std::string& e : env_storage) envp.push_back(e.data());
  envp.push_back(nullptr);
  std::vector<std::string> argv_storage;
  argv_storage.push_back(binary);
  argv_storage.insert(argv_storage.end(), args.begin(), args.end());
  std::vector<char*> argv;
  for (std::string& a : argv_storage) argv.push_back(a.data());
  argv.push_back(nullptr);
  const bool drop = drop_privileges && geteuid() == 0;

  const int out = open(output_file.c_str(),
                       O_WRONLY | O_CREAT | O_APPEND | O_CLOEXEC, 0666);
  if (out < 0) {
    return absl::InternalError(absl::StrCat("cannot open ", output_file));
  }
  if (drop) fchmod(out, 0666);
  const pid_t pid = fork();
  if (pid < 0) {
    close(out);
    return absl::InternalError("fork failed");
  }
  if (pid == 0) {
    dup2(out, STDOUT_FILENO);
    dup2(out, STDERR_FILENO);
    sigset_t none;
    sigemptyset(&none);
    sigprocmask(SIG_SETMASK, &none, nullptr);
    if (drop && (setgid(kNobody) != 0 || setuid(kNobody) != 0)) _exit(126);
    execve(argv[0], argv.data(), envp.data());
    _exit(127);
  }
  close(out);
  return pid;
}

absl::StatusOr<ProcessResult> WaitFor(pid_t pid, const std::string& output_file,
                                      absl::Duration timeout) {
  const absl::Time deadline = absl::Now() + timeout;
  int status = 0;
  while (true) {
    const pid_t r = waitpid(pid, &status, WNOHANG);
    if (r == pid) break;
    if (r < 0 && errno != EINTR) {
      return absl::InternalError("waitpid failed");
    }
    if (absl::Now() > deadline) {
      kill(pid, SIGKILL);
      waitpid(pid, &status, 0);
      return absl::DeadlineExceededError(absl::StrCat(
          "atgard-server did not exit within ", absl::FormatDuration(timeout),
          "; output:\n", ReadAll(output_file)));
    }
    absl::SleepFor(absl::Milliseconds(10));
  }
  ProcessResult result;
  if (WIFEXITED(status)) result.exit_code = WEXITSTATUS(status);
  if (WIFSIGNALED(status)) result.term_signal = WTERMSIG(status);
  result.output = ReadAll(output_file);
  return result;
}

std::string UniqueName(absl::string_view stem) {
  static std::atomic<int> counter{0};
  return absl::StrCat(stem, "-", getpid(), "-", counter.fetch_add(1));
}

}  // namespace

std::string ServerBinary() { return ATGARD_SERVER_PATH; }
std::string CtlBinary() { return ATGARD_CTL_PATH; }

absl::StatusOr<std::unique_ptr<ServerProcess>> ServerProcess::Start(
    const ServerOptions& options, absl::Duration timeout) {
  const std::string port_file =
      absl::StrCat(options.work_dir, "/", UniqueName("port"));
  const std::string output_file =
      absl::StrCat(options.work_dir, "/", UniqueName("server.log"));
  std::vector<std::string> args = {
      "--listen=127.0.0.1:0", absl::StrCat("--data_dir=", options.data_dir),
      absl::StrCat("--port_file=", port_file), "--metrics_listen=127.0.0.1:0",
      "--log_format=json"};
  if (options.dev_auth) args.push_back("--dev_auth");
  args.insert(args.end(), options.extra_args.begin(), options.extra_args.end());
  absl::StatusOr<pid_t> pid =
      Spawn(options.binary.empty() ? ServerBinary() : options.binary, args,
            output_file, options.drop_privileges, options.environment);
  if (!pid.ok()) return pid.status();

  const absl::Time deadline = absl::Now() + timeout;
  while (true) {
    int status = 0;
    if (waitpid(*pid, &status, WNOHANG) == *pid) {
      return absl::FailedPreconditionError(
          absl::StrCat("atgard-server exited during start-up; output:\n",
                       ReadAll(output_file)));
    }
    // "<grpc port>\n<metrics port>\n<health port>\n", written atomically
    // once serving.
    const std::vector<std::string> lines =
        absl::StrSplit(ReadAll(port_file), '\n', absl::SkipEmpty());
    int port = 0;
    int metrics_port = 0;
    int health_port = 0;
    if (lines.size() == 3 && absl::SimpleAtoi(lines[0], &port) && port > 0 &&
        absl::SimpleAtoi(lines[1], &metrics_port) &&
        absl::SimpleAtoi(lines[2], &health_port)) {
      return std::unique_ptr<ServerProcess>(new ServerProcess(
          *pid, port, metrics_port, health_port, output_file));
    }
    if (absl::Now() > deadline) {
      kill(*pid, SIGKILL);
      waitpid(*pid, &status, 0);
      return absl::DeadlineExceededError(absl::StrCat(
          "atgard-server did not start within ", absl::FormatDuration(timeout),
          "; output:\n", ReadAll(output_file)));
    }
    absl::SleepFor(absl::Milliseconds(10));
  }
}

ServerProcess::ServerProcess(pid_t pid, int port, int metrics_port,
                             int health_port, std::string output_file)
    : pid_(pid),
      port_(port),
      metrics_port_(metrics_port),
      health_port_(health_port),
      output_file_(std::move(output_file)) {}

ServerProcess::~ServerProcess() {
  if (running_) {
    kill(pid_, SIGKILL);
    int status = 0;
    waitpid(pid_, &status, 0);
  }
}

std::string ServerProcess::address() const {
  return absl::StrCat("127.0.0.1:", port_);
}

void ServerProcess::Signal(int signal) { kill(pid_, signal); }

absl::StatusOr<ProcessResult> ServerProcess::Wait(absl::Duration timeout) {
  absl::StatusOr<ProcessResult> result = WaitFor(pid_, output_file_, timeout);
  running_ = false;  // WaitFor reaped the child, or killed and reaped it.
  return result;
}

absl::StatusOr<ProcessResult> ServerProcess::Stop(absl::Duration timeout) {
  Signal(SIGTERM);
  return Wait(timeout);
}

std::string ServerProcess::Output() const { return ReadAll(output_file_); }

absl::StatusOr<ProcessResult> RunServerToExit(
    const std::vector<std::string>& args, const std::string& work_dir,
    bool drop_privileges, absl::Duration timeout) {
  const std::string output_file =
      absl::StrCat(work_dir, "/", UniqueName("server.log"));
  absl::StatusOr<pid_t> pid =
      Spawn(ServerBinary(), args, output_file, drop_privileges);
  if (!pid.ok()) return pid.status();
  return WaitFor(*pid, output_file, timeout);
}

absl::StatusOr<ProcessResult> RunCtlToExit(const std::vector<std::string>& args,
                                           const std::string& work_dir,
                                           absl::Duration timeout) {
  const std::string output_file =
      absl::StrCat(work_dir, "/", UniqueName("atgardctl.out"));
  absl::StatusOr<pid_t> pid =
      Spawn(CtlBinary(), args, output_file, /*drop_privileges=*/false);
  if (!pid.ok()) return pid.status();
  return WaitFor(*pid, output_file, timeout);
}

}  // namespace atgard::testing
