// Keys that sign and verify JSON Web Signatures: RSA (RS256, at least 2048
// bits) and EC P-256 (ES256), loaded from PEM files or a JWKS document, or
// generated. OpenSSL types stay out of this header.
//
// Thread safety: PublicKey and PrivateKey are immutable after construction
// and may be used from any number of threads at once; copies share the
// underlying OpenSSL key.
#ifndef ATGARD_SERVICES_AUTH_KEYS_H_
#define ATGARD_SERVICES_AUTH_KEYS_H_

#include <memory>
#include <string>
#include <vector>

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"

// OpenSSL's EVP_PKEY.
struct evp_pkey_st;

namespace atgard::auth {

// The key types a token may be signed with. Each admits one algorithm, so
// a token's "alg" header names the type of key that must verify it.
enum class KeyType {
  kRsa,    // RS256: RSASSA-PKCS1-v1_5 with SHA-256
  kEcP256  // ES256: ECDSA on P-256 with SHA-256
};

// "RS256" or "ES256".
absl::string_view AlgorithmFor(KeyType type);
// "RSA" or "EC P-256", for messages.
absl::string_view KeyTypeName(KeyType type);

inline constexpr int kMinRsaBits = 2048;

// A public key that verifies signatures, with an optional key id ("kid").
class PublicKey {
 public:
  // Parses one SubjectPublicKeyInfo DER structure (a PEM "PUBLIC KEY" block
  // without its armour). INVALID_ARGUMENT naming `source` if it is not one,
  // if the key is neither RSA nor EC P-256, or if an RSA key has fewer than
  // kMinRsaBits bits.
  [[nodiscard]] static absl::StatusOr<PublicKey> FromDer(
      absl::string_view der, absl::string_view source, std::string kid = "");

  // Wraps an OpenSSL key (shared ownership), with the same checks as
  // FromDer. `pkey` must not be null.
  [[nodiscard]] static absl::StatusOr<PublicKey> FromOpenSsl(
      std::shared_ptr<evp_pkey_st> pkey, absl::string_view source,
      std::string kid = "");

  KeyType type() const { return type_; }
  // Empty if the key has no id.
  const std::string& kid() const { return kid_; }
  // The modulus size of an RSA key, 256 for P-256.
  int bits() const;
  // "RSA 2048-bit key \"k1\"" or "EC P-256 key", for messages.
  std::string Describe() const;

  // PEM "PUBLIC KEY" (SubjectPublicKeyInfo).
  std::string ToPem() const;
  // One JWK object (RFC 7517) as JSON: kty, n/e or crv/x/y, use "sig", alg,
  // and kid if the key has one.
  std::string ToJwk() const;

  // For the verifier: the OpenSSL key, owned by this object.
  evp_pkey_st* get() const { return pkey_.get(); }

 private:
  PublicKey(std::shared_ptr<evp_pkey_st> pkey, KeyType type, std::string kid)
      : pkey_(std::move(pkey)), type_(type), kid_(std::move(kid)) {}
  friend class PrivateKey;

  std::shared_ptr<evp_pkey_st> pkey_;
  KeyType type_;
  std::string kid_;
};

// A private key that signs: development tokens, and tokens in tests.
class PrivateKey {
 public:
  // A fresh EC P-256 key.
  [[nodiscard]] static absl::StatusOr<PrivateKey> GenerateEcP256();
  // A fresh RSA key of `bits` bits. Sizes below kMinRsaBits are allowed
  // here (tests need them to show that verification refuses them).
  [[nodiscard]] static absl::StatusOr<PrivateKey> GenerateRsa(int bits);
  // Parses a PEM private key (PKCS#8 "PRIVATE KEY" or the traditional
  // forms). INVALID_ARGUMENT naming `source` if it is not one, or is
  // neither RSA nor EC P-256.
  [[nodiscard]] static absl::StatusOr<PrivateKey> FromPem(
      absl::string_view pem, absl::string_view source);

  KeyType type() const { return type_; }
  // Unencrypted PKCS#8 PEM. Whoever stores it protects the file.
  std::string ToPem() const;
  // The public half, with key id `kid` (may be empty). Not checked against
  // kMinRsaBits: the verifier's loaders do that.
  PublicKey public_key(std::string kid = "") const;
  // A key id derived from the public key: the first 8 bytes of the SHA-256
  // of its SubjectPublicKeyInfo, in hex. Changes whenever the key does.
  std::string Thumbprint() const;

  evp_pkey_st* get() const { return pkey_.get(); }

 private:
  PrivateKey(std::shared_ptr<evp_pkey_st> pkey, KeyType type)
      : pkey_(std::move(pkey)), type_(type) {}

  std::shared_ptr<evp_pkey_st> pkey_;
  KeyType type_;
};

// Reads every "PUBLIC KEY" block of a PEM file (several allow key rotation
// with PEM files; they have no key ids). Errors name `flag` and `path`:
// NOT_FOUND or PERMISSION_DENIED if the file cannot be read;
// INVALID_ARGUMENT if it holds no public key, holds a certificate or a
// private key instead (the message says how to extract the public key), or
// a key that FromDer refuses.
[[nodiscard]] absl::StatusOr<std::vector<PublicKey>> LoadPemPublicKeys(
    absl::string_view path, absl::string_view flag);

// As LoadPemPublicKeys, from text; `source` names it in errors.
[[nodiscard]] absl::StatusOr<std::vector<PublicKey>> ParsePemPublicKeys(
    absl::string_view pem, absl::string_view source);

// Reads a JWKS document (RFC 7517: {"keys": [...]}) and returns its signing
// keys. Supported: kty "RSA" (n, e; at least kMinRsaBits) and kty "EC" with
// crv "P-256" (x, y, 32 bytes each), with optional "kid", "use" (must be
// "sig" if present) and "alg" (must then match: RS256 or ES256). Keys for
// encryption ("use": "enc") and keys of other types, curves or algorithms
// are skipped, so an identity provider's full JWKS can be used as it is;
// but a supported key that is malformed or too weak is an error, and so is
// a document with no usable key or with two keys of the same kid.
// Errors name `flag` and `path`; INVALID_ARGUMENT for content,
// NOT_FOUND/PERMISSION_DENIED if the file cannot be read.
[[nodiscard]] absl::StatusOr<std::vector<PublicKey>> LoadJwks(
    absl::string_view path, absl::string_view flag);

// As LoadJwks, from text; `source` names it in errors.
[[nodiscard]] absl::StatusOr<std::vector<PublicKey>> ParseJwks(
    absl::string_view json, absl::string_view source);

}  // namespace atgard::auth

#endif  // ATGARD_SERVICES_AUTH_KEYS_H_
