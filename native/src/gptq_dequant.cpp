#include "src/gptq_dequant.h"

#include <ATen/Parallel.h>
#include <ATen/ops/arange.h>
#include <ATen/ops/empty.h>
#include <ATen/ops/zeros.h>

#include <string>

#include "kernels/cpu/packed_matmul_cpu.h"
#include "src/dtypes.h"
#include "src/error.h"
#include "src/pack_bits.h"
#include "src/packed_linear_cuda.h"

namespace lb {
namespace {

void check_2d(const at::Tensor& t, const char* what, const char* expected_shape) {
  if (t.dim() != 2) {
    throw_invalid(std::string(what) + ": ndim=" + std::to_string(t.dim()) + " (expected 2-D " + expected_shape + ")");
  }
}

void check_dtype(const at::Tensor& t, const char* what, at::ScalarType expected, const char* expected_name) {
  if (t.scalar_type() != expected) {
    throw_invalid(std::string(what) + ": dtype=" + dtype_name(t.scalar_type()) + " (expected " + expected_name + ")");
  }
}

void check_size(const char* what, int dim, int64_t actual, int64_t expected, const std::string& why) {
  if (actual != expected) {
    throw_invalid(std::string(what) + ": size " + std::to_string(actual) + " along dim " + std::to_string(dim) +
                  " (expected " + std::to_string(expected) + ", " + why + ")");
  }
}

void check_same_device(const at::Tensor& t, const char* what, const at::Tensor& qweight) {
  if (t.device() != qweight.device()) {
    throw_invalid(std::string(what) + ": on " + t.device().str() + " (expected the device of qweight, " +
                  qweight.device().str() + ")");
  }
}

// Group of every input row: g_idx as given (checked), else i / group_size.
at::Tensor group_index(const at::Tensor& g_idx, int64_t in, int64_t groups, int64_t group_size,
                       const at::TensorOptions& long_options) {
  if (g_idx.defined()) {
    if (g_idx.dim() != 1) {
      throw_invalid("g_idx: ndim=" + std::to_string(g_idx.dim()) + " (expected 1-D [in] = [" + std::to_string(in) + "])");
    }
    check_dtype(g_idx, "g_idx", at::kInt, "I32");
    check_size("g_idx", 0, g_idx.size(0), in, "in = qweight rows * 32 / bits");
    if (in > 0) {
      const int64_t lo = g_idx.min().item<int64_t>();
      const int64_t hi = g_idx.max().item<int64_t>();
      if (lo < 0 || hi >= groups) {
        throw_invalid("g_idx: values span " + std::to_string(lo) + ".." + std::to_string(hi) + " (expected 0.." +
                      std::to_string(groups - 1) + ", the rows of scales and qzeros)");
      }
    }
    return g_idx.to(at::kLong);
  }
  if (group_size <= 0) {
    check_size("scales", 0, groups, 1, "one group for group_size <= 0 (per channel)");
    return at::zeros({in}, long_options);
  }
  const int64_t expected_groups = (in + group_size - 1) / group_size;
  check_size("scales", 0, groups, expected_groups,
             "ceil(in / group_size) = ceil(" + std::to_string(in) + " / " + std::to_string(group_size) + ")");
  return at::arange(in, long_options).div(group_size, "floor");
}

// Shapes, dtypes and devices of a GPTQ-style packed linear (bits already checked).
void check_packed_operands(const at::Tensor& qweight, const at::Tensor& qzeros, const at::Tensor& scales, int bits) {
  check_2d(qweight, "qweight", "[in * bits / 32, out]");
  check_2d(qzeros, "qzeros", "[groups, out * bits / 32]");
  check_2d(scales, "scales", "[groups, out]");
  check_dtype(qweight, "qweight", at::kInt, "I32");
  check_dtype(qzeros, "qzeros", at::kInt, "I32");
  const at::ScalarType st = scales.scalar_type();
  if (st != at::kHalf && st != at::kBFloat16 && st != at::kFloat) {
    throw_invalid(std::string("scales: dtype=") + dtype_name(st) + " (expected F16, BF16 or F32)");
  }
  check_same_device(qzeros, "qzeros", qweight);
  check_same_device(scales, "scales", qweight);

  const int64_t out = qweight.size(1);
  const int64_t groups = scales.size(0);
  check_size("scales", 1, scales.size(1), out, "out = qweight columns");
  check_size("qzeros", 0, qzeros.size(0), groups, "groups = scales rows");
  if (out * bits % 32 != 0) {
    throw_invalid("qweight: out=" + std::to_string(out) + " columns cannot be packed into qzeros (expected out * bits " +
                  "to be a multiple of 32 for bits=" + std::to_string(bits) + ")");
  }
  check_size("qzeros", 1, qzeros.size(1), out * bits / 32, "out * bits / 32 for bits=" + std::to_string(bits));
}

}  // namespace

at::Tensor dequantize_gptq(const at::Tensor& qweight, const at::Tensor& qzeros, const at::Tensor& scales,
                           const at::Tensor& g_idx, int bits, int64_t group_size, int zero_offset) {
  check_pack_bits(bits);
  if (zero_offset != 0 && zero_offset != 1) {
    throw_invalid("zero_offset=" + std::to_string(zero_offset) + " (expected 0 for GPTQ v2 or 1 for GPTQ v1)");
  }
  check_packed_operands(qweight, qzeros, scales, bits);
  if (g_idx.defined()) check_same_device(g_idx, "g_idx", qweight);
  const int64_t groups = scales.size(0);

  const at::Tensor q = unpack_bits(qweight, bits, 0, "qweight");  // u8 [in, out]
  const int64_t in = q.size(0);
  at::Tensor z = unpack_bits(qzeros, bits, 1, "qzeros").to(at::kInt);  // [groups, out]
  if (zero_offset != 0) z = z.add(zero_offset).bitwise_and((1 << bits) - 1);
  const at::Tensor g = group_index(g_idx, in, groups, group_size, qweight.options().dtype(at::kLong));

  // (q - z) in integers, one rounding in the multiply: equal to (q - z) * s computed in f32 anywhere else.
  const at::Tensor diff = q.to(at::kInt).sub(z.index_select(0, g)).to(at::kFloat);
  const at::Tensor w = diff.mul(scales.to(at::kFloat).index_select(0, g));  // [in, out]
  return w.t().contiguous();
}

at::Tensor packed_linear(const at::Tensor& x, const at::Tensor& qweight, const at::Tensor& qzeros,
                         const at::Tensor& scales, int bits, int64_t group_size, int zero_offset) {
  return packed_linear(x, qweight, qzeros, scales, bits, group_size, zero_offset, at::kFloat);
}

at::Tensor packed_linear(const at::Tensor& x, const at::Tensor& qweight, const at::Tensor& qzeros,
                         const at::Tensor& scales, int bits, int64_t group_size, int zero_offset,
                         at::ScalarType out_dtype) {
  if (out_dtype != at::kFloat && out_dtype != at::kHalf && out_dtype != at::kBFloat16) {
    throw_invalid(std::string("out dtype=") + dtype_name(out_dtype) + " (expected F32, F16 or BF16)");
  }
  if (bits != 2 && bits != 3 && bits != 4) {
    throw_unsupported("bits=" + std::to_string(bits) + " (expected 2, 3 or 4: the packed matmul is built for these)");
  }
  if (zero_offset != 0 && zero_offset != 1) {
    throw_invalid("zero_offset=" + std::to_string(zero_offset) + " (expected 0 for GPTQ v2 or 1 for GPTQ v1)");
  }
  check_2d(x, "x", "[m, in]");
  const at::ScalarType xt = x.scalar_type();
  if (xt != at::kFloat && xt != at::kHalf && xt != at::kBFloat16) {
    throw_invalid(std::string("x: dtype=") + dtype_name(xt) + " (expected F32, F16 or BF16)");
  }
  check_packed_operands(qweight, qzeros, scales, bits);
  check_same_device(x, "x", qweight);
  if (!qweight.is_cpu() && !qweight.is_cuda()) {
    throw_unsupported(std::string("qweight: device ") + qweight.device().str() + " (expected CPU or CUDA tensors)");
  }
  if (qweight.size(0) * 32 % bits != 0) {
    throw_invalid("qweight: size " + std::to_string(qweight.size(0)) + " along dim 0 (expected a multiple of 3, " +
                  "whole 3-word blocks for bits=3)");
  }
  const int64_t in = qweight.size(0) * 32 / bits;
  const int64_t out = qweight.size(1);
  const int64_t m = x.size(0);
  check_size("x", 1, x.size(1), in, "in = qweight rows * 32 / bits");
  const int64_t groups = scales.size(0);
  // effective rows per group: per channel (<= 0) and sizes beyond `in` mean one group of `in` rows
  const int64_t rows_per_group = group_size <= 0 || group_size > in ? in : group_size;
  if (group_size <= 0) {
    check_size("scales", 0, groups, 1, "one group for group_size <= 0 (per channel)");
  } else {
    check_size("scales", 0, groups, in == 0 ? 0 : (in + rows_per_group - 1) / rows_per_group,
               "ceil(in / group_size) = ceil(" + std::to_string(in) + " / " + std::to_string(group_size) + ")");
  }
  const int64_t multiple = kernels::packed_linear_group_multiple(bits);
  if (in > 0 && rows_per_group % multiple != 0) {
    throw_unsupported("group_size=" + std::to_string(group_size) + " (expected a multiple of " +
                      std::to_string(multiple) + " for bits=" + std::to_string(bits) +
                      ", or <= 0 for per channel: the packed matmul is built for whole packing units per group)");
  }

  // the one device dispatch: CUDA tensors go to kernels::packed_linear_cuda (through packed_linear_cuda.cpp)
  if (qweight.is_cuda()) {
    return packed_linear_cuda(x, qweight, qzeros, scales, bits, rows_per_group, zero_offset, out_dtype);
  }
  if (out_dtype != at::kFloat) {
    return packed_linear(x, qweight, qzeros, scales, bits, group_size, zero_offset, at::kFloat).to(out_dtype);
  }
  at::Tensor y = at::empty({m, out}, x.options().dtype(at::kFloat));
  if (m == 0 || out == 0) return y;
  if (in == 0) return y.zero_();

  const at::Tensor xf = x.to(at::kFloat).contiguous();
  const at::Tensor words = qweight.contiguous();
  const at::Tensor zero_words = qzeros.contiguous();

  kernels::PackedLinearArgs args{};
  args.x = xf.data_ptr<float>();
  args.m = m;
  args.in = in;
  args.out = out;
  args.qweight = words.data_ptr<int32_t>();
  args.qzeros = zero_words.data_ptr<int32_t>();
  args.zero_offset = zero_offset;
  args.group_size = rows_per_group;
  args.bits = bits;
  // 16-bit scales as they are where the int8 GEMV takes the call (it widens them as it reads), else an f32 copy
  const bool keep16 = (scales.scalar_type() == at::kHalf || scales.scalar_type() == at::kBFloat16) &&
                      kernels::packed_linear_cpu_reads_scales16(args);
  const at::Tensor s = (keep16 ? scales : scales.to(at::kFloat)).contiguous();
  args.scales = s.data_ptr();
  args.scales_dtype = !keep16 ? kernels::kTypeF32 : s.scalar_type() == at::kHalf ? kernels::kTypeF16 : kernels::kTypeBF16;
  args.y = y.data_ptr<float>();
  args.num_threads = at::get_num_threads();
  if (kernels::packed_linear_cpu(args) != 0) {
    throw_unsupported("bits=" + std::to_string(bits) + " (no CPU packed matmul kernel was built for it)");
  }
  return y;
}

}  // namespace lb
