// The dense one-row GEMV (dense_gemv_cpu.h), compiled once per instruction-set variant: a translation unit defines
// LB_DENSE_VARIANT and includes this file; with LB_DENSE_AVX2 the rows are read 8 columns at a time with AVX2 + F16C.
#pragma once

#include <stdint.h>

#include <algorithm>

#ifdef _OPENMP
#include <omp.h>
#endif
#if LB_DENSE_AVX2
#include <immintrin.h>
#endif

#include "kernels/cpu/dense_gemv_cpu.h"

namespace lb::kernels::LB_DENSE_VARIANT {

constexpr int kRows = 4;  // rows per pass: each x load serves 4 rows

template <int D>
inline float element(const void* w, int64_t i) {
  if constexpr (D == kTypeF32) return static_cast<const float*>(w)[i];
  if constexpr (D == kTypeF16) return to_f32(F16{static_cast<const uint16_t*>(w)[i]});
  return to_f32(BF16{static_cast<const uint16_t*>(w)[i]});
}

#if LB_DENSE_AVX2
template <int D>
inline __m256 load8(const void* w, int64_t i) {
  if constexpr (D == kTypeF32) return _mm256_loadu_ps(static_cast<const float*>(w) + i);
  const __m128i h = _mm_loadu_si128(reinterpret_cast<const __m128i*>(static_cast<const uint16_t*>(w) + i));
  if constexpr (D == kTypeF16) return _mm256_cvtph_ps(h);
  return _mm256_castsi256_ps(_mm256_slli_epi32(_mm256_cvtepu16_epi32(h), 16));
}

inline float hsum(__m256 v) {
  const __m128 s = _mm_add_ps(_mm256_castps256_ps128(v), _mm256_extractf128_ps(v, 1));
  const __m128 t = _mm_add_ps(s, _mm_movehl_ps(s, s));
  return _mm_cvtss_f32(_mm_add_ss(t, _mm_movehdup_ps(t)));
}
#endif

// Rows [r0, r0 + n), n <= kRows.
template <int D>
inline void rows(const DenseGemvArgs& a, int64_t r0, int n) {
  float acc[kRows] = {0.0f, 0.0f, 0.0f, 0.0f};
  int64_t i = 0;
#if LB_DENSE_AVX2
  if (n == kRows) {
    __m256 v[kRows] = {_mm256_setzero_ps(), _mm256_setzero_ps(), _mm256_setzero_ps(), _mm256_setzero_ps()};
    for (; i + 8 <= a.in; i += 8) {
      const __m256 x = _mm256_loadu_ps(a.x + i);
      for (int r = 0; r < kRows; ++r) v[r] = _mm256_fmadd_ps(load8<D>(a.w, (r0 + r) * a.in + i), x, v[r]);
    }
    for (int r = 0; r < kRows; ++r) acc[r] = hsum(v[r]);
  }
#endif
  for (int r = 0; r < n; ++r) {
    const int64_t row = (r0 + r) * a.in;
    float s = acc[r];
    for (int64_t j = i; j < a.in; ++j) s += element<D>(a.w, row + j) * a.x[j];
    a.y[r0 + r] = s;
  }
}

template <int D>
void dense_gemv(const DenseGemvArgs& a) {
  const int64_t passes = (a.out + kRows - 1) / kRows;
  int threads = a.num_threads;
#ifdef _OPENMP
  if (threads <= 0) threads = omp_get_max_threads();
#pragma omp parallel for schedule(static) num_threads(threads) if (a.in * a.out >= (1 << 16))
#endif
  for (int64_t p = 0; p < passes; ++p) {
    const int64_t r0 = p * kRows;
    rows<D>(a, r0, static_cast<int>(std::min<int64_t>(kRows, a.out - r0)));
  }
  (void)threads;
}

}  // namespace lb::kernels::LB_DENSE_VARIANT
