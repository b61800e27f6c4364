// eventstore_bench: throughput and latency of the event store next to the
// raw RocksDB ceilings for the same data, measured in the same run on the
// same disk. Prints figures and ratios; asserts nothing about speed.
//
//   eventstore_bench [--seconds=2] [--rounds=5] [--pause=1] [--payload=200]
//                    [--scan_events=200000]
//                    [--dir=/var/tmp] [--only=raw,store,scan] [--smoke]
//
// Cases:
//   raw batch64   one thread writes WriteBatches of 64 events with sync
//   raw threads64 64 threads each write one event per synced Write (RocksDB
//                 groups them itself)
//   store N       N threads call EventStore::Append with one event each
//                 (own stream, exact expected version, unique command id)
//   store N async N chains of EventStore::AppendAsync, each issuing its
//                 next append from the previous one's callback: the gRPC
//                 server's way, with no caller thread per append
//   scan          EventStore::ReadAll in pages of 1000 against a raw
//                 RocksDB iterator over the same event keys
// "Same data" means the raw cases write, per event, the keys and values the
// store writes: the envelope, the stream index entry, the stream head and
// the idempotency record (and the chain head once per batch).
#include <stdlib.h>
#include <unistd.h>

#include <algorithm>
#include <atomic>
#include <chrono>
#include <cstdio>
#include <filesystem>
#include <memory>
#include <string>
#include <thread>
#include <vector>

#include "absl/strings/match.h"
#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_format.h"
#include "absl/strings/string_view.h"
#include "eventstore/event_store.h"
#include "eventstore/keys.h"
#include "rocksdb/db.h"
#include "rocksdb/options.h"
#include "rocksdb/table.h"
#include "rocksdb/write_batch.h"

namespace atgard::eventstore {
namespace {

using Clock = std::chrono::steady_clock;

struct Config {
  // Total time of each write case, split into `rounds` interleaved rounds.
  // A round stays short enough (0.4 s) that no memtable fills up: the
  // figures are those of the synced write path, not of flushes.
  double seconds = 2;
  int rounds = 5;
  // Idle time before each round of a write case. Virtual disks often cap
  // bandwidth with a token bucket; without a pause the case that runs when
  // it is empty pays for the ones before it.
  double pause = 1;
  size_t payload = 200;
  uint64_t scan_events = 200000;
  std::string dir;
  bool smoke = false;
  // Prints every round's events/s.
  bool verbose = false;
  // Runs only the cases whose group ("raw", "store", "scan") is listed.
  std::string only = "raw,store,scan";
};

struct Figures {
  double events_per_second = 0;
  double p50_us = 0;
  double p99_us = 0;
};

[[noreturn]] void Die(absl::string_view what) {
  std::fprintf(stderr, "eventstore_bench: %s\n", std::string(what).c_str());
  std::exit(1);
}

void Check(const rocksdb::Status& s, absl::string_view what) {
  if (!s.ok()) Die(absl::StrCat(what, ": ", s.ToString()));
}

double Micros(Clock::duration d) {
  return std::chrono::duration<double, std::micro>(d).count();
}

Figures Summarise(uint64_t events, Clock::duration elapsed,
                  std::vector<double> latencies_us) {
  Figures f;
  f.events_per_second = static_cast<double>(events) /
                        std::chrono::duration<double>(elapsed).count();
  if (!latencies_us.empty()) {
    std::sort(latencies_us.begin(), latencies_us.end());
    f.p50_us = latencies_us[latencies_us.size() / 2];
    f.p99_us = latencies_us[std::min(latencies_us.size() - 1,
                                     latencies_us.size() * 99 / 100)];
  }
  return f;
}

std::string FreshDir(const Config& config, absl::string_view name) {
  std::string dir = absl::StrCat(config.dir, "/", name);
  std::filesystem::remove_all(dir);
  return dir;
}

v1::EventMetadata BenchMetadata() {
  v1::EventMetadata m;
  m.set_actor_subject("bench-user");
  m.set_actor_role("case_officer");
  m.set_tenant("0780");
  m.set_correlation_id("corr-0123456789");
  m.set_causation_id("cause-0123456789");
  return m;
}

// The bytes the store would write for one event of `stream` at `position`.
struct RawEvent {
  std::string event_key, event_value;
  std::string index_key, index_value;
  std::string head_key, head_value;
  std::string command_key, command_value;
};

RawEvent MakeRawEvent(const Config& config, const std::string& stream,
                      uint64_t position, uint64_t version) {
  v1::EventEnvelope e;
  e.set_global_position(position);
  e.set_stream_id(stream);
  e.set_stream_version(version);
  e.set_event_type("BenchHappened");
  e.set_schema_version(1);
  e.set_payload(std::string(config.payload, 'p'));
  *e.mutable_metadata() = BenchMetadata();
  e.mutable_metadata()->set_command_id(absl::StrCat(stream, "-", version));
  e.mutable_recorded_at()->set_seconds(1795000000);
  e.set_hash(std::string(32, 'h'));
  e.set_previous_hash(std::string(32, 'g'));
  RawEvent r;
  r.event_key = keys::EventKey(position);
  r.event_value = e.SerializeAsString();
  r.index_key = keys::StreamIndexKey(stream, version);
  keys::PutFixed64(&r.index_value, position);
  r.head_key = keys::StreamHeadKey(stream);
  r.head_value = keys::EncodeStreamHead(
      {.version = version, .first_position = 1, .last_position = position});
  r.command_key = keys::CommandKey(e.metadata().command_id());
  r.command_value = keys::EncodeCommandRecord({.first_version = version});
  return r;
}

void PutRaw(rocksdb::WriteBatch* batch, const RawEvent& r) {
  batch->Put(r.event_key, r.event_value);
  batch->Put(r.index_key, r.index_value);
  batch->Put(r.head_key, r.head_value);
  batch->Put(r.command_key, r.command_value);
}

std::unique_ptr<rocksdb::DB> OpenRaw(const std::string& dir) {
  rocksdb::Options options;
  options.create_if_missing = true;
  rocksdb::DB* db = nullptr;
  Check(rocksdb::DB::Open(options, dir, &db), "open raw");
  return std::unique_ptr<rocksdb::DB>(db);
}

// Rounds of the write cases interleave, so that noise from other work on
// the machine hits every case alike. Each round starts on a fresh, empty
// database (Open) and closes it afterwards (Close, which waits for its
// background flushes), so that no case pays for another's compactions.
class WriteCase {
 public:
  virtual ~WriteCase() = default;
  virtual void Open() = 0;
  virtual void Close() = 0;
  // Writes for `seconds`; returns the events written and adds one latency
  // (µs) per acknowledged write to *latencies.
  virtual uint64_t Run(double seconds, std::vector<double>* latencies) = 0;
  // What the case saw of the store's group commits, if anything.
  virtual std::string Detail() const { return ""; }
};

std::chrono::steady_clock::duration Seconds(double s) {
  return std::chrono::duration_cast<Clock::duration>(
      std::chrono::duration<double>(s));
}

// One thread, WriteBatches of 64 events, sync.
class RawBatch64 : public WriteCase {
 public:
  explicit RawBatch64(const Config& config) : config_(config) {
    // Encoded outside the timed loop: this is the ceiling.
    for (uint64_t i = 0; i < 64; ++i) {
      events_.push_back(
          MakeRawEvent(config, absl::StrCat("bench-", i), i + 1, 1));
    }
  }

  void Open() override {
    db_ = OpenRaw(FreshDir(config_, "raw-batch"));
    position_ = 0;
    round_ = 0;
  }
  void Close() override { db_.reset(); }

  uint64_t Run(double seconds, std::vector<double>* latencies) override {
    const std::string chain_key = keys::ChainKey();
    const std::string chain_value(40, 'c');
    rocksdb::WriteOptions sync;
    sync.sync = true;
    rocksdb::WriteBatch batch;
    uint64_t written = 0;
    const Clock::time_point end = Clock::now() + Seconds(seconds);
    for (Clock::time_point now = Clock::now(); now < end;) {
      batch.Clear();
      ++round_;
      for (size_t i = 0; i < events_.size(); ++i) {
        // Fresh keys each round, as the log would have.
        RawEvent& e = events_[i];
        e.event_key.resize(1);
        keys::PutFixed64(&e.event_key, ++position_);
        e.index_key = keys::StreamIndexKey(absl::StrCat("bench-", i), round_);
        e.command_key =
            keys::CommandKey(absl::StrCat("bench-", i, "-", round_));
        PutRaw(&batch, e);
        ++written;
      }
      batch.Put(chain_key, chain_value);
      const Clock::time_point t0 = Clock::now();
      Check(db_->Write(sync, &batch), "raw write");
      now = Clock::now();
      latencies->push_back(Micros(now - t0));
    }
    return written;
  }

 private:
  const Config& config_;
  std::unique_ptr<rocksdb::DB> db_;
  std::vector<RawEvent> events_;
  uint64_t position_ = 0;
  uint64_t round_ = 0;
};

// `threads` threads, each one synced Write of one event at a time.
class RawThreads : public WriteCase {
 public:
  RawThreads(const Config& config, int threads)
      : config_(config), threads_(threads) {}

  void Open() override {
    db_ = OpenRaw(FreshDir(config_, "raw-threads"));
    position_ = 0;
    versions_.assign(threads_, 0);
  }
  void Close() override { db_.reset(); }

  uint64_t Run(double seconds, std::vector<double>* latencies) override {
    std::atomic<bool> stop{false};
    std::vector<std::vector<double>> per_thread(threads_);
    std::vector<std::thread> pool;
    for (int t = 0; t < threads_; ++t) {
      pool.emplace_back([&, t] {
        rocksdb::WriteOptions sync;
        sync.sync = true;
        const std::string stream = absl::StrCat("bench-", t);
        RawEvent e = MakeRawEvent(config_, stream, 1, 1);
        rocksdb::WriteBatch batch;
        while (!stop.load(std::memory_order_relaxed)) {
          e.event_key.resize(1);
          keys::PutFixed64(&e.event_key, position_.fetch_add(1) + 1);
          const uint64_t version = ++versions_[t];
          e.index_key = keys::StreamIndexKey(stream, version);
          e.command_key = keys::CommandKey(absl::StrCat(stream, "-", version));
          batch.Clear();
          PutRaw(&batch, e);
          const Clock::time_point t0 = Clock::now();
          Check(db_->Write(sync, &batch), "raw write");
          per_thread[t].push_back(Micros(Clock::now() - t0));
        }
      });
    }
    std::this_thread::sleep_for(Seconds(seconds));
    stop = true;
    for (std::thread& t : pool) t.join();
    uint64_t written = 0;
    for (const auto& l : per_thread) {
      latencies->insert(latencies->end(), l.begin(), l.end());
      written += l.size();
    }
    return written;
  }

 private:
  const Config& config_;
  const int threads_;
  std::unique_ptr<rocksdb::DB> db_;
  std::atomic<uint64_t> position_{0};
  std::vector<uint64_t> versions_;
};

// Group commits of a store case, summed over its rounds (on_commit).
struct CommitCounter {
  std::atomic<uint64_t> commits{0};
  std::atomic<uint64_t> appends{0};
  std::atomic<uint64_t> write_ns{0};

  std::string Describe() const {
    const uint64_t n = commits.load();
    if (n == 0) return "";
    return absl::StrFormat("%5.1f appends/commit, write %4.0f us",
                           static_cast<double>(appends.load()) / n,
                           static_cast<double>(write_ns.load()) / n / 1000);
  }
};

std::unique_ptr<EventStore> OpenStore(
    const std::string& dir,
    absl::Duration group_commit_wait = Options().group_commit_wait,
    CommitCounter* counter = nullptr) {
  Options options{.path = dir, .group_commit_wait = group_commit_wait};
  if (counter != nullptr) {
    options.on_commit = [counter](size_t appends, size_t /*events*/,
                                  absl::Duration latency) {
      counter->commits.fetch_add(1, std::memory_order_relaxed);
      counter->appends.fetch_add(appends, std::memory_order_relaxed);
      counter->write_ns.fetch_add(absl::ToInt64Nanoseconds(latency),
                                  std::memory_order_relaxed);
    };
  }
  absl::StatusOr<std::unique_ptr<EventStore>> store =
      EventStore::Open(std::move(options));
  if (!store.ok()) Die(store.status().ToString());
  return std::move(*store);
}

// `threads` appenders, one event per Append: own stream, exact expected
// version, unique command id.
class StoreAppends : public WriteCase {
 public:
  StoreAppends(const Config& config, int threads,
               absl::Duration group_commit_wait = Options().group_commit_wait)
      : config_(config),
        threads_(threads),
        group_commit_wait_(group_commit_wait) {}

  void Open() override {
    store_ =
        OpenStore(FreshDir(config_, "store"), group_commit_wait_, &commits_);
    versions_.assign(threads_, 0);
  }
  void Close() override { store_.reset(); }
  std::string Detail() const override { return commits_.Describe(); }

  uint64_t Run(double seconds, std::vector<double>* latencies) override {
    std::atomic<bool> stop{false};
    std::vector<std::vector<double>> per_thread(threads_);
    std::vector<std::thread> pool;
    const v1::EventMetadata metadata = BenchMetadata();
    for (int t = 0; t < threads_; ++t) {
      pool.emplace_back([&, t] {
        const std::string stream = absl::StrCat("bench-", t);
        const std::vector<NewEvent> events = {
            {.event_type = "BenchHappened",
             .payload = std::string(config_.payload, 'p')}};
        uint64_t& version = versions_[t];
        while (!stop.load(std::memory_order_relaxed)) {
          const std::string command = absl::StrCat(stream, "-", version + 1);
          const Clock::time_point t0 = Clock::now();
          absl::StatusOr<AppendResult> r =
              store_->Append(stream, ExpectedVersion::Exact(version), events,
                             command, metadata);
          if (!r.ok()) Die(r.status().ToString());
          per_thread[t].push_back(Micros(Clock::now() - t0));
          version = r->last_version;
        }
      });
    }
    std::this_thread::sleep_for(Seconds(seconds));
    stop = true;
    for (std::thread& t : pool) t.join();
    uint64_t written = 0;
    for (const auto& l : per_thread) {
      latencies->insert(latencies->end(), l.begin(), l.end());
      written += l.size();
    }
    return written;
  }

 private:
  const Config& config_;
  const int threads_;
  const absl::Duration group_commit_wait_;
  // Declared before the store, which reports into it until it closes.
  CommitCounter commits_;
  std::unique_ptr<EventStore> store_;
  std::vector<uint64_t> versions_;
};

// `appenders` chains of AppendAsync(), the way the gRPC server appends:
// each chain issues its next append from the callback of the previous one,
// so no caller thread sleeps and wakes per append. One event per append,
// own stream, exact expected version, unique command id.
class StoreAsyncAppends : public WriteCase {
 public:
  StoreAsyncAppends(
      const Config& config, int appenders,
      absl::Duration group_commit_wait = Options().group_commit_wait)
      : config_(config),
        appenders_(appenders),
        group_commit_wait_(group_commit_wait) {}

  void Open() override {
    store_ = OpenStore(FreshDir(config_, "store-async"), group_commit_wait_,
                       &commits_);
  }
  void Close() override { store_.reset(); }
  std::string Detail() const override { return commits_.Describe(); }

  uint64_t Run(double seconds, std::vector<double>* latencies) override {
    struct Chain {
      std::string stream;
      uint64_t version = 0;
      std::vector<double> latencies;
    };
    std::vector<Chain> chains(appenders_);
    std::atomic<bool> stop{false};
    std::atomic<int> running{appenders_};
    const v1::EventMetadata metadata = BenchMetadata();
    const std::string payload(config_.payload, 'p');
    std::function<void(Chain*)> next = [&](Chain* chain) {
      if (stop.load(std::memory_order_relaxed)) {
        running.fetch_sub(1);
        return;
      }
      AppendRequest request;
      request.stream_id = chain->stream;
      request.expected = ExpectedVersion::Exact(chain->version);
      request.events.push_back(
          {.event_type = "BenchHappened", .payload = payload});
      request.command_id = absl::StrCat(chain->stream, "-", chain->version + 1);
      request.metadata = metadata;
      const Clock::time_point t0 = Clock::now();
      store_->AppendAsync(
          std::move(request), [&, chain, t0](absl::StatusOr<AppendResult> r) {
            if (!r.ok()) Die(r.status().ToString());
            chain->latencies.push_back(Micros(Clock::now() - t0));
            chain->version = r->last_version;
            next(chain);
          });
    };
    for (int i = 0; i < appenders_; ++i) {
      chains[i].stream = absl::StrCat("bench-", i);
      next(&chains[i]);
    }
    std::this_thread::sleep_for(Seconds(seconds));
    stop = true;
    while (running.load() > 0)
      std::this_thread::sleep_for(std::chrono::milliseconds(1));
    uint64_t written = 0;
    for (const Chain& c : chains) {
      latencies->insert(latencies->end(), c.latencies.begin(),
                        c.latencies.end());
      written += c.latencies.size();
    }
    return written;
  }

 private:
  const Config& config_;
  const int appenders_;
  const absl::Duration group_commit_wait_;
  // Declared before the store, which reports into it until it closes.
  CommitCounter commits_;
  std::unique_ptr<EventStore> store_;
};

struct ScanFigures {
  Figures raw;
  Figures read_all;
  Figures scan_all;
  Figures read_all_filtered;
};

ScanFigures Scan(const Config& config) {
  const std::string dir = FreshDir(config, "scan");
  {
    std::unique_ptr<EventStore> store = OpenStore(dir);
    // Fill quickly: many events per append from a few threads; ten
    // categories so that a filtered read keeps a tenth.
    const v1::EventMetadata metadata = BenchMetadata();
    std::vector<std::thread> pool;
    std::atomic<uint64_t> left{config.scan_events};
    for (int t = 0; t < 4; ++t) {
      pool.emplace_back([&, t] {
        std::vector<NewEvent> events(
            100, {.event_type = "BenchHappened",
                  .payload = std::string(config.payload, 'p')});
        for (int i = 0;; ++i) {
          uint64_t have = left.load();
          uint64_t n = 0;
          do {
            n = std::min<uint64_t>(have, events.size());
          } while (n > 0 && !left.compare_exchange_weak(have, have - n));
          if (n == 0) return;
          const std::string stream = absl::StrCat("cat", i % 10, "-", t);
          absl::StatusOr<AppendResult> r = store->Append(
              stream, ExpectedVersion::Any(),
              absl::MakeConstSpan(events).subspan(0, n), "", metadata);
          if (!r.ok()) Die(r.status().ToString());
        }
      });
    }
    for (std::thread& t : pool) t.join();
  }

  ScanFigures figures;
  auto best_of = [](int runs, auto&& run) {
    Figures best;
    for (int i = 0; i < runs; ++i) {
      Figures f = run();
      if (f.events_per_second > best.events_per_second) best = f;
    }
    return best;
  };
  const int runs = config.smoke ? 1 : 3;
  {
    std::unique_ptr<EventStore> store = OpenStore(dir);
    auto read_all = [&](const ReadAllFilter& filter) {
      uint64_t seen = 0;
      const Clock::time_point start = Clock::now();
      uint64_t from = 1;
      while (true) {
        absl::StatusOr<ReadAllResult> r = store->ReadAll(from, 1000, filter);
        if (!r.ok()) Die(r.status().ToString());
        for (const v1::EventEnvelope& e : r->events) {
          seen += e.payload().size() > 0 ? 1 : 0;
        }
        if (r->next_position > r->head_position) break;
        from = r->next_position;
      }
      if (filter.empty() && seen != config.scan_events)
        Die("scan missed events");
      return Summarise(config.scan_events, Clock::now() - start, {});
    };
    read_all({});  // warm the cache
    figures.read_all = best_of(runs, [&] { return read_all({}); });
    figures.scan_all = best_of(runs, [&] {
      uint64_t seen = 0;
      const Clock::time_point start = Clock::now();
      absl::StatusOr<ScanResult> r = store->ScanAll(
          1, config.scan_events, {}, [&](const v1::EventEnvelope& e) {
            seen += e.payload().empty() ? 0 : 1;
            return true;
          });
      if (!r.ok()) Die(r.status().ToString());
      if (seen != config.scan_events) Die("ScanAll missed events");
      return Summarise(seen, Clock::now() - start, {});
    });
    figures.read_all_filtered =
        best_of(runs, [&] { return read_all({.stream_prefixes = {"cat3-"}}); });
  }
  {
    // The same keys through a plain iterator with the store's cache size.
    rocksdb::Options options;
    rocksdb::BlockBasedTableOptions table;
    table.block_cache = rocksdb::NewLRUCache(64 << 20);
    options.table_factory.reset(rocksdb::NewBlockBasedTableFactory(table));
    rocksdb::DB* raw = nullptr;
    Check(rocksdb::DB::OpenForReadOnly(options, dir, &raw), "open scan");
    std::unique_ptr<rocksdb::DB> db(raw);
    auto iterate = [&] {
      const std::string lower = keys::EventKey(1);
      const std::string upper = keys::EventKeyUpperBound();
      const rocksdb::Slice upper_slice(upper);
      rocksdb::ReadOptions ro;
      ro.iterate_upper_bound = &upper_slice;
      uint64_t seen = 0, bytes = 0;
      const Clock::time_point start = Clock::now();
      std::unique_ptr<rocksdb::Iterator> it(db->NewIterator(ro));
      for (it->Seek(lower); it->Valid(); it->Next()) {
        bytes += it->value().size() + it->key().size();
        ++seen;
      }
      Check(it->status(), "raw scan");
      if (seen != config.scan_events || bytes == 0) Die("raw scan missed");
      return Summarise(seen, Clock::now() - start, {});
    };
    iterate();
    figures.raw = best_of(runs, iterate);
  }
  return figures;
}

void PrintRow(absl::string_view name, const Figures& f, double ratio,
              absl::string_view ratio_of, absl::string_view detail = "") {
  std::printf("%-34s %12.0f %10.0f %10.0f", std::string(name).c_str(),
              f.events_per_second, f.p50_us, f.p99_us);
  if (ratio > 0) {
    std::printf("   %5.2f  %s", ratio, std::string(ratio_of).c_str());
  }
  if (!detail.empty()) std::printf("; %s", std::string(detail).c_str());
  std::printf("\n");
}

int Main(int argc, char** argv) {
  Config config;
  for (int i = 1; i < argc; ++i) {
    const absl::string_view arg = argv[i];
    auto value = [&](absl::string_view name) -> absl::string_view {
      return arg.substr(name.size());
    };
    if (arg == "--smoke") {
      config.smoke = true;
    } else if (arg == "--verbose") {
      config.verbose = true;
    } else if (absl::StartsWith(arg, "--seconds=")) {
      if (!absl::SimpleAtod(value("--seconds="), &config.seconds)) Die(arg);
    } else if (absl::StartsWith(arg, "--pause=")) {
      if (!absl::SimpleAtod(value("--pause="), &config.pause)) Die(arg);
    } else if (absl::StartsWith(arg, "--rounds=")) {
      if (!absl::SimpleAtoi(value("--rounds="), &config.rounds) ||
          config.rounds < 1) {
        Die(arg);
      }
    } else if (absl::StartsWith(arg, "--payload=")) {
      if (!absl::SimpleAtoi(value("--payload="), &config.payload)) Die(arg);
    } else if (absl::StartsWith(arg, "--scan_events=")) {
      if (!absl::SimpleAtoi(value("--scan_events="), &config.scan_events)) {
        Die(arg);
      }
    } else if (absl::StartsWith(arg, "--only=")) {
      config.only = std::string(value("--only="));
    } else if (absl::StartsWith(arg, "--dir=")) {
      config.dir = std::string(value("--dir="));
    } else {
      Die(absl::StrCat("unknown argument ", arg,
                       "; see the comment at the top of eventstore_bench.cc"));
    }
  }
  if (config.smoke) {
    config.seconds = 0.2;
    config.rounds = 1;
    config.pause = 0;
    config.scan_events = 5000;
  }
  std::string base = config.dir;
  if (base.empty()) {
    const char* tmp = getenv("TMPDIR");
    base = tmp != nullptr && *tmp != '\0' ? tmp : "/var/tmp";
  }
  std::string tmpl = absl::StrCat(base, "/eventstore-bench-XXXXXX");
  if (mkdtemp(tmpl.data()) == nullptr) Die(absl::StrCat("mkdtemp in ", base));
  config.dir = tmpl;

  std::printf(
      "eventstore_bench: payload %zu B, %.1f s per write case in %d "
      "interleaved rounds (figures: median round), %u cores, in %s\n\n",
      config.payload, config.seconds, config.rounds,
      std::thread::hardware_concurrency(), config.dir.c_str());
  std::printf("%-34s %12s %10s %10s   %s\n", "case", "events/s", "p50 us",
              "p99 us", "ratio");

  auto wanted = [&](absl::string_view group) {
    return absl::StrContains(config.only, group);
  };
  struct Row {
    std::string name;
    std::unique_ptr<WriteCase> run;
    std::vector<double> rates;  // events/s of each round
    std::vector<double> latencies;
  };
  std::vector<Row> rows;
  const bool raw = wanted("raw"), store = wanted("store");
  if (raw) {
    rows.push_back(
        {"raw: 1 thread, batches of 64", std::make_unique<RawBatch64>(config)});
    rows.push_back({"raw: 64 threads, 1 event each",
                    std::make_unique<RawThreads>(config, 64)});
  }
  if (store) {
    for (int threads : {1, 8, 64}) {
      rows.push_back({absl::StrCat("store: ", threads, " appender",
                                   threads == 1 ? "" : "s"),
                      std::make_unique<StoreAppends>(config, threads)});
    }
    // What the group-commit wait buys (Options::group_commit_wait).
    rows.push_back(
        {"store: 64 appenders, no commit wait",
         std::make_unique<StoreAppends>(config, 64, absl::ZeroDuration())});
    // The server's way: callbacks instead of sleeping threads.
    for (int appenders : {1, 8, 64}) {
      rows.push_back({absl::StrCat("store: ", appenders, " async appender",
                                   appenders == 1 ? "" : "s"),
                      std::make_unique<StoreAsyncAppends>(config, appenders)});
    }
  }
  const double round_seconds = config.seconds / config.rounds;
  // Within a round the 64-appender cases run right after the raw batch
  // case, so that the two sides of the headline ratios see the disk in the
  // same state.
  std::vector<size_t> order;
  if (raw && store) {
    order = {0, 4, 8, 1, 5, 3, 2, 6, 7};
  } else {
    for (size_t i = 0; i < rows.size(); ++i) order.push_back(i);
  }
  for (int round = 0; round < config.rounds; ++round) {
    for (size_t index : order) {
      Row& row = rows[index];
      std::this_thread::sleep_for(Seconds(config.pause));
      row.run->Open();
      const Clock::time_point start = Clock::now();
      const uint64_t events = row.run->Run(round_seconds, &row.latencies);
      const Clock::time_point stop = Clock::now();
      row.run->Close();
      row.rates.push_back(static_cast<double>(events) /
                          std::chrono::duration<double>(stop - start).count());
      if (config.verbose) {
        std::printf("  round %d  %-34s %10.0f events/s\n", round,
                    row.name.c_str(), row.rates.back());
      }
    }
  }
  auto median = [](std::vector<double> v) {
    std::sort(v.begin(), v.end());
    return v.empty() ? 0.0 : v[v.size() / 2];
  };
  // Per round, the better of the two raw ceilings.
  std::vector<double> best_raw(config.rounds, 0);
  if (raw) {
    for (int r = 0; r < config.rounds; ++r) {
      best_raw[r] = std::max(rows[0].rates[r], rows[1].rates[r]);
    }
  }
  for (Row& row : rows) {
    Figures f = Summarise(0, Clock::duration(1), std::move(row.latencies));
    f.events_per_second = median(row.rates);
    double ratio = 0;
    std::string spread;
    if (raw && absl::StartsWith(row.name, "store")) {
      std::vector<double> ratios;
      for (int r = 0; r < config.rounds; ++r) {
        ratios.push_back(row.rates[r] / best_raw[r]);
      }
      ratio = median(ratios);
      spread = absl::StrFormat("of best raw (rounds %.2f..%.2f)",
                               *std::min_element(ratios.begin(), ratios.end()),
                               *std::max_element(ratios.begin(), ratios.end()));
    }
    PrintRow(row.name, f, ratio, spread, row.run->Detail());
  }
  rows.clear();

  if (wanted("scan")) {
    std::printf("\n");
    const ScanFigures scan = Scan(config);
    PrintRow(absl::StrCat("scan: raw iterator (", config.scan_events, ")"),
             scan.raw, 0, "");
    PrintRow("scan: ReadAll, pages of 1000", scan.read_all,
             scan.read_all.events_per_second / scan.raw.events_per_second,
             "of raw");
    PrintRow("scan: ScanAll (one reused envelope)", scan.scan_all,
             scan.scan_all.events_per_second / scan.raw.events_per_second,
             "of raw");
    PrintRow(
        "scan: ReadAll, 1 in 10 matches", scan.read_all_filtered,
        scan.read_all_filtered.events_per_second / scan.raw.events_per_second,
        "of raw (examined/s)");
  }

  std::error_code ec;
  std::filesystem::remove_all(config.dir, ec);
  return 0;
}

}  // namespace
}  // namespace atgard::eventstore

int main(int argc, char** argv) { return atgard::eventstore::Main(argc, argv); }
