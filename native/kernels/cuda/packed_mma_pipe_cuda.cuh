// Pipelined tensor-core kernel of the packed int2/3/4 matmul ("mma_pipe"; included by packed_mma_pipe_cuda.cu
// and by the host emulation test). Same math, fragment mapping and exactness as packed_mma_cuda.cuh (read its
// header first): mma.sync m16n8k16, fp32 accumulation, B dequantized in registers with the magic-number trick,
// per-group partial sums folded with the f32 scales (exact products). It differs in how data reaches the SM:
//
// * A multi-stage cp.async pipeline (kStages stages, kStages - 1 in flight while one is computed) streams each
//   stage's packed weights, the raw x tile and the scales / zeros of the groups that start in it from global
//   to shared memory; no register prefetch, no synchronous global load in the main loop. The old kernel
//   stalled at every group change on dependent scale / zero loads and restaged x between barriers.
// * Weights: every lane reads, per word row, the same 16-byte vector (4 consecutive columns) as the old kernel from
//   its slot, so the B fragment mapping is unchanged; the copies into the slots go row by row (coalesced_slot: four
//   128-byte L2 requests per warp instruction instead of sixteen 32-byte ones).
// * x: the tile [16 * MB rows][stage rows] is copied raw (16-byte chunks, zero beyond m and `in`); a lane reads
//   its packing unit of rows gid and gid + 8 with 16-byte loads (rows padded so one 8-lane phase hits distinct
//   banks for bits 4 / 2) and builds the permuted A registers in registers (pair_of, as the old staging did).
// * Scales / zeros: a k-step's slot is filled only when a group starts in it (or it is the split's first
//   k-step); the consumer reads the slot exactly then (the same state machine), so a slot is never read stale.
// * Block: 8 warps x 32 columns = 256 columns, m tiles on blockIdx.x (blocks sharing weights run together and
//   hit L2), column blocks on y, split-k on z with f32 atomics into y (zeroed first): like the old kernel and
//   the GEMV, the order of the split sums, hence the last bits of y, may differ from run to run.
// * x as A fragments (XP; a workspace given to packed_linear_cuda): permute_x_kernel lays x out once in the order
//   the lanes hold their A registers, a stage copies its fragments and a lane reads each with one 16-byte load,
//   instead of every warp building them (two 16-byte loads per row pair and four PRMT per mma). H200, 2026-12-03:
//   int4 m = 16 at 28672 x 8192 73.3 -> 69.0 us, m = 64 169.8 -> 144.0 us.
// * Instruction count: the kernel is bound by issue, not memory (Nsight Compute, docs/BENCHMARKS.md), so the
//   loop keeps only the k-step's work: copy sources are lane pointers stepped per stage, group starts come from
//   counters (no division), a stage's k-steps form one basic block when groups start only at its first k-step,
//   and 4-bit f16 weights dequantize by LOP3 + HSUB2 / HFMA2 (dequant_chunk).
// Coverage: x f16 / bf16 and groups that fold (a multiple of the k-step, or per channel). Everything else
// (x f32, bits 2 with group 32, bits 3 with group 32 / 64, scales not 4-byte aligned) stays on packed_mma_cuda.
#pragma once

#include <type_traits>

#include "kernels/cuda/cp_async.cuh"
#include "kernels/cuda/packed_mma_cuda.cuh"

namespace lb::kernels::packed_mma_pipe {

using packed_cuda::Unit;
using packed_mma::kOpBF16;
using packed_mma::kOpF16;
using packed_mma::kTileStride;
using packed_mma::Shape;

constexpr int kWarps = 8;
constexpr int kThreads = kWarps * 32;
constexpr int kWarpCols = 32;
constexpr int kBlockCols = kWarps * kWarpCols;
#ifndef LB_MMA_PIPE_STAGES
#define LB_MMA_PIPE_STAGES 4  // a build flag only for A/B timing runs
#endif
constexpr int kStages = LB_MMA_PIPE_STAGES;
#ifndef LB_MMA_PIPE_KSTEPS4
#define LB_MMA_PIPE_KSTEPS4 2  // k-steps per stage for 4 bits (a build flag only for A/B timing runs)
#endif
constexpr int kScaleSlotBytes = kBlockCols * 4;       // 256 scales of up to 4 bytes
constexpr int kZeroSlotBytes = kBlockCols * 4 / 8;    // 256 zeros of up to 4 bits
constexpr int kSlotBytes = kScaleSlotBytes + kZeroSlotBytes;

template <int B>
struct Pipe {
  static constexpr int KSt = B == 3 ? 1 : B == 4 ? LB_MMA_PIPE_KSTEPS4 : 2;  // k-steps per stage
  static constexpr int RS = KSt * Shape<B>::KS;         // rows of `in` per stage: 64 / 128 / 128
  static constexpr int XRow = RS * 2 + (B == 4 ? 64 : 16);  // bytes per x row in shared memory (padded)
  static constexpr int WBytes = KSt * Unit<B>::kWords * kThreads * 16;
};

// How the kernel writes y: stores (one split), or adds its split's sums with scalar atomics or, on sm_90 with y 16-byte
// aligned, one 16-byte atomic per 4 columns (elsewhere kOutVecAtomic adds scalars).
constexpr int kOutStore = 0, kOutAtomic = 1, kOutVecAtomic = 2;

// Largest m16 tiles per block: a lane holds R 32-bit words of x per m16 tile (rows gid and gid + 8).
__host__ __device__ constexpr int max_mb(int bits) { return bits == 4 ? 4 : bits == 2 ? 2 : 1; }

template <int B, int MB>
__host__ __device__ constexpr int stage_bytes() {
  return Pipe<B>::WBytes + 16 * MB * Pipe<B>::XRow + Pipe<B>::KSt * kSlotBytes;
}
template <int B, int MB>
__host__ __device__ constexpr int smem_bytes() {
  return kStages * stage_bytes<B, MB>() > kWarps * 16 * MB * kTileStride * 4 ? kStages * stage_bytes<B, MB>()
                                                                               : kWarps * 16 * MB * kTileStride * 4;
}

// B registers of one column word for chunk c: the pairs (values s, s + R / 2), s = 2c + r, dequantized to the exact
// 16-bit (q - z). 4-bit f16 takes Marlin's route for the odd s: the nibble is masked in place (16 q) under the
// magic exponent, and one f16x2 fma with 1/16 and -(64 + z) gives q - z (every step exact), so a word's four
// pairs cost one shift, four LOP3 and four HADD2 / HFMA2.
template <int B, int OP>
__device__ __forceinline__ void dequant_chunk(const uint32_t (&w)[Unit<B>::kWords], int c, uint32_t z2, uint32_t zf,
                                              uint32_t (&b)[2]) {
  constexpr uint32_t kMagic = packed_mma::magic_pair<OP>();
  if constexpr (B == 4 && OP == kOpF16) {
    const uint32_t v = c == 0 ? w[0] : w[0] >> 8;
    b[0] = packed_mma::sub_pair<OP>(packed_mma::and_or<0x000F000Fu>(v, kMagic), z2);
    b[1] = packed_mma::fma_pair<OP>(packed_mma::and_or<0x00F000F0u>(v, kMagic), 0x2C002C00u, zf);
  } else if constexpr (B == 3) {
#pragma unroll
    for (int r = 0; r < 2; ++r) b[r] = packed_mma::sub_pair<OP>(packed_mma::code_pair<B>(w, 2 * c + r) | kMagic, z2);
  } else {
    constexpr uint32_t kMask = ((1u << B) - 1u) * 0x00010001u;
#pragma unroll
    for (int r = 0; r < 2; ++r) {
      const int s = 2 * c + r;
      b[r] = packed_mma::sub_pair<OP>(packed_mma::and_or<kMask>(s == 0 ? w[0] : w[0] >> (B * s), kMagic), z2);
    }
  }
}

// The weight copy of a warp's k-step word row: 4 unit rows (t) x 32 columns (8 lanes x 4 columns, gid) of 16 bytes.
// In the fragment's lane order (lane = 4 gid + t) each 8-lane phase of a 16-byte cp.async touches 4 rows with 32 bytes
// each: 16 L2 requests of one sector per warp instruction, and the H100 measured mma_pipe at 81.5 % of its L2 tag
// rate with 33 % of its sector rate (2026-12-05, docs/BENCHMARKS.md). Coalesced, copy lane L takes row L / 8, columns
// 4 (L % 8): 4 requests of 128 bytes (26.7 % of the tag rate; int4 m = 16 at 28672 x 8192 77.4 -> 59.5 us). It writes
// the 16 bytes the consumer lane (gid, t) = (L % 8, L / 8) reads, at slot coalesced_slot(t, gid) of the warp's 32:
// t * 8 + (gid ^ 2t), so that neither the copy's 8-lane phases (one t) nor the consumer's (gid in {2p, 2p + 1}, every
// t) meet a shared-memory bank twice.
__host__ __device__ constexpr int coalesced_slot(int t, int gid) { return t * 8 + (gid ^ (2 * t)); }

// The kernel does no 64-bit division and no per-copy index arithmetic in its loop: sources are lane pointers
// advanced by fixed strides, bounds are lane-constant limits on the stage-relative k-step, and both the
// producer and the consumer find group starts with a counter (the group of a k-step is ks / kpg).
// XP: x was laid out as A fragments by permute_x_kernel (xp, [m16 tile][k-step][chunk][lane] x 16 bytes): a stage
// copies its fragments and a lane reads each A register quadruple with one conflict-free 16-byte load (no PRMT).
// coalesced (the default; LOWBIT_MMA_PIPE_COALESCED=0 turns it off): the weight copies are issued row by row, not in
// the B fragment's lane order (coalesced_slot says how the two meet in shared memory).
template <int B, int OP, int MB, bool XP = false>
__global__ void __launch_bounds__(kThreads, MB == 1 ? 2 : 1)
    packed_mma_pipe_kernel(PackedLinearCudaArgs a, int64_t ksteps_per_split, int out_mode,
                           [[maybe_unused]] const uint4* xp, bool coalesced) {
  using S = Shape<B>;
  using PP = Pipe<B>;
  constexpr int W = S::W;
  constexpr int R = S::R;
  constexpr int NCH = S::NCH;
  constexpr int P = S::P;
  constexpr int KSt = PP::KSt;
  constexpr int SB = stage_bytes<B, MB>();
  constexpr int kChunks = PP::RS / 8;  // 16-byte x chunks per row and stage
  constexpr int kXTasks = 16 * MB * kChunks;
  constexpr int kXIters = (kXTasks + kThreads - 1) / kThreads;
  constexpr int kXpPerTile = KSt * NCH * 32;  // XP: 16-byte fragments per m16 tile and stage
  constexpr int kXpTasks = MB * kXpPerTile;
  constexpr int kXpIters = (kXpTasks + kThreads - 1) / kThreads;
  static_assert(MB <= max_mb(B), "x registers per lane exceed the budget");
  static_assert(kXpTasks * 16 <= 16 * MB * PP::XRow, "the fragments fit the raw x tile's shared memory");
  static_assert(SB % 16 == 0 && PP::XRow % 16 == 0 && PP::WBytes % 16 == 0, "16-byte alignment of the stages");
  LB_DYNAMIC_SHARED(unsigned char, smem);

  const int tid = threadIdx.x;
  const int lane = tid & 31;
  const int warp = tid >> 5;
  const int gid = lane >> 2;
  const int t = lane & 3;
  // the plan bounds out below 2^28 (out * bits fits), in and m below 2^30: 32-bit columns, rows and k-steps
  const int n = static_cast<int>(a.out);
  const int c0 = static_cast<int>(blockIdx.y) * kBlockCols;  // the block's first column
  const int wcol = c0 + warp * kWarpCols;
  const int bcol = wcol + packed_mma::col_of(gid, 0);  // this lane's B columns bcol .. bcol + 3
  const bool b_ok = bcol < n;                          // out % 8 == 0: all four or none
  const int m0 = static_cast<int>(blockIdx.x) * (16 * MB);
  const int in = static_cast<int>(a.in);
  const int units = in / R;
  const int ksteps = (units + 3) / 4;
  const int ksb = static_cast<int>(blockIdx.z * ksteps_per_split);
  const int kse = min(ksteps, ksb + static_cast<int>(ksteps_per_split));
  const int nst = (kse - ksb + KSt - 1) / KSt;  // stages of this split
  const int esz = a.scales_dtype == kPackedF32 ? 4 : 2;
  const int zrow_words = n * B / 32;  // words per qzeros row
  // k-steps per group: the plan takes groups that are a multiple of the k-step or cover all of `in`
  const int kpg = a.group_size % S::KS == 0 && a.group_size / S::KS < ksteps ? static_cast<int>(a.group_size / S::KS)
                                                                            : ksteps;

  // producer state: weights of k-step ks (relative to ksb) are unit rows 4 ks + t; this lane copies k-steps
  // below w_end (the split's end, the last unit, its columns)
  // coalesced: this thread copies for the lane (gid, t) = (lane % 8, lane / 8) of its warp into that lane's slot
  const int cp_t = coalesced ? lane >> 3 : t;
  const int cp_col = coalesced ? wcol + 4 * (lane & 7) : bcol;
  const int cp_slot = coalesced ? warp * 32 + coalesced_slot(lane >> 3, lane & 7) : tid;
  const int w_end = cp_col < n ? min(kse, (units - cp_t + 3) / 4) - ksb : 0;
  // copy sources advance with the stages; a copy that is off reads 0 bytes (cp.async zero-fill), so its address
  // may run past the end and is never dereferenced
  const int32_t* w_src = a.qweight + static_cast<int64_t>(4 * ksb + cp_t) * W * n + cp_col;
  const int64_t w_step = static_cast<int64_t>(4) * W * n;  // words per k-step
  const uint16_t* x_src[kXIters];  // raw x chunks this thread copies, and the stage-relative k limit of each
  int x_lim[kXIters];
#pragma unroll
  for (int it = 0; it < kXIters; ++it) {
    const int task = it * kThreads + tid;
    const int r = task / kChunks;
    const int ch = task - r * kChunks;
    const bool ok = task < kXTasks && m0 + r < a.m;
    x_src[it] = static_cast<const uint16_t*>(a.x) + (ok ? static_cast<int64_t>(m0 + r) * in + ksb * S::KS + ch * 8 : 0);
    x_lim[it] = ok ? in - ksb * S::KS - ch * 8 : 0;  // stage st copies while st * RS < x_lim
  }
  [[maybe_unused]] const uint4* xp_src[kXpIters];  // XP: this thread's fragment copies, and their k-step limits
  [[maybe_unused]] int xp_lim[kXpIters];
  if constexpr (XP) {
    const int mtiles16 = static_cast<int>((a.m + 15) / 16);
#pragma unroll
    for (int it = 0; it < kXpIters; ++it) {
      const int task = it * kThreads + tid;
      const int mt = task / kXpPerTile;
      const int rem = task - mt * kXpPerTile;
      const int tile = static_cast<int>(blockIdx.x) * MB + mt;
      const bool ok = task < kXpTasks && tile < mtiles16;
      xp_src[it] = xp + (ok ? (static_cast<int64_t>(tile) * ksteps + ksb) * NCH * 32 + rem : 0);
      xp_lim[it] = ok ? kse - ksb - rem / (NCH * 32) : 0;  // stage st copies while st * KSt < xp_lim
    }
  }
  const int cols = min(kBlockCols, n - c0);
  const bool sc_ok = tid * 4 < cols * esz;
  const unsigned char* const sc_src = static_cast<const unsigned char*>(a.scales) + static_cast<int64_t>(c0) * esz + tid * 4;
  const bool zc_ok = tid < 8 * B && c0 * B / 32 + tid < zrow_words;
  const int32_t* const zc_src = a.qzeros + c0 * B / 32 + tid;
  // groups start only at a stage's first k-step (the plan makes splits start at multiples of KSt)
  const bool stage_groups = (kpg % KSt == 0 || kpg >= ksteps) && ksb % KSt == 0;
  int p_gk = ksb / kpg;  // group of the next group start the producer fills
  int p_next = ksb;      // its first k-step

  // ---- producer: stage st (relative to the split) into buffer st % kStages; always commits a group ----
  // Weights, scales and zeros (written by no kernel of the stream: issued before pdl_wait in the prologue), then x
  // and the commit. Every stage is one commit group holding its x (and its weights, or an earlier group does).
  auto fetch_weights = [&](int st) {
    if (st < nst) {
      unsigned char* slots = smem + (st % kStages) * SB + PP::WBytes + 16 * MB * PP::XRow;
      uint4* ws = reinterpret_cast<uint4*>(smem + (st % kStages) * SB);
#pragma unroll
      for (int kj = 0; kj < KSt; ++kj) {
        const int r = st * KSt + kj;  // k-step relative to ksb
        const bool ok = r < w_end;
#pragma unroll
        for (int i = 0; i < W; ++i) cp_async::copy16_or_zero(ws + (kj * W + i) * kThreads + cp_slot, w_src + kj * w_step + i * n, ok);
        // scales / zeros of a group that starts at this k-step (or at the split's first k-step): the consumer
        // reads the slot exactly then
        if (ksb + r == p_next && ksb + r < kse) {
          unsigned char* slot = slots + kj * kSlotBytes;
          if (sc_ok) cp_async::copy4(slot + tid * 4, sc_src + static_cast<int64_t>(p_gk) * n * esz);
          if (zc_ok) cp_async::copy4(slot + kScaleSlotBytes + tid * 4, zc_src + static_cast<int64_t>(p_gk) * zrow_words);
          ++p_gk;
          p_next = p_gk * kpg;
        }
      }
      w_src += KSt * w_step;
    }
  };
  auto fetch_x = [&](int st) {
    if constexpr (XP) {
      if (st < nst) {
        uint4* xs = reinterpret_cast<uint4*>(smem + (st % kStages) * SB + PP::WBytes);
#pragma unroll
        for (int it = 0; it < kXpIters; ++it) {
          const int task = it * kThreads + tid;
          if (kXpTasks % kThreads == 0 || task < kXpTasks) cp_async::copy16_or_zero(xs + task, xp_src[it], st * KSt < xp_lim[it]);
          xp_src[it] += kXpPerTile;
        }
      }
      cp_async::commit();
      return;
    }
    if (st < nst) {
      unsigned char* xs = smem + (st % kStages) * SB + PP::WBytes;
#pragma unroll
      for (int it = 0; it < kXIters; ++it) {
        const int task = it * kThreads + tid;
        if (kXTasks % kThreads == 0 || task < kXTasks) {
          const int r = task / kChunks;
          const int ch = task - r * kChunks;
          cp_async::copy16_or_zero(xs + r * PP::XRow + ch * 16, x_src[it], st * PP::RS < x_lim[it]);
        }
        x_src[it] += PP::RS;
      }
    }
    cp_async::commit();
  };
  auto fetch = [&](int st) {
    fetch_weights(st);
    fetch_x(st);
  };

  float acc[MB][4][4];
  float part[MB][4][4];  // per-group partial sums
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
  uint32_t zf[4] = {0u, 0u, 0u, 0u};  // f16 -(64 + zero) (the 4-bit f16 odd pairs)
  float cs[8] = {0.0f, 0.0f, 0.0f, 0.0f, 0.0f, 0.0f, 0.0f, 0.0f};  // scales of columns wcol + 8t + i
  bool any_group = false;
  int c_gk = ksb / kpg;  // group of the next group start the consumer meets
  int c_next = ksb;      // its first k-step
  const int lc_s = warp * kWarpCols + 8 * t;  // local column of cs[0] (past n: unfilled slot words, whose
                                              // columns are never stored)

  auto flush = [&]() {
#pragma unroll
    for (int mt = 0; mt < MB; ++mt)
#pragma unroll
      for (int j = 0; j < 4; ++j)
#pragma unroll
        for (int i = 0; i < 4; ++i) {
          acc[mt][j][i] = __fmaf_rn(cs[4 * (i & 1) + j], part[mt][j][i], acc[mt][j][i]);
          part[mt][j][i] = 0.0f;
        }
  };

  // ---- consumer: k-step kj of the stage in `base` ----
  // the lane's shared-memory offsets inside a stage (hoisted: only the stage base changes in the loop)
  const int w_lane = (coalesced ? warp * 32 + coalesced_slot(t, gid) : tid) * 16;
  const int x_lane = PP::WBytes + gid * PP::XRow + R * t * 2;
  // check_group false: the caller knows no group starts at this k-step (no branch between the k-steps of a stage)
  auto compute = [&](auto check_group, const unsigned char* base, int kj, int ks) {
    const unsigned char* xs = base + PP::WBytes;
    if (decltype(check_group)::value && ks == c_next) {  // a group starts here (the whole k-step is in it): its slot was filled by the producer
      if (any_group) flush();
      any_group = true;
      ++c_gk;
      c_next = c_gk * kpg;
      const unsigned char* slot = xs + 16 * MB * PP::XRow + kj * kSlotBytes;
      if (esz == 4) {
        const float4 v0 = reinterpret_cast<const float4*>(slot)[lc_s / 4];
        const float4 v1 = reinterpret_cast<const float4*>(slot)[lc_s / 4 + 1];
        cs[0] = v0.x, cs[1] = v0.y, cs[2] = v0.z, cs[3] = v0.w, cs[4] = v1.x, cs[5] = v1.y, cs[6] = v1.z, cs[7] = v1.w;
      } else {
        const uint4 v = reinterpret_cast<const uint4*>(slot)[lc_s / 8];
        const uint32_t h[4] = {v.x, v.y, v.z, v.w};
#pragma unroll
        for (int i = 0; i < 8; ++i) {
          const uint16_t bits = static_cast<uint16_t>(h[i >> 1] >> (16 * (i & 1)));
          cs[i] = a.scales_dtype == kPackedF16 ? packed_mma::value16<kOpF16>(bits) : packed_mma::value16<kOpBF16>(bits);
        }
      }
      // the lane's 4 zeros: 4B bits from bit (bcol - c0) B of the slot (within one word unless B = 3)
      const uint32_t* zw = reinterpret_cast<const uint32_t*>(slot + kScaleSlotBytes);
      const int zp = (bcol - c0) * B;
      uint32_t zv = zw[zp >> 5] >> (zp & 31);
      if constexpr (B == 3) {
        if ((zp & 31) + 4 * B > 32) zv |= zw[(zp >> 5) + 1] << (32 - (zp & 31));
      }
#pragma unroll
      for (int j = 0; j < 4; ++j) {
        const int z = b_ok ? static_cast<int>(((zv >> (B * j)) + static_cast<uint32_t>(a.zero_offset)) & ((1u << B) - 1u)) : 0;
        const uint32_t h = (packed_mma::magic_pair<OP>() & 0xFFFFu) | static_cast<uint32_t>(z);
        z2[j] = h | (h << 16);
        const uint32_t f = 0xD400u | (static_cast<uint32_t>(z) << 4);  // f16 -(64 + z), z < 16
        zf[j] = f | (f << 16);
      }
    }
    // this lane's weights (its own slots)
    const uint4* ws = reinterpret_cast<const uint4*>(base + w_lane);
    uint4 cur[W];
#pragma unroll
    for (int i = 0; i < W; ++i) cur[i] = ws[(kj * W + i) * kThreads];
    // x of rows gid / gid + 8 of each m16 tile, values R t .. R t + R - 1 of the k-step: R / 2 words per row
    // (plain `if` on XP, not `if constexpr`: gcc 12 fails on the latter in this generic lambda in the host emulation)
    uint32_t h[MB][2][R / 2];
    if (!XP) {
#pragma unroll
      for (int mt = 0; mt < MB; ++mt)
#pragma unroll
        for (int hh = 0; hh < 2; ++hh) {
          const uint4* src = reinterpret_cast<const uint4*>(base + x_lane + (mt * 16 + 8 * hh) * PP::XRow + kj * S::KS * 2);
#pragma unroll
          for (int q = 0; q < R / 8; ++q) {
            const uint4 v = src[q];
            h[mt][hh][4 * q] = v.x;
            h[mt][hh][4 * q + 1] = v.y;
            h[mt][hh][4 * q + 2] = v.z;
            h[mt][hh][4 * q + 3] = v.w;
          }
        }
    }
#pragma unroll
    for (int c = 0; c < NCH; ++c) {
      uint32_t b[4][2];
#pragma unroll
      for (int j = 0; j < 4; ++j) {
        uint32_t w[W];
#pragma unroll
        for (int i = 0; i < W; ++i) w[i] = packed_mma::component(cur[i], j);
        dequant_chunk<B, OP>(w, c, z2[j], zf[j], b[j]);
      }
#pragma unroll
      for (int mt = 0; mt < MB; ++mt) {
        // A registers: (row gid, B reg 0), (row gid + 8, reg 0), (row gid, reg 1), (row gid + 8, reg 1); register r
        // of chunk c holds values 2c + r and 2c + r + P of the unit (words c and c + P / 2)
        uint4 af;
        if (XP) {
          af = reinterpret_cast<const uint4*>(base + PP::WBytes)[((mt * KSt + kj) * NCH + c) * 32 + lane];
        } else {
          af.x = packed_mma::pair_of(h[mt][0][c], h[mt][0][c + P / 2], 0);
          af.y = packed_mma::pair_of(h[mt][1][c], h[mt][1][c + P / 2], 0);
          af.z = packed_mma::pair_of(h[mt][0][c], h[mt][0][c + P / 2], 1);
          af.w = packed_mma::pair_of(h[mt][1][c], h[mt][1][c + P / 2], 1);
        }
#pragma unroll
        for (int j = 0; j < 4; ++j) packed_mma::mma<OP>(part[mt][j], af, b[j][0], b[j][1]);
      }
    }
  };

  // ---- main loop: wait for stage st, barrier (stage st visible; buffer (st - 1) % kStages free), refill it ----
#pragma unroll
  for (int s = 0; s < kStages - 1; ++s) fetch_weights(s);
  pdl_wait();  // launched with PDL after the kernel that zeroes y (and may follow the producer of x)
#pragma unroll
  for (int s = 0; s < kStages - 1; ++s) fetch_x(s);
  for (int st = 0; st < nst; ++st) {
    cp_async::wait<kStages - 2>();
    __syncthreads();
    fetch(st + kStages - 1);
    const unsigned char* base = smem + (st % kStages) * SB;
    const int ks0 = ksb + st * KSt;
    if (KSt > 1 && stage_groups && ks0 + KSt - 1 < kse) {  // a full stage whose later k-steps start no group
      compute(std::true_type{}, base, 0, ks0);
#pragma unroll
      for (int kj = 1; kj < KSt; ++kj) compute(std::false_type{}, base, kj, ks0 + kj);
    } else {
#pragma unroll
      for (int kj = 0; kj < KSt; ++kj) {
        if (KSt == 1 || ks0 + kj < kse) compute(std::true_type{}, base, kj, ks0 + kj);  // uniform over the block
      }
    }
  }
  if (any_group) flush();
  cp_async::wait<0>();

  // y through shared memory (the pipeline buffers are free after the barrier): coalesced rows per warp
  __syncthreads();
  float* tile = reinterpret_cast<float*>(smem) + warp * (16 * MB * kTileStride);
#pragma unroll
  for (int mt = 0; mt < MB; ++mt)
#pragma unroll
    for (int j = 0; j < 4; ++j)
#pragma unroll
      for (int i = 0; i < 4; ++i) {
        tile[(mt * 16 + packed_mma::c_row(lane, i)) * kTileStride + packed_mma::c_col(lane, i, j)] = acc[mt][j][i];
      }
  __syncthreads();
  const int rows = min(16 * MB, static_cast<int>(a.m) - m0);
#if defined(__CUDA_ARCH__) && __CUDA_ARCH__ >= 900
  if (out_mode == kOutVecAtomic) {  // lane: 4 columns (quad lane % 8) of every 4th row, one 16-byte atomic each
    const int c4 = 4 * (lane & 7);
    if (wcol + c4 < n) {  // out % 8 == 0: all 4 columns
      for (int r = lane >> 3; r < rows; r += 4) {
        const float* t = tile + r * kTileStride + c4;
        atomicAdd(reinterpret_cast<float4*>(a.y + static_cast<int64_t>(m0 + r) * n + wcol + c4),
                  make_float4(t[0], t[1], t[2], t[3]));
      }
    }
    return;
  }
#endif
  const int col = wcol + lane;
  if (col < n) {
    float* yp = a.y + static_cast<int64_t>(m0) * n + col;
    for (int r = 0; r < rows; ++r, yp += n) {
      const float v = tile[r * kTileStride + lane];
      if (out_mode != kOutStore) {
        atomicAdd(yp, v);
      } else {
        *yp = v;
      }
    }
  }
}

// x as A fragments for the XP kernel: xp[((tile * ksteps + ks) * NCH + c) * 32 + lane] holds the 4 A registers of
// chunk c of k-step ks for m16 tile `tile` (rows gid and gid + 8, values 2c + r and 2c + r + P of unit 4 ks + t, as
// pair_of builds them), zeros past m and `in`. Also zeroes y when the GEMM adds into it (split-k). Launched plainly
// (it reads x, the previous kernel's output); the GEMM after it, launched with PDL, reads xp and y after pdl_wait.
template <int B>
__global__ void __launch_bounds__(kThreads) permute_x_kernel(PackedLinearCudaArgs a, uint4* xp, bool zero_y) {
  using S = Shape<B>;
  pdl_launch_dependents();
  const int64_t threads = static_cast<int64_t>(gridDim.x) * kThreads;
  const int64_t thread = static_cast<int64_t>(blockIdx.x) * kThreads + threadIdx.x;
  if (zero_y) {
    for (int64_t i = thread; i < a.m * a.out; i += threads) a.y[i] = 0.0f;
  }
  const int64_t ksteps = (a.in / S::R + 3) / 4;
  const int64_t total = (a.m + 15) / 16 * ksteps * S::NCH * 32;
  const uint16_t* x = static_cast<const uint16_t*>(a.x);
  for (int64_t i = thread; i < total; i += threads) {
    const int lane = static_cast<int>(i & 31);
    const int64_t rest = i >> 5;
    const int c = static_cast<int>(rest % S::NCH);
    const int64_t ks = rest / S::NCH % ksteps;
    const int64_t tile = rest / S::NCH / ksteps;
    const int64_t k0 = (4 * ks + (lane & 3)) * S::R + 2 * c;  // value 2c of the lane's unit
    const int64_t row0 = tile * 16 + (lane >> 2);
    auto v = [&](int64_t row, int64_t k) -> uint32_t { return row < a.m && k < a.in ? x[row * a.in + k] : 0u; };
    uint4 af;
    af.x = v(row0, k0) | v(row0, k0 + S::P) << 16;
    af.y = v(row0 + 8, k0) | v(row0 + 8, k0 + S::P) << 16;
    af.z = v(row0, k0 + 1) | v(row0, k0 + 1 + S::P) << 16;
    af.w = v(row0 + 8, k0 + 1) | v(row0 + 8, k0 + 1 + S::P) << 16;
    xp[i] = af;
  }
}

// Bytes of permute_x_kernel's output for m rows of `in`.
inline int64_t xp_bytes(int bits, int64_t m, int64_t in) {
  const int r = packed_mma::unit_rows(bits);
  if (m < 1 || in <= 0 || r <= 0) return 0;
  return (m + 15) / 16 * ((in / r + 3) / 4) * (r / 4) * 32 * 16;
}

// ---- plan ----

struct PipePlan {
  bool takes;  // false: the call stays on packed_mma_cuda
  int op;      // packed_mma::Operand (kOpF16 / kOpBF16)
  int mb;      // m16 tiles per block
  int64_t mtiles;
  int64_t col_blocks;
  int splits;
  int64_t ksteps_per_split;
  int64_t blocks;
};

// Whether the pipelined kernel takes the shape (pointer alignment is checked by the caller), and its grid.
// blocks_per_sm: resident blocks of the instance (the launcher asks the occupancy API; tests pass a number).
inline PipePlan pipe_plan_for(int bits, int64_t m, int64_t in, int64_t out, int64_t group_size, int x_dtype,
                              int sm_count, int blocks_per_sm) {
  PipePlan plan{};
  if (m < packed_mma::kMinM || in <= 0 || out <= 0 || (bits != 2 && bits != 3 && bits != 4)) return plan;
  if (x_dtype != kPackedF16 && x_dtype != kPackedBF16) return plan;
  const int r = packed_mma::unit_rows(bits);
  if (out % 8 != 0 || in % r != 0 || group_size <= 0 || group_size % r != 0) return plan;
  if (!(group_size % (4 * r) == 0 || group_size >= in)) return plan;  // no fold: the old kernel rounds weights
  plan.op = x_dtype == kPackedF16 ? kOpF16 : kOpBF16;
  const int want = m <= 16 ? 1 : m <= 32 ? 2 : 4;
  plan.mb = want < max_mb(bits) ? want : max_mb(bits);
  plan.mtiles = (m + 16 * plan.mb - 1) / (16 * plan.mb);
  plan.col_blocks = (out + kBlockCols - 1) / kBlockCols;
  if (plan.col_blocks > 65535 || out >= (int64_t{1} << 28) || in >= (int64_t{1} << 30) || m >= (int64_t{1} << 30)) {
    return plan;  // the kernel indexes columns (times bits), rows and k-steps in 32 bits
  }
  const int64_t base = plan.col_blocks * plan.mtiles;
  const int64_t ksteps = (in / r + 3) / 4;
  const int kst = bits == 3 ? 1 : bits == 4 ? LB_MMA_PIPE_KSTEPS4 : 2;
  // split-k: at least one wave of resident blocks, then among up to 3x that many splits the one whose last
  // wave is fullest (ties: fewer splits); at least one stage per split, at most 65535 splits
  const int64_t resident = static_cast<int64_t>(blocks_per_sm > 0 ? blocks_per_sm : 1) * (sm_count > 0 ? sm_count : 132);
  int64_t max_splits = ksteps / kst;
  if (max_splits < 1) max_splits = 1;
  if (max_splits > 65535) max_splits = 65535;
  int64_t first = base >= resident ? 1 : (resident + base - 1) / base;
  if (first > max_splits) first = max_splits;
  int64_t best_per = ksteps;
  double best_fill = -1.0;
  for (int64_t cand = first; cand <= 3 * first && cand <= max_splits; ++cand) {
    int64_t per = (ksteps + cand - 1) / cand;
    if (per % kst != 0 && per < ksteps) per += kst - per % kst;  // splits start at stage boundaries
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

}  // namespace lb::kernels::packed_mma_pipe
