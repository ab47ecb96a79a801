// The block-cooperative variant of packed_gemv_cuda.cuh's GEMV for the decode step's fused inputs (m = 1, x_op
// NormWeight or SiluMul): the 4 warps of a block work on 4 adjacent 128-column tiles (a 512-column "group") over one
// run of k-blocks, and per stage each warp prepares one k-block of x (the fused op, then the int8 slots) for the
// whole block, where the per-warp kernel has every warp prepare every k-block of its run for its own tile.
//
// Why: Nsight Compute on the decode step (H200, 2026-12-03, docs/gpu-runs/2026-12-03-session11/call5-decodencu.txt)
// counts ~360 (NormWeight) and ~385 (SiluMul) warp instructions per k-block and tile against ~271 where x comes
// prepared: preparing x is a quarter of these GEMVs' instructions, repeated for every tile. Here it is repeated for
// every 4th tile, at the cost of two block barriers per stage.
// Same arithmetic as the per-warp kernel (the same slots, dots and per-column updates); only the order of the f32
// atomic adds differs. Limits: packed_gemv::applies and input_ops_valid with a fused op.
#pragma once

#include "kernels/cuda/packed_gemv_cuda.cuh"

namespace lb::kernels::packed_gemv {

struct CoopPlan {
  int64_t per_block;  // k-blocks per block run (units of the flattened (group, k-block) space)
  int64_t blocks;
};

// resident_blocks: blocks of the kernel that fit on the device at once. A run is at least one stage long.
// align_stages: runs rounded up to whole stages (fewer blocks; no run ends in a stage of one k-block: at the decode
// shapes the resident-sized runs are 5 and 9 k-blocks, stages of 4 + 1 and 4 + 4 + 1).
inline CoopPlan plan_coop(int bits, int64_t in, int64_t out, int64_t resident_blocks, bool align_stages = false) {
  CoopPlan p{};
  const int64_t tiles = (out + kWarpCols - 1) / kWarpCols;
  const int64_t units = (tiles + kWarps - 1) / kWarps * (in / kKBlockRows);
  const int64_t rb = resident_blocks > 0 ? resident_blocks : 1;
  const int64_t nb = coop_stage_kblocks_for(bits);
  int64_t per = (units + rb - 1) / rb;
  if (align_stages) per = (per + nb - 1) / nb * nb;
  if (per < nb) per = nb;
  p.per_block = per;
  p.blocks = units > 0 ? (units + per - 1) / per : 0;
  return p;
}

template <int B, bool S16, int XOP>
__global__ void __launch_bounds__(kThreads, min_blocks<1>()) packed_gemv_coop_kernel(PackedLinearCudaArgs a,
                                                                                     int64_t per_block,
                                                                                     [[maybe_unused]] bool vec_atomics,
                                                                                     GemvInputOps ops) {
  static_assert(XOP == kGemvInputNormWeight || XOP == kGemvInputSiluMul, "the cooperative GEMV takes a fused input");
  constexpr int NB = coop_stage_kblocks<B>();
  static_assert(NB <= kWarps, "one k-block of a stage per preparing warp");
  using Stage = StageLoads<B, 1, S16, NB>;
  LB_SHARED_ARRAY(uint4, smem4, NB * kSlotWords / 4);  // the block's slots of one stage

  const int lane = static_cast<int>(threadIdx.x) & 31;
  const int warp = static_cast<int>(threadIdx.x) >> 5;
  uint32_t* xs = reinterpret_cast<uint32_t*>(smem4);
  const int64_t n = a.out;
  const int64_t kblocks = a.in / kKBlockRows;
  const int64_t tiles = (n + kWarpCols - 1) / kWarpCols;
  const int64_t units = (tiles + kWarps - 1) / kWarps * kblocks;
  int64_t u = static_cast<int64_t>(blockIdx.x) * per_block;
  const int64_t u_end = min(units, u + per_block);
  const int gkb = static_cast<int>(a.group_size / kKBlockRows);
  const int xbyte = x_byte_offset<B>(lane);
  pdl_launch_dependents();
  bool waited = false;
  float norm_scale = 1.0f;  // SiluMul's, read once the kernel before has finished

  while (u < u_end) {  // one segment per group the block's run touches (block-uniform: the barriers line up)
    const int64_t group = u / kblocks;
    const int64_t kb_begin = u - group * kblocks;
    const int64_t kb_end = min(kblocks, kb_begin + (u_end - u));
    const int64_t col0 = (group * kWarps + warp) * kWarpCols + lane * 4;
    const bool col_ok = col0 < n;  // a warp past the last tile still prepares x and meets the barriers
    float acc[1][4] = {{0.0f, 0.0f, 0.0f, 0.0f}};
    float sq = 0.0f;  // NormWeight: this lane's sum of x^2 over the k-blocks this warp prepared

    GroupCursor<B, S16> cursor(a, kb_begin, gkb, col0);
    Stage cur{};
    for (int64_t kb = kb_begin; kb < kb_end; kb += NB) {
      const int valid = static_cast<int>(min(static_cast<int64_t>(NB), kb_end - kb));
      load_stage<B, 1, S16, NB>(a, kb, valid, col_ok, col0, gkb, cursor, cur);
      const bool prepares = warp < valid;  // warp-uniform: this warp prepares k-block kb + warp
      const int64_t row = (kb + warp) * kKBlockRows + lane;
      float wx = 0.0f;
      if constexpr (XOP == kGemvInputNormWeight) {
        if (prepares) wx = load_x(ops.weight, ops.weight_dtype, row);  // a weight: before pdl_wait
      }
      if (!waited) {
        pdl_wait();
        waited = true;
        if constexpr (XOP == kGemvInputSiluMul) norm_scale = silu_mul_norm_scale(ops);
      }
      const float xv = prepares ? input_x<XOP>(a, ops, 0, row, norm_scale, wx, sq) : 0.0f;
      __syncthreads();  // every warp is done reading the previous stage's slots
      if (prepares) quantize_kblock(xv, lane, xbyte, xs + warp * kSlotWords);
      __syncthreads();

#pragma unroll
      for (int i = 0; i < NB; ++i) {
        if (i < valid && col_ok) {
          kblock_update<B, 1, S16>(cur.wv[i], cur.sraw[i], zero_bits<B>(cur.zraw[i], col0), a.zero_offset,
                                   a.scales_dtype, xs + i * kSlotWords, acc);
        }
      }
    }
    if (col_ok) {
#if defined(__CUDA_ARCH__) && __CUDA_ARCH__ >= 900
      if (vec_atomics) {
        atomicAdd(reinterpret_cast<float4*>(a.y + col0), make_float4(acc[0][0], acc[0][1], acc[0][2], acc[0][3]));
      } else
#endif
      {
#pragma unroll
        for (int c = 0; c < 4; ++c) atomicAdd(a.y + col0 + c, acc[0][c]);
      }
    }
    // NormWeight: the blocks of group 0 prepare every k-block once; their warps' sums make the sum of x^2 over `in`
    if constexpr (XOP == kGemvInputNormWeight) {
      if (ops.sumsq_out != nullptr && group == 0) {
#pragma unroll
        for (int o = 16; o > 0; o >>= 1) sq += __shfl_xor_sync(0xffffffffu, sq, o);
        if (lane == 0 && sq != 0.0f) atomicAdd(ops.sumsq_out, sq);
      }
    }
    u += kb_end - kb_begin;
  }
  zero_after_wait(ops, waited);
}

}  // namespace lb::kernels::packed_gemv
