#include "src/fake_quant.h"

#include <ATen/Parallel.h>
#include <ATen/core/Tensor.h>
#include <ATen/ops/empty.h>

#include <string>
#include <vector>

#include "kernels/cpu/fake_quant_cpu.h"
#include "kernels/fake_quant_math.h"
#include "src/dtypes.h"
#include "src/error.h"
#include "src/tensor_handle.h"

#if LOWBIT_WITH_CUDA
#include <c10/cuda/CUDAGuard.h>
#include <c10/cuda/CUDAStream.h>

#include "kernels/cuda/fake_quant_cuda.h"
#endif

namespace lb {
namespace {

struct FqShape {
  int64_t rows;
  int64_t cols;
  int64_t group;
  int bits;
};

std::string shape_text(const at::Tensor& t) {
  std::string s = "[";
  for (int64_t i = 0; i < t.dim(); ++i) s += (i ? ", " : "") + std::to_string(t.size(i));
  return s + "]";
}

bool is_float_type(c10::ScalarType type) {
  return type == at::kFloat || type == at::kHalf || type == at::kBFloat16;
}

void check_float_type(const at::Tensor& t, const char* name) {
  if (!is_float_type(t.scalar_type())) {
    throw_invalid(std::string(name) + ": dtype=" + dtype_name(t.scalar_type()) + " (expected F32, F16 or BF16)");
  }
}

void check_device(const at::Tensor& t, const char* name) {
  if (!t.is_cpu() && !t.is_cuda()) {
    throw_unsupported(std::string(name) + ": device " + c10::DeviceTypeName(t.device().type()) +
                      " (expected a CPU or CUDA tensor)");
  }
#if !LOWBIT_WITH_CUDA
  if (t.is_cuda()) throw_unsupported(std::string(name) + ": CUDA tensor, but liblowbit was built without CUDA");
#endif
}

void check_same_device(const at::Tensor& t, const char* name, const at::Tensor& reference, const char* ref_name) {
  if (t.device() != reference.device()) {
    throw_invalid(std::string(name) + ": device " + t.device().str() + " (expected " + reference.device().str() +
                  ", the device of " + ref_name + ")");
  }
}

void check_shape(const at::Tensor& t, const char* name, const std::vector<int64_t>& expected) {
  if (t.sizes().vec() != expected) {
    std::string want = "[";
    for (size_t i = 0; i < expected.size(); ++i) want += (i ? ", " : "") + std::to_string(expected[i]);
    throw_invalid(std::string(name) + ": shape " + shape_text(t) + " (expected " + want + "]" + ")");
  }
}

FqShape check_quantizer(const at::Tensor& w, const at::Tensor& scales, const at::Tensor& zeros, int32_t bits,
                        int64_t group_size) {
  if (w.dim() != 2) {
    throw_invalid("w: ndim=" + std::to_string(w.dim()) + ", shape " + shape_text(w) + " (expected 2, [out, in])");
  }
  check_float_type(w, "w");
  check_device(w, "w");
  if (bits < 2 || bits > 4) throw_invalid("bits=" + std::to_string(bits) + " (expected 2, 3 or 4)");
  const int64_t in = w.size(1);
  if (in < 1) throw_invalid("w: in=" + std::to_string(in) + " (expected >= 1 input columns)");
  int64_t group = group_size;
  if (group <= 0 || group > in) group = in;
  if (in % group != 0) {
    throw_invalid("group_size=" + std::to_string(group_size) + " does not divide in=" + std::to_string(in) +
                  " (expected a divisor of " + std::to_string(in) + ", or <= 0 for per-channel)");
  }
  const std::vector<int64_t> param_shape{w.size(0), in / group};
  check_float_type(scales, "scales");
  check_float_type(zeros, "zeros");
  check_shape(scales, "scales", param_shape);
  check_shape(zeros, "zeros", param_shape);
  check_same_device(scales, "scales", w, "w");
  check_same_device(zeros, "zeros", w, "w");
  return FqShape{w.size(0), in, group, bits};
}

at::Tensor f32(const at::Tensor& t) { return t.to(at::kFloat).contiguous(); }

#if LOWBIT_WITH_CUDA
cudaStream_t stream_of(const at::Tensor& t) { return c10::cuda::getCurrentCUDAStream(t.device().index()).stream(); }

void check_launch(cudaError_t status, const char* kernel) {
  if (status != cudaSuccess) {
    throw Error(LB_ERR_CUDA, std::string(kernel) + " CUDA kernel launch failed: " + cudaGetErrorString(status));
  }
}
#endif

// ---- the one dispatch site per kernel: by device ----

void run_forward(const at::Tensor& w, const at::Tensor& s, const at::Tensor& z, const FqShape& q, at::Tensor& out) {
#if LOWBIT_WITH_CUDA
  if (w.is_cuda()) {
    const c10::cuda::CUDAGuard device_guard(w.device());
    return check_launch(kernels::fake_quant_forward_cuda(w.data_ptr<float>(), s.data_ptr<float>(), z.data_ptr<float>(),
                                                         q.rows, q.cols, q.group, q.bits, out.data_ptr<float>(),
                                                         stream_of(w)),
                        "fake_quant_forward");
  }
#endif
  kernels::fake_quant_forward_cpu(w.data_ptr<float>(), s.data_ptr<float>(), z.data_ptr<float>(), q.rows, q.cols,
                                  q.group, q.bits, out.data_ptr<float>(), at::get_num_threads());
}

void run_backward(const at::Tensor& w, const at::Tensor& s, const at::Tensor& z, const at::Tensor& gy,
                  const FqShape& q, at::Tensor& gw, at::Tensor& gs, at::Tensor& gz) {
#if LOWBIT_WITH_CUDA
  if (w.is_cuda()) {
    const c10::cuda::CUDAGuard device_guard(w.device());
    return check_launch(
        kernels::fake_quant_backward_cuda(w.data_ptr<float>(), s.data_ptr<float>(), z.data_ptr<float>(),
                                          gy.data_ptr<float>(), q.rows, q.cols, q.group, q.bits, gw.data_ptr<float>(),
                                          gs.data_ptr<float>(), gz.data_ptr<float>(), stream_of(w)),
        "fake_quant_backward");
  }
#endif
  kernels::fake_quant_backward_cpu(w.data_ptr<float>(), s.data_ptr<float>(), z.data_ptr<float>(), gy.data_ptr<float>(),
                                   q.rows, q.cols, q.group, q.bits, gw.data_ptr<float>(), gs.data_ptr<float>(),
                                   gz.data_ptr<float>(), at::get_num_threads());
}

int kernel_type(c10::ScalarType type) {
  if (type == at::kHalf) return kernels::kTypeF16;
  if (type == at::kBFloat16) return kernels::kTypeBF16;
  return kernels::kTypeF32;
}

float run_recon(const at::Tensor& a, const at::Tensor& b, float grad_scale, float* grad) {
  const int64_t n = a.numel();
  const int type = kernel_type(a.scalar_type());
  const at::Tensor partials = at::empty({kernels::recon_loss_chunks(n)}, a.options().dtype(at::kFloat));
#if LOWBIT_WITH_CUDA
  if (a.is_cuda()) {
    const c10::cuda::CUDAGuard device_guard(a.device());
    const at::Tensor total = at::empty({1}, a.options().dtype(at::kFloat));
    check_launch(kernels::recon_loss_cuda(a.data_ptr(), b.data_ptr(), type, n, grad_scale, grad,
                                          partials.data_ptr<float>(), total.data_ptr<float>(), stream_of(a)),
                 "recon_loss");
    return total.item<float>();
  }
#endif
  return kernels::recon_loss_cpu(a.data_ptr(), b.data_ptr(), type, n, grad_scale, grad, partials.data_ptr<float>(),
                                 at::get_num_threads());
}

}  // namespace

void fake_quant_forward(lb_tensor w, lb_tensor scales, lb_tensor zeros, int32_t bits, int64_t group_size,
                        lb_tensor* w_hat) {
  const at::Tensor& tw = unwrap(w, "w");
  const at::Tensor& ts = unwrap(scales, "scales");
  const at::Tensor& tz = unwrap(zeros, "zeros");
  require_non_null(w_hat, "w_hat");
  *w_hat = nullptr;
  const FqShape shape = check_quantizer(tw, ts, tz, bits, group_size);
  const at::Tensor w32 = f32(tw);
  at::Tensor out = at::empty({shape.rows, shape.cols}, w32.options());
  run_forward(w32, f32(ts), f32(tz), shape, out);
  *w_hat = make_handle(std::move(out)).release();
}

void fake_quant_backward(lb_tensor w, lb_tensor scales, lb_tensor zeros, int32_t bits, int64_t group_size,
                         lb_tensor grad_w_hat, lb_tensor* grad_w, lb_tensor* grad_scales, lb_tensor* grad_zeros) {
  const at::Tensor& tw = unwrap(w, "w");
  const at::Tensor& ts = unwrap(scales, "scales");
  const at::Tensor& tz = unwrap(zeros, "zeros");
  const at::Tensor& tg = unwrap(grad_w_hat, "grad_w_hat");
  require_non_null(grad_w, "grad_w");
  require_non_null(grad_scales, "grad_scales");
  require_non_null(grad_zeros, "grad_zeros");
  *grad_w = *grad_scales = *grad_zeros = nullptr;
  const FqShape shape = check_quantizer(tw, ts, tz, bits, group_size);
  check_float_type(tg, "grad_w_hat");
  check_shape(tg, "grad_w_hat", {shape.rows, shape.cols});
  check_same_device(tg, "grad_w_hat", tw, "w");

  const at::Tensor w32 = f32(tw);
  const auto opts = w32.options();
  const int64_t groups = shape.cols / shape.group;
  at::Tensor gw = at::empty({shape.rows, shape.cols}, opts);
  at::Tensor gs = at::empty({shape.rows, groups}, opts);
  at::Tensor gz = at::empty({shape.rows, groups}, opts);
  run_backward(w32, f32(ts), f32(tz), f32(tg), shape, gw, gs, gz);

  TensorHandle handles[] = {make_handle(std::move(gw)), make_handle(std::move(gs)), make_handle(std::move(gz))};
  *grad_w = handles[0].release();
  *grad_scales = handles[1].release();
  *grad_zeros = handles[2].release();
}

void recon_loss(lb_tensor a, lb_tensor b, double* loss, lb_tensor* grad_a) {
  const at::Tensor& ta = unwrap(a, "a");
  const at::Tensor& tb = unwrap(b, "b");
  require_non_null(loss, "loss");
  if (grad_a != nullptr) *grad_a = nullptr;
  check_float_type(ta, "a");
  check_device(ta, "a");
  if (tb.scalar_type() != ta.scalar_type()) {
    throw_invalid(std::string("b: dtype=") + dtype_name(tb.scalar_type()) + " (expected " +
                  dtype_name(ta.scalar_type()) + ", the dtype of a)");
  }
  check_shape(tb, "b", ta.sizes().vec());
  check_same_device(tb, "b", ta, "a");
  const int64_t n = ta.numel();
  if (n < 1) throw_invalid("a: shape " + shape_text(ta) + " has no elements (expected at least one)");

  const at::Tensor ca = ta.contiguous();
  const at::Tensor cb = tb.contiguous();
  at::Tensor grad;
  if (grad_a != nullptr) grad = at::empty(ta.sizes(), ca.options().dtype(at::kFloat));
  const float grad_scale = static_cast<float>(2.0 / static_cast<double>(n));
  const float sum = run_recon(ca, cb, grad_scale, grad_a != nullptr ? grad.data_ptr<float>() : nullptr);
  *loss = static_cast<double>(sum) / static_cast<double>(n);
  if (grad_a != nullptr) *grad_a = make_handle(std::move(grad)).release();
}

}  // namespace lb
