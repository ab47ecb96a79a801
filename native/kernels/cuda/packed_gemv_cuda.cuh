// The packed int2/3/4 GEMV (m <= 4) of packed_linear_cuda: int8 activations and dp4a. Included by
// packed_gemv_cuda.cu and by the host emulation test. Contract: packed_matmul_cuda.h.
//
// Why this design (issue 7; the tiled kernel took 85-99 us on 28672x8192 for every bit width, so it was
// bound by its dequant ALU work and its block-wide barriers, not by memory):
//  * Integer work per weight. x is quantized per 32 rows (one "k-block") to int8 TWICE: q1 = rint(x / d)
//    with d = absmax / 127, then the residual q2 = rint((x / d - q1) * 254), so x = d * (q1 + q2 / 254)
//    to ~15 bits (relative error ~2e-5 for normal data; one 1000x outlier in a block still leaves its
//    neighbours ~1% accurate, where a single int8 level would zero them). The weight codes are unpacked
//    to bytes with about one shift + one AND per 4 codes (bits 4: lo/hi nibbles; bits 2: 4 shifts of a
//    2-bit mask; bits 3: byte permutes gather the 4 24-bit chunks' bytes lane-wise, then a shift + mask
//    per code index), and each byte word meets x through two __dp4a (q1 and q2). That is ~0.9 (int4),
//    ~0.95 (int2), ~1.3 (int3) integer ops per weight against ~2 + an FMA before.
//    x is stored per k-block in the byte order the unpacked words have, so no shuffles are needed.
//    The zero point folds in exactly: sum q (w - z) = sum q w - z * sum q, all in int32 (|.| < 2^24, so
//    the one I2F per column and k-block is exact); then y += (s * d / 254) * that, d / 254 taken as
//    absmax * float(1 / (127 * 254)).
//    Half2 magic-number dequant was rejected: fp16 partial sums overflow with down_proj activations.
//  * Memory-level parallelism, no block barriers. A warp owns 128 columns (lane = 4 columns, one 16-byte
//    load per word row) and a contiguous run of k-blocks; per stage it issues all weight, scale and zero
//    loads of NB k-blocks (8 x 16 bytes per lane for bits 4, 4 for bits 2, 6 for bits 3) before it quantizes the
//    x slice of the stage (into its own shared-memory slot: only __syncwarp) and computes. With 20 warps
//    per SM (m = 1) that is ~80 KB in flight per SM (int2: 40), 2-4x what 4.5 TB/s needs at DRAM latency.
//    A software-pipelined variant (the next stage's loads issued before the current stage is computed, stages
//    half as long) measured 5-20% slower at every shape on the H200 (2026-12-02, two sessions) and was removed; built
//    again on the PREQ kernel with x's slots also loaded a stage ahead, it was 7-11 % slower at int2 on the H100
//    (2026-12-06, docs/BENCHMARKS.md kernels fourteenth round; history b21fab1).
//  * No wave tail: "stream-K" over the flattened (128-column tile, k-block) space. The grid holds just the
//    warps that are resident at once (occupancy API), each gets an equal run of k-blocks (+-1) that may
//    cross a tile boundary; it adds its partial sums to y with atomics (y zeroed first). A run is at
//    least one stage long (plan_for), so small layers get as many warps as are resident.
//  * vec_atomics (sm_90, y 16-byte aligned; the launcher decides): each lane adds its 4 columns with one
//    16-byte atomic. Small layers split k over many warps, so their atomics are not negligible next to the
//    weight loads (4096 x 4096 with one-stage runs: 262k scalar atomics against 8 MB of weights).
//  * x quantized once (PREQ; packed_gemv_cuda with a workspace): a small kernel before the GEMV (quantize_x_kernel,
//    which also zeroes y) writes every k-block's slot to global memory and each warp copies a stage's slots into
//    its shared slots. Quantizing in every warp cost ~50 of ~270 instructions per k-block and column tile
//    (int2, Nsight Compute); on the H200 the copy made int2 g64 at 28672 x 8192 31.0 -> 26.1 us and int4 m = 4
//    80.3 -> 58.4 us (2026-12-03). The accumulate / fused-input launches (the decode step) still quantize per warp:
//    there the input is the previous kernel's atomics, and a kernel between the two would add a launch boundary.
//  * Fused inputs (the normed decode step; GemvInputOps in packed_matmul_cuda.h, template parameter XOP, m = 1): the
//    x a lane loads per k-block row is x * w (NormWeight; w read before pdl_wait with the stage's weights, and the
//    warps of tile 0 add sum(x^2) to one float) or silu(r gate) * (r up) from an f32 [gate | up] (SiluMul); after its
//    work the grid zeroes a buffer that a later kernel of the step accumulates into.
// Limits (packed_gemv_applies): m <= 4, in and group_size multiples of 32, scales 16-byte aligned.
// Other shapes take the tiled kernel of packed_matmul_cuda_kernel.cuh.
#pragma once

#include <cuda_bf16.h>
#include <cuda_fp16.h>
#include <stdint.h>

#include "kernels/cuda/cuda_shared.cuh"
#include "kernels/cuda/packed_gemv_xslot.cuh"
#include "kernels/cuda/packed_matmul_cuda.h"

namespace lb::kernels::packed_gemv {

constexpr int kWarpCols = 128;  // 32 lanes x 4 columns
constexpr int kWarps = 4;        // warps per block (small blocks spread evenly over the SMs)
constexpr int kThreads = kWarps * 32;
constexpr int kMaxRows = 4;      // m handled by this kernel

// k-blocks per stage of the per-warp kernel, 2 at every bit width: 8 x 16-byte loads per lane for bits 4 (4 words per
// k-block), 4 for bits 2, 6 for bits 3. int2 took 4 k-blocks (8 loads per lane) until 2026-12-06, when 2 measured 3.5-4.5 % faster at
// 28672 x 8192 on the H100 (30.24-30.59 vs 31.62-31.84 us, docs/BENCHMARKS.md thirteenth round; 4 also spilled 8
// bytes at 96 registers). LB_GEMV_INT2_STAGE_KBLOCKS=4 restores it for A/B runs.
#ifndef LB_GEMV_INT2_STAGE_KBLOCKS
#define LB_GEMV_INT2_STAGE_KBLOCKS 2
#endif
template <int B>
__host__ __device__ constexpr int stage_kblocks() {
  return B == 4 ? 2 : B == 3 ? 2 : LB_GEMV_INT2_STAGE_KBLOCKS;
}

inline int stage_kblocks_for(int bits) { return bits == 4 ? stage_kblocks<4>() : bits == 3 ? stage_kblocks<3>() : stage_kblocks<2>(); }

// The cooperative kernel's stage (packed_gemv_coop.cuh: one k-block per preparing warp): int2 keeps 4 k-blocks, the
// shape its decode-step timings were taken with.
template <int B>
__host__ __device__ constexpr int coop_stage_kblocks() {
  return B == 2 ? 4 : 2;
}

inline int coop_stage_kblocks_for(int bits) {
  return bits == 4 ? coop_stage_kblocks<4>() : bits == 3 ? coop_stage_kblocks<3>() : coop_stage_kblocks<2>();
}

// A build flag for A/B timing (stage gemvtiled): the per-warp kernel with a block's 4 warps on 4 adjacent tiles over
// the same run of k-blocks (each word row of the block's loads 2 KB contiguous), where by default a block's warps take
// consecutive runs of one tile. Same results (the emulated and device tests pass with it).
#ifndef LB_GEMV_BLOCK_TILES
#define LB_GEMV_BLOCK_TILES 0
#endif

__device__ __forceinline__ float load_x(const void* p, int dtype, int64_t i) {
  if (dtype == kPackedF16) return __half2float(static_cast<const __half*>(p)[i]);
  if (dtype == kPackedBF16) return __bfloat162float(static_cast<const __nv_bfloat16*>(p)[i]);
  return static_cast<const float*>(p)[i];
}

__device__ __forceinline__ float round_to_dtype(float v, int dtype) {
  if (dtype == kPackedF16) return __half2float(__float2half_rn(v));
  if (dtype == kPackedBF16) return __bfloat162float(__float2bfloat16_rn(v));
  return v;
}

// SiluMul's row scale: the RMSNorm's 1 / rms of the hidden state (the formula of decode_cuda's norms).
__device__ __forceinline__ float silu_mul_norm_scale(const GemvInputOps& ops) {
  return rsqrtf(*ops.sumsq_in / static_cast<float>(ops.norm_count) + ops.norm_eps);
}

// Element j of row r of the GEMV's input under the op XOP (ops.op; packed_matmul_cuda.h); sq += x^2 for NormWeight.
// A template parameter, not a branch: the plain instances keep their registers (a runtime switch made the int2
// instance spill).
template <int XOP>
__device__ __forceinline__ float input_x(const PackedLinearCudaArgs& a, const GemvInputOps& ops, int r, int64_t j,
                                         float norm_scale, float weight, float& sq) {
  if constexpr (XOP == kGemvInputNormWeight) {  // weight: ops.weight[j], read before pdl_wait (load_stage_weight)
    const float v = load_x(a.x, a.x_dtype, j);
    sq = __fmaf_rn(v, v, sq);
    return v * weight;
  }
  if constexpr (XOP == kGemvInputSiluMul) {  // as decode_cuda's silu_mul_kernel on the normed gate/up, rounded alike
    const int t = ops.round_dtype;
    const float g = round_to_dtype(load_x(a.x, a.x_dtype, j) * norm_scale, t);
    const float u = round_to_dtype(load_x(a.x, a.x_dtype, a.in + j) * norm_scale, t);
    return round_to_dtype(round_to_dtype(g / (1.0f + expf(-g)), t) * u, t);
  }
  return load_x(a.x, a.x_dtype, r * a.in + j);
}

// The 96 bits of 32 3-bit codes are four 24-bit chunks of 3 bytes (rows 8c .. 8c + 7 in bytes 3c .. 3c + 2).
// Three byte permutes put byte k of every chunk into byte lane c of one word (t[k]); then code j of all
// four chunks is one shift + mask of one word (two words for the codes 2 and 5 that straddle a byte).
__device__ __forceinline__ void unpack_3bit(const uint32_t* w, uint32_t (&code)[8]) {
  const uint32_t t0 = __byte_perm(__byte_perm(w[0], w[1], 0x0630u), w[2], 0x5210u);  // bytes 0, 3, 6, 9
  const uint32_t t1 = __byte_perm(__byte_perm(w[0], w[1], 0x0741u), w[2], 0x6210u);  // bytes 1, 4, 7, 10
  const uint32_t t2 = __byte_perm(__byte_perm(w[0], w[1], 0x0052u), w[2], 0x7410u);  // bytes 2, 5, 8, 11
  code[0] = t0 & 0x07070707u;
  code[1] = (t0 >> 3) & 0x07070707u;
  code[2] = ((t0 >> 6) & 0x03030303u) | ((t1 << 2) & 0x04040404u);
  code[3] = (t1 >> 1) & 0x07070707u;
  code[4] = (t1 >> 4) & 0x07070707u;
  code[5] = ((t1 >> 7) & 0x01010101u) | ((t2 << 1) & 0x06060606u);
  code[6] = (t2 >> 2) & 0x07070707u;
  code[7] = (t2 >> 5) & 0x07070707u;
}

// dot[r] += codes of one column's k-block (B words) . (q1, q2) of row r, as two int32 sums per row.
template <int B, int MR>
__device__ __forceinline__ void kblock_dots(const uint32_t* w, const uint4 (&xq)[MR][4], int (&d1)[MR], int (&d2)[MR]) {
  // xq[r][0..1]: the 8 q1 words, xq[r][2..3]: the 8 q2 words
  auto word = [&](int r, int part, int j) -> int {
    const uint4 v = xq[r][part * 2 + (j >> 2)];
    const int k = j & 3;
    return static_cast<int>(k == 0 ? v.x : k == 1 ? v.y : k == 2 ? v.z : v.w);
  };
  if constexpr (B == 4) {
#pragma unroll
    for (int q = 0; q < 4; ++q) {
      const int lo = static_cast<int>(w[q] & 0x0F0F0F0Fu);
      const int hi = static_cast<int>((w[q] >> 4) & 0x0F0F0F0Fu);
#pragma unroll
      for (int r = 0; r < MR; ++r) {
        d1[r] = __dp4a(lo, word(r, 0, 2 * q), d1[r]);
        d1[r] = __dp4a(hi, word(r, 0, 2 * q + 1), d1[r]);
        d2[r] = __dp4a(lo, word(r, 1, 2 * q), d2[r]);
        d2[r] = __dp4a(hi, word(r, 1, 2 * q + 1), d2[r]);
      }
    }
  } else if constexpr (B == 2) {
#pragma unroll
    for (int q = 0; q < 2; ++q) {
#pragma unroll
      for (int k = 0; k < 4; ++k) {
        const int v = static_cast<int>((w[q] >> (2 * k)) & 0x03030303u);
#pragma unroll
        for (int r = 0; r < MR; ++r) {
          d1[r] = __dp4a(v, word(r, 0, 4 * q + k), d1[r]);
          d2[r] = __dp4a(v, word(r, 1, 4 * q + k), d2[r]);
        }
      }
    }
  } else {
    uint32_t code[8];
    unpack_3bit(w, code);
#pragma unroll
    for (int j = 0; j < 8; ++j) {
#pragma unroll
      for (int r = 0; r < MR; ++r) {
        d1[r] = __dp4a(static_cast<int>(code[j]), word(r, 0, j), d1[r]);
        d2[r] = __dp4a(static_cast<int>(code[j]), word(r, 1, j), d2[r]);
      }
    }
  }
}

// Raw scales of a lane's 4 columns: 4 x 16-bit in .x/.y (S16) or 4 x f32.
template <bool S16>
struct ScaleRaw {
  uint4 v;
};

template <bool S16>
__device__ __forceinline__ float scale_of(const ScaleRaw<S16>& s, int c, int dtype) {
  if constexpr (S16) {
    const uint32_t pair = c < 2 ? s.v.x : s.v.y;
    const uint32_t bits16 = (c & 1) ? (pair >> 16) : (pair & 0xFFFFu);
    if (dtype == kPackedBF16) return __uint_as_float(bits16 << 16);
    __half h;
    const unsigned short hb = static_cast<unsigned short>(bits16);
    memcpy(&h, &hb, sizeof(hb));
    return __half2float(h);
  } else {
    return __uint_as_float(c == 0 ? s.v.x : c == 1 ? s.v.y : c == 2 ? s.v.z : s.v.w);
  }
}

// The B-bit zero codes of a lane's 4 columns (col0..col0+3) from its raw zero words, lowest first.
template <int B>
__device__ __forceinline__ uint32_t zero_bits(const uint32_t (&zraw)[B == 3 ? 2 : 1], int64_t col0) {
  if constexpr (B == 3) {
    return __funnelshift_r(zraw[0], zraw[1], static_cast<int>((col0 * B) & 31));
  } else {
    return zraw[0] >> ((col0 * B) & 31);
  }
}

// The MR rows' quantized x of one k-block from their slots (packed_gemv_xslot.cuh, kSlotWords apart): the q1 words
// (xq[r][0..1]) and q2 words (xq[r][2..3]), absmax / (127 * 254) and the code sum.
template <int MR>
__device__ __forceinline__ void read_slots(const uint32_t* slots, uint4 (&xq)[MR][4], float (&dr)[MR], int (&sr)[MR]) {
#pragma unroll
  for (int r = 0; r < MR; ++r) {
    const uint4* sl = reinterpret_cast<const uint4*>(slots + r * kSlotWords);
#pragma unroll
    for (int p = 0; p < 4; ++p) xq[r][p] = sl[p];
    const uint4 tail = sl[4];
    dr[r] = __uint_as_float(tail.x) * (1.0f / (127.0f * static_cast<float>(kResidualScale)));
    sr[r] = static_cast<int>(tail.y);
  }
}

// Column c (of the lane's 4) of one k-block against every row: d1 = sum q1 w, d2 = sum q2 w.
template <int B, int MR>
__device__ __forceinline__ void column_dots(const uint4 (&wv)[B], int c, const uint4 (&xq)[MR][4], int (&d1)[MR],
                                            int (&d2)[MR]) {
  uint32_t w[B];
#pragma unroll
  for (int k = 0; k < B; ++k) w[k] = c == 0 ? wv[k].x : c == 1 ? wv[k].y : c == 2 ? wv[k].z : wv[k].w;
#pragma unroll
  for (int r = 0; r < MR; ++r) {
    d1[r] = 0;
    d2[r] = 0;
  }
  kblock_dots<B, MR>(w, xq, d1, d2);
}

// One k-block of a lane's 4 columns for MR rows: acc[r][c] += s_c * d_r * sum over the k-block of q_r (w_c - z_c), in
// int32 up to the one scaled f32 update. wv[k]: word k of the k-block for the 4 columns (.x .. .w); slots: the MR
// rows' quantized x (packed_gemv_xslot.cuh), kSlotWords apart; zbits: zero_bits.
template <int B, int MR, bool S16>
__device__ __forceinline__ void kblock_update(const uint4 (&wv)[B], const ScaleRaw<S16>& sraw, uint32_t zbits,
                                              int zero_offset, int scales_dtype, const uint32_t* slots,
                                              float (&acc)[MR][4]) {
  constexpr uint32_t kMask = (1u << B) - 1u;
  uint4 xq[MR][4];
  float dr[MR];
  int sr[MR];
  read_slots<MR>(slots, xq, dr, sr);
#pragma unroll
  for (int c = 0; c < 4; ++c) {
    int d1[MR], d2[MR];
    column_dots<B, MR>(wv, c, xq, d1, d2);
    const int z = static_cast<int>(((zbits >> (B * c)) + static_cast<uint32_t>(zero_offset)) & kMask);
    const float s = scale_of<S16>(sraw, c, scales_dtype);
#pragma unroll
    for (int r = 0; r < MR; ++r) {
      const int total = kResidualScale * d1[r] + d2[r] - z * sr[r];  // |total| < 2^24: exact in f32
      acc[r][c] = __fmaf_rn(__fmul_rn(s, dr[r]), __int2float_rn(total), acc[r][c]);
    }
  }
}

// The group fold (FOLD, LOWBIT_GEMV_FOLD=1; m = 1 with x pre-quantized): a column's zero point and scale are applied
// once per group instead of once per k-block. kblock_fold adds one k-block to the group's partial sums,
// part[r][c] += d_r * sum q_r w_c (codes as stored, zero point not yet subtracted) and xsum[r] += d_r * sum q_r;
// group_flush then adds s_c * (part - z_c * xsum) to acc. Per column and k-block that leaves IMAD, I2F and FFMA of
// kblock_update's epilogue (no zero extraction, scale conversion or zero-point IMAD). Not exact in int32 like
// kblock_update: part - z * xsum cancels in f32, ~1e-6 relative for activations of one sign (emulated tests: 1e-5).
template <int B, int MR>
__device__ __forceinline__ void kblock_fold(const uint4 (&wv)[B], const uint32_t* slots, float (&part)[MR][4],
                                            float (&xsum)[MR]) {
  uint4 xq[MR][4];
  float dr[MR];
  int sr[MR];
  read_slots<MR>(slots, xq, dr, sr);
#pragma unroll
  for (int r = 0; r < MR; ++r) xsum[r] = __fmaf_rn(dr[r], __int2float_rn(sr[r]), xsum[r]);
#pragma unroll
  for (int c = 0; c < 4; ++c) {
    int d1[MR], d2[MR];
    column_dots<B, MR>(wv, c, xq, d1, d2);
#pragma unroll
    for (int r = 0; r < MR; ++r) {
      part[r][c] = __fmaf_rn(dr[r], __int2float_rn(kResidualScale * d1[r] + d2[r]), part[r][c]);
    }
  }
}

// The end of a group (or of a run) under FOLD: acc += s * (part - z * xsum) per column and row; part and xsum restart.
template <int B, int MR, bool S16>
__device__ __forceinline__ void group_flush(const ScaleRaw<S16>& sraw, uint32_t zbits, int zero_offset, int scales_dtype,
                                            float (&part)[MR][4], float (&xsum)[MR], float (&acc)[MR][4]) {
  constexpr uint32_t kMask = (1u << B) - 1u;
#pragma unroll
  for (int c = 0; c < 4; ++c) {
    const float z = static_cast<float>(((zbits >> (B * c)) + static_cast<uint32_t>(zero_offset)) & kMask);
    const float s = scale_of<S16>(sraw, c, scales_dtype);
#pragma unroll
    for (int r = 0; r < MR; ++r) {
      acc[r][c] = __fmaf_rn(s, __fmaf_rn(-z, xsum[r], part[r][c]), acc[r][c]);
      part[r][c] = 0.0f;
    }
  }
#pragma unroll
  for (int r = 0; r < MR; ++r) xsum[r] = 0.0f;
}

// The GEMVs' last step: ops.zero (NULL: none), a buffer a later kernel of the step accumulates into, set to 0 over
// the grid once the kernel before has finished (and with it the buffer's readers); waited: pdl_wait() was called.
__device__ __forceinline__ void zero_after_wait(const GemvInputOps& ops, bool waited) {
  if (ops.zero == nullptr) return;
  if (!waited) pdl_wait();
  const int64_t stride = static_cast<int64_t>(gridDim.x) * kThreads;
  for (int64_t i = static_cast<int64_t>(blockIdx.x) * kThreads + threadIdx.x; i < ops.zero_count; i += stride) {
    ops.zero[i] = 0.0f;
  }
}

// Blocks per SM the register allocation must allow (MR = 1: <= 102 registers, no spills; m = 4 needs more).
template <int MR>
__host__ __device__ constexpr int min_blocks() {
  return MR == 1 ? 5 : MR == 2 ? 4 : 3;
}

// A build flag for A/B timing: blocks per SM of the int2 m = 1 GEMV on pre-quantized x (PREQ, without the group fold);
// 6 caps it at 80 registers (79 used, no spill; 24 warps per SM instead of 20; equal at 28672 x 8192 on the H100,
// kernels fourteenth round). int3, int4 and the fold stay at 5 (int4 and the int2 fold spill at 6).
#ifndef LB_GEMV_INT2_PREQ_MIN_BLOCKS
#define LB_GEMV_INT2_PREQ_MIN_BLOCKS 5
#endif
template <int B, int MR, bool PREQ, bool FOLD>
__host__ __device__ constexpr int gemv_min_blocks() {
  return B == 2 && MR == 1 && PREQ && !FOLD ? LB_GEMV_INT2_PREQ_MIN_BLOCKS : min_blocks<MR>();
}

// One block = kWarps independent warps. Warp w (global) owns units [w * per_warp, (w + 1) * per_warp) of
// the flattened space unit = tile * kblocks + kblock. The partial sums are added to y with atomics: y is zeroed
// first (packed_gemv_cuda) or holds the value to add to (packed_gemv_cuda_accumulate: y += W x).

// One stage's global loads: the weight words, the raw scales and zeros of each k-block's group (load_stage), and
// the x values (load_stage_x; lane = row of the k-block). Blocks i >= valid (and columns past n) load nothing
// and hold zeros.
template <int B, int MR, bool S16, int NB>
struct StageLoads {
  static constexpr int kZeroWords = B == 3 ? 2 : 1;
  uint4 wv[NB][B];
  ScaleRaw<S16> sraw[NB];
  uint32_t zraw[NB][kZeroWords];
  float xv[NB][MR];
  float wx[NB];  // NormWeight: ops.weight at this lane's row of each k-block
  uint32_t flush;  // FOLD: bit i set where k-block i ends its group or the run (its scale and zeros are loaded)
};

// The load cursor of a segment: the group of the next k-block, that k-block's place in it, and the lane's
// scale and zero words of the group (pointers advanced with the group, so the loop does no 64-bit multiply).
template <int B, bool S16>
struct GroupCursor {
  int gk;
  const unsigned char* scales;  // row g of the scales at the lane's first column
  const uint32_t* zeros;        // row g of qzeros at the word of the lane's first column

  __device__ __forceinline__ GroupCursor(const PackedLinearCudaArgs& a, int64_t kb, int gkb, int64_t col0) {
    const int64_t g = kb / gkb;
    gk = static_cast<int>(kb - g * gkb);
    scales = static_cast<const unsigned char*>(a.scales) + (g * a.out + col0) * (S16 ? 2 : 4);
    zeros = reinterpret_cast<const uint32_t*>(a.qzeros) + g * (a.out * B / 32) + ((col0 * B) >> 5);
  }
};

// One stage's loads from k-block kb; advances the cursor past the stage. FOLD: scales and zeros only for the k-blocks
// that end their group or the run (run_last: the index in the stage of the run's last k-block, or -1), marked in
// s.flush.
template <int B, int MR, bool S16, int NB, bool FOLD = false>
__device__ __forceinline__ void load_stage(const PackedLinearCudaArgs& a, int64_t kb, int valid, bool col_ok,
                                           int64_t col0, int gkb, GroupCursor<B, S16>& cur_g,
                                           StageLoads<B, MR, S16, NB>& s, [[maybe_unused]] int run_last = -1) {
  constexpr int kZeroWords = StageLoads<B, MR, S16, NB>::kZeroWords;
  const int64_t n = a.out;
  const int64_t scale_row_bytes = n * (S16 ? 2 : 4);
  const int64_t zero_row_words = n * B / 32;
  const int32_t* wp = a.qweight + kb * B * n + col0;  // word row kb * B, advanced by n per load
  if constexpr (FOLD) s.flush = 0u;
#pragma unroll
  for (int i = 0; i < NB; ++i) {
    const bool on = col_ok && i < valid;
    bool load_group = on;
    if constexpr (FOLD) {
      const bool ends = i < valid && (cur_g.gk == gkb - 1 || i == run_last);
      s.flush |= static_cast<uint32_t>(ends) << i;
      load_group = on && ends;
    }
#pragma unroll
    for (int w = 0; w < B; ++w) {
      s.wv[i][w] = on ? __ldg(reinterpret_cast<const uint4*>(wp)) : make_uint4(0u, 0u, 0u, 0u);
      wp += n;
    }
    s.sraw[i].v = make_uint4(0u, 0u, 0u, 0u);
#pragma unroll
    for (int z = 0; z < kZeroWords; ++z) s.zraw[i][z] = 0u;
    if (load_group) {
      if constexpr (S16) {
        const uint2 sc = __ldg(reinterpret_cast<const uint2*>(cur_g.scales));
        s.sraw[i].v.x = sc.x;
        s.sraw[i].v.y = sc.y;
      } else {
        s.sraw[i].v = __ldg(reinterpret_cast<const uint4*>(cur_g.scales));
      }
      s.zraw[i][0] = __ldg(cur_g.zeros);
      if constexpr (B == 3) {
        if (((col0 * B) & 31) + 12 > 32) s.zraw[i][1] = __ldg(cur_g.zeros + 1);
      }
    }
    if (++cur_g.gk == gkb) {
      cur_g.gk = 0;
      cur_g.scales += scale_row_bytes;
      cur_g.zeros += zero_row_words;
    }
  }
}

template <int B, int MR, bool S16, int NB, int XOP>
__device__ __forceinline__ void load_stage_x(const PackedLinearCudaArgs& a, const GemvInputOps& ops, int64_t kb,
                                             int valid, int lane, float norm_scale, float& sq,
                                             StageLoads<B, MR, S16, NB>& s) {
#pragma unroll
  for (int i = 0; i < NB; ++i)
#pragma unroll
    for (int r = 0; r < MR; ++r) {
      s.xv[i][r] = (i < valid && r < a.m) ? input_x<XOP>(a, ops, r, (kb + i) * kKBlockRows + lane, norm_scale, s.wx[i], sq)
                                          : 0.0f;
    }
}

// One block = kWarps independent warps. Warp w (global) owns units [w * per_warp, (w + 1) * per_warp) of
// the flattened space unit = tile * kblocks + kblock. The partial sums are added to y with atomics: y is zeroed
// first (packed_gemv_cuda) or holds the value to add to (packed_gemv_cuda_accumulate: y += W x).
// Each stage's loads are issued at its start. Launched with PDL (pdl_launch.cuh), the first stage's weight loads
// are in flight before pdl_wait(): they overlap the end of the kernel before (x and y are its outputs).
// PREQ (plain input only): x was quantized once by quantize_x_kernel into xq ([k-block][MR rows][kSlotWords]); the
// warp copies a stage's slots into its shared slots instead of quantizing (~50 of ~270 instructions per k-block
// and column tile, Nsight Compute on the int2 GEMV, 2026-12-02).
// FOLD: zero points and scales applied once per group (kblock_fold, group_flush); plain input only.
template <int B, int MR, bool S16, int XOP = kGemvInputPlain, bool PREQ = false, bool FOLD = false>
__global__ void __launch_bounds__(kThreads, gemv_min_blocks<B, MR, PREQ, FOLD>()) packed_gemv_kernel(PackedLinearCudaArgs a, int64_t per_warp,
                                                                                        [[maybe_unused]] bool vec_atomics,
                                                                                        GemvInputOps ops,
                                                                                        [[maybe_unused]] const uint4* xq) {
  static_assert(!PREQ || XOP == kGemvInputPlain, "pre-quantized x takes the plain input");
  static_assert(!FOLD || XOP == kGemvInputPlain, "the group fold takes the plain input");
  constexpr int NB = stage_kblocks<B>();
  using Stage = StageLoads<B, MR, S16, NB>;
  LB_SHARED_ARRAY(uint4, smem4, kWarps * NB * MR * kSlotWords / 4);

  const int lane = static_cast<int>(threadIdx.x) & 31;
  const int warp = static_cast<int>(threadIdx.x) >> 5;
  uint32_t* xs = reinterpret_cast<uint32_t*>(smem4) + warp * (NB * MR * kSlotWords);
  const int64_t n = a.out;
  const int64_t kblocks = a.in / kKBlockRows;
#if LB_GEMV_BLOCK_TILES
  // a block's 4 warps take 4 adjacent tiles over one run of k-blocks: units of (tile group, k-block)
  const int64_t units = ((n + kWarpCols - 1) / kWarpCols + kWarps - 1) / kWarps * kblocks;
  int64_t u = static_cast<int64_t>(blockIdx.x) * per_warp;
#else
  const int64_t units = (n + kWarpCols - 1) / kWarpCols * kblocks;
  const int64_t gwarp = static_cast<int64_t>(blockIdx.x) * kWarps + warp;
  int64_t u = gwarp * per_warp;
#endif
  const int64_t u_end = min(units, u + per_warp);
  const int gkb = static_cast<int>(a.group_size / kKBlockRows);  // k-blocks per group
  const int xbyte = x_byte_offset<B>(lane);
  pdl_launch_dependents();
  bool waited = false;
  float norm_scale = 1.0f;  // x_op SiluMul's, read once the kernel before (its producer) has finished

  while (u < u_end) {  // one segment per 128-column tile the run touches
#if LB_GEMV_BLOCK_TILES
    const int64_t tile_group = u / kblocks;
    const int64_t tile = tile_group * kWarps + warp;
    const int64_t kb_begin = u - tile_group * kblocks;
#else
    const int64_t tile = u / kblocks;
    const int64_t kb_begin = u - tile * kblocks;
#endif
    const int64_t kb_end = min(kblocks, kb_begin + (u_end - u));
    const int64_t col0 = tile * kWarpCols + lane * 4;
    const bool col_ok = col0 < n;  // out is a multiple of 8: all 4 columns or none
    float acc[MR][4];
#pragma unroll
    for (int r = 0; r < MR; ++r)
#pragma unroll
      for (int c = 0; c < 4; ++c) acc[r][c] = 0.0f;
    float sq = 0.0f;  // NormWeight: this lane's sum of x^2 over the segment
    [[maybe_unused]] float part[MR][4];  // FOLD: the current group's sums (kblock_fold)
    [[maybe_unused]] float xsum[MR];
    if constexpr (FOLD) {
#pragma unroll
      for (int r = 0; r < MR; ++r) {
        xsum[r] = 0.0f;
#pragma unroll
        for (int c = 0; c < 4; ++c) part[r][c] = 0.0f;
      }
    }

    GroupCursor<B, S16> group(a, kb_begin, gkb, col0);
    Stage cur{};
    for (int64_t kb = kb_begin; kb < kb_end; kb += NB) {
      const int valid = static_cast<int>(min(static_cast<int64_t>(NB), kb_end - kb));
      // 1. every global load of the stage
      load_stage<B, MR, S16, NB, FOLD>(a, kb, valid, col_ok, col0, gkb, group, cur,
                                       kb + valid == kb_end ? valid - 1 : -1);
      if constexpr (XOP == kGemvInputNormWeight) {  // a weight: loaded with the stage's weights, before pdl_wait
#pragma unroll
        for (int i = 0; i < NB; ++i) cur.wx[i] = i < valid ? load_x(ops.weight, ops.weight_dtype, (kb + i) * kKBlockRows + lane) : 0.0f;
      }
      if (!waited) {
        pdl_wait();
        waited = true;
        if constexpr (XOP == kGemvInputSiluMul) norm_scale = silu_mul_norm_scale(ops);
      }
      __syncwarp();  // the previous stage's reads of the slots are done
      if constexpr (PREQ) {
        // 2. copy the stage's quantized x slots (contiguous in xq, in the shared slots' order)
        constexpr int kSlotVecs = kSlotWords / 4;
        const uint4* src = xq + kb * (MR * kSlotVecs);
        uint4* dst = reinterpret_cast<uint4*>(xs);
        const int vecs = valid * MR * kSlotVecs;
#pragma unroll
        for (int it = 0; it < (NB * MR * kSlotVecs + 31) / 32; ++it) {
          const int v = lane + 32 * it;
          if (v < vecs) dst[v] = src[v];
        }
      } else {
        load_stage_x<B, MR, S16, NB, XOP>(a, ops, kb, valid, lane, norm_scale, sq, cur);
        // 2. quantize the stage's x slice (all lanes: lane = row of the k-block) into this warp's slots
#pragma unroll
        for (int i = 0; i < NB; ++i) {
          if (i >= valid) continue;  // warp-uniform
#pragma unroll
          for (int r = 0; r < MR; ++r) quantize_kblock(cur.xv[i][r], lane, xbyte, xs + (i * MR + r) * kSlotWords);
        }
      }
      __syncwarp();

      // 3. integer dots per column and row, then one scaled f32 update per column, row and k-block
#pragma unroll
      for (int i = 0; i < NB; ++i) {
        if (i < valid && col_ok) {
          if constexpr (FOLD) {
            kblock_fold<B, MR>(cur.wv[i], xs + i * MR * kSlotWords, part, xsum);
            if ((cur.flush >> i) & 1u) {  // warp-uniform
              group_flush<B, MR, S16>(cur.sraw[i], zero_bits<B>(cur.zraw[i], col0), a.zero_offset, a.scales_dtype,
                                      part, xsum, acc);
            }
          } else {
            kblock_update<B, MR, S16>(cur.wv[i], cur.sraw[i], zero_bits<B>(cur.zraw[i], col0), a.zero_offset,
                                      a.scales_dtype, xs + i * MR * kSlotWords, acc);
          }
        }
      }
    }
    if (col_ok) {
#pragma unroll
      for (int r = 0; r < MR; ++r) {
        if (r < a.m) {
#if defined(__CUDA_ARCH__) && __CUDA_ARCH__ >= 900
          if (vec_atomics) {  // one 16-byte atomic per lane (sm_90): a quarter of the L2 atomic operations
            atomicAdd(reinterpret_cast<float4*>(a.y + r * n + col0),
                      make_float4(acc[r][0], acc[r][1], acc[r][2], acc[r][3]));
            continue;
          }
#endif
#pragma unroll
          for (int c = 0; c < 4; ++c) atomicAdd(a.y + r * n + col0 + c, acc[r][c]);
        }
      }
    }
    // NormWeight: the warps of tile 0 cover every k-block once; their sums make the sum of x^2 over `in`
    if constexpr (XOP == kGemvInputNormWeight) {
      if (ops.sumsq_out != nullptr && tile == 0) {
#pragma unroll
        for (int o = 16; o > 0; o >>= 1) sq += __shfl_xor_sync(0xffffffffu, sq, o);
        if (lane == 0) atomicAdd(ops.sumsq_out, sq);
      }
    }
    u += kb_end - kb_begin;
  }
  zero_after_wait(ops, waited);
}

// Quantizes x once for the PREQ GEMV that follows it (launched plainly, so it runs after the kernel that wrote x):
// one warp per (k-block, row) item of xq [in / 32][MR][kSlotWords], rows m..MR-1 as zeros; also zeroes y, which the
// GEMV adds into. The GEMV, launched with PDL, may start at once (weight loads) and reads xq and y after pdl_wait.
template <int B, int MR>
__global__ void __launch_bounds__(kThreads) quantize_x_kernel(PackedLinearCudaArgs a, uint4* xq) {
  pdl_launch_dependents();
  const int lane = static_cast<int>(threadIdx.x) & 31;
  const int64_t threads = static_cast<int64_t>(gridDim.x) * kThreads;
  const int64_t thread = static_cast<int64_t>(blockIdx.x) * kThreads + threadIdx.x;
  for (int64_t i = thread; i < a.m * a.out; i += threads) a.y[i] = 0.0f;
  const int64_t items = a.in / kKBlockRows * MR;
  const int xbyte = x_byte_offset<B>(lane);
  for (int64_t item = thread / 32; item < items; item += threads / 32) {  // warp-uniform
    const int64_t kb = item / MR;
    const int r = static_cast<int>(item - kb * MR);
    const float v = r < a.m ? load_x(a.x, a.x_dtype, r * a.in + kb * kKBlockRows + lane) : 0.0f;
    quantize_kblock(v, lane, xbyte, reinterpret_cast<uint32_t*>(xq + item * (kSlotWords / 4)));
  }
}

// ---- host side: applicability and the launch plan ----

inline int rows_for(int64_t m) { return m <= 1 ? 1 : m == 2 ? 2 : 4; }

// Whether the GEMV takes this call (else the tiled kernel does).
// The fused input ops (packed_matmul_cuda.h) for these arguments: they take one row.
inline bool input_ops_valid(const PackedLinearCudaArgs& a, const GemvInputOps& ops) {
  const auto known = [](int dtype) { return dtype == kPackedF32 || dtype == kPackedF16 || dtype == kPackedBF16; };
  if (ops.zero_count < 0 || (ops.zero == nullptr && ops.zero_count != 0)) return false;
  switch (ops.op) {
    case kGemvInputPlain: return true;
    case kGemvInputNormWeight: return a.m == 1 && ops.weight != nullptr && known(ops.weight_dtype);
    case kGemvInputSiluMul:
      return a.m == 1 && ops.sumsq_in != nullptr && ops.norm_count > 0 && ops.norm_eps >= 0.0f && known(ops.round_dtype);
    default: return false;
  }
}

inline bool applies(const PackedLinearCudaArgs& a) {
  return a.m >= 1 && a.m <= kMaxRows && a.in > 0 && a.in % kKBlockRows == 0 && a.group_size > 0 &&
         a.group_size % kKBlockRows == 0 && a.in / kKBlockRows < (int64_t{1} << 30) &&
         reinterpret_cast<uintptr_t>(a.scales) % 16 == 0 && reinterpret_cast<uintptr_t>(a.qweight) % 16 == 0;
}

// Bytes of the PREQ path's quantized x (quantize_x_kernel) for m rows of `in`; 0 where the GEMV does not apply.
inline int64_t xq_bytes(int64_t m, int64_t in) {
  if (m < 1 || m > kMaxRows || in <= 0 || in % kKBlockRows != 0) return 0;
  return rows_for(m) * (in / kKBlockRows) * kSlotWords * 4;
}

struct GemvPlan {
  int rows;          // MR: 1, 2 or 4
  int64_t per_warp;  // k-blocks (units) per warp
  int64_t warps;     // warps with work
  int64_t blocks;
};

// resident_warps: warps of this kernel that fit on the device at once (SMs x blocks per SM x kWarps).
// min_run_stages: the shortest run a warp gets, in stages. 1 by default: on the H200 (2026-12-02, with 16-byte
// atomics) one-stage runs were fastest at the decode shapes (4096 x 4096 int4 10.0 us vs 10.6 with two-stage runs,
// int2 9.9 vs 11.3) and equal within 0.4 us at 12288 / 22016 x 4096, 4096 x 11008 and 28672 x 8192.
inline GemvPlan plan_for(int bits, int64_t m, int64_t in, int64_t out, int64_t resident_warps,
                         int min_run_stages = 1) {
  GemvPlan p{};
  p.rows = rows_for(m);
  const int64_t units = (out + kWarpCols - 1) / kWarpCols * (in / kKBlockRows);
  const int64_t min_run = (min_run_stages > 0 ? min_run_stages : 1) * stage_kblocks_for(bits);
  const int64_t rw = resident_warps > 0 ? resident_warps : 1;
  int64_t per = (units + rw - 1) / rw;
  if (per < min_run) per = min_run;
  p.per_warp = per;
  p.warps = units > 0 ? (units + per - 1) / per : 0;
  p.blocks = (p.warps + kWarps - 1) / kWarps;
  return p;
}

// Blocks of a packed_gemv_kernel launch under plan p (LB_GEMV_BLOCK_TILES: runs over groups of 4 tiles).
inline int64_t grid_blocks(const GemvPlan& p, int64_t in, int64_t out) {
#if LB_GEMV_BLOCK_TILES
  if (p.per_warp <= 0) return 0;
  const int64_t block_units = ((out + kWarpCols - 1) / kWarpCols + kWarps - 1) / kWarps * (in / kKBlockRows);
  return (block_units + p.per_warp - 1) / p.per_warp;
#else
  (void)in;
  (void)out;
  return p.blocks;
#endif
}

}  // namespace lb::kernels::packed_gemv
