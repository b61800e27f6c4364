#include "services/auth/dev_tokens.h"

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <filesystem>
#include <nlohmann/json.hpp>
#include <random>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_format.h"
#include "eventstore/base/status_macros.h"
#include "services/auth/jws.h"
#include "services/auth/principal_rules.h"

namespace atgard::auth {
namespace {

constexpr char kKeyFile[] = "signing-key.pem";

std::string Errno(int err) { return std::strerror(err); }

// The directory exists, is a real directory, and only its owner can use it.
absl::Status EnsurePrivateDir(const std::string& dir) {
  std::error_code ec;
  const std::filesystem::path parent = std::filesystem::path(dir).parent_path();
  if (!parent.empty()) std::filesystem::create_directories(parent, ec);
  if (ec) {
    return absl::PermissionDeniedError(absl::StrCat(
        "cannot create directory ", parent.string(), ": ", ec.message()));
  }
  if (mkdir(dir.c_str(), 0700) != 0 && errno != EEXIST) {
    return absl::PermissionDeniedError(
        absl::StrCat("cannot create ", dir, ": ", Errno(errno)));
  }
  struct stat st {};
  if (lstat(dir.c_str(), &st) != 0) {
    return absl::PermissionDeniedError(
        absl::StrCat("cannot inspect ", dir, ": ", Errno(errno)));
  }
  if (!S_ISDIR(st.st_mode)) {
    return absl::FailedPreconditionError(
        absl::StrCat(dir, " is not a directory"));
  }
  if ((st.st_mode & 077) != 0) {
    return absl::FailedPreconditionError(absl::StrFormat(
        "%s is accessible to other users (mode %04o); the development key "
        "must stay private: chmod 700 %s",
        dir, st.st_mode & 07777, dir));
  }
  return absl::OkStatus();
}

// NOT_FOUND if the key file does not exist.
absl::StatusOr<PrivateKey> ReadKey(const std::string& path) {
  const int fd = open(path.c_str(), O_RDONLY | O_NOFOLLOW | O_CLOEXEC);
  if (fd < 0) {
    const int err = errno;
    const std::string msg =
        absl::StrCat("cannot read ", path, ": ", Errno(err));
    if (err == ENOENT) return absl::NotFoundError(msg);
    return absl::PermissionDeniedError(msg);
  }
  struct stat st {};
  std::string pem;
  if (fstat(fd, &st) == 0 && (st.st_mode & 077) == 0) {
    char buffer[4096];
    ssize_t n = 0;
    while ((n = read(fd, buffer, sizeof(buffer))) > 0) {
      pem.append(buffer, static_cast<size_t>(n));
    }
  }
  close(fd);
  if ((st.st_mode & 077) != 0) {
    return absl::FailedPreconditionError(absl::StrFormat(
        "%s is readable by other users (mode %04o); the development key must "
        "stay private: chmod 600 %s",
        path, st.st_mode & 07777, path));
  }
  ASSIGN_OR_RETURN(PrivateKey key, PrivateKey::FromPem(pem, path));
  if (key.type() != KeyType::kEcP256) {
    return absl::InvalidArgumentError(
        absl::StrCat(path, ": the development key must be EC P-256"));
  }
  return key;
}

// Writes a new key under a temporary name and links it into place, which
// fails if another process got there first.
absl::Status CreateKey(const std::string& dir, const std::string& path) {
  ASSIGN_OR_RETURN(const PrivateKey key, PrivateKey::GenerateEcP256());
  const std::string pem = key.ToPem();
  std::random_device random;
  const std::string tmp =
      absl::StrCat(dir, "/.", kKeyFile, ".", getpid(), ".", random());
  const int fd =
      open(tmp.c_str(), O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0600);
  if (fd < 0) {
    return absl::PermissionDeniedError(
        absl::StrCat("cannot create ", tmp, ": ", Errno(errno)));
  }
  size_t written = 0;
  while (written < pem.size()) {
    const ssize_t n = write(fd, pem.data() + written, pem.size() - written);
    if (n < 0 && errno == EINTR) continue;
    if (n <= 0) break;
    written += static_cast<size_t>(n);
  }
  const bool ok = written == pem.size() && fsync(fd) == 0;
  close(fd);
  if (!ok) {
    unlink(tmp.c_str());
    return absl::InternalError(absl::StrCat("cannot write ", tmp));
  }
  const int linked = link(tmp.c_str(), path.c_str());
  const int err = errno;
  unlink(tmp.c_str());
  if (linked != 0 && err != EEXIST) {
    return absl::InternalError(
        absl::StrCat("cannot create ", path, ": ", Errno(err)));
  }
  // The directory entry must survive a crash as well as the contents.
  if (const int dfd = open(dir.c_str(), O_RDONLY | O_DIRECTORY | O_CLOEXEC);
      dfd >= 0) {
    fsync(dfd);
    close(dfd);
  }
  return absl::OkStatus();
}

}  // namespace

std::string DevAuthDir(absl::string_view data_dir) {
  // Beside the data directory, not in it: the event store refuses a
  // non-empty directory that is not a store, and a key minted before the
  // first start would otherwise stop the server from creating its store.
  while (data_dir.size() > 1 && data_dir.back() == '/')
    data_dir.remove_suffix(1);
  return absl::StrCat(data_dir, ".dev-auth");
}

absl::StatusOr<PrivateKey> LoadOrCreateDevKey(absl::string_view data_dir) {
  const std::string dir = DevAuthDir(data_dir);
  RETURN_IF_ERROR(EnsurePrivateDir(dir));
  const std::string path = absl::StrCat(dir, "/", kKeyFile);
  absl::StatusOr<PrivateKey> key = ReadKey(path);
  if (!absl::IsNotFound(key.status())) return key;
  RETURN_IF_ERROR(CreateKey(dir, path));
  return ReadKey(path);
}

absl::StatusOr<PrivateKey> LoadDevKey(absl::string_view data_dir) {
  const std::string dir = DevAuthDir(data_dir);
  const std::string path = absl::StrCat(dir, "/", kKeyFile);
  struct stat st {};
  if (lstat(dir.c_str(), &st) != 0 && errno == ENOENT) {
    return absl::NotFoundError(absl::StrCat("no development key at ", path));
  }
  RETURN_IF_ERROR(EnsurePrivateDir(dir));
  absl::StatusOr<PrivateKey> key = ReadKey(path);
  if (absl::IsNotFound(key.status())) {
    return absl::NotFoundError(absl::StrCat("no development key at ", path));
  }
  return key;
}

absl::StatusOr<std::string> MintDevToken(absl::string_view data_dir,
                                         const DevTokenRequest& request,
                                         absl::Time now) {
  ASSIGN_OR_RETURN(const PrivateKey key, LoadOrCreateDevKey(data_dir));
  return MintDevToken(key, request, now);
}

absl::StatusOr<std::string> MintDevToken(const PrivateKey& key,
                                         const DevTokenRequest& request,
                                         absl::Time now) {
  const domain::Principal principal{.subject = request.subject,
                                    .role = request.role,
                                    .tenant = request.tenant,
                                    .provider_id = request.provider_id,
                                    .area_id = request.area_id};
  RETURN_IF_ERROR(CheckPrincipal(principal));
  if (request.ttl <= absl::ZeroDuration() || request.ttl > kMaxDevTokenTtl) {
    return absl::InvalidArgumentError(
        absl::StrCat("ttl ", absl::FormatDuration(request.ttl),
                     " must be more than zero and at most ",
                     absl::FormatDuration(kMaxDevTokenTtl)));
  }
  const nlohmann::json header = {
      {"alg", "ES256"}, {"typ", "JWT"}, {"kid", key.Thumbprint()}};
  nlohmann::json claims = {
      {"iss", kDevIssuer},
      {"aud", kDevAudience},
      {"sub", principal.subject},
      {"tenant", principal.tenant},
      {"role", ExternalRoleName(principal.role)},
      {"iat", absl::ToUnixSeconds(now)},
      {"exp", absl::ToUnixSeconds(now + request.ttl)},
  };
  if (!principal.provider_id.empty()) {
    claims["provider_id"] = principal.provider_id;
  }
  if (!principal.area_id.empty()) claims["area"] = principal.area_id;
  return SignCompactJws(key, header.dump(), claims.dump());
}

absl::StatusOr<JwtVerifierConfig> DevVerifierConfig(
    absl::string_view data_dir) {
  ASSIGN_OR_RETURN(const PrivateKey key, LoadOrCreateDevKey(data_dir));
  JwtVerifierConfig config;
  config.issuer = std::string(kDevIssuer);
  config.audience = std::string(kDevAudience);
  config.keys.push_back(key.public_key(key.Thumbprint()));
  return config;
}

}  // namespace atgard::auth
