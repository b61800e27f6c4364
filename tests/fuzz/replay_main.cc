// Runs a libFuzzer target without libFuzzer, so that ordinary builds check
// the target's invariants too: every file of the seed corpora named on the
// command line, then a fixed number of deterministic pseudo-random inputs
// (random bytes, digits and separators, and mutations of the seeds).
//
// Usage: <target> [-random=N] <corpus dir or file>...
// Exits 0 when every input ran (a broken invariant aborts inside the
// target), 2 on bad usage or when no seed was found.
#include <algorithm>
#include <cstddef>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <iterator>
#include <random>
#include <string>
#include <string_view>
#include <vector>

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data,
                                      std::size_t size);

namespace {

void Run(const std::string& input) {
  // A copy of exactly `size` bytes, so that reading past the end is caught
  // by AddressSanitizer in sanitizer builds.
  std::vector<std::uint8_t> bytes(input.begin(), input.end());
  LLVMFuzzerTestOneInput(bytes.data(), bytes.size());
}

bool ReadFile(const std::filesystem::path& path, std::string* out) {
  std::ifstream in(path, std::ios::binary);
  if (!in) return false;
  out->assign(std::istreambuf_iterator<char>(in),
              std::istreambuf_iterator<char>());
  return true;
}

// std::mt19937_64's sequence is fixed by the standard, unlike the
// distributions', so only its raw output is used.
class Random {
 public:
  std::uint64_t Next() { return engine_(); }
  std::size_t Below(std::size_t n) { return n == 0 ? 0 : Next() % n; }
  char Byte() { return static_cast<char>(Next() & 0xFF); }

 private:
  std::mt19937_64 engine_{20260302};
};

std::string Generate(Random& random, const std::vector<std::string>& seeds) {
  static constexpr std::string_view kDigitsAndSeparators = "0123456789-+ ";
  std::string s;
  switch (random.Below(3)) {
    case 0: {  // arbitrary bytes
      const std::size_t n = random.Below(64);
      for (std::size_t i = 0; i < n; ++i) s += random.Byte();
      break;
    }
    case 1: {  // mostly digits and separators
      const std::size_t n = random.Below(32);
      for (std::size_t i = 0; i < n; ++i) {
        s += random.Below(8) == 0 ? random.Byte()
                                  : kDigitsAndSeparators[random.Below(
                                        kDigitsAndSeparators.size())];
      }
      break;
    }
    default: {  // a seed with a few bytes replaced, inserted or erased
      if (!seeds.empty()) s = seeds[random.Below(seeds.size())];
      const std::size_t edits = 1 + random.Below(4);
      for (std::size_t e = 0; e < edits; ++e) {
        const std::size_t at = random.Below(s.size() + 1);
        const char c = random.Below(2) == 0 ? kDigitsAndSeparators[random.Below(
                                                  kDigitsAndSeparators.size())]
                                            : random.Byte();
        switch (random.Below(3)) {
          case 0:
            if (at < s.size()) s[at] = c;
            break;
          case 1:
            s.insert(s.begin() + static_cast<std::ptrdiff_t>(at), c);
            break;
          default:
            if (at < s.size()) s.erase(at, 1);
        }
      }
    }
  }
  return s;
}

}  // namespace

int main(int argc, char** argv) {
  long random_inputs = 50'000;
  std::vector<std::filesystem::path> files;
  for (int i = 1; i < argc; ++i) {
    const std::string_view arg = argv[i];
    if (arg.rfind("-random=", 0) == 0) {
      random_inputs = std::strtol(argv[i] + 8, nullptr, 10);
      continue;
    }
    std::error_code error;
    if (std::filesystem::is_directory(arg, error)) {
      for (const auto& entry : std::filesystem::directory_iterator(arg)) {
        if (entry.is_regular_file()) files.push_back(entry.path());
      }
    } else if (std::filesystem::is_regular_file(arg, error)) {
      files.emplace_back(arg);
    } else {
      std::fprintf(stderr, "replay: no such file or directory: %s\n", argv[i]);
      return 2;
    }
  }
  if (files.empty()) {
    std::fprintf(stderr,
                 "usage: %s [-random=N] <corpus dir or file>...\n"
                 "replay: no seed inputs found\n",
                 argv[0]);
    return 2;
  }
  std::sort(files.begin(), files.end());

  std::vector<std::string> seeds;
  for (const auto& path : files) {
    std::string input;
    if (!ReadFile(path, &input)) {
      std::fprintf(stderr, "replay: cannot read %s\n", path.c_str());
      return 2;
    }
    Run(input);
    seeds.push_back(std::move(input));
  }
  Random random;
  for (long i = 0; i < random_inputs; ++i) Run(Generate(random, seeds));
  std::printf("replay: %zu seed inputs and %ld generated inputs passed\n",
              seeds.size(), random_inputs);
  return 0;
}
