// Helpers of the tests that damage a store's files: events with payloads
// that are easy to find in the files, copies of the directory (the image a
// crash leaves), and the newest file of each kind.
#ifndef ATGARD_TESTS_INTEGRATION_EVENTSTORE_DAMAGE_UTIL_H_
#define ATGARD_TESTS_INTEGRATION_EVENTSTORE_DAMAGE_UTIL_H_

#include <gtest/gtest.h>

#include <algorithm>
#include <filesystem>
#include <fstream>
#include <iterator>
#include <string>
#include <vector>

#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_format.h"
#include "eventstore/event_store.h"
#include "tests/integration/eventstore/store_test_util.h"

namespace atgard::eventstore::testing {

inline std::string Payload(uint64_t position) {
  // Long enough that records span the log's 32 KiB blocks and tables hold
  // several data blocks.
  return absl::StrFormat("payload %06d %s", position, std::string(120, 'x'));
}

inline std::string ReadFile(const std::filesystem::path& path) {
  std::ifstream in(path, std::ios::binary);
  return std::string(std::istreambuf_iterator<char>(in), {});
}

inline void WriteFile(const std::filesystem::path& path,
                      const std::string& bytes) {
  std::ofstream out(path, std::ios::binary | std::ios::trunc);
  out.write(bytes.data(), static_cast<std::streamsize>(bytes.size()));
}

// Appends positions from..to (the store must be at from - 1), one event
// each, spread over seven streams.
inline void Fill(EventStore& store, uint64_t from, uint64_t to) {
  for (uint64_t p = from; p <= to; ++p) {
    auto r = store.Append(absl::StrCat("case-", p % 7), ExpectedVersion::Any(),
                          {Event("Happened", Payload(p))},
                          absl::StrCat("cmd-", p), Meta());
    ASSERT_TRUE(r.ok()) << r.status();
    ASSERT_EQ(r->last_position, p);
  }
}

// Copies every file of `from` into the new directory `to`: what a power cut
// right now would leave on disk, since every acknowledged append is synced.
inline void CopyDirectory(const std::string& from, const std::string& to) {
  namespace fs = std::filesystem;
  fs::create_directories(to);
  fs::permissions(to, fs::perms::owner_all);
  for (const auto& entry : fs::directory_iterator(from)) {
    if (entry.path().filename() == "LOCK") continue;
    fs::copy_file(entry.path(), fs::path(to) / entry.path().filename());
  }
}

enum class Kind { kWal, kTable, kManifest, kOptions, kCurrent };

inline bool IsKind(const std::string& name, Kind kind) {
  switch (kind) {
    case Kind::kWal:
      return absl::EndsWith(name, ".log");
    case Kind::kTable:
      return absl::EndsWith(name, ".sst");
    case Kind::kManifest:
      return absl::StartsWith(name, "MANIFEST-");
    case Kind::kOptions:
      return absl::StartsWith(name, "OPTIONS-");
    case Kind::kCurrent:
      return name == "CURRENT";
  }
  return false;
}

// The newest file of `kind` (file numbers are zero-padded, so the greatest
// name); empty if there is none.
inline std::filesystem::path Newest(const std::string& dir, Kind kind) {
  std::vector<std::filesystem::path> found;
  for (const auto& entry : std::filesystem::directory_iterator(dir)) {
    if (IsKind(entry.path().filename().string(), kind)) {
      found.push_back(entry.path());
    }
  }
  if (found.empty()) return {};
  return *std::max_element(found.begin(), found.end());
}

}  // namespace atgard::eventstore::testing

#endif  // ATGARD_TESTS_INTEGRATION_EVENTSTORE_DAMAGE_UTIL_H_
