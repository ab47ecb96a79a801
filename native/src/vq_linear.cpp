#include "src/vq_linear.h"

#include <ATen/Parallel.h>
#include <ATen/ops/empty.h>
#include <ATen/ops/matmul.h>

#include <cstddef>
#include <string>

#include "kernels/cpu/vq_matmul_cpu.h"
#include "src/dtypes.h"
#include "src/error.h"
#include "src/tensor_handle.h"

#if LOWBIT_WITH_CUDA
#include <c10/cuda/CUDAGuard.h>
#include <c10/cuda/CUDAStream.h>
#include <cuda_runtime_api.h>

#include "kernels/cuda/vq_matmul_cuda.h"
#endif

namespace lb {
namespace {

std::string shape_str(const at::Tensor& t) {
  std::string s = "[";
  for (int64_t i = 0; i < t.dim(); ++i) s += (i ? ", " : "") + std::to_string(t.size(i));
  return s + "]";
}

int log2_exact(int64_t value, const char* what) {
  if (value <= 0 || (value & (value - 1)) != 0) {
    throw_invalid(std::string(what) + "=" + std::to_string(value) + " (expected a power of two)");
  }
  int b = 0;
  while ((int64_t{1} << b) < value) ++b;
  return b;
}

struct Checked {
  kernels::VqLayout layout{};
  at::Tensor centroids, res_centroids, indices, outlier_centroids, outlier_indices, perm, scale, wbias, bias, bank_indices;
  at::Device device = at::kCPU;
};

at::Tensor take(lb_tensor t, const char* name, bool required, at::ScalarType dtype, const char* dtype_label,
                const std::vector<int64_t>& shape, const std::string& shape_label, Checked& c, bool first) {
  if (t == nullptr) {
    if (required) throw_invalid(std::string("w->") + name + " is NULL (expected " + dtype_label + " " + shape_label + ")");
    return at::Tensor();
  }
  const at::Tensor& v = t->value;
  if (v.scalar_type() != dtype) {
    throw_invalid(std::string("w->") + name + ": dtype=" + dtype_name(v.scalar_type()) + " (expected " + dtype_label + ")");
  }
  if (v.sizes().vec() != shape) {
    throw_invalid(std::string("w->") + name + ": shape " + shape_str(v) + " (expected " + shape_label + ")");
  }
  if (first) {
    c.device = v.device();
  } else if (v.device() != c.device) {
    throw_invalid(std::string("w->") + name + ": on " + v.device().str() + " (expected " + c.device.str() +
                  ", the device of w->centroids)");
  }
  return v.contiguous();
}

std::string dims(std::initializer_list<int64_t> d) {
  std::string s = "[";
  bool first = true;
  for (int64_t v : d) {
    s += (first ? "" : ", ") + std::to_string(v);
    first = false;
  }
  return s + "]";
}

Checked check(const lb_vq_weights* w) {
  require_non_null(w, "w");
  // callers built before bank_indices existed pass the struct up to bias: accepted, without banked indices
  const int64_t before_bank = static_cast<int64_t>(offsetof(lb_vq_weights, bank_indices));
  if (w->struct_size < before_bank) {
    throw_invalid("w->struct_size=" + std::to_string(w->struct_size) + " is too small (expected " +
                  std::to_string(sizeof(lb_vq_weights)) + ", sizeof(lb_vq_weights), or at least " +
                  std::to_string(before_bank) + " from an older lowbit.h)");
  }
  const bool has_bank_field = w->struct_size >= static_cast<int64_t>(sizeof(lb_vq_weights));
  Checked c;
  kernels::VqLayout& l = c.layout;
  l.rows = w->out_features;
  l.cols = w->in_features;
  if (l.rows < 0 || l.cols < 0) throw_invalid("w->out_features/in_features must be >= 0");
  l.v = w->vector_len;
  if (l.v <= 0) throw_invalid("w->vector_len=" + std::to_string(l.v) + " (expected > 0)");
  l.k = w->num_centroids;
  l.main_bits = log2_exact(l.k, "w->num_centroids");
  l.k_res = w->num_res_centroids > 0 ? w->num_res_centroids : 0;
  const int res_bits = l.k_res > 0 ? log2_exact(l.k_res, "w->num_res_centroids") : 0;
  l.index_bits = l.main_bits + res_bits;
  if (l.index_bits > 32) throw_invalid("index bits log2 k + log2 k_r = " + std::to_string(l.index_bits) + " (expected <= 32)");
  l.outliers = w->outlier_size;
  if (l.outliers < 0 || l.outliers > l.cols) {
    throw_invalid("w->outlier_size=" + std::to_string(l.outliers) + " (expected 0.." + std::to_string(l.cols) + ")");
  }
  l.v0 = l.outliers > 0 ? w->outlier_vector_len : 1;
  l.k0 = l.outliers > 0 ? w->num_outlier_centroids : 0;
  if (l.outliers > 0 && (l.v0 <= 0 || l.k0 <= 0 || l.k0 > 65536)) {
    throw_invalid("w->outlier_vector_len=" + std::to_string(l.v0) + ", num_outlier_centroids=" + std::to_string(l.k0) +
                  " (expected > 0 and k0 <= 65536 with outlier_size > 0)");
  }
  l.groups = w->group_num;
  l.group_size = w->group_size;
  if (l.groups < 0 || l.group_size <= 0 || l.groups * l.group_size < l.cols - l.outliers) {
    throw_invalid("w->group_num=" + std::to_string(l.groups) + ", group_size=" + std::to_string(l.group_size) +
                  " (expected group_size > 0 and group_num * group_size >= in_features - outlier_size = " +
                  std::to_string(l.cols - l.outliers) + ")");
  }
  if (l.cols > 65536) throw_invalid("w->in_features=" + std::to_string(l.cols) + " (expected <= 65536: perm is 16-bit)");
  l.vector_rows = (l.rows + l.v - 1) / l.v;
  l.outlier_vector_rows = (l.rows + l.v0 - 1) / l.v0;
  l.row_words = (l.group_size * l.index_bits + 31) / 32;

  const int64_t G = l.groups;
  c.centroids = take(w->centroids, "centroids", true, at::kHalf, "F16", {G, int64_t{l.k} * l.v},
                     "[group_num, k*v] = " + dims({G, int64_t{l.k} * l.v}), c, true);
  c.res_centroids = l.k_res > 0 ? take(w->res_centroids, "res_centroids", true, at::kHalf, "F16",
                                       {G, int64_t{l.k_res} * l.v},
                                       "[group_num, k_r*v] = " + dims({G, int64_t{l.k_res} * l.v}), c, false)
                                : at::Tensor();
  c.indices = take(w->indices, "indices", true, at::kInt, "I32", {G, l.vector_rows, l.row_words},
                   "[group_num, ceil(M/v), ceil(S*T/32)] = " + dims({G, l.vector_rows, l.row_words}), c, false);
  if (l.outliers > 0) {
    c.outlier_centroids = take(w->outlier_centroids, "outlier_centroids", true, at::kHalf, "F16",
                               {1, int64_t{l.k0} * l.v0}, "[1, k0*v0] = " + dims({1, int64_t{l.k0} * l.v0}), c, false);
    c.outlier_indices = take(w->outlier_indices, "outlier_indices", true, at::kShort, "I16",
                             {1, l.outlier_vector_rows, l.outliers},
                             "[1, ceil(M/v0), O] = " + dims({1, l.outlier_vector_rows, l.outliers}), c, false);
  }
  c.perm = take(w->perm, "perm", false, at::kShort, "I16", {l.cols}, "[N] = " + dims({l.cols}), c, false);
  c.scale = take(w->weight_scale, "weight_scale", false, at::kHalf, "F16", {l.cols}, "[N] = " + dims({l.cols}), c, false);
  c.wbias = take(w->weight_bias, "weight_bias", false, at::kHalf, "F16", {l.cols}, "[N] = " + dims({l.cols}), c, false);
  c.bias = take(w->bias, "bias", false, at::kHalf, "F16", {l.rows}, "[M] = " + dims({l.rows}), c, false);
  if (has_bank_field) {
    const int64_t slots = (l.group_size + 15) / 16 * 16;
    c.bank_indices = take(w->bank_indices, "bank_indices", false, at::kShort, "I16", {G, l.vector_rows, slots},
                          "[group_num, ceil(M/v), ceil(S/16)*16] = " + dims({G, l.vector_rows, slots}), c, false);
  }
  if (!c.device.is_cpu() && !c.device.is_cuda()) {
    throw_unsupported("w->centroids: device " + c.device.str() + " (expected CPU or CUDA)");
  }
  return c;
}

// Outlier indices < k0 and perm values < N (reads the values: a device sync on CUDA).
void check_values(const Checked& c) {
  const kernels::VqLayout& l = c.layout;
  if (c.outlier_indices.defined() && c.outlier_indices.numel() > 0) {
    const int64_t hi = c.outlier_indices.to(at::kInt).bitwise_and(0xFFFF).max().item<int64_t>();
    if (hi >= l.k0) {
      throw_invalid("w->outlier_indices: value " + std::to_string(hi) + " (expected < num_outlier_centroids = " +
                    std::to_string(l.k0) + ")");
    }
  }
  if (c.perm.defined() && c.perm.numel() > 0) {
    const int64_t hi = c.perm.to(at::kInt).bitwise_and(0xFFFF).max().item<int64_t>();
    if (hi >= l.cols) {
      throw_invalid("w->perm: value " + std::to_string(hi) + " (expected < in_features = " + std::to_string(l.cols) + ")");
    }
  }
}

struct CpuOperands {
  at::Tensor centroids, res, outlier_centroids, scale, wbias, bias;
  kernels::VqWeightsF32 w{};
};

template <class T>
const T* ptr_or_null(const at::Tensor& t) {
  return t.defined() ? reinterpret_cast<const T*>(t.data_ptr()) : nullptr;
}

CpuOperands cpu_operands(const Checked& c) {
  CpuOperands o;
  auto f32 = [](const at::Tensor& t) { return t.defined() ? t.to(at::kFloat).contiguous() : at::Tensor(); };
  o.centroids = f32(c.centroids);
  o.res = f32(c.res_centroids);
  o.outlier_centroids = f32(c.outlier_centroids);
  o.scale = f32(c.scale);
  o.wbias = f32(c.wbias);
  o.bias = f32(c.bias);
  o.w.centroids = ptr_or_null<float>(o.centroids);
  o.w.res_centroids = ptr_or_null<float>(o.res);
  o.w.indices = ptr_or_null<uint32_t>(c.indices);
  o.w.outlier_centroids = ptr_or_null<float>(o.outlier_centroids);
  o.w.outlier_indices = ptr_or_null<uint16_t>(c.outlier_indices);
  o.w.perm = ptr_or_null<uint16_t>(c.perm);
  o.w.weight_scale = ptr_or_null<float>(o.scale);
  o.w.weight_bias = ptr_or_null<float>(o.wbias);
  o.w.bias = ptr_or_null<float>(o.bias);
  return o;
}

#if LOWBIT_WITH_CUDA
// Up to this many rows of x run the fused GEMV row by row; more dequantize once and use one matmul.
constexpr int64_t kMaxGemvRows = 4;

at::Tensor aligned(const at::Tensor& t) {
  if (!t.defined()) return t;
  return reinterpret_cast<uintptr_t>(t.data_ptr()) % 16 == 0 ? t : t.clone();
}

struct CudaOperands {
  at::Tensor keep[10];
  kernels::VqWeightsCuda w{};
};

CudaOperands cuda_operands(const Checked& c) {
  CudaOperands o;
  const at::Tensor* src[10] = {&c.centroids, &c.res_centroids, &c.indices, &c.outlier_centroids, &c.outlier_indices,
                               &c.perm, &c.scale, &c.wbias, &c.bias, &c.bank_indices};
  for (int i = 0; i < 10; ++i) o.keep[i] = aligned(*src[i]);
  o.w.centroids = ptr_or_null<void>(o.keep[0]);
  o.w.res_centroids = ptr_or_null<void>(o.keep[1]);
  o.w.indices = ptr_or_null<uint32_t>(o.keep[2]);
  o.w.outlier_centroids = ptr_or_null<void>(o.keep[3]);
  o.w.outlier_indices = ptr_or_null<uint16_t>(o.keep[4]);
  o.w.perm = ptr_or_null<uint16_t>(o.keep[5]);
  o.w.weight_scale = ptr_or_null<void>(o.keep[6]);
  o.w.weight_bias = ptr_or_null<void>(o.keep[7]);
  o.w.bias = ptr_or_null<void>(o.keep[8]);
  o.w.bank_indices = ptr_or_null<uint16_t>(o.keep[9]);
  return o;
}

void cuda_check(cudaError_t e, const char* what) {
  if (e != cudaSuccess) throw Error(LB_ERR_CUDA, std::string(what) + " failed: " + cudaGetErrorString(e));
}

at::Tensor dequantize_cuda(const Checked& c) {
  const c10::cuda::CUDAGuard guard(c.device);
  const CudaOperands o = cuda_operands(c);
  at::Tensor out = at::empty({c.layout.rows, c.layout.cols}, c.centroids.options().dtype(at::kFloat));
  cuda_check(kernels::vq_dequantize_cuda(c.layout, o.w, out.data_ptr<float>(),
                                         c10::cuda::getCurrentCUDAStream(c.device.index()).stream()),
             "VQ dequantize CUDA kernel launch");
  return out;
}
#endif

at::Tensor dequantize_checked(const Checked& c) {
  if (c.device.is_cpu()) {
    const CpuOperands o = cpu_operands(c);
    at::Tensor out = at::empty({c.layout.rows, c.layout.cols}, at::TensorOptions().dtype(at::kFloat));
    kernels::vq_dequantize_cpu(c.layout, o.w, out.data_ptr<float>(), at::get_num_threads());
    return out;
  }
#if LOWBIT_WITH_CUDA
  return dequantize_cuda(c);
#else
  throw_unsupported("w->centroids: device " + c.device.str() + " (this liblowbit was built without CUDA)");
#endif
}

}  // namespace

at::Tensor vq_bank_indices(const lb_vq_weights* w) {
  const Checked c = check(w);
  if (!c.device.is_cuda()) {
    throw_unsupported("w->centroids: on " + c.device.str() + " (banked indices serve the CUDA GEMV only)");
  }
#if LOWBIT_WITH_CUDA
  const kernels::VqLayout& l = c.layout;
  const c10::cuda::CUDAGuard guard(c.device);
  int max_shared = 0;
  cuda_check(cudaDeviceGetAttribute(&max_shared, cudaDevAttrMaxSharedMemoryPerBlockOptin, c.device.index()),
             "cudaDeviceGetAttribute");
  if (const char* why = kernels::vq_bank_indices_unsupported(l, max_shared)) {
    throw_unsupported(std::string("banked indices for this layout: ") + why);
  }
  at::Tensor slots = at::empty({l.groups, l.vector_rows, (l.group_size + 15) / 16 * 16},
                               c.centroids.options().dtype(at::kShort));
  const CudaOperands o = cuda_operands(c);
  cuda_check(kernels::vq_bank_indices_cuda(l, o.w, reinterpret_cast<uint16_t*>(slots.data_ptr()),
                                           c10::cuda::getCurrentCUDAStream(c.device.index()).stream()),
             "VQ banked indices CUDA kernel launch");
  return slots;
#else
  throw_unsupported("w->centroids: device " + c.device.str() + " (this liblowbit was built without CUDA)");
#endif
}

at::Tensor vq_dequantize(const lb_vq_weights* w) {
  const Checked c = check(w);
  check_values(c);
  return dequantize_checked(c);
}

at::Tensor vq_linear(const at::Tensor& x, const lb_vq_weights* w) {
  const Checked c = check(w);
  const kernels::VqLayout& l = c.layout;
  if (x.dim() != 2) throw_invalid("x: ndim=" + std::to_string(x.dim()) + " (expected 2-D [m, in_features])");
  const at::ScalarType xt = x.scalar_type();
  if (xt != at::kFloat && xt != at::kHalf && xt != at::kBFloat16) {
    throw_invalid(std::string("x: dtype=") + dtype_name(xt) + " (expected F32, F16 or BF16)");
  }
  if (x.size(1) != l.cols) {
    throw_invalid("x: size " + std::to_string(x.size(1)) + " along dim 1 (expected in_features = " +
                  std::to_string(l.cols) + ")");
  }
  if (x.device() != c.device) {
    throw_invalid("x: on " + x.device().str() + " (expected " + c.device.str() + ", the device of w->centroids)");
  }
  const int64_t m = x.size(0);
  if (c.device.is_cpu()) {
    check_values(c);
    const CpuOperands o = cpu_operands(c);
    const at::Tensor xf = x.to(at::kFloat).contiguous();
    at::Tensor y = at::empty({m, l.rows}, xf.options());
    if (m > 0 && l.rows > 0) {
      kernels::vq_linear_cpu(l, o.w, xf.data_ptr<float>(), m, y.data_ptr<float>(), at::get_num_threads());
    }
    return y;
  }
#if LOWBIT_WITH_CUDA
  const c10::cuda::CUDAGuard guard(c.device);
  int max_shared = 0;
  cuda_check(cudaDeviceGetAttribute(&max_shared, cudaDevAttrMaxSharedMemoryPerBlockOptin, c.device.index()),
             "cudaDeviceGetAttribute");
  // small m: the fused GEMV once per row (each row re-reads the indices, still far less traffic than W)
  if (m >= 1 && m <= kMaxGemvRows && kernels::vq_linear_cuda_unsupported(l, max_shared) == nullptr) {
    const CudaOperands o = cuda_operands(c);
    const at::Tensor xc = x.contiguous();
    at::Tensor y = at::empty({m, l.rows}, x.options().dtype(at::kFloat));
    at::Tensor workspace = at::empty({l.cols + 1}, x.options().dtype(at::kFloat));
    const int x_code = xt == at::kHalf ? 1 : xt == at::kBFloat16 ? 2 : 0;
    const cudaStream_t stream = c10::cuda::getCurrentCUDAStream(c.device.index()).stream();
    const char* xp = static_cast<const char*>(xc.data_ptr());
    for (int64_t i = 0; i < m; ++i) {
      cuda_check(kernels::vq_linear_cuda(l, o.w, xp + i * l.cols * static_cast<int64_t>(xc.element_size()), x_code,
                                         y.data_ptr<float>() + i * l.rows, workspace.data_ptr<float>(), stream),
                 "VQ GEMV CUDA kernel launch");
    }
    return y;
  }
  // larger m (or a layout the fused GEMV was not built for): dequantize on the device, then one matmul
  at::Tensor y = at::matmul(x.to(at::kFloat), dequantize_cuda(c).t());
  if (c.bias.defined()) y = y.add(c.bias.to(at::kFloat));
  return y;
#else
  throw_unsupported("x: device " + c.device.str() + " (this liblowbit was built without CUDA)");
#endif
}

}  // namespace lb
