// Verifications per second of bearer tokens: RS256 and ES256, with the
// cache off (every call checks the signature) and on (a pool of tokens
// already seen, as when clients repeat their token on every call), on one
// thread and on every core. The SHA-256 of a token, which a cached check
// must compute, is the baseline measured in the same run.
//
// Usage: auth_bench [seconds per measurement, default 1]
// Prints figures only; asserts nothing.
#include <atomic>
#include <cstdio>
#include <cstdlib>
#include <functional>
#include <string>
#include <thread>
#include <vector>

#include "absl/strings/str_cat.h"
#include "absl/time/clock.h"
#include "absl/time/time.h"
#include "services/auth/jws.h"
#include "services/auth/jwt_verifier.h"
#include "tests/support/auth_tokens.h"

namespace atgard::auth {
namespace {

// Calls `op(i)` on `threads` threads for about `duration`; operations per
// second over all threads.
double Rate(int threads, absl::Duration duration,
            const std::function<void(uint64_t)>& op) {
  std::atomic<uint64_t> total{0};
  const absl::Time start = absl::Now();
  const absl::Time deadline = start + duration;
  std::vector<std::thread> workers;
  for (int t = 0; t < threads; ++t) {
    workers.emplace_back([&, t] {
      uint64_t n = 0;
      // Checking the clock every 64 calls keeps its cost out of the figure.
      for (uint64_t i = static_cast<uint64_t>(t);; i += 64) {
        for (uint64_t j = 0; j < 64; ++j) op(i + j);
        n += 64;
        if (absl::Now() >= deadline) break;
      }
      total.fetch_add(n);
    });
  }
  for (std::thread& w : workers) w.join();
  return static_cast<double>(total.load()) /
         absl::ToDoubleSeconds(absl::Now() - start);
}

std::unique_ptr<JwtVerifier> Verifier(size_t cache_capacity) {
  JwtVerifierConfig config;
  config.issuer = testing::kTestIssuer;
  config.audience = testing::kTestAudience;
  config.keys = {testing::RsaKey().public_key("r"),
                 testing::EcKey().public_key("e")};
  config.cache_capacity = cache_capacity;
  absl::StatusOr<std::unique_ptr<JwtVerifier>> v =
      JwtVerifier::Create(std::move(config));
  if (!v.ok()) std::abort();
  return std::move(v).value();
}

void Check(const absl::StatusOr<domain::Principal>& p) {
  if (!p.ok()) {
    std::fprintf(stderr, "verification failed: %s\n",
                 std::string(p.status().message()).c_str());
    std::abort();
  }
}

int Main(int argc, char** argv) {
  const double seconds = argc > 1 ? std::atof(argv[1]) : 1.0;
  const absl::Duration duration = absl::Seconds(seconds > 0 ? seconds : 1.0);
  const int cores =
      std::max(1, static_cast<int>(std::thread::hardware_concurrency()));
  constexpr size_t kPool = 1000;  // distinct tokens, as from many users

  std::printf("auth_bench: %.1f s per figure, %d core(s), pool of %zu tokens\n",
              absl::ToDoubleSeconds(duration), cores, kPool);
  for (const PrivateKey* key : {&testing::RsaKey(), &testing::EcKey()}) {
    const char* alg = key->type() == KeyType::kRsa ? "RS256" : "ES256";
    const char* kid = key->type() == KeyType::kRsa ? "r" : "e";
    std::vector<std::string> tokens;
    for (size_t i = 0; i < kPool; ++i) {
      nlohmann::json claims = testing::ValidClaims(absl::Now());
      claims["sub"] = absl::StrCat("user-", i);
      tokens.push_back(testing::SignToken(*key, claims, kid));
    }
    auto uncached = Verifier(0);
    auto cached = Verifier(2 * kPool);
    for (const std::string& t : tokens) Check(cached->Verify(t));

    const double hash = Rate(1, duration, [&](uint64_t i) {
      const Sha256Digest d = Sha256(tokens[i % kPool]);
      if (d[0] == 0 && d[1] == 0 && d[2] == 0 && d[3] == 0) std::printf(" ");
    });
    const double hash_all = Rate(cores, duration, [&](uint64_t i) {
      const Sha256Digest d = Sha256(tokens[i % kPool]);
      if (d[0] == 0 && d[1] == 0 && d[2] == 0 && d[3] == 0) std::printf(" ");
    });
    const double cold = Rate(1, duration, [&](uint64_t i) {
      Check(uncached->Verify(tokens[i % kPool]));
    });
    const double cold_all = Rate(cores, duration, [&](uint64_t i) {
      Check(uncached->Verify(tokens[i % kPool]));
    });
    const double warm = Rate(1, duration, [&](uint64_t i) {
      Check(cached->Verify(tokens[i % kPool]));
    });
    const double warm_all = Rate(cores, duration, [&](uint64_t i) {
      Check(cached->Verify(tokens[i % kPool]));
    });
    std::printf(
        "%s (token %zu bytes)\n"
        "  sha256 of the token (baseline)  %12.0f /s   1 thread\n"
        "                                  %12.0f /s   %d threads\n"
        "  uncached verification           %12.0f /s   1 thread\n"
        "                                  %12.0f /s   %d threads\n"
        "  cached verification             %12.0f /s   1 thread\n"
        "                                  %12.0f /s   %d threads\n"
        "  cached / uncached (1 thread)    %12.1fx\n"
        "  cached / sha256 baseline        %12.2f\n",
        alg, tokens[0].size(), hash, hash_all, cores, cold, cold_all, cores,
        warm, warm_all, cores, warm / cold, warm / hash);
  }
  return 0;
}

}  // namespace
}  // namespace atgard::auth

int main(int argc, char** argv) { return atgard::auth::Main(argc, argv); }
