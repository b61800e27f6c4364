#include "services/auth/jws.h"

#include <vector>

#include "absl/strings/str_cat.h"
#include "services/auth/openssl_util.h"

namespace atgard::auth {
namespace {

using internal::BignumPtr;
using internal::EcdsaSigPtr;
using internal::MdCtxPtr;

constexpr char kAlphabet[] =
    "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_";
constexpr size_t kEcCoordinateBytes = 32;

// -1 for bytes outside the base64url alphabet.
constexpr std::array<int8_t, 256> MakeDecodeTable() {
  std::array<int8_t, 256> table{};
  for (auto& v : table) v = -1;
  for (int i = 0; i < 64; ++i) {
    table[static_cast<uint8_t>(kAlphabet[i])] = static_cast<int8_t>(i);
  }
  return table;
}
constexpr std::array<int8_t, 256> kDecode = MakeDecodeTable();

const unsigned char* Bytes(absl::string_view s) {
  return reinterpret_cast<const unsigned char*>(s.data());
}

// OpenSSL produces DER ECDSA signatures; JWS carries r and s as two
// fixed-width big-endian integers.
bool DerToRaw(const std::string& der, std::string* raw) {
  const unsigned char* p = Bytes(der);
  EcdsaSigPtr sig(d2i_ECDSA_SIG(nullptr, &p, static_cast<long>(der.size())));
  if (sig == nullptr) return false;
  const BIGNUM* r = nullptr;
  const BIGNUM* s = nullptr;
  ECDSA_SIG_get0(sig.get(), &r, &s);
  raw->assign(2 * kEcCoordinateBytes, '\0');
  auto* out = reinterpret_cast<unsigned char*>(raw->data());
  return BN_bn2binpad(r, out, kEcCoordinateBytes) == kEcCoordinateBytes &&
         BN_bn2binpad(s, out + kEcCoordinateBytes, kEcCoordinateBytes) ==
             kEcCoordinateBytes;
}

bool RawToDer(absl::string_view raw, std::string* der) {
  if (raw.size() != 2 * kEcCoordinateBytes) return false;
  BignumPtr r(BN_bin2bn(Bytes(raw), kEcCoordinateBytes, nullptr));
  BignumPtr s(
      BN_bin2bn(Bytes(raw) + kEcCoordinateBytes, kEcCoordinateBytes, nullptr));
  EcdsaSigPtr sig(ECDSA_SIG_new());
  if (r == nullptr || s == nullptr || sig == nullptr) return false;
  if (ECDSA_SIG_set0(sig.get(), r.get(), s.get()) != 1) return false;
  // The signature owns them now.
  r.release();
  s.release();
  const int size = i2d_ECDSA_SIG(sig.get(), nullptr);
  if (size <= 0) return false;
  der->resize(static_cast<size_t>(size));
  auto* out = reinterpret_cast<unsigned char*>(der->data());
  return i2d_ECDSA_SIG(sig.get(), &out) == size;
}

}  // namespace

std::string Base64UrlEncode(absl::string_view data) {
  std::string out;
  out.reserve((data.size() * 4 + 2) / 3);
  size_t i = 0;
  for (; i + 3 <= data.size(); i += 3) {
    const uint32_t v = (static_cast<uint8_t>(data[i]) << 16) |
                       (static_cast<uint8_t>(data[i + 1]) << 8) |
                       static_cast<uint8_t>(data[i + 2]);
    out.push_back(kAlphabet[(v >> 18) & 63]);
    out.push_back(kAlphabet[(v >> 12) & 63]);
    out.push_back(kAlphabet[(v >> 6) & 63]);
    out.push_back(kAlphabet[v & 63]);
  }
  const size_t rest = data.size() - i;
  if (rest > 0) {
    uint32_t v = static_cast<uint8_t>(data[i]) << 16;
    if (rest == 2) v |= static_cast<uint8_t>(data[i + 1]) << 8;
    out.push_back(kAlphabet[(v >> 18) & 63]);
    out.push_back(kAlphabet[(v >> 12) & 63]);
    if (rest == 2) out.push_back(kAlphabet[(v >> 6) & 63]);
  }
  return out;
}

bool Base64UrlDecode(absl::string_view in, std::string* out) {
  // One leftover character carries only 6 bits: never a whole byte.
  if (in.size() % 4 == 1) return false;
  out->clear();
  out->reserve(in.size() * 3 / 4);
  uint32_t acc = 0;
  int bits = 0;
  for (char c : in) {
    const int8_t v = kDecode[static_cast<uint8_t>(c)];
    if (v < 0) return false;
    acc = (acc << 6) | static_cast<uint32_t>(v);
    bits += 6;
    if (bits >= 8) {
      bits -= 8;
      out->push_back(static_cast<char>((acc >> bits) & 0xff));
    }
  }
  // Leftover bits must be zero, or two encodings would decode alike.
  return (acc & ((1u << bits) - 1)) == 0;
}

Sha256Digest Sha256(absl::string_view data) {
  Sha256Digest digest{};
  unsigned int size = 0;
  EVP_Digest(data.data(), data.size(), digest.data(), &size,
             internal::Sha256Md(), nullptr);
  return digest;
}

absl::StatusOr<std::string> SignCompactJws(const PrivateKey& key,
                                           absl::string_view header_json,
                                           absl::string_view payload_json) {
  const std::string input = absl::StrCat(Base64UrlEncode(header_json), ".",
                                         Base64UrlEncode(payload_json));
  MdCtxPtr ctx(EVP_MD_CTX_new());
  size_t size = 0;
  if (ctx == nullptr ||
      EVP_DigestSignInit(ctx.get(), nullptr, internal::Sha256Md(), nullptr,
                         key.get()) != 1 ||
      EVP_DigestSign(ctx.get(), nullptr, &size, Bytes(input), input.size()) !=
          1) {
    return absl::InternalError(
        absl::StrCat("cannot sign: ", internal::TakeOpenSslError()));
  }
  std::string signature(size, '\0');
  if (EVP_DigestSign(ctx.get(),
                     reinterpret_cast<unsigned char*>(signature.data()), &size,
                     Bytes(input), input.size()) != 1) {
    return absl::InternalError(
        absl::StrCat("cannot sign: ", internal::TakeOpenSslError()));
  }
  signature.resize(size);
  if (key.type() == KeyType::kEcP256) {
    std::string raw;
    if (!DerToRaw(signature, &raw)) {
      return absl::InternalError("cannot convert the ECDSA signature");
    }
    signature = std::move(raw);
  }
  return absl::StrCat(input, ".", Base64UrlEncode(signature));
}

bool VerifySignature(const PublicKey& key, absl::string_view signing_input,
                     absl::string_view signature) {
  std::string der;
  if (key.type() == KeyType::kEcP256) {
    if (!RawToDer(signature, &der)) return false;
    signature = der;
  }
  MdCtxPtr ctx(EVP_MD_CTX_new());
  const bool ok =
      ctx != nullptr &&
      EVP_DigestVerifyInit(ctx.get(), nullptr, internal::Sha256Md(), nullptr,
                           key.get()) == 1 &&
      EVP_DigestVerify(ctx.get(), Bytes(signature), signature.size(),
                       Bytes(signing_input), signing_input.size()) == 1;
  // A failed verification queues errors on this thread; they say nothing
  // the caller needs and must not leak into later messages.
  if (!ok) ERR_clear_error();
  return ok;
}

}  // namespace atgard::auth
