// Pipelined tensor-core kernel of the packed int2/3/4 matmul ("mma_pipe"; included by packed_mma_pipe_cuda.cu
// and by the host emulation test). Same math, fragment mapping and exactness as packed_mma_cuda.cuh (read its
// header first): mma.sync m16n8k16, fp32 accumulation, B dequantized in registers with the magic-number trick,
// per-group partial sums folded with the f32 scales (exact products). It differs in how data reaches the SM:
//
// * A multi-stage cp.async pipeline (kStages stages, kStages - 1 in flight while one is computed) streams each
//   stage's packed weights, the raw x tile and the scales / zeros of the groups that start in it from global
//   to shared memory; no register prefetch, no synchronous global load in the main loop. The old kernel
//   stalled at every group change on dependent scale / zero loads and restaged x between barriers.
// * Weights: every lane copies, per word row, the same 16-byte vector (4 consecutive columns) as the old
//   kernel into its own slot and reads it back from there, so the B fragment mapping is unchanged.
// * x: the tile [16 * MB rows][stage rows] is copied raw (16-byte chunks, zero beyond m and `in`); a lane reads
//   its packing unit of rows gid and gid + 8 with 16-byte loads (rows padded so one 8-lane phase hits distinct
//   banks for bits 4 / 2) and builds the permuted A registers in registers (pair_of, as the old staging did).
// * Scales / zeros: a k-step's slot is filled only when a group starts in it (or it is the split's first
//   k-step); the consumer reads the slot exactly then (the same state machine), so a slot is never read stale.
// * Block: 8 warps x 32 columns = 256 columns, m tiles on blockIdx.x (blocks sharing weights run together and
//   hit L2), column blocks on y, split-k on z with f32 atomics into y (zeroed first): like the old kernel and
//   the GEMV, the order of the split sums, hence the last bits of y, may differ from run to run.
// Coverage: x f16 / bf16 and groups that fold (a multiple of the k-step, or per channel). Everything else
// (x f32, bits 2 with group 32, bits 3 with group 32 / 64, scales not 4-byte aligned) stays on packed_mma_cuda.
#pragma once

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
constexpr int kStages = 4;
constexpr int kScaleSlotBytes = kBlockCols * 4;       // 256 scales of up to 4 bytes
constexpr int kZeroSlotBytes = kBlockCols * 4 / 8;    // 256 zeros of up to 4 bits
constexpr int kSlotBytes = kScaleSlotBytes + kZeroSlotBytes;

template <int B>
struct Pipe {
  static constexpr int KSt = B == 3 ? 1 : 2;            // k-steps per stage
  static constexpr int RS = KSt * Shape<B>::KS;         // rows of `in` per stage: 64 / 128 / 128
  static constexpr int XRow = RS * 2 + (B == 4 ? 64 : 16);  // bytes per x row in shared memory (padded)
  static constexpr int WBytes = KSt * Unit<B>::kWords * kThreads * 16;
};

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

// ---- cp.async (sm_80+); the emulation copies at once (its barriers order the copies like wait + barrier) ----

__device__ __forceinline__ void cp_async16(void* dst, const void* src, bool ok) {
#ifdef LB_CUDA_EMULATION
  if (ok) {
    memcpy(dst, src, 16);
  } else {
    memset(dst, 0, 16);
  }
#else
  const unsigned s = static_cast<unsigned>(__cvta_generic_to_shared(dst));
  asm volatile("cp.async.cg.shared.global [%0], [%1], 16, %2;\n" ::"r"(s), "l"(src), "r"(ok ? 16 : 0));
#endif
}

__device__ __forceinline__ void cp_async4(void* dst, const void* src) {
#ifdef LB_CUDA_EMULATION
  memcpy(dst, src, 4);
#else
  const unsigned s = static_cast<unsigned>(__cvta_generic_to_shared(dst));
  asm volatile("cp.async.ca.shared.global [%0], [%1], 4;\n" ::"r"(s), "l"(src));
#endif
}

__device__ __forceinline__ void cp_async_commit() {
#ifndef LB_CUDA_EMULATION
  asm volatile("cp.async.commit_group;\n" ::);
#endif
}

template <int N>
__device__ __forceinline__ void cp_async_wait() {
#ifndef LB_CUDA_EMULATION
  asm volatile("cp.async.wait_group %0;\n" ::"n"(N) : "memory");
#endif
}

// Zero point (with zero_offset) of local column lc of a zero slot (the block's 256 columns, bit stream).
template <int B>
__device__ __forceinline__ int zero_of(const uint32_t* words, int lc, int zero_offset) {
  const int p = lc * B;
  const int off = p & 31;
  uint32_t v = words[p >> 5] >> off;
  if (off + B > 32) v |= words[(p >> 5) + 1] << (32 - off);
  return static_cast<int>((v + static_cast<uint32_t>(zero_offset)) & ((1u << B) - 1u));
}

template <int B, int OP, int MB>
__global__ void __launch_bounds__(kThreads, MB == 1 ? 2 : 1)
    packed_mma_pipe_kernel(PackedLinearCudaArgs a, int64_t ksteps_per_split, bool atomic) {
  using S = Shape<B>;
  using PP = Pipe<B>;
  constexpr int W = S::W;
  constexpr int R = S::R;
  constexpr int NCH = S::NCH;
  constexpr int P = S::P;
  constexpr int KSt = PP::KSt;
  constexpr int SB = stage_bytes<B, MB>();
  static_assert(MB <= max_mb(B), "x registers per lane exceed the budget");
  static_assert(SB % 16 == 0 && PP::XRow % 16 == 0 && PP::WBytes % 16 == 0, "16-byte alignment of the stages");
  LB_DYNAMIC_SHARED(unsigned char, smem);

  const int tid = threadIdx.x;
  const int lane = tid & 31;
  const int warp = tid >> 5;
  const int gid = lane >> 2;
  const int t = lane & 3;
  const int64_t n = a.out;
  const int64_t c0 = static_cast<int64_t>(blockIdx.y) * kBlockCols;  // the block's first column
  const int64_t wcol = c0 + warp * kWarpCols;
  const int64_t bcol = wcol + packed_mma::col_of(gid, 0);  // this lane's B columns bcol .. bcol + 3
  const bool b_ok = bcol < n;                              // out % 8 == 0: all four or none
  const int64_t m0 = static_cast<int64_t>(blockIdx.x) * (16 * MB);
  const int64_t units = a.in / R;
  const int64_t ksteps = (units + 3) / 4;
  const int64_t ksb = static_cast<int64_t>(blockIdx.z) * ksteps_per_split;
  const int64_t kse = min(ksteps, ksb + ksteps_per_split);
  const int64_t nst = (kse - ksb + KSt - 1) / KSt;  // stages of this split
  const int esz = a.scales_dtype == kPackedF32 ? 4 : 2;
  const int64_t zrow_words = n * B / 32;  // words per qzeros row

  // ---- producer: stage st (relative to the split) into buffer st % kStages; always commits a group ----
  int64_t p_end = 0;  // first row after the group whose scales the producer copied last (rows only grow)
  auto fetch = [&](int64_t st) {
    if (st < nst) {
      unsigned char* base = smem + static_cast<size_t>(st % kStages) * SB;
      uint4* ws = reinterpret_cast<uint4*>(base);
      unsigned char* xs = base + PP::WBytes;
      unsigned char* slots = xs + 16 * MB * PP::XRow;
      const int64_t ks0 = ksb + st * KSt;
#pragma unroll
      for (int kj = 0; kj < KSt; ++kj) {
        const int64_t ks = ks0 + kj;
        const int64_t u = ks * 4 + t;
        const bool ok = b_ok && ks < kse && u < units;
#pragma unroll
        for (int i = 0; i < W; ++i) {
          const int32_t* src = ok ? a.qweight + (u * W + i) * n + bcol : a.qweight;
          cp_async16(ws + (kj * W + i) * kThreads + tid, src, ok);
        }
        // scales / zeros of the group that starts at this k-step (or of the split's first k-step): the same
        // state machine as the consumer's (c_end), so the slot is filled exactly when it will be read
        if (ks < kse && ks * S::KS >= p_end) {
          const int64_t gk = ks * S::KS / a.group_size;
          p_end = (gk + 1) * a.group_size;
          unsigned char* slot = slots + kj * kSlotBytes;
          const int64_t cols = min(static_cast<int64_t>(kBlockCols), n - c0);
          if (tid * 4 < cols * esz) {
            cp_async4(slot + tid * 4, static_cast<const unsigned char*>(a.scales) + (gk * n + c0) * esz + tid * 4);
          }
          const int64_t zw = c0 * B / 32 + tid;
          if (tid < 8 * B && zw < zrow_words) {
            cp_async4(slot + kScaleSlotBytes + tid * 4, a.qzeros + gk * zrow_words + zw);
          }
        }
      }
      // raw x: 16 * MB rows x RS / 8 chunks of 16 bytes
      constexpr int kChunks = PP::RS / 8;
      const int64_t k0 = ks0 * S::KS;
#pragma unroll
      for (int it = 0; it < (16 * MB * kChunks + kThreads - 1) / kThreads; ++it) {
        const int task = it * kThreads + tid;
        if (task < 16 * MB * kChunks) {
          const int r = task / kChunks;
          const int ch = task - r * kChunks;
          const int64_t row = m0 + r;
          const int64_t k = k0 + ch * 8;
          const bool ok = row < a.m && k < a.in;
          const uint16_t* src = ok ? static_cast<const uint16_t*>(a.x) + row * a.in + k : static_cast<const uint16_t*>(a.x);
          cp_async16(xs + r * PP::XRow + ch * 16, src, ok);
        }
      }
    }
    cp_async_commit();
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
  float cs[8] = {0.0f, 0.0f, 0.0f, 0.0f, 0.0f, 0.0f, 0.0f, 0.0f};  // scales of columns wcol + 8t + i
  int64_t cg = -1;     // group of cs / part
  int64_t c_end = 0;   // first row after group cg

  auto flush = [&]() {
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
  };

  // ---- consumer: k-step kj of the stage in `base` ----
  auto compute = [&](const unsigned char* base, int kj, int64_t ks) {
    const unsigned char* xs = base + PP::WBytes;
    const int64_t row0 = ks * S::KS;  // the whole k-step is in one group (fold)
    if (row0 >= c_end) {              // a group starts here: its slot was filled by the producer
      flush();
      const int64_t gk = row0 / a.group_size;
      cg = gk;
      c_end = (gk + 1) * a.group_size;
      const unsigned char* slot = xs + 16 * MB * PP::XRow + kj * kSlotBytes;
#pragma unroll
      for (int i = 0; i < 8; ++i) {
        const int lc = warp * kWarpCols + 8 * t + i;
        cs[i] = c0 + lc < n ? packed_cuda::load_value(slot, a.scales_dtype, lc) : 0.0f;
      }
      const uint32_t* zw = reinterpret_cast<const uint32_t*>(slot + kScaleSlotBytes);
#pragma unroll
      for (int j = 0; j < 4; ++j) {
        const int z = b_ok ? zero_of<B>(zw, static_cast<int>(bcol - c0) + j, a.zero_offset) : 0;
        const uint32_t h = (packed_mma::magic_pair<OP>() & 0xFFFFu) | static_cast<uint32_t>(z);
        z2[j] = h | (h << 16);
      }
    }
    // this lane's weights (its own slots)
    const uint4* ws = reinterpret_cast<const uint4*>(base);
    uint4 cur[W];
#pragma unroll
    for (int i = 0; i < W; ++i) cur[i] = ws[(kj * W + i) * kThreads + tid];
    // x of rows gid / gid + 8 of each m16 tile, values R t .. R t + R - 1 of the k-step: R / 2 words per row
    uint32_t h[MB][2][R / 2];
#pragma unroll
    for (int mt = 0; mt < MB; ++mt)
#pragma unroll
      for (int hh = 0; hh < 2; ++hh) {
        const uint4* src =
            reinterpret_cast<const uint4*>(xs + (mt * 16 + gid + 8 * hh) * PP::XRow + (kj * S::KS + R * t) * 2);
#pragma unroll
        for (int q = 0; q < R / 8; ++q) {
          const uint4 v = src[q];
          h[mt][hh][4 * q] = v.x;
          h[mt][hh][4 * q + 1] = v.y;
          h[mt][hh][4 * q + 2] = v.z;
          h[mt][hh][4 * q + 3] = v.w;
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
#pragma unroll
        for (int r = 0; r < 2; ++r) {
          b[j][r] = packed_mma::sub_pair<OP>(packed_mma::code_pair<B>(w, 2 * c + r) | packed_mma::magic_pair<OP>(), z2[j]);
        }
      }
#pragma unroll
      for (int mt = 0; mt < MB; ++mt) {
        // A registers: (row gid, B reg 0), (row gid + 8, reg 0), (row gid, reg 1), (row gid + 8, reg 1); register r
        // of chunk c holds values 2c + r and 2c + r + P of the unit (words c and c + P / 2)
        uint4 af;
        af.x = packed_mma::pair_of(h[mt][0][c], h[mt][0][c + P / 2], 0);
        af.y = packed_mma::pair_of(h[mt][1][c], h[mt][1][c + P / 2], 0);
        af.z = packed_mma::pair_of(h[mt][0][c], h[mt][0][c + P / 2], 1);
        af.w = packed_mma::pair_of(h[mt][1][c], h[mt][1][c + P / 2], 1);
#pragma unroll
        for (int j = 0; j < 4; ++j) packed_mma::mma<OP>(part[mt][j], af, b[j][0], b[j][1]);
      }
    }
  };

  // ---- main loop: wait for stage st, barrier (stage st visible; buffer (st - 1) % kStages free), refill it ----
#pragma unroll
  for (int s = 0; s < kStages - 1; ++s) fetch(s);
  for (int64_t st = 0; st < nst; ++st) {
    cp_async_wait<kStages - 2>();
    __syncthreads();
    fetch(st + kStages - 1);
    const unsigned char* base = smem + static_cast<size_t>(st % kStages) * SB;
#pragma unroll
    for (int kj = 0; kj < KSt; ++kj) {
      const int64_t ks = ksb + st * KSt + kj;
      if (ks < kse) compute(base, kj, ks);  // uniform over the block
    }
  }
  flush();
  cp_async_wait<0>();

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
  if (plan.col_blocks > 65535 || plan.mtiles > 2147483647LL) return plan;
  const int64_t base = plan.col_blocks * plan.mtiles;
  const int64_t ksteps = (in / r + 3) / 4;
  const int kst = bits == 3 ? 1 : 2;
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

}  // namespace lb::kernels::packed_mma_pipe
