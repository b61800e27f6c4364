// Bulk import of measurements against the real server: `atgardctl import
// measurements` records a Swedish Excel file of two thousand rows once
// (a second import answers every row as repeated), the automatic policy
// opens one case for the indicator red two years running however often
// the file is imported, other callers' commands go through while the
// import runs (their latency is printed beside the idle figure, not
// asserted: the machines are shared), and the stream answers each row as
// the unary RPC would.
#include <grpcpp/client_context.h>

#include <algorithm>
#include <atomic>
#include <cstdio>
#include <fstream>
#include <set>
#include <string>
#include <thread>
#include <vector>

#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_format.h"
#include "absl/time/clock.h"
#include "absl/time/time.h"
#include "atgard/v1/event_store_service.grpc.pb.h"
#include "atgard/v1/import_service.grpc.pb.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "tests/support/domain_fixtures.h"
#include "tests/support/grpc_client.h"
#include "tests/support/remote_case.h"
#include "tests/support/server_process.h"

namespace atgard::testing {
namespace {

using ::testing::HasSubstr;

constexpr int kGreenRows = 2000;

void WriteTestFile(const std::string& path, const std::string& contents) {
  std::ofstream(path, std::ios::binary) << contents;
}

class ImportTest : public ServerTest {
 protected:
  // The case streams the policies opened ("<tenant>/case/auto-…").
  std::set<std::string> PolicyCases() {
    std::set<std::string> streams;
    v1::ReadAllRequest request;
    request.set_max_count(1000);
    request.mutable_filter()->add_stream_prefixes(
        absl::StrCat(kTenant, "/case/auto-"));
    for (;;) {
      v1::ReadAllResponse response;
      const grpc::Status status =
          v1::EventStoreService::NewStub(client_->channel())
              ->ReadAll(client_->Context(FollowUpOfficer()).get(), request,
                        &response);
      EXPECT_TRUE(status.ok()) << Describe(status);
      if (!status.ok()) break;
      for (const v1::RecordedEvent& e : response.events()) {
        streams.insert(e.envelope().stream_id());
      }
      if (response.events().empty() ||
          response.next_position() > response.head_position()) {
        break;
      }
      request.set_from_position(response.next_position());
    }
    return streams;
  }

  // Waits (at most 20 s) until the policies have opened `n` cases.
  std::set<std::string> AwaitPolicyCases(size_t n) {
    const absl::Time deadline = absl::Now() + absl::Seconds(20);
    std::set<std::string> cases = PolicyCases();
    while (cases.size() < n && absl::Now() < deadline) {
      absl::SleepFor(absl::Milliseconds(100));
      cases = PolicyCases();
    }
    return cases;
  }

  std::string WriteToken(const domain::Principal& principal) {
    absl::StatusOr<std::string> token = client_->Token(principal);
    EXPECT_TRUE(token.ok()) << token.status();
    const std::string path = tmp_.Join(absl::StrCat(principal.subject, ".jwt"));
    WriteTestFile(path, token.ok() ? *token : "");
    return path;
  }
};

// A spreadsheet row: ';' between fields, decimal comma, CRLF.
std::string CsvRow(const std::string& id, const std::string& provider,
                   const std::string& unit, const std::string& indicator,
                   int year, const std::string& value) {
  return absl::StrCat(id, ";", provider, ";", unit, ";", indicator,
                      ";\"Personal per brukare; 14 dagar\";resultat;"
                      "individanpassad;",
                      year, "-01-01;", year, "-06-30;", value, ";10;nej;", year,
                      "-09-15\r\n");
}

struct Latencies {
  std::vector<absl::Duration> samples;
  int failures = 0;
  std::string first_failure;

  std::string Summary() {
    if (samples.empty()) return "no calls";
    std::sort(samples.begin(), samples.end());
    auto at = [&](double q) {
      return absl::ToDoubleMilliseconds(samples[std::min(
          samples.size() - 1, static_cast<size_t>(q * samples.size()))]);
    };
    return absl::StrFormat("%zu calls, p50 %.2f ms, p99 %.2f ms",
                           samples.size(), at(0.5), at(0.99));
  }
};

// RegisterCase by another caller, one after the other, until `stop`.
void RegisterCases(const GrpcClient& client, const std::string& prefix,
                   const std::atomic<bool>& stop, int at_most, Latencies* out) {
  for (int i = 0; i < at_most && !stop.load(); ++i) {
    const absl::Time started = absl::Now();
    const CommandOutcome outcome =
        client.Run(FollowUpOfficer(),
                   RegisterCase(absl::StrCat(prefix, i), kMunicipalProvider,
                                kMunicipalUnit, Today() - 1));
    out->samples.push_back(absl::Now() - started);
    if (!outcome.ok()) {
      if (out->failures++ == 0) out->first_failure = Describe(outcome.status);
    }
  }
}

TEST_F(ImportTest, AFileIsRecordedOnceAndItsPoliciesActOnce) {
  const int year = Today().year() - 1;
  std::string csv =
      "\xEF\xBB\xBFmatning;utforare;enhet;indikator;indikatornamn;"
      "indikatortyp;kvalitetsomrade;period_fran;period_till;varde;"
      "godkand_niva;hogre_ar_battre;matdatum\r\n";
  for (int i = 0; i < kGreenRows; ++i) {
    const bool private_unit = i % 2 == 0;
    csv += CsvRow(absl::StrCat("gron-", i),
                  private_unit ? kPrivateProvider : kMunicipalProvider,
                  private_unit ? kPrivateUnit : kMunicipalUnit,
                  absl::StrCat("indikator-", i / 2), year, "8,5");
  }
  // The same indicator red in two consecutive years: one case.
  csv += CsvRow("rod-1", kPrivateProvider, kPrivateUnit, "kontinuitet",
                year - 1, "16");
  csv += CsvRow("rod-2", kPrivateProvider, kPrivateUnit, "kontinuitet", year,
                "14,5");
  // Refused by the server (no such unit) and by the file (no number).
  csv += CsvRow("okand-enhet", kPrivateProvider, "finns-inte", "kontinuitet",
                year, "8");
  csv += CsvRow("inget-tal", kPrivateProvider, kPrivateUnit, "kontinuitet",
                year, "tolv");
  const int rows = kGreenRows + 4;
  const std::string file = tmp_.Join("matningar.csv");
  WriteTestFile(file, csv);
  const std::string token = WriteToken(FollowUpOfficer());
  const std::vector<std::string> args = {
      "import",           "measurements", file, "--server",
      server_->address(), "--token_file", token};

  // Another caller's commands while nothing else runs, then during the
  // import.
  Latencies idle;
  std::atomic<bool> stop = false;
  RegisterCases(*client_, "fore-", stop, 100, &idle);
  Latencies during;
  std::thread other(
      [&] { RegisterCases(*client_, "under-", stop, 100000, &during); });
  const absl::Time started = absl::Now();
  absl::StatusOr<ProcessResult> first =
      RunCtlToExit(args, tmp_.path(), absl::Minutes(5));
  const absl::Duration took = absl::Now() - started;
  stop = true;
  other.join();
  ASSERT_TRUE(first.ok()) << first.status();
  EXPECT_EQ(first->exit_code, 1) << first->output;
  EXPECT_THAT(first->output,
              HasSubstr(absl::StrCat(rows, " rows: ", rows - 2,
                                     " accepted, 0 repeated, 2 refused")));
  EXPECT_THAT(first->output, HasSubstr("(matning-okand-enhet): refused, "
                                       "NOT_FOUND"));
  EXPECT_THAT(first->output,
              HasSubstr("(matning-inget-tal): refused, INVALID_ARGUMENT: "
                        "varde: \"tolv\""));
  EXPECT_EQ(idle.failures, 0) << idle.first_failure;
  EXPECT_EQ(during.failures, 0) << during.first_failure;
  EXPECT_GT(during.samples.size(), 0u);
  std::printf(
      "[ figures ] import of %d rows: %.0f rows/s (%.1f s)\n"
      "[ figures ] another caller's RegisterCase idle: %s\n"
      "[ figures ] the same during the import: %s\n",
      rows, rows / absl::ToDoubleSeconds(took), absl::ToDoubleSeconds(took),
      idle.Summary().c_str(), during.Summary().c_str());

  const std::set<std::string> cases = AwaitPolicyCases(1);
  EXPECT_EQ(cases.size(), 1u);

  // Again: every row is answered as before, nothing is recorded twice.
  absl::StatusOr<ProcessResult> second =
      RunCtlToExit(args, tmp_.path(), absl::Minutes(5));
  ASSERT_TRUE(second.ok()) << second.status();
  EXPECT_EQ(second->exit_code, 1) << second->output;
  EXPECT_THAT(second->output,
              HasSubstr(absl::StrCat(rows, " rows: 0 accepted, ", rows - 2,
                                     " repeated, 2 refused")));
  // The policy runner polls every 100 ms: a second case would show.
  absl::SleepFor(absl::Seconds(1));
  EXPECT_EQ(PolicyCases(), cases);

  // The same rows as JSON, for scripts.
  absl::StatusOr<ProcessResult> json =
      RunCtlToExit({"import", "measurements", file, "--server",
                    server_->address(), "--token_file", token, "--output=json"},
                   tmp_.path(), absl::Minutes(5));
  ASSERT_TRUE(json.ok()) << json.status();
  EXPECT_THAT(json->output,
              HasSubstr(absl::StrCat("\"repeated\": ", rows - 2)));
  EXPECT_THAT(json->output, HasSubstr("\"field\": \"varde\""));
}

TEST_F(ImportTest, AFileTheToolCannotUseIsAUsageError) {
  const std::string token = WriteToken(FollowUpOfficer());
  const std::string file = tmp_.Join("fel.csv");
  WriteTestFile(file, "matning,utforare,enhet\n1,2,3\n");
  absl::StatusOr<ProcessResult> result =
      RunCtlToExit({"import", "measurements", file, "--server",
                    server_->address(), "--token_file", token},
                   tmp_.path());
  ASSERT_TRUE(result.ok()) << result.status();
  EXPECT_EQ(result->exit_code, 2) << result->output;
  EXPECT_THAT(result->output, HasSubstr("the column matning is missing"));

  // Nothing listens on the port of a stopped server.
  WriteTestFile(file,
                absl::StrCat("matning;utforare;enhet;indikator;indikatornamn;"
                             "indikatortyp;kvalitetsomrade;period_fran;"
                             "period_till;varde;godkand_niva;hogre_ar_battre;"
                             "matdatum\n",
                             CsvRow("m", kPrivateProvider, kPrivateUnit, "i",
                                    Today().year() - 1, "1")));
  const std::string address = server_->address();
  ASSERT_TRUE(server_->Stop().ok());
  result = RunCtlToExit({"import", "measurements", file, "--server", address,
                         "--token_file", token, "--connect_timeout=2"},
                        tmp_.path());
  ASSERT_TRUE(result.ok()) << result.status();
  EXPECT_EQ(result->exit_code, 3) << result->output;
}

// One stream, as a case-handling system would use it.
struct Import {
  grpc::Status status;
  std::vector<v1::ImportMeasurementsResponse> answers;
};

Import Send(grpc::ClientContext* context, const GrpcClient& client,
            const std::vector<v1::ImportMeasurementsRequest>& rows) {
  auto stream =
      v1::ImportService::NewStub(client.channel())->ImportMeasurements(context);
  for (const v1::ImportMeasurementsRequest& row : rows) {
    if (!stream->Write(row)) break;
  }
  stream->WritesDone();
  Import out;
  for (v1::ImportMeasurementsResponse r; stream->Read(&r);)
    out.answers.push_back(r);
  out.status = stream->Finish();
  std::sort(out.answers.begin(), out.answers.end(),
            [](const auto& a, const auto& b) { return a.row() < b.row(); });
  return out;
}

v1::ImportMeasurementsRequest Row(uint64_t number, const std::string& key,
                                  const std::string& measurement_id, bool red) {
  v1::ImportMeasurementsRequest row;
  row.set_row(number);
  row.set_row_key(key);
  *row.mutable_command() =
      RecordMeasurement(measurement_id, kPrivateProvider, kPrivateUnit,
                        "kontinuitet", Today().year() - 1,
                        Day(Today().year() - 1, 9, 15), red)
          .record_measurement();
  return row;
}

TEST_F(ImportTest, EachRowIsAnsweredAsTheUnaryRpcWouldAnswerIt) {
  std::vector<v1::ImportMeasurementsRequest> rows;
  rows.push_back(Row(2, "rad-2", "m-2", false));
  rows.push_back(Row(3, "rad-2", "m-3", false));  // the key, other content
  v1::ImportMeasurementsRequest personal = Row(4, "rad-4", "m-4", false);
  personal.mutable_command()->mutable_measurement()->set_indicator_name(
      "Brukare 19121212-1212");
  rows.push_back(personal);
  rows.push_back(Row(5, "", "m-5", false));  // no key
  v1::ImportMeasurementsRequest future = Row(6, "rad-6", "m-6", false);
  *future.mutable_command()->mutable_measurement()->mutable_measured_on() =
      D(Today() + 10);
  rows.push_back(future);
  rows.push_back(Row(7, "rad-7", "m-7", true));

  const Import first =
      Send(client_->Context(FollowUpOfficer()).get(), *client_, rows);
  ASSERT_TRUE(first.status.ok()) << Describe(first.status);
  ASSERT_EQ(first.answers.size(), rows.size());
  const auto& a = first.answers;
  EXPECT_EQ(a[0].outcome(), v1::IMPORT_OUTCOME_ACCEPTED);
  EXPECT_THAT(a[0].result().event_types(),
              ::testing::ElementsAre("MeasurementRecorded"));
  EXPECT_EQ(a[1].outcome(), v1::IMPORT_OUTCOME_REFUSED);
  EXPECT_EQ(a[1].code(), "ALREADY_EXISTS");
  EXPECT_EQ(a[1].field(), "options.command_id");
  EXPECT_EQ(a[2].code(), "INVALID_ARGUMENT");
  EXPECT_EQ(a[2].field(), "measurement.indicator_name");
  EXPECT_THAT(a[2].message(), ::testing::Not(HasSubstr("19121212")));
  EXPECT_EQ(a[3].code(), "INVALID_ARGUMENT");
  EXPECT_EQ(a[3].field(), "row_key");
  EXPECT_EQ(a[4].code(), "INVALID_ARGUMENT");
  EXPECT_EQ(a[4].field(), "measurement.measured_on");
  EXPECT_EQ(a[5].outcome(), v1::IMPORT_OUTCOME_ACCEPTED);
  EXPECT_THAT(a[5].result().event_types(),
              ::testing::ElementsAre("MeasurementRecorded",
                                     "ExtraMeasurementRequired"));
  for (const v1::ImportMeasurementsResponse& r : a) {
    if (r.outcome() == v1::IMPORT_OUTCOME_REFUSED) {
      EXPECT_FALSE(r.reason().empty()) << r.ShortDebugString();
    }
  }

  // The accepted rows again: repeated, with their first answer's stream.
  const Import again = Send(client_->Context(FollowUpOfficer()).get(), *client_,
                            {rows[0], rows[5]});
  ASSERT_TRUE(again.status.ok()) << Describe(again.status);
  ASSERT_EQ(again.answers.size(), 2u);
  for (int i = 0; i < 2; ++i) {
    EXPECT_EQ(again.answers[i].outcome(), v1::IMPORT_OUTCOME_REPEATED);
  }
  EXPECT_EQ(again.answers[1].result().stream_id(), a[5].result().stream_id());

  // The caller is checked before any row: a provider's staff may not
  // import, nor may anyone without credentials.
  const Import staff = Send(
      client_->Context(ProviderStaff(kPrivateProvider)).get(), *client_, rows);
  EXPECT_EQ(staff.status.error_code(), grpc::StatusCode::PERMISSION_DENIED);
  EXPECT_TRUE(staff.answers.empty());
  const Import anonymous =
      Send(GrpcClient::ContextWithAuthorization("").get(), *client_, rows);
  EXPECT_EQ(anonymous.status.error_code(), grpc::StatusCode::UNAUTHENTICATED);
  EXPECT_TRUE(anonymous.answers.empty());
}

}  // namespace
}  // namespace atgard::testing
