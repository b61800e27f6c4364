// The server's command path in-process for integration tests: a real event
// store in a temporary directory, an AggregateRepository and a
// CommandHandler on top, and a clock that tests move by days (noon in
// Stockholm, so dates never depend on when the test runs).
#ifndef ATGARD_TESTS_INTEGRATION_API_COMMAND_ENV_H_
#define ATGARD_TESTS_INTEGRATION_API_COMMAND_ENV_H_

#include <gtest/gtest.h>

#include <atomic>
#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "absl/status/statusor.h"
#include "absl/strings/str_cat.h"
#include "absl/time/civil_time.h"
#include "absl/time/time.h"
#include "atgard/v1/api.pb.h"
#include "atgard/v1/commands.pb.h"
#include "atgard/v1/event_envelope.pb.h"
#include "atgard/v1/events.pb.h"
#include "eventstore/event_store.h"
#include "services/app/aggregate_repository.h"
#include "services/app/command_handler.h"
#include "services/app/event_codec.h"
#include "services/app/store/store_event_log.h"
#include "services/domain/calendar.h"
#include "services/domain/dates.h"
#include "services/domain/principal.h"
#include "tests/support/domain_fixtures.h"
#include "tests/support/domain_world.h"
#include "tests/support/temp_dir.h"

namespace atgard::testing {

class CommandEnv {
 public:
  // Opens the store at once; the clock starts on `day`.
  explicit CommandEnv(absl::CivilDay day = Day(2026, 1, 15)) {
    SetDay(day);
    Open();
  }
  ~CommandEnv() { Close(); }
  CommandEnv(const CommandEnv&) = delete;
  CommandEnv& operator=(const CommandEnv&) = delete;

  // (Re)opens the store in the same directory, with a fresh repository
  // (an empty cache) and handler.
  void Open() {
    eventstore::Options options;
    options.path = store_path();
    absl::StatusOr<std::unique_ptr<eventstore::EventStore>> store =
        eventstore::EventStore::Open(options);
    ASSERT_TRUE(store.ok()) << store.status();
    store_ = *std::move(store);
    log_ = std::make_unique<app::StoreEventLog>(store_.get());
    repository_ =
        std::make_unique<app::AggregateRepository>(log_.get(), kCacheCapacity);
    handler_ = NewHandler(repository_.get());
  }

  // Closes the store (and everything on top of it).
  void Close() {
    handler_.reset();
    repository_.reset();
    log_.reset();
    store_.reset();
  }

  // A second handler with a repository (and cache) of its own on the same
  // store: another server process, as far as caching goes.
  std::unique_ptr<app::CommandHandler> NewHandler(
      app::AggregateRepository* repository) {
    return std::make_unique<app::CommandHandler>(
        log_.get(), repository, app::CommandHandler::Options{.clock = Clock()});
  }

  eventstore::EventStore& store() { return *store_; }
  app::EventLog& log() { return *log_; }
  app::AggregateRepository& repository() { return *repository_; }
  app::CommandHandler& handler() { return *handler_; }
  std::string store_path() const { return dir_.Join("store"); }

  void SetDay(absl::CivilDay day) {
    now_seconds_.store(absl::ToUnixSeconds(NoonInStockholm(day)));
  }
  void AdvanceDays(int days) { SetDay(day() + days); }
  absl::CivilDay day() const { return domain::StockholmDay(now()); }
  absl::Time now() const { return absl::FromUnixSeconds(now_seconds_.load()); }
  // The environment's clock, for Options.clock of what is tested.
  std::function<absl::Time()> Clock() {
    return [this] { return now(); };
  }

  // Carries out `command` through `handler` (the environment's by
  // default).
  absl::StatusOr<v1::CommandResult> Run(
      const domain::Principal& principal, const v1::Command& command,
      absl::string_view command_id,
      std::optional<uint64_t> expected_version = std::nullopt,
      app::CommandHandler* handler = nullptr) {
    app::CommandRequest request{.principal = principal,
                                .command = command,
                                .command_id = std::string(command_id),
                                .expected_version = expected_version};
    return (handler != nullptr ? handler : handler_.get())
        ->HandleAndWait(std::move(request));
  }

  // Run() with a fresh command id; fails the test if refused.
  v1::CommandResult MustRun(const domain::Principal& principal,
                            const v1::Command& command) {
    absl::StatusOr<v1::CommandResult> result =
        Run(principal, command, NextCommandId());
    EXPECT_TRUE(result.ok()) << result.status() << "\n"
                             << command.DebugString();
    return result.ok() ? *std::move(result) : v1::CommandResult();
  }

  std::string NextCommandId() { return absl::StrCat("cmd-", ++commands_); }

  // Registers the providers, units and contract of SeedProviders(World&)
  // through the command path, on the current day.
  void SeedProviders(absl::string_view tenant = kTenant) {
    const domain::Principal officer = FollowUpOfficer(tenant);
    MustRun(officer, RegisterProvider(kPrivateProvider, kPrivateOrgNumber,
                                      v1::REGIFORM_PRIVATE));
    MustRun(officer, RegisterUnit(kPrivateProvider, kPrivateUnit));
    MustRun(officer, RegisterProvider(kMunicipalProvider, kMunicipalOrgNumber,
                                      v1::REGIFORM_MUNICIPAL));
    MustRun(officer, RegisterUnit(kMunicipalProvider, kMunicipalUnit));
    MustRun(AdministrationDirector(tenant),
            RegisterContract(kContract, Terms(kPrivateProvider, Day(2025, 1, 1),
                                              Day(2027, 12, 31))));
  }

  // Every event of a stream, and of the whole log.
  std::vector<v1::EventEnvelope> Stream(const std::string& stream_id) {
    absl::StatusOr<std::vector<v1::EventEnvelope>> events = store_->ReadStream(
        stream_id, 1, 100000, eventstore::Direction::kForward);
    EXPECT_TRUE(events.ok()) << events.status();
    return events.ok() ? *std::move(events) : std::vector<v1::EventEnvelope>();
  }
  std::vector<v1::EventEnvelope> Log() {
    std::vector<v1::EventEnvelope> all;
    uint64_t from = 1;
    while (true) {
      absl::StatusOr<eventstore::ReadAllResult> r = store_->ReadAll(from, 1000);
      EXPECT_TRUE(r.ok()) << r.status();
      if (!r.ok()) return all;
      for (v1::EventEnvelope& e : r->events) all.push_back(std::move(e));
      if (r->next_position > r->head_position) return all;
      from = r->next_position;
    }
  }

  static std::string CaseStream(absl::string_view case_id,
                                absl::string_view tenant = kTenant) {
    return domain::StreamId(tenant, {.kind = domain::AggregateKind::kCase,
                                     .id = std::string(case_id)});
  }
  static std::string ProviderStream(absl::string_view provider_id,
                                    absl::string_view tenant = kTenant) {
    return domain::StreamId(tenant, {.kind = domain::AggregateKind::kProvider,
                                     .id = std::string(provider_id)});
  }
  static std::string ContractStream(absl::string_view contract_id,
                                    absl::string_view tenant = kTenant) {
    return domain::StreamId(tenant, {.kind = domain::AggregateKind::kContract,
                                     .id = std::string(contract_id)});
  }

 private:
  static constexpr size_t kCacheCapacity = 1000;

  TempDir dir_;
  std::atomic<int64_t> now_seconds_{0};
  int commands_ = 0;
  std::unique_ptr<eventstore::EventStore> store_;
  std::unique_ptr<app::StoreEventLog> log_;
  std::unique_ptr<app::AggregateRepository> repository_;
  std::unique_ptr<app::CommandHandler> handler_;
};

// The event a stored envelope carries; fails the test if it does not
// decode.
inline v1::Event Decoded(const v1::EventEnvelope& envelope) {
  absl::StatusOr<v1::Event> event = app::DecodeEvent(envelope);
  EXPECT_TRUE(event.ok()) << event.status();
  return event.ok() ? *std::move(event) : v1::Event();
}

}  // namespace atgard::testing

#endif  // ATGARD_TESTS_INTEGRATION_API_COMMAND_ENV_H_
