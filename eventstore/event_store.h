// The event store: atgard's append-only log of events on RocksDB.
//
// It knows streams, events and metadata, nothing of the workflow that writes
// them.
//
// Thread safety: an EventStore may be used from any number of threads
// without external synchronisation.
#ifndef ATGARD_EVENTSTORE_EVENT_STORE_H_
#define ATGARD_EVENTSTORE_EVENT_STORE_H_

#include <memory>
#include <string>

#include "absl/status/statusor.h"

namespace rocksdb {
class DB;
}

namespace atgard::eventstore {

struct Options {
  // Directory of the store. Created (with its parents) if it does not exist.
  std::string path;
};

class EventStore {
 public:
  // Opens the store in `options.path`, creating an empty store in a missing
  // or empty directory.
  //
  // Errors, each with a message naming the directory:
  //   FAILED_PRECONDITION  the directory is locked by another process, is a
  //                        file, is non-empty without being an atgard store,
  //                        or holds a store of an unknown format version;
  //   PERMISSION_DENIED    the directory cannot be created or written;
  //   other                RocksDB could not open or recover the database.
  [[nodiscard]] static absl::StatusOr<std::unique_ptr<EventStore>> Open(
      const Options& options);

  EventStore(const EventStore&) = delete;
  EventStore& operator=(const EventStore&) = delete;

  // Closes the database; everything acknowledged is already durable.
  ~EventStore();

  const std::string& path() const { return path_; }

 private:
  EventStore(std::string path, std::unique_ptr<rocksdb::DB> db);

  const std::string path_;
  std::unique_ptr<rocksdb::DB> db_;
};

}  // namespace atgard::eventstore

#endif  // ATGARD_EVENTSTORE_EVENT_STORE_H_
