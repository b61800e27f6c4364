// loadgen: durable commands per second through the real atgard-server next
// to the transport's ceiling, measured in the same run against the same
// server process. Prints figures and ratios; asserts nothing about speed.
//
//   loadgen [--seconds=5] [--warmup=1] [--callers=1,16,64,256]
//           [--channels=2] [--dir=/var/tmp] [--server=path/to/atgard-server]
//           [--server_arg=--flag=value]... [--smoke]
//
// It starts atgard-server (development authentication, a fresh data
// directory, 127.0.0.1), registers a provider and a unit, then for each
// number of concurrent callers:
//   ping      each caller calls DiagnosticsService/Ping in a loop: an
//             authenticated unary RPC that touches no data, i.e. what the
//             transport, authentication and the callback server cost;
//   commands  each caller takes fresh cases through RegisterCase →
//             RequestPlan → SubmitPlan → AssessPlan (as a follow-up officer
//             and the provider's staff), each a durable command.
// Callers use gRPC's callback API: one outstanding call per caller and no
// thread per caller, so that on a small machine the client takes as little
// of the CPU as it can. Figures count the calls that finish within the
// measured window after a warm-up; "ratio" is commands/s over the best
// ping/s of the run (the transport ceiling). CPU columns are the server's
// and this process's CPU time per call; their sums for a ping and for a
// command bound the ratio once client and server saturate the cores, and
// the last line prints that bound.
//
// --smoke runs tiny phases and fails only if a call fails (for ctest).
#include <arpa/inet.h>
#include <grpcpp/grpcpp.h>
#include <netinet/in.h>
#include <sys/resource.h>
#include <sys/socket.h>
#include <unistd.h>

#include <algorithm>
#include <atomic>
#include <chrono>
#include <condition_variable>
#include <cstdio>
#include <fstream>
#include <functional>
#include <iterator>
#include <memory>
#include <mutex>
#include <string>
#include <thread>
#include <vector>

#include "absl/strings/match.h"
#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_format.h"
#include "absl/strings/str_split.h"
#include "absl/strings/string_view.h"
#include "absl/synchronization/mutex.h"
#include "absl/time/clock.h"
#include "absl/time/time.h"
#include "atgard/v1/case_service.grpc.pb.h"
#include "atgard/v1/diagnostics_service.grpc.pb.h"
#include "atgard/v1/provider_service.grpc.pb.h"
#include "services/auth/dev_tokens.h"
#include "services/domain/calendar.h"
#include "services/domain/dates.h"
#include "tests/support/domain_fixtures.h"
#include "tests/support/server_process.h"
#include "tests/support/temp_dir.h"

namespace atgard::loadgen {
namespace {

using Clock = std::chrono::steady_clock;

struct Config {
  double seconds = 5;
  double warmup = 1;
  std::vector<int> callers = {1, 16, 64, 256};
  int channels = 2;
  std::string dir;
  std::vector<std::string> server_args;
  // Another atgard-server binary to measure (default: this build's).
  std::string server;
  bool smoke = false;
};

[[noreturn]] void Die(absl::string_view what) {
  std::fprintf(stderr, "loadgen: %s\n", std::string(what).c_str());
  std::exit(1);
}

Config ParseFlags(int argc, char** argv) {
  Config config;
  for (int i = 1; i < argc; ++i) {
    const absl::string_view arg = argv[i];
    auto value = [&](absl::string_view name, absl::string_view* out) {
      const std::string prefix = absl::StrCat("--", name, "=");
      if (!absl::StartsWith(arg, prefix)) return false;
      *out = arg.substr(prefix.size());
      return true;
    };
    absl::string_view v;
    if (arg == "--smoke") {
      config.smoke = true;
    } else if (value("seconds", &v)) {
      if (!absl::SimpleAtod(v, &config.seconds) || config.seconds <= 0)
        Die("--seconds must be a positive number");
    } else if (value("warmup", &v)) {
      if (!absl::SimpleAtod(v, &config.warmup) || config.warmup < 0)
        Die("--warmup must be a number >= 0");
    } else if (value("callers", &v)) {
      config.callers.clear();
      for (absl::string_view part : absl::StrSplit(v, ',')) {
        int n = 0;
        if (!absl::SimpleAtoi(part, &n) || n <= 0)
          Die("--callers must list positive numbers, e.g. 1,16,64");
        config.callers.push_back(n);
      }
    } else if (value("channels", &v)) {
      if (!absl::SimpleAtoi(v, &config.channels) || config.channels <= 0)
        Die("--channels must be a positive number");
    } else if (value("dir", &v)) {
      config.dir = std::string(v);
    } else if (value("server", &v)) {
      config.server = std::string(v);
    } else if (value("server_arg", &v)) {
      config.server_args.emplace_back(v);
    } else {
      Die(absl::StrCat("unknown argument ", arg,
                       " (see the comment at the top of loadgen.cc)"));
    }
  }
  if (config.smoke) {
    config.seconds = 0.3;
    config.warmup = 0.1;
    config.callers = {1, 4};
  }
  return config;
}

// CPU time (user + system) of a process, from /proc.
absl::Duration ProcessCpu(pid_t pid) {
  std::ifstream in(absl::StrCat("/proc/", pid, "/stat"));
  std::string stat((std::istreambuf_iterator<char>(in)),
                   std::istreambuf_iterator<char>());
  // Fields after the command name (which may contain spaces) in ")".
  const size_t close = stat.rfind(')');
  if (close == std::string::npos) return absl::ZeroDuration();
  std::vector<absl::string_view> fields =
      absl::StrSplit(absl::string_view(stat).substr(close + 2), ' ');
  // utime and stime are fields 14 and 15 of the line, 12 and 13 here.
  int64_t utime = 0, stime = 0;
  if (fields.size() < 13 || !absl::SimpleAtoi(fields[11], &utime) ||
      !absl::SimpleAtoi(fields[12], &stime)) {
    return absl::ZeroDuration();
  }
  return absl::Seconds(static_cast<double>(utime + stime) /
                       static_cast<double>(sysconf(_SC_CLK_TCK)));
}

absl::Duration OwnCpu() {
  rusage usage{};
  getrusage(RUSAGE_SELF, &usage);
  return absl::DurationFromTimeval(usage.ru_utime) +
         absl::DurationFromTimeval(usage.ru_stime);
}

// The server's Prometheus text, fetched with a bare HTTP/1.0 GET (the
// exposition is small and the server closes the connection).
std::string Scrape(int port) {
  const int fd = socket(AF_INET, SOCK_STREAM, 0);
  if (fd < 0) return "";
  sockaddr_in addr{};
  addr.sin_family = AF_INET;
  addr.sin_port = htons(static_cast<uint16_t>(port));
  addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  std::string out;
  if (connect(fd, reinterpret_cast<sockaddr*>(&addr), sizeof(addr)) == 0) {
    const std::string request =
        "GET /metrics HTTP/1.0\r\nHost: 127.0.0.1\r\n\r\n";
    if (write(fd, request.data(), request.size()) ==
        static_cast<ssize_t>(request.size())) {
      char buf[8192];
      ssize_t n;
      while ((n = read(fd, buf, sizeof(buf))) > 0) out.append(buf, n);
    }
  }
  close(fd);
  return out;
}

// The value of the series whose line starts with `series` (name and
// labels), or 0.
double Series(const std::string& text, absl::string_view series) {
  for (absl::string_view line : absl::StrSplit(text, '\n')) {
    if (!absl::StartsWith(line, series)) continue;
    const absl::string_view rest = line.substr(series.size());
    if (rest.empty() || rest[0] != ' ') continue;
    double v = 0;
    if (absl::SimpleAtod(rest.substr(1), &v)) return v;
  }
  return 0;
}

// Group commits of the store between two scrapes.
struct Commits {
  double batches = 0;
  double appends = 0;
  double write_seconds = 0;
};
Commits CommitsOf(const std::string& text) {
  return Commits{
      .batches = Series(text, "atgard_append_duration_seconds_count"),
      .appends = Series(text, "atgard_commit_batch_size_sum{unit=\"appends\"}"),
      .write_seconds = Series(text, "atgard_append_duration_seconds_sum")};
}

// The window in which finished calls count, shared by all callers.
struct Window {
  Clock::time_point start;
  Clock::time_point end;
  std::atomic<bool> stop{false};
};

// One caller: a chain of calls, each started when the one before finished
// (on a gRPC thread). Its fields are touched by one call at a time.
class Caller {
 public:
  virtual ~Caller() = default;
  // Starts the chain; `finished` runs once the caller has stopped.
  void Run(Window* window, std::function<void()> finished) {
    window_ = window;
    finished_ = std::move(finished);
    Next();
  }
  const std::vector<float>& latencies_us() const { return latencies_us_; }
  uint64_t errors() const { return errors_; }
  const std::string& first_error() const { return first_error_; }

 protected:
  // Starts the next call; its completion must call Done().
  virtual void StartCall(grpc::ClientContext* context) = 0;

  void Done(const grpc::Status& status) {
    const Clock::time_point now = Clock::now();
    if (!status.ok()) {
      if (errors_++ == 0) {
        first_error_ = absl::StrCat("code ", status.error_code(), ": ",
                                    status.error_message());
      }
      OnError();
    } else if (now >= window_->start && now < window_->end) {
      latencies_us_.push_back(
          std::chrono::duration<float, std::micro>(now - started_).count());
    }
    if (window_->stop.load(std::memory_order_relaxed) || now >= window_->end) {
      finished_();
      return;
    }
    Next();
  }
  virtual void OnError() {}

  std::string token_header_;

 private:
  void Next() {
    context_ = std::make_unique<grpc::ClientContext>();
    PrepareContext(context_.get());
    started_ = Clock::now();
    StartCall(context_.get());
  }
  virtual void PrepareContext(grpc::ClientContext* context) = 0;

  Window* window_ = nullptr;
  std::function<void()> finished_;
  std::unique_ptr<grpc::ClientContext> context_;
  Clock::time_point started_;
  std::vector<float> latencies_us_;
  uint64_t errors_ = 0;
  std::string first_error_;
};

class PingCaller final : public Caller {
 public:
  PingCaller(v1::DiagnosticsService::Stub* stub, std::string token)
      : stub_(stub), authorization_(absl::StrCat("Bearer ", token)) {}

 private:
  void PrepareContext(grpc::ClientContext* context) override {
    context->AddMetadata("authorization", authorization_);
  }
  void StartCall(grpc::ClientContext* context) override {
    response_.Clear();
    stub_->async()->Ping(context, &request_, &response_,
                         [this](grpc::Status s) { Done(s); });
  }

  v1::DiagnosticsService::Stub* const stub_;
  const std::string authorization_;
  v1::PingRequest request_;
  v1::PingResponse response_;
};

// The messages of one case's plan round, built once per caller and reused
// with a new case id and command id for every case.
struct CaseMessages {
  v1::RegisterCaseRequest register_case;
  v1::RequestPlanRequest request_plan;
  v1::SubmitPlanRequest submit_plan;
  v1::AssessPlanRequest assess_plan;
  v1::RegisterCaseResponse register_response;
  v1::RequestPlanResponse request_response;
  v1::SubmitPlanResponse submit_response;
  v1::AssessPlanResponse assess_response;
};

class CaseCaller final : public Caller {
 public:
  CaseCaller(v1::CaseService::Stub* stub, std::string officer_token,
             std::string provider_token, std::string id_prefix,
             absl::CivilDay today)
      : stub_(stub),
        officer_(absl::StrCat("Bearer ", officer_token)),
        provider_(absl::StrCat("Bearer ", provider_token)),
        id_prefix_(std::move(id_prefix)) {
    using testing::kPrivateProvider;
    using testing::kPrivateUnit;
    *m_.register_case.mutable_command() =
        testing::RegisterCase("x", kPrivateProvider, kPrivateUnit, today - 7)
            .register_case();
    const v1::PlanRequest request = testing::Request(today);
    *m_.request_plan.mutable_command() =
        testing::RequestPlan("x", request).request_plan();
    *m_.submit_plan.mutable_command() =
        testing::SubmitPlan("x",
                            testing::Plan(domain::DayOf(request.complete_by())))
            .submit_plan();
    *m_.assess_plan.mutable_command() =
        testing::AssessPlan("x", testing::Approval()).assess_plan();
  }

 private:
  void OnError() override { step_ = 0; }

  void PrepareContext(grpc::ClientContext* context) override {
    // The provider's staff submits; the follow-up officer does the rest.
    context->AddMetadata("authorization", step_ == 2 ? provider_ : officer_);
  }

  void StartCall(grpc::ClientContext* context) override {
    if (step_ == 0) case_id_ = absl::StrCat(id_prefix_, "-n", ++cases_);
    const std::string command_id = absl::StrCat(case_id_, "-s", step_);
    const int step = step_;
    step_ = (step_ + 1) % 4;
    auto done = [this](grpc::Status s) { Done(s); };
    switch (step) {
      case 0:
        m_.register_case.mutable_command()->set_case_id(case_id_);
        m_.register_case.mutable_options()->set_command_id(command_id);
        stub_->async()->RegisterCase(context, &m_.register_case,
                                     &m_.register_response, done);
        break;
      case 1:
        m_.request_plan.mutable_command()->set_case_id(case_id_);
        m_.request_plan.mutable_options()->set_command_id(command_id);
        stub_->async()->RequestPlan(context, &m_.request_plan,
                                    &m_.request_response, done);
        break;
      case 2:
        m_.submit_plan.mutable_command()->set_case_id(case_id_);
        m_.submit_plan.mutable_options()->set_command_id(command_id);
        stub_->async()->SubmitPlan(context, &m_.submit_plan,
                                   &m_.submit_response, done);
        break;
      default:
        m_.assess_plan.mutable_command()->set_case_id(case_id_);
        m_.assess_plan.mutable_options()->set_command_id(command_id);
        stub_->async()->AssessPlan(context, &m_.assess_plan,
                                   &m_.assess_response, done);
        break;
    }
  }

  v1::CaseService::Stub* const stub_;
  const std::string officer_;
  const std::string provider_;
  const std::string id_prefix_;
  CaseMessages m_;
  std::string case_id_;
  uint64_t cases_ = 0;
  int step_ = 0;
};

struct Figures {
  double per_second = 0;
  double p50_ms = 0;
  double p99_ms = 0;
  uint64_t calls = 0;
  uint64_t errors = 0;
  std::string first_error;
  // CPU time per counted call, microseconds.
  double server_cpu_us = 0;
  double client_cpu_us = 0;
  // The store's group commits in the window: appends per commit and the
  // mean time of one synced write.
  double appends_per_commit = 0;
  double commit_ms = 0;
};

double Percentile(std::vector<float>& sorted, double p) {
  if (sorted.empty()) return 0;
  const size_t i =
      std::min(sorted.size() - 1,
               static_cast<size_t>(p * static_cast<double>(sorted.size())));
  return sorted[i];
}

// Runs `callers` chains for warm-up + seconds and measures the window.
Figures Measure(const Config& config, pid_t server, int metrics_port,
                std::vector<std::unique_ptr<Caller>>& callers) {
  Window window;
  const Clock::time_point begin = Clock::now();
  window.start = begin + std::chrono::microseconds(
                             static_cast<int64_t>(config.warmup * 1e6));
  window.end = window.start + std::chrono::microseconds(
                                  static_cast<int64_t>(config.seconds * 1e6));
  std::mutex mu;
  std::condition_variable cv;
  size_t running = callers.size();
  for (auto& caller : callers) {
    caller->Run(&window, [&] {
      std::lock_guard<std::mutex> lock(mu);
      if (--running == 0) cv.notify_all();
    });
  }
  std::this_thread::sleep_until(window.start);
  const absl::Duration server_before = ProcessCpu(server);
  const absl::Duration client_before = OwnCpu();
  const Commits commits_before = CommitsOf(Scrape(metrics_port));
  std::this_thread::sleep_until(window.end);
  const absl::Duration server_cpu = ProcessCpu(server) - server_before;
  const absl::Duration client_cpu = OwnCpu() - client_before;
  const Commits commits_after = CommitsOf(Scrape(metrics_port));
  window.stop.store(true);
  {
    std::unique_lock<std::mutex> lock(mu);
    cv.wait(lock, [&] { return running == 0; });
  }

  Figures f;
  std::vector<float> all;
  for (auto& caller : callers) {
    all.insert(all.end(), caller->latencies_us().begin(),
               caller->latencies_us().end());
    f.errors += caller->errors();
    if (f.first_error.empty()) f.first_error = caller->first_error();
  }
  std::sort(all.begin(), all.end());
  f.calls = all.size();
  f.per_second = static_cast<double>(all.size()) / config.seconds;
  f.p50_ms = Percentile(all, 0.50) / 1000;
  f.p99_ms = Percentile(all, 0.99) / 1000;
  const double batches = commits_after.batches - commits_before.batches;
  if (batches > 0) {
    f.appends_per_commit =
        (commits_after.appends - commits_before.appends) / batches;
    f.commit_ms = 1000 *
                  (commits_after.write_seconds - commits_before.write_seconds) /
                  batches;
  }
  if (f.calls > 0) {
    f.server_cpu_us =
        absl::ToDoubleMicroseconds(server_cpu) / static_cast<double>(f.calls);
    f.client_cpu_us =
        absl::ToDoubleMicroseconds(client_cpu) / static_cast<double>(f.calls);
  }
  return f;
}

std::string Token(const std::string& data_dir, v1::Role role,
                  absl::string_view subject, absl::string_view provider = "") {
  auth::DevTokenRequest request{.subject = std::string(subject),
                                .role = role,
                                .tenant = testing::kTenant,
                                .provider_id = std::string(provider)};
  absl::StatusOr<std::string> token =
      auth::MintDevToken(data_dir, request, absl::Now());
  if (!token.ok())
    Die(absl::StrCat("minting a token: ", token.status().ToString()));
  return *token;
}

int Main(int argc, char** argv) {
  const Config config = ParseFlags(argc, argv);
  // Debian's abseil checks every Mutex for lock-order cycles (it is built
  // without NDEBUG), and gRPC creates and destroys mutexes on every call:
  // the client's share of the CPU is not this tool's to spend on that.
  absl::SetMutexDeadlockDetectionMode(absl::OnDeadlockCycle::kIgnore);
  if (absl::Status s = domain::LoadStockholmTimeZone(); !s.ok()) {
    Die(absl::StrCat("time zone: ", s.ToString()));
  }
  if (!config.dir.empty()) setenv("TMPDIR", config.dir.c_str(), 1);
  testing::TempDir dir;
  const std::string data_dir = dir.Join("data");
  testing::ServerOptions server_options{.data_dir = data_dir,
                                        .extra_args = config.server_args,
                                        .work_dir = dir.path(),
                                        .binary = config.server};
  absl::StatusOr<std::unique_ptr<testing::ServerProcess>> server =
      testing::ServerProcess::Start(server_options);
  if (!server.ok())
    Die(absl::StrCat("starting the server: ", server.status().ToString()));
  const pid_t server_pid = (*server)->pid();
  const int metrics_port = (*server)->metrics_port();

  const std::string officer =
      Token(data_dir, v1::ROLE_FOLLOW_UP_OFFICER, "loadgen-officer");
  const std::string staff = Token(data_dir, v1::ROLE_PROVIDER, "loadgen-staff",
                                  testing::kPrivateProvider);

  // Separate connections, so that the server spreads them over its
  // threads as it would for separate clients.
  std::vector<std::shared_ptr<grpc::Channel>> channels;
  for (int i = 0; i < config.channels; ++i) {
    grpc::ChannelArguments args;
    args.SetInt(GRPC_ARG_USE_LOCAL_SUBCHANNEL_POOL, 1);
    args.SetInt("loadgen.channel", i);
    channels.push_back(grpc::CreateCustomChannel(
        (*server)->address(), grpc::InsecureChannelCredentials(), args));
  }
  std::vector<std::unique_ptr<v1::DiagnosticsService::Stub>> diagnostics;
  std::vector<std::unique_ptr<v1::CaseService::Stub>> cases;
  for (auto& channel : channels) {
    diagnostics.push_back(v1::DiagnosticsService::NewStub(channel));
    cases.push_back(v1::CaseService::NewStub(channel));
  }

  // The provider and unit every case refers to.
  {
    auto providers = v1::ProviderService::NewStub(channels.front());
    for (const auto& [command, id] :
         std::vector<std::pair<v1::Command, std::string>>{
             {testing::RegisterProvider(testing::kPrivateProvider,
                                        testing::kPrivateOrgNumber,
                                        v1::REGIFORM_PRIVATE),
              "setup-provider"},
             {testing::RegisterUnit(testing::kPrivateProvider,
                                    testing::kPrivateUnit),
              "setup-unit"}}) {
      grpc::ClientContext context;
      context.AddMetadata("authorization", absl::StrCat("Bearer ", officer));
      context.set_deadline(std::chrono::system_clock::now() +
                           std::chrono::seconds(30));
      grpc::Status status;
      if (command.has_register_provider()) {
        v1::RegisterProviderRequest request;
        v1::RegisterProviderResponse response;
        request.mutable_options()->set_command_id(id);
        *request.mutable_command() = command.register_provider();
        status = providers->RegisterProvider(&context, request, &response);
      } else {
        v1::RegisterUnitRequest request;
        v1::RegisterUnitResponse response;
        request.mutable_options()->set_command_id(id);
        *request.mutable_command() = command.register_unit();
        status = providers->RegisterUnit(&context, request, &response);
      }
      if (!status.ok()) {
        Die(absl::StrCat("set-up command ", id,
                         " failed: ", status.error_message(),
                         "\nserver output:\n", (*server)->Output()));
      }
    }
  }

  const absl::CivilDay today = domain::StockholmDay(absl::Now());
  std::printf(
      "loadgen: atgard-server pid %d on %s, data in %s; %d channel(s); "
      "%.1f s warm-up + %.1f s measured per phase\n",
      static_cast<int>(server_pid), (*server)->address().c_str(),
      data_dir.c_str(), config.channels, config.warmup, config.seconds);
  std::printf(
      "commands: RegisterCase -> RequestPlan -> SubmitPlan -> AssessPlan on "
      "fresh cases; ping: DiagnosticsService/Ping\n\n");
  std::fflush(stdout);

  struct Row {
    int callers;
    Figures ping;
    Figures commands;
  };
  std::vector<Row> rows;
  int phase = 0;
  bool failed = false;
  for (int n : config.callers) {
    Row row{.callers = n};
    {
      std::vector<std::unique_ptr<Caller>> callers;
      for (int i = 0; i < n; ++i) {
        callers.push_back(std::make_unique<PingCaller>(
            diagnostics[i % diagnostics.size()].get(), officer));
      }
      row.ping = Measure(config, server_pid, metrics_port, callers);
    }
    {
      ++phase;
      std::vector<std::unique_ptr<Caller>> callers;
      for (int i = 0; i < n; ++i) {
        callers.push_back(std::make_unique<CaseCaller>(
            cases[i % cases.size()].get(), officer, staff,
            absl::StrCat("lg", phase, "-c", i), today));
      }
      row.commands = Measure(config, server_pid, metrics_port, callers);
    }
    for (const Figures* f : {&row.ping, &row.commands}) {
      if (f->errors > 0 || f->calls == 0) {
        failed = true;
        std::fprintf(stderr, "loadgen: %d callers: %llu failed calls (%s)\n", n,
                     static_cast<unsigned long long>(f->errors),
                     f->first_error.c_str());
      }
    }
    std::printf(
        "  %3d callers: ping %8.0f/s p99 %6.2f ms | commands %8.0f/s p99 "
        "%6.2f ms\n",
        n, row.ping.per_second, row.ping.p99_ms, row.commands.per_second,
        row.commands.p99_ms);
    std::fflush(stdout);
    rows.push_back(row);
  }

  double ceiling = 0;
  for (const Row& row : rows) ceiling = std::max(ceiling, row.ping.per_second);
  std::printf("\n");
  std::printf(
      "callers |   ping/s  p50 ms  p99 ms | commands/s  p50 ms  p99 ms  "
      "errors | ratio | server us/cmd  client us/cmd | appends/commit  "
      "commit ms\n");
  std::printf(
      "--------+--------------------------+---------------------------------"
      "------+-------+------------------------------+------------------------"
      "--\n");
  for (const Row& row : rows) {
    const Figures& p = row.ping;
    const Figures& c = row.commands;
    std::printf(
        "%7d | %8.0f %7.2f %7.2f | %10.0f %7.2f %7.2f %7llu | %5.2f | %13.0f "
        "%14.0f | %14.1f %10.2f\n",
        row.callers, p.per_second, p.p50_ms, p.p99_ms, c.per_second, c.p50_ms,
        c.p99_ms, static_cast<unsigned long long>(c.errors),
        ceiling > 0 ? c.per_second / ceiling : 0.0, c.server_cpu_us,
        c.client_cpu_us, c.appends_per_commit, c.commit_ms);
  }
  std::printf(
      "\nratio = commands/s / best ping/s of this run (%.0f/s). Ping CPU per "
      "call: ",
      ceiling);
  for (const Row& row : rows) {
    std::printf("%d: server %.0f us, client %.0f us; ", row.callers,
                row.ping.server_cpu_us, row.ping.client_cpu_us);
  }
  // Client and server share the cores: once both phases use all of them,
  // the ratio cannot exceed the ping's CPU per call over a command's.
  std::printf(
      "\nCPU per ping / CPU per command (server + client), the ratio's bound "
      "when the cores are saturated: ");
  for (const Row& row : rows) {
    const double command_us =
        row.commands.server_cpu_us + row.commands.client_cpu_us;
    std::printf(
        "%d: %.2f; ", row.callers,
        command_us > 0
            ? (row.ping.server_cpu_us + row.ping.client_cpu_us) / command_us
            : 0.0);
  }
  std::printf("\n");

  absl::StatusOr<testing::ProcessResult> stopped = (*server)->Stop();
  if (!stopped.ok() || stopped->exit_code != 0) {
    std::fprintf(stderr, "loadgen: the server did not stop cleanly: %s\n%s\n",
                 stopped.ok() ? "" : stopped.status().ToString().c_str(),
                 stopped.ok() ? stopped->output.c_str() : "");
    failed = true;
  }
  return failed ? 1 : 0;
}

}  // namespace
}  // namespace atgard::loadgen

int main(int argc, char** argv) { return atgard::loadgen::Main(argc, argv); }
