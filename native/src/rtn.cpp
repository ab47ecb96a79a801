#include "src/rtn.h"

#include <ATen/Parallel.h>
#include <ATen/core/Tensor.h>
#include <ATen/ops/empty.h>

#include <string>

#include "kernels/cpu/rtn_cpu.h"
#include "src/dtypes.h"
#include "src/error.h"
#include "src/tensor_handle.h"

#if LOWBIT_WITH_CUDA
#include <c10/cuda/CUDAGuard.h>
#include <c10/cuda/CUDAStream.h>

#include "kernels/cuda/rtn_cuda.h"
#endif

namespace lb {
namespace {

struct RtnShape {
  int64_t rows;
  int64_t cols;
  int64_t group;
  int bits;
  bool symmetric;
};

struct RtnOutputs {
  at::Tensor codes, scales, zeros, dequant;
};

RtnShape check_arguments(const at::Tensor& w, const lb_rtn_options& options) {
  if (w.dim() != 2) throw_invalid("weight: ndim=" + std::to_string(w.dim()) + " (expected 2, [out, in])");
  const c10::ScalarType type = w.scalar_type();
  if (type != at::kFloat && type != at::kHalf && type != at::kBFloat16) {
    throw_invalid(std::string("weight: dtype=") + dtype_name(type) + " (expected F32, F16 or BF16)");
  }
  if (options.bits < 2 || options.bits > 8) {
    throw_invalid("bits=" + std::to_string(options.bits) + " out of range (expected 2..8)");
  }
  if (options.symmetric != 0 && options.symmetric != 1) {
    throw_invalid("symmetric=" + std::to_string(options.symmetric) + " (expected 0 or 1)");
  }
  const int64_t in = w.size(1);
  if (in < 1) throw_invalid("weight: in=" + std::to_string(in) + " (expected >= 1 input columns)");
  int64_t group = options.group_size;
  if (group <= 0 || group > in) group = in;
  if (in % group != 0) {
    throw_invalid("group_size=" + std::to_string(options.group_size) + " does not divide in=" + std::to_string(in) +
                  " (expected a divisor of " + std::to_string(in) + ", or <= 0 for per-channel)");
  }
  return RtnShape{w.size(0), in, group, options.bits, options.symmetric == 1};
}

void run_cpu(const at::Tensor& w, const RtnShape& s, RtnOutputs& out) {
  kernels::rtn_cpu(w.data_ptr<float>(), s.rows, s.cols, s.group, s.bits, s.symmetric, out.codes.data_ptr<uint8_t>(),
                   out.scales.data_ptr<float>(), out.zeros.data_ptr<float>(), out.dequant.data_ptr<float>(),
                   at::get_num_threads());
}

#if LOWBIT_WITH_CUDA
void run_cuda(const at::Tensor& w, const RtnShape& s, RtnOutputs& out) {
  const c10::cuda::CUDAGuard device_guard(w.device());
  const cudaStream_t stream = c10::cuda::getCurrentCUDAStream(w.device().index()).stream();
  const cudaError_t status =
      kernels::rtn_cuda(w.data_ptr<float>(), s.rows, s.cols, s.group, s.bits, s.symmetric,
                        out.codes.data_ptr<uint8_t>(), out.scales.data_ptr<float>(), out.zeros.data_ptr<float>(),
                        out.dequant.data_ptr<float>(), stream);
  if (status != cudaSuccess) {
    throw Error(LB_ERR_CUDA, std::string("RTN CUDA kernel launch failed: ") + cudaGetErrorString(status));
  }
}
#endif

// The one place that picks the kernel by device.
void run_kernel(const at::Tensor& w, const RtnShape& s, RtnOutputs& out) {
  if (w.is_cpu()) return run_cpu(w, s, out);
#if LOWBIT_WITH_CUDA
  if (w.is_cuda()) return run_cuda(w, s, out);
#endif
  throw_unsupported(std::string("weight: device ") + c10::DeviceTypeName(w.device().type()) +
                    " (expected a CPU or CUDA tensor)");
}

}  // namespace

void quantize_rtn(lb_tensor weight, const lb_rtn_options* options, lb_tensor* codes, lb_tensor* scales,
                  lb_tensor* zeros, lb_tensor* dequant) {
  const at::Tensor& w = unwrap(weight, "weight");
  require_non_null(options, "options");
  if (options->struct_size < static_cast<int64_t>(sizeof(lb_rtn_options))) {
    throw_invalid("options->struct_size=" + std::to_string(options->struct_size) + " is too small (expected >= " +
                  std::to_string(sizeof(lb_rtn_options)) + ", sizeof(lb_rtn_options))");
  }
  require_non_null(codes, "codes");
  require_non_null(scales, "scales");
  require_non_null(zeros, "zeros");
  require_non_null(dequant, "dequant");
  *codes = *scales = *zeros = *dequant = nullptr;
  const RtnShape shape = check_arguments(w, *options);

  const at::Tensor w32 = w.to(at::kFloat).contiguous();
  const auto f32 = w32.options();
  const int64_t groups_per_row = shape.cols / shape.group;
  RtnOutputs out{at::empty({shape.rows, shape.cols}, f32.dtype(at::kByte)),
                 at::empty({shape.rows, groups_per_row}, f32), at::empty({shape.rows, groups_per_row}, f32),
                 at::empty({shape.rows, shape.cols}, f32)};
  run_kernel(w32, shape, out);

  TensorHandle handles[] = {make_handle(std::move(out.codes)), make_handle(std::move(out.scales)),
                            make_handle(std::move(out.zeros)), make_handle(std::move(out.dequant))};
  *codes = handles[0].release();
  *scales = handles[1].release();
  *zeros = handles[2].release();
  *dequant = handles[3].release();
}

}  // namespace lb
