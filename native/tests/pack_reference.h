// Plain scalar bit packing written bit by bit from the contract in lowbit.h: value v of a packed line
// occupies bits [bits*v, bits*v + bits) of a little-endian stream of 32-bit words. The tests' ground truth.
#pragma once

#include <cstdint>
#include <vector>

// values: row-major [rows, cols]; packs along dim (0: down each column, 1: along each row).
inline std::vector<int32_t> reference_pack(const std::vector<uint8_t>& values, int64_t rows, int64_t cols, int bits,
                                           int dim) {
  const int64_t packed_rows = dim == 0 ? rows * bits / 32 : rows;
  const int64_t packed_cols = dim == 0 ? cols : cols * bits / 32;
  std::vector<uint32_t> words(static_cast<size_t>(packed_rows * packed_cols), 0u);
  for (int64_t r = 0; r < rows; ++r) {
    for (int64_t c = 0; c < cols; ++c) {
      const uint32_t value = values[static_cast<size_t>(r * cols + c)];
      const int64_t position = dim == 0 ? r : c;  // index along the packed line
      for (int b = 0; b < bits; ++b) {
        const int64_t stream_bit = position * bits + b;
        const int64_t word = stream_bit / 32;
        const int64_t index = dim == 0 ? word * packed_cols + c : r * packed_cols + word;
        words[static_cast<size_t>(index)] |= ((value >> b) & 1u) << (stream_bit % 32);
      }
    }
  }
  return std::vector<int32_t>(words.begin(), words.end());
}
