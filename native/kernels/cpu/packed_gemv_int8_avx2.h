// The m = 1 packed GEMV on integer dots (AVX2): x is quantized per 32 input rows (a "k-block") to two int8
// levels, q1 = rint(x / d) with d = absmax / 127 and the residual q2 = rint((x / d - q1) * 254), so
// x = d * (q1 + q2 / 254) to ~15 bits, the same contract as the CUDA GEMV (packed_gemv_cuda.cuh). The weight codes
// are unpacked to bytes (4 per 32-bit lane, one lane per output column) and meet x through vpmaddubsw; per
// k-block a column's sum is exact in int32, then scaled once in f32.
// Why: the float kernel (packed_matmul_cpu_impl.h) converts every code to a float and spends an FMA on it, and is
// bound by that work, not by memory (int2 and int4 at 11008 x 4096 took the same ~2.4 ms on 2 cores, 2026-12-04).
// Included by packed_matmul_cpu_avx2.cpp only (built with -mavx2 -mfma), after packed_matmul_cpu_impl.h.
#pragma once

#include <immintrin.h>
#include <stdint.h>

#include <cmath>
#include <vector>

#include "kernels/cpu/packed_matmul_cpu.h"

namespace lb::kernels::LB_PACKED_VARIANT::int8_gemv {

constexpr int kBlockRows = 32;          // input rows per k-block (one x scale)
constexpr int kParts = 8;               // byte vectors a k-block's codes unpack to (4 rows per column lane each)
constexpr int64_t kColumnBlock = 1024;  // most columns per work item: its accumulators stay in L1

// The quantized x of one k-block: for unpacked part p, the 4 int8 of q1 (x1) and of q2 (x2) that meet that part's
// bytes, broadcast to every lane; dx = d / 254, so x = dx * (254 q1 + q2); sum = dx * sum(254 q1 + q2).
struct alignas(32) XBlock {
  __m256i x1[kParts];
  __m256i x2[kParts];
  float dx;
  float sum;
};

// The input row (within the k-block) that byte i of part p holds, in the unpack order of kblock_dot below.
template <int Bits>
constexpr int row_of(int p, int i) {
  if constexpr (Bits == 4) return 8 * (p / 2) + 2 * i + (p % 2);  // word p / 2, low or high nibbles
  if constexpr (Bits == 2) return 16 * (p / 4) + 4 * i + (p % 4);  // word p / 4, codes shifted by 2 (p % 4)
  return 8 * i + p;                                                  // 3 bits: code p of each 24-bit chunk
}

// Quantizes x [in] into k-blocks; false (blocks unspecified) where x holds a NaN or an infinity.
template <int Bits>
bool quantize_x(const float* x, int64_t in, XBlock* blocks) {
  for (int64_t b = 0; b < in / kBlockRows; ++b) {
    const float* xb = x + b * kBlockRows;
    float absmax = 0.0f;
    for (int i = 0; i < kBlockRows; ++i) {
      const float v = std::fabs(xb[i]);
      if (!(v <= 3.4028234663852886e38f)) return false;  // NaN or an infinity
      absmax = v > absmax ? v : absmax;
    }
    int8_t q1[kBlockRows], q2[kBlockRows];
    int32_t total = 0;
    const float inv = absmax > 0.0f ? 127.0f / absmax : 0.0f;
    const auto level = [](float v) {  // rint (ties to even), clamped to the int8 range
      const float r = __builtin_rintf(v);
      return r > 127.0f ? 127.0f : r < -127.0f ? -127.0f : r;
    };
    for (int i = 0; i < kBlockRows; ++i) {
      const float v = xb[i] * inv;
      const float r1 = level(v);
      const float r2 = level((v - r1) * 254.0f);
      q1[i] = static_cast<int8_t>(r1);
      q2[i] = static_cast<int8_t>(r2);
      total += 254 * q1[i] + q2[i];
    }
    XBlock& out = blocks[b];
    for (int p = 0; p < kParts; ++p) {
      uint32_t w1 = 0, w2 = 0;
      for (int i = 0; i < 4; ++i) {
        w1 |= static_cast<uint32_t>(static_cast<uint8_t>(q1[row_of<Bits>(p, i)])) << (8 * i);
        w2 |= static_cast<uint32_t>(static_cast<uint8_t>(q2[row_of<Bits>(p, i)])) << (8 * i);
      }
      out.x1[p] = _mm256_set1_epi32(static_cast<int32_t>(w1));
      out.x2[p] = _mm256_set1_epi32(static_cast<int32_t>(w2));
    }
    out.dx = absmax * (1.0f / (127.0f * 254.0f));
    out.sum = out.dx * static_cast<float>(total);
  }
  return true;
}

// The 3-bit codes: the 96 bits of 32 codes are four 24-bit chunks (rows 8c .. 8c + 7 in stream bytes 3c .. 3c + 2;
// stream bytes 0-3 are word 0, 4-7 word 1, 8-11 word 2). Byte shuffles put byte k of every chunk into byte c of one
// lane (t[k]); then code j of all four chunks is a shift and a mask (two for the codes 2 and 5 that straddle a byte).
inline __m256i lane_bytes(int8_t b0, int8_t b1, int8_t b2, int8_t b3) {
  // per 32-bit lane: result byte k = source byte b_k of the same lane (-1: zero)
  const auto at = [](int8_t b, int lane) -> int8_t { return b < 0 ? static_cast<int8_t>(-128) : static_cast<int8_t>(4 * lane + b); };
  return _mm256_setr_epi8(at(b0, 0), at(b1, 0), at(b2, 0), at(b3, 0), at(b0, 1), at(b1, 1), at(b2, 1), at(b3, 1),
                          at(b0, 2), at(b1, 2), at(b2, 2), at(b3, 2), at(b0, 3), at(b1, 3), at(b2, 3), at(b3, 3),
                          at(b0, 0), at(b1, 0), at(b2, 0), at(b3, 0), at(b0, 1), at(b1, 1), at(b2, 1), at(b3, 1),
                          at(b0, 2), at(b1, 2), at(b2, 2), at(b3, 2), at(b0, 3), at(b1, 3), at(b2, 3), at(b3, 3));
}

struct Shuffles3 {
  __m256i s[3][3];  // s[t][w]: the bytes word w gives to t[t]
  Shuffles3() {
    s[0][0] = lane_bytes(0, 3, -1, -1);  // t0 = stream bytes 0, 3, 6, 9
    s[0][1] = lane_bytes(-1, -1, 2, -1);
    s[0][2] = lane_bytes(-1, -1, -1, 1);
    s[1][0] = lane_bytes(1, -1, -1, -1);  // t1 = stream bytes 1, 4, 7, 10
    s[1][1] = lane_bytes(-1, 0, 3, -1);
    s[1][2] = lane_bytes(-1, -1, -1, 2);
    s[2][0] = lane_bytes(2, -1, -1, -1);  // t2 = stream bytes 2, 5, 8, 11
    s[2][1] = lane_bytes(-1, 1, -1, -1);
    s[2][2] = lane_bytes(-1, -1, 0, 3);
  }
};

template <int Bits>
[[gnu::always_inline]] inline void unpack_parts(const __m256i (&w)[Bits == 3 ? 3 : Bits == 4 ? 4 : 2], const Shuffles3& sh,
                         __m256i (&part)[kParts]) {
  if constexpr (Bits == 4) {
    const __m256i m = _mm256_set1_epi8(0x0F);
    for (int k = 0; k < 4; ++k) {
      part[2 * k] = _mm256_and_si256(w[k], m);
      part[2 * k + 1] = _mm256_and_si256(_mm256_srli_epi32(w[k], 4), m);
    }
  } else if constexpr (Bits == 2) {
    const __m256i m = _mm256_set1_epi8(0x03);
    for (int k = 0; k < 2; ++k) {
      part[4 * k] = _mm256_and_si256(w[k], m);
      part[4 * k + 1] = _mm256_and_si256(_mm256_srli_epi32(w[k], 2), m);
      part[4 * k + 2] = _mm256_and_si256(_mm256_srli_epi32(w[k], 4), m);
      part[4 * k + 3] = _mm256_and_si256(_mm256_srli_epi32(w[k], 6), m);
    }
  } else {
    __m256i t[3];
    for (int j = 0; j < 3; ++j) {
      t[j] = _mm256_or_si256(_mm256_or_si256(_mm256_shuffle_epi8(w[0], sh.s[j][0]), _mm256_shuffle_epi8(w[1], sh.s[j][1])),
                             _mm256_shuffle_epi8(w[2], sh.s[j][2]));
    }
    const __m256i m7 = _mm256_set1_epi8(0x07);
    part[0] = _mm256_and_si256(t[0], m7);
    part[1] = _mm256_and_si256(_mm256_srli_epi32(t[0], 3), m7);
    part[2] = _mm256_or_si256(_mm256_and_si256(_mm256_srli_epi32(t[0], 6), _mm256_set1_epi8(0x03)),
                              _mm256_and_si256(_mm256_slli_epi32(t[1], 2), _mm256_set1_epi8(0x04)));
    part[3] = _mm256_and_si256(_mm256_srli_epi32(t[1], 1), m7);
    part[4] = _mm256_and_si256(_mm256_srli_epi32(t[1], 4), m7);
    part[5] = _mm256_or_si256(_mm256_and_si256(_mm256_srli_epi32(t[1], 7), _mm256_set1_epi8(0x01)),
                              _mm256_and_si256(_mm256_slli_epi32(t[2], 1), _mm256_set1_epi8(0x06)));
    part[6] = _mm256_and_si256(_mm256_srli_epi32(t[2], 2), m7);
    part[7] = _mm256_and_si256(_mm256_srli_epi32(t[2], 5), m7);
  }
}

// Per column lane: sum over the k-block of code * (254 q1 + q2), exact in int32. A pair of products is at most
// 2 * 15 * 127 = 3810, so the 8 parts' pairs add up in int16 without overflow.
template <int Bits>
[[gnu::always_inline]] inline __m256i kblock_dot(const int32_t* words, int64_t stride, const XBlock& x, const Shuffles3& sh) {
  constexpr int W = Bits == 3 ? 3 : Bits == 4 ? 4 : 2;
  __m256i w[W];
  for (int k = 0; k < W; ++k) w[k] = _mm256_loadu_si256(reinterpret_cast<const __m256i*>(words + k * stride));
  __m256i part[kParts];
  unpack_parts<Bits>(w, sh, part);
  __m256i a1 = _mm256_maddubs_epi16(part[0], x.x1[0]);
  __m256i a2 = _mm256_maddubs_epi16(part[0], x.x2[0]);
  for (int p = 1; p < kParts; ++p) {
    a1 = _mm256_add_epi16(a1, _mm256_maddubs_epi16(part[p], x.x1[p]));
    a2 = _mm256_add_epi16(a2, _mm256_maddubs_epi16(part[p], x.x2[p]));
  }
  return _mm256_add_epi32(_mm256_madd_epi16(a1, _mm256_set1_epi16(254)), _mm256_madd_epi16(a2, _mm256_set1_epi16(1)));
}

// Scales i .. i + 7 as f32 (the 16-bit ones widened: F16C, or bf16 shifted into the high half).
[[gnu::always_inline]] inline __m256 load_scales(const PackedLinearArgs& a, int64_t i) {
  if (a.scales_dtype == kTypeF32) return _mm256_loadu_ps(static_cast<const float*>(a.scales) + i);
  const __m128i h = _mm_loadu_si128(reinterpret_cast<const __m128i*>(static_cast<const uint16_t*>(a.scales) + i));
  if (a.scales_dtype == kTypeF16) return _mm256_cvtph_ps(h);
  return _mm256_castsi256_ps(_mm256_slli_epi32(_mm256_cvtepu16_epi32(h), 16));
}

// Columns [c0, c0 + nc) of y (c0 a multiple of 32, nc of 8 and of a zero-point word's columns): per group, the k-blocks' dots scaled by their dx into gacc, then
// y += s * (gacc - z * (the group's x sum)).
template <int Bits>
void gemv_columns(const PackedLinearArgs& a, const XBlock* xb, const float* group_xsum, int64_t groups, int64_t c0,
                  int64_t nc, float* gacc, float* yacc, float* zf, const Shuffles3& sh) {
  constexpr int W = Bits == 3 ? 3 : Bits == 4 ? 4 : 2;
  const int64_t kblocks = a.in / kBlockRows;
  const int64_t gkb = a.group_size / kBlockRows;
  const int64_t qz_words = a.out * Bits / 32;
  for (int64_t c = 0; c < nc; ++c) yacc[c] = 0.0f;
  for (int64_t g = 0; g < groups; ++g) {
    for (int64_t c = 0; c < nc; ++c) gacc[c] = 0.0f;
    const int64_t kb_end = std::min(kblocks, (g + 1) * gkb);
    for (int64_t kb = g * gkb; kb < kb_end; ++kb) {
      const XBlock& x = xb[kb];
      const __m256 dx = _mm256_set1_ps(x.dx);
      const int32_t* row = a.qweight + kb * W * a.out + c0;
      for (int64_t c = 0; c < nc; c += 8) {
        const __m256i d = kblock_dot<Bits>(row + c, a.out, x, sh);
        _mm256_storeu_ps(gacc + c, _mm256_fmadd_ps(_mm256_cvtepi32_ps(d), dx, _mm256_loadu_ps(gacc + c)));
      }
    }
    unpack_zeros<Bits>(reinterpret_cast<const uint32_t*>(a.qzeros) + g * qz_words, c0, nc, a.zero_offset, zf);
    const int64_t s0 = g * a.out + c0;
    const __m256 xs = _mm256_set1_ps(group_xsum[g]);
    for (int64_t c = 0; c < nc; c += 8) {
      const __m256 t = _mm256_fnmadd_ps(_mm256_loadu_ps(zf + c), xs, _mm256_loadu_ps(gacc + c));
      _mm256_storeu_ps(yacc + c, _mm256_fmadd_ps(load_scales(a, s0 + c), t, _mm256_loadu_ps(yacc + c)));
    }
  }
  for (int64_t c = 0; c < nc; ++c) a.y[c0 + c] = yacc[c];
}

// Whether this kernel takes the call: one row, in and group_size whole k-blocks, out whole 8-column vectors and
// whole zero-point words (defined in packed_matmul_cpu_avx2.cpp: the dispatch site asks too).
bool applies(const PackedLinearArgs& a);

// 0, or -2 where the kernel does not take the call or x is not finite (y untouched).
template <int Bits>
int packed_gemv_int8(const PackedLinearArgs& a) {
  if (!applies(a)) return -2;
  const int64_t kblocks = a.in / kBlockRows;
  // kept per calling thread: ~17 KB per 1000 inputs, above malloc's mmap threshold at Llama widths, so a fresh
  // vector per call paid page faults on every call
  thread_local std::vector<XBlock> xb;
  if (xb.size() < static_cast<size_t>(kblocks)) xb.resize(static_cast<size_t>(kblocks));
  const XBlock* xq = xb.data();  // the caller's blocks: `xb` inside the parallel region would be each thread's own
  if (!quantize_x<Bits>(a.x, a.in, xb.data())) return -2;
  const int64_t gkb = a.group_size / kBlockRows;
  const int64_t groups = (kblocks + gkb - 1) / gkb;
  std::vector<float> group_xsum(static_cast<size_t>(groups), 0.0f);
  for (int64_t kb = 0; kb < kblocks; ++kb) group_xsum[static_cast<size_t>(kb / gkb)] += xq[kb].sum;
  const int threads = resolve_threads(a.num_threads);
  // blocks a multiple of 32 columns wide (whole zero-point words); the last one may be narrower
  const int64_t units = (a.out + 31) / 32;
  int64_t blocks = std::max<int64_t>(threads, (a.out + kColumnBlock - 1) / kColumnBlock);
  if (blocks > units) blocks = units;
  const int64_t width = (units + blocks - 1) / blocks * 32;
  const Shuffles3 sh;
#ifdef _OPENMP
#pragma omp parallel num_threads(threads) if (a.in * a.out >= (1 << 16))
#endif
  {
    std::vector<float> buffer(static_cast<size_t>(3 * width));
#ifdef _OPENMP
#pragma omp for schedule(static)
#endif
    for (int64_t b = 0; b < blocks; ++b) {
      const int64_t c0 = b * width;
      if (c0 < a.out) {
        gemv_columns<Bits>(a, xq, group_xsum.data(), groups, c0, std::min(width, a.out - c0), buffer.data(),
                           buffer.data() + width, buffer.data() + 2 * width, sh);
      }
    }
  }
  return 0;
}

}  // namespace lb::kernels::LB_PACKED_VARIANT::int8_gemv
