#include "services/auth/keys.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>
#include <openssl/evp.h>
#include <openssl/pem.h>

#include <nlohmann/json.hpp>

#include "absl/strings/str_cat.h"
#include "services/auth/jws.h"
#include "tests/support/auth_tokens.h"
#include "tests/support/temp_dir.h"

namespace atgard::auth {
namespace {

using nlohmann::json;
using ::testing::AllOf;
using ::testing::HasSubstr;

// The PEM public key of a key type the verifier does not support.
std::string ForeignPublicKeyPem(const char* type, const char* param) {
  EVP_PKEY* pkey = param == nullptr
                       ? EVP_PKEY_Q_keygen(nullptr, nullptr, type)
                       : EVP_PKEY_Q_keygen(nullptr, nullptr, type, param);
  EXPECT_NE(pkey, nullptr);
  BIO* bio = BIO_new(BIO_s_mem());
  PEM_write_bio_PUBKEY(bio, pkey);
  char* data = nullptr;
  const long size = BIO_get_mem_data(bio, &data);
  std::string pem(data, static_cast<size_t>(size));
  BIO_free(bio);
  EVP_PKEY_free(pkey);
  return pem;
}

class PemKeysTest : public ::testing::Test {
 protected:
  // Writes `contents` to a file and loads it as --jwt_public_keys.
  absl::StatusOr<std::vector<PublicKey>> Load(absl::string_view contents) {
    path_ = dir_.Join("key.pem");
    testing::WriteTestFile(path_, contents);
    return LoadPemPublicKeys(path_, "--jwt_public_keys");
  }

  testing::TempDir dir_;
  std::string path_;
};

TEST_F(PemKeysTest, LoadsRsaAndEcPublicKeys) {
  absl::StatusOr<std::vector<PublicKey>> rsa =
      Load(testing::RsaKey().public_key().ToPem());
  ASSERT_TRUE(rsa.ok()) << rsa.status();
  ASSERT_EQ(rsa->size(), 1u);
  EXPECT_EQ((*rsa)[0].type(), KeyType::kRsa);
  EXPECT_EQ((*rsa)[0].bits(), 2048);
  EXPECT_EQ((*rsa)[0].kid(), "");

  absl::StatusOr<std::vector<PublicKey>> ec =
      Load(testing::EcKey().public_key().ToPem());
  ASSERT_TRUE(ec.ok()) << ec.status();
  ASSERT_EQ(ec->size(), 1u);
  EXPECT_EQ((*ec)[0].type(), KeyType::kEcP256);
}

TEST_F(PemKeysTest, LoadsEveryBlockOfAFile) {
  absl::StatusOr<std::vector<PublicKey>> keys =
      Load(absl::StrCat(testing::RsaKey().public_key().ToPem(),
                        testing::EcKey().public_key().ToPem()));
  ASSERT_TRUE(keys.ok()) << keys.status();
  ASSERT_EQ(keys->size(), 2u);
  EXPECT_EQ((*keys)[0].type(), KeyType::kRsa);
  EXPECT_EQ((*keys)[1].type(), KeyType::kEcP256);
}

TEST_F(PemKeysTest, MissingFileIsNotFoundNamingFlagAndFile) {
  const std::string path = dir_.Join("absent.pem");
  absl::StatusOr<std::vector<PublicKey>> keys =
      LoadPemPublicKeys(path, "--jwt_public_keys");
  EXPECT_EQ(keys.status().code(), absl::StatusCode::kNotFound);
  EXPECT_THAT(keys.status().message(),
              AllOf(HasSubstr("--jwt_public_keys"), HasSubstr(path)));
}

TEST_F(PemKeysTest, GarbageIsRefusedNamingTheFile) {
  for (const char* garbage :
       {"", "not a key at all\n",
        "-----BEGIN PUBLIC KEY-----\nAAAA\n-----END PUBLIC KEY-----\n",
        "-----BEGIN PUBLIC KEY-----\n!!!!\n-----END PUBLIC KEY-----\n"}) {
    absl::StatusOr<std::vector<PublicKey>> keys = Load(garbage);
    EXPECT_EQ(keys.status().code(), absl::StatusCode::kInvalidArgument)
        << garbage;
    EXPECT_THAT(keys.status().message(),
                AllOf(HasSubstr("--jwt_public_keys"), HasSubstr(path_)));
  }
}

TEST_F(PemKeysTest, ExplainsCertificatesAndPrivateKeys) {
  absl::StatusOr<std::vector<PublicKey>> cert =
      Load("-----BEGIN CERTIFICATE-----\nAAAA\n-----END CERTIFICATE-----\n");
  EXPECT_THAT(cert.status().message(),
              AllOf(HasSubstr(path_), HasSubstr("certificate"),
                    HasSubstr("openssl x509")));
  absl::StatusOr<std::vector<PublicKey>> priv = Load(testing::EcKey().ToPem());
  EXPECT_EQ(priv.status().code(), absl::StatusCode::kInvalidArgument);
  EXPECT_THAT(priv.status().message(),
              AllOf(HasSubstr(path_), HasSubstr("private key")));
}

TEST_F(PemKeysTest, RefusesUnsupportedKeyTypes) {
  absl::StatusOr<std::vector<PublicKey>> ed =
      Load(ForeignPublicKeyPem("ED25519", nullptr));
  EXPECT_EQ(ed.status().code(), absl::StatusCode::kInvalidArgument);
  EXPECT_THAT(
      ed.status().message(),
      AllOf(HasSubstr(path_), HasSubstr("unsupported key type ED25519")));
  absl::StatusOr<std::vector<PublicKey>> p384 =
      Load(ForeignPublicKeyPem("EC", "P-384"));
  EXPECT_THAT(
      p384.status().message(),
      AllOf(HasSubstr(path_), HasSubstr("secp384r1"), HasSubstr("only P-256")));
}

TEST_F(PemKeysTest, RefusesRsaKeysBelow2048Bits) {
  absl::StatusOr<PrivateKey> weak = PrivateKey::GenerateRsa(1024);
  ASSERT_TRUE(weak.ok());
  absl::StatusOr<std::vector<PublicKey>> keys =
      Load(weak->public_key().ToPem());
  EXPECT_EQ(keys.status().code(), absl::StatusCode::kInvalidArgument);
  EXPECT_THAT(keys.status().message(),
              AllOf(HasSubstr(path_), HasSubstr("1024 bits"),
                    HasSubstr("at least 2048")));
}

class JwksTest : public ::testing::Test {
 protected:
  absl::StatusOr<std::vector<PublicKey>> Parse(const json& doc) {
    return ParseJwks(doc.dump(), "--jwt_jwks jwks.json");
  }
  static json Jwk(const PrivateKey& key, const std::string& kid) {
    return json::parse(key.public_key(kid).ToJwk());
  }
};

TEST_F(JwksTest, LoadsRsaAndEcKeysWithTheirIds) {
  testing::TempDir dir;
  const std::string path = dir.Join("jwks.json");
  testing::WriteTestFile(path,
                         testing::JwksOf({testing::RsaKey().public_key("r1"),
                                          testing::EcKey().public_key("e1")}));
  absl::StatusOr<std::vector<PublicKey>> keys = LoadJwks(path, "--jwt_jwks");
  ASSERT_TRUE(keys.ok()) << keys.status();
  ASSERT_EQ(keys->size(), 2u);
  EXPECT_EQ((*keys)[0].type(), KeyType::kRsa);
  EXPECT_EQ((*keys)[0].kid(), "r1");
  EXPECT_EQ((*keys)[1].type(), KeyType::kEcP256);
  EXPECT_EQ((*keys)[1].kid(), "e1");
  // The keys built from n/e and x/y are the very keys that sign.
  EXPECT_EQ((*keys)[0].ToPem(), testing::RsaKey().public_key().ToPem());
  EXPECT_EQ((*keys)[1].ToPem(), testing::EcKey().public_key().ToPem());
}

TEST_F(JwksTest, AcceptsKeysWithoutOptionalMembers) {
  json rsa = Jwk(testing::RsaKey(), "");
  rsa.erase("use");
  rsa.erase("alg");
  json ec = Jwk(testing::EcKey(), "");
  ec.erase("use");
  ec.erase("alg");
  absl::StatusOr<std::vector<PublicKey>> keys =
      Parse({{"keys", json::array({rsa, ec})}});
  ASSERT_TRUE(keys.ok()) << keys.status();
  EXPECT_EQ(keys->size(), 2u);
}

TEST_F(JwksTest, SkipsKeysItCannotUseButNeedsOneItCan) {
  json enc = Jwk(testing::RsaKey(), "enc");
  enc["use"] = "enc";
  json rs512 = Jwk(testing::OtherRsaKey(), "rs512");
  rs512["alg"] = "RS512";
  const json oct = {{"kty", "oct"}, {"k", "c2VjcmV0"}, {"kid", "hmac"}};
  const json p384 = {{"kty", "EC"}, {"crv", "P-384"}, {"x", "AA"}, {"y", "AA"}};

  absl::StatusOr<std::vector<PublicKey>> none =
      Parse({{"keys", json::array({enc, rs512, oct, p384})}});
  EXPECT_EQ(none.status().code(), absl::StatusCode::kInvalidArgument);
  EXPECT_THAT(none.status().message(),
              AllOf(HasSubstr("jwks.json"), HasSubstr("no usable signing key"),
                    HasSubstr("keys[2]")));

  absl::StatusOr<std::vector<PublicKey>> one = Parse(
      {{"keys",
        json::array({enc, rs512, oct, p384, Jwk(testing::EcKey(), "e")})}});
  ASSERT_TRUE(one.ok()) << one.status();
  ASSERT_EQ(one->size(), 1u);
  EXPECT_EQ((*one)[0].kid(), "e");
}

TEST_F(JwksTest, RefusesMalformedSupportedKeys) {
  json weak =
      json::parse(PrivateKey::GenerateRsa(1024)->public_key("w").ToJwk());
  json with_private = Jwk(testing::EcKey(), "p");
  with_private["d"] = "AAAA";
  json short_x = Jwk(testing::EcKey(), "s");
  short_x["x"] = Base64UrlEncode(std::string(31, '\1'));
  json off_curve = Jwk(testing::EcKey(), "o");
  off_curve["y"] = Base64UrlEncode(std::string(32, '\1'));
  json bad_n = Jwk(testing::RsaKey(), "n");
  bad_n["n"] = "not base64url!";
  json no_e = Jwk(testing::RsaKey(), "e");
  no_e.erase("e");
  json numeric_kid = Jwk(testing::RsaKey(), "");
  numeric_kid["kid"] = 7;
  const std::pair<json, const char*> cases[] = {
      {weak, "1024 bits"},
      {with_private, "private key material"},
      {short_x, "32 bytes"},
      {off_curve, "(kid \"o\")"},
      {bad_n, "\"n\" is not base64url"},
      {no_e, "no \"e\""},
      {numeric_kid, "\"kid\" must be a string"},
  };
  for (const auto& [jwk, fragment] : cases) {
    absl::StatusOr<std::vector<PublicKey>> keys =
        Parse({{"keys", json::array({jwk})}});
    EXPECT_EQ(keys.status().code(), absl::StatusCode::kInvalidArgument)
        << fragment;
    EXPECT_THAT(keys.status().message(),
                AllOf(HasSubstr("jwks.json"), HasSubstr(fragment)));
  }
}

TEST_F(JwksTest, RefusesDuplicateKeyIds) {
  absl::StatusOr<std::vector<PublicKey>> keys =
      Parse({{"keys", json::array({Jwk(testing::RsaKey(), "k"),
                                   Jwk(testing::EcKey(), "k")})}});
  EXPECT_THAT(keys.status().message(), HasSubstr("two keys have kid \"k\""));
}

TEST_F(JwksTest, RefusesDocumentsThatAreNotJwks) {
  for (const char* text : {"", "{", "[]", "{\"keys\": {}}", "{\"key\": []}"}) {
    absl::StatusOr<std::vector<PublicKey>> keys =
        ParseJwks(text, "--jwt_jwks jwks.json");
    EXPECT_EQ(keys.status().code(), absl::StatusCode::kInvalidArgument) << text;
    EXPECT_THAT(keys.status().message(), HasSubstr("--jwt_jwks jwks.json"));
  }
  testing::TempDir dir;
  absl::StatusOr<std::vector<PublicKey>> missing =
      LoadJwks(dir.Join("absent.json"), "--jwt_jwks");
  EXPECT_EQ(missing.status().code(), absl::StatusCode::kNotFound);
  EXPECT_THAT(missing.status().message(),
              AllOf(HasSubstr("--jwt_jwks"), HasSubstr("absent.json")));
}

TEST(PrivateKey, RoundTripsThroughPem) {
  absl::StatusOr<PrivateKey> key =
      PrivateKey::FromPem(testing::EcKey().ToPem(), "key.pem");
  ASSERT_TRUE(key.ok()) << key.status();
  EXPECT_EQ(key->type(), KeyType::kEcP256);
  EXPECT_EQ(key->Thumbprint(), testing::EcKey().Thumbprint());
  EXPECT_NE(key->Thumbprint(), testing::OtherEcKey().Thumbprint());
  EXPECT_EQ(PrivateKey::FromPem("garbage", "key.pem").status().code(),
            absl::StatusCode::kInvalidArgument);
}

}  // namespace
}  // namespace atgard::auth
