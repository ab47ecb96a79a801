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
                            const at::Tensor& scales, int bits, int64_t rows_per_group, int zero_offset, at::Tensor& y) {
  const int64_t m = x.size(0), in = x.size(1), out = qweight.size(1);
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
  a.x_dtype = packed_dtype_code(xc.scalar_type());
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

#else

bool packed_gemv_accumulate_supported(int64_t, int, int64_t) { return false; }

void packed_gemv_accumulate(const at::Tensor&, const at::Tensor& qweight, const at::Tensor&, const at::Tensor&, int,
                            int64_t, int, at::Tensor&) {
  throw_unsupported("qweight: device " + qweight.device().str() +
                    " (this liblowbit was built without CUDA: the accumulate GEMV runs on CUDA only)");
}

#endif

}  // namespace lb
