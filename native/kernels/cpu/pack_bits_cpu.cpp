#include "kernels/cpu/pack_bits_cpu.h"

#ifdef _OPENMP
#include <omp.h>
#endif

#include "kernels/pack_bits_math.h"

namespace lb::kernels {
namespace {

constexpr int64_t kParallelElements = 1 << 16;

int resolve_threads(int num_threads) {
#ifdef _OPENMP
  if (num_threads <= 0) return omp_get_max_threads();
#endif
  return num_threads > 0 ? num_threads : 1;
}

// dim 0: each word row is the OR of a few whole value rows shifted by a constant, so the inner loop
// runs over contiguous columns and vectorizes.
void pack_columns(const uint8_t* values, int64_t rows, int64_t cols, int bits, uint32_t* packed, int threads) {
  const int64_t words = packed_words(rows, bits);
#ifdef _OPENMP
#pragma omp parallel for schedule(static) num_threads(threads) if (rows * cols >= kParallelElements)
#endif
  for (int64_t w = 0; w < words; ++w) {
    uint32_t* out = packed + w * cols;
    for (int64_t c = 0; c < cols; ++c) out[c] = 0;
    const int64_t last = last_value_in_word(w, bits);
    for (int64_t v = first_value_in_word(w, bits); v <= last; ++v) {
      const uint8_t* in = values + v * cols;
      const int shift = value_shift(v, w, bits);
      if (shift >= 0) {
        for (int64_t c = 0; c < cols; ++c) out[c] |= (uint32_t)in[c] << shift;
      } else {
        for (int64_t c = 0; c < cols; ++c) out[c] |= (uint32_t)in[c] >> -shift;
      }
    }
  }
  (void)threads;
}

void pack_rows(const uint8_t* values, int64_t rows, int64_t cols, int bits, uint32_t* packed, int threads) {
  const int64_t words = packed_words(cols, bits);
#ifdef _OPENMP
#pragma omp parallel for schedule(static) num_threads(threads) if (rows * cols >= kParallelElements)
#endif
  for (int64_t r = 0; r < rows; ++r) {
    for (int64_t w = 0; w < words; ++w) packed[r * words + w] = pack_word(values + r * cols, 1, w, bits);
  }
  (void)threads;
}

void unpack_columns(const uint32_t* packed, int64_t rows, int64_t cols, int bits, uint8_t* values, int threads) {
  const uint32_t mask = (1u << bits) - 1u;
#ifdef _OPENMP
#pragma omp parallel for schedule(static) num_threads(threads) if (rows * cols >= kParallelElements)
#endif
  for (int64_t v = 0; v < rows; ++v) {
    const int64_t bit = v * bits;
    const int offset = (int)(bit % 32);
    const uint32_t* word = packed + (bit / 32) * cols;
    uint8_t* out = values + v * cols;
    if (offset + bits <= 32) {
      for (int64_t c = 0; c < cols; ++c) out[c] = (uint8_t)((word[c] >> offset) & mask);
    } else {
      const uint32_t* next = word + cols;
      for (int64_t c = 0; c < cols; ++c) {
        out[c] = (uint8_t)(((word[c] >> offset) | (next[c] << (32 - offset))) & mask);
      }
    }
  }
  (void)threads;
}

void unpack_rows(const int32_t* packed, int64_t rows, int64_t cols, int bits, uint8_t* values, int threads) {
  const int64_t words = packed_words(cols, bits);
#ifdef _OPENMP
#pragma omp parallel for schedule(static) num_threads(threads) if (rows * cols >= kParallelElements)
#endif
  for (int64_t r = 0; r < rows; ++r) {
    for (int64_t v = 0; v < cols; ++v) values[r * cols + v] = unpack_value(packed + r * words, 1, v, bits);
  }
  (void)threads;
}

}  // namespace

void pack_bits_cpu(const uint8_t* values, int64_t rows, int64_t cols, int bits, int dim, int32_t* packed,
                   int num_threads) {
  const int threads = resolve_threads(num_threads);
  // int32 and uint32 may alias; the shifts are done unsigned.
  uint32_t* words = reinterpret_cast<uint32_t*>(packed);
  if (dim == 0) {
    pack_columns(values, rows, cols, bits, words, threads);
  } else {
    pack_rows(values, rows, cols, bits, words, threads);
  }
}

void unpack_bits_cpu(const int32_t* packed, int64_t rows, int64_t cols, int bits, int dim, uint8_t* values,
                     int num_threads) {
  const int threads = resolve_threads(num_threads);
  if (dim == 0) {
    unpack_columns(reinterpret_cast<const uint32_t*>(packed), rows, cols, bits, values, threads);
  } else {
    unpack_rows(packed, rows, cols, bits, values, threads);
  }
}

}  // namespace lb::kernels
