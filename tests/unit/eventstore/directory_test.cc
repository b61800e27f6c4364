// The data directory is classified before RocksDB touches it: a new store,
// an existing one, an interrupted creation, or someone else's files.
#include "eventstore/directory.h"

#include <gtest/gtest.h>
#include <sys/stat.h>
#include <unistd.h>

#include <filesystem>
#include <fstream>
#include <string>

#include "eventstore/event_store.h"
#include "tests/support/temp_dir.h"

namespace atgard::eventstore::internal {
namespace {

namespace fs = std::filesystem;
using ::atgard::testing::TempDir;

void Touch(const fs::path& path) { std::ofstream(path) << "x"; }

class DirectoryTest : public ::testing::Test {
 protected:
  // CheckDirectory() with *fresh preset to `before`, so that "unchanged"
  // shows.
  absl::Status Check(const fs::path& dir, bool create, bool writable = true,
                     bool before = false) {
    fresh_ = before;
    return CheckDirectory(dir, create, writable, &fresh_);
  }

  TempDir tmp_;
  const fs::path dir_ = tmp_.Join("store");
  bool fresh_ = false;
};

TEST_F(DirectoryTest, AMissingDirectoryIsNotFoundWithoutCreate) {
  const absl::Status s = Check(dir_, /*create=*/false, true, /*before=*/true);
  EXPECT_EQ(s.code(), absl::StatusCode::kNotFound) << s;
  EXPECT_NE(s.message().find("does not exist"), absl::string_view::npos);
  EXPECT_TRUE(fresh_) << "unchanged on error";
  EXPECT_FALSE(fs::exists(dir_)) << "nothing is created";
}

TEST_F(DirectoryTest, AMissingDirectoryIsCreatedPrivate) {
  const fs::path nested = dir_ / "deeper";
  ASSERT_TRUE(Check(nested, /*create=*/true).ok());
  EXPECT_TRUE(fresh_);
  struct stat st {};
  ASSERT_EQ(stat(nested.c_str(), &st), 0);
  EXPECT_EQ(st.st_mode & 0777, 0700u);
}

TEST_F(DirectoryTest, AnEmptyDirectoryIsFreshOnlyWithCreate) {
  fs::create_directory(dir_);
  EXPECT_EQ(Check(dir_, /*create=*/false).code(), absl::StatusCode::kNotFound);
  ASSERT_TRUE(Check(dir_, /*create=*/true).ok());
  EXPECT_TRUE(fresh_);
}

TEST_F(DirectoryTest, AFileIsNotADirectory) {
  Touch(dir_);
  const absl::Status s = Check(dir_, /*create=*/true);
  EXPECT_EQ(s.code(), absl::StatusCode::kFailedPrecondition) << s;
  EXPECT_NE(s.message().find("is not a directory"), absl::string_view::npos);
}

TEST_F(DirectoryTest, SomeoneElsesFilesAreRefused) {
  fs::create_directory(dir_);
  Touch(dir_ / "thesis.odt");
  const absl::Status s = Check(dir_, /*create=*/true);
  EXPECT_EQ(s.code(), absl::StatusCode::kFailedPrecondition) << s;
  EXPECT_NE(s.message().find("holds no atgard store"), absl::string_view::npos);
  EXPECT_TRUE(fs::exists(dir_ / "thesis.odt"));
}

TEST_F(DirectoryTest, AnInterruptedCreationIsFinished) {
  fs::create_directory(dir_);
  for (const char* name :
       {"LOCK", "IDENTITY", "LOG", "LOG.old.1700000000", "MANIFEST-000001",
        "OPTIONS-000005", "000003.log", "000004.dbtmp"}) {
    Touch(dir_ / name);
  }
  EXPECT_TRUE(OnlyRocksDbFiles(dir_));
  ASSERT_TRUE(Check(dir_, /*create=*/true).ok());
  EXPECT_TRUE(fresh_);
}

TEST_F(DirectoryTest, OnlyRocksDbFilesRefusesAnythingElse) {
  fs::create_directory(dir_);
  Touch(dir_ / "LOCK");
  EXPECT_TRUE(OnlyRocksDbFiles(dir_));
  fs::create_directory(dir_ / "000003.log");  // a directory, not a file
  EXPECT_FALSE(OnlyRocksDbFiles(dir_));
  fs::remove(dir_ / "000003.log");
  Touch(dir_ / "notes.txt");
  EXPECT_FALSE(OnlyRocksDbFiles(dir_));
  EXPECT_FALSE(OnlyRocksDbFiles(dir_ / "missing"));
}

TEST_F(DirectoryTest, AStoreIsNotFresh) {
  fs::create_directory(dir_);
  Touch(dir_ / "CURRENT");
  Touch(dir_ / "000007.sst");
  ASSERT_TRUE(Check(dir_, /*create=*/true, true, /*before=*/true).ok());
  EXPECT_FALSE(fresh_);
  ASSERT_TRUE(Check(dir_, /*create=*/false, /*writable=*/false).ok());
  EXPECT_FALSE(fresh_);
}

TEST_F(DirectoryTest, ADirectoryThisUserCannotWriteIsRefused) {
  if (geteuid() == 0) GTEST_SKIP() << "root may write anywhere";
  fs::create_directory(dir_);
  Touch(dir_ / "CURRENT");
  fs::permissions(dir_, fs::perms::owner_read | fs::perms::owner_exec);
  const absl::Status s = Check(dir_, /*create=*/false, /*writable=*/true);
  EXPECT_EQ(s.code(), absl::StatusCode::kPermissionDenied) << s;
  EXPECT_TRUE(Check(dir_, /*create=*/false, /*writable=*/false).ok());
  fs::permissions(dir_, fs::perms::owner_all);
}

TEST_F(DirectoryTest, CreatePrivateDirectoryLeavesAnExistingOneAlone) {
  fs::create_directory(dir_);
  fs::permissions(dir_, fs::perms::owner_all | fs::perms::group_read |
                            fs::perms::group_exec);
  ASSERT_TRUE(CreatePrivateDirectory(dir_.string(), "test directory").ok());
  struct stat st {};
  ASSERT_EQ(stat(dir_.c_str(), &st), 0);
  EXPECT_EQ(st.st_mode & 0777, 0750u);
}

TEST_F(DirectoryTest, CreatePrivateDirectoryNamesWhatFailed) {
  Touch(tmp_.Join("file"));
  const absl::Status s = CreatePrivateDirectory(
      (fs::path(tmp_.Join("file")) / "below").string(), "backup directory");
  EXPECT_EQ(s.code(), absl::StatusCode::kPermissionDenied) << s;
  EXPECT_NE(s.message().find("backup directory"), absl::string_view::npos);
}

}  // namespace
}  // namespace atgard::eventstore::internal
