#include "services/auth/keys.h"

#include <openssl/core_names.h>
#include <openssl/pem.h>
#include <openssl/x509.h>

#include <nlohmann/json.hpp>

#include "absl/container/flat_hash_set.h"
#include "absl/strings/escaping.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "eventstore/base/status_macros.h"
#include "services/auth/jws.h"
#include "services/auth/openssl_util.h"
#include "services/auth/principal_rules.h"
#include "services/common/files.h"

namespace atgard::auth {
namespace {

using internal::BignumPtr;
using internal::BioPtr;
using internal::ParamBldPtr;
using internal::ParamPtr;
using internal::PkeyCtxPtr;
using nlohmann::json;

constexpr size_t kEcCoordinateBytes = 32;

absl::Status Invalid(absl::string_view source, absl::string_view what) {
  return absl::InvalidArgumentError(absl::StrCat(source, ": ", what));
}

// The key's type if it is one we verify with. `min_rsa_bits` is 0 for keys
// we only sign with in tests.
absl::StatusOr<KeyType> Classify(EVP_PKEY* pkey, absl::string_view source,
                                 int min_rsa_bits) {
  if (EVP_PKEY_is_a(pkey, "RSA")) {
    const int bits = EVP_PKEY_get_bits(pkey);
    if (bits < min_rsa_bits) {
      return Invalid(source,
                     absl::StrCat("RSA key has ", bits, " bits; at least ",
                                  min_rsa_bits, " are required"));
    }
    return KeyType::kRsa;
  }
  if (EVP_PKEY_is_a(pkey, "EC")) {
    char group[64] = {0};
    size_t size = 0;
    if (EVP_PKEY_get_utf8_string_param(pkey, OSSL_PKEY_PARAM_GROUP_NAME, group,
                                       sizeof(group), &size) != 1) {
      ERR_clear_error();
      return Invalid(source, "EC key without a named curve; only P-256");
    }
    const absl::string_view name(group, size);
    if (name == "prime256v1" || name == "P-256") return KeyType::kEcP256;
    return Invalid(source, absl::StrCat("EC key on curve ", name,
                                        "; only P-256 (ES256) is supported"));
  }
  const char* type = EVP_PKEY_get0_type_name(pkey);
  return Invalid(
      source,
      absl::StrCat("unsupported key type ", type == nullptr ? "unknown" : type,
                   "; use RSA (RS256, at least ", kMinRsaBits,
                   " bits) or EC P-256 (ES256)"));
}

std::string SubjectPublicKeyInfo(EVP_PKEY* pkey) {
  const int size = i2d_PUBKEY(pkey, nullptr);
  if (size <= 0) return std::string();
  std::string der(static_cast<size_t>(size), '\0');
  auto* out = reinterpret_cast<unsigned char*>(der.data());
  i2d_PUBKEY(pkey, &out);
  return der;
}

std::string BignumBytes(const BIGNUM* bn, int width) {
  const int size = width > 0 ? width : BN_num_bytes(bn);
  std::string out(static_cast<size_t>(size), '\0');
  BN_bn2binpad(bn, reinterpret_cast<unsigned char*>(out.data()), size);
  return out;
}

// A base64url member of a JWK, decoded. `name` says which key in errors.
absl::StatusOr<std::string> JwkBytes(const json& jwk, const char* member,
                                     absl::string_view where) {
  const auto it = jwk.find(member);
  if (it == jwk.end() || !it->is_string()) {
    return absl::InvalidArgumentError(
        absl::StrCat(where, " has no \"", member, "\" string"));
  }
  std::string bytes;
  if (!Base64UrlDecode(it->get_ref<const std::string&>(), &bytes) ||
      bytes.empty()) {
    return absl::InvalidArgumentError(
        absl::StrCat(where, " \"", member, "\" is not base64url"));
  }
  return bytes;
}

absl::StatusOr<std::shared_ptr<EVP_PKEY>> FromParams(const char* type,
                                                     OSSL_PARAM_BLD* bld,
                                                     absl::string_view where) {
  ParamPtr params(OSSL_PARAM_BLD_to_param(bld));
  PkeyCtxPtr ctx(EVP_PKEY_CTX_new_from_name(nullptr, type, nullptr));
  EVP_PKEY* pkey = nullptr;
  if (params == nullptr || ctx == nullptr ||
      EVP_PKEY_fromdata_init(ctx.get()) != 1 ||
      EVP_PKEY_fromdata(ctx.get(), &pkey, EVP_PKEY_PUBLIC_KEY, params.get()) !=
          1) {
    return absl::InvalidArgumentError(absl::StrCat(
        where, " is not a valid key: ", internal::TakeOpenSslError()));
  }
  std::shared_ptr<EVP_PKEY> key = internal::ShareKey(pkey);
  // fromdata does not promise to check that the point is on the curve or
  // that the RSA exponent is sane; a public-key check does.
  PkeyCtxPtr check(EVP_PKEY_CTX_new_from_pkey(nullptr, pkey, nullptr));
  if (check == nullptr || EVP_PKEY_public_check(check.get()) != 1) {
    return absl::InvalidArgumentError(absl::StrCat(
        where, " fails the public-key check: ", internal::TakeOpenSslError()));
  }
  return key;
}

absl::StatusOr<std::shared_ptr<EVP_PKEY>> RsaFromJwk(const json& jwk,
                                                     absl::string_view where) {
  ASSIGN_OR_RETURN(const std::string n, JwkBytes(jwk, "n", where));
  ASSIGN_OR_RETURN(const std::string e, JwkBytes(jwk, "e", where));
  const auto* nb = reinterpret_cast<const unsigned char*>(n.data());
  const auto* eb = reinterpret_cast<const unsigned char*>(e.data());
  BignumPtr n_bn(BN_bin2bn(nb, static_cast<int>(n.size()), nullptr));
  BignumPtr e_bn(BN_bin2bn(eb, static_cast<int>(e.size()), nullptr));
  ParamBldPtr bld(OSSL_PARAM_BLD_new());
  if (n_bn == nullptr || e_bn == nullptr || bld == nullptr ||
      OSSL_PARAM_BLD_push_BN(bld.get(), OSSL_PKEY_PARAM_RSA_N, n_bn.get()) !=
          1 ||
      OSSL_PARAM_BLD_push_BN(bld.get(), OSSL_PKEY_PARAM_RSA_E, e_bn.get()) !=
          1) {
    return absl::InternalError(internal::TakeOpenSslError());
  }
  return FromParams("RSA", bld.get(), where);
}

absl::StatusOr<std::shared_ptr<EVP_PKEY>> EcFromJwk(const json& jwk,
                                                    absl::string_view where) {
  ASSIGN_OR_RETURN(const std::string x, JwkBytes(jwk, "x", where));
  ASSIGN_OR_RETURN(const std::string y, JwkBytes(jwk, "y", where));
  if (x.size() != kEcCoordinateBytes || y.size() != kEcCoordinateBytes) {
    return absl::InvalidArgumentError(absl::StrCat(
        where, " \"x\" and \"y\" must be 32 bytes each for P-256"));
  }
  // An uncompressed point: 0x04 || x || y.
  const std::string point = absl::StrCat("\x04", x, y);
  ParamBldPtr bld(OSSL_PARAM_BLD_new());
  if (bld == nullptr ||
      OSSL_PARAM_BLD_push_utf8_string(bld.get(), OSSL_PKEY_PARAM_GROUP_NAME,
                                      "prime256v1", 0) != 1 ||
      OSSL_PARAM_BLD_push_octet_string(bld.get(), OSSL_PKEY_PARAM_PUB_KEY,
                                       point.data(), point.size()) != 1) {
    return absl::InternalError(internal::TakeOpenSslError());
  }
  return FromParams("EC", bld.get(), where);
}

}  // namespace

absl::string_view AlgorithmFor(KeyType type) {
  return type == KeyType::kRsa ? "RS256" : "ES256";
}

absl::string_view KeyTypeName(KeyType type) {
  return type == KeyType::kRsa ? "RSA" : "EC P-256";
}

absl::StatusOr<PublicKey> PublicKey::FromOpenSsl(
    std::shared_ptr<evp_pkey_st> pkey, absl::string_view source,
    std::string kid) {
  ASSIGN_OR_RETURN(const KeyType type,
                   Classify(pkey.get(), source, kMinRsaBits));
  return PublicKey(std::move(pkey), type, std::move(kid));
}

absl::StatusOr<PublicKey> PublicKey::FromDer(absl::string_view der,
                                             absl::string_view source,
                                             std::string kid) {
  const auto* p = reinterpret_cast<const unsigned char*>(der.data());
  EVP_PKEY* pkey = d2i_PUBKEY(nullptr, &p, static_cast<long>(der.size()));
  if (pkey == nullptr) {
    ERR_clear_error();
    return Invalid(source, "not a SubjectPublicKeyInfo public key");
  }
  std::shared_ptr<EVP_PKEY> key = internal::ShareKey(pkey);
  if (p != reinterpret_cast<const unsigned char*>(der.data()) + der.size()) {
    return Invalid(source, "trailing bytes after the public key");
  }
  return FromOpenSsl(std::move(key), source, std::move(kid));
}

int PublicKey::bits() const { return EVP_PKEY_get_bits(pkey_.get()); }

std::string PublicKey::Describe() const {
  std::string out = type_ == KeyType::kRsa
                        ? absl::StrCat("RSA ", bits(), "-bit key")
                        : std::string("EC P-256 key");
  if (!kid_.empty()) absl::StrAppend(&out, " ", Quote(kid_));
  return out;
}

std::string PublicKey::ToPem() const {
  BioPtr bio(BIO_new(BIO_s_mem()));
  if (bio == nullptr || PEM_write_bio_PUBKEY(bio.get(), pkey_.get()) != 1) {
    ERR_clear_error();
    return std::string();
  }
  return internal::BioContents(bio.get());
}

std::string PublicKey::ToJwk() const {
  json jwk = json::object();
  BIGNUM* a = nullptr;
  BIGNUM* b = nullptr;
  if (type_ == KeyType::kRsa) {
    EVP_PKEY_get_bn_param(pkey_.get(), OSSL_PKEY_PARAM_RSA_N, &a);
    EVP_PKEY_get_bn_param(pkey_.get(), OSSL_PKEY_PARAM_RSA_E, &b);
    jwk["kty"] = "RSA";
    jwk["n"] = Base64UrlEncode(BignumBytes(a, 0));
    jwk["e"] = Base64UrlEncode(BignumBytes(b, 0));
  } else {
    EVP_PKEY_get_bn_param(pkey_.get(), OSSL_PKEY_PARAM_EC_PUB_X, &a);
    EVP_PKEY_get_bn_param(pkey_.get(), OSSL_PKEY_PARAM_EC_PUB_Y, &b);
    jwk["kty"] = "EC";
    jwk["crv"] = "P-256";
    jwk["x"] = Base64UrlEncode(BignumBytes(a, kEcCoordinateBytes));
    jwk["y"] = Base64UrlEncode(BignumBytes(b, kEcCoordinateBytes));
  }
  BN_free(a);
  BN_free(b);
  jwk["use"] = "sig";
  jwk["alg"] = std::string(AlgorithmFor(type_));
  if (!kid_.empty()) jwk["kid"] = kid_;
  return jwk.dump();
}

absl::StatusOr<PrivateKey> PrivateKey::GenerateEcP256() {
  EVP_PKEY* pkey = EVP_PKEY_Q_keygen(nullptr, nullptr, "EC", "P-256");
  if (pkey == nullptr) {
    return absl::InternalError(absl::StrCat("cannot generate an EC key: ",
                                            internal::TakeOpenSslError()));
  }
  return PrivateKey(internal::ShareKey(pkey), KeyType::kEcP256);
}

absl::StatusOr<PrivateKey> PrivateKey::GenerateRsa(int bits) {
  EVP_PKEY* pkey =
      EVP_PKEY_Q_keygen(nullptr, nullptr, "RSA", static_cast<size_t>(bits));
  if (pkey == nullptr) {
    return absl::InternalError(absl::StrCat("cannot generate an RSA key: ",
                                            internal::TakeOpenSslError()));
  }
  return PrivateKey(internal::ShareKey(pkey), KeyType::kRsa);
}

absl::StatusOr<PrivateKey> PrivateKey::FromPem(absl::string_view pem,
                                               absl::string_view source) {
  BioPtr bio = internal::MemoryBio(pem);
  // No passphrase callback may prompt on a terminal: encrypted keys fail.
  pem_password_cb* no_passphrase = [](char*, int, int, void*) { return -1; };
  EVP_PKEY* pkey =
      PEM_read_bio_PrivateKey(bio.get(), nullptr, no_passphrase, nullptr);
  if (pkey == nullptr) {
    ERR_clear_error();
    return Invalid(source, "not an unencrypted PEM private key");
  }
  std::shared_ptr<EVP_PKEY> key = internal::ShareKey(pkey);
  ASSIGN_OR_RETURN(const KeyType type, Classify(pkey, source, kMinRsaBits));
  return PrivateKey(std::move(key), type);
}

std::string PrivateKey::ToPem() const {
  BioPtr bio(BIO_new(BIO_s_mem()));
  if (bio == nullptr ||
      PEM_write_bio_PrivateKey(bio.get(), pkey_.get(), nullptr, nullptr, 0,
                               nullptr, nullptr) != 1) {
    ERR_clear_error();
    return std::string();
  }
  return internal::BioContents(bio.get());
}

PublicKey PrivateKey::public_key(std::string kid) const {
  // Through DER, so the public key holds no private material.
  const std::string der = SubjectPublicKeyInfo(pkey_.get());
  const auto* p = reinterpret_cast<const unsigned char*>(der.data());
  EVP_PKEY* pkey = d2i_PUBKEY(nullptr, &p, static_cast<long>(der.size()));
  return PublicKey(internal::ShareKey(pkey), type_, std::move(kid));
}

std::string PrivateKey::Thumbprint() const {
  const Sha256Digest digest = Sha256(SubjectPublicKeyInfo(pkey_.get()));
  return absl::BytesToHexString(
      absl::string_view(reinterpret_cast<const char*>(digest.data()), 8));
}

absl::StatusOr<std::vector<PublicKey>> ParsePemPublicKeys(
    absl::string_view pem, absl::string_view source) {
  BioPtr bio = internal::MemoryBio(pem);
  std::vector<PublicKey> keys;
  while (true) {
    char* name = nullptr;
    char* header = nullptr;
    unsigned char* data = nullptr;
    long size = 0;
    if (PEM_read_bio(bio.get(), &name, &header, &data, &size) != 1) {
      const unsigned long err = ERR_peek_last_error();
      ERR_clear_error();
      // Running out of blocks is the normal end; anything else is damage.
      if (ERR_GET_LIB(err) == ERR_LIB_PEM &&
          ERR_GET_REASON(err) == PEM_R_NO_START_LINE) {
        break;
      }
      return Invalid(source, "malformed PEM block");
    }
    const std::string label(name);
    const std::string der(reinterpret_cast<const char*>(data),
                          static_cast<size_t>(size));
    OPENSSL_free(name);
    OPENSSL_free(header);
    OPENSSL_free(data);
    if (label == "PUBLIC KEY") {
      ASSIGN_OR_RETURN(PublicKey key, PublicKey::FromDer(der, source));
      keys.push_back(std::move(key));
    } else if (label == "CERTIFICATE") {
      return Invalid(source,
                     "holds a certificate, not a public key; extract the key "
                     "with `openssl x509 -in FILE -pubkey -noout`");
    } else if (label.find("PRIVATE KEY") != std::string::npos) {
      return Invalid(source,
                     "holds a private key, which the server must not have; "
                     "give the public key (`openssl pkey -in FILE -pubout`)");
    } else if (label == "RSA PUBLIC KEY") {
      return Invalid(source,
                     "holds a PKCS#1 RSA PUBLIC KEY; convert it with `openssl "
                     "rsa -RSAPublicKey_in -in FILE -pubout`");
    } else {
      return Invalid(source, absl::StrCat("holds a PEM \"", Quote(label),
                                          "\" block, not a PUBLIC KEY"));
    }
  }
  if (keys.empty()) {
    return Invalid(source, "holds no PEM \"PUBLIC KEY\" block");
  }
  return keys;
}

absl::StatusOr<std::vector<PublicKey>> LoadPemPublicKeys(
    absl::string_view path, absl::string_view flag) {
  ASSIGN_OR_RETURN(const std::string pem, ReadFileToString(path, flag));
  return ParsePemPublicKeys(pem, absl::StrCat(flag, " ", path));
}

absl::StatusOr<std::vector<PublicKey>> ParseJwks(absl::string_view text,
                                                 absl::string_view source) {
  const json doc = json::parse(text.begin(), text.end(), nullptr,
                               /*allow_exceptions=*/false);
  if (doc.is_discarded()) return Invalid(source, "not valid JSON");
  if (!doc.is_object() || !doc.contains("keys") || !doc["keys"].is_array()) {
    return Invalid(source, "not a JWKS document: expected {\"keys\": [...]}");
  }
  std::vector<PublicKey> keys;
  std::vector<std::string> skipped;
  absl::flat_hash_set<std::string> kids;
  const json& list = doc["keys"];
  for (size_t i = 0; i < list.size(); ++i) {
    const json& jwk = list[i];
    std::string where = absl::StrCat(source, ": keys[", i, "]");
    if (!jwk.is_object()) {
      return absl::InvalidArgumentError(
          absl::StrCat(where, " is not an object"));
    }
    for (const char* member : {"kid", "kty", "use", "alg", "crv"}) {
      if (jwk.contains(member) && !jwk[member].is_string()) {
        return absl::InvalidArgumentError(
            absl::StrCat(where, " \"", member, "\" must be a string"));
      }
    }
    const std::string kid = jwk.value("kid", "");
    const std::string kty = jwk.value("kty", "");
    const std::string use = jwk.value("use", "sig");
    const std::string alg = jwk.value("alg", "");
    const std::string crv = jwk.value("crv", "");
    if (!kid.empty()) absl::StrAppend(&where, " (kid ", Quote(kid), ")");
    if (kty.empty()) {
      return absl::InvalidArgumentError(absl::StrCat(where, " has no \"kty\""));
    }
    // A verifier must never hold private keys; a JWKS that has one was
    // exported carelessly, and the private half is now exposed.
    if (jwk.contains("d")) {
      return absl::InvalidArgumentError(
          absl::StrCat(where,
                       " contains private key material (\"d\"); publish "
                       "public keys only"));
    }
    std::shared_ptr<EVP_PKEY> pkey;
    if (use == "sig" && kty == "RSA" && (alg.empty() || alg == "RS256")) {
      ASSIGN_OR_RETURN(pkey, RsaFromJwk(jwk, where));
    } else if (use == "sig" && kty == "EC" && crv == "P-256" &&
               (alg.empty() || alg == "ES256")) {
      ASSIGN_OR_RETURN(pkey, EcFromJwk(jwk, where));
    } else {
      std::string why = absl::StrCat("kty ", Quote(kty));
      if (!crv.empty()) absl::StrAppend(&why, " crv ", Quote(crv));
      if (!alg.empty()) absl::StrAppend(&why, " alg ", Quote(alg));
      if (use != "sig") absl::StrAppend(&why, " use ", Quote(use));
      skipped.push_back(absl::StrCat("keys[", i, "] (", why, ")"));
      continue;
    }
    if (!kid.empty() && !kids.insert(kid).second) {
      return Invalid(source, absl::StrCat("two keys have kid ", Quote(kid)));
    }
    ASSIGN_OR_RETURN(PublicKey key,
                     PublicKey::FromOpenSsl(std::move(pkey), where, kid));
    keys.push_back(std::move(key));
  }
  if (keys.empty()) {
    std::string message =
        "no usable signing key (RSA for RS256 or EC P-256 for ES256)";
    if (!skipped.empty()) {
      absl::StrAppend(&message, "; skipped ", absl::StrJoin(skipped, ", "));
    }
    return Invalid(source, message);
  }
  return keys;
}

absl::StatusOr<std::vector<PublicKey>> LoadJwks(absl::string_view path,
                                                absl::string_view flag) {
  ASSIGN_OR_RETURN(const std::string text, ReadFileToString(path, flag));
  return ParseJwks(text, absl::StrCat(flag, " ", path));
}

}  // namespace atgard::auth
