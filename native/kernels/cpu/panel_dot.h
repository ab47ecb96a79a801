// The GEMM microkernel the CPU kernels share (the packed GEMM, the dense GEMV's panel path): rows of x over one panel
// of a weight already widened to f32 and stored k-major, qp[ii * kPanelWidth + c] = W[c, ii] for 16 output columns c.
// Internal linkage on purpose: the plain and the AVX2 translation units each compile their own copy with their own
// flags (one body under __AVX2__, one without), so no copy may stand in for the other at link time.
#pragma once

#include <stdint.h>

#if defined(__AVX2__) && defined(__FMA__)
#include <immintrin.h>
#endif

namespace lb::kernels {
namespace {

constexpr int64_t kPanelWidth = 16;  // output columns per panel: two AVX2 vectors

// acc[c] += sum_ii xr[ii] * qp[ii * kPanelWidth + c] for c < kPanelWidth, ii < rows: one row of x.
inline void panel_dot1(const float* __restrict qp, const float* __restrict xr, int64_t rows, float* __restrict acc) {
  constexpr int64_t P = kPanelWidth;
#if defined(__AVX2__) && defined(__FMA__)
  // four ii per step into four pairs of sums (independent FMA chains), added at the end
  __m256 a0 = _mm256_loadu_ps(acc), a1 = _mm256_loadu_ps(acc + 8);
  __m256 b0 = _mm256_setzero_ps(), b1 = b0, c0 = b0, c1 = b0, d0 = b0, d1 = b0;
  int64_t ii = 0;
  for (; ii + 4 <= rows; ii += 4) {
    const float* q = qp + ii * P;
    const __m256 x0 = _mm256_broadcast_ss(xr + ii), x1 = _mm256_broadcast_ss(xr + ii + 1);
    const __m256 x2 = _mm256_broadcast_ss(xr + ii + 2), x3 = _mm256_broadcast_ss(xr + ii + 3);
    a0 = _mm256_fmadd_ps(x0, _mm256_loadu_ps(q), a0);
    a1 = _mm256_fmadd_ps(x0, _mm256_loadu_ps(q + 8), a1);
    b0 = _mm256_fmadd_ps(x1, _mm256_loadu_ps(q + P), b0);
    b1 = _mm256_fmadd_ps(x1, _mm256_loadu_ps(q + P + 8), b1);
    c0 = _mm256_fmadd_ps(x2, _mm256_loadu_ps(q + 2 * P), c0);
    c1 = _mm256_fmadd_ps(x2, _mm256_loadu_ps(q + 2 * P + 8), c1);
    d0 = _mm256_fmadd_ps(x3, _mm256_loadu_ps(q + 3 * P), d0);
    d1 = _mm256_fmadd_ps(x3, _mm256_loadu_ps(q + 3 * P + 8), d1);
  }
  for (; ii < rows; ++ii) {
    const __m256 x0 = _mm256_broadcast_ss(xr + ii);
    a0 = _mm256_fmadd_ps(x0, _mm256_loadu_ps(qp + ii * P), a0);
    a1 = _mm256_fmadd_ps(x0, _mm256_loadu_ps(qp + ii * P + 8), a1);
  }
  _mm256_storeu_ps(acc, _mm256_add_ps(_mm256_add_ps(a0, b0), _mm256_add_ps(c0, d0)));
  _mm256_storeu_ps(acc + 8, _mm256_add_ps(_mm256_add_ps(a1, b1), _mm256_add_ps(c1, d1)));
#else
  float sum[P];
  for (int64_t cc = 0; cc < P; ++cc) sum[cc] = acc[cc];
  int64_t ii = 0;
  for (; ii + 4 <= rows; ii += 4) {
    const float x0 = xr[ii], x1 = xr[ii + 1], x2 = xr[ii + 2], x3 = xr[ii + 3];
    const float* __restrict q0 = qp + ii * P;
    for (int64_t cc = 0; cc < P; ++cc) {
      sum[cc] += (x0 * q0[cc] + x1 * q0[P + cc]) + (x2 * q0[2 * P + cc] + x3 * q0[3 * P + cc]);
    }
  }
  for (; ii < rows; ++ii) {
    for (int64_t cc = 0; cc < P; ++cc) sum[cc] += xr[ii] * qp[ii * P + cc];
  }
  for (int64_t cc = 0; cc < P; ++cc) acc[cc] = sum[cc];
#endif
}

// The same for four rows of x (x + r * x_ld, acc + r * acc_ld, r < 4). With AVX2 + FMA each panel load serves the
// four rows: 8 sums in registers, 2 loads and 4 broadcasts per 8 FMAs (one row at a time: 2 loads and a broadcast per
// 2 FMAs, half the FMA rate on a Zen 4).
inline void panel_dot4(const float* __restrict qp, const float* __restrict x, int64_t x_ld, int64_t rows,
                       float* __restrict acc, int64_t acc_ld) {
#if defined(__AVX2__) && defined(__FMA__)
  // Intrinsics, the sums in named variables: from plain loops, or from an array of __m256, gcc 12 keeps the sums in
  // stack memory and stores them every iteration (measured: half the FMA rate).
  static_assert(kPanelWidth == 16, "two AVX2 vectors per panel row");
  const float* __restrict x0 = x;
  const float* __restrict x1 = x + x_ld;
  const float* __restrict x2 = x + 2 * x_ld;
  const float* __restrict x3 = x + 3 * x_ld;
  float* a0 = acc;
  float* a1 = acc + acc_ld;
  float* a2 = acc + 2 * acc_ld;
  float* a3 = acc + 3 * acc_ld;
  __m256 s00 = _mm256_loadu_ps(a0), s01 = _mm256_loadu_ps(a0 + 8);
  __m256 s10 = _mm256_loadu_ps(a1), s11 = _mm256_loadu_ps(a1 + 8);
  __m256 s20 = _mm256_loadu_ps(a2), s21 = _mm256_loadu_ps(a2 + 8);
  __m256 s30 = _mm256_loadu_ps(a3), s31 = _mm256_loadu_ps(a3 + 8);
  for (int64_t ii = 0; ii < rows; ++ii) {
    const __m256 q0 = _mm256_loadu_ps(qp + ii * kPanelWidth), q1 = _mm256_loadu_ps(qp + ii * kPanelWidth + 8);
    const __m256 b0 = _mm256_broadcast_ss(x0 + ii), b1 = _mm256_broadcast_ss(x1 + ii);
    const __m256 b2 = _mm256_broadcast_ss(x2 + ii), b3 = _mm256_broadcast_ss(x3 + ii);
    s00 = _mm256_fmadd_ps(b0, q0, s00);
    s01 = _mm256_fmadd_ps(b0, q1, s01);
    s10 = _mm256_fmadd_ps(b1, q0, s10);
    s11 = _mm256_fmadd_ps(b1, q1, s11);
    s20 = _mm256_fmadd_ps(b2, q0, s20);
    s21 = _mm256_fmadd_ps(b2, q1, s21);
    s30 = _mm256_fmadd_ps(b3, q0, s30);
    s31 = _mm256_fmadd_ps(b3, q1, s31);
  }
  _mm256_storeu_ps(a0, s00);
  _mm256_storeu_ps(a0 + 8, s01);
  _mm256_storeu_ps(a1, s10);
  _mm256_storeu_ps(a1 + 8, s11);
  _mm256_storeu_ps(a2, s20);
  _mm256_storeu_ps(a2 + 8, s21);
  _mm256_storeu_ps(a3, s30);
  _mm256_storeu_ps(a3 + 8, s31);
#else
  for (int r = 0; r < 4; ++r) panel_dot1(qp, x + r * x_ld, rows, acc + r * acc_ld);
#endif
}

}  // namespace
}  // namespace lb::kernels
