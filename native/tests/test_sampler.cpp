// The host sampler (src/infer/sampler.cpp, internal): greedy is the first maximum; a temperature + top-p draw equals a
// reference that sorts the whole vocabulary stably by probability to find the kept set (the sampler sorts only as far
// as top_p needs) and walks the kept tokens in id order; logits moved in their last bits rarely change a draw,
// over vocabularies with many ties, peaked and flat distributions, top_p from tiny to 1; non-finite logits and bad
// options are errors that name the problem.
#include <algorithm>
#include <cmath>
#include <cstdio>
#include <numeric>
#include <random>
#include <string>
#include <vector>

#include "check.h"
#include "src/error.h"
#include "src/infer/sampler.h"

namespace {

// The sampler's contract written out the plain way: the same draws from the same generator.
int64_t reference_next(const std::vector<float>& logits, double temperature, double top_p, std::mt19937_64& rng) {
  const int64_t vocab = static_cast<int64_t>(logits.size());
  const int64_t best = std::max_element(logits.begin(), logits.end()) - logits.begin();
  if (temperature <= 0) return best;
  std::vector<double> p(logits.size());
  double sum = 0;
  for (int64_t i = 0; i < vocab; ++i) sum += p[i] = std::exp((logits[i] - logits[best]) / temperature);
  std::vector<int64_t> order(logits.size());
  std::iota(order.begin(), order.end(), 0);
  size_t keep = order.size();  // top_p 1: every token, in id order
  if (top_p < 1) {
    std::stable_sort(order.begin(), order.end(), [&](int64_t a, int64_t b) { return p[a] > p[b]; });
    keep = 0;
  }
  double mass = 0;
  while (top_p < 1 && keep < order.size()) {
    mass += p[order[keep]] / sum;
    ++keep;
    if (mass >= top_p) break;
  }
  double kept = 0;
  for (size_t i = 0; i < keep; ++i) kept += p[order[i]];
  const double u = static_cast<double>(rng() >> 11) * (1.0 / 9007199254740992.0) * kept;
  std::sort(order.begin(), order.begin() + static_cast<std::ptrdiff_t>(keep));  // the walk: kept tokens in id order
  double acc = 0;
  for (size_t i = 0; i < keep; ++i) {
    acc += p[order[i]];
    if (u < acc) return order[i];
  }
  return order[keep - 1];
}

// Draws of a fixed seed from a flat distribution and from the same logits moved by ~1e-6 (as a GPU GEMM's atomic sums
// move them from run to run): in id order a draw changes only when u falls next to a moved boundary.
int perturbed_draws_changed(double top_p, int draws) {
  std::mt19937_64 gen(5);
  std::normal_distribution<float> normal(0.0f, 0.05f);
  std::uniform_real_distribution<float> noise(-1e-6f, 1e-6f);
  std::vector<float> logits(32000), moved(logits.size());
  for (size_t i = 0; i < logits.size(); ++i) {
    logits[i] = normal(gen);
    moved[i] = logits[i] + noise(gen);
  }
  lb::infer::Sampler a, b;
  a.configure(0.8, top_p, 17);
  b.configure(0.8, top_p, 17);
  int changed = 0;
  for (int d = 0; d < draws; ++d) changed += a.next(logits.data(), 32000) != b.next(moved.data(), 32000) ? 1 : 0;
  return changed;
}

}  // namespace

int main() {
  std::mt19937_64 gen(3);
  int cases = 0;
  for (int64_t vocab : {int64_t{1}, int64_t{2}, int64_t{63}, int64_t{64}, int64_t{65}, int64_t{300}, int64_t{32000}}) {
    for (int shape = 0; shape < 3; ++shape) {  // 0: ties (coarse levels), 1: peaked, 2: flat
      std::vector<float> logits(static_cast<size_t>(vocab));
      std::normal_distribution<float> normal(0.0f, shape == 1 ? 4.0f : 0.3f);
      std::uniform_int_distribution<int> level(0, 5);
      for (float& v : logits) v = shape == 0 ? static_cast<float>(level(gen)) : normal(gen);
      for (double temperature : {0.0, 0.7, 1.5}) {
        for (double top_p : {1e-9, 0.3, 0.9, 0.999, 1.0}) {
          const uint64_t seed = gen();
          lb::infer::Sampler sampler;
          sampler.configure(temperature, top_p, seed);
          std::mt19937_64 rng(seed);
          for (int draw = 0; draw < 4; ++draw) {
            const int64_t got = sampler.next(logits.data(), vocab);
            const int64_t want = reference_next(logits, temperature, top_p, rng);
            if (got != want) {
              std::printf("vocab %lld shape %d T %g top_p %g draw %d: %lld, reference %lld\n",
                          static_cast<long long>(vocab), shape, temperature, top_p, draw, static_cast<long long>(got),
                          static_cast<long long>(want));
            }
            CHECK(got == want);
            ++cases;
          }
        }
      }
    }
  }
  std::printf("sampler: %d draws equal the full-sort reference\n", cases);
  for (double top_p : {0.9, 1.0}) {
    const int changed = perturbed_draws_changed(top_p, 400);
    std::printf("sampler: top_p %g, logits moved by ~1e-6: %d of 400 draws changed\n", top_p, changed);
    CHECK(changed <= 2);
  }

  lb::infer::Sampler sampler;
  std::vector<float> bad = {0.0f, 1.0f, NAN, 2.0f};
  bool thrown = false;
  try {
    sampler.next(bad.data(), 4);
  } catch (const lb::Error& e) {
    thrown = std::string(e.what()).find("logits[2]=") != std::string::npos && e.status() == LB_ERR_INTERNAL;
  }
  CHECK(thrown);
  thrown = false;
  try {
    sampler.configure(1.0, 1.5, 0);
  } catch (const lb::Error& e) {
    thrown = std::string(e.what()).find("top_p=") != std::string::npos && e.status() == LB_ERR_INVALID_ARGUMENT;
  }
  CHECK(thrown);
  return check::finish("test_sampler");
}
