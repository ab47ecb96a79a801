// The dense GEMV (dense_gemv_cpu.h), compiled once per instruction-set variant: a translation unit defines
// LB_DENSE_VARIANT and includes this file; with LB_DENSE_AVX2 the rows are read 8 columns at a time with AVX2 + F16C.
// One row streams the weight straight from memory. A few rows take the weight kRows rows at a time: a 16-bit block is
// widened once into a per-thread f32 buffer (kRows x in floats, L2-sized), then every x row runs over it. From
// kPanelMinRows rows, 64 output rows x 512 input columns at a time are widened and transposed into panels
// (panel_dot.h's layout) and four x rows at a time run over each panel, as the packed GEMM does.
#pragma once

#include <stdint.h>

#include <algorithm>
#include <vector>

#ifdef _OPENMP
#include <omp.h>
#endif
#if LB_DENSE_AVX2
#include <immintrin.h>
#endif

#include "kernels/cpu/dense_gemv_cpu.h"
#include "kernels/cpu/panel_dot.h"

namespace lb::kernels::LB_DENSE_VARIANT {

constexpr int kRows = 4;  // weight rows per pass: each x load serves 4 rows
constexpr int64_t kPanelMinRows = 16;  // x rows from which the panel path runs (below: the transpose costs more)
constexpr int64_t kBlockPanels = 4;    // panels of kPanelWidth output rows per work item (64 rows)
constexpr int64_t kChunk = 512;        // input columns widened into the panels at a time (512: 1 KB runs of a bf16 row)

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

// One x row, weight rows [r0, r0 + n), n <= kRows, read as stored.
template <int D>
inline void one_row_pass(const DenseGemvArgs& a, int64_t r0, int n) {
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

// Weight rows [r0, r0 + n) in f32 at `block` (kRows rows of `in`, rows past n zero) against every x row.
inline void block_pass(const DenseGemvArgs& a, const float* block, int64_t r0, int n) {
  const int64_t in = a.in;
  int64_t xr = 0;
#if LB_DENSE_AVX2
  for (; xr + 2 <= a.rows; xr += 2) {  // 4 weight rows x 2 x rows: 8 sums in registers, 6 loads per 8 FMAs
    const float* x0 = a.x + xr * in;
    const float* x1 = x0 + in;
    __m256 v0[kRows], v1[kRows];
    for (int r = 0; r < kRows; ++r) v0[r] = v1[r] = _mm256_setzero_ps();
    int64_t i = 0;
    for (; i + 8 <= in; i += 8) {
      const __m256 a0 = _mm256_loadu_ps(x0 + i), a1 = _mm256_loadu_ps(x1 + i);
      for (int r = 0; r < kRows; ++r) {
        const __m256 w = _mm256_loadu_ps(block + r * in + i);
        v0[r] = _mm256_fmadd_ps(w, a0, v0[r]);
        v1[r] = _mm256_fmadd_ps(w, a1, v1[r]);
      }
    }
    for (int r = 0; r < n; ++r) {
      float s0 = hsum(v0[r]), s1 = hsum(v1[r]);
      for (int64_t j = i; j < in; ++j) {
        s0 += block[r * in + j] * x0[j];
        s1 += block[r * in + j] * x1[j];
      }
      a.y[xr * a.out + r0 + r] = s0;
      a.y[(xr + 1) * a.out + r0 + r] = s1;
    }
  }
#endif
  for (; xr < a.rows; ++xr) {  // the last row of an odd count: one_row_pass over the f32 block
    float sums[kRows];  // the block has kRows rows (zero past n)
    one_row_pass<kTypeF32>(DenseGemvArgs{a.x + xr * in, 1, in, kRows, block, kTypeF32, sums, 1}, 0, kRows);
    for (int r = 0; r < n; ++r) a.y[xr * a.out + r0 + r] = sums[r];
  }
}

// The f32 view of weight rows [r0, r0 + n): the weight itself when it is f32 and the pass is whole, else `buffer`
// filled (widened, and zero past n).
template <int D>
inline const float* block_of(const DenseGemvArgs& a, int64_t r0, int n, float* buffer) {
  if constexpr (D == kTypeF32) {
    if (n == kRows) return static_cast<const float*>(a.w) + r0 * a.in;
  }
  const int64_t count = n * a.in;
  int64_t i = 0;
#if LB_DENSE_AVX2
  for (; i + 8 <= count; i += 8) _mm256_storeu_ps(buffer + i, load8<D>(a.w, r0 * a.in + i));
#endif
  for (; i < count; ++i) buffer[i] = element<D>(a.w, r0 * a.in + i);
  std::fill(buffer + count, buffer + kRows * a.in, 0.0f);
  return buffer;
}

#if LB_DENSE_AVX2
// Rows r[0..8) (8 columns each) -> columns: r[j] becomes column j.
inline void transpose8(__m256 r[8]) {
  const __m256 t0 = _mm256_unpacklo_ps(r[0], r[1]), t1 = _mm256_unpackhi_ps(r[0], r[1]);
  const __m256 t2 = _mm256_unpacklo_ps(r[2], r[3]), t3 = _mm256_unpackhi_ps(r[2], r[3]);
  const __m256 t4 = _mm256_unpacklo_ps(r[4], r[5]), t5 = _mm256_unpackhi_ps(r[4], r[5]);
  const __m256 t6 = _mm256_unpacklo_ps(r[6], r[7]), t7 = _mm256_unpackhi_ps(r[6], r[7]);
  const __m256 u0 = _mm256_shuffle_ps(t0, t2, 0x44), u1 = _mm256_shuffle_ps(t0, t2, 0xEE);
  const __m256 u2 = _mm256_shuffle_ps(t1, t3, 0x44), u3 = _mm256_shuffle_ps(t1, t3, 0xEE);
  const __m256 u4 = _mm256_shuffle_ps(t4, t6, 0x44), u5 = _mm256_shuffle_ps(t4, t6, 0xEE);
  const __m256 u6 = _mm256_shuffle_ps(t5, t7, 0x44), u7 = _mm256_shuffle_ps(t5, t7, 0xEE);
  r[0] = _mm256_permute2f128_ps(u0, u4, 0x20);
  r[1] = _mm256_permute2f128_ps(u1, u5, 0x20);
  r[2] = _mm256_permute2f128_ps(u2, u6, 0x20);
  r[3] = _mm256_permute2f128_ps(u3, u7, 0x20);
  r[4] = _mm256_permute2f128_ps(u0, u4, 0x31);
  r[5] = _mm256_permute2f128_ps(u1, u5, 0x31);
  r[6] = _mm256_permute2f128_ps(u2, u6, 0x31);
  r[7] = _mm256_permute2f128_ps(u3, u7, 0x31);
}
#endif

// q[(p * kChunk + ii) * kPanelWidth + c] = w[o0 + p * kPanelWidth + c, i0 + ii] for p < panels, ii < ni, in f32;
// zero for output rows at or past o0 + no.
template <int D>
inline void widen_panels(const DenseGemvArgs& a, int64_t o0, int64_t no, int64_t panels, int64_t i0, int64_t ni,
                         float* q) {
  for (int64_t p = 0; p < panels; ++p) {
    float* qp = q + p * kChunk * kPanelWidth;
    for (int64_t c0 = 0; c0 < kPanelWidth; c0 += 8) {  // 8 output rows at a time
      const int64_t first = p * kPanelWidth + c0;
      const int64_t valid = std::clamp<int64_t>(no - first, 0, 8);
      const int64_t row0 = (o0 + first) * a.in + i0;  // element of output row o0 + first, column i0
      int64_t ii = 0;
#if LB_DENSE_AVX2
      if (valid == 8) {
        for (; ii + 8 <= ni; ii += 8) {
          __m256 r[8];
          for (int j = 0; j < 8; ++j) r[j] = load8<D>(a.w, row0 + j * a.in + ii);
          transpose8(r);
          for (int j = 0; j < 8; ++j) _mm256_storeu_ps(qp + (ii + j) * kPanelWidth + c0, r[j]);
        }
      }
#endif
      for (; ii < ni; ++ii) {
        for (int64_t c = 0; c < 8; ++c) {
          qp[ii * kPanelWidth + c0 + c] = c < valid ? element<D>(a.w, row0 + c * a.in + ii) : 0.0f;
        }
      }
    }
  }
}

// rows >= kPanelMinRows: work items of kBlockPanels * kPanelWidth output rows; acc [rows, that] per thread.
template <int D>
void dense_panels(const DenseGemvArgs& a, int threads) {
  constexpr int64_t block = kBlockPanels * kPanelWidth;
  const int64_t blocks = (a.out + block - 1) / block;
#ifdef _OPENMP
#pragma omp parallel num_threads(threads)
#endif
  {
    std::vector<float> q(static_cast<size_t>(kBlockPanels * kChunk * kPanelWidth));
    std::vector<float> acc(static_cast<size_t>(a.rows * block));
#ifdef _OPENMP
#pragma omp for schedule(static)
#endif
    for (int64_t b = 0; b < blocks; ++b) {
      const int64_t o0 = b * block;
      const int64_t no = std::min(block, a.out - o0);
      const int64_t panels = (no + kPanelWidth - 1) / kPanelWidth;
      std::fill(acc.begin(), acc.end(), 0.0f);
      for (int64_t i0 = 0; i0 < a.in; i0 += kChunk) {
        const int64_t ni = std::min(kChunk, a.in - i0);
        widen_panels<D>(a, o0, no, panels, i0, ni, q.data());
        int64_t r = 0;
        for (; r + 4 <= a.rows; r += 4) {  // four x rows' ni values stay in L1 across the panels
          for (int64_t p = 0; p < panels; ++p) {
            panel_dot4(q.data() + p * kChunk * kPanelWidth, a.x + r * a.in + i0, a.in, ni,
                       acc.data() + r * block + p * kPanelWidth, block);
          }
        }
        for (; r < a.rows; ++r) {
          for (int64_t p = 0; p < panels; ++p) {
            panel_dot1(q.data() + p * kChunk * kPanelWidth, a.x + r * a.in + i0, ni,
                       acc.data() + r * block + p * kPanelWidth);
          }
        }
      }
      for (int64_t r = 0; r < a.rows; ++r) std::copy_n(acc.data() + r * block, no, a.y + r * a.out + o0);
    }
  }
  (void)threads;
}

template <int D>
void dense_gemv(const DenseGemvArgs& a) {
  const int64_t passes = (a.out + kRows - 1) / kRows;
  int threads = a.num_threads;
#ifdef _OPENMP
  if (threads <= 0) threads = omp_get_max_threads();
#endif
  if (a.rows == 1) {
#ifdef _OPENMP
#pragma omp parallel for schedule(static) num_threads(threads) if (a.in * a.out >= (1 << 16))
#endif
    for (int64_t p = 0; p < passes; ++p) {
      const int64_t r0 = p * kRows;
      one_row_pass<D>(a, r0, static_cast<int>(std::min<int64_t>(kRows, a.out - r0)));
    }
    return;
  }
  if (a.rows >= kPanelMinRows) return dense_panels<D>(a, threads);
#ifdef _OPENMP
#pragma omp parallel num_threads(threads) if (a.rows * a.in * a.out >= (1 << 16))
#endif
  {
    std::vector<float> buffer(static_cast<size_t>(kRows * a.in));
#ifdef _OPENMP
#pragma omp for schedule(static)
#endif
    for (int64_t p = 0; p < passes; ++p) {
      const int64_t r0 = p * kRows;
      const int n = static_cast<int>(std::min<int64_t>(kRows, a.out - r0));
      block_pass(a, block_of<D>(a, r0, n, buffer.data()), r0, n);
    }
  }
  (void)threads;
}

}  // namespace lb::kernels::LB_DENSE_VARIANT
