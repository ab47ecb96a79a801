// The device sampler's contract (kernels/cuda/decode_sample.cuh) in double, for its tests (the emulated one and the
// CUDA one): p = expf((l - max) / T); the kept set the smallest most-likely-first prefix (ties by lower id) whose mass
// reaches top_p * sum; the draw u * (kept mass) walked in id order over the kept tokens. A draw is marked near a
// boundary where the kept set's edge or the goal lies within `tolerance` (relative) of one: another summation order
// may then pick a neighbour, so tests do not compare those.
#pragma once

#include <algorithm>
#include <cmath>
#include <cstdint>
#include <numeric>
#include <vector>

namespace sample_ref {

struct Drawn {
  int64_t token;
  bool near_boundary;
};

inline Drawn draw(const std::vector<float>& logits, float temperature, float top_p, double u, double tolerance) {
  const int64_t vocab = static_cast<int64_t>(logits.size());
  const float top = *std::max_element(logits.begin(), logits.end());
  std::vector<float> p(logits.size());
  double sum = 0;
  for (int64_t i = 0; i < vocab; ++i) sum += p[i] = expf((logits[i] - top) / temperature);
  std::vector<int64_t> order(logits.size());
  std::iota(order.begin(), order.end(), 0);
  std::stable_sort(order.begin(), order.end(), [&](int64_t a, int64_t b) { return p[a] > p[b]; });
  std::vector<char> kept(logits.size(), top_p >= 1.0f ? 1 : 0);
  bool near = false;
  if (top_p < 1.0f) {
    const double target = static_cast<double>(top_p) * sum;
    double mass = 0;
    for (int64_t id : order) {
      kept[id] = 1;
      mass += p[id];
      if (mass >= target) {
        near = std::fabs(mass - target) < tolerance * sum || std::fabs(mass - p[id] - target) < tolerance * sum;
        break;
      }
    }
  }
  double kept_mass = 0;
  for (int64_t i = 0; i < vocab; ++i) kept_mass += kept[i] ? p[i] : 0.0;
  const double goal = u * kept_mass;
  double acc = 0;
  int64_t last = -1;
  for (int64_t i = 0; i < vocab; ++i) {
    if (!kept[i]) continue;
    last = i;
    near = near || std::fabs(goal - acc) < tolerance * kept_mass;  // every boundary passed on the way
    acc += p[i];
    if (goal < acc) return Drawn{i, near || std::fabs(goal - acc) < tolerance * kept_mass};
  }
  return Drawn{last, true};
}

}  // namespace sample_ref
