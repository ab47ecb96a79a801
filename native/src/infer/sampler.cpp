#include "src/infer/sampler.h"

#include <algorithm>
#include <cmath>
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

  // softmax(logits / T) in double; the kept set is found most likely first, ties by id.
  struct Entry {
    double p;
    int64_t id;
  };
  std::vector<Entry> order(static_cast<size_t>(vocab));
  const double top = logits[best];
  double sum = 0;
  for (int64_t i = 0; i < vocab; ++i) sum += (order[i] = Entry{std::exp((logits[i] - top) / temperature_), i}).p;
  const auto before = [](const Entry& a, const Entry& b) { return a.p > b.p || (a.p == b.p && a.id < b.id); };
  // The smallest prefix whose mass reaches top_p. Only as much of the order as that needs is sorted: the top k by
  // selection (linear), k growing until their mass is enough; the whole vocabulary once k passes a quarter of it.
  // (A stable sort of the whole 32k-150k vocabulary took milliseconds per token, longer than a GPU decode step.)
  size_t keep = order.size();  // top_p 1: every token, drawn in id order (no sort)
  double mass = 0;
  for (size_t k = std::min<size_t>(order.size(), 256); top_p_ < 1; k = std::min(order.size(), k * 4)) {
    if (k * 4 > order.size()) k = order.size();
    const auto end = order.begin() + static_cast<std::ptrdiff_t>(k);
    if (k < order.size()) {
      std::nth_element(order.begin(), end - 1, order.end(), before);
      double top_mass = 0;
      for (auto it = order.begin(); it != end; ++it) top_mass += it->p / sum;
      if (top_mass < top_p_ * (1 - 1e-9)) continue;  // not enough: a larger k (the slack covers summation order)
    }
    std::sort(order.begin(), end, before);
    keep = 0;
    mass = 0;
    while (keep < k) {
      mass += order[keep].p / sum;
      ++keep;
      if (mass >= top_p_) break;
    }
    if (mass >= top_p_ || k == order.size()) break;
  }
  double kept = 0;
  for (size_t i = 0; i < keep; ++i) kept += order[i].p;
  // A uniform draw from the top 53 bits: the same on every platform (std distributions are not).
  const double u = next_uniform() * kept;
  // The walk goes over the kept tokens in id order, as the device sampler's does. Most likely first would draw from the
  // same distribution, but the order of near-equal probabilities would then decide the token: logits that differ in
  // their last bits from run to run (a GPU GEMM's atomic sums) would change the draw of a fixed seed, where in id order
  // they only move the interval boundaries by as little.
  if (keep == order.size()) {  // top_p 1: order is still in id order (or wholly sorted: restore it)
    if (top_p_ < 1) std::sort(order.begin(), order.end(), [](const Entry& a, const Entry& b) { return a.id < b.id; });
  } else {
    // kept: p above the last kept one's, or equal to it among the first ties by id (the sort put ties by id)
    const double cut = order[keep - 1].p;
    int64_t ties_kept = 0;
    for (size_t i = 0; i < keep; ++i) ties_kept += order[i].p == cut ? 1 : 0;
    std::vector<double> p(static_cast<size_t>(vocab));
    for (const Entry& e : order) p[static_cast<size_t>(e.id)] = e.p;
    double acc = 0;
    int64_t last = -1;
    for (int64_t i = 0; i < vocab; ++i) {
      const double pi = p[static_cast<size_t>(i)];
      if (pi < cut || (pi == cut && ties_kept-- <= 0)) continue;
      acc += pi;
      last = i;
      if (u < acc) return i;
    }
    return last;  // rounding: u reached the walk's sum
  }
  double acc = 0;
  for (size_t i = 0; i < keep; ++i) {
    acc += order[i].p;
    if (u < acc) return order[i].id;
  }
  return order[keep - 1].id;
}

}  // namespace lb::infer
