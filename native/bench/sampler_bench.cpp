// Host sampler cost per token (src/infer/sampler.cpp): a 32000-token vocabulary of normal logits, greedy and
// temperature 0.8 at top_p 0.9 / 1.0, microseconds per draw (mean of `reps`). Timing only, not a test.
//   build/<dir>/sampler_bench [vocab] [sigma] [reps]
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <random>
#include <vector>

#include "src/infer/sampler.h"

int main(int argc, char** argv) {
  const int64_t vocab = argc > 1 ? std::atoll(argv[1]) : 32000;
  const float sigma = argc > 2 ? static_cast<float>(std::atof(argv[2])) : 2.5f;
  const int reps = argc > 3 ? std::atoi(argv[3]) : 200;
  std::mt19937_64 gen(1);
  std::normal_distribution<float> normal(0.0f, sigma);
  std::vector<float> logits(static_cast<size_t>(vocab));
  for (float& v : logits) v = normal(gen);
  std::printf("vocab %lld, logits ~ N(0, %.2f), %d draws each\n", static_cast<long long>(vocab), sigma, reps);
  const struct {
    double temperature, top_p;
  } settings[] = {{0.0, 1.0}, {0.8, 0.9}, {0.8, 1.0}};
  for (const auto& s : settings) {
    lb::infer::Sampler sampler;
    sampler.configure(s.temperature, s.top_p, 7);
    int64_t checksum = 0;
    const auto start = std::chrono::steady_clock::now();
    for (int r = 0; r < reps; ++r) checksum += sampler.next(logits.data(), vocab);
    const double us = std::chrono::duration<double, std::micro>(std::chrono::steady_clock::now() - start).count() / reps;
    std::printf("temperature %.1f top_p %.1f: %8.1f us per token (checksum %lld)\n", s.temperature, s.top_p, us,
                static_cast<long long>(checksum));
  }
  return 0;
}
