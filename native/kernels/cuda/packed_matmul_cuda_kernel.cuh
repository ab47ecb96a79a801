// The packed int2/3/4 matmul kernel and its launch plan (included by packed_matmul_cuda.cu and by the host
// emulation test). See packed_matmul_cuda.h for the contract.
#pragma once

#include <cuda_bf16.h>
#include <cuda_fp16.h>
#include <stdint.h>

#include "kernels/cuda/cuda_shared.cuh"
#include "kernels/cuda/packed_matmul_cuda.h"

namespace lb::kernels::packed_cuda {


// Block: 256 threads = 8 column threads (4 output columns each: one 16-byte load of qweight covers 4
// consecutive columns of one word row) x 32 k-lanes (4 per warp x 8 warps). A block owns 32 columns,
// a range of `in` (split-k over gridDim.y) and an m-tile (gridDim.z). The block walks its `in` range in
// stages: the x tile of the stage goes to shared memory as f32, every k-lane dequantizes UPL packing
// units (8 / 16 / 32 rows for bits 4 / 2 / 3) of its 4 columns in registers and accumulates in f32.
constexpr int kThreads = 256;
constexpr int kColThreads = 8;
constexpr int kBlockCols = kColThreads * 4;
constexpr int kKLanes = kThreads / kColThreads;
constexpr int kWarps = kThreads / 32;

template <int B>
struct Unit {
  static constexpr int kWords = B == 3 ? 3 : 1;     // word rows per packing unit
  static constexpr int kRows = kWords * 32 / B;     // input rows per packing unit
};

// Units per k-lane per stage: the GEMV (MT = 1) keeps 4 16-byte loads (bits 4) in flight per thread.
template <int B, int MT>
__host__ __device__ constexpr int units_per_lane() {
  return MT == 1 ? 32 / Unit<B>::kRows : 1;
}

template <int B, int MT>
__host__ __device__ constexpr int stage_rows() {
  return kKLanes * units_per_lane<B, MT>() * Unit<B>::kRows;
}

template <int B, int MT>
__host__ __device__ constexpr int smem_floats() {
  constexpr int x_tile = MT * stage_rows<B, MT>();
  constexpr int reduce = kWarps * MT * kBlockCols;
  return x_tile > reduce ? x_tile : reduce;
}

// Resident blocks per SM the register allocation must allow: the GEMV needs many warps in flight
// (unrolled dequant otherwise takes 110-165 registers); the m-tile 16 of bits 3 needs its registers.
template <int B, int MT>
__host__ __device__ constexpr int min_blocks() {
  return MT == 1 ? 3 : (MT == 16 && B == 3) ? 1 : 2;
}

__device__ __forceinline__ float load_value(const void* p, int dtype, int64_t i) {
  if (dtype == kPackedF16) return __half2float(static_cast<const __half*>(p)[i]);
  if (dtype == kPackedBF16) return __bfloat162float(static_cast<const __nv_bfloat16*>(p)[i]);
  return static_cast<const float*>(p)[i];
}

// Bits of the f32 1 + q / 2^B for value j of a packing unit (q in the top B mantissa bits: exact).
// j and the word index are compile-time after unrolling, so this is a shift and a LOP3.
template <int B>
__device__ __forceinline__ float code_as_float(const uint32_t* w, int j) {
  const int p = B * j;
  const int wi = p >> 5;
  const int off = p & 31;
  uint32_t v = w[wi] >> off;
  if (off + B > 32) v |= w[wi + 1] << (32 - off);
  constexpr uint32_t kMask = ((1u << B) - 1u) << (23 - B);
  return __uint_as_float(((v << (23 - B)) & kMask) | 0x3F800000u);
}

// Zero point of column `col` in group g (bit stream along the columns, may straddle words for bits 3).
template <int B>
__device__ __forceinline__ int load_zero(const int32_t* qzeros, int64_t out, int64_t g, int64_t col,
                                         int zero_offset) {
  const uint32_t* row = reinterpret_cast<const uint32_t*>(qzeros) + g * (out * B / 32);
  const int64_t p = col * B;
  const int off = static_cast<int>(p & 31);
  uint32_t v = __ldg(row + (p >> 5)) >> off;
  if (off + B > 32) v |= __ldg(row + (p >> 5) + 1) << (32 - off);
  return static_cast<int>((v + static_cast<uint32_t>(zero_offset)) & ((1u << B) - 1u));
}

template <int B, int MT>
__global__ void __launch_bounds__(kThreads, min_blocks<B, MT>()) packed_linear_kernel(PackedLinearCudaArgs a, int64_t units_per_split,
                                                                  bool atomic) {
  using U = Unit<B>;
  constexpr int UPL = units_per_lane<B, MT>();
  constexpr int SKV = stage_rows<B, MT>();
  constexpr int SU = kKLanes * UPL;  // units per stage
  constexpr float kTwoB = static_cast<float>(1 << B);
  LB_DYNAMIC_SHARED(float, smem);

  const int tid = threadIdx.x;
  const int lane = tid & 31;
  const int warp = tid >> 5;
  const int col_thread = lane & 7;
  const int klane = warp * 4 + (lane >> 3);
  const int64_t n = a.out;
  const int64_t col0 = static_cast<int64_t>(blockIdx.x) * kBlockCols + col_thread * 4;
  const bool col_ok = col0 < n;  // out is a multiple of 8, so col0 + 3 < n as well
  const int64_t m0 = static_cast<int64_t>(blockIdx.z) * MT;
  const int64_t units = a.in / U::kRows;
  const int64_t u_begin = static_cast<int64_t>(blockIdx.y) * units_per_split;
  const int64_t u_end = min(units, u_begin + units_per_split);

  float acc[MT][4];
#pragma unroll
  for (int r = 0; r < MT; ++r)
#pragma unroll
    for (int c = 0; c < 4; ++c) acc[r][c] = 0.0f;
  // GEMV: per group sums of x * (1 + q / 2^B) and of x, folded into acc when the group changes.
  float sfx[4] = {0.0f, 0.0f, 0.0f, 0.0f};
  float xsum = 0.0f;
  // GEMM: per group (1 + z / 2^B) and s * 2^B, so (f - c0) * s2 = (q - z) * s exactly.
  float c0[4] = {0.0f, 0.0f, 0.0f, 0.0f};
  float s2[4] = {0.0f, 0.0f, 0.0f, 0.0f};
  int64_t cur_g = -1;

  auto flush = [&]() {
    if (cur_g < 0) return;
#pragma unroll
    for (int c = 0; c < 4; ++c) {
      const float s = load_value(a.scales, a.scales_dtype, cur_g * n + col0 + c);
      const int z = load_zero<B>(a.qzeros, n, cur_g, col0 + c, a.zero_offset);
      const float t = __fsub_rn(__fmul_rn(kTwoB, sfx[c]), __fmul_rn(kTwoB + static_cast<float>(z), xsum));
      acc[0][c] = __fmaf_rn(s, t, acc[0][c]);
      sfx[c] = 0.0f;
    }
    xsum = 0.0f;
  };

  for (int64_t s0 = u_begin; s0 < u_end; s0 += SU) {
    // 1. weight loads of this stage first (in flight while x is staged)
    uint4 wv[UPL][U::kWords];
#pragma unroll
    for (int i = 0; i < UPL; ++i) {
      const int64_t u = s0 + klane * UPL + i;
#pragma unroll
      for (int w = 0; w < U::kWords; ++w) {
        wv[i][w] = make_uint4(0u, 0u, 0u, 0u);
        if (col_ok && u < u_end) {
          wv[i][w] = __ldg(reinterpret_cast<const uint4*>(a.qweight + (u * U::kWords + w) * n + col0));
        }
      }
    }
    // 2. x tile [MT, SKV] as f32, zero beyond m and beyond the block's range
    const int64_t k0 = s0 * U::kRows;
    const int64_t valid = min(static_cast<int64_t>(SU), u_end - s0) * U::kRows;
    for (int idx = tid; idx < MT * SKV; idx += kThreads) {
      const int r = idx / SKV;
      const int j = idx - r * SKV;
      float v = 0.0f;
      if (m0 + r < a.m && j < valid) v = load_value(a.x, a.x_dtype, (m0 + r) * a.in + k0 + j);
      smem[idx] = v;
    }
    __syncthreads();

    // 3. dequantize in registers and accumulate
#pragma unroll
    for (int i = 0; i < UPL; ++i) {
      const int64_t u = s0 + klane * UPL + i;
      if (col_ok && u < u_end) {
        const int64_t g = u * U::kRows / a.group_size;
        const float* xs = smem + (klane * UPL + i) * U::kRows;
        uint32_t cw[4][U::kWords];
#pragma unroll
        for (int w = 0; w < U::kWords; ++w) {
          cw[0][w] = wv[i][w].x;
          cw[1][w] = wv[i][w].y;
          cw[2][w] = wv[i][w].z;
          cw[3][w] = wv[i][w].w;
        }
        if constexpr (MT == 1) {
          if (g != cur_g) {
            flush();
            cur_g = g;
          }
#pragma unroll
          for (int j = 0; j < U::kRows; j += 4) {
            const float4 xv = *reinterpret_cast<const float4*>(xs + j);
            const float xj[4] = {xv.x, xv.y, xv.z, xv.w};
#pragma unroll
            for (int jj = 0; jj < 4; ++jj) {
              xsum = __fadd_rn(xsum, xj[jj]);
#pragma unroll
              for (int c = 0; c < 4; ++c) sfx[c] = __fmaf_rn(xj[jj], code_as_float<B>(cw[c], j + jj), sfx[c]);
            }
          }
        } else {
          if (g != cur_g) {
            cur_g = g;
#pragma unroll
            for (int c = 0; c < 4; ++c) {
              const float s = load_value(a.scales, a.scales_dtype, g * n + col0 + c);
              const int z = load_zero<B>(a.qzeros, n, g, col0 + c, a.zero_offset);
              c0[c] = 1.0f + static_cast<float>(z) / kTwoB;
              s2[c] = __fmul_rn(s, kTwoB);
            }
          }
#pragma unroll
          for (int j = 0; j < U::kRows; j += 4) {
            float wq[4][4];  // [jj][c]
#pragma unroll
            for (int jj = 0; jj < 4; ++jj)
#pragma unroll
              for (int c = 0; c < 4; ++c)
                wq[jj][c] = __fmul_rn(__fsub_rn(code_as_float<B>(cw[c], j + jj), c0[c]), s2[c]);
#pragma unroll
            for (int r = 0; r < MT; ++r) {
              const float4 xv = *reinterpret_cast<const float4*>(xs + r * SKV + j);
#pragma unroll
              for (int c = 0; c < 4; ++c) {
                float t = acc[r][c];
                t = __fmaf_rn(xv.x, wq[0][c], t);
                t = __fmaf_rn(xv.y, wq[1][c], t);
                t = __fmaf_rn(xv.z, wq[2][c], t);
                t = __fmaf_rn(xv.w, wq[3][c], t);
                acc[r][c] = t;
              }
            }
          }
        }
      }
    }
    __syncthreads();
  }
  if constexpr (MT == 1) {
    if (col_ok) flush();
  }

  // 4. reduce the 32 k-lanes: 4 per warp by shuffles, 8 warps through shared memory
#pragma unroll
  for (int r = 0; r < MT; ++r)
#pragma unroll
    for (int c = 0; c < 4; ++c) {
      float v = acc[r][c];
      v += __shfl_xor_sync(0xffffffffu, v, 8);
      v += __shfl_xor_sync(0xffffffffu, v, 16);
      acc[r][c] = v;
    }
  if (lane < kColThreads) {
#pragma unroll
    for (int r = 0; r < MT; ++r)
#pragma unroll
      for (int c = 0; c < 4; ++c) smem[(warp * MT + r) * kBlockCols + col_thread * 4 + c] = acc[r][c];
  }
  __syncthreads();
  for (int idx = tid; idx < MT * kBlockCols; idx += kThreads) {
    const int r = idx / kBlockCols;
    const int cc = idx - r * kBlockCols;
    float v = 0.0f;
#pragma unroll
    for (int w = 0; w < kWarps; ++w) v += smem[(w * MT + r) * kBlockCols + cc];
    const int64_t row = m0 + r;
    const int64_t col = static_cast<int64_t>(blockIdx.x) * kBlockCols + cc;
    if (row < a.m && col < n) {
      if (atomic) {
        atomicAdd(a.y + row * n + col, v);
      } else {
        a.y[row * n + col] = v;
      }
    }
  }
}

static __global__ void f32_to_16bit_kernel(const float* __restrict__ y, void* __restrict__ out, int dtype, int64_t count) {
  for (int64_t i = static_cast<int64_t>(blockIdx.x) * blockDim.x + threadIdx.x; i < count;
       i += static_cast<int64_t>(gridDim.x) * blockDim.x) {
    if (dtype == kPackedF16) {
      static_cast<__half*>(out)[i] = __float2half_rn(y[i]);
    } else {
      static_cast<__nv_bfloat16*>(out)[i] = __float2bfloat16_rn(y[i]);
    }
  }
}

template <int B, int MT>
constexpr size_t kernel_smem_bytes() { return smem_floats<B, MT>() * sizeof(float); }

inline int m_tile_for(int64_t m) { return m <= 1 ? 1 : m == 2 ? 2 : m <= 4 ? 4 : m <= 8 ? 8 : 16; }

inline int unit_rows(int bits) { return bits == 4 ? 8 : bits == 2 ? 16 : 32; }

inline int stage_units(int bits, int m_tile) { return m_tile == 1 ? kKLanes * (32 / unit_rows(bits)) : kKLanes; }

inline int64_t units_per_split_for(const PackedLinearCudaPlan& plan, int bits, int64_t in) {
  const int64_t units = in / unit_rows(bits);
  const int64_t su = stage_units(bits, plan.m_tile);
  int64_t per = (units + plan.splits - 1) / plan.splits;
  return (per + su - 1) / su * su;
}

// The plan (m-tile, split over `in`) for a shape; packed_linear_cuda_plan is its public face.
inline PackedLinearCudaPlan plan_for(int bits, int64_t m, int64_t in, int64_t out, int sm_count) {
  PackedLinearCudaPlan plan{};
  plan.m_tile = m_tile_for(m);
  const int64_t base = ((out + kBlockCols - 1) / kBlockCols) * ((m + plan.m_tile - 1) / plan.m_tile);
  const int64_t target = 4 * static_cast<int64_t>(sm_count > 0 ? sm_count : 132);
  const int64_t units = in / unit_rows(bits);
  const int64_t su = stage_units(bits, plan.m_tile);
  int64_t splits = base >= target ? 1 : (target + base - 1) / base;
  const int64_t max_splits = (units + su - 1) / su;
  if (splits > max_splits) splits = max_splits;
  if (splits < 1) splits = 1;
  if (splits > 65535) splits = 65535;
  plan.splits = static_cast<int>(splits);
  // recompute with whole stages per split
  if (units > 0) {
    const int64_t per = units_per_split_for(plan, bits, in);
    plan.splits = static_cast<int>((units + per - 1) / per);
  }
  plan.blocks = base * plan.splits;
  return plan;
}

}  // namespace lb::kernels::packed_cuda
