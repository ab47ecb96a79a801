#include "src/packed_gemv_accumulate.h"

#include <string>

#include "src/error.h"
#include "src/model/argument_checks.h"

#if LOWBIT_WITH_CUDA
#include <c10/cuda/CUDAGuard.h>
#include <c10/cuda/CUDAStream.h>

#include "kernels/cuda/packed_gemv_cuda.h"
#include "src/packed_cuda_tensors.h"
#endif

namespace lb {

#if LOWBIT_WITH_CUDA

bool packed_gemv_accumulate_supported(int64_t in, int bits, int64_t rows_per_group) {
  // the GEMV's rule (packed_gemv::applies) for the shape; alignment is arranged by the adapter
  return (bits == 2 || bits == 3 || bits == 4) && in > 0 && in % 32 == 0 && rows_per_group > 0 &&
         rows_per_group % 32 == 0;
}

void packed_gemv_accumulate(const at::Tensor& x, const at::Tensor& qweight, const at::Tensor& qzeros,
                            const at::Tensor& scales, int bits, int64_t rows_per_group, int zero_offset, at::Tensor& y,
                            const GemvInputFusion& fusion) {
  const bool silu_mul = fusion.op == GemvInputFusion::kSiluMul;
  const int64_t m = x.size(0), in = silu_mul ? x.size(1) / 2 : x.size(1), out = qweight.size(1);
  if (fusion.op != GemvInputFusion::kPlain) {
    if (m != 1 || (silu_mul && x.size(1) != 2 * in) || in * bits != qweight.size(0) * 32) {
      throw_invalid("the fused-input GEMV takes one row of " + std::to_string(qweight.size(0) * 32 / bits) +
                    (silu_mul ? " (gate | up: twice that many values)" : "") + " values; x has shape " +
                    model::shape_text(x.sizes()));
    }
    if (fusion.op == GemvInputFusion::kNormWeight &&
        (!fusion.norm_weight.defined() || fusion.norm_weight.numel() != in ||
         fusion.norm_weight.device() != qweight.device())) {
      throw_invalid("the norm-weight GEMV needs a weight of " + std::to_string(in) + " elements on " +
                    qweight.device().str());
    }
    if (silu_mul && (fusion.sumsq_in == nullptr || fusion.norm_count <= 0)) {
      throw_invalid("the SiLU * up GEMV needs the sum of squares of the hidden state and its element count");
    }
  }
  if (!qweight.is_cuda() || !packed_gemv_accumulate_supported(in, bits, rows_per_group) || m < 1 || m > 4) {
    throw_unsupported("the accumulate GEMV takes 1..4 rows on CUDA with in and group_size multiples of 32 (m=" +
                      std::to_string(m) + ", in=" + std::to_string(in) + ", group=" + std::to_string(rows_per_group) +
                      ", bits=" + std::to_string(bits) + ")");
  }
  if (y.scalar_type() != at::kFloat || !y.is_contiguous() || y.dim() != 2 || y.size(0) != m || y.size(1) != out ||
      y.device() != qweight.device()) {
    throw_invalid("y has shape " + model::shape_text(y.sizes()) + ", expected a contiguous f32 [" + std::to_string(m) +
                  ", " + std::to_string(out) + "] on " + qweight.device().str());
  }
  const c10::cuda::CUDAGuard device_guard(qweight.device());
  const cudaStream_t stream = c10::cuda::getCurrentCUDAStream(qweight.device().index()).stream();
  const at::Tensor xc = aligned16(x);
  const at::Tensor words = aligned16(qweight);
  const at::Tensor zero_words = qzeros.contiguous();
  const at::Tensor s = aligned16(scales);
  kernels::PackedLinearCudaArgs a =
      packed_gemv_args(words, zero_words, s, bits, rows_per_group, zero_offset, m, in, y);
  a.x = xc.data_ptr();
  a.x_dtype = packed_dtype_code(xc.scalar_type());
  if (fusion.op == GemvInputFusion::kPrepared) {
    if (!kernels::packed_gemv_cuda_accumulate_prepared_applies(a, fusion.prepared)) {
      throw_invalid("the prepared-input GEMV takes one row and 16-byte aligned slots (m=" + std::to_string(m) + ")");
    }
    const cudaError_t status = kernels::packed_gemv_cuda_accumulate_prepared(a, fusion.prepared, stream);
    if (status != cudaSuccess) {
      throw Error(LB_ERR_CUDA, std::string("prepared-input GEMV launch failed: ") + cudaGetErrorString(status));
    }
    return;
  }
  kernels::GemvInputOps ops{};
  at::Tensor norm_weight;
  if (fusion.op == GemvInputFusion::kNormWeight) {
    norm_weight = fusion.norm_weight.contiguous();
    ops.op = kernels::kGemvInputNormWeight;
    ops.weight = norm_weight.data_ptr();
    ops.weight_dtype = packed_dtype_code(norm_weight.scalar_type());
    ops.sumsq_out = fusion.sumsq_out;
  } else if (silu_mul) {
    ops.op = kernels::kGemvInputSiluMul;
    ops.sumsq_in = fusion.sumsq_in;
    ops.norm_count = fusion.norm_count;
    ops.norm_eps = static_cast<float>(fusion.eps);
    ops.round_dtype = packed_dtype_code(fusion.round_dtype);
  }
  ops.zero = fusion.zero;
  ops.zero_count = fusion.zero_count;
  if (!kernels::packed_gemv_cuda_accumulate_fused_applies(a, ops)) {
    throw_unsupported("the accumulate GEMV does not take these operands (bits=" + std::to_string(bits) + ", in=" +
                      std::to_string(in) + ", group=" + std::to_string(rows_per_group) + ")");
  }
  const cudaError_t status = kernels::packed_gemv_cuda_accumulate_fused(a, ops, stream);
  if (status != cudaSuccess) {
    throw Error(LB_ERR_CUDA, std::string("accumulate GEMV launch failed: ") + cudaGetErrorString(status));
  }
}

#else

bool packed_gemv_accumulate_supported(int64_t, int, int64_t) { return false; }

void packed_gemv_accumulate(const at::Tensor&, const at::Tensor& qweight, const at::Tensor&, const at::Tensor&, int,
                            int64_t, int, at::Tensor&, const GemvInputFusion&) {
  throw_unsupported("qweight: device " + qweight.device().str() +
                    " (this liblowbit was built without CUDA: the accumulate GEMV runs on CUDA only)");
}

#endif

}  // namespace lb
