// The crash test's child: opens the store and appends from many threads
// until it is killed, reporting every step on stdout (crash_protocol.h).
//
//   eventstore_crash_child <data_dir> <round> <threads>
#include <unistd.h>

#include <atomic>
#include <cstdio>
#include <cstdlib>
#include <random>
#include <string>
#include <thread>
#include <vector>

#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "eventstore/event_store.h"
#include "tests/integration/eventstore/crash_protocol.h"

namespace atgard::eventstore {
namespace {

void WriteLine(const std::string& line) {
  // One write per line: atomic on a pipe, never interleaved.
  const std::string with_newline = line + "\n";
  if (write(STDOUT_FILENO, with_newline.data(), with_newline.size()) !=
      static_cast<ssize_t>(with_newline.size())) {
    std::_Exit(3);
  }
}

int Main(int argc, char** argv) {
  int round = 0, threads = 0;
  if (argc != 4 || !absl::SimpleAtoi(argv[2], &round) ||
      !absl::SimpleAtoi(argv[3], &threads)) {
    std::fprintf(stderr, "usage: %s <data_dir> <round> <threads>\n", argv[0]);
    return 2;
  }
  absl::StatusOr<std::unique_ptr<EventStore>> store =
      EventStore::Open({.path = argv[1]});
  if (!store.ok()) {
    std::fprintf(stderr, "open: %s\n", store.status().ToString().c_str());
    return 1;
  }
  const v1::EventMetadata metadata = crash::Metadata();
  std::vector<std::thread> pool;
  for (int t = 0; t < threads; ++t) {
    pool.emplace_back([&, t] {
      std::mt19937 rng(round * 1000 + t);
      const std::string own = absl::StrCat("crash-own-", t);
      auto info = (*store)->GetStreamInfo(own);
      uint64_t own_version = info.ok() ? info->version : 0;
      for (int i = 0;; ++i) {
        const std::string command = absl::StrCat("r", round, "-t", t, "-", i);
        const int count = 1 + static_cast<int>(rng() % 3);
        std::string stream;
        ExpectedVersion expected = ExpectedVersion::Any();
        if (rng() % 2 == 0) {
          stream = own;
          expected = ExpectedVersion::Exact(own_version);
        } else {
          stream = absl::StrCat("crash-shared-", rng() % 4);
        }
        WriteLine(absl::StrCat("B ", command, " ", stream, " ",
                               static_cast<int>(expected.kind()), " ",
                               expected.version(), " ", count));
        absl::StatusOr<AppendResult> r = (*store)->Append(
            stream, expected, crash::Events(command, count), command, metadata);
        if (!r.ok()) {
          std::fprintf(stderr, "append %s: %s\n", command.c_str(),
                       r.status().ToString().c_str());
          std::_Exit(1);
        }
        if (stream == own) own_version = r->last_version;
        WriteLine(absl::StrCat("A ", command, " ", r->first_version, " ",
                               r->last_version, " ", r->first_position, " ",
                               r->last_position));
      }
    });
  }
  for (std::thread& t : pool) t.join();
  return 0;
}

}  // namespace
}  // namespace atgard::eventstore

int main(int argc, char** argv) { return atgard::eventstore::Main(argc, argv); }
