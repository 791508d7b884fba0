// Baseline for the login benchmark: raw Argon2id hashes per second with the given
// parameters on `threads` threads (libsodium, the same call the server makes).
//   usage: hash_rate MEMORY_KIB ITERATIONS THREADS SECONDS
// Prints "hashes_per_sec <n>".
#include <sodium.h>

#include <atomic>
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <thread>
#include <vector>

int main(int argc, char** argv) {
  if (argc != 5 || sodium_init() < 0) {
    std::fprintf(stderr, "usage: hash_rate MEMORY_KIB ITERATIONS THREADS SECONDS\n");
    return 2;
  }
  const unsigned long long memory = std::strtoull(argv[1], nullptr, 10) * 1024ULL;
  const unsigned long long ops = std::strtoull(argv[2], nullptr, 10);
  const int threads = std::atoi(argv[3]);
  const auto duration = std::chrono::seconds(std::atoi(argv[4]));
  std::atomic<long> done{0};
  std::atomic<bool> stop{false};
  std::vector<std::thread> pool;
  const auto start = std::chrono::steady_clock::now();
  for (int i = 0; i < threads; ++i) {
    pool.emplace_back([&] {
      char out[crypto_pwhash_STRBYTES];
      while (!stop.load()) {
        if (crypto_pwhash_str_alg(out, "correct horse battery", 21, ops, memory,
                                  crypto_pwhash_ALG_ARGON2ID13) == 0) {
          done.fetch_add(1);
        }
      }
    });
  }
  std::this_thread::sleep_for(duration);
  stop = true;
  for (auto& t : pool) t.join();
  const double secs =
      std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
  std::printf("hashes_per_sec %.1f\n", done.load() / secs);
  return 0;
}
