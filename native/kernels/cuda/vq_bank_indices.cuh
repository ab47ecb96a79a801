// Banked indices for the tensor-core VQ GEMV (vq_gemv_mma_kernel.cuh; v8 codebooks, one 16-byte entry per
// lookup). Included by vq_matmul_cuda.cu and by the host emulation test. Contract: vq_matmul_cuda.h
// (vq_bank_indices_cuda).
//
// Why: an ldmatrix phase (8 lanes, 16 bytes each) takes one shared wavefront only when its 8 entries lie in 8
// different 16-byte bank groups; a plain codebook puts entry c in group c & 7, and uniform random indices cost ~2.6
// wavefronts per phase. That bound the VQ GEMV (~60 us at 28672 x 8192, v8/k4096, H200). The banked GEMV holds
// kBankCopies copies of the codebook in shared memory, copy ch rotated by kBankOffset[ch] entries (entry c at slot
// ch * k + ((c + kBankOffset[ch]) & (k - 1)), so in group (c + offset) & 7), and reads each element's entry at the slot
// given here, once per weight: for every quartet of 8 runs and element e (one ldmatrix phase) an exhaustive search
// picks the copies that make the largest group load the smallest possible, ~1.2 wavefronts on uniform indices
// (bench/gpu/vq_bank_sim.py). The slots are 16 bits per element, each run of 16 elements in 32 bytes, so the GEMV
// reads them with two 16-byte loads and no bit-stream arithmetic.
// Elements past a group hold slot 0 (the GEMV reads a zero entry there).
#pragma once

#include <stdint.h>

#include "kernels/cuda/vq_matmul_cuda.h"

namespace lb::kernels::vq_cuda {

constexpr int kBankCopies = 3;
constexpr int kBankRun = 16;     // elements per run: one lane's columns of a row in the GEMV
constexpr int kBankQuartet = 8;  // runs of one ldmatrix phase

// Rotation of copy ch, in entries. {0, 1, 3} takes the largest group load to ~1.2 on uniform indices ({0, 1, 2}: ~1.3).
LB_VQ_HD int bank_offset(int ch) { return ch == 0 ? 0 : ch == 1 ? 1 : 3; }

LB_VQ_HD int64_t bank_runs(const VqLayout& l) { return (l.group_size + kBankRun - 1) / kBankRun; }

// 16-bit slots of a layout: [groups, vector_rows, bank_runs * 16].
LB_VQ_HD int64_t bank_index_count(const VqLayout& l) { return l.groups * l.vector_rows * bank_runs(l) * kBankRun; }

// choice[i] in [0, kBankCopies) for the n <= 8 lanes whose entries lie in groups grp[i]: the largest number of lanes
// in one group (grp[i] + bank_offset(choice[i])) & 7 is the smallest possible. Depth-first search under a cap, cap by
// cap from 1, so the first assignment found is optimal; at most 3^8 leaves per cap, and one that fits ends it early.
LB_VQ_HD void bank_choose(const int (&grp)[kBankQuartet], int n, int (&choice)[kBankQuartet]) {
  for (int i = 0; i < kBankQuartet; ++i) choice[i] = 0;
  for (int cap = 1; cap <= n; ++cap) {
    int load[8] = {0, 0, 0, 0, 0, 0, 0, 0};
    int ch[kBankQuartet];
    int i = 0;
    ch[0] = -1;
    while (i >= 0 && i < n) {
      if (ch[i] >= 0) --load[(grp[i] + bank_offset(ch[i])) & 7];
      int c = ch[i] + 1;
      while (c < kBankCopies && load[(grp[i] + bank_offset(c)) & 7] >= cap) ++c;
      if (c < kBankCopies) {
        ch[i] = c;
        ++load[(grp[i] + bank_offset(c)) & 7];
        if (++i < n) ch[i] = -1;
      } else {
        ch[i] = -1;
        --i;
      }
    }
    if (i == n) {
      for (int j = 0; j < n; ++j) choice[j] = ch[j];
      return;
    }
  }
}

// One thread per (group, vector row, quartet of 8 runs): the quartet's 128 slots. Main codes only (the banked GEMV
// takes no residual codebook).
static __global__ void vq_bank_indices_kernel(VqLayout l, const uint32_t* indices, uint16_t* slots) {
  const int64_t runs = bank_runs(l);
  const int64_t quartets = (runs + kBankQuartet - 1) / kBankQuartet;
  const int64_t t = static_cast<int64_t>(blockIdx.x) * blockDim.x + threadIdx.x;
  if (t >= l.groups * l.vector_rows * quartets) return;
  const int64_t quartet = t % quartets;
  const int64_t gr = t / quartets;  // g * vector_rows + row
  const int64_t g = gr / l.vector_rows;
  int64_t group_cols = l.group_size;
  if (l.outliers + g * l.group_size + group_cols > l.cols) group_cols = l.cols - l.outliers - g * l.group_size;
  const uint32_t* row = indices + gr * l.row_words;
  uint16_t* out = slots + gr * runs * kBankRun;
  const uint32_t k_mask = static_cast<uint32_t>(l.k) - 1u;
  for (int e = 0; e < kBankRun; ++e) {
    int grp[kBankQuartet], lane_of[kBankQuartet], choice[kBankQuartet];
    uint32_t code[kBankQuartet];
    int n = 0;
    for (int lane = 0; lane < kBankQuartet; ++lane) {
      const int64_t q = quartet * kBankQuartet + lane;
      const int64_t col = q * kBankRun + e;
      if (q >= runs) continue;
      if (col >= group_cols) {
        out[col] = 0;
        continue;
      }
      code[n] = vq_read_bits(row, col, l.index_bits) & k_mask;
      grp[n] = static_cast<int>(code[n] & 7u);
      lane_of[n++] = lane;
    }
    for (int i = n; i < kBankQuartet; ++i) grp[i] = 0;
    bank_choose(grp, n, choice);
    for (int i = 0; i < n; ++i) {
      const int64_t col = (quartet * kBankQuartet + lane_of[i]) * kBankRun + e;
      const uint32_t slot = static_cast<uint32_t>(choice[i]) * static_cast<uint32_t>(l.k) +
                            ((code[i] + static_cast<uint32_t>(bank_offset(choice[i]))) & k_mask);
      out[col] = static_cast<uint16_t>(slot);
    }
  }
}

}  // namespace lb::kernels::vq_cuda
