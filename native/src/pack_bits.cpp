#include "src/pack_bits.h"

#include <ATen/Parallel.h>
#include <ATen/ops/empty.h>

#include <string>
#include <vector>

#include "kernels/cpu/pack_bits_cpu.h"
#include "src/dtypes.h"
#include "src/error.h"

#if LOWBIT_WITH_CUDA
#include <c10/cuda/CUDAGuard.h>
#include <c10/cuda/CUDAStream.h>

#include "kernels/cuda/pack_bits_cuda.h"
#endif

namespace lb {
namespace {

struct PackShape {
  int64_t rows;  // of the unpacked values
  int64_t cols;
  int bits;
  int dim;
};

std::string shape_text(const at::Tensor& t) {
  std::string s = "[";
  for (int64_t i = 0; i < t.dim(); ++i) s += (i ? ", " : "") + std::to_string(t.size(i));
  return s + "]";
}

void check_matrix(const at::Tensor& t, const char* what, int dim) {
  if (t.dim() != 2) {
    throw_invalid(std::string(what) + ": ndim=" + std::to_string(t.dim()) + ", shape " + shape_text(t) +
                  " (expected a 2-D tensor)");
  }
  if (dim != 0 && dim != 1) throw_invalid("dim=" + std::to_string(dim) + " (expected 0 or 1)");
}

// The first element outside [0, qmax], reported with its position.
void check_value_range(const at::Tensor& values, int bits) {
  const int64_t qmax = (int64_t{1} << bits) - 1;
  if (values.numel() == 0) return;
  const bool in_range = values.max().item<int64_t>() <= qmax &&
                        (values.scalar_type() != at::kInt || values.min().item<int64_t>() >= 0);
  if (in_range) return;
  // the error path locates the culprit on the host: simple, and it failed on CUDA with libtorch 2.11
  const at::Tensor host = values.to(at::kCPU, at::kLong).reshape({-1});
  const at::Tensor bad = host.gt(qmax).logical_or(host.lt(0));
  const int64_t flat = bad.nonzero().select(1, 0).select(0, 0).item<int64_t>();
  const int64_t cols = values.size(1);
  const int64_t value = host.select(0, flat).item<int64_t>();
  throw_invalid("values[" + std::to_string(flat / cols) + ", " + std::to_string(flat % cols) + "]=" +
                std::to_string(value) + " out of range for bits=" + std::to_string(bits) + " (expected 0.." +
                std::to_string(qmax) + ")");
}

#if LOWBIT_WITH_CUDA
cudaStream_t stream_of(const at::Tensor& t) { return c10::cuda::getCurrentCUDAStream(t.device().index()).stream(); }

void check_launch(cudaError_t status, const char* kernel) {
  if (status != cudaSuccess) {
    throw Error(LB_ERR_CUDA, std::string(kernel) + " CUDA kernel launch failed: " + cudaGetErrorString(status));
  }
}
#endif

[[noreturn]] void unsupported_device(const at::Tensor& t, const char* what) {
  throw_unsupported(std::string(what) + ": device " + c10::DeviceTypeName(t.device().type()) +
                    " (expected a CPU or CUDA tensor)");
}

// The one place that picks the packing kernel by device.
void run_pack(const at::Tensor& values, const PackShape& s, at::Tensor& packed) {
  if (values.is_cpu()) {
    return kernels::pack_bits_cpu(values.data_ptr<uint8_t>(), s.rows, s.cols, s.bits, s.dim,
                                  packed.data_ptr<int32_t>(), at::get_num_threads());
  }
#if LOWBIT_WITH_CUDA
  if (values.is_cuda()) {
    const c10::cuda::CUDAGuard device_guard(values.device());
    return check_launch(kernels::pack_bits_cuda(values.data_ptr<uint8_t>(), s.rows, s.cols, s.bits, s.dim,
                                                packed.data_ptr<int32_t>(), stream_of(values)),
                        "pack_bits");
  }
#endif
  unsupported_device(values, "values");
}

void run_unpack(const at::Tensor& packed, const PackShape& s, at::Tensor& values, const char* what) {
  if (packed.is_cpu()) {
    return kernels::unpack_bits_cpu(packed.data_ptr<int32_t>(), s.rows, s.cols, s.bits, s.dim,
                                    values.data_ptr<uint8_t>(), at::get_num_threads());
  }
#if LOWBIT_WITH_CUDA
  if (packed.is_cuda()) {
    const c10::cuda::CUDAGuard device_guard(packed.device());
    return check_launch(kernels::unpack_bits_cuda(packed.data_ptr<int32_t>(), s.rows, s.cols, s.bits, s.dim,
                                                  values.data_ptr<uint8_t>(), stream_of(packed)),
                        "unpack_bits");
  }
#endif
  unsupported_device(packed, what);
}

}  // namespace

void check_pack_bits(int bits) {
  if (bits != 2 && bits != 3 && bits != 4 && bits != 8) {
    throw_invalid("bits=" + std::to_string(bits) + " (expected 2, 3, 4 or 8)");
  }
}

at::Tensor pack_bits(const at::Tensor& values, int bits, int dim) {
  check_pack_bits(bits);
  check_matrix(values, "values", dim);
  if (values.scalar_type() != at::kByte && values.scalar_type() != at::kInt) {
    throw_invalid(std::string("values: dtype=") + dtype_name(values.scalar_type()) + " (expected U8 or I32)");
  }
  const int64_t size = values.size(dim);
  const int64_t multiple = bits == 3 ? 32 : 32 / bits;
  if (size % multiple != 0) {
    throw_invalid("values: size " + std::to_string(size) + " along dim " + std::to_string(dim) + " (shape " +
                  shape_text(values) + ") is not a multiple of " + std::to_string(multiple) + " (expected a multiple of " +
                  std::to_string(multiple) + " for bits=" + std::to_string(bits) + ")");
  }
  if (bits < 8 || values.scalar_type() == at::kInt) check_value_range(values, bits);

  const at::Tensor bytes = values.to(at::kByte).contiguous();
  const PackShape s{values.size(0), values.size(1), bits, dim};
  std::vector<int64_t> sizes = {s.rows, s.cols};
  sizes[dim] = size * bits / 32;
  at::Tensor packed = at::empty(sizes, bytes.options().dtype(at::kInt));
  run_pack(bytes, s, packed);
  return packed;
}

at::Tensor unpack_bits(const at::Tensor& packed, int bits, int dim, const char* what) {
  check_pack_bits(bits);
  check_matrix(packed, what, dim);
  if (packed.scalar_type() != at::kInt) {
    throw_invalid(std::string(what) + ": dtype=" + dtype_name(packed.scalar_type()) + " (expected I32)");
  }
  const int64_t words = packed.size(dim);
  if (bits == 3 && words % 3 != 0) {
    throw_invalid(std::string(what) + ": size " + std::to_string(words) + " along dim " + std::to_string(dim) +
                  " (shape " + shape_text(packed) + ") is not a multiple of 3 (expected whole 3-word blocks for bits=3)");
  }
  const at::Tensor words_tensor = packed.contiguous();
  std::vector<int64_t> sizes = {packed.size(0), packed.size(1)};
  sizes[dim] = words * 32 / bits;
  const PackShape s{sizes[0], sizes[1], bits, dim};
  at::Tensor values = at::empty(sizes, words_tensor.options().dtype(at::kByte));
  run_unpack(words_tensor, s, values, what);
  return values;
}

}  // namespace lb
