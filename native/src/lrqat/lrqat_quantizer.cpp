#include "src/lrqat/lrqat_quantizer.h"

#include <ATen/ATen.h>
#include <torch/csrc/autograd/custom_function.h>

#include <limits>
#include <string>

#include "src/error.h"

namespace lb::lrqat {

int64_t QuantSpec::group_for(int64_t in) const {
  if (group_size <= 0 || group_size >= in) return in;
  if (in % group_size != 0) {
    throw_invalid("group_size=" + std::to_string(group_size) + " does not divide in=" + std::to_string(in) +
                  " (expected a divisor of the input features, or <= 0 for per channel)");
  }
  return group_size;
}

void check_spec(const QuantSpec& spec, int64_t in) {
  if (spec.bits < 2 || spec.bits > 4) {
    throw_invalid("bits=" + std::to_string(spec.bits) + " (expected 2, 3 or 4)");
  }
  if (spec.downcast == Downcast::Int4 && in % 2 != 0) {
    throw_invalid("the int4 down-cast packs two values per byte along the input features: in=" + std::to_string(in) +
                  " must be even");
  }
  if (!(spec.alpha > 0.0)) throw_invalid("alpha=" + std::to_string(spec.alpha) + " (expected > 0)");
  spec.group_for(in);
}

namespace {

void check_weight(const at::Tensor& w) {
  if (!w.defined() || w.dim() != 2) throw_invalid("weight must be a 2-D [out, in] tensor");
  if (!at::isFloatingType(w.scalar_type())) throw_invalid("weight must be F32, F16 or BF16");
}

at::Tensor to_f16_values(const at::Tensor& s) { return s.to(at::kHalf).to(at::kFloat); }

// [out, groups] -> [out, in]
at::Tensor expand_groups(const at::Tensor& per_group, int64_t in) {
  const int64_t out = per_group.size(0), groups = per_group.size(1);
  return per_group.unsqueeze(-1).expand({out, groups, in / groups}).reshape({out, in});
}

// o = z - 2^(b-1), expanded to [out, in].
at::Tensor offsets(const at::Tensor& zeros, const QuantSpec& spec, int64_t in) {
  return expand_groups(zeros.to(at::kFloat) - static_cast<double>(int64_t{1} << (spec.bits - 1)), in);
}

}  // namespace

Scales grid_search_init(const at::Tensor& weight, int32_t bits, bool symmetric, int64_t group_size) {
  check_weight(weight);
  QuantSpec spec;
  spec.bits = bits;
  spec.group_size = group_size;
  check_spec(spec, weight.size(1));
  const int64_t out = weight.size(0), in = weight.size(1), g = spec.group_for(in), groups = in / g;
  const at::Tensor w = weight.to(at::kFloat).reshape({out, groups, g});
  const auto f32 = w.options();
  at::Tensor best_err = at::full({out, groups}, std::numeric_limits<float>::infinity(), f32);
  at::Tensor best_s = at::ones({out, groups}, f32);
  at::Tensor best_z = at::zeros({out, groups}, f32);
  const double levels = static_cast<double>((int64_t{1} << bits) - 1);
  const double half = static_cast<double>(int64_t{1} << (bits - 1));
  if (symmetric) {
    const at::Tensor maxabs = w.abs().amax(-1);
    const double qmin = -half, qmax = half - 1;
    for (int k = 1; k <= 100; ++k) {
      at::Tensor s = maxabs * (k / 100.0) / qmax;
      s = to_f16_values(at::where(s > 0, s, at::ones_like(s)).clamp_min(1e-7));
      const at::Tensor se = s.unsqueeze(-1);
      const at::Tensor err = ((at::clamp(at::round(w / se), qmin, qmax) * se - w).pow(4)).sum(-1);
      const at::Tensor better = err < best_err;
      best_err = at::where(better, err, best_err);
      best_s = at::where(better, s, best_s);
    }
    best_z.fill_(half);
  } else {
    const at::Tensor lo0 = w.amin(-1), hi0 = w.amax(-1);
    for (int k = 1; k <= 100; ++k) {
      const at::Tensor lo = lo0 * (k / 100.0), hi = hi0 * (k / 100.0);
      at::Tensor s = (hi - lo) / levels;
      s = to_f16_values(at::where(s > 0, s, at::ones_like(s)).clamp_min(1e-7));
      const at::Tensor z = at::clamp(at::round(-lo / s), 0.0, levels);
      const at::Tensor se = s.unsqueeze(-1), ze = z.unsqueeze(-1);
      const at::Tensor q = at::clamp(at::round(w / se) + ze, 0.0, levels);
      const at::Tensor err = (((q - ze) * se - w).pow(4)).sum(-1);
      const at::Tensor better = err < best_err;
      best_err = at::where(better, err, best_err);
      best_s = at::where(better, s, best_s);
      best_z = at::where(better, z, best_z);
    }
  }
  return {best_s, best_z};
}

at::Tensor effective_scales(const at::Tensor& scales, int64_t in) { return expand_groups(to_f16_values(scales), in); }

at::Tensor downcast(const at::Tensor& weight, const at::Tensor& scales, const at::Tensor& zeros, const QuantSpec& spec) {
  check_weight(weight);
  check_spec(spec, weight.size(1));
  const int64_t out = weight.size(0), in = weight.size(1), groups = in / spec.group_for(in);
  if (scales.sizes() != at::IntArrayRef({out, groups}) || zeros.sizes() != at::IntArrayRef({out, groups})) {
    throw_invalid("scales and zeros must be [out, groups] = [" + std::to_string(out) + ", " + std::to_string(groups) + "]");
  }
  const at::Tensor x = weight.to(at::kFloat) / effective_scales(scales, in) + offsets(zeros, spec, in);
  const double qmin = static_cast<double>(spec.qmin()), qmax = static_cast<double>(spec.qmax());
  switch (spec.downcast) {
    case Downcast::Q8:
      return at::round(at::clamp(x, qmin, qmax) * static_cast<double>(1 << (8 - spec.bits))).to(at::kChar);
    case Downcast::Int4: {
      const at::Tensor nib = (at::round(at::clamp(x, qmin, qmax)) - qmin).to(at::kByte).view({out, in / 2, 2});
      return at::bitwise_or(nib.select(2, 0), at::bitwise_left_shift(nib.select(2, 1), 4)).contiguous();
    }
    case Downcast::BF16:
      return x.to(at::kBFloat16);
  }
  throw_invalid("unknown down-cast " + std::to_string(static_cast<int>(spec.downcast)));
}

at::Tensor upcast(const at::Tensor& phi0, const QuantSpec& spec) {
  switch (spec.downcast) {
    case Downcast::Q8:
      return phi0.to(at::kFloat) * (1.0 / static_cast<double>(1 << (8 - spec.bits)));
    case Downcast::Int4: {
      const at::Tensor lo = at::bitwise_and(phi0, 15), hi = at::bitwise_right_shift(phi0, 4);
      return at::stack({lo, hi}, -1).reshape({phi0.size(0), phi0.size(1) * 2}).to(at::kFloat) +
             static_cast<double>(spec.qmin());
    }
    case Downcast::BF16:
      return phi0.to(at::kFloat);
  }
  throw_invalid("unknown down-cast " + std::to_string(static_cast<int>(spec.downcast)));
}

at::Tensor latent(const at::Tensor& phi0, const at::Tensor& a, const at::Tensor& b, const QuantSpec& spec) {
  const double scale = spec.alpha / static_cast<double>(a.size(1));
  return upcast(phi0, spec).addmm_(a.to(at::kFloat), b.to(at::kFloat), /*beta=*/1.0, /*alpha=*/scale);
}

at::Tensor dequantized_weight(const at::Tensor& phi0, const at::Tensor& a, const at::Tensor& b, const at::Tensor& scales,
                              const at::Tensor& zeros, const QuantSpec& spec) {
  const at::Tensor z = latent(phi0, a, b, spec);
  const int64_t in = z.size(1);
  const at::Tensor c = at::clamp(at::round(z), static_cast<double>(spec.qmin()), static_cast<double>(spec.qmax()));
  return effective_scales(scales, in) * (c - offsets(zeros, spec, in));
}

WeightGrads weight_backward(const at::Tensor& phi0, const at::Tensor& a, const at::Tensor& b, const at::Tensor& scales,
                            const at::Tensor& zeros, const QuantSpec& spec, const at::Tensor& grad_w_hat) {
  const at::Tensor z = latent(phi0, a, b, spec);
  const int64_t out = z.size(0), in = z.size(1), groups = scales.size(1);
  const at::Tensor g = grad_w_hat.to(at::kFloat);
  const at::Tensor r = at::round(z);
  const double qmin = static_cast<double>(spec.qmin()), qmax = static_cast<double>(spec.qmax());
  const at::Tensor inside = at::logical_and(r >= qmin, r <= qmax);
  const double lr_scale = spec.alpha / static_cast<double>(a.size(1));
  const at::Tensor dc = at::where(inside, g * effective_scales(scales, in), at::zeros({}, g.options())) * lr_scale;
  WeightGrads grads;
  grads.a = at::mm(dc, b.to(at::kFloat).t()).to(a.scalar_type());
  grads.b = at::mm(a.to(at::kFloat).t(), dc).to(b.scalar_type());
  const at::Tensor centered = at::clamp(r, qmin, qmax) - offsets(zeros, spec, in);
  grads.scales = (centered * g).view({out, groups, in / groups}).sum(-1).to(scales.scalar_type());
  return grads;
}

namespace {

using torch::autograd::AutogradContext;
using torch::autograd::variable_list;

QuantSpec spec_from(AutogradContext* ctx) {
  QuantSpec spec;
  spec.bits = static_cast<int32_t>(ctx->saved_data["bits"].toInt());
  spec.group_size = ctx->saved_data["group"].toInt();
  spec.downcast = static_cast<Downcast>(ctx->saved_data["downcast"].toInt());
  spec.alpha = ctx->saved_data["alpha"].toDouble();
  return spec;
}

// Saves only its inputs (A, B, s and the frozen Phi0 and zeros): Z, the mask and w_hat are recomputed.
struct QuantizedWeightFunction : public torch::autograd::Function<QuantizedWeightFunction> {
  static at::Tensor forward(AutogradContext* ctx, const at::Tensor& a, const at::Tensor& b, const at::Tensor& scales,
                            const at::Tensor& phi0, const at::Tensor& zeros, int64_t bits, int64_t group,
                            int64_t downcast, double alpha, int64_t dtype) {
    ctx->saved_data["bits"] = bits;
    ctx->saved_data["group"] = group;
    ctx->saved_data["downcast"] = downcast;
    ctx->saved_data["alpha"] = alpha;
    ctx->save_for_backward({a, b, scales, phi0, zeros});
    return dequantized_weight(phi0, a, b, scales, zeros, spec_from(ctx)).to(static_cast<c10::ScalarType>(dtype));
  }

  static variable_list backward(AutogradContext* ctx, variable_list grad_outputs) {
    const auto saved = ctx->get_saved_variables();
    const WeightGrads g = weight_backward(saved[3], saved[0], saved[1], saved[2], saved[4], spec_from(ctx), grad_outputs[0]);
    return {g.a, g.b, g.scales, at::Tensor(), at::Tensor(), at::Tensor(), at::Tensor(), at::Tensor(), at::Tensor(), at::Tensor()};
  }
};

}  // namespace

at::Tensor quantized_weight(const at::Tensor& phi0, const at::Tensor& a, const at::Tensor& b, const at::Tensor& scales,
                            const at::Tensor& zeros, const QuantSpec& spec, c10::ScalarType dtype) {
  return QuantizedWeightFunction::apply(a, b, scales, phi0, zeros, static_cast<int64_t>(spec.bits), spec.group_size,
                                        static_cast<int64_t>(spec.downcast), spec.alpha, static_cast<int64_t>(dtype));
}

at::Tensor merged_codes(const at::Tensor& phi0, const at::Tensor& a, const at::Tensor& b, const QuantSpec& spec) {
  const at::Tensor z = latent(phi0, a, b, spec);
  const at::Tensor c = at::clamp(at::round(z), static_cast<double>(spec.qmin()), static_cast<double>(spec.qmax()));
  return (c - static_cast<double>(spec.qmin())).to(at::kByte);
}

}  // namespace lb::lrqat
