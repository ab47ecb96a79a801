// The o projection inside the decode step's attention kernel (decode_cuda.cu, rotary_attention_kernel with OB > 0):
// block (head h, part p) computes head h's attention, writes it as the GEMV's int8 slots into shared memory, and then
// its warp w adds W_o[tile 8p + w, k-blocks of head h] . slots onto the residual with atomics, the unit of work the
// separate o GEMV gave one warp at the decode shapes (packed_gemv_cuda.cuh's plan with int2's former stage: 4
// k-blocks of one 128-column tile). Same arithmetic as that GEMV (the same slots, integer dots and per-column update); only the order of the f32
// atomic adds differs.
//
// Why: the o GEMV was a kernel of its own after attention (4.7-5.5 us at 4096 x 4096 int2, Nsight Compute, H200,
// 2026-12-03), with a launch boundary on each side, while attention ran on 32 SMs. Here the o weights are copied
// into shared memory (cp.async) before pdl_wait, so they arrive while the kernel before finishes and attention
// runs, and the step has one kernel boundary less per layer. The attention is recomputed by each part of a head
// (4 parts at hidden 4096): at decode lengths that costs less than the boundary; the launcher limits it to
// head_dim <= 128 (a head is at most 4 k-blocks).
#pragma once

#include "kernels/cuda/cp_async.cuh"
#include "kernels/cuda/packed_gemv_cuda.cuh"

namespace lb::kernels::decode_attention {

constexpr int kOMaxKBlocks = 4;  // k-blocks of one head: head_dim <= 128

// A warp's scales and zeros of the head's k-blocks (registers; the weights are in shared memory).
template <int B, bool S16>
struct OWarpGroupData {
  packed_gemv::ScaleRaw<S16> sraw[kOMaxKBlocks];
  uint32_t zraw[kOMaxKBlocks][B == 3 ? 2 : 1];
};

// Shared uint4 of one warp's weights: kbs k-blocks x B words x 32 lanes.
template <int B>
__host__ __device__ constexpr int o_warp_words(int kbs) {
  return kbs * B * 32;
}

// Issued before pdl_wait (weights, scales and zeros are not written by any kernel of the step): the weight words of
// columns col0..col0+3 over k-blocks kb0..kb0+kbs-1 into wsm (this warp's o_warp_words), the scales and zeros into g.
template <int B, bool S16>
__device__ __forceinline__ void o_issue_loads(const PackedLinearCudaArgs& a, int64_t kb0, int kbs, int64_t col0,
                                              bool col_ok, uint4* wsm, OWarpGroupData<B, S16>& g) {
  const int lane = static_cast<int>(threadIdx.x) & 31;
  const int64_t n = a.out;
  const int64_t gkb = a.group_size / packed_gemv::kKBlockRows;
#pragma unroll
  for (int i = 0; i < kOMaxKBlocks; ++i) {
    g.sraw[i].v = make_uint4(0u, 0u, 0u, 0u);
#pragma unroll
    for (int z = 0; z < (B == 3 ? 2 : 1); ++z) g.zraw[i][z] = 0u;
    if (i >= kbs || !col_ok) continue;
    const int64_t kb = kb0 + i;
    const int32_t* wp = a.qweight + kb * B * n + col0;
#pragma unroll
    for (int w = 0; w < B; ++w) cp_async::copy16(wsm + (i * B + w) * 32 + lane, wp + w * n);
    const int64_t grp = kb / gkb;
    const unsigned char* sp = static_cast<const unsigned char*>(a.scales) + (grp * n + col0) * (S16 ? 2 : 4);
    if constexpr (S16) {
      const uint2 sc = __ldg(reinterpret_cast<const uint2*>(sp));
      g.sraw[i].v.x = sc.x;
      g.sraw[i].v.y = sc.y;
    } else {
      g.sraw[i].v = __ldg(reinterpret_cast<const uint4*>(sp));
    }
    const uint32_t* zp = reinterpret_cast<const uint32_t*>(a.qzeros) + grp * (n * B / 32) + ((col0 * B) >> 5);
    g.zraw[i][0] = __ldg(zp);
    if constexpr (B == 3) {
      if (((col0 * B) & 31) + 12 > 32) g.zraw[i][1] = __ldg(zp + 1);
    }
  }
  cp_async::commit();
}

// After cp_async::wait_all() and a block barrier that published the slots: y[col0..col0+3] += the warp's columns . x, x the
// head's kbs slots (shared, packed_gemv_xslot.cuh).
template <int B, bool S16>
__device__ __forceinline__ void o_compute(const PackedLinearCudaArgs& a, int kbs, int64_t col0, bool col_ok,
                                          const uint4* wsm, const OWarpGroupData<B, S16>& g, const uint32_t* slots,
                                          bool vec_atomics) {
  const int lane = static_cast<int>(threadIdx.x) & 31;
  if (!col_ok) return;
  float acc[1][4] = {{0.0f, 0.0f, 0.0f, 0.0f}};
#pragma unroll
  for (int i = 0; i < kOMaxKBlocks; ++i) {
    if (i >= kbs) continue;
    uint4 wv[B];
#pragma unroll
    for (int k = 0; k < B; ++k) wv[k] = wsm[(i * B + k) * 32 + lane];
    packed_gemv::kblock_update<B, 1, S16>(wv, g.sraw[i], packed_gemv::zero_bits<B>(g.zraw[i], col0), a.zero_offset,
                                          a.scales_dtype, slots + i * packed_gemv::kSlotWords, acc);
  }
#if defined(__CUDA_ARCH__) && __CUDA_ARCH__ >= 900
  if (vec_atomics) {
    atomicAdd(reinterpret_cast<float4*>(a.y + col0), make_float4(acc[0][0], acc[0][1], acc[0][2], acc[0][3]));
    return;
  }
#endif
#pragma unroll
  for (int c = 0; c < 4; ++c) atomicAdd(a.y + col0 + c, acc[0][c]);
}

}  // namespace lb::kernels::decode_attention
