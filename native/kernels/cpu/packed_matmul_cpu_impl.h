// The packed matmul kernels, compiled once per instruction-set variant: a translation unit defines
// LB_PACKED_VARIANT (a namespace name), includes this file and instantiates packed_linear<2/3/4>.
// Plain loops over contiguous output columns that gcc -O3 vectorizes; the GEMM's panel product is panel_dot.h's.
#pragma once

#include <stdint.h>

#include <algorithm>
#include <vector>

#ifdef _OPENMP
#include <omp.h>
#endif
#include "kernels/cpu/packed_matmul_cpu.h"
#include "kernels/cpu/panel_dot.h"

#ifndef LB_PACKED_VARIANT
#error "define LB_PACKED_VARIANT before including packed_matmul_cpu_impl.h"
#endif

namespace lb::kernels::LB_PACKED_VARIANT {

// One packing unit: kWords int32 words of one column hold kValues consecutive input rows.
template <int Bits>
struct Unit {
  static constexpr int kWords = Bits == 3 ? 3 : 1;
  static constexpr int kValues = 32 * kWords / Bits;
  static constexpr uint32_t kMask = (1u << Bits) - 1u;

  // Value t of the unit (t a compile-time constant after unrolling, so the shifts are immediates).
  static inline float code(const uint32_t* w, int t) { return static_cast<float>(code_int(w, t)); }

  static inline int32_t code_int(const uint32_t* w, int t) {
    const int bit = t * Bits;
    const int k = bit / 32;
    const int off = bit % 32;
    // Signed int32 up to the conversion: gcc turns a masked unsigned field into an unsigned -> float
    // conversion, which AVX2 lacks, and then leaves the loop scalar. A field inside one word is moved to
    // the top and arithmetic-shifted down (sign-extended), then masked; gcc/clang/nvcc shift int32 as
    // two's complement.
    int32_t v;
    if (off + Bits > 32) {
      v = static_cast<int32_t>((w[k] >> off) | (w[k + 1] << (32 - off)));
    } else {
      v = static_cast<int32_t>(w[k] << (32 - Bits - off)) >> (32 - Bits);
    }
    return v & static_cast<int32_t>(kMask);
  }
};

constexpr int64_t kGemvColumns = 4096;  // most output columns per GEMV work item (wide: whole pages stream)
constexpr int64_t kGemmColumns = 64;   // output columns per GEMM work item
constexpr int64_t kGemmRows = 128;     // input rows unpacked at a time by the GEMM path (a multiple of 32)

inline int resolve_threads(int num_threads) {
#ifdef _OPENMP
  if (num_threads <= 0) return omp_get_max_threads();
#endif
  return num_threads > 0 ? num_threads : 1;
}

// Sum of x over every group, [m, groups].
inline void group_sums(const PackedLinearArgs& a, int64_t groups, float* xsum) {
  for (int64_t r = 0; r < a.m; ++r) {
    for (int64_t g = 0; g < groups; ++g) {
      const int64_t i1 = std::min(a.in, (g + 1) * a.group_size);
      float s = 0.0f;
      for (int64_t i = g * a.group_size; i < i1; ++i) s += a.x[r * a.in + i];
      xsum[r * groups + g] = s;
    }
  }
}

// z[c] = zero point of columns [c0, c0 + nc) of one group: its row of qzeros (packed along the columns)
// unpacked, plus zero_offset mod 2^bits. c0 and nc are multiples of Unit::kValues.
template <int Bits>
inline void unpack_zeros(const uint32_t* qzeros_row, int64_t c0, int64_t nc, int zero_offset, float* z) {
  using U = Unit<Bits>;
  constexpr int W = U::kWords;
  constexpr int V = U::kValues;
  const uint32_t* words = qzeros_row + c0 / V * W;
  for (int64_t u = 0; u < nc / V; ++u) {
#pragma GCC unroll 32
    for (int t = 0; t < V; ++t) {
      z[u * V + t] = static_cast<float>((U::code_int(words + u * W, t) + zero_offset) & static_cast<int32_t>(U::kMask));
    }
  }
}

// acc[c] += sum_t x[t] * q[t, c] for c < N over one unit row of packed words (row[k * stride + c], k < kWords).
// N is a compile-time width (a whole number of vectors, no runtime checks) or kAny (then nc columns).
constexpr int64_t kAny = -1;

template <int Bits, int64_t N>
inline void unit_dot(const uint32_t* __restrict row, int64_t stride, const float* __restrict x,
                     float* __restrict acc, int64_t nc) {
  using U = Unit<Bits>;
  constexpr int W = U::kWords;
  constexpr int V = U::kValues;
  const int64_t n = N == kAny ? nc : N;
  float xv[V];
  for (int t = 0; t < V; ++t) xv[t] = x[t];
  for (int64_t c = 0; c < n; ++c) {
    uint32_t w[W];
    for (int k = 0; k < W; ++k) w[k] = row[k * stride + c];
    // four partial sums keep the FMA chains short
    float p0 = 0.0f, p1 = 0.0f, p2 = 0.0f, p3 = 0.0f;
#pragma GCC unroll 32
    for (int t = 0; t < V; t += 4) {
      p0 += xv[t] * U::code(w, t);
      p1 += xv[t + 1] * U::code(w, t + 1);
      p2 += xv[t + 2] * U::code(w, t + 2);
      p3 += xv[t + 3] * U::code(w, t + 3);
    }
    acc[c] += (p0 + p1) + (p2 + p3);
  }
}

constexpr int64_t kDotWidth = kPanelWidth;  // columns per fixed-width unit_dot and per GEMM panel (two AVX2 vectors)
constexpr int64_t kPrefetchUnits = 2;  // the GEMV prefetches this many unit rows ahead (one line per 16 columns)
static_assert(kGemmColumns % 32 == 0, "GEMM blocks are whole panels and whole zero-point units");

// m == 1: columns [c0, c0 + nc) of y. Each unit row of qweight is read once, unpacked in registers and
// multiply-accumulated into per-column group sums; the scale and zero point are applied once per group.
template <int Bits>
void gemv_columns(const PackedLinearArgs& a, const float* xsum, int64_t groups, int64_t c0, int64_t nc) {
  using U = Unit<Bits>;
  constexpr int W = U::kWords;
  constexpr int V = U::kValues;
  std::vector<float> buffer(static_cast<size_t>(3 * nc));
  float* gacc = buffer.data();
  float* yacc = gacc + nc;
  float* zf = yacc + nc;
  const uint32_t* qz = reinterpret_cast<const uint32_t*>(a.qzeros);
  const int64_t qz_words = a.out * Bits / 32;
  for (int64_t c = 0; c < nc; ++c) yacc[c] = 0.0f;
  const uint32_t* qw = reinterpret_cast<const uint32_t*>(a.qweight);
  for (int64_t g = 0; g < groups; ++g) {
    for (int64_t c = 0; c < nc; ++c) gacc[c] = 0.0f;
    const int64_t i1 = std::min(a.in, (g + 1) * a.group_size);
    for (int64_t i = g * a.group_size; i < i1; i += V) {
      const uint32_t* row = qw + (i / V) * W * a.out + c0;
      int64_t c = 0;
      const bool prefetch = i + kPrefetchUnits * V < a.in;  // the rows ahead exist
      for (; c + kDotWidth <= nc; c += kDotWidth) {
        if (prefetch) {
          for (int k = 0; k < W; ++k) __builtin_prefetch(row + (kPrefetchUnits * W + k) * a.out + c);
        }
        unit_dot<Bits, kDotWidth>(row + c, a.out, a.x + i, gacc + c, 0);
      }
      if (c < nc) unit_dot<Bits, kAny>(row + c, a.out, a.x + i, gacc + c, nc - c);
    }
    unpack_zeros<Bits>(qz + g * qz_words, c0, nc, a.zero_offset, zf);
    const float* __restrict s = static_cast<const float*>(a.scales) + g * a.out + c0;  // f32 (see run)
    const float xs = xsum[g];
    for (int64_t c = 0; c < nc; ++c) yacc[c] += s[c] * (gacc[c] - zf[c] * xs);
  }
  float* __restrict y = a.y + c0;
  for (int64_t c = 0; c < nc; ++c) y[c] = yacc[c];
}

// q[t * ld + c] = code t of column c for c < N (N as in unit_dot) of one unit row.
template <int Bits, int64_t N>
inline void unpack_unit(const uint32_t* __restrict row, int64_t stride, float* __restrict q, int64_t ld, int64_t nc) {
  using U = Unit<Bits>;
  constexpr int W = U::kWords;
  constexpr int V = U::kValues;
  const int64_t n = N == kAny ? nc : N;
  for (int64_t c = 0; c < n; ++c) {
    uint32_t w[W];
    for (int k = 0; k < W; ++k) w[k] = row[k * stride + c];
#pragma GCC unroll 32
    for (int t = 0; t < V; ++t) q[t * ld + c] = U::code(w, t);
  }
}

// m > 1: columns [c0, c0 + nc) of every row of y. A chunk of up to kGemmRows input rows is unpacked once
// to floats and reused by all m rows of x. The unpacked tile is stored in panels of kDotWidth columns,
// q[(panel * kGemmRows + row) * kDotWidth + column], so every inner loop has compile-time strides.
// q holds kGemmRows * kGemmColumns floats; gacc and yacc m * kGemmColumns.
template <int Bits>
void gemm_columns(const PackedLinearArgs& a, const float* xsum, int64_t groups, int64_t c0, int64_t nc,
                  float* q, float* gacc, float* yacc, float* zf) {
  using U = Unit<Bits>;
  constexpr int W = U::kWords;
  constexpr int V = U::kValues;
  constexpr int64_t P = kDotWidth;
  const int64_t m = a.m;
  const int64_t panels = (nc + P - 1) / P;
  const int64_t ld = panels * P;  // row stride of gacc and yacc (the last panel may be partly unused)
  const uint32_t* qw = reinterpret_cast<const uint32_t*>(a.qweight);
  std::fill(yacc, yacc + m * ld, 0.0f);
  for (int64_t g = 0; g < groups; ++g) {
    std::fill(gacc, gacc + m * ld, 0.0f);
    const int64_t i1 = std::min(a.in, (g + 1) * a.group_size);
    for (int64_t i0 = g * a.group_size; i0 < i1; i0 += kGemmRows) {
      const int64_t rows = std::min(kGemmRows, i1 - i0);  // a multiple of V, so of 8
      for (int64_t u = 0; u < rows / V; ++u) {
        const uint32_t* row = qw + (i0 / V + u) * W * a.out + c0;
        for (int64_t p = 0; p < panels; ++p) {
          float* qp = q + (p * kGemmRows + u * V) * P;
          if ((p + 1) * P <= nc) {
            unpack_unit<Bits, P>(row + p * P, a.out, qp, P, 0);
          } else {
            unpack_unit<Bits, kAny>(row + p * P, a.out, qp, P, nc - p * P);
          }
        }
      }
      // x rows outer: four rows' 128 values stay in L1 across the block's panels
      int64_t r = 0;
      for (; r + 4 <= m; r += 4) {
        for (int64_t p = 0; p < panels; ++p) {
          panel_dot4(q + p * kGemmRows * P, a.x + r * a.in + i0, a.in, rows, gacc + r * ld + p * P, ld);
        }
      }
      for (; r < m; ++r) {
        for (int64_t p = 0; p < panels; ++p) {
          panel_dot1(q + p * kGemmRows * P, a.x + r * a.in + i0, rows, gacc + r * ld + p * P);
        }
      }
    }
    unpack_zeros<Bits>(reinterpret_cast<const uint32_t*>(a.qzeros) + g * (a.out * Bits / 32), c0, nc,
                       a.zero_offset, zf);
    const float* __restrict s = static_cast<const float*>(a.scales) + g * a.out + c0;  // f32 (see run)
    for (int64_t r = 0; r < m; ++r) {
      const float xs = xsum[r * groups + g];
      const float* __restrict acc = gacc + r * ld;
      float* __restrict ya = yacc + r * ld;
      for (int64_t c = 0; c < nc; ++c) ya[c] += s[c] * (acc[c] - zf[c] * xs);
    }
  }
  for (int64_t r = 0; r < m; ++r) std::copy(yacc + r * ld, yacc + r * ld + nc, a.y + r * a.out + c0);
}

template <int Bits>
void packed_linear(const PackedLinearArgs& a) {
  const int64_t groups = (a.in + a.group_size - 1) / a.group_size;
  std::vector<float> xsum(static_cast<size_t>(a.m * groups));
  group_sums(a, groups, xsum.data());
  const int threads = resolve_threads(a.num_threads);
  if (a.m == 1) {
    // at least one block per thread; blocks a multiple of 32 columns wide (whole zero-point units)
    const int64_t blocks = std::max<int64_t>(threads, (a.out + kGemvColumns - 1) / kGemvColumns);
    const int64_t width = ((a.out + blocks - 1) / blocks + 31) / 32 * 32;
#ifdef _OPENMP
#pragma omp parallel for schedule(static) num_threads(threads) if (a.in * a.out >= (1 << 16))
#endif
    for (int64_t b = 0; b < blocks; ++b) {
      const int64_t c0 = b * width;
      if (c0 < a.out) gemv_columns<Bits>(a, xsum.data(), groups, c0, std::min(width, a.out - c0));
    }
    (void)threads;
    return;
  }
  const int64_t blocks = (a.out + kGemmColumns - 1) / kGemmColumns;
#ifdef _OPENMP
#pragma omp parallel num_threads(threads) if (a.m * a.in * a.out >= (1 << 16))
#endif
  {
    std::vector<float> q(static_cast<size_t>(kGemmRows * kGemmColumns), 0.0f);
    std::vector<float> gacc(static_cast<size_t>(a.m * kGemmColumns));
    std::vector<float> yacc(static_cast<size_t>(a.m * kGemmColumns));
    std::vector<float> zf(static_cast<size_t>(kGemmColumns));
#ifdef _OPENMP
#pragma omp for schedule(static)
#endif
    for (int64_t b = 0; b < blocks; ++b) {
      const int64_t c0 = b * kGemmColumns;
      gemm_columns<Bits>(a, xsum.data(), groups, c0, std::min(kGemmColumns, a.out - c0), q.data(), gacc.data(),
                         yacc.data(), zf.data());
    }
  }
  (void)threads;
}

}  // namespace lb::kernels::LB_PACKED_VARIANT
