// A full disk is an answered error, end to end: the real server on a real
// 64 MiB file system (tmpfs, mounted in a private mount namespace that
// vanishes with the test) answers RESOURCE_EXHAUSTED before the disk is
// full, keeps serving reads, restarts while full, takes commands again once
// space is freed, and after another restart holds every command it
// acknowledged, once. Needs root (to mount); skipped otherwise.
#include <fcntl.h>
#include <grpcpp/create_channel.h>
#include <grpcpp/security/credentials.h>
#include <sched.h>
#include <sys/mount.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <filesystem>
#include <mutex>
#include <string>
#include <thread>
#include <vector>

#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "absl/time/clock.h"
#include "atgard/v1/event_store_service.grpc.pb.h"
#include "gtest/gtest.h"
#include "services/domain/calendar.h"
#include "tests/support/domain_fixtures.h"
#include "tests/support/grpc_client.h"
#include "tests/support/health_client.h"
#include "tests/support/remote_case.h"
#include "tests/support/server_process.h"
#include "tests/support/temp_dir.h"

namespace atgard::testing {
namespace {

// Writes `bytes` of zeros to `path`; false if the disk has no room.
bool WriteBallast(const std::string& path, size_t bytes) {
  const int fd = open(path.c_str(), O_WRONLY | O_CREAT | O_TRUNC, 0600);
  if (fd < 0) return false;
  const std::string block(1 << 20, '\0');
  bool ok = true;
  for (size_t written = 0; ok && written < bytes; written += block.size()) {
    ok = write(fd, block.data(), block.size()) ==
         static_cast<ssize_t>(block.size());
  }
  return close(fd) == 0 && ok;
}

// Registers cases from `threads` threads until the server refuses one;
// returns the stream of every acknowledged case and the refusals.
struct Filled {
  std::vector<std::string> streams;
  std::vector<grpc::Status> refusals;
};
Filled RegisterUntilRefused(const GrpcClient& client, const std::string& tag,
                            int threads) {
  Filled filled;
  std::mutex mu;
  std::vector<std::thread> workers;
  for (int t = 0; t < threads; ++t) {
    workers.emplace_back([&, t] {
      for (int n = 0;; ++n) {
        const CommandOutcome outcome = client.Run(
            FollowUpOfficer(),
            RegisterCase(absl::StrCat(tag, "-", t, "-", n), kPrivateProvider,
                         kPrivateUnit, Today() - 1));
        std::lock_guard<std::mutex> l(mu);
        if (!outcome.ok()) {
          filled.refusals.push_back(outcome.status);
          return;
        }
        filled.streams.push_back(outcome.result.stream_id());
      }
    });
  }
  for (std::thread& w : workers) w.join();
  return filled;
}

// The number of events of `stream_id`, read as an auditor (a read the read
// log records, so it also shows that reads are served).
int CountEvents(const GrpcClient& client, const std::string& stream_id) {
  v1::ReadStreamRequest request;
  request.set_stream_id(stream_id);
  v1::ReadStreamResponse response;
  const grpc::Status status =
      v1::EventStoreService::NewStub(client.channel())
          ->ReadStream(client.Context(Auditor()).get(), request, &response);
  EXPECT_TRUE(status.ok()) << stream_id << ": " << Describe(status);
  return response.events_size();
}

TEST(DiskFull, RefusedBeforeFullServedWhileFullResumedWhenFreed) {
  if (geteuid() != 0) GTEST_SKIP() << "needs root to mount a small tmpfs";
  // Before any thread exists: a process with threads cannot unshare.
  if (unshare(CLONE_NEWNS) != 0) {
    GTEST_SKIP() << "cannot make a mount namespace: " << std::strerror(errno);
  }
  // Mounts made from here on stay in this process and its children.
  ASSERT_EQ(mount(nullptr, "/", nullptr, MS_REC | MS_PRIVATE, nullptr), 0)
      << std::strerror(errno);
  ASSERT_TRUE(domain::LoadStockholmTimeZone().ok());
  TempDir tmp;
  const std::string disk = tmp.Join("disk");
  std::filesystem::create_directory(disk);
  ASSERT_EQ(mount("tmpfs", disk.c_str(), "tmpfs", 0, "size=64m,mode=0700"), 0)
      << std::strerror(errno);
  struct Unmount {
    std::string path;
    ~Unmount() { umount2(path.c_str(), MNT_DETACH); }
  } unmount{disk};

  // Most of the disk is taken by something else, so that the store's
  // share fills in seconds.
  const std::string ballast = disk + "/ballast";
  ASSERT_TRUE(WriteBallast(ballast, 40 << 20));
  const ServerOptions options{.data_dir = disk + "/data",
                              .work_dir = tmp.path()};
  auto server = ServerProcess::Start(options);
  ASSERT_TRUE(server.ok()) << server.status();
  std::vector<std::string> acknowledged;
  {
    GrpcClient client((*server)->address(), options.data_dir);
    SeedProvidersRemotely(client);
    Filled filled = RegisterUntilRefused(client, "full", 8);
    ASSERT_EQ(filled.refusals.size(), 8u);
    for (const grpc::Status& refusal : filled.refusals) {
      EXPECT_EQ(refusal.error_code(), grpc::StatusCode::RESOURCE_EXHAUSTED)
          << Describe(refusal);
      EXPECT_TRUE(absl::StrContains(
          refusal.error_message(),
          absl::StrCat("data directory ", options.data_dir, ": ")))
          << refusal.error_message();
      EXPECT_TRUE(absl::StrContains(refusal.error_message(),
                                    "writes are refused until space is freed"))
          << refusal.error_message();
    }
    EXPECT_GT(filled.streams.size(), 100u);
    acknowledged = std::move(filled.streams);
    // Reads are served meanwhile.
    EXPECT_EQ(CountEvents(client, acknowledged.front()), 1);
    EXPECT_TRUE(
        absl::StrContains((*server)->Output(), "writes_refused_disk_reserve"));
    // Health says so by name, while the server as a whole still serves.
    auto channel = grpc::CreateChannel((*server)->address(),
                                       grpc::InsecureChannelCredentials());
    EXPECT_EQ(*CheckHealth(channel, "atgard.writes"),
              ServingStatus::kNotServing);
    EXPECT_EQ(*CheckHealth(channel), ServingStatus::kServing);
  }
  // A restart on the full disk works (the memtable flush at start had its
  // room kept) and the server still refuses, answering.
  auto stopped = (*server)->Stop();
  ASSERT_TRUE(stopped.ok()) << stopped.status();
  EXPECT_EQ(stopped->exit_code, 0) << stopped->output;
  server = ServerProcess::Start(options);
  ASSERT_TRUE(server.ok()) << server.status();
  {
    GrpcClient client((*server)->address(), options.data_dir);
    EXPECT_EQ(CountEvents(client, acknowledged.back()), 1);

    // Space freed: commands are taken again, without a restart.
    ASSERT_TRUE(std::filesystem::remove(ballast));
    const absl::Time deadline = absl::Now() + absl::Seconds(10);
    CommandOutcome outcome;
    for (int n = 0; absl::Now() < deadline; ++n) {
      outcome =
          client.Run(FollowUpOfficer(),
                     RegisterCase(absl::StrCat("freed-", n), kPrivateProvider,
                                  kPrivateUnit, Today() - 1));
      if (outcome.ok()) break;
      EXPECT_EQ(outcome.status.error_code(),
                grpc::StatusCode::RESOURCE_EXHAUSTED);
      absl::SleepFor(absl::Milliseconds(50));
    }
    ASSERT_TRUE(outcome.ok()) << Describe(outcome.status);
    acknowledged.push_back(outcome.result.stream_id());
    EXPECT_EQ(
        *CheckHealth(grpc::CreateChannel((*server)->address(),
                                         grpc::InsecureChannelCredentials()),
                     "atgard.writes"),
        ServingStatus::kServing);
    for (int n = 0; n < 50; ++n) {
      outcome =
          client.Run(FollowUpOfficer(),
                     RegisterCase(absl::StrCat("after-", n), kPrivateProvider,
                                  kPrivateUnit, Today() - 1));
      ASSERT_TRUE(outcome.ok()) << Describe(outcome.status);
      acknowledged.push_back(outcome.result.stream_id());
    }
  }
  stopped = (*server)->Stop();
  ASSERT_TRUE(stopped.ok()) << stopped.status();
  EXPECT_EQ(stopped->exit_code, 0) << stopped->output;

  server = ServerProcess::Start(options);
  ASSERT_TRUE(server.ok()) << server.status();
  GrpcClient client((*server)->address(), options.data_dir);
  for (const std::string& stream : acknowledged) {
    ASSERT_EQ(CountEvents(client, stream), 1) << stream;
  }
  stopped = (*server)->Stop();
  ASSERT_TRUE(stopped.ok()) << stopped.status();
  EXPECT_EQ(stopped->exit_code, 0) << stopped->output;
}

}  // namespace
}  // namespace atgard::testing
