// Group-wise round-to-nearest quantization on the CPU (torch-free).
#pragma once

#include <stdint.h>

namespace lb::kernels {

// w: row-major [rows, cols]; group divides cols. Groups are `group` consecutive columns, so group g
// covers w[g * group, (g + 1) * group) and scales/zeros are [rows, cols / group].
// Outputs: codes [rows, cols], scales, zeros (integer valued), dequant [rows, cols].
// num_threads <= 0: the OpenMP default.
void rtn_cpu(const float* w, int64_t rows, int64_t cols, int64_t group, int bits, bool symmetric,
             uint8_t* codes, float* scales, float* zeros, float* dequant, int num_threads);

}  // namespace lb::kernels
