// The packed GEMV of packed_gemv_cuda.cuh on pre-quantized x (PREQ, m = 1) with its loads as cp.async copies into a
// per-warp ring of shared-memory stages ("async"; LOWBIT_GEMV_ASYNC, packed_gemv_cuda.cu). Same plan (stream-K runs
// over 128-column tiles), same slots, dots and per-column updates (kblock_update), same atomics: only where the loaded
// words wait differs.
//
// Why: the per-warp kernel issues a stage's loads, waits for them, then computes, so a warp's compute never overlaps
// its own loads and the SM relies on other warps being in the other phase. On the H100 (2026-12-05) int2 g64 at
// 28672 x 8192 took 31.6 us: ~67 MB of weights, scales and zeros at ~2.1 TB/s, against ~22 us of copy bandwidth and
// ~12 us of issue (Nsight Compute's ~220 warp instructions per k-block and tile) that should overlap. A software
// pipeline in registers (the next stage's loads held while the current one computes, stages half as long) measured
// slower on the H200 in 2026-12-02: it doubled the registers in flight. cp.async holds no registers: S - 1 stages
// are in flight while one is computed, and the warp reads its words back from shared memory (one 16-byte load each).
//
// Each lane copies and reads back only its own weights, scales and zeros, so those need no barrier; the stage's x
// slots are copied by the first lanes and read by all, hence __syncwarp after the wait. A stage never crosses a tile;
// the producer and the consumer walk the warp's run with the same cursor rule, so they agree on every stage.
#pragma once

#include "kernels/cuda/cp_async.cuh"
#include "kernels/cuda/packed_gemv_cuda.cuh"

namespace lb::kernels::packed_gemv {

// Ring configurations (LOWBIT_GEMV_ASYNC=1..3): k-blocks per stage and stages per warp.
template <int B, int CFG>
__host__ __device__ constexpr int async_stage_kblocks() {
  return CFG == 2 ? (stage_kblocks<B>() > 1 ? stage_kblocks<B>() / 2 : 1) : stage_kblocks<B>();
}
template <int CFG>
__host__ __device__ constexpr int async_stages() {
  return CFG == 2 ? 4 : CFG == 3 ? 2 : 3;
}

// One stage of one warp in shared memory, byte offsets (each part 16-byte aligned): the lanes' weight vectors
// [NB][B][lane], raw scales [NB][lane], zero words [NB][kZeroWords][lane], the x slots [NB][kSlotWords].
template <int B, bool S16, int NB>
struct AsyncStage {
  static constexpr int kZeroWords = B == 3 ? 2 : 1;
  static constexpr int kScaleBytes = S16 ? 8 : 16;
  static constexpr int kWeights = 0;
  static constexpr int kScales = kWeights + NB * B * 32 * 16;
  static constexpr int kZeros = kScales + NB * 32 * kScaleBytes;
  static constexpr int kSlots = kZeros + NB * kZeroWords * 32 * 4;
  static constexpr int kBytes = kSlots + NB * kSlotWords * 4;
  static_assert(kBytes % 16 == 0 && kSlots % 16 == 0, "16-byte aligned parts");
};

template <int B, bool S16, int CFG>
__host__ __device__ constexpr int async_smem_bytes() {
  return kWarps * async_stages<CFG>() * AsyncStage<B, S16, async_stage_kblocks<B, CFG>()>::kBytes;
}

// A position in a warp's run: the next unit, its k-block in the tile and the lane's first column of the tile.
struct RunCursor {
  int64_t u;
  int64_t kb;
  int64_t col0;

  // k-blocks of the stage that starts here: NB, or fewer where the tile or the run ends
  __device__ __forceinline__ int stage_count(int nb, int64_t kblocks, int64_t u_end) const {
    return static_cast<int>(min(static_cast<int64_t>(nb), min(kblocks - kb, u_end - u)));
  }
  __device__ __forceinline__ void advance(int count, int64_t kblocks) {
    u += count;
    kb += count;
    if (kb == kblocks) {
      kb = 0;
      col0 += kWarpCols;
    }
  }
};

template <int B, bool S16, int CFG>
__global__ void __launch_bounds__(kThreads, 4) packed_gemv_async_kernel(PackedLinearCudaArgs a, int64_t per_warp,
                                                                        [[maybe_unused]] bool vec_atomics,
                                                                        const uint4* xq) {
  constexpr int NB = async_stage_kblocks<B, CFG>();
  constexpr int S = async_stages<CFG>();
  using L = AsyncStage<B, S16, NB>;
  constexpr int kSlotVecs = kSlotWords / 4;
  static_assert(S >= 2 && NB * kSlotVecs <= 32, "one x-slot vector per lane and stage");
  LB_DYNAMIC_SHARED(unsigned char, smem);

  const int lane = static_cast<int>(threadIdx.x) & 31;
  const int warp = static_cast<int>(threadIdx.x) >> 5;
  unsigned char* ring = smem + warp * (S * L::kBytes);
  const int64_t n = a.out;
  const int64_t kblocks = a.in / kKBlockRows;
  const int64_t units = (n + kWarpCols - 1) / kWarpCols * kblocks;
  const int64_t u_begin = (static_cast<int64_t>(blockIdx.x) * kWarps + warp) * per_warp;
  const int64_t u_end = min(units, u_begin + per_warp);
  const int gkb = static_cast<int>(a.group_size / kKBlockRows);
  pdl_launch_dependents();
  if (u_begin >= u_end) return;  // warp-uniform; no barrier spans warps

  const int64_t tile0 = u_begin / kblocks;
  RunCursor prod{u_begin, u_begin - tile0 * kblocks, tile0 * kWarpCols + lane * 4};
  RunCursor cons = prod;
  GroupCursor<B, S16> group(a, prod.kb, gkb, prod.col0);

  // The stage at prod into buffer `buf`: weights, scales and zeros (no kernel of the stream writes them). Returns
  // the stage's first k-block and k-block count (0: past the run) for fetch_x; advances prod.
  auto fetch_weights = [&](int buf, int64_t& kb_out) -> int {
    if (prod.u >= u_end) return 0;
    const int count = prod.stage_count(NB, kblocks, u_end);
    const bool col_ok = prod.col0 < n;
    unsigned char* st = ring + buf * L::kBytes;
    const int32_t* wp = a.qweight + prod.kb * B * n + prod.col0;
#pragma unroll
    for (int i = 0; i < NB; ++i) {
      const bool on = col_ok && i < count;
#pragma unroll
      for (int w = 0; w < B; ++w) {
        cp_async::copy16_or_zero(st + L::kWeights + ((i * B + w) * 32 + lane) * 16, wp, on);
        wp += n;
      }
      if constexpr (S16) {
        cp_async::copy8_or_zero(st + L::kScales + (i * 32 + lane) * 8, group.scales, on);
      } else {
        cp_async::copy16_or_zero(st + L::kScales + (i * 32 + lane) * 16, group.scales, on);
      }
      cp_async::copy4_or_zero(st + L::kZeros + (i * L::kZeroWords * 32 + lane) * 4, group.zeros, on);
      if constexpr (B == 3) {  // the lane's 12 zero bits straddle a word
        cp_async::copy4_or_zero(st + L::kZeros + ((i * L::kZeroWords + 1) * 32 + lane) * 4, group.zeros + 1,
                                on && ((prod.col0 * B) & 31) + 12 > 32);
      }
      if (++group.gk == gkb) {
        group.gk = 0;
        group.scales += n * (S16 ? 2 : 4);
        group.zeros += n * B / 32;
      }
    }
    kb_out = prod.kb;
    prod.advance(count, kblocks);
    if (prod.kb == 0 && prod.u < u_end) group = GroupCursor<B, S16>(a, 0, gkb, prod.col0);  // the next tile
    return count;
  };
  // The stage's x slots (quantize_x_kernel's output: after pdl_wait), one 16-byte vector per lane.
  auto fetch_x = [&](int buf, int64_t kb, int count) {
    const int v = lane;
    if (v < NB * kSlotVecs) {
      cp_async::copy16_or_zero(ring + buf * L::kBytes + L::kSlots + v * 16, xq + kb * kSlotVecs + v,
                               v < count * kSlotVecs);
    }
  };

  // prologue: the weights of the first S - 1 stages before pdl_wait, then their x, one commit group each
  int64_t pro_kb[S - 1] = {};
  int pro_count[S - 1] = {};
#pragma unroll
  for (int s = 0; s < S - 1; ++s) pro_count[s] = fetch_weights(s, pro_kb[s]);
  pdl_wait();
#pragma unroll
  for (int s = 0; s < S - 1; ++s) {
    if (pro_count[s] > 0) fetch_x(s, pro_kb[s], pro_count[s]);
    cp_async::commit();
  }

  float acc[1][4] = {{0.0f, 0.0f, 0.0f, 0.0f}};
  int rbuf = 0;      // the buffer the consumer reads
  int wbuf = S - 1;  // the buffer the producer fills next
  while (cons.u < u_end) {
    cp_async::wait<S - 2>();  // this lane's copies of the stage have landed
    __syncwarp();             // ... and every lane's (the x slots), and the buffer refilled below was read by all
    {
      int64_t kb = 0;
      const int count = fetch_weights(wbuf, kb);
      if (count > 0) fetch_x(wbuf, kb, count);
      cp_async::commit();
      if (++wbuf == S) wbuf = 0;
    }

    const int count = cons.stage_count(NB, kblocks, u_end);
    const bool col_ok = cons.col0 < n;  // out is a multiple of 8: all 4 columns or none
    const unsigned char* st = ring + rbuf * L::kBytes;
    if (col_ok) {
#pragma unroll
      for (int i = 0; i < NB; ++i) {
        if (i < count) {
          uint4 wv[B];
#pragma unroll
          for (int w = 0; w < B; ++w) wv[w] = reinterpret_cast<const uint4*>(st + L::kWeights)[(i * B + w) * 32 + lane];
          ScaleRaw<S16> sraw;
          if constexpr (S16) {
            const uint2 sc = reinterpret_cast<const uint2*>(st + L::kScales)[i * 32 + lane];
            sraw.v = make_uint4(sc.x, sc.y, 0u, 0u);
          } else {
            sraw.v = reinterpret_cast<const uint4*>(st + L::kScales)[i * 32 + lane];
          }
          uint32_t zraw[L::kZeroWords];
#pragma unroll
          for (int z = 0; z < L::kZeroWords; ++z) {
            zraw[z] = reinterpret_cast<const uint32_t*>(st + L::kZeros)[(i * L::kZeroWords + z) * 32 + lane];
          }
          kblock_update<B, 1, S16>(wv, sraw, zero_bits<B>(zraw, cons.col0), a.zero_offset, a.scales_dtype,
                                   reinterpret_cast<const uint32_t*>(st + L::kSlots) + i * kSlotWords, acc);
        }
      }
    }
    const bool segment_ends = cons.kb + count == kblocks || cons.u + count == u_end;
    if (segment_ends) {
      if (col_ok) {
#if defined(__CUDA_ARCH__) && __CUDA_ARCH__ >= 900
        if (vec_atomics) {
          atomicAdd(reinterpret_cast<float4*>(a.y + cons.col0), make_float4(acc[0][0], acc[0][1], acc[0][2], acc[0][3]));
        } else
#endif
        {
#pragma unroll
          for (int c = 0; c < 4; ++c) atomicAdd(a.y + cons.col0 + c, acc[0][c]);
        }
      }
#pragma unroll
      for (int c = 0; c < 4; ++c) acc[0][c] = 0.0f;
    }
    cons.advance(count, kblocks);
    if (++rbuf == S) rbuf = 0;
  }
  cp_async::wait_all();
}

}  // namespace lb::kernels::packed_gemv
