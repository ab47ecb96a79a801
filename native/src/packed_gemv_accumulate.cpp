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

namespace {

// x [m, in] in x_dtype, or in silu mode the f32 gate_up [m, 2 * in] (x_dtype: the rounding of silu(gate) * up)
void launch_accumulate(const at::Tensor& x, int64_t in, int x_dtype, bool silu_mul, const at::Tensor& qweight,
                       const at::Tensor& qzeros, const at::Tensor& scales, int bits, int64_t rows_per_group,
                       int zero_offset, at::Tensor& y) {
  const int64_t m = x.size(0), out = qweight.size(1);
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
  kernels::PackedLinearCudaArgs a{};
  a.x = xc.data_ptr();
  a.x_dtype = x_dtype;
  a.x_silu_mul = silu_mul ? 1 : 0;
  a.m = m;
  a.in = in;
  a.out = out;
  a.qweight = words.data_ptr<int32_t>();
  a.qzeros = zero_words.data_ptr<int32_t>();
  a.zero_offset = zero_offset;
  a.scales = s.data_ptr();
  a.scales_dtype = packed_dtype_code(s.scalar_type());
  a.group_size = rows_per_group;
  a.bits = bits;
  a.y = y.data_ptr<float>();
  a.y_out = nullptr;
  if (!kernels::packed_gemv_cuda_accumulate_applies(a)) {
    throw_unsupported("the accumulate GEMV does not take these operands (bits=" + std::to_string(bits) + ", in=" +
                      std::to_string(in) + ", group=" + std::to_string(rows_per_group) + ")");
  }
  const cudaError_t status = kernels::packed_gemv_cuda_accumulate(a, stream);
  if (status != cudaSuccess) {
    throw Error(LB_ERR_CUDA, std::string("accumulate GEMV launch failed: ") + cudaGetErrorString(status));
  }
}

}  // namespace

void packed_gemv_accumulate(const at::Tensor& x, const at::Tensor& qweight, const at::Tensor& qzeros,
                            const at::Tensor& scales, int bits, int64_t rows_per_group, int zero_offset, at::Tensor& y) {
  launch_accumulate(x, x.size(1), packed_dtype_code(x.scalar_type()), false, qweight, qzeros, scales, bits,
                    rows_per_group, zero_offset, y);
}

void packed_gemv_accumulate_silu_mul(const at::Tensor& gate_up, c10::ScalarType act_dtype, const at::Tensor& qweight,
                                     const at::Tensor& qzeros, const at::Tensor& scales, int bits,
                                     int64_t rows_per_group, int zero_offset, at::Tensor& y) {
  if (gate_up.scalar_type() != at::kFloat || gate_up.dim() != 2 || gate_up.size(1) % 2 != 0) {
    throw_invalid("gate_up has shape " + model::shape_text(gate_up.sizes()) + " and dtype " +
                  std::string(c10::toString(gate_up.scalar_type())) + ", expected f32 [m, 2 * in]");
  }
  launch_accumulate(gate_up, gate_up.size(1) / 2, packed_dtype_code(act_dtype), true, qweight, qzeros, scales, bits,
                    rows_per_group, zero_offset, y);
}

#else

bool packed_gemv_accumulate_supported(int64_t, int, int64_t) { return false; }

void packed_gemv_accumulate(const at::Tensor&, const at::Tensor& qweight, const at::Tensor&, const at::Tensor&, int,
                            int64_t, int, at::Tensor&) {
  throw_unsupported("qweight: device " + qweight.device().str() +
                    " (this liblowbit was built without CUDA: the accumulate GEMV runs on CUDA only)");
}

void packed_gemv_accumulate_silu_mul(const at::Tensor&, c10::ScalarType, const at::Tensor& qweight, const at::Tensor&,
                                     const at::Tensor&, int, int64_t, int, at::Tensor&) {
  throw_unsupported("qweight: device " + qweight.device().str() +
                    " (this liblowbit was built without CUDA: the accumulate GEMV runs on CUDA only)");
}

#endif

}  // namespace lb
