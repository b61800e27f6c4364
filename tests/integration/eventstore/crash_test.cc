// Crash safety: a child process appends from many threads and is killed
// with SIGKILL at random moments (during start-up, mid-batch, anywhere).
// After each kill the store reopens with every acknowledged append present,
// positions gap-free, the hash chain verified and idempotency intact; the
// appends that were in flight resolve to exactly once when retried.
//
// ATGARD_CRASH_ROUNDS sets the number of rounds (default 20).
#include <fcntl.h>
#include <gtest/gtest.h>
#include <poll.h>
#include <signal.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cstdlib>
#include <map>
#include <random>
#include <set>
#include <string>
#include <vector>

#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_split.h"
#include "absl/time/clock.h"
#include "eventstore/event_store.h"
#include "tests/integration/eventstore/crash_protocol.h"
#include "tests/integration/eventstore/store_test_util.h"
#include "tests/support/temp_dir.h"

namespace atgard::eventstore {
namespace {

using ::atgard::eventstore::testing::OpenOrDie;
using ::atgard::eventstore::testing::ReadEverything;
using ::atgard::testing::TempDir;

struct Begun {
  std::string stream;
  int kind = 0;
  uint64_t version = 0;
  int count = 0;
};

struct Acked {
  uint64_t first_version, last_version, first_position, last_position;
};

int Rounds() {
  const char* env = std::getenv("ATGARD_CRASH_ROUNDS");
  int rounds = 20;
  if (env != nullptr && !absl::SimpleAtoi(env, &rounds)) rounds = 20;
  return rounds;
}

// Runs one child until `kill_after`, then SIGKILLs it; returns its lines.
std::vector<std::string> RunChild(const std::string& dir, int round,
                                  absl::Duration kill_after) {
  int fds[2];
  if (pipe2(fds, O_CLOEXEC) != 0) {
    ADD_FAILURE() << "pipe";
    return {};
  }
  const pid_t pid = fork();
  if (pid == 0) {
    dup2(fds[1], STDOUT_FILENO);
    const std::string round_arg = absl::StrCat(round);
    execl(ATGARD_CRASH_CHILD_PATH, ATGARD_CRASH_CHILD_PATH, dir.c_str(),
          round_arg.c_str(), "8", static_cast<char*>(nullptr));
    _exit(127);
  }
  close(fds[1]);
  std::string data;
  const absl::Time deadline = absl::Now() + kill_after;
  bool killed = false;
  char buf[65536];
  while (true) {
    if (!killed && absl::Now() >= deadline) {
      kill(pid, SIGKILL);
      killed = true;
    }
    pollfd p{.fd = fds[0], .events = POLLIN, .revents = 0};
    const int wait_ms =
        killed ? 1000
               : std::max<int64_t>(
                     0, absl::ToInt64Milliseconds(deadline - absl::Now()));
    if (poll(&p, 1, wait_ms) <= 0) continue;
    const ssize_t n = read(fds[0], buf, sizeof(buf));
    if (n <= 0) break;  // EOF: the child is gone
    data.append(buf, n);
  }
  close(fds[0]);
  int status = 0;
  waitpid(pid, &status, 0);
  EXPECT_TRUE(WIFSIGNALED(status) && WTERMSIG(status) == SIGKILL)
      << "child ended by itself (status " << status << ") in round " << round;
  std::vector<std::string> lines = absl::StrSplit(data, '\n');
  // A line cut by the kill is never complete; drop it.
  if (!data.empty() && data.back() != '\n') lines.pop_back();
  return lines;
}

TEST(EventStoreCrash, AcknowledgedAppendsSurviveSigkill) {
  TempDir tmp;
  const std::string dir = tmp.Join("store");
  const int rounds = Rounds();
  std::mt19937 rng(20261123);
  std::map<std::string, Begun> begun;
  std::map<std::string, Acked> acked;

  for (int round = 0; round < rounds; ++round) {
    // Some rounds die during start-up (the first even while the store is
    // being created), most while appending.
    const int64_t ms = round == 0       ? 1 + rng() % 10
                       : round % 5 == 0 ? rng() % 40
                                        : 40 + rng() % 400;
    std::set<std::string> begun_now;
    for (const std::string& line :
         RunChild(dir, round, absl::Milliseconds(ms))) {
      const std::vector<std::string> f = absl::StrSplit(line, ' ');
      if (f.size() == 6 && f[0] == "B") {
        Begun b{.stream = f[2]};
        ASSERT_TRUE(absl::SimpleAtoi(f[3], &b.kind));
        ASSERT_TRUE(absl::SimpleAtoi(f[4], &b.version));
        ASSERT_TRUE(absl::SimpleAtoi(f[5], &b.count));
        begun[f[1]] = b;
        begun_now.insert(f[1]);
      } else if (f.size() == 6 && f[0] == "A") {
        Acked a;
        ASSERT_TRUE(absl::SimpleAtoi(f[2], &a.first_version));
        ASSERT_TRUE(absl::SimpleAtoi(f[3], &a.last_version));
        ASSERT_TRUE(absl::SimpleAtoi(f[4], &a.first_position));
        ASSERT_TRUE(absl::SimpleAtoi(f[5], &a.last_position));
        acked[f[1]] = a;
      } else if (!line.empty()) {
        FAIL() << "unexpected line from the child: " << line;
      }
    }

    auto store = OpenOrDie({.path = dir});
    ASSERT_NE(store, nullptr) << "round " << round;

    // Gap-free positions, and where each command's events are.
    std::map<std::string, std::vector<const v1::EventEnvelope*>> by_command;
    const std::vector<v1::EventEnvelope> all = ReadEverything(*store);
    ASSERT_EQ(all.size(), store->HeadPosition());
    for (size_t i = 0; i < all.size(); ++i) {
      ASSERT_EQ(all[i].global_position(), i + 1) << "round " << round;
      by_command[all[i].metadata().command_id()].push_back(&all[i]);
    }
    // Every acknowledged append, exactly where it was acknowledged.
    for (const auto& [command, a] : acked) {
      auto found = by_command.find(command);
      ASSERT_NE(found, by_command.end())
          << "acknowledged append lost: " << command << " round " << round;
      const auto& events = found->second;
      ASSERT_EQ(events.size(), a.last_position - a.first_position + 1);
      for (size_t i = 0; i < events.size(); ++i) {
        EXPECT_EQ(events[i]->global_position(), a.first_position + i);
        EXPECT_EQ(events[i]->stream_version(), a.first_version + i);
        EXPECT_EQ(events[i]->stream_id(), begun[command].stream);
      }
    }
    auto report = store->Verify();
    ASSERT_TRUE(report.ok()) << report.status();
    ASSERT_TRUE(report->ok)
        << "round " << round << ": " << report->first_bad_position << " "
        << report->problem;

    // Idempotency survived: some acknowledged commands, re-sent.
    int resent = 0;
    for (const auto& [command, a] : acked) {
      if (rng() % 8 != 0 || ++resent > 25) continue;
      const Begun& b = begun[command];
      auto r = store->Append(b.stream, crash::Expected(b.kind, b.version),
                             crash::Events(command, b.count), command,
                             crash::Metadata());
      ASSERT_TRUE(r.ok()) << command << ": " << r.status();
      EXPECT_TRUE(r->deduplicated) << command;
      EXPECT_EQ(r->first_position, a.first_position) << command;
      EXPECT_EQ(r->last_version, a.last_version) << command;
    }
    // What was in flight when the child died: its client retries now, and
    // it lands exactly once (or meets a conflict, never a double write).
    for (const std::string& command : begun_now) {
      if (acked.contains(command)) continue;
      const Begun& b = begun[command];
      auto r = store->Append(b.stream, crash::Expected(b.kind, b.version),
                             crash::Events(command, b.count), command,
                             crash::Metadata());
      ASSERT_TRUE(r.ok() || r.status().code() == absl::StatusCode::kAborted)
          << command << ": " << r.status();
      if (r.ok()) {
        acked[command] = {r->first_version, r->last_version, r->first_position,
                          r->last_position};
      }
    }
    std::map<std::string, int> copies;
    for (const auto& e : ReadEverything(*store)) {
      ++copies[e.metadata().command_id()];
    }
    for (const auto& [command, n] : copies) {
      const int expected = begun.contains(command) ? begun[command].count : 0;
      ASSERT_EQ(n, expected)
          << "command " << command << " written " << n << " events";
    }
  }
  std::printf("%d rounds, %zu acknowledged appends, all present\n", rounds,
              acked.size());
}

}  // namespace
}  // namespace atgard::eventstore
