#include "src/packed_linear_cuda.h"

#include <ATen/ops/empty.h>

#include <string>

#include "src/error.h"

#if LOWBIT_WITH_CUDA
#include <c10/cuda/CUDAGuard.h>
#include <c10/cuda/CUDAStream.h>

#include "kernels/cuda/packed_matmul_cuda.h"
#include "src/packed_cuda_tensors.h"
#endif

namespace lb {

#if LOWBIT_WITH_CUDA

at::Tensor packed_linear_cuda(const at::Tensor& x, const at::Tensor& qweight, const at::Tensor& qzeros,
                              const at::Tensor& scales, int bits, int64_t rows_per_group, int zero_offset,
                              at::ScalarType out_dtype) {
  const c10::cuda::CUDAGuard device_guard(qweight.device());
  const cudaStream_t stream = c10::cuda::getCurrentCUDAStream(qweight.device().index()).stream();
  const int64_t m = x.size(0);
  const int64_t in = x.size(1);
  const int64_t out = qweight.size(1);
  const at::Tensor xc = aligned16(x);
  const at::Tensor words = aligned16(qweight);
  const at::Tensor zero_words = qzeros.contiguous();
  const at::Tensor s = aligned16(scales);  // the m <= 4 GEMV reads 4 scales per 8/16-byte load
  at::Tensor y = at::empty({m, out}, x.options().dtype(at::kFloat));
  at::Tensor y16;
  const bool want16 = out_dtype == at::kHalf || out_dtype == at::kBFloat16;
  if (want16) y16 = at::empty({m, out}, x.options().dtype(out_dtype));

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
  a.group_size = rows_per_group > 0 ? rows_per_group : (in > 0 ? in : 1);
  a.bits = bits;
  a.y = y.data_ptr<float>();
  a.y_out = want16 ? y16.data_ptr() : nullptr;
  a.y_out_dtype = packed_dtype_code(out_dtype);
  if (const char* why = kernels::packed_linear_cuda_unsupported(bits, a.x_dtype, a.scales_dtype)) {
    throw_unsupported(std::string("packed matmul on CUDA: ") + why);
  }
  // x prepared once for the kernel (int8 slots for the m <= 4 GEMV, A fragments for mma_pipe: at most x's size,
  // m padded to 16 rows), from torch's caching allocator; freed with this frame's tensor after the kernels are
  // queued: the allocator keeps it for this stream until they have run
  const int64_t ws_bytes = kernels::packed_linear_cuda_workspace_bytes(a);
  const at::Tensor ws = ws_bytes > 0 ? at::empty({ws_bytes}, x.options().dtype(at::kByte)) : at::Tensor();
  const kernels::PackedLinearCudaWorkspace workspace{ws_bytes > 0 ? ws.data_ptr() : nullptr, ws_bytes};
  const cudaError_t status = kernels::packed_linear_cuda(a, stream, workspace);
  if (status != cudaSuccess) {
    throw Error(LB_ERR_CUDA, std::string("packed matmul CUDA kernel launch failed: ") + cudaGetErrorString(status));
  }
  return want16 ? y16 : y;
}

#else

at::Tensor packed_linear_cuda(const at::Tensor&, const at::Tensor& qweight, const at::Tensor&, const at::Tensor&,
                              int, int64_t, int, at::ScalarType) {
  throw_unsupported("qweight: device " + qweight.device().str() +
                    " (this liblowbit was built without CUDA: the packed matmul runs on CPU tensors only)");
}

#endif

}  // namespace lb
