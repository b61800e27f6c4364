// Internal to services/auth: owning pointers for OpenSSL objects and error
// text. Not part of the library's interface.
#ifndef ATGARD_SERVICES_AUTH_OPENSSL_UTIL_H_
#define ATGARD_SERVICES_AUTH_OPENSSL_UTIL_H_

#include <openssl/bio.h>
#include <openssl/bn.h>
#include <openssl/ec.h>
#include <openssl/err.h>
#include <openssl/evp.h>
#include <openssl/param_build.h>

#include <memory>
#include <string>

#include "absl/strings/string_view.h"

namespace atgard::auth::internal {

template <typename T, void (*kFree)(T*)>
struct OpenSslDeleter {
  void operator()(T* p) const { kFree(p); }
};

using BioPtr = std::unique_ptr<BIO, OpenSslDeleter<BIO, BIO_free_all>>;
using BignumPtr = std::unique_ptr<BIGNUM, OpenSslDeleter<BIGNUM, BN_free>>;
using EcdsaSigPtr =
    std::unique_ptr<ECDSA_SIG, OpenSslDeleter<ECDSA_SIG, ECDSA_SIG_free>>;
using MdCtxPtr =
    std::unique_ptr<EVP_MD_CTX, OpenSslDeleter<EVP_MD_CTX, EVP_MD_CTX_free>>;
using PkeyCtxPtr =
    std::unique_ptr<EVP_PKEY_CTX,
                    OpenSslDeleter<EVP_PKEY_CTX, EVP_PKEY_CTX_free>>;
using ParamBldPtr =
    std::unique_ptr<OSSL_PARAM_BLD,
                    OpenSslDeleter<OSSL_PARAM_BLD, OSSL_PARAM_BLD_free>>;
using ParamPtr =
    std::unique_ptr<OSSL_PARAM, OpenSslDeleter<OSSL_PARAM, OSSL_PARAM_free>>;

// Shared ownership, as PublicKey and PrivateKey hold it.
inline std::shared_ptr<EVP_PKEY> ShareKey(EVP_PKEY* pkey) {
  return std::shared_ptr<EVP_PKEY>(pkey, EVP_PKEY_free);
}

// A read-only memory BIO over `data` (which must outlive it).
inline BioPtr MemoryBio(absl::string_view data) {
  return BioPtr(BIO_new_mem_buf(data.data(), static_cast<int>(data.size())));
}

// Everything written to a memory BIO.
inline std::string BioContents(BIO* bio) {
  char* data = nullptr;
  const long size = BIO_get_mem_data(bio, &data);
  return size > 0 ? std::string(data, static_cast<size_t>(size))
                  : std::string();
}

// The oldest queued OpenSSL error as text (or "unknown error"), and an
// empty queue afterwards, so that one failure never shows up in the
// message of another on the same thread.
inline std::string TakeOpenSslError() {
  const unsigned long code = ERR_get_error();
  ERR_clear_error();
  if (code == 0) return "unknown error";
  char buffer[256];
  ERR_error_string_n(code, buffer, sizeof(buffer));
  return buffer;
}

// The SHA-256 implementation, fetched once: a per-call fetch by name costs
// more than hashing a token.
inline const EVP_MD* Sha256Md() {
  static const EVP_MD* const md = EVP_MD_fetch(nullptr, "SHA256", nullptr);
  return md;
}

}  // namespace atgard::auth::internal

#endif  // ATGARD_SERVICES_AUTH_OPENSSL_UTIL_H_
