#include "src/infer/sampler.h"

#include <algorithm>
#include <cmath>
#include <numeric>
#include <string>
#include <vector>

#include "src/error.h"

namespace lb::infer {

void Sampler::configure(double temperature, double top_p, uint64_t seed) {
  if (std::isnan(temperature) || std::isinf(temperature)) {
    throw_invalid("temperature=" + std::to_string(temperature) + " (expected a finite value; <= 0 means greedy)");
  }
  if (!(top_p > 0 && top_p <= 1)) throw_invalid("top_p=" + std::to_string(top_p) + " (expected 0 < top_p <= 1)");
  temperature_ = temperature;
  top_p_ = top_p;
  rng_.seed(seed);
}

int64_t Sampler::next(const float* logits, int64_t vocab) {
  if (vocab <= 0) throw_invalid("empty logits");
  for (int64_t i = 0; i < vocab; ++i) {
    if (!std::isfinite(logits[i])) {
      throw Error(LB_ERR_INTERNAL, "logits[" + std::to_string(i) + "]=" + std::to_string(logits[i]) +
                                       " is not finite (the model produced NaN/Inf)");
    }
  }
  const int64_t best = std::max_element(logits, logits + vocab) - logits;  // first maximum: lowest id on ties
  if (temperature_ <= 0) return best;

  // softmax(logits / T) in double, most likely first (stable: ties by id).
  std::vector<double> p(static_cast<size_t>(vocab));
  const double top = logits[best];
  double sum = 0;
  for (int64_t i = 0; i < vocab; ++i) sum += p[i] = std::exp((logits[i] - top) / temperature_);
  std::vector<int64_t> order(static_cast<size_t>(vocab));
  std::iota(order.begin(), order.end(), 0);
  std::stable_sort(order.begin(), order.end(), [&](int64_t a, int64_t b) { return p[a] > p[b]; });
  // The smallest prefix whose mass reaches top_p.
  size_t keep = 0;
  double mass = 0;
  while (keep < order.size()) {
    mass += p[order[keep]] / sum;
    ++keep;
    if (mass >= top_p_) break;
  }
  double kept = 0;
  for (size_t i = 0; i < keep; ++i) kept += p[order[i]];
  // A uniform draw from the top 53 bits: the same on every platform (std distributions are not).
  const double u = static_cast<double>(rng_() >> 11) * (1.0 / 9007199254740992.0) * kept;
  double acc = 0;
  for (size_t i = 0; i < keep; ++i) {
    acc += p[order[i]];
    if (u < acc) return order[i];
  }
  return order[keep - 1];
}

}  // namespace lb::infer
