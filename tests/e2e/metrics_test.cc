// The Prometheus endpoint of the real server, scraped over plain HTTP after
// real calls: RPCs by method and status with latency histograms, append
// latency and batch sizes, events appended, open subscriptions and their
// lag, scheduler runs and the overdue events they appended.
#include <arpa/inet.h>
#include <netinet/in.h>
#include <sys/socket.h>
#include <unistd.h>

#include <filesystem>
#include <fstream>
#include <map>
#include <string>
#include <vector>

#include "absl/strings/match.h"
#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_split.h"
#include "absl/strings/strip.h"
#include "absl/time/clock.h"
#include "atgard/v1/diagnostics_service.grpc.pb.h"
#include "atgard/v1/event_store_service.grpc.pb.h"
#include "eventstore/event_store.h"
#include "gmock/gmock.h"
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

// GET /metrics with HTTP/1.0 (the server closes the connection after the
// answer); the body, or an error.
absl::StatusOr<std::string> Scrape(int port) {
  const int fd = socket(AF_INET, SOCK_STREAM, 0);
  if (fd < 0) return absl::InternalError("socket failed");
  sockaddr_in address{};
  address.sin_family = AF_INET;
  address.sin_port = htons(static_cast<uint16_t>(port));
  address.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  if (connect(fd, reinterpret_cast<sockaddr*>(&address), sizeof(address)) !=
      0) {
    close(fd);
    return absl::UnavailableError(absl::StrCat("cannot connect to ", port));
  }
  const std::string request =
      "GET /metrics HTTP/1.0\r\nHost: 127.0.0.1\r\n\r\n";
  if (write(fd, request.data(), request.size()) !=
      static_cast<ssize_t>(request.size())) {
    close(fd);
    return absl::InternalError("write failed");
  }
  std::string response;
  char buffer[8192];
  ssize_t n;
  while ((n = read(fd, buffer, sizeof(buffer))) > 0) response.append(buffer, n);
  close(fd);
  const size_t body = response.find("\r\n\r\n");
  if (!absl::StartsWith(response, "HTTP/1.") || body == std::string::npos ||
      response.find(" 200 ") > body) {
    return absl::DataLossError(absl::StrCat("not a 200 answer: ", response));
  }
  return response.substr(body + 4);
}

// One sample: its name, labels and value.
struct Sample {
  std::string name;
  std::map<std::string, std::string> labels;
  double value = 0;
};

std::vector<Sample> Parse(const std::string& text) {
  std::vector<Sample> samples;
  for (absl::string_view line : absl::StrSplit(text, '\n', absl::SkipEmpty())) {
    if (absl::StartsWith(line, "#")) continue;
    Sample s;
    const size_t brace = line.find('{');
    const size_t space = line.rfind(' ');
    if (space == absl::string_view::npos) continue;
    if (brace != absl::string_view::npos && brace < space) {
      s.name = std::string(line.substr(0, brace));
      const size_t close = line.rfind('}');
      for (absl::string_view pair :
           absl::StrSplit(line.substr(brace + 1, close - brace - 1), "\",",
                          absl::SkipEmpty())) {
        std::vector<std::string> kv =
            absl::StrSplit(pair, absl::MaxSplits('=', 1));
        if (kv.size() != 2) continue;
        s.labels[kv[0]] = std::string(
            absl::StripSuffix(absl::StripPrefix(kv[1], "\""), "\""));
      }
    } else {
      s.name = std::string(line.substr(0, space));
    }
    if (!absl::SimpleAtod(line.substr(space + 1), &s.value)) continue;
    samples.push_back(std::move(s));
  }
  return samples;
}

// The value of the one sample named `name` whose labels include `labels`;
// -1 if there is none.
double Value(const std::vector<Sample>& samples, const std::string& name,
             const std::map<std::string, std::string>& labels = {}) {
  for (const Sample& s : samples) {
    if (s.name != name) continue;
    bool match = true;
    for (const auto& [k, v] : labels) {
      auto it = s.labels.find(k);
      match &= it != s.labels.end() && it->second == v;
    }
    if (match) return s.value;
  }
  return -1;
}

TEST(Metrics, ScrapeShowsTheServersWork) {
  ASSERT_TRUE(domain::LoadStockholmTimeZone().ok());
  TempDir tmp;
  // A care-plan review two months old, recorded before this server
  // starts: the next review was due a month ago, so the scheduler's run at
  // start-up appends an overdue event.
  {
    auto before = ServerProcess::Start(
        {.data_dir = tmp.Join("data"), .work_dir = tmp.path()});
    ASSERT_TRUE(before.ok()) << before.status();
    GrpcClient client((*before)->address(), tmp.Join("data"));
    SeedProvidersRemotely(client);
    MustRun(client, ProviderStaff(kPrivateProvider),
            RecordCarePlanReview("genomgang-1", kPrivateProvider, kPrivateUnit,
                                 "klient-17", Today() - 62));
  }
  auto server = ServerProcess::Start(
      {.data_dir = tmp.Join("data"), .work_dir = tmp.path()});
  ASSERT_TRUE(server.ok()) << server.status();
  ASSERT_GT((*server)->metrics_port(), 0);
  GrpcClient client((*server)->address(), tmp.Join("data"));

  const std::string ping = "/atgard.v1.DiagnosticsService/Ping";
  const std::string register_provider =
      "/atgard.v1.ProviderService/RegisterProvider";
  for (int i = 0; i < 3; ++i) {
    v1::PingResponse pong;
    ASSERT_TRUE(
        v1::DiagnosticsService::NewStub(client.channel())
            ->Ping(client.Context(Auditor()).get(), v1::PingRequest(), &pong)
            .ok());
  }
  for (const char* id : {"bolag-a", "bolag-b", "bolag-c"}) {
    MustRun(client, FollowUpOfficer(),
            RegisterProvider(id, kOtherOrgNumber, v1::REGIFORM_PRIVATE));
  }
  EXPECT_EQ(client
                .Run(Auditor(), RegisterProvider("revisorns", kOtherOrgNumber,
                                                 v1::REGIFORM_PRIVATE))
                .status.error_code(),
            grpc::StatusCode::PERMISSION_DENIED);

  // One subscription stays open while scraping.
  auto context = client.Context(Auditor(), absl::Seconds(60));
  v1::SubscribeRequest request;
  request.set_from_position(1);
  auto reader = v1::EventStoreService::NewStub(client.channel())
                    ->Subscribe(context.get(), request);
  v1::SubscribeResponse message;
  ASSERT_TRUE(reader->Read(&message));

  // The scheduler runs asynchronously, commits are counted once their
  // callers have been answered, and the subscription catches up with the
  // last append after it: scrape until all of them show.
  std::vector<Sample> samples;
  const absl::Time deadline = absl::Now() + absl::Seconds(30);
  do {
    absl::StatusOr<std::string> text = Scrape((*server)->metrics_port());
    ASSERT_TRUE(text.ok()) << text.status();
    samples = Parse(*text);
    if (Value(samples, "atgard_overdue_events_total") >= 1 &&
        Value(samples, "atgard_subscriptions") == 1 &&
        Value(samples, "atgard_events_appended_total") >= 5 &&
        Value(samples, "atgard_subscription_lag_events") == 0 &&
        Value(samples, "atgard_policy_commands_total") >= 3) {
      break;
    }
    absl::SleepFor(absl::Milliseconds(200));
  } while (absl::Now() < deadline);

  // RPCs by method and status code, with latency histograms.
  EXPECT_GE(
      Value(samples, "atgard_rpcs_total", {{"method", ping}, {"code", "OK"}}),
      3);
  EXPECT_GE(Value(samples, "atgard_rpcs_total",
                  {{"method", register_provider}, {"code", "OK"}}),
            3);
  EXPECT_EQ(
      Value(samples, "atgard_rpcs_total",
            {{"method", register_provider}, {"code", "PERMISSION_DENIED"}}),
      1);
  EXPECT_GE(
      Value(samples, "atgard_rpc_duration_seconds_count", {{"method", ping}}),
      3);
  EXPECT_EQ(
      Value(samples, "atgard_rpc_duration_seconds_bucket",
            {{"method", ping}, {"le", "+Inf"}}),
      Value(samples, "atgard_rpc_duration_seconds_count", {{"method", ping}}));
  EXPECT_GT(
      Value(samples, "atgard_rpc_duration_seconds_sum", {{"method", ping}}), 0);
  // Appends: latency, batch sizes and events.
  const double commits = Value(samples, "atgard_append_duration_seconds_count");
  EXPECT_GE(commits, 1);
  EXPECT_GT(Value(samples, "atgard_append_duration_seconds_sum"), 0);
  EXPECT_EQ(
      Value(samples, "atgard_commit_batch_size_count", {{"unit", "appends"}}),
      commits);
  EXPECT_GE(
      Value(samples, "atgard_commit_batch_size_sum", {{"unit", "events"}}),
      Value(samples, "atgard_commit_batch_size_sum", {{"unit", "appends"}}));
  // Since this start: three providers, the overdue review, the
  // subscription's access record.
  EXPECT_GE(Value(samples, "atgard_events_appended_total"), 5);
  // Subscriptions and lag.
  EXPECT_EQ(Value(samples, "atgard_subscriptions"), 1);
  // The subscriber has read up to the head (a few events, well within
  // the stream's flow-control window) and was last seen there.
  EXPECT_EQ(Value(samples, "atgard_subscription_lag_events"), 0);
  // The scheduler ran, and appended the overdue review.
  EXPECT_GE(Value(samples, "atgard_scheduler_runs_total"), 1);
  EXPECT_GE(Value(samples, "atgard_overdue_events_total"), 1)
      << (*server)->Output();
  // Each registration calls for a follow-up plan command (refused, as no
  // plan is adopted): at least the three since this start, more if the
  // first server stopped before its policies had seen the seed.
  EXPECT_GE(Value(samples, "atgard_policy_commands_total"), 3);
  // The overdue event itself, appended by the scheduler.
  v1::ReadAllRequest overdue;
  overdue.mutable_filter()->add_event_types("CarePlanReviewOverdue");
  v1::ReadAllResponse found;
  ASSERT_TRUE(v1::EventStoreService::NewStub(client.channel())
                  ->ReadAll(client.Context(Auditor()).get(), overdue, &found)
                  .ok());
  ASSERT_EQ(found.events_size(), 1);
  EXPECT_EQ(found.events(0).envelope().metadata().actor_role(), "SYSTEM");
  EXPECT_EQ(
      found.events(0).event().care_plan_review_overdue().client_reference(),
      "klient-17");

  context->TryCancel();
  while (reader->Read(&message)) {
  }
  reader->Finish();
  // A closed subscription leaves the gauge.
  double open = 1;
  const absl::Time closed_by = absl::Now() + absl::Seconds(10);
  while (open != 0 && absl::Now() < closed_by) {
    absl::StatusOr<std::string> text = Scrape((*server)->metrics_port());
    ASSERT_TRUE(text.ok()) << text.status();
    open = Value(Parse(*text), "atgard_subscriptions");
    if (open != 0) absl::SleepFor(absl::Milliseconds(50));
  }
  EXPECT_EQ(open, 0);
}

// Damage inside a table block is not looked for at start (that would read
// the whole log): the first read that meets it answers DATA_LOSS, and the
// operator learns of it too, from the log, the metric and health's
// atgard.integrity, while the server goes on serving what it can read.
TEST(Metrics, AReadThatMeetsDamagedDataIsReportedToTheOperator) {
  TempDir tmp;
  const std::string data_dir = tmp.Join("data");
  const std::string stream = absl::StrCat(kTenant, "/case/damaged");
  constexpr int kEvents = 2000;
  {
    absl::StatusOr<std::unique_ptr<eventstore::EventStore>> store =
        eventstore::EventStore::Open({.path = data_dir});
    ASSERT_TRUE(store.ok()) << store.status();
    for (int i = 0; i < kEvents; ++i) {
      v1::EventMetadata meta;
      meta.set_actor_subject("e2e");
      meta.set_actor_role("FOLLOW_UP_OFFICER");
      const std::vector<eventstore::NewEvent> events = {
          {.event_type = "TestRecorded",
           .payload = absl::StrCat("payload ", i, std::string(150, 'x'))}};
      absl::StatusOr<eventstore::AppendResult> appended =
          (*store)->Append(stream, eventstore::ExpectedVersion::Any(), events,
                           /*command_id=*/"", meta);
      ASSERT_TRUE(appended.ok()) << appended.status();
    }
    ASSERT_TRUE((*store)->CompactAll().ok());
  }
  // One byte a third into the table, among the events' blocks: the keys
  // the store reads at start (its format, head and stop record) lie in
  // the first block and the recorded head's event in a later one.
  std::string table;
  for (const auto& entry : std::filesystem::directory_iterator(data_dir)) {
    if (absl::EndsWith(entry.path().string(), ".sst")) {
      table = entry.path().string();
    }
  }
  ASSERT_FALSE(table.empty());
  {
    std::fstream file(table, std::ios::in | std::ios::out | std::ios::binary);
    const auto at =
        static_cast<std::streamoff>(std::filesystem::file_size(table) / 3);
    file.seekg(at);
    char byte = 0;
    file.read(&byte, 1);
    byte ^= 0x01;
    file.seekp(at);
    file.write(&byte, 1);
  }

  auto server =
      ServerProcess::Start({.data_dir = data_dir, .work_dir = tmp.path()});
  ASSERT_TRUE(server.ok()) << server.status();
  GrpcClient client((*server)->address(), data_dir);
  auto stub = v1::EventStoreService::NewStub(client.channel());
  v1::ReadStreamRequest request;
  request.set_stream_id(stream);
  request.set_max_count(1000);
  v1::ReadStreamResponse response;
  const grpc::Status status = stub->ReadStream(
      client.Context(FollowUpOfficer()).get(), request, &response);
  EXPECT_EQ(status.error_code(), grpc::StatusCode::DATA_LOSS)
      << status.error_message();

  absl::StatusOr<std::string> text = Scrape((*server)->metrics_port());
  ASSERT_TRUE(text.ok()) << text.status();
  EXPECT_GE(Value(Parse(*text), "atgard_data_loss_reads_total"), 1);
  EXPECT_EQ(*CheckHealth(client.channel(), "atgard.integrity"),
            ServingStatus::kNotServing);
  EXPECT_EQ(*CheckHealth(client.channel()), ServingStatus::kServing);
  EXPECT_EQ(*CheckHealth(client.channel(), "atgard.writes"),
            ServingStatus::kServing);
  auto stopped = (*server)->Stop();
  ASSERT_TRUE(stopped.ok()) << stopped.status();
  EXPECT_THAT(stopped->output, ::testing::HasSubstr("\"store_data_loss\""));
}

}  // namespace
}  // namespace atgard::testing
