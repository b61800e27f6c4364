// A directory that exists for the life of the object and is then removed
// with everything in it.
#ifndef ATGARD_TESTS_SUPPORT_TEMP_DIR_H_
#define ATGARD_TESTS_SUPPORT_TEMP_DIR_H_

#include <string>

#include "absl/strings/string_view.h"

namespace atgard::testing {

class TempDir {
 public:
  // Creates a fresh directory under $TMPDIR (or /tmp). Aborts the test
  // binary if that fails: no test can run without it.
  TempDir();
  ~TempDir();
  TempDir(const TempDir&) = delete;
  TempDir& operator=(const TempDir&) = delete;

  const std::string& path() const { return path_; }
  // path() + "/" + name.
  std::string Join(absl::string_view name) const;

 private:
  std::string path_;
};

}  // namespace atgard::testing

#endif  // ATGARD_TESTS_SUPPORT_TEMP_DIR_H_
