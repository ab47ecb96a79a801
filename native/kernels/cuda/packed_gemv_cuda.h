// The int8-activation dp4a GEMV behind packed_linear_cuda for m <= 4 (packed_gemv_cuda.cuh says why and
// how). packed_linear_cuda calls it first; the tiled kernel takes what it declines.
#pragma once

#include <cuda_runtime_api.h>

#include "kernels/cuda/packed_matmul_cuda.h"

namespace lb::kernels {

// Whether the GEMV handles these arguments (m <= 4, in and group_size multiples of 32, aligned scales) and
// has not been switched off by packed_gemv_cuda_set_enabled(false).
bool packed_gemv_cuda_applies(const PackedLinearCudaArgs& args);

// Zeroes y, then launches the GEMV on `stream` (y_out is left to the caller). cudaErrorInvalidValue when
// it does not apply. With a workspace it can use (packed_gemv_cuda_uses_workspace) a small kernel quantizes x into
// it once and zeroes y; else each warp quantizes the x it reads.
cudaError_t packed_gemv_cuda(const PackedLinearCudaArgs& args, cudaStream_t stream, PackedLinearCudaWorkspace workspace = {});

// Workspace bytes the GEMV uses for m rows of `in` (0: none); whether these arguments' workspace will be used.
int64_t packed_gemv_cuda_workspace_bytes(int64_t m, int64_t in);
bool packed_gemv_cuda_uses_workspace(const PackedLinearCudaArgs& args, PackedLinearCudaWorkspace workspace);

// Accumulate mode (the decode step's residual adds, issue 7): y[m, out] += x . W^T, y left as it is on entry
// (no zeroing; the warps' atomics add onto it), so `h = h + o(att)` is one launch into an f32 residual.
// Applies where the GEMV does (packed_gemv_cuda_applies without its A/B switch) and y_out is NULL (no
// 16-bit copy: y only holds the sum once every warp is done). cudaErrorInvalidValue otherwise.
bool packed_gemv_cuda_accumulate_applies(const PackedLinearCudaArgs& args);
cudaError_t packed_gemv_cuda_accumulate(const PackedLinearCudaArgs& args, cudaStream_t stream);

// Accumulate mode with the decode step's fused input ops (packed_matmul_cuda.h GemvInputOps: the RMSNorm's weight
// and sum of squares, SiLU * up, a buffer to zero). cudaErrorInvalidValue where the accumulate GEMV does not apply
// or the ops are not valid (NormWeight and SiluMul take m = 1).
bool packed_gemv_cuda_accumulate_fused_applies(const PackedLinearCudaArgs& args, const GemvInputOps& ops);
cudaError_t packed_gemv_cuda_accumulate_fused(const PackedLinearCudaArgs& args, const GemvInputOps& ops,
                                              cudaStream_t stream);

// Accumulate mode on x already quantized (the decode step's o projection: the attention kernel writes its output's
// slots, decode_rotary_attention_normed_cuda): y[1, out] += x . W^T where xq holds x as the slots of
// packed_gemv_xslot.cuh, [in / 32][kSlotWords] words, in the byte order of args.bits (args.x is not read). Takes m = 1
// and a 16-byte aligned xq of packed_gemv_cuda_workspace_bytes(1, in) bytes. The result equals
// packed_gemv_cuda_accumulate on the x those slots were quantized from, bit for bit.
bool packed_gemv_cuda_accumulate_prepared_applies(const PackedLinearCudaArgs& args, const void* xq);
cudaError_t packed_gemv_cuda_accumulate_prepared(const PackedLinearCudaArgs& args, const void* xq, cudaStream_t stream);

// Name of the GEMV variant for these arguments ("gemv_dp4a_r1", "_r2", "_r4"), nullptr when it does not apply.
const char* packed_gemv_cuda_kernel_name(const PackedLinearCudaArgs& args);

// Process-wide switch for A/B timings (kernel_timing); on by default.
void packed_gemv_cuda_set_enabled(bool enabled);

// Process-wide launch-plan knob for timing sweeps (kernel_timing --gemv-plan): the shortest run of k-blocks a
// warp gets, in stages (<= 0: the default, 1, or LOWBIT_GEMV_MIN_RUN_STAGES).
void packed_gemv_cuda_set_min_run_stages(int stages);

// Process-wide launch-plan knob: the share of the device's resident warps a launch plans for, in percent (1..1000;
// other values: 100; above 100 the grid is several waves of shorter runs). Default LOWBIT_GEMV_RESIDENT_PERCENT or 100.
void packed_gemv_cuda_set_resident_percent(int percent);

// Process-wide A/B switch: on sm_90 with a 16-byte aligned y each lane adds its 4 columns with one 16-byte
// atomic (1) instead of 4 scalar atomics (0); < 0: the default, on unless LOWBIT_GEMV_VEC_ATOMICS=0.
void packed_gemv_cuda_set_vector_atomics(int enabled);
// Its current state (other kernels that add packed-GEMV partial sums follow it: decode_rotary_attention_o_cuda).
bool packed_gemv_cuda_vector_atomics_on();

// Process-wide A/B switch: the m = 1 GEMV on x quantized into the workspace (packed_gemv_cuda with a workspace it
// uses) applies each group's zero points and scales once per group (1) instead of once per 32 rows (0); < 0: the
// default, off unless LOWBIT_GEMV_FOLD=1. The accumulate and decode launches do not take it.
void packed_gemv_cuda_set_fold(int enabled);

// Process-wide A/B switch: the fused-input launches (packed_gemv_cuda_accumulate_fused with NormWeight or SiluMul)
// take the block-cooperative kernel (1, packed_gemv_coop.cuh) or the per-warp one (0); < 0: the default, on unless
// LOWBIT_GEMV_COOP=0.
void packed_gemv_cuda_set_coop(int enabled);

}  // namespace lb::kernels
