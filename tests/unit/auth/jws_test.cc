#include "services/auth/jws.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include "absl/strings/escaping.h"
#include "absl/strings/str_split.h"
#include "tests/support/auth_tokens.h"

namespace atgard::auth {
namespace {

std::string Decoded(absl::string_view in) {
  std::string out;
  EXPECT_TRUE(Base64UrlDecode(in, &out)) << in;
  return out;
}

TEST(Base64Url, EncodesRfc4648VectorsWithoutPadding) {
  EXPECT_EQ(Base64UrlEncode(""), "");
  EXPECT_EQ(Base64UrlEncode("f"), "Zg");
  EXPECT_EQ(Base64UrlEncode("fo"), "Zm8");
  EXPECT_EQ(Base64UrlEncode("foo"), "Zm9v");
  EXPECT_EQ(Base64UrlEncode("foob"), "Zm9vYg");
  EXPECT_EQ(Base64UrlEncode("fooba"), "Zm9vYmE");
  EXPECT_EQ(Base64UrlEncode("foobar"), "Zm9vYmFy");
  // The two characters that differ from standard base64.
  EXPECT_EQ(Base64UrlEncode("\xfb\xff"), "-_8");
}

TEST(Base64Url, RoundTripsEveryByte) {
  std::string all;
  for (int i = 0; i < 256; ++i) all.push_back(static_cast<char>(i));
  for (size_t n = 0; n <= all.size(); n += 37) {
    const std::string part = all.substr(0, n);
    EXPECT_EQ(Decoded(Base64UrlEncode(part)), part);
  }
}

TEST(Base64Url, DecodingIsStrict) {
  std::string out;
  EXPECT_EQ(Decoded("Zm9vYmFy"), "foobar");
  EXPECT_EQ(Decoded("-_8"), "\xfb\xff");
  for (const char* bad : {"Zg==", "Zg=", "+/8", "Zm9v Yg", "Zm9v\nYg", "Z",
                          "Zm9vY", "Zh", "Zm9=", "Zm\xc3\xa5"}) {
    EXPECT_FALSE(Base64UrlDecode(bad, &out)) << absl::CEscape(bad);
  }
}

TEST(Sha256, MatchesTheStandardVector) {
  const Sha256Digest d = Sha256("abc");
  EXPECT_EQ(absl::BytesToHexString(absl::string_view(
                reinterpret_cast<const char*>(d.data()), d.size())),
            "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad");
}

TEST(SignCompactJws, SignaturesVerifyWithTheRightKeyOnly) {
  for (const PrivateKey* key : {&testing::RsaKey(), &testing::EcKey()}) {
    absl::StatusOr<std::string> token =
        SignCompactJws(*key, R"({"alg":"x"})", R"({"sub":"a"})");
    ASSERT_TRUE(token.ok()) << token.status();
    const std::vector<std::string> parts = absl::StrSplit(*token, '.');
    ASSERT_EQ(parts.size(), 3u);
    std::string signature;
    ASSERT_TRUE(Base64UrlDecode(parts[2], &signature));
    if (key->type() == KeyType::kEcP256) {
      EXPECT_EQ(signature.size(), 64u);  // raw r||s, not DER
    } else {
      EXPECT_EQ(signature.size(), 256u);
    }
    const std::string input = parts[0] + "." + parts[1];
    EXPECT_TRUE(VerifySignature(key->public_key(), input, signature));
    EXPECT_FALSE(VerifySignature(key->public_key(), input + "x", signature));
    const PrivateKey& other = key->type() == KeyType::kRsa
                                  ? testing::OtherRsaKey()
                                  : testing::OtherEcKey();
    EXPECT_FALSE(VerifySignature(other.public_key(), input, signature));
  }
}

TEST(VerifySignature, RefusesEcdsaSignaturesOfTheWrongShape) {
  const PublicKey key = testing::EcKey().public_key();
  EXPECT_FALSE(VerifySignature(key, "a.b", std::string(63, '\1')));
  EXPECT_FALSE(VerifySignature(key, "a.b", std::string(64, '\0')));
  EXPECT_FALSE(VerifySignature(key, "a.b", std::string(72, '\1')));
}

}  // namespace
}  // namespace atgard::auth
