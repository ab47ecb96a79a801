#include "src/infer/infer_linear.h"

#include <ATen/Parallel.h>
#include <ATen/TensorOperators.h>
#include <ATen/ops/cat.h>
#include <ATen/ops/empty.h>
#include <ATen/ops/linear.h>
#include <ATen/ops/mv.h>
#include <ATen/ops/zeros.h>

#include "kernels/cpu/dense_gemv_cpu.h"
#include "src/dtypes.h"
#include "src/error.h"
#include "src/gptq_dequant.h"
#include "src/model/argument_checks.h"
#include "src/packed_gemv_accumulate.h"
#include "src/tensor_handle.h"

namespace lb::infer {
namespace {

using model::shape_text;

const at::Tensor& checked(lb_tensor handle, const std::string& name) {
  if (handle == nullptr) throw_invalid(name + " is NULL");
  const at::Tensor& t = handle->value;
  if (!t.defined()) throw_invalid(name + " is an empty handle");
  return t;
}

void require_shape(const at::Tensor& t, const std::string& name, std::vector<int64_t> shape, const std::string& meaning) {
  if (t.sizes() != at::IntArrayRef(shape)) {
    throw_invalid(name + " has shape " + shape_text(t.sizes()) + ", expected " + shape_text(shape) + " (" + meaning + ")");
  }
}

void require_float(const at::Tensor& t, const std::string& name) {
  if (!model::is_float(t.scalar_type())) {
    throw_invalid(name + " has dtype " + dtype_name(t.scalar_type()) + " (expected F32, F16 or BF16)");
  }
}

}  // namespace

at::Tensor dense_linear(const at::Tensor& x, const at::Tensor& w, const at::Tensor& bias) {
  const bool cpu_2d = x.is_cpu() && w.is_cpu() && x.dim() >= 1 && w.dim() == 2 && w.size(1) == x.size(-1) &&
                      x.size(-1) > 0;
  const int64_t rows = cpu_2d ? x.numel() / x.size(-1) : 0;
  const bool w16 = is_16bit_float(w.scalar_type());
  const bool kernel = cpu_2d && rows >= 1 && (w16 ? rows <= kDenseKernelMaxRows : rows == 1 && x.scalar_type() == w.scalar_type());
  if (!kernel) {
    // many rows (a long prefill) on a weight kept in 16 bits for an f32 x: widened for this call, then BLAS
    return at::linear(x, w.scalar_type() == x.scalar_type() ? w : w.to(x.scalar_type()), bias);
  }
  std::vector<int64_t> shape = x.sizes().vec();
  shape.back() = w.size(0);
  at::Tensor y;
  if (!w16) {
    y = at::mv(w, x.reshape({x.size(-1)}));
  } else {  // 16-bit weights as stored, x and the sums in f32; y in x's dtype, as at::linear gives it
    const at::Tensor xf = x.reshape({rows, x.size(-1)}).to(at::kFloat).contiguous();
    const at::Tensor wc = w.contiguous();
    y = at::empty({rows, w.size(0)}, xf.options());
    const kernels::DenseGemvArgs args{xf.data_ptr<float>(), rows, w.size(1), w.size(0), wc.data_ptr(),
                                      w.scalar_type() == at::kHalf ? kernels::kTypeF16 : kernels::kTypeBF16,
                                      y.data_ptr<float>(), at::get_num_threads()};
    kernels::dense_gemv_cpu(args);  // the dtype is one it knows, rows >= 1
    y = y.to(x.scalar_type());
  }
  y = y.view(shape);
  return bias.defined() ? y + bias : y;
}

InferLinear InferLinear::from_c(const lb_decoder_linear& c, int64_t out, int64_t in, c10::Device device,
                                c10::ScalarType dtype, const std::string& field) {
  if (c.struct_size < static_cast<int64_t>(sizeof(lb_decoder_linear))) {
    throw_invalid(field + ".struct_size=" + std::to_string(c.struct_size) + " is too small (expected >= " +
                  std::to_string(sizeof(lb_decoder_linear)) + ")");
  }
  InferLinear l;
  l.out_ = out;
  l.in_ = in;
  l.dtype_ = dtype;
  const auto copy = [&](const at::Tensor& t, c10::ScalarType type) {
    return t.to(device, type, /*non_blocking=*/false, /*copy=*/true).contiguous();
  };
  if (c.weight != nullptr) {
    if (c.qweight != nullptr) throw_invalid(field + " has both weight and qweight (expected one: dense or packed)");
    const at::Tensor& w = checked(c.weight, field + ".weight");
    require_float(w, field + ".weight");
    require_shape(w, field + ".weight", {out, in}, "[out, in]");
    // On the CPU at f32 a 16-bit weight stays as stored: dense_linear reads it as it is (half the bytes, the same
    // values: f16 and bf16 widen to f32 exactly).
    const bool w16 = is_16bit_float(w.scalar_type());
    l.weight_ = copy(w, device.is_cpu() && dtype == at::kFloat && w16 ? w.scalar_type() : dtype);
  } else {
    if (c.qweight == nullptr) throw_invalid(field + " has neither weight nor qweight (expected a dense or a packed linear)");
    if (c.bits != 2 && c.bits != 3 && c.bits != 4) {
      throw_unsupported(field + ".bits=" + std::to_string(c.bits) + " (expected 2, 3 or 4)");
    }
    if (c.zero_offset != 0 && c.zero_offset != 1) {
      throw_invalid(field + ".zero_offset=" + std::to_string(c.zero_offset) + " (expected 0 or 1)");
    }
    const at::Tensor& qw = checked(c.qweight, field + ".qweight");
    const at::Tensor& qz = checked(c.qzeros, field + ".qzeros");
    const at::Tensor& sc = checked(c.scales, field + ".scales");
    if (in * c.bits % 32 != 0 || out * c.bits % 32 != 0) {
      throw_invalid(field + ": [out, in] = " + shape_text({out, in}) + " cannot be packed at bits=" +
                    std::to_string(c.bits) + " (out * bits and in * bits must be multiples of 32)");
    }
    require_shape(qw, field + ".qweight", {in * c.bits / 32, out}, "[in * bits / 32, out]");
    if (sc.dim() != 2 || sc.size(1) != out) {
      throw_invalid(field + ".scales has shape " + shape_text(sc.sizes()) + ", expected [groups, " + std::to_string(out) + "]");
    }
    require_shape(qz, field + ".qzeros", {sc.size(0), out * c.bits / 32}, "[groups, out * bits / 32]");
    l.packed_ = true;
    l.bits_ = c.bits;
    l.group_size_ = c.group_size;
    l.zero_offset_ = c.zero_offset;
    l.qweight_ = copy(qw, at::kInt);
    l.qzeros_ = copy(qz, at::kInt);
    // The packed kernels take f16/bf16/f32 scales as stored.
    l.scales_ = copy(sc, sc.scalar_type());
  }
  if (c.bias != nullptr) {
    const at::Tensor& b = checked(c.bias, field + ".bias");
    require_float(b, field + ".bias");
    require_shape(b, field + ".bias", {out}, "[out]");
    l.bias_ = copy(b, dtype);
  }
  return l;
}

InferLinear InferLinear::fuse(const std::vector<InferLinear>& parts) {
  if (parts.size() == 1) return parts[0];
  const InferLinear& first = parts[0];
  bool same_kind = true;
  bool any_bias = false;
  int64_t out = 0;
  for (const InferLinear& p : parts) {
    same_kind = same_kind && p.parts_.empty() && p.packed_ == first.packed_ && p.in_ == first.in_;
    if (!first.packed_ && same_kind) same_kind = p.weight_.scalar_type() == first.weight_.scalar_type();
    if (first.packed_) {
      same_kind = same_kind && p.bits_ == first.bits_ && p.group_size_ == first.group_size_ &&
                  p.zero_offset_ == first.zero_offset_ && p.scales_.size(0) == first.scales_.size(0) &&
                  p.scales_.scalar_type() == first.scales_.scalar_type();
    }
    any_bias = any_bias || p.bias_.defined();
    out += p.out_;
  }
  InferLinear f;
  f.sources_ = 0;
  for (const InferLinear& p : parts) f.sources_ += p.sources_;
  f.in_ = first.in_;
  f.out_ = out;
  f.dtype_ = first.dtype_;
  if (!same_kind) {
    f.parts_ = parts;
    f.packed_ = first.packed_;
    return f;
  }
  f.packed_ = first.packed_;
  std::vector<at::Tensor> a, b, c, biases;
  for (const InferLinear& p : parts) {
    if (p.packed_) {
      a.push_back(p.qweight_);
      b.push_back(p.qzeros_);
      c.push_back(p.scales_);
    } else {
      a.push_back(p.weight_);
    }
    if (any_bias) {
      const at::Tensor& like = p.weight_.defined() ? p.weight_ : p.qweight_;
      biases.push_back(p.bias_.defined() ? p.bias_ : at::zeros({p.out_}, like.options().dtype(p.dtype_)));
    }
  }
  if (f.packed_) {
    // Packed words run along `out` in qweight (dim 1) and in qzeros (dim 1): whole words side by side.
    f.qweight_ = at::cat(a, 1).contiguous();
    f.qzeros_ = at::cat(b, 1).contiguous();
    f.scales_ = at::cat(c, 1).contiguous();
    f.bits_ = first.bits_;
    f.group_size_ = first.group_size_;
    f.zero_offset_ = first.zero_offset_;
  } else {
    f.weight_ = at::cat(a, 0).contiguous();
  }
  if (any_bias) f.bias_ = at::cat(biases, 0);
  return f;
}

at::Tensor InferLinear::operator()(const at::Tensor& x) const {
  if (!parts_.empty()) {
    std::vector<at::Tensor> outs;
    for (const InferLinear& p : parts_) outs.push_back(p(x));
    return at::cat(outs, -1);
  }
  if (!packed_) return dense_linear(x, weight_, bias_);
  at::Tensor y = lb::packed_linear(x, qweight_, qzeros_, scales_, bits_, group_size_, zero_offset_).to(dtype_);
  if (bias_.defined()) y = y + bias_;
  return y;
}

bool InferLinear::gemv_capable() const {
  if (!packed_ || !parts_.empty() || !qweight_.is_cuda()) return false;
  return lb::packed_gemv_accumulate_supported(in_, bits_, rows_per_group());
}

bool InferLinear::accumulates() const { return !bias_.defined() && gemv_capable(); }

void InferLinear::add_into(const at::Tensor& x, at::Tensor& y) const {
  if (accumulates()) {
    lb::packed_gemv_accumulate(x, qweight_, qzeros_, scales_, bits_, rows_per_group(), zero_offset_, y);
  } else {
    y.add_((*this)(x));
  }
}

void InferLinear::add_into_fused(const at::Tensor& x, at::Tensor& y, const GemvInputFusion& fusion) const {
  if (!gemv_capable()) throw_unsupported("a fused-input GEMV needs a packed linear the accumulate GEMV takes");
  lb::packed_gemv_accumulate(x, qweight_, qzeros_, scales_, bits_, rows_per_group(), zero_offset_, y, fusion);
}

lb::PackedGemvOperands InferLinear::gemv_operands() const {
  if (!gemv_capable()) throw_unsupported("GEMV operands of a linear the accumulate GEMV does not take");
  return lb::PackedGemvOperands{qweight_, qzeros_, scales_, bits_, rows_per_group(), zero_offset_};
}

void InferLinear::dequantize_to_dense() {
  for (InferLinear& p : parts_) p.dequantize_to_dense();
  if (!packed_) return;
  if (parts_.empty()) {
    weight_ = lb::dequantize_gptq(qweight_, qzeros_, scales_, at::Tensor(), bits_, group_size_, zero_offset_).to(dtype_);
    qweight_ = qzeros_ = scales_ = at::Tensor();
  }
  packed_ = false;
}

bool InferLinear::packed_kernel_available() const {
  if (!packed_) return false;
  if (!parts_.empty()) return parts_[0].packed_kernel_available();
  try {
    (void)lb::packed_linear(at::zeros({1, in_}, qweight_.options().dtype(dtype_)), qweight_, qzeros_, scales_, bits_,
                            group_size_, zero_offset_);
    return true;
  } catch (const lb::Error& e) {
    if (e.status() == LB_ERR_UNSUPPORTED) return false;
    throw;
  }
}

}  // namespace lb::infer
