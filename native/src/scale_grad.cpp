// lb_scale_grad_packed: argument checks, then the CPU or CUDA kernel by device.
#include <ATen/ATen.h>
#include <ATen/Parallel.h>

#include <string>

#include "kernels/cpu/scale_grad_cpu.h"
#include "lowbit.h"
#include "src/api/guard.h"
#include "src/error.h"
#include "src/model/argument_checks.h"
#include "src/pack_bits.h"
#include "src/scale_grad.h"
#include "src/tensor_handle.h"

#if LOWBIT_WITH_CUDA
#include <c10/cuda/CUDAGuard.h>
#include <c10/cuda/CUDAStream.h>

#include "kernels/cuda/scale_grad_cuda.h"
#endif

namespace {

void scale_grad_packed(lb_tensor x_h, lb_tensor dy_h, lb_tensor qweight_h, lb_tensor zeros_h, int32_t bits,
                       int64_t group_size, lb_tensor* grad_scales) {
  using lb::throw_invalid;
  using lb::model::shape_text;
  lb::require_non_null(grad_scales, "grad_scales");
  *grad_scales = nullptr;
  const at::Tensor& x = lb::unwrap(x_h, "x");
  const at::Tensor& dy = lb::unwrap(dy_h, "grad_y");
  const at::Tensor& qw = lb::unwrap(qweight_h, "qweight");
  const at::Tensor& zeros = lb::unwrap(zeros_h, "zeros");
  if (bits < 2 || bits > 4) throw_invalid("bits=" + std::to_string(bits) + " (expected 2, 3 or 4)");
  if (x.dim() != 2 || !at::isFloatingType(x.scalar_type())) throw_invalid("x: expected a float [m, in] tensor, got " + shape_text(x.sizes()));
  if (dy.dim() != 2 || dy.size(0) != x.size(0) || !at::isFloatingType(dy.scalar_type())) {
    throw_invalid("grad_y: expected a float [m=" + std::to_string(x.size(0)) + ", out] tensor, got " + shape_text(dy.sizes()));
  }
  const int64_t m = x.size(0), in = x.size(1), out = dy.size(1);
  if (in < 1 || out < 1 || m < 1) throw_invalid("x and grad_y must be non-empty");
  if ((in * bits) % 32 != 0) throw_invalid("in=" + std::to_string(in) + " times bits must be a multiple of 32");
  if (qw.scalar_type() != at::kInt || qw.dim() != 2 || qw.size(0) != in * bits / 32 || qw.size(1) != out) {
    throw_invalid("qweight: expected i32 [" + std::to_string(in * bits / 32) + ", " + std::to_string(out) + "], got " +
                  shape_text(qw.sizes()));
  }
  int64_t group = group_size;
  if (group <= 0 || group > in) group = in;
  if (in % group != 0) throw_invalid("group_size=" + std::to_string(group_size) + " does not divide in=" + std::to_string(in));
  const int64_t groups = in / group;
  if (zeros.dim() != 2 || zeros.size(0) != groups || zeros.size(1) != out || !at::isFloatingType(zeros.scalar_type())) {
    throw_invalid("zeros: expected a float [" + std::to_string(groups) + ", " + std::to_string(out) + "] tensor, got " +
                  shape_text(zeros.sizes()));
  }
  for (const at::Tensor* t : {&dy, &qw, &zeros}) {
    if (t->device() != x.device()) throw_invalid("x, grad_y, qweight and zeros must be on one device");
  }
  const at::Tensor xf = x.to(at::kFloat).contiguous(), dyf = dy.to(at::kFloat).contiguous();
  const at::Tensor qc = qw.contiguous(), zf = zeros.to(at::kFloat).contiguous();
  if (!x.is_cpu() && !x.is_cuda()) lb::throw_unsupported("scale gradient: tensors must be on the CPU or a CUDA device");
  *grad_scales = lb::make_handle(lb::scale_grad_packed_tensor(xf, dyf, qc, zf, group, bits)).release();
}

}  // namespace

namespace lb {

at::Tensor scale_grad_packed_tensor(const at::Tensor& x, const at::Tensor& dy, const at::Tensor& packed,
                                    const at::Tensor& zeros, int64_t group, int bits) {
  const int64_t m = x.size(0), in = x.size(1), out = dy.size(1);
#if LOWBIT_WITH_CUDA
  if (x.is_cuda() && group > kernels::kScaleGradMaxGroup) {
    // Groups wider than the kernel stages in shared memory (per-channel scales of wide layers): through x^T dy,
    // which this path does build, [in, out] in f32.
    const c10::cuda::CUDAGuard guard(x.device());
    const int64_t groups = in / group;
    const at::Tensor q = unpack_bits(packed, bits, 0).to(at::kFloat).view({groups, group, out});
    const at::Tensor xt_dy = at::matmul(x.t(), dy).view({groups, group, out});
    return ((q - zeros.unsqueeze(1)) * xt_dy).sum(1);
  }
  if (x.is_cuda()) {
    const c10::cuda::CUDAGuard guard(x.device());
    const int64_t per = kernels::scale_grad_rows_per_split(m, in, out, group);
    const int64_t splits = m > 0 ? (m + per - 1) / per : 1;
    at::Tensor partial = at::empty({splits, in / group, out}, x.options());
    const cudaError_t status = kernels::scale_grad_packed_cuda(
        x.data_ptr<float>(), dy.data_ptr<float>(), packed.data_ptr<int32_t>(), zeros.data_ptr<float>(), m, in, out, group,
        bits, per, partial.data_ptr<float>(), c10::cuda::getCurrentCUDAStream(x.device().index()).stream());
    if (status != cudaSuccess) {
      throw Error(LB_ERR_CUDA, std::string("scale_grad_packed CUDA kernel launch failed: ") + cudaGetErrorString(status));
    }
    return splits == 1 ? partial.select(0, 0) : partial.sum(0);  // a fixed reduction order: deterministic
  }
#endif
  at::Tensor result = at::empty({in / group, out}, x.options());
  kernels::scale_grad_packed_cpu(x.data_ptr<float>(), dy.data_ptr<float>(), packed.data_ptr<int32_t>(),
                                 zeros.data_ptr<float>(), m, in, out, group, bits, result.data_ptr<float>(),
                                 at::get_num_threads());
  return result;
}

}  // namespace lb

extern "C" int lb_scale_grad_packed(lb_tensor x, lb_tensor grad_y, lb_tensor qweight, lb_tensor zeros, int32_t bits,
                                    int64_t group_size, lb_tensor* grad_scales) {
  return lb::api::guard("lb_scale_grad_packed",
                        [&] { scale_grad_packed(x, grad_y, qweight, zeros, bits, group_size, grad_scales); });
}
