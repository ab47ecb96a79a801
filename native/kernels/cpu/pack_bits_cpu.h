// GPTQ-style bit packing into int32 words on the CPU (torch-free); layout in kernels/pack_bits_math.h.
#pragma once

#include <stdint.h>

namespace lb::kernels {

// values: row-major [rows, cols], each in [0, 2^bits); bits in {2, 3, 4, 8}.
// dim 0 packs down the columns: packed is [rows * bits / 32, cols] (rows * bits a multiple of 32).
// dim 1 packs along the rows: packed is [rows, cols * bits / 32] (cols * bits a multiple of 32).
// num_threads <= 0: the OpenMP default.
void pack_bits_cpu(const uint8_t* values, int64_t rows, int64_t cols, int bits, int dim, int32_t* packed,
                   int num_threads);

// The inverse; rows and cols are the unpacked values' shape, as above.
void unpack_bits_cpu(const int32_t* packed, int64_t rows, int64_t cols, int bits, int dim, uint8_t* values,
                     int num_threads);

}  // namespace lb::kernels
