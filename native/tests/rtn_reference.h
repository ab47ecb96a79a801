// Plain scalar RTN written straight from the contract in lowbit.h; the tests' ground truth.
#pragma once

#include <algorithm>
#include <cmath>
#include <cstdint>
#include <vector>

struct RtnResult {
  std::vector<uint8_t> codes;
  std::vector<float> scales, zeros, dequant;
};

inline RtnResult reference_rtn(const std::vector<float>& w, int64_t rows, int64_t cols, int64_t group_size, int bits,
                               bool symmetric) {
  const int64_t group = (group_size <= 0 || group_size > cols) ? cols : group_size;
  const int64_t groups = cols / group;
  const int qmax = (1 << bits) - 1;
  RtnResult r;
  r.codes.resize(static_cast<size_t>(rows * cols));
  r.dequant.resize(r.codes.size());
  r.scales.resize(static_cast<size_t>(rows * groups));
  r.zeros.resize(r.scales.size());
  for (int64_t row = 0; row < rows; ++row) {
    for (int64_t g = 0; g < groups; ++g) {
      const float* x = &w[static_cast<size_t>(row * cols + g * group)];
      float lo = x[0], hi = x[0], amax = 0.0f;
      for (int64_t j = 0; j < group; ++j) {
        lo = std::min(lo, x[j]);
        hi = std::max(hi, x[j]);
        amax = std::max(amax, std::fabs(x[j]));
      }
      float s;
      int z;
      if (symmetric) {
        s = amax / static_cast<float>((1 << (bits - 1)) - 1);
        if (s == 0.0f) s = 1.0f;
        z = 1 << (bits - 1);
      } else {
        s = std::min(std::max((hi - lo) / static_cast<float>(qmax), 1e-4f), 1e4f);
        z = static_cast<int>(std::min(std::max(std::nearbyint(-lo / s), 0.0f), static_cast<float>(qmax)));
      }
      const size_t k = static_cast<size_t>(row * groups + g);
      r.scales[k] = s;
      r.zeros[k] = static_cast<float>(z);
      for (int64_t j = 0; j < group; ++j) {
        const float t = std::nearbyint(x[j] / s) + static_cast<float>(z);
        const int q = static_cast<int>(std::min(std::max(t, 0.0f), static_cast<float>(qmax)));
        const size_t i = static_cast<size_t>(row * cols + g * group + j);
        r.codes[i] = static_cast<uint8_t>(q);
        r.dequant[i] = static_cast<float>(q - z) * s;
      }
    }
  }
  return r;
}
