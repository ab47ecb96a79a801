// Bit-packing arithmetic shared by the CPU and CUDA kernels (torch-free).
//
// A packed line is a little-endian bit stream cut into int32 words: value v sits at stream bits
// [bits*v, bits*v + bits) and word w holds stream bits [32w, 32w + 32). For bits 2, 4 and 8 no value
// crosses a word; for bits 3 every 32 values fill 3 words and some values straddle two (the GPTQ layout).
// A line of n values fills n*bits/32 words, so n*bits must be a multiple of 32.
#pragma once

#include <stdint.h>

#ifndef LB_HOST_DEVICE
#if defined(__CUDACC__)
#define LB_HOST_DEVICE __host__ __device__ __forceinline__
#else
#define LB_HOST_DEVICE inline
#endif
#endif

namespace lb::kernels {

LB_HOST_DEVICE int64_t packed_words(int64_t values, int bits) { return values * bits / 32; }

LB_HOST_DEVICE int64_t first_value_in_word(int64_t w, int bits) { return (32 * w) / bits; }

LB_HOST_DEVICE int64_t last_value_in_word(int64_t w, int bits) { return (32 * w + 31) / bits; }

// Where value v starts relative to the first bit of word w: negative when v began in the previous word.
LB_HOST_DEVICE int value_shift(int64_t v, int64_t w, int bits) { return (int)(v * bits - 32 * w); }

// The part of `value` that lands in a word, given value_shift; shift is in (-bits, 32).
LB_HOST_DEVICE uint32_t place_value(uint32_t value, int shift) {
  return shift >= 0 ? value << shift : value >> -shift;
}

// Word w of a line whose values are line[v * stride].
LB_HOST_DEVICE uint32_t pack_word(const uint8_t* line, int64_t stride, int64_t w, int bits) {
  uint32_t word = 0;
  const int64_t last = last_value_in_word(w, bits);
  for (int64_t v = first_value_in_word(w, bits); v <= last; ++v) {
    word |= place_value(line[v * stride], value_shift(v, w, bits));
  }
  return word;
}

// Value v of a line whose words are line[w * stride].
LB_HOST_DEVICE uint8_t unpack_value(const int32_t* line, int64_t stride, int64_t v, int bits) {
  const int64_t bit = v * bits;
  const int64_t w = bit / 32;
  const int offset = (int)(bit % 32);
  uint32_t x = (uint32_t)line[w * stride] >> offset;
  if (offset + bits > 32) x |= (uint32_t)line[(w + 1) * stride] << (32 - offset);
  return (uint8_t)(x & ((1u << bits) - 1u));
}

}  // namespace lb::kernels
