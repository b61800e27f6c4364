#include "eventstore/types.h"

#include <algorithm>

#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"

namespace atgard::eventstore {

std::string ExpectedVersion::ToString() const {
  switch (kind_) {
    case Kind::kAny:
      return "any";
    case Kind::kNoStream:
      return "no stream";
    case Kind::kStreamExists:
      return "stream exists";
    case Kind::kExact:
      return absl::StrCat(version_);
  }
  return "?";
}

bool ExpectedVersion::Matches(uint64_t actual) const {
  switch (kind_) {
    case Kind::kAny:
      return true;
    case Kind::kNoStream:
      return actual == 0;
    case Kind::kStreamExists:
      return actual > 0;
    case Kind::kExact:
      return actual == version_;
  }
  return false;
}

std::string WrongVersionMessage(absl::string_view stream_id,
                                const ExpectedVersion& expected,
                                uint64_t actual) {
  return absl::StrCat(
      "wrong expected version for stream ", stream_id, ": expected ",
      expected.ToString(), ", actual ",
      actual == 0 ? std::string("no stream") : absl::StrCat(actual));
}

bool ReadAllFilter::Matches(absl::string_view stream_id,
                            absl::string_view event_type) const {
  if (!stream_prefixes.empty() &&
      std::none_of(stream_prefixes.begin(), stream_prefixes.end(),
                   [&](const std::string& prefix) {
                     return absl::StartsWith(stream_id, prefix);
                   })) {
    return false;
  }
  if (!event_types.empty() && std::find(event_types.begin(), event_types.end(),
                                        event_type) == event_types.end()) {
    return false;
  }
  return true;
}

}  // namespace atgard::eventstore
