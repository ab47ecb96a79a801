// Tensor-core (mma.sync m16n8k16, fp32 accumulation) kernel of the packed int2/3/4 matmul for m >= 5, and its
// launch plan (included by packed_mma_cuda.cu and by the host emulation test). Contract: packed_matmul_cuda.h.
//
// Operands. A = x (16 rows per m16 tile, zero padded), B = W^T (k x n), one 16-bit type per launch:
//   x f16  -> f16 mma; x bf16 -> bf16 mma; x f32 -> bf16 mma on x = hi + lo (two bf16 parts, two mmas):
//   bf16 keeps f32's range (f16 overflows above 65504) and hi + lo keeps 16 mantissa bits.
// B values are dequantized in registers as the exact 16-bit (q - z): (magic + q) - (magic + z) with the
// magic 1024 (f16) or 128 (bf16) in the exponent, so one LOP and one SUB per pair of values.
// Scales: when a k-step (below) stays in one group ("fold"), the mmas accumulate sum x * (q - z) per group
// in a partial accumulator that is added as acc += s * partial at each group change: exact products,
// f32 sums. Otherwise (bits 2 with group 32, bits 3 with group 32 / 64) each B pair is multiplied by its
// 16-bit scale before the mma (one rounding of the weight; relative error ~1e-3 for bf16).
//
// Layout. Block: 4 warps, each owning 32 output columns (128 per block), all walking the same range of `in`
// (split-k over gridDim.y, m tiles of 16 * MB rows over gridDim.z). A warp's k-step is 4 packing units
// (4 * R rows, R = 8 / 16 / 32 rows for bits 4 / 2 / 3): lane (gid = lane / 4, t = lane % 4) loads, per
// word row of unit 4 * kstep + t, one 16-byte vector = 4 consecutive columns wcol + 4 * gid + j (j = 0..3).
// Column j of that vector is B's logical column gid in n-tile j, so the thread's B fragment is always its
// own words: logical n -> column 4 * n + j. The k order inside a k-step is permuted the same way for A and
// B (the mma sums over k, any order is fine): thread t's B register r (b0 / b1), half e, in k16 chunk c
// holds value 2c + r + (R / 2) e of its unit, i.e. row R t + 2c + r + (R / 2) e of the k-step (b_k below):
// the pair (v_s, v_{s + R/2}) sits in one word 16 bits apart for bits 4 / 2 (one shift + mask).
// The x tile of a chunk of k-steps is staged in shared memory in that permuted fragment order, one uint4
// (a0..a3) per lane, so A fragments are conflict-free 16-byte loads.
#pragma once

#include <cuda_bf16.h>
#include <cuda_fp16.h>
#include <stdint.h>
#include <string.h>

#include "kernels/cuda/cuda_shared.cuh"
#include "kernels/cuda/packed_matmul_cuda.h"
#include "kernels/cuda/packed_matmul_cuda_kernel.cuh"

namespace lb::kernels::packed_mma {

using packed_cuda::Unit;

// The 16-bit operand of a launch, from x's dtype.
enum Operand : int { kOpF16 = 0, kOpBF16 = 1, kOpBF16Split = 2 };

constexpr int kWarps = 4;
constexpr int kThreads = kWarps * 32;
constexpr int kWarpCols = 32;
constexpr int kBlockCols = kWarps * kWarpCols;
constexpr int kMinM = 5;  // m below this goes to the GEMV / small m-tile kernel
constexpr int kTileStride = kWarpCols + 1;  // floats per row of a warp's output tile in shared memory

template <int B>
struct Shape {
  static constexpr int R = Unit<B>::kRows;   // rows of one packing unit = rows per thread per k-step
  static constexpr int W = Unit<B>::kWords;  // word rows of one packing unit
  static constexpr int KS = 4 * R;           // rows per k-step
  static constexpr int NCH = R / 4;          // k16 chunks (mmas per n-tile and m16 tile) per k-step
  static constexpr int P = R / 2;            // distance of the two values of a B register
};

template <int OP>
__host__ __device__ constexpr int parts() { return OP == kOpBF16Split ? 2 : 1; }

// ---- fragment index math (checked against the PTX ISA fragment tables by the host emulation test) ----

// Row of the k-step held by B register r (0: b0, 1: b1), half e (0: low), chunk c, of a lane with t = lane % 4.
template <int B>
__host__ __device__ constexpr int b_k(int c, int t, int r, int e) {
  return Shape<B>::R * t + 2 * c + r + Shape<B>::P * e;
}
// m row (within the m16 tile) of A register ra (0..3) of a lane: a0 / a2 row gid, a1 / a3 row gid + 8.
__host__ __device__ constexpr int a_row(int lane, int ra) { return (lane >> 2) + 8 * (ra & 1); }
// A register ra, half e of a lane holds the k of B register ra / 2, half e of the lanes with the same t.
template <int B>
__host__ __device__ constexpr int a_k(int c, int lane, int ra, int e) { return b_k<B>(c, lane & 3, ra >> 1, e); }
// Warp column (0..31) of logical column n of n-tile j.
__host__ __device__ constexpr int col_of(int n, int j) { return 4 * n + j; }
// Warp column of accumulator register i (0..3) of n-tile j of a lane: c0 / c2 column 2t, c1 / c3 column 2t + 1.
__host__ __device__ constexpr int c_col(int lane, int i, int j) { return col_of(2 * (lane & 3) + (i & 1), j); }
// m row of accumulator register i: c0 / c1 row gid, c2 / c3 row gid + 8.
__host__ __device__ constexpr int c_row(int lane, int i) { return (lane >> 2) + 8 * (i >> 1); }

// k-steps of x staged per shared-memory chunk: 32 KB of x per block whatever MB and the operand.
template <int B, int OP, int MB>
__host__ __device__ constexpr int chunk_ksteps() {
  return 1024 / (MB * parts<OP>()) / Shape<B>::KS > 0 ? 1024 / (MB * parts<OP>()) / Shape<B>::KS : 1;
}
template <int B, int OP, int MB>
__host__ __device__ constexpr int smem_bytes() {
  return chunk_ksteps<B, OP, MB>() * Shape<B>::NCH * MB * parts<OP>() * 32 * 16;
}
// k-steps of weights in flight per thread (register prefetch): 128 / 128 / 144 bytes for bits 4 / 2 / 3 with
// one m16 tile, half that with two (their accumulators need the registers; more mma work per byte).
template <int B, int MB>
__host__ __device__ constexpr int prefetch_ksteps() { return B == 3 ? (MB == 1 ? 3 : 2) : (MB == 1 ? 8 : 4); }

// ---- 16-bit pair arithmetic ----

template <int OP>
__host__ __device__ constexpr uint32_t magic_pair() { return OP == kOpF16 ? 0x64006400u : 0x43004300u; }

template <int OP>
__device__ __forceinline__ uint16_t bits16(float v) {
  uint16_t b;
  if constexpr (OP == kOpF16) {
    const __half h = __float2half_rn(v);
    memcpy(&b, &h, 2);
  } else {
    const __nv_bfloat16 h = __float2bfloat16_rn(v);
    memcpy(&b, &h, 2);
  }
  return b;
}

template <int OP>
__device__ __forceinline__ float value16(uint16_t b) {
  if constexpr (OP == kOpF16) {
    __half h;
    memcpy(&h, &b, 2);
    return __half2float(h);
  } else {
    __nv_bfloat16 h;
    memcpy(&h, &b, 2);
    return __bfloat162float(h);
  }
}

#ifdef LB_CUDA_EMULATION
template <int OP>
inline uint32_t pair_op(uint32_t a, uint32_t b, bool mul) {
  uint32_t r = 0;
  for (int e = 0; e < 2; ++e) {
    const float x = value16<OP>(static_cast<uint16_t>(a >> (16 * e)));
    const float y = value16<OP>(static_cast<uint16_t>(b >> (16 * e)));
    r |= static_cast<uint32_t>(bits16<OP>(mul ? x * y : x - y)) << (16 * e);
  }
  return r;
}
#endif

template <int OP>
__device__ __forceinline__ uint32_t sub_pair(uint32_t a, uint32_t b) {
#ifdef LB_CUDA_EMULATION
  return pair_op<OP>(a, b, false);
#else
  uint32_t r;
  if constexpr (OP == kOpF16) {
    asm("sub.rn.f16x2 %0, %1, %2;" : "=r"(r) : "r"(a), "r"(b));
  } else {
    asm("sub.rn.bf16x2 %0, %1, %2;" : "=r"(r) : "r"(a), "r"(b));
  }
  return r;
#endif
}

template <int OP>
__device__ __forceinline__ uint32_t mul_pair(uint32_t a, uint32_t b) {
#ifdef LB_CUDA_EMULATION
  return pair_op<OP>(a, b, true);
#else
  uint32_t r;
  if constexpr (OP == kOpF16) {
    asm("mul.rn.f16x2 %0, %1, %2;" : "=r"(r) : "r"(a), "r"(b));
  } else {
    asm("mul.rn.bf16x2 %0, %1, %2;" : "=r"(r) : "r"(a), "r"(b));
  }
  return r;
#endif
}

// a * b + c on 16-bit pairs, one rounding (the f16 / bf16 fma).
template <int OP>
__device__ __forceinline__ uint32_t fma_pair(uint32_t a, uint32_t b, uint32_t c) {
#ifdef LB_CUDA_EMULATION
  uint32_t r = 0;
  for (int e = 0; e < 2; ++e) {
    const double v = static_cast<double>(value16<OP>(static_cast<uint16_t>(a >> (16 * e)))) *
                         value16<OP>(static_cast<uint16_t>(b >> (16 * e))) +
                     value16<OP>(static_cast<uint16_t>(c >> (16 * e)));
    r |= static_cast<uint32_t>(bits16<OP>(static_cast<float>(v))) << (16 * e);  // exact where the kernels use it
  }
  return r;
#else
  uint32_t r;
  if constexpr (OP == kOpF16) {
    asm("fma.rn.f16x2 %0, %1, %2, %3;" : "=r"(r) : "r"(a), "r"(b), "r"(c));
  } else {
    asm("fma.rn.bf16x2 %0, %1, %2, %3;" : "=r"(r) : "r"(a), "r"(b), "r"(c));
  }
  return r;
#endif
}

// (a & MASK) | c in one LOP3 (the compiler splits it in two when both constants are immediates).
template <uint32_t MASK>
__device__ __forceinline__ uint32_t and_or(uint32_t a, uint32_t c) {
#ifdef LB_CUDA_EMULATION
  return (a & MASK) | c;
#else
  uint32_t r;
  asm("lop3.b32 %0, %1, %2, %3, 0xEA;" : "=r"(r) : "r"(a), "n"(MASK), "r"(c));
  return r;
#endif
}

// d += A (16 x 16, row) . B (16 x 8, col), fp32 accumulation.
template <int OP>
__device__ __forceinline__ void mma(float (&d)[4], const uint4& a, uint32_t b0, uint32_t b1) {
#ifdef LB_CUDA_EMULATION
  const uint32_t av[4] = {a.x, a.y, a.z, a.w};
  const uint32_t bv[2] = {b0, b1};
  emu::mma_m16n8k16(d, av, bv, OP != kOpF16);
#else
  if constexpr (OP == kOpF16) {
    asm volatile(
        "mma.sync.aligned.m16n8k16.row.col.f32.f16.f16.f32 {%0, %1, %2, %3}, {%4, %5, %6, %7}, {%8, %9}, "
        "{%0, %1, %2, %3};"
        : "+f"(d[0]), "+f"(d[1]), "+f"(d[2]), "+f"(d[3])
        : "r"(a.x), "r"(a.y), "r"(a.z), "r"(a.w), "r"(b0), "r"(b1));
  } else {
    asm volatile(
        "mma.sync.aligned.m16n8k16.row.col.f32.bf16.bf16.f32 {%0, %1, %2, %3}, {%4, %5, %6, %7}, {%8, %9}, "
        "{%0, %1, %2, %3};"
        : "+f"(d[0]), "+f"(d[1]), "+f"(d[2]), "+f"(d[3])
        : "r"(a.x), "r"(a.y), "r"(a.z), "r"(a.w), "r"(b0), "r"(b1));
  }
#endif
}

// Codes (value s | value s + R/2 << 16) of one column's packing unit (W words), s compile-time after unrolling.
template <int B>
__device__ __forceinline__ uint32_t code_pair(const uint32_t (&w)[Unit<B>::kWords], int s) {
  if constexpr (B == 3) {
    auto get = [&](int p) {  // the 3 bits at stream bit p
      const int wi = p >> 5;
      const int off = p & 31;
      uint32_t v = w[wi] >> off;
      if (off > 29) v |= w[wi + 1] << (32 - off);
      return v & 7u;
    };
    return get(3 * s) | (get(3 * s + 48) << 16);
  } else {
    constexpr uint32_t kMask = ((1u << B) - 1u) * 0x00010001u;
    return (w[0] >> (B * s)) & kMask;
  }
}

__device__ __forceinline__ uint32_t component(const uint4& v, int j) {
  return j == 0 ? v.x : j == 1 ? v.y : j == 2 ? v.z : v.w;
}

// The R values x[row, k0 .. k0 + R) (one thread's unit of a k-step) as 16-bit words, two per uint32 (value
// 2i low, 2i + 1 high), in part p (f32 x: p = 0 bf16 hi, p = 1 bf16 lo of x - hi). 16-byte loads: k0 and `in`
// are multiples of R >= 8 and x is 16-byte aligned.
template <int OP, int R>
__device__ __forceinline__ void load_x_unit(const void* x, int64_t offset, bool valid,
                                            uint32_t (&h)[parts<OP>()][R / 2]) {
  if constexpr (OP == kOpBF16Split) {
    const float4* src = reinterpret_cast<const float4*>(static_cast<const float*>(x) + offset);
#pragma unroll
    for (int i = 0; i < R / 4; ++i) {
      const float4 v = valid ? src[i] : make_float4(0.0f, 0.0f, 0.0f, 0.0f);
      const float f[4] = {v.x, v.y, v.z, v.w};
#pragma unroll
      for (int q = 0; q < 2; ++q) {
        const uint16_t h0 = bits16<OP>(f[2 * q]);
        const uint16_t h1 = bits16<OP>(f[2 * q + 1]);
        const uint16_t l0 = bits16<OP>(f[2 * q] - value16<OP>(h0));
        const uint16_t l1 = bits16<OP>(f[2 * q + 1] - value16<OP>(h1));
        h[0][2 * i + q] = static_cast<uint32_t>(h0) | (static_cast<uint32_t>(h1) << 16);
        h[1][2 * i + q] = static_cast<uint32_t>(l0) | (static_cast<uint32_t>(l1) << 16);
      }
    }
  } else {
    const uint4* src = reinterpret_cast<const uint4*>(static_cast<const uint16_t*>(x) + offset);
#pragma unroll
    for (int i = 0; i < R / 8; ++i) {
      const uint4 v = valid ? src[i] : make_uint4(0u, 0u, 0u, 0u);
      h[0][4 * i] = v.x;
      h[0][4 * i + 1] = v.y;
      h[0][4 * i + 2] = v.z;
      h[0][4 * i + 3] = v.w;
    }
  }
}

// 16-bit value s of a (low if s even) | value s of b << 16: the A register half pair (v_s, v_{s + R/2}).
__device__ __forceinline__ uint32_t pair_of(uint32_t a, uint32_t b, int s) {
  return __byte_perm(a, b, (s & 1) ? 0x7632u : 0x5410u);
}

template <int B, int OP, int MB, bool FOLD>
__global__ void __launch_bounds__(kThreads, 3)
    packed_mma_kernel(PackedLinearCudaArgs a, int64_t ksteps_per_split, bool atomic) {
  using S = Shape<B>;
  constexpr int W = S::W;
  constexpr int NCH = S::NCH;
  constexpr int PARTS = parts<OP>();
  constexpr int CKS = chunk_ksteps<B, OP, MB>();
  constexpr int D = prefetch_ksteps<B, MB>();
  LB_DYNAMIC_SHARED(uint4, xs);  // [CKS][NCH][MB][PARTS][32 lanes] A fragments; at the end the output tiles
  static_assert(smem_bytes<B, OP, MB>() >= kWarps * 16 * MB * kTileStride * 4, "output tiles exceed the x chunk");

  const int tid = threadIdx.x;
  const int lane = tid & 31;
  const int warp = tid >> 5;
  const int gid = lane >> 2;
  const int t = lane & 3;
  const int64_t n = a.out;
  const int64_t wcol = static_cast<int64_t>(blockIdx.x) * kBlockCols + warp * kWarpCols;
  const int64_t bcol = wcol + col_of(gid, 0);  // this lane's B columns bcol .. bcol + 3
  const bool b_ok = bcol < n;                  // out % 8 == 0: all four or none
  const int64_t m0 = static_cast<int64_t>(blockIdx.z) * (16 * MB);
  const int64_t units = a.in / S::R;
  const int64_t ksteps = (units + 3) / 4;
  const int64_t ksb = static_cast<int64_t>(blockIdx.y) * ksteps_per_split;
  const int64_t kse = min(ksteps, ksb + ksteps_per_split);

  float acc[MB][4][4];
  float part[MB][4][4];  // per-group partial sums (FOLD)
#pragma unroll
  for (int mt = 0; mt < MB; ++mt)
#pragma unroll
    for (int j = 0; j < 4; ++j)
#pragma unroll
      for (int i = 0; i < 4; ++i) {
        acc[mt][j][i] = 0.0f;
        part[mt][j][i] = 0.0f;
      }

  uint32_t z2[4] = {0u, 0u, 0u, 0u};  // magic + zero of the B columns, both halves
  uint32_t s2[4] = {0u, 0u, 0u, 0u};  // !FOLD: 16-bit scale of the B columns, both halves
  int64_t z_end = 0;                  // first row after the group of z2 / s2 (rows only grow: divide on change)
  float cs[8] = {0.0f, 0.0f, 0.0f, 0.0f, 0.0f, 0.0f, 0.0f, 0.0f};  // FOLD: scales of columns wcol + 8t + i
  int64_t cg = -1;                                                  // group of cs / part
  int64_t c_end = 0;                                                // first row after group cg

  auto load_ks = [&](uint4 (&dst)[W], int64_t ks) {
    const int64_t u = ks * 4 + t;
    const bool ok = b_ok && ks < kse && u < units;
#pragma unroll
    for (int i = 0; i < W; ++i) {
      dst[i] = ok ? __ldg(reinterpret_cast<const uint4*>(a.qweight + (u * W + i) * n + bcol))
                  : make_uint4(0u, 0u, 0u, 0u);
    }
  };

  // x of k-steps [first, first + CKS) into shared memory in fragment order (zero beyond m, `in`, the split).
  // One task = the R values of one row and one thread unit t of a k-step (a packing unit is all in or all out
  // of `in`): R / 2 A registers, value s and s + R/2 in chunk s / 2, B register s % 2.
  auto stage = [&](int64_t first) {
    const int tasks = static_cast<int>(min(static_cast<int64_t>(CKS), kse - first)) * MB * 64;
    uint32_t* xs32 = reinterpret_cast<uint32_t*>(xs);
    [[maybe_unused]] constexpr int kUnroll = 32 / S::R;  // 4 / 2 / 1 tasks (64 bytes of 16-bit x) in flight per thread
#pragma unroll kUnroll
    for (int it = 0; it < (CKS * MB * 64 + kThreads - 1) / kThreads; ++it) {
      const int task = it * kThreads + tid;
      if (task < tasks) {
        const int tu = task & 3;
        const int r16 = (task >> 2) & 15;
        const int mt = (task >> 6) % MB;
        const int ksr = (task >> 6) / MB;
        const int64_t row = m0 + mt * 16 + r16;
        const int64_t k0 = (first + ksr) * S::KS + S::R * tu;
        uint32_t h[PARTS][S::R / 2];
        load_x_unit<OP, S::R>(a.x, row * a.in + k0, row < a.m && k0 < a.in, h);
        const int l = (r16 & 7) * 4 + tu;
#pragma unroll
        for (int p = 0; p < PARTS; ++p)
#pragma unroll
          for (int sv = 0; sv < S::P; ++sv) {
            const int ra = 2 * (sv & 1) + (r16 >> 3);
            xs32[((((ksr * NCH + (sv >> 1)) * MB + mt) * PARTS + p) * 32 + l) * 4 + ra] =
                pair_of(h[p][sv >> 1], h[p][(sv + S::P) >> 1], sv);
          }
      }
    }
  };

  auto flush = [&]() {
    if constexpr (FOLD) {
      if (cg < 0) return;
#pragma unroll
      for (int mt = 0; mt < MB; ++mt)
#pragma unroll
        for (int j = 0; j < 4; ++j)
#pragma unroll
          for (int i = 0; i < 4; ++i) {
            acc[mt][j][i] = __fmaf_rn(cs[4 * (i & 1) + j], part[mt][j][i], acc[mt][j][i]);
            part[mt][j][i] = 0.0f;
          }
    }
  };

  auto compute = [&](const uint4 (&cur)[W], int64_t ks, int ksr) {
    // zero points (and scales when not folding) of this lane's unit, for its 4 B columns
    const int64_t row_t = min(ks * 4 + t, units - 1) * S::R;
    if (row_t >= z_end) {
      const int64_t gz = row_t / a.group_size;
      z_end = (gz + 1) * a.group_size;
#pragma unroll
      for (int j = 0; j < 4; ++j) {
        const int z = b_ok ? packed_cuda::load_zero<B>(a.qzeros, n, gz, bcol + j, a.zero_offset) : 0;
        const uint32_t h = (magic_pair<OP>() & 0xFFFFu) | static_cast<uint32_t>(z);
        z2[j] = h | (h << 16);
        if constexpr (!FOLD) {
          const uint32_t s =
              b_ok ? bits16<OP>(packed_cuda::load_value(a.scales, a.scales_dtype, gz * n + bcol + j)) : 0u;
          s2[j] = s | (s << 16);
        }
      }
    }
    if constexpr (FOLD) {
      const int64_t row0 = ks * S::KS;  // the whole k-step is in one group
      if (row0 >= c_end) {
        flush();
        const int64_t gk = row0 / a.group_size;
        cg = gk;
        c_end = (gk + 1) * a.group_size;
#pragma unroll
        for (int i = 0; i < 8; ++i) {
          const int64_t col = wcol + 8 * t + i;
          cs[i] = col < n ? packed_cuda::load_value(a.scales, a.scales_dtype, gk * n + col) : 0.0f;
        }
      }
    }
    const uint4* xk = xs + static_cast<size_t>(ksr) * NCH * MB * PARTS * 32;
#pragma unroll
    for (int c = 0; c < NCH; ++c) {
      uint4 af[MB][PARTS];
#pragma unroll
      for (int mt = 0; mt < MB; ++mt)
#pragma unroll
        for (int p = 0; p < PARTS; ++p) af[mt][p] = xk[((c * MB + mt) * PARTS + p) * 32 + lane];
#pragma unroll
      for (int j = 0; j < 4; ++j) {
        uint32_t w[W];
#pragma unroll
        for (int i = 0; i < W; ++i) w[i] = component(cur[i], j);
        uint32_t b[2];
#pragma unroll
        for (int r = 0; r < 2; ++r) {
          b[r] = sub_pair<OP>(code_pair<B>(w, 2 * c + r) | magic_pair<OP>(), z2[j]);
          if constexpr (!FOLD) b[r] = mul_pair<OP>(b[r], s2[j]);
        }
#pragma unroll
        for (int mt = 0; mt < MB; ++mt)
#pragma unroll
          for (int p = 0; p < PARTS; ++p) {
            if constexpr (FOLD) {
              mma<OP>(part[mt][j], af[mt][p], b[0], b[1]);
            } else {
              mma<OP>(acc[mt][j], af[mt][p], b[0], b[1]);
            }
          }
      }
    }
  };

  // main loop: D k-steps of weights in flight per lane (register ring), x restaged every CKS k-steps
  uint4 buf[D][W];
#pragma unroll
  for (int d = 0; d < D; ++d) load_ks(buf[d], ksb + d);
  int ksr = 0;  // k-step within the staged x chunk
  for (int64_t ks0 = ksb; ks0 < kse; ks0 += D) {
#pragma unroll
    for (int d = 0; d < D; ++d) {
      const int64_t ks = ks0 + d;
      if (ks < kse) {  // uniform over the block
        if (ksr == 0) {
          __syncthreads();
          stage(ks);
          __syncthreads();
        }
        uint4 cur[W];
#pragma unroll
        for (int i = 0; i < W; ++i) cur[i] = buf[d][i];
        load_ks(buf[d], ks + D);
        compute(cur, ks, ksr);
        if (++ksr == CKS) ksr = 0;
      }
    }
  }
  flush();

  // y through shared memory (the x chunk is free after the barrier): each warp writes whole 32-column rows,
  // so the split-k atomics / stores are coalesced (one 128-byte line per row instead of 32 sectors).
  __syncthreads();
  float* tile = reinterpret_cast<float*>(xs) + warp * (16 * MB * kTileStride);
#pragma unroll
  for (int mt = 0; mt < MB; ++mt)
#pragma unroll
    for (int j = 0; j < 4; ++j)
#pragma unroll
      for (int i = 0; i < 4; ++i) tile[(mt * 16 + c_row(lane, i)) * kTileStride + c_col(lane, i, j)] = acc[mt][j][i];
  __syncthreads();
  const int64_t col = wcol + lane;
  for (int r = 0; r < 16 * MB; ++r) {
    const int64_t row = m0 + r;
    if (row < a.m && col < n) {
      const float v = tile[r * kTileStride + lane];
      if (atomic) {
        atomicAdd(a.y + row * n + col, v);
      } else {
        a.y[row * n + col] = v;
      }
    }
  }
}

// ---- plan ----

struct MmaPlan {
  bool takes;  // false: the shape / dtype goes to the other kernel
  int op;      // Operand
  int mb;      // m16 tiles per block (1 or 2)
  bool fold;
  int splits;
  int64_t ksteps_per_split;
  int64_t blocks;
};

inline int unit_rows(int bits) { return bits == 4 ? 8 : bits == 2 ? 16 : 32; }

inline int chunk_ksteps_for(int bits, int op, int mb) {
  const int ks = 4 * unit_rows(bits);
  const int c = 1024 / (mb * (op == kOpBF16Split ? 2 : 1)) / ks;
  return c > 0 ? c : 1;
}

inline MmaPlan mma_plan_for(int bits, int64_t m, int64_t in, int64_t out, int64_t group_size, int x_dtype,
                            int sm_count) {
  MmaPlan plan{};
  if (m < kMinM || in <= 0 || out <= 0 || (bits != 2 && bits != 3 && bits != 4)) return plan;
  const int r = unit_rows(bits);
  if (out % 8 != 0 || in % r != 0 || group_size <= 0 || group_size % r != 0) return plan;
  plan.op = x_dtype == kPackedF16 ? kOpF16 : x_dtype == kPackedBF16 ? kOpBF16 : x_dtype == kPackedF32 ? kOpBF16Split : -1;
  if (plan.op < 0) return plan;
  plan.fold = group_size % (4 * r) == 0 || group_size >= in;
  if (!plan.fold && bits == 4) return plan;  // groups of 8 / 16 rows: not instantiated
  plan.mb = m <= 16 ? 1 : 2;
  const int64_t mtiles = (m + 16 * plan.mb - 1) / (16 * plan.mb);
  if (mtiles > 65535) return plan;
  const int64_t base = ((out + kBlockCols - 1) / kBlockCols) * mtiles;
  const int64_t ksteps = (in / r + 3) / 4;
  // Split-k: at least one full wave of resident blocks (3 per SM: the register budget of __launch_bounds__),
  // then, among up to twice that many splits, the one whose last wave is fullest (ties: fewer splits, fewer
  // atomics). At least 2 k-steps per split, at most 65535 splits.
  const int64_t resident = 3 * static_cast<int64_t>(sm_count > 0 ? sm_count : 132);
  const int64_t max_splits = ksteps / 2 < 1 ? 1 : (ksteps / 2 > 65535 ? 65535 : ksteps / 2);
  int64_t first = base >= resident ? 1 : (resident + base - 1) / base;
  if (first > max_splits) first = max_splits;
  int64_t best_per = ksteps;
  double best_fill = -1.0;
  for (int64_t cand = first; cand <= 2 * first && cand <= max_splits; ++cand) {
    const int64_t per = (ksteps + cand - 1) / cand;
    const int64_t blocks = base * ((ksteps + per - 1) / per);
    const int64_t waves = (blocks + resident - 1) / resident;
    const double fill = static_cast<double>(blocks) / static_cast<double>(waves * resident);
    if (fill > best_fill + 1e-3) {
      best_fill = fill;
      best_per = per;
    }
  }
  plan.ksteps_per_split = best_per;
  plan.splits = static_cast<int>((ksteps + best_per - 1) / best_per);
  plan.blocks = base * plan.splits;
  plan.takes = true;
  return plan;
}

}  // namespace lb::kernels::packed_mma
