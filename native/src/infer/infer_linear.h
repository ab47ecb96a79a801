// One linear of the inference decoder: a dense weight in the compute dtype, or GPTQ-style packed
// tensors run through lb::packed_linear (the adapter behind lb_packed_linear, which picks the CPU or
// CUDA kernel). Linears that read the same input (q/k/v, gate/up) are fused into one along `out`.
#pragma once

#include <ATen/core/Tensor.h>

#include <cstdint>
#include <string>
#include <vector>

#include "lowbit.h"
#include "src/packed_gemv_accumulate.h"

namespace lb::infer {

// Up to this many rows of x, a 16-bit weight on the CPU runs through the dense GEMV kernel; more rows widen it to f32
// for BLAS. bf16, 2 cores of a Zen 4, 2026-12-05 (4096 x 4096, 11008 x 4096, 4096 x 11008): the kernel 5-15x faster
// than widening + at::linear at 2-16 rows, 1.6-1.8x at 256, 1.0-1.2x at 1024 and 0.9-1.0x at 2048.
constexpr int64_t kDenseKernelMaxRows = 1024;

// at::linear(x, w, bias), except on the CPU: one row of a same-dtype f32 weight through at::mv (OpenBLAS's sgemm for a
// single row copies, packs, all of w first: ~40 % of a CPU decode step in the LM head, perf, 2026-12-04), and up to
// kDenseKernelMaxRows rows of f16 / bf16 weights through the dense GEMV kernel (kernels/cpu/dense_gemv_cpu.h; x of any
// float dtype, f32 sums).
at::Tensor dense_linear(const at::Tensor& x, const at::Tensor& w, const at::Tensor& bias = at::Tensor());

class InferLinear {
 public:
  InferLinear() = default;

  // Checks one lb_decoder_linear against [out, in] and copies it to `device` (`field` names it in errors).
  static InferLinear from_c(const lb_decoder_linear& c, int64_t out, int64_t in, c10::Device device,
                            c10::ScalarType dtype, const std::string& field);
  // The linears side by side along `out` (all dense or all packed with the same bits/group/offset;
  // else they stay separate and run one after the other).
  static InferLinear fuse(const std::vector<InferLinear>& parts);

  // x [rows, in] (compute dtype) -> [rows, out] (compute dtype).
  at::Tensor operator()(const at::Tensor& x) const;

  bool packed() const { return packed_; }
  int bits() const { return bits_; }  // packed: 2, 3, 4 or 8; dense: 0
  int64_t out_features() const { return out_; }
  // Packed -> dense once: where no packed kernel runs on the device.
  void dequantize_to_dense();
  // Whether lb::packed_linear runs this linear on its device (probed with one row).
  bool packed_kernel_available() const;
  // How many of the model's linears this one stands for (3 for a fused q/k/v).
  int64_t count() const { return sources_; }
  // Whether add_into runs as one accumulate GEMV (packed, unsplit, no bias, CUDA, the GEMV's shape rules).
  bool accumulates() const;
  // Whether the GEMV takes the matmul (accumulates() but for the bias, which add_into_fused leaves to the caller).
  bool gemv_capable() const;
  const at::Tensor& bias() const { return bias_; }
  // y f32 [rows, out] += this(x), in place: one accumulate GEMV where accumulates(), else y += this(x).
  void add_into(const at::Tensor& x, at::Tensor& y) const;
  // y += W x with the GEMV's fused input op (the normed decode step), without the bias; requires gemv_capable().
  void add_into_fused(const at::Tensor& x, at::Tensor& y, const lb::GemvInputFusion& fusion) const;
  // The packed tensors as the GEMV takes them; requires gemv_capable().
  lb::PackedGemvOperands gemv_operands() const;

 private:
  // the GEMV's group: rows per group, `in` for per channel
  int64_t rows_per_group() const { return group_size_ <= 0 || group_size_ > in_ ? in_ : group_size_; }

  bool packed_ = false;
  int64_t out_ = 0, in_ = 0;
  c10::ScalarType dtype_ = c10::ScalarType::Float;
  at::Tensor weight_;  // dense [out, in]
  at::Tensor qweight_, qzeros_, scales_;
  int bits_ = 0;
  int64_t group_size_ = 0;
  int zero_offset_ = 0;
  int64_t sources_ = 1;
  at::Tensor bias_;  // [out] or undefined
  std::vector<InferLinear> parts_;  // unfused parts, when fusing was not possible
};

}  // namespace lb::infer
