// The packed GEMV's quantized-x slot (packed_gemv_cuda.cuh): one k-block of 32 values of x as two int8 levels in the
// byte order the unpacked weight words have, its absmax and its code sum. Written by the GEMV's warps, by
// quantize_x_kernel, and by the decode step's attention kernel for the o projection (decode_cuda.cu).
#pragma once

#include <stdint.h>

namespace lb::kernels::packed_gemv {

constexpr int kKBlockRows = 32;  // rows of `in` per k-block: `bits` words per column, one x quantization block
constexpr int kResidualScale = 254;
// per (k-block, row): 8 words of q1, 8 words of q2, absmax (f32 bits), sum(254 q1 + q2), pad
constexpr int kSlotWords = 20;

// Byte offset of row i (0..31) of a k-block inside its 8 x words: the order the unpacked weight bytes have.
// bits 4: word 2r + h, byte b holds row 8r + 2b + h (r: word; h: lo/hi nibble)
// bits 2: word 4r + k, byte b holds row 16r + 4b + k (r: word; k: the 2-bit shift)
// bits 3: word j, byte c holds row 8c + j (c: 24-bit chunk; j: code within the chunk)
template <int B>
__host__ __device__ inline int x_byte_offset(int i) {
  if (B == 2) return ((i >> 4) * 4 + (i & 3)) * 4 + ((i >> 2) & 3);
  if (B == 3) return (i & 7) * 4 + (i >> 3);
  return ((i >> 3) * 2 + (i & 1)) * 4 + ((i >> 1) & 3);
}

// x_byte_offset for a bit width known at run time (2, 3 or 4).
__host__ __device__ inline int x_byte_offset_for(int bits, int i) {
  return bits == 2 ? x_byte_offset<2>(i) : bits == 3 ? x_byte_offset<3>(i) : x_byte_offset<4>(i);
}

// Quantizes one k-block row of x (all 32 lanes; lane = row within the k-block, v its value) into a slot of
// kSlotWords words in shared or global memory: q1 at byte xbyte (x_byte_offset) of words 0..7, q2 likewise in words
// 8..15, absmax (f32 bits; the reader multiplies by 1 / (127 * 254)) in word 16, sum(254 q1 + q2) in word 17.
__device__ __forceinline__ void quantize_kblock(float v, int lane, int xbyte, uint32_t* slot) {
  const float amax = __uint_as_float(__reduce_max_sync(0xffffffffu, __float_as_uint(fabsf(v))));
  const float inv = amax > 0.0f ? __fdividef(127.0f, amax) : 0.0f;
  const float t = v * inv;
  const int q1 = max(-127, min(127, __float2int_rn(t)));
  const int q2 = max(-127, min(127, __float2int_rn((t - static_cast<float>(q1)) * static_cast<float>(kResidualScale))));
  const int sum = __reduce_add_sync(0xffffffffu, kResidualScale * q1 + q2);
  unsigned char* bytes = reinterpret_cast<unsigned char*>(slot);
  bytes[xbyte] = static_cast<unsigned char>(static_cast<signed char>(q1));
  bytes[32 + xbyte] = static_cast<unsigned char>(static_cast<signed char>(q2));
  if (lane == 0) {
    slot[16] = __float_as_uint(amax);
    slot[17] = static_cast<uint32_t>(sum);
  }
}

}  // namespace lb::kernels::packed_gemv
