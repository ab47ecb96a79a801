#include "src/train/qat_autograd.h"

#include <ATen/ATen.h>
#include <ATen/Parallel.h>
#include <torch/csrc/autograd/custom_function.h>

#include <string>

#include "kernels/cpu/fake_quant_cpu.h"
#include "kernels/fake_quant_math.h"
#include "src/error.h"

#if LOWBIT_WITH_CUDA
#include <c10/cuda/CUDAGuard.h>
#include <c10/cuda/CUDAStream.h>

#include "kernels/cuda/fake_quant_cuda.h"
#endif

namespace lb::train {
namespace {

using torch::autograd::AutogradContext;
using torch::autograd::variable_list;

#if LOWBIT_WITH_CUDA
cudaStream_t stream_of(const at::Tensor& t) { return c10::cuda::getCurrentCUDAStream(t.device().index()).stream(); }

void check_launch(cudaError_t status, const char* kernel) {
  if (status != cudaSuccess) {
    throw Error(LB_ERR_CUDA, std::string(kernel) + " CUDA kernel launch failed: " + cudaGetErrorString(status));
  }
}
#endif

at::Tensor forward_kernel(const at::Tensor& w, const at::Tensor& s, const at::Tensor& z, int bits, int64_t group) {
  at::Tensor out = at::empty_like(w);
  const int64_t rows = w.size(0), cols = w.size(1);
#if LOWBIT_WITH_CUDA
  if (w.is_cuda()) {
    const c10::cuda::CUDAGuard guard(w.device());
    check_launch(kernels::fake_quant_forward_cuda(w.data_ptr<float>(), s.data_ptr<float>(), z.data_ptr<float>(), rows,
                                                  cols, group, bits, out.data_ptr<float>(), stream_of(w)),
                 "fake_quant_forward");
    return out;
  }
#endif
  kernels::fake_quant_forward_cpu(w.data_ptr<float>(), s.data_ptr<float>(), z.data_ptr<float>(), rows, cols, group,
                                  bits, out.data_ptr<float>(), at::get_num_threads());
  return out;
}

struct FakeQuantFn : public torch::autograd::Function<FakeQuantFn> {
  static at::Tensor forward(AutogradContext* ctx, const at::Tensor& w, const at::Tensor& s, const at::Tensor& z,
                            int64_t bits, int64_t group) {
    ctx->save_for_backward({w, s, z});
    ctx->saved_data["bits"] = bits;
    ctx->saved_data["group"] = group;
    return forward_kernel(w, s, z, static_cast<int>(bits), group);
  }

  static variable_list backward(AutogradContext* ctx, variable_list grads) {
    const auto saved = ctx->get_saved_variables();
    const at::Tensor& w = saved[0];
    const at::Tensor& s = saved[1];
    const at::Tensor& z = saved[2];
    const int bits = static_cast<int>(ctx->saved_data["bits"].toInt());
    const int64_t group = ctx->saved_data["group"].toInt();
    const at::Tensor gy = grads[0].to(at::kFloat).contiguous();
    at::Tensor gw = at::empty_like(w), gs = at::empty_like(s), gz = at::empty_like(z);
    const int64_t rows = w.size(0), cols = w.size(1);
#if LOWBIT_WITH_CUDA
    if (w.is_cuda()) {
      const c10::cuda::CUDAGuard guard(w.device());
      check_launch(kernels::fake_quant_backward_cuda(w.data_ptr<float>(), s.data_ptr<float>(), z.data_ptr<float>(),
                                                     gy.data_ptr<float>(), rows, cols, group, bits, gw.data_ptr<float>(),
                                                     gs.data_ptr<float>(), gz.data_ptr<float>(), stream_of(w)),
                   "fake_quant_backward");
      return {gw, gs, gz, at::Tensor(), at::Tensor()};
    }
#endif
    kernels::fake_quant_backward_cpu(w.data_ptr<float>(), s.data_ptr<float>(), z.data_ptr<float>(),
                                     gy.data_ptr<float>(), rows, cols, group, bits, gw.data_ptr<float>(),
                                     gs.data_ptr<float>(), gz.data_ptr<float>(), at::get_num_threads());
    return {gw, gs, gz, at::Tensor(), at::Tensor()};
  }
};

int kernel_type(c10::ScalarType type) {
  if (type == at::kHalf) return kernels::kTypeF16;
  if (type == at::kBFloat16) return kernels::kTypeBF16;
  return kernels::kTypeF32;
}

struct ReconLossFn : public torch::autograd::Function<ReconLossFn> {
  static at::Tensor forward(AutogradContext* ctx, const at::Tensor& a_in, const at::Tensor& b_in) {
    const at::Tensor a = a_in.contiguous(), b = b_in.contiguous();
    const int64_t n = a.numel();
    const float grad_scale = static_cast<float>(2.0 / static_cast<double>(n));
    at::Tensor grad = at::empty(a.sizes(), a.options().dtype(at::kFloat));
    at::Tensor partials = at::empty({kernels::recon_loss_chunks(n)}, a.options().dtype(at::kFloat));
    at::Tensor total = at::empty({1}, a.options().dtype(at::kFloat));
#if LOWBIT_WITH_CUDA
    if (a.is_cuda()) {
      const c10::cuda::CUDAGuard guard(a.device());
      check_launch(kernels::recon_loss_cuda(a.data_ptr(), b.data_ptr(), kernel_type(a.scalar_type()), n, grad_scale,
                                            grad.data_ptr<float>(), partials.data_ptr<float>(),
                                            total.data_ptr<float>(), stream_of(a)),
                   "recon_loss");
      ctx->save_for_backward({grad});
      return (total / static_cast<double>(n)).reshape({});
    }
#endif
    const float sum = kernels::recon_loss_cpu(a.data_ptr(), b.data_ptr(), kernel_type(a.scalar_type()), n, grad_scale,
                                              grad.data_ptr<float>(), partials.data_ptr<float>(), at::get_num_threads());
    total.fill_(static_cast<double>(sum) / static_cast<double>(n));
    ctx->save_for_backward({grad});
    return total.reshape({});
  }

  static variable_list backward(AutogradContext* ctx, variable_list grads) {
    const at::Tensor grad = ctx->get_saved_variables()[0];
    return {grad * grads[0], at::Tensor()};
  }
};

}  // namespace

at::Tensor fake_quant(const at::Tensor& w, const at::Tensor& scales, const at::Tensor& zeros, int bits,
                      int64_t group) {
  return FakeQuantFn::apply(w, scales, zeros, static_cast<int64_t>(bits), group);
}

at::Tensor fake_quant_no_grad(const at::Tensor& w, const at::Tensor& scales, const at::Tensor& zeros, int bits,
                              int64_t group) {
  return forward_kernel(w.contiguous(), scales.contiguous(), zeros.contiguous(), bits, group);
}

at::Tensor recon_loss(const at::Tensor& a, const at::Tensor& b) {
  if (a.sizes() != b.sizes() || a.scalar_type() != b.scalar_type() || a.device() != b.device()) {
    throw_invalid("recon_loss: output and target differ in shape, dtype or device");
  }
  return ReconLossFn::apply(a, b);
}

}  // namespace lb::train
