// atgardctl salvage: builds a new store from the intact part of a damaged
// one that refuses to open, and records what was given up.
#include <cstdio>
#include <memory>
#include <string>
#include <vector>

#include "CLI/CLI.hpp"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "eventstore/event_store.h"
#include "services/cli/command.h"

namespace atgard::cli {
namespace {

std::string Ranges(const std::vector<eventstore::PositionRange>& ranges) {
  std::vector<std::string> parts;
  for (const eventstore::PositionRange& r : ranges) {
    parts.push_back(r.first == r.last ? absl::StrCat(r.first)
                                      : absl::StrCat(r.first, "..", r.last));
  }
  return absl::StrJoin(parts, ", ");
}

void Print(const eventstore::SalvageReport& r) {
  std::printf("salvaged %s into %s\n", r.damaged_path.c_str(),
              r.target_path.c_str());
  std::printf("recovery: %s\n", r.recovery.c_str());
  if (r.kept_head == 0) {
    std::printf("kept: no events (the salvaged store is empty)\n");
  } else {
    std::printf("kept: positions 1..%llu, hash chain and indexes verified\n",
                static_cast<unsigned long long>(r.kept_head));
  }
  if (!r.chain_end.empty()) {
    std::printf("the chain ends there: %s\n", r.chain_end.c_str());
  }
  std::printf("acknowledged head of the damaged store: %llu (%s)\n",
              static_cast<unsigned long long>(r.acknowledged_head),
              r.acknowledged_sources.empty()
                  ? "no record of it survived"
                  : absl::StrJoin(r.acknowledged_sources, ", ").c_str());
  if (r.given_up.first != 0) {
    std::printf("GIVEN UP: positions %llu..%llu (%llu events)\n",
                static_cast<unsigned long long>(r.given_up.first),
                static_cast<unsigned long long>(r.given_up.last),
                static_cast<unsigned long long>(r.given_up.last -
                                                r.given_up.first + 1));
  } else {
    std::printf("given up: nothing\n");
  }
  if (!r.present_but_unreachable.empty()) {
    std::printf(
        "  still readable in the damaged files but not part of the verified "
        "chain: %s\n",
        Ranges(r.present_but_unreachable).c_str());
  }
  if (!r.unreadable.empty()) {
    std::printf("  unreadable (damaged table blocks): %s\n",
                Ranges(r.unreadable).c_str());
  }
  if (!r.extent_known) {
    std::printf(
        "  EXTENT UNKNOWN: the write-ahead log was damaged after position "
        "%llu and no record of a later acknowledged head survived; more "
        "acknowledged events may be lost\n",
        static_cast<unsigned long long>(r.kept_head));
  }
  if (!r.affected_streams.empty()) {
    std::printf("  streams affected: %s\n",
                absl::StrJoin(r.affected_streams, ", ").c_str());
  }
  for (const std::string& f : r.damaged_files) {
    std::printf("damaged: %s\n", f.c_str());
  }
  for (const std::string& c : r.checkpoints_lowered) {
    std::printf("checkpoint lowered (rebuild that reader): %s\n", c.c_str());
  }
  if (r.command_records_dropped > 0) {
    std::printf(
        "idempotency records of given-up appends dropped: %llu (a retried "
        "command is appended again)\n",
        static_cast<unsigned long long>(r.command_records_dropped));
  }
  if (r.command_records_unreadable) {
    std::printf(
        "some idempotency records could not be read: a repeated command id "
        "among them is appended again\n");
  }
  std::printf(
      "report: %s/%s; the damaged files are copied verbatim into %s/%s (the "
      "damaged directory was not changed)\n",
      r.target_path.c_str(), eventstore::SalvageReport::kFileName,
      r.target_path.c_str(), eventstore::SalvageReport::kCopyDirName);
  if (r.lost()) {
    std::printf(
        "EVIDENCE LOST: acknowledged events were given up; keep the report "
        "and the damaged directory for the auditors\n");
  }
}

}  // namespace

CommandRunner AddSalvageCommand(CLI::App& app) {
  struct Flags {
    std::string data_dir;
    std::string into;
  };
  auto flags = std::make_shared<Flags>();
  CLI::App* command = app.add_subcommand(
      "salvage",
      "Build a new store in --into from the intact part of the damaged, "
      "stopped store in --data_dir, and report every position given up.");
  command->footer(
      "\n--data_dir is only read: its files are copied verbatim into "
      "INTO/damaged-copy and recovered there. The salvaged store holds the "
      "longest prefix of the hash chain that verifies from position 1; the "
      "report (also INTO/SALVAGE-REPORT.json) names the positions given up "
      "and the damaged files. Prefer restoring a backup when one holds "
      "them.\n"
      "Exit code 0 if nothing acknowledged was lost, 1 if positions were "
      "given up (the salvaged store is usable, but evidence is lost) or the "
      "salvage failed, 2 on a usage error (a --data_dir without a store or "
      "in use, an --into that is not empty).\n"
      "Example:\n"
      "  atgardctl salvage --data_dir=/var/lib/atgard/data "
      "--into=/var/lib/atgard/salvaged");
  command
      ->add_option("--data_dir", flags->data_dir,
                   "The damaged store's directory (the server stopped).")
      ->required();
  command
      ->add_option("--into", flags->into,
                   "The salvaged store's directory: missing or empty; created "
                   "with mode 0700.")
      ->required();
  return [flags] {
    absl::StatusOr<eventstore::SalvageReport> report =
        eventstore::EventStore::Salvage(
            {.damaged_path = flags->data_dir, .target_path = flags->into});
    if (!report.ok()) {
      const absl::Status& s = report.status();
      std::fprintf(stderr, "atgardctl salvage: %s\n",
                   std::string(s.message()).c_str());
      return absl::IsNotFound(s) || absl::IsFailedPrecondition(s) ||
                     absl::IsInvalidArgument(s)
                 ? kExitUsage
                 : kExitFailed;
    }
    Print(*report);
    return report->lost() ? kExitFailed : kExitOk;
  };
}

}  // namespace atgard::cli
