// `atgardctl import measurements FILE.csv`: reads a file of measurements
// (measurement_csv.h) and records it through ImportService over one
// stream, with a progress bar on a terminal, one line per refused row and
// a summary — or all of it as JSON.
#include <unistd.h>

#include <algorithm>
#include <cstdio>
#include <fstream>
#include <sstream>
#include <thread>
#include <vector>

#include "CLI/CLI.hpp"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_format.h"
#include "absl/time/clock.h"
#include "absl/time/time.h"
#include "atgard/v1/import_service.grpc.pb.h"
#include "nlohmann/json.hpp"
#include "services/cli/command.h"
#include "services/cli/connection.h"
#include "services/cli/measurement_csv.h"

namespace atgard::cli {
namespace {

struct ImportFlags {
  ConnectionFlags connection;
  std::string file;
  std::string output = "text";
  int connect_timeout_seconds = 10;
};

struct Tally {
  uint64_t accepted = 0;
  uint64_t repeated = 0;
  uint64_t refused = 0;
  uint64_t done() const { return accepted + repeated + refused; }
};

// Progress on stderr: a bar redrawn in place on a terminal, otherwise a
// plain line at every tenth of the file, so that logs stay readable.
class Progress {
 public:
  explicit Progress(uint64_t total)
      : total_(total),
        terminal_(isatty(STDERR_FILENO) == 1),
        started_(absl::Now()) {}

  void Update(uint64_t done) {
    if (total_ == 0) return;
    const absl::Time now = absl::Now();
    if (terminal_) {
      if (done != total_ && now - drawn_ < absl::Milliseconds(100)) return;
      drawn_ = now;
      constexpr int kWidth = 30;
      const int filled = static_cast<int>(kWidth * done / total_);
      std::fprintf(stderr, "\r[%s%s] %llu/%llu rows %3d%% %6.0f rows/s",
                   std::string(filled, '#').c_str(),
                   std::string(kWidth - filled, '-').c_str(),
                   static_cast<unsigned long long>(done),
                   static_cast<unsigned long long>(total_),
                   static_cast<int>(100 * done / total_), Rate(done, now));
      if (done == total_) std::fputc('\n', stderr);
    } else {
      const uint64_t tenth = (10 * done) / total_;
      if (tenth <= last_tenth_) return;
      last_tenth_ = tenth;
      std::fprintf(stderr, "imported %llu/%llu rows (%d%%), %.0f rows/s\n",
                   static_cast<unsigned long long>(done),
                   static_cast<unsigned long long>(total_),
                   static_cast<int>(100 * done / total_), Rate(done, now));
    }
  }

 private:
  double Rate(uint64_t done, absl::Time now) const {
    const double seconds = absl::ToDoubleSeconds(now - started_);
    return seconds > 0 ? static_cast<double>(done) / seconds : 0;
  }

  const uint64_t total_;
  const bool terminal_;
  const absl::Time started_;
  absl::Time drawn_ = absl::InfinitePast();
  uint64_t last_tenth_ = 0;
};

nlohmann::json RowJson(const v1::ImportMeasurementsResponse& r) {
  nlohmann::json row = {{"line", r.row()}, {"row_key", r.row_key()}};
  switch (r.outcome()) {
    case v1::IMPORT_OUTCOME_ACCEPTED:
      row["outcome"] = "accepted";
      break;
    case v1::IMPORT_OUTCOME_REPEATED:
      row["outcome"] = "repeated";
      break;
    default:
      row["outcome"] = "refused";
      row["code"] = r.code();
      row["field"] = r.field();
      row["reason"] = r.reason();
      row["message"] = r.message();
      return row;
  }
  row["stream_id"] = r.result().stream_id();
  row["global_position"] = r.result().global_position();
  return row;
}

int RunImport(const ImportFlags& flags) {
  const bool json = flags.output == "json";
  std::ifstream in(flags.file, std::ios::binary);
  if (!in) {
    std::fprintf(stderr, "atgardctl import: cannot read %s\n",
                 flags.file.c_str());
    return kExitUsage;
  }
  std::stringstream text;
  text << in.rdbuf();
  absl::StatusOr<std::vector<MeasurementRow>> rows =
      ReadMeasurementCsv(text.str());
  if (!rows.ok()) {
    std::fprintf(stderr, "atgardctl import: %s: %s\n", flags.file.c_str(),
                 std::string(rows.status().message()).c_str());
    return kExitUsage;
  }

  absl::StatusOr<std::shared_ptr<grpc::Channel>> channel =
      ConnectToServer(flags.connection);
  if (!channel.ok()) {
    std::fprintf(stderr, "atgardctl import: %s\n",
                 std::string(channel.status().message()).c_str());
    return kExitUsage;
  }
  if (!(*channel)->WaitForConnected(absl::ToChronoTime(
          absl::Now() + absl::Seconds(flags.connect_timeout_seconds)))) {
    std::fprintf(stderr, "atgardctl import: cannot reach %s\n",
                 flags.connection.server.c_str());
    return kExitUnreachable;
  }
  grpc::ClientContext context;
  if (absl::Status added = AddCredentials(flags.connection, &context);
      !added.ok()) {
    std::fprintf(stderr, "atgardctl import: %s\n",
                 std::string(added.message()).c_str());
    return kExitUsage;
  }
  std::unique_ptr<v1::ImportService::Stub> stub =
      v1::ImportService::NewStub(*channel);
  std::unique_ptr<grpc::ClientReaderWriter<v1::ImportMeasurementsRequest,
                                           v1::ImportMeasurementsResponse>>
      stream = stub->ImportMeasurements(&context);

  // Rows the file itself refuses are answered here and never sent.
  Tally tally;
  std::vector<v1::ImportMeasurementsResponse> answers;
  uint64_t to_send = 0;
  for (const MeasurementRow& row : *rows) {
    if (!row.problem.empty()) {
      v1::ImportMeasurementsResponse r;
      r.set_row(row.line);
      r.set_row_key(row.row_key);
      r.set_outcome(v1::IMPORT_OUTCOME_REFUSED);
      r.set_code("INVALID_ARGUMENT");
      r.set_reason("FIELD_INVALID");
      r.set_field(row.problem.substr(0, row.problem.find(':')));
      r.set_message(row.problem);
      answers.push_back(std::move(r));
      ++tally.refused;
    } else {
      ++to_send;
    }
  }
  Progress progress(rows->size());
  progress.Update(tally.done());

  // The server reads rows only as fast as it answers them (a window per
  // stream), so rows are written from a thread of their own while this
  // one reads the answers.
  std::thread writer([&] {
    for (const MeasurementRow& row : *rows) {
      if (!row.problem.empty()) continue;
      v1::ImportMeasurementsRequest message;
      message.set_row(row.line);
      message.set_row_key(row.row_key);
      *message.mutable_command() = row.command;
      if (!stream->Write(message)) break;  // the call ended; Finish says why
    }
    stream->WritesDone();
  });
  uint64_t answered = 0;
  for (v1::ImportMeasurementsResponse r; stream->Read(&r);) {
    ++answered;
    switch (r.outcome()) {
      case v1::IMPORT_OUTCOME_ACCEPTED:
        ++tally.accepted;
        break;
      case v1::IMPORT_OUTCOME_REPEATED:
        ++tally.repeated;
        break;
      default:
        ++tally.refused;
        break;
    }
    // Text shows the refused rows only; JSON every row.
    if (json || r.outcome() == v1::IMPORT_OUTCOME_REFUSED) answers.push_back(r);
    progress.Update(tally.done());
  }
  writer.join();
  const grpc::Status status = stream->Finish();

  std::sort(answers.begin(), answers.end(),
            [](const v1::ImportMeasurementsResponse& a,
               const v1::ImportMeasurementsResponse& b) {
              return a.row() < b.row();
            });
  if (json) {
    nlohmann::json out = {{"file", flags.file},
                          {"rows", rows->size()},
                          {"accepted", tally.accepted},
                          {"repeated", tally.repeated},
                          {"refused", tally.refused},
                          {"unanswered", to_send - answered},
                          {"results", nlohmann::json::array()}};
    for (const v1::ImportMeasurementsResponse& r : answers) {
      out["results"].push_back(RowJson(r));
    }
    if (!status.ok()) out["error"] = status.error_message();
    std::printf("%s\n", out.dump(2).c_str());
  } else {
    for (const v1::ImportMeasurementsResponse& r : answers) {
      if (r.outcome() != v1::IMPORT_OUTCOME_REFUSED) continue;
      std::printf("line %llu (%s): refused, %s: %s\n",
                  static_cast<unsigned long long>(r.row()), r.row_key().c_str(),
                  r.code().c_str(), r.message().c_str());
    }
    std::printf("%s: %zu rows: %llu accepted, %llu repeated, %llu refused\n",
                flags.file.c_str(), rows->size(),
                static_cast<unsigned long long>(tally.accepted),
                static_cast<unsigned long long>(tally.repeated),
                static_cast<unsigned long long>(tally.refused));
  }
  if (!status.ok()) {
    std::fprintf(stderr,
                 "atgardctl import: the import ended early: %s (%llu rows "
                 "unanswered; importing the file again is safe)\n",
                 status.error_message().c_str(),
                 static_cast<unsigned long long>(to_send - answered));
    return status.error_code() == grpc::StatusCode::UNAVAILABLE
               ? kExitUnreachable
               : kExitFailed;
  }
  return tally.refused == 0 ? kExitOk : kExitFailed;
}

}  // namespace

CommandRunner AddImportCommand(CLI::App& app) {
  auto flags = std::make_shared<ImportFlags>();
  CLI::App* import = app.add_subcommand(
      "import", "Import data in bulk from a file (Swedish Excel CSV).");
  import->require_subcommand(1);
  CLI::App* measurements = import->add_subcommand(
      "measurements",
      "Record a file of measurements, row by row: each row once, however "
      "often the file is imported.");
  measurements->add_option("file", flags->file, "The CSV file.")->required();
  AddConnectionFlags(*measurements, &flags->connection,
                     /*server_required=*/true);
  measurements
      ->add_option("--output", flags->output,
                   "text: refused rows and a summary; json: every row's "
                   "outcome.")
      ->check(CLI::IsMember({"text", "json"}));
  measurements->add_option("--connect_timeout", flags->connect_timeout_seconds,
                           "Seconds to wait for the server.");
  measurements->footer(
      "\nThe file: ';' between fields, decimal comma, UTF-8 with or without "
      "BOM, a header row naming the columns matning, utforare, enhet, "
      "indikator, indikatornamn, indikatortyp (struktur|process|resultat), "
      "kvalitetsomrade (individanpassad|tillganglig|kunskapsbaserad|saker|"
      "jamlik|effektiv), period_fran, period_till, varde, godkand_niva, "
      "hogre_ar_battre (ja|nej), matdatum, and optionally grundkrav (ja|nej) "
      "and radnyckel. Dates are YYYY-MM-DD.\nExit codes: 0 every row "
      "recorded (now or before), 1 a row was refused, 2 usage or an "
      "unreadable file, 3 server unreachable.");
  return [flags] { return RunImport(*flags); };
}

}  // namespace atgard::cli
