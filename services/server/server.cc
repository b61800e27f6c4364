#include "services/server/server.h"

#include <grpcpp/ext/proto_server_reflection_plugin.h>
#include <grpcpp/generic/async_generic_service.h>
#include <grpcpp/health_check_service_interface.h>
#include <grpcpp/impl/server_builder_option.h>
#include <grpcpp/impl/server_builder_plugin.h>
#include <grpcpp/impl/server_initializer.h>
#include <grpcpp/security/server_credentials.h>
#include <grpcpp/security/tls_certificate_provider.h>
#include <grpcpp/security/tls_credentials_options.h>
#include <grpcpp/server.h>
#include <grpcpp/server_builder.h>
#include <openssl/bio.h>
#include <openssl/err.h>
#include <openssl/evp.h>
#include <openssl/pem.h>
#include <openssl/x509.h>
#include <sys/stat.h>

#include <string>
#include <vector>

#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "absl/time/clock.h"
#include "eventstore/base/status_macros.h"
#include "eventstore/event_store.h"
#include "grpc/health/v1/health.pb.h"
#include "services/api/event_log_service.h"
#include "services/api/grpc_call_authenticator.h"
#include "services/api/metrics.h"
#include "services/api/operator_service.h"
#include "services/api/request_parsing.h"
#include "services/api/workflow_services.h"
#include "services/app/access_log.h"
#include "services/app/aggregate_repository.h"
#include "services/app/command_handler.h"
#include "services/app/message_checks.h"
#include "services/app/store/store_event_log.h"
#include "services/auth/authenticator.h"
#include "services/auth/dev_tokens.h"
#include "services/common/clock.h"
#include "services/common/files.h"
#include "services/common/log.h"
#include "services/common/rate_limiter.h"
#include "services/common/serial_executor.h"
#include "services/domain/calendar.h"
#include "services/jobs/deadline_scheduler.h"
#include "services/jobs/policy_runner.h"

namespace atgard::server {
namespace {

// The key must belong to the certificate: a pair that does not match would
// otherwise show only as failed handshakes.
absl::Status CheckKeyPair(const std::string& cert_pem,
                          const std::string& key_pem) {
  std::unique_ptr<BIO, decltype(&BIO_free)> cert_bio(
      BIO_new_mem_buf(cert_pem.data(), static_cast<int>(cert_pem.size())),
      &BIO_free);
  std::unique_ptr<BIO, decltype(&BIO_free)> key_bio(
      BIO_new_mem_buf(key_pem.data(), static_cast<int>(key_pem.size())),
      &BIO_free);
  if (cert_bio == nullptr || key_bio == nullptr) {
    return absl::ResourceExhaustedError("out of memory reading TLS files");
  }
  std::unique_ptr<X509, decltype(&X509_free)> cert(
      PEM_read_bio_X509(cert_bio.get(), nullptr, nullptr, nullptr), &X509_free);
  if (cert == nullptr) {
    ERR_clear_error();
    return absl::InvalidArgumentError(
        "--tls_cert: the file holds no PEM certificate");
  }
  std::unique_ptr<EVP_PKEY, decltype(&EVP_PKEY_free)> key(
      PEM_read_bio_PrivateKey(key_bio.get(), nullptr, nullptr, nullptr),
      &EVP_PKEY_free);
  if (key == nullptr) {
    ERR_clear_error();
    return absl::InvalidArgumentError(
        "--tls_key: the file holds no unencrypted PEM private key");
  }
  if (X509_check_private_key(cert.get(), key.get()) != 1) {
    ERR_clear_error();
    return absl::InvalidArgumentError(
        "--tls_key: the key does not belong to the certificate in --tls_cert");
  }
  return absl::OkStatus();
}

absl::StatusOr<std::shared_ptr<grpc::ServerCredentials>> MakeCredentials(
    const ServerConfig& config) {
  if (!config.tls_enabled()) return grpc::InsecureServerCredentials();
  // Read once here so that a missing or unreadable file stops the start
  // with the flag's name; afterwards gRPC reads them every --tls_refresh
  // and takes a renewed certificate (or client CA) for new connections,
  // keeping the old one while the files are incomplete or do not match.
  ASSIGN_OR_RETURN(const std::string cert,
                   ReadFileToString(config.tls_cert_file, "--tls_cert"));
  ASSIGN_OR_RETURN(const std::string key,
                   ReadFileToString(config.tls_key_file, "--tls_key"));
  RETURN_IF_ERROR(CheckKeyPair(cert, key));
  if (!config.tls_client_ca_file.empty()) {
    RETURN_IF_ERROR(
        ReadFileToString(config.tls_client_ca_file, "--tls_client_ca")
            .status());
  }
  const auto refresh =
      static_cast<unsigned int>(absl::ToInt64Seconds(config.tls_refresh));
  auto files =
      std::make_shared<grpc::experimental::FileWatcherCertificateProvider>(
          config.tls_key_file, config.tls_cert_file, config.tls_client_ca_file,
          refresh);
  grpc::experimental::TlsServerCredentialsOptions options(files);
  options.watch_identity_key_cert_pairs();
  if (config.tls_client_ca_file.empty()) {
    options.set_cert_request_type(GRPC_SSL_DONT_REQUEST_CLIENT_CERTIFICATE);
  } else {
    options.watch_root_certs();
    options.set_cert_request_type(
        GRPC_SSL_REQUEST_AND_REQUIRE_CLIENT_CERTIFICATE_AND_VERIFY);
  }
  return grpc::experimental::TlsServerCredentials(options);
}

// Records the full names of the services a server registered (its own,
// health and reflection), as gRPC knows them once it is built, so that
// each can be reported to the health service by name and none is missed.
class ServiceNamesOption final : public grpc::ServerBuilderOption {
 public:
  explicit ServiceNamesOption(std::vector<std::string>* names)
      : names_(names) {}
  void UpdateArguments(grpc::ChannelArguments*) override {}
  void UpdatePlugins(std::vector<std::unique_ptr<grpc::ServerBuilderPlugin>>*
                         plugins) override {
    plugins->push_back(std::make_unique<Recorder>(names_));
  }

 private:
  class Recorder final : public grpc::ServerBuilderPlugin {
   public:
    explicit Recorder(std::vector<std::string>* names) : names_(names) {}
    std::string name() override { return "atgard_service_names"; }
    void InitServer(grpc::ServerInitializer*) override {}
    // Called once every service is registered.
    void Finish(grpc::ServerInitializer* server) override {
      *names_ = *server->GetServiceList();
    }
    void ChangeArguments(const std::string&, void*) override {}
    bool has_sync_methods() const override { return false; }
    bool has_async_methods() const override { return false; }

   private:
    std::vector<std::string>* names_;
  };
  std::vector<std::string>* names_;
};

// Keeps server reflection off a server: it would describe the whole API to
// anyone who reaches the plaintext health port. gRPC adds the reflection
// plugin to every server of the process once it is initialised.
class WithoutReflectionOption final : public grpc::ServerBuilderOption {
 public:
  void UpdateArguments(grpc::ChannelArguments*) override {}
  void UpdatePlugins(std::vector<std::unique_ptr<grpc::ServerBuilderPlugin>>*
                         plugins) override {
    std::erase_if(*plugins, [](const auto& plugin) {
      return plugin->name() == "proto_server_reflection";
    });
  }
};

// Case contents are confidential (OSL 26 kap.): like PostgreSQL, refuse a
// data or backup directory that every user of the machine may enter or
// read. Group access stays allowed, for volumes shared through a group
// (Kubernetes' fsGroup). A directory that does not exist yet is created
// 0700 by the store.
absl::Status CheckPrivateDirectory(const std::string& dir,
                                   absl::string_view flag) {
  struct stat st {};
  if (stat(dir.c_str(), &st) != 0) return absl::OkStatus();
  if (S_ISDIR(st.st_mode) && (st.st_mode & S_IRWXO) != 0) {
    char mode[8];
    std::snprintf(mode, sizeof(mode), "%04o", st.st_mode & 07777);
    return absl::InvalidArgumentError(absl::StrCat(
        flag, " ", dir, " has mode ", mode,
        ": other users may read it, and it holds confidential case "
        "contents; chmod o-rwx ",
        dir, " (0700, or 0750 for a group)"));
  }
  return absl::OkStatus();
}

// Files and settings named by flags that cannot be used are configuration
// errors, whatever the file system said: the operator must fix a flag.
absl::Status AsConfigurationError(const absl::Status& status) {
  if (status.ok() || absl::IsInvalidArgument(status)) return status;
  return absl::InvalidArgumentError(status.message());
}

}  // namespace

// What the health service reports, on both ports. Beside the whole server
// ("") and each service by its full name, two conditions the store
// signals from its own threads are named entries, so that a monitor can
// ask for them (Health/Check with service "atgard.writes" or
// "atgard.integrity") while probes, which ask for "", keep seeing a server
// that still serves reads:
//   atgard.writes     NOT_SERVING while appends are refused for the disk
//                     reserve (they resume by themselves);
//   atgard.integrity  NOT_SERVING once a read met damaged data, until the
//                     server is restarted (run atgardctl verify).
// The log and the metrics say why. Thread-safe.
class HealthState {
 public:
  static constexpr char kWrites[] = "atgard.writes";
  static constexpr char kIntegrity[] = "atgard.integrity";

  // Reports to `server`'s health service from now on, with `names`.
  void Attach(grpc::Server* server, const std::vector<std::string>& names) {
    absl::MutexLock lock(&mu_);
    servers_.push_back(server);
    names_ = names;
    PublishLocked();
  }
  // No server is touched afterwards (they are about to go away).
  void Detach() {
    absl::MutexLock lock(&mu_);
    servers_.clear();
  }
  void SetServing(bool serving) { Set(&serving_, serving); }
  void SetWritesRefused(bool refused) { Set(&writes_refused_, refused); }
  void SetDamageSeen() { Set(&damage_seen_, true); }

 private:
  void Set(bool* field, bool value) {
    absl::MutexLock lock(&mu_);
    if (*field == value) return;
    *field = value;
    PublishLocked();
  }
  void PublishLocked() ABSL_EXCLUSIVE_LOCKS_REQUIRED(mu_) {
    for (grpc::Server* server : servers_) {
      grpc::HealthCheckServiceInterface* health =
          server->GetHealthCheckService();
      // The whole server first: it sets every named entry too.
      health->SetServingStatus(serving_);
      if (!serving_) continue;
      for (const std::string& name : names_) {
        health->SetServingStatus(name, true);
      }
      health->SetServingStatus(kWrites, !writes_refused_);
      health->SetServingStatus(kIntegrity, !damage_seen_);
    }
  }

  absl::Mutex mu_;
  std::vector<grpc::Server*> servers_ ABSL_GUARDED_BY(mu_);
  std::vector<std::string> names_ ABSL_GUARDED_BY(mu_);
  bool serving_ ABSL_GUARDED_BY(mu_) = false;
  bool writes_refused_ ABSL_GUARDED_BY(mu_) = false;
  bool damage_seen_ ABSL_GUARDED_BY(mu_) = false;
};

// Declared in dependency order: destroyed in reverse, so that nothing
// outlives what it uses. What the store's callbacks reach (health, metrics)
// comes before the store, which may call them until it is closed.
struct Server::Parts {
  // The workflow's one clock (services/common/clock.h), first so that it
  // outlives everything that reads it: the development clock if
  // --dev_clock is set, else the system clock.
  std::unique_ptr<DevelopmentClock> dev_clock;
  const Clock* clock = SystemClock::Get();
  HealthState health;
  api::Metrics metrics;
  // Reads that met damaged data are logged at most this often.
  RateLimiter data_loss_log{/*per_second=*/1, /*burst=*/5};
  std::unique_ptr<eventstore::EventStore> store;
  // The application layer's view of the store.
  std::unique_ptr<app::StoreEventLog> log;
  // What the authenticator was built from, to build it again on reload.
  auth::AuthConfig auth_config;
  std::unique_ptr<api::GrpcCallAuthenticator> call_authenticator;
  std::unique_ptr<app::AggregateRepository> repository;
  std::unique_ptr<app::CommandHandler> commands;
  std::unique_ptr<app::AccessLog> access_log;
  SerialExecutor subscription_pump;
  SerialExecutor maintenance;
  std::vector<std::unique_ptr<grpc::Service>> services;
  std::vector<std::string> service_names;
  std::unique_ptr<grpc::Server> grpc_server;
  // --health_listen: the health service alone, plaintext.
  grpc::CallbackGenericService health_unimplemented;
  std::unique_ptr<grpc::Server> health_server;
  std::unique_ptr<jobs::DeadlineScheduler> deadlines;
  std::unique_ptr<jobs::PolicyRunner> policies;
  int port = 0;
  int metrics_port = 0;
  int health_port = 0;
  bool stopped = false;

  // Before any member goes: the store may still call into health while it
  // closes, and the gRPC servers health reports to go first.
  ~Parts() { health.Detach(); }
};

absl::StatusOr<std::unique_ptr<Server>> Server::Start(
    const ServerConfig& config) {
  RETURN_IF_ERROR(Validate(config));
  absl::StatusOr<std::shared_ptr<grpc::ServerCredentials>> credentials =
      MakeCredentials(config);
  RETURN_IF_ERROR(AsConfigurationError(credentials.status()));
  // Every date the domain records is a Stockholm date; without the zone
  // database it would silently be a UTC date.
  RETURN_IF_ERROR(domain::LoadStockholmTimeZone());

  RETURN_IF_ERROR(CheckPrivateDirectory(config.data_dir, "--data_dir"));
  if (!config.backup_dir.empty()) {
    RETURN_IF_ERROR(CheckPrivateDirectory(config.backup_dir, "--backup_dir"));
  }

  auto parts = std::make_unique<Parts>();
  if (!config.dev_clock.empty()) {
    // Validate() has parsed it already.
    ASSIGN_OR_RETURN(const absl::Time start, ParseClockStart(config.dev_clock));
    parts->dev_clock = std::make_unique<DevelopmentClock>(start);
    parts->clock = parts->dev_clock.get();
  }
  log::Info("store_opening", {{"data_dir", config.data_dir}});
  eventstore::Options store_options;
  store_options.path = config.data_dir;
  // recorded_at is the workflow's time, so that events recorded on a
  // development clock read as written on its days.
  store_options.clock = parts->clock->AsFunction();
  store_options.disk_reserve = config.disk_reserve;
  api::Metrics* metrics = &parts->metrics;
  // A full disk refuses appends but is no failure: reads (and the read log,
  // which may use part of the reserve) go on, and appends resume by
  // themselves once space is freed. So health stays SERVING (the health
  // service has no field for "read-only"); the log and the metric say it.
  HealthState* health = &parts->health;
  store_options.on_disk_reserve = [metrics, health, data_dir = config.data_dir](
                                      const absl::Status& status) {
    metrics->SetWritesRefused(!status.ok());
    health->SetWritesRefused(!status.ok());
    if (status.ok()) {
      log::Info("writes_resumed", {{"data_dir", data_dir}});
    } else {
      log::Error("writes_refused_disk_reserve",
                 {{"data_dir", data_dir}, {"error", status}});
    }
  };
  store_options.on_disk_reserve_sizing =
      [data_dir = config.data_dir](const std::string& warning) {
        log::Warn("disk_reserve_too_small",
                  {{"data_dir", data_dir}, {"warning", warning}});
      };
  // Damage that only a read meets (inside a table block) is not found at
  // start: every read that meets it says so to its caller, and here to the
  // operator, through the log, a metric and health's atgard.integrity.
  RateLimiter* data_loss_log = &parts->data_loss_log;
  store_options.on_data_loss =
      [metrics, health, data_loss_log,
       data_dir = config.data_dir](const absl::Status& status) {
        metrics->ObserveDataLoss();
        health->SetDamageSeen();
        uint64_t suppressed = 0;
        if (data_loss_log->Admit(&suppressed)) {
          log::Error("store_data_loss",
                     {{"data_dir", data_dir},
                      {"error", status},
                      {"suppressed", suppressed},
                      {"action",
                       "stop the server, copy the data directory aside, run "
                       "atgardctl verify --data_dir; see deploy/README.md"}});
        }
      };
  store_options.on_commit = [metrics](size_t appends, size_t events,
                                      absl::Duration latency) {
    metrics->ObserveCommit(appends, events, latency);
  };
  ASSIGN_OR_RETURN(parts->store, eventstore::EventStore::Open(store_options));
  const eventstore::RecoveryReport& recovery = parts->store->Recovery();
  log::Info("store_opened", {{"data_dir", config.data_dir},
                             {"head_position", parts->store->HeadPosition()},
                             {"recovered_to_position", recovery.head_position},
                             {"clean_stop", recovery.clean_stop}});
  if (recovery.witness_zeroed) {
    // A power cut before the witness's first write reached the disk.
    log::Warn("store_witness_zeroed",
              {{"data_dir", config.data_dir},
               {"recovered_to_position", recovery.head_position}});
  }
  if (recovery.torn_tail_bytes > 0) {
    // Bytes of a write a crash cut off, never acknowledged.
    log::Warn("store_torn_tail_dropped",
              {{"wal_file", recovery.torn_tail_file},
               {"bytes", recovery.torn_tail_bytes},
               {"recovered_to_position", recovery.head_position}});
  }

  // After the store: a data directory that is wrong is reported as such
  // before anything (such as a development key) is created beside it.
  parts->auth_config = config.auth;
  parts->auth_config.data_dir = config.data_dir;
  // Token lifetimes (exp, nbf, iat) stay on the system clock, also with a
  // development clock: a token's life is real time on the machine that
  // minted it, so `atgardctl dev-token` tokens keep working however far
  // the workflow's clock is moved.
  absl::StatusOr<std::unique_ptr<auth::Authenticator>> authenticator =
      auth::Authenticator::Create(parts->auth_config);
  RETURN_IF_ERROR(AsConfigurationError(authenticator.status()));
  parts->call_authenticator = std::make_unique<api::GrpcCallAuthenticator>(
      *std::move(authenticator), &parts->metrics);

  if (!config.metrics_listen.empty()) {
    ASSIGN_OR_RETURN(parts->metrics_port,
                     parts->metrics.Serve(config.metrics_listen));
  }

  parts->log = std::make_unique<app::StoreEventLog>(parts->store.get());
  parts->repository = std::make_unique<app::AggregateRepository>(
      parts->log.get(), static_cast<size_t>(config.aggregate_cache));
  app::CommandHandler::Options command_options;
  command_options.clock = parts->clock->AsFunction();
  parts->commands = std::make_unique<app::CommandHandler>(
      parts->log.get(), parts->repository.get(), std::move(command_options));
  parts->access_log = std::make_unique<app::AccessLog>(
      parts->log.get(), parts->clock->AsFunction());
  // Built before the services (a moved development clock wakes it), started
  // once the server serves.
  parts->deadlines = std::make_unique<jobs::DeadlineScheduler>(
      parts->log.get(), parts->repository.get(), &parts->metrics,
      jobs::DeadlineScheduler::Options{.interval = config.deadline_interval,
                                       .clock = parts->clock->AsFunction()});
  jobs::DeadlineScheduler* deadlines = parts->deadlines.get();
  api::ServiceContext context{
      .store = parts->store.get(),
      .authenticator = parts->call_authenticator.get(),
      .commands = parts->commands.get(),
      .repository = parts->repository.get(),
      .access_log = parts->access_log.get(),
      .metrics = &parts->metrics,
      .subscription_pump = &parts->subscription_pump,
      .maintenance = &parts->maintenance,
      .backup_dir = config.backup_dir,
      .clock = parts->clock->AsFunction(),
      .dev_clock = parts->dev_clock.get(),
      .clock_moved = [deadlines] { deadlines->RunSoon(); }};
  parts->services = api::MakeWorkflowServices(context);
  for (auto& service : api::MakeEventLogServices(context)) {
    parts->services.push_back(std::move(service));
  }
  parts->services.push_back(api::MakeOperatorService(context));

  grpc::EnableDefaultHealthCheckService(true);
  grpc::reflection::InitProtoReflectionServerBuilderPlugin();
  // gRPC's health service is built on its own messages; linking the
  // standard health.proto puts its schema where reflection finds it, so
  // that generic tools can call Health/Check without a local copy.
  (void)grpc::health::v1::HealthCheckResponse::descriptor();
  grpc::ServerBuilder builder;
  builder.SetOption(
      std::make_unique<ServiceNamesOption>(&parts->service_names));
  // gRPC sets SO_REUSEPORT by default, which lets a second server bind the
  // same port and silently take half the calls. One port, one server.
  builder.AddChannelArgument(GRPC_ARG_ALLOW_REUSEPORT, 0);
  builder.AddListeningPort(config.listen_address, *credentials, &parts->port);
  for (auto& service : parts->services) builder.RegisterService(service.get());
  // Request hygiene (services/api/request_*.h): a size limit, and
  // INVALID_ARGUMENT for requests that cannot be parsed.
  builder.SetMaxReceiveMessageSize(app::kMaxRequestBytes);
  api::RouteProtobufLogging();
  std::vector<
      std::unique_ptr<grpc::experimental::ServerInterceptorFactoryInterface>>
      interceptors;
  interceptors.push_back(
      std::make_unique<api::ParseFailureInterceptorFactory>());
  builder.experimental().SetInterceptorCreators(std::move(interceptors));
  parts->grpc_server = builder.BuildAndStart();
  if (parts->grpc_server == nullptr ||
      (parts->port == 0 && !absl::StartsWith(config.listen_address, "unix:"))) {
    return absl::UnavailableError(
        absl::StrCat("cannot listen on ", config.listen_address,
                     " (address in use or not available)"));
  }
  if (!config.health_listen.empty()) {
    grpc::ServerBuilder health_builder;
    health_builder.SetOption(std::make_unique<WithoutReflectionOption>());
    // Answers every other method UNIMPLEMENTED; its callback queue is also
    // what gRPC polls for a server whose only service is health.
    health_builder.RegisterCallbackGenericService(&parts->health_unimplemented);
    health_builder.AddChannelArgument(GRPC_ARG_ALLOW_REUSEPORT, 0);
    health_builder.AddListeningPort(config.health_listen,
                                    grpc::InsecureServerCredentials(),
                                    &parts->health_port);
    parts->health_server = health_builder.BuildAndStart();
    if (parts->health_server == nullptr ||
        (parts->health_port == 0 &&
         !absl::StartsWith(config.health_listen, "unix:"))) {
      return absl::UnavailableError(absl::StrCat(
          "cannot listen on --health_listen ", config.health_listen,
          " (address in use or not available)"));
    }
  }
  // Storage is open before the server starts, so the first health answer
  // can already be SERVING; a failed store turns it off for good.
  parts->health.Attach(parts->grpc_server.get(), parts->service_names);
  if (parts->health_server != nullptr) {
    parts->health.Attach(parts->health_server.get(), parts->service_names);
  }
  parts->health.SetServing(true);
  // A store whose write or sync failed acknowledges nothing more until the
  // server restarts: load balancers must stop sending at once. The store
  // calls this once, from its writer thread.
  parts->store->OnFailure([health](const absl::Status& status) {
    log::Error("store_failed", {{"error", status}});
    health->SetServing(false);
  });

  RETURN_IF_ERROR(parts->deadlines->Start());
  parts->policies = std::make_unique<jobs::PolicyRunner>(
      parts->log.get(), parts->commands.get(), &parts->metrics,
      jobs::PolicyRunner::Options{});
  RETURN_IF_ERROR(parts->policies->Start());

  log::Info(
      "server_started",
      {{"listen", config.listen_address},
       {"port", parts->port},
       {"tls", config.tls_enabled()},
       {"mutual_tls", !config.tls_client_ca_file.empty()},
       {"authentication", parts->call_authenticator->current()->Describe()},
       {"metrics", config.metrics_listen},
       {"health_listen", config.health_listen},
       {"health_port", parts->health_port},
       {"data_dir", config.data_dir}});
  if (config.auth.dev_auth) {
    log::Warn("development_authentication",
              {{"warning",
                "--dev_auth trusts tokens that anyone with access to this "
                "machine can mint: NOT FOR PRODUCTION, and never with real "
                "case data"},
               {"key_dir", auth::DevAuthDir(config.data_dir)}});
  }
  if (parts->dev_clock != nullptr) {
    log::Warn(
        "development_clock",
        {{"warning",
          "--dev_clock: the workflow runs on a clock that operators can "
          "move forward (OperatorService.SetDevelopmentClock); NOT FOR "
          "PRODUCTION"},
         {"now", absl::FormatTime(absl::RFC3339_full, parts->dev_clock->Now(),
                                  absl::UTCTimeZone())}});
  }
  return std::unique_ptr<Server>(new Server(std::move(parts)));
}

Server::Server(std::unique_ptr<Parts> parts) : parts_(std::move(parts)) {}

Server::~Server() { Shutdown(absl::ZeroDuration(), absl::Seconds(5)); }

int Server::port() const { return parts_->port; }

absl::Status Server::ReloadAuthentication() {
  if (parts_ == nullptr || parts_->stopped) {
    return absl::FailedPreconditionError("the server is stopped");
  }
  absl::StatusOr<std::unique_ptr<auth::Authenticator>> authenticator =
      auth::Authenticator::Create(parts_->auth_config);
  if (!authenticator.ok()) {
    log::Error("authentication_reload_failed",
               {{"error", authenticator.status()},
                {"kept", parts_->call_authenticator->current()->Describe()}});
    return authenticator.status();
  }
  const std::string described = (*authenticator)->Describe();
  parts_->call_authenticator->Replace(*std::move(authenticator));
  log::Info("authentication_reloaded", {{"authentication", described}});
  return absl::OkStatus();
}
int Server::metrics_port() const { return parts_->metrics_port; }

int Server::health_port() const { return parts_->health_port; }

void Server::Shutdown(absl::Duration drain_delay, absl::Duration grace) {
  if (parts_ == nullptr || parts_->stopped) return;
  parts_->stopped = true;
  parts_->health.SetServing(false);
  if (drain_delay > absl::ZeroDuration()) absl::SleepFor(drain_delay);
  // Stops accepting, lets in-flight calls finish until the deadline, then
  // cancels what is left.
  parts_->grpc_server->Shutdown(absl::ToChronoTime(absl::Now() + grace));
  parts_->grpc_server->Wait();
  if (parts_->health_server != nullptr) {
    parts_->health_server->Shutdown(absl::ToChronoTime(absl::Now()));
    parts_->health_server->Wait();
  }
  // The failure callback points into the gRPC server's health service,
  // which goes away before the store closes.
  parts_->store->OnFailure(nullptr);
  parts_->policies.reset();
  parts_->deadlines.reset();
  parts_.reset();  // closes the store last
}

}  // namespace atgard::server
