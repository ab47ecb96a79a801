// lb_packed_linear on CUDA tensors against (a) the reference "lb_dequantize_gptq, then an fp32 matmul in
// double" and (b) the CPU kernel: bits 2/3/4, groups 32/64/128, per channel and a group size that does not
// divide `in`, asymmetric (random zero points, GPTQ v1 and v2) and symmetric (zero 2^(bits-1)), x in
// f16/bf16/f32, scales f16/bf16/f32, m in {1, 2, 3, 7, 16, 33, 64} (every m-tile), out with column tails,
// and shapes that take the split-k (atomic) path; the tensor-core kernel's edges (m 5..100, narrow outs, `in`
// tails, large x); for the m <= 4 GEMV (int8 activations) small out, group == in, in = 14336, a 1000x outlier
// in x, and shapes it leaves to the tiled kernel. Skips without a CUDA device.
#include <cmath>
#include <cstdint>
#include <cstdio>
#include <random>
#include <string>
#include <vector>

#include "check.h"
#include "lb_helpers.h"
#include "pack_reference.h"

namespace {

struct Packed {
  Tensor qweight, qzeros, scales;  // on the CPU
};

Packed make_packed(int bits, int64_t out, int64_t in, int64_t groups, int zero_offset, bool symmetric,
                   uint32_t seed) {
  std::mt19937 rng(seed);
  const int levels = 1 << bits;
  std::uniform_int_distribution<int> code(0, levels - 1);
  std::uniform_int_distribution<int> exponent(7, 14);
  std::uniform_int_distribution<int> mantissa(0, 1023);
  std::vector<uint8_t> q(static_cast<size_t>(in * out));
  for (auto& v : q) v = static_cast<uint8_t>(code(rng));
  std::vector<uint8_t> z(static_cast<size_t>(groups * out));
  for (auto& v : z) {
    const int zero = symmetric ? levels / 2 : code(rng);
    v = static_cast<uint8_t>((zero - zero_offset + levels) % levels);
  }
  std::vector<uint16_t> s(static_cast<size_t>(groups * out));
  for (auto& v : s) v = static_cast<uint16_t>((exponent(rng) << 10) | mantissa(rng));
  return Packed{host_tensor(reference_pack(q, in, out, bits, 0), LB_DTYPE_I32, {in * bits / 32, out}),
                host_tensor(reference_pack(z, groups, out, bits, 1), LB_DTYPE_I32, {groups, out * bits / 32}),
                host_tensor(s, LB_DTYPE_F16, {groups, out})};
}

// sqrt(sum (y - ref)^2 / sum ref^2); ref in double from x (as given, rounded to its dtype) and the f32 W.
double relative_error(const std::vector<float>& xs, const std::vector<float>& w, const std::vector<float>& got,
                      int64_t m, int64_t in, int64_t out) {
  double err = 0.0, ref = 0.0;
  for (int64_t r = 0; r < m; ++r) {
    for (int64_t o = 0; o < out; ++o) {
      double acc = 0.0;
      for (int64_t i = 0; i < in; ++i) {
        acc += static_cast<double>(xs[static_cast<size_t>(r * in + i)]) * w[static_cast<size_t>(o * in + i)];
      }
      const double d = got[static_cast<size_t>(r * out + o)] - acc;
      err += d * d;
      ref += acc * acc;
    }
  }
  return ref > 0.0 ? std::sqrt(err / ref) : std::sqrt(err);
}

double relative_difference(const std::vector<float>& a, const std::vector<float>& b) {
  double err = 0.0, ref = 0.0;
  for (size_t i = 0; i < a.size() && i < b.size(); ++i) {
    const double d = static_cast<double>(a[i]) - b[i];
    err += d * d;
    ref += static_cast<double>(b[i]) * b[i];
  }
  return a.size() != b.size() ? 1e30 : ref > 0.0 ? std::sqrt(err / ref) : std::sqrt(err);
}

int64_t group_count(int64_t in, int64_t group_size) {
  return group_size <= 0 || group_size >= in ? 1 : (in + group_size - 1) / group_size;
}

Tensor to_cuda(lb_tensor t, int32_t dtype) { return convert(t, dtype, LB_DEVICE_CUDA); }

int cases = 0;
double worst_reference = 0.0, worst_cpu = 0.0;

struct Shape {
  int bits;
  int64_t out, in, group_size;
  std::vector<int64_t> ms;
  bool symmetric;
  int32_t scales_dtype;
  bool against_reference;  // the double reference is slow for the big shapes: those compare with the CPU only
  float x_scale = 1.0f;     // |x| ~ x_scale (large activations)
  bool outlier = false;     // one x element per row 1000x the others
};

// Whether packed_linear_cuda runs the tensor-core kernel with 16-bit rounded weights (w = (q - z) * s rounded
// to f16 / bf16) for this call: m >= 5 and groups smaller than its k-step of 4 packing units (bits 2 group 32,
// bits 3 groups 32 / 64); every other case sums exact products (or FMAs) in f32 like the CPU kernel.
bool rounded_weights(const Shape& s, int64_t m) {
  const int64_t unit = s.bits == 4 ? 8 : s.bits == 2 ? 16 : 32;
  const int64_t rows = s.group_size <= 0 || s.group_size >= s.in ? s.in : s.group_size;
  return m >= 5 && s.bits != 4 && rows % (4 * unit) != 0 && rows < s.in;
}

// Whether packed_linear_cuda takes the int8-activation GEMV (packed_gemv_cuda.cuh) for this shape: x is
// quantized to ~15 bits there (relative error ~3e-5 on normal x), so CUDA vs CPU is looser than the f32
// rounding-order difference of the tiled kernel.
bool takes_gemv(const Shape& s, int64_t m) {
  const int64_t group = s.group_size <= 0 ? s.in : s.group_size;
  return m <= 4 && s.in % 32 == 0 && group % 32 == 0;
}

std::string describe(const Shape& s, int zero_offset, int64_t m, int32_t xdtype) {
  return "bits=" + std::to_string(s.bits) + " out=" + std::to_string(s.out) + " in=" + std::to_string(s.in) +
         " group_size=" + std::to_string(s.group_size) + (s.symmetric ? " symmetric" : "") +
         " zero_offset=" + std::to_string(zero_offset) + " m=" + std::to_string(m) +
         " x dtype=" + std::to_string(xdtype) + " scales dtype=" + std::to_string(s.scales_dtype);
}

void check_shape(const Shape& s) {
  const int64_t groups = group_count(s.in, s.group_size);
  for (int zero_offset : {0, 1}) {
    if (s.symmetric && zero_offset == 1) continue;
    const uint32_t seed =
        static_cast<uint32_t>(s.bits * 1000003 + s.out * 1009 + s.in * 31 + s.group_size * 7 + zero_offset);
    const Packed p = make_packed(s.bits, s.out, s.in, groups, zero_offset, s.symmetric, seed);
    const Tensor scales_cpu = convert(p.scales.get(), s.scales_dtype);
    lb_tensor w_raw = nullptr;
    CHECK_OK(lb_dequantize_gptq(p.qweight.get(), p.qzeros.get(), scales_cpu.get(), nullptr, s.bits, s.group_size,
                                zero_offset, &w_raw));
    const Tensor weight(w_raw);
    if (weight == nullptr) return;
    const std::vector<float> w = to_vector<float>(weight.get());
    const Tensor qc = to_cuda(p.qweight.get(), LB_DTYPE_I32);
    const Tensor zc = to_cuda(p.qzeros.get(), LB_DTYPE_I32);
    const Tensor sc = to_cuda(scales_cpu.get(), s.scales_dtype);
    std::mt19937 rng(seed + 1);
    std::normal_distribution<float> normal(0.0f, 1.0f);
    for (int64_t m : s.ms) {
      std::vector<float> xv(static_cast<size_t>(m * s.in));
      for (auto& v : xv) v = s.x_scale * normal(rng);
      if (s.outlier) {
        for (int64_t r = 0; r < m; ++r) xv[static_cast<size_t>(r * s.in + (r * 37 + 5) % s.in)] *= 1000.0f;
      }
      const Tensor x32 = host_tensor(xv, LB_DTYPE_F32, {m, s.in});
      for (int32_t xdtype : {LB_DTYPE_F16, LB_DTYPE_BF16, LB_DTYPE_F32}) {
        const Tensor x_cpu = convert(x32.get(), xdtype);
        const Tensor x_gpu = to_cuda(x_cpu.get(), xdtype);
        lb_tensor y_raw = nullptr, yc_raw = nullptr;
        CHECK_OK(lb_packed_linear(x_gpu.get(), qc.get(), zc.get(), sc.get(), s.bits, s.group_size, zero_offset,
                                  &y_raw));
        CHECK_OK(lb_packed_linear(x_cpu.get(), p.qweight.get(), p.qzeros.get(), scales_cpu.get(), s.bits,
                                  s.group_size, zero_offset, &yc_raw));
        const Tensor y(y_raw), yc(yc_raw);
        if (y == nullptr || yc == nullptr) continue;
        int32_t dtype = -1, device = -1;
        CHECK_OK(lb_tensor_dtype(y.get(), &dtype));
        int32_t device_index = -1;
        CHECK_OK(lb_tensor_device(y.get(), &device, &device_index));
        CHECK_EQ(dtype, LB_DTYPE_F32);
        CHECK_EQ(device, LB_DEVICE_CUDA);
        CHECK(shape_of(y.get()) == (std::vector<int64_t>{m, s.out}));
        const std::vector<float> got = to_vector<float>(convert(y.get(), LB_DTYPE_F32).get());
        const std::vector<float> cpu = to_vector<float>(yc.get());
        ++cases;
        const double vs_cpu = relative_difference(got, cpu);
        worst_cpu = std::fmax(worst_cpu, vs_cpu);
        // both accumulate the same (16-bit-rounded) x in f32: only the summation order differs (tiled kernel;
        // f32 x on the tensor cores: x = hi + lo in bf16, 16 bits kept), except for 16-bit rounded weights (tensor
        // cores) and the GEMV's ~15-bit activations
        const double cpu_tolerance =
            takes_gemv(s, m) ? (s.outlier ? 1e-3 : 2e-4) : rounded_weights(s, m) ? 5e-3 : 1e-4;
        if (!(vs_cpu < cpu_tolerance)) {
          check::fail(__FILE__, __LINE__, describe(s, zero_offset, m, xdtype) + ": CUDA vs CPU relative difference " +
                                              std::to_string(vs_cpu));
        }
        if (s.against_reference) {
          const std::vector<float> xs = to_vector<float>(convert(x_cpu.get(), LB_DTYPE_F32).get());
          const double rel = relative_error(xs, w, got, m, s.in, s.out);
          worst_reference = std::fmax(worst_reference, rel);
          if (!(rel < 1e-2)) {
            check::fail(__FILE__, __LINE__, describe(s, zero_offset, m, xdtype) + ": relative error " +
                                                std::to_string(rel) + " against dequantize + fp32 matmul");
          }
        }
      }
    }
  }
}

void test_shapes() {
  const std::vector<int64_t> all_m = {1, 2, 3, 7, 16, 33, 64};
  const std::vector<std::vector<int64_t>> outs = {{}, {}, {48, 80}, {96, 160}, {40, 72}};  // column tails
  for (int bits : {2, 3, 4}) {
    for (int64_t out : outs[static_cast<size_t>(bits)]) {
      for (int64_t g : {int64_t{32}, int64_t{64}, int64_t{128}, int64_t{-1}}) {
        check_shape(Shape{bits, out, 256, g, all_m, false, LB_DTYPE_F16, true});
      }
    }
    const int64_t out0 = outs[static_cast<size_t>(bits)][0];
    check_shape(Shape{bits, out0, 256, 64, {1, 5, 16}, true, LB_DTYPE_F16, true});      // symmetric
    check_shape(Shape{bits, out0, 320, 128, {1, 3, 33}, false, LB_DTYPE_BF16, true});   // short last group
    check_shape(Shape{bits, out0, 256, 32, {1, 9}, false, LB_DTYPE_F32, true});         // f32 scales
    check_shape(Shape{bits, out0, 4096, 128, {1, 2, 16, 64}, false, LB_DTYPE_F16, true});  // split-k, atomics
    check_shape(Shape{bits, out0, 2048, -1, {1, 7}, false, LB_DTYPE_F16, true});          // long per channel
  }
  // the tensor-core kernel (m >= 5): m-tile edges, narrow outs (not multiples of its 128-column block), `in`
  // not a multiple of its k-step (4 packing units), every group kind, f16/bf16/f32 scales, large f32 x
  const std::vector<int64_t> mma_m = {5, 17, 31, 48, 100};
  for (int bits : {2, 3, 4}) {
    const int64_t c = bits == 4 ? 8 : bits == 2 ? 16 : 32;  // qzeros: out * bits / 32 whole words
    const int64_t unit = bits == 4 ? 8 : bits == 2 ? 16 : 32;
    const int64_t in_tail = 8 * 4 * unit + unit;           // 8 k-steps and one unit
    for (int64_t out : {c, 3 * c, 5 * c}) {
      check_shape(Shape{bits, out, in_tail, unit * 4 >= 64 ? unit * 4 : 64, mma_m, false, LB_DTYPE_F16, true});
    }
    for (int64_t g : {int64_t{32}, int64_t{64}, int64_t{128}, int64_t{-1}}) {
      check_shape(Shape{bits, 5 * c, in_tail, g, {5, 17}, false, LB_DTYPE_F16, true});
    }
    check_shape(Shape{bits, 3 * c, 512, 128, {5, 33}, false, LB_DTYPE_F32, true});
    check_shape(Shape{bits, 3 * c, 512, 128, {16, 48}, false, LB_DTYPE_BF16, true});
    check_shape(Shape{bits, 3 * c, 1024, 128, {7, 31}, false, LB_DTYPE_F16, true, 3000.0f});  // |x| ~ 3000
    check_shape(Shape{bits, 5 * c, 4096, 64, {16, 100}, false, LB_DTYPE_F16, true});           // split-k
  }
  // edges of the m <= 4 GEMV: small out, in = 11 k-blocks with group == in, large in, a 1000x outlier in x,
  // and shapes it leaves to the tiled kernel (in or group not a multiple of 32)
  const std::vector<int64_t> gemv_m = {1, 2, 3, 4, 7};
  const std::vector<std::vector<int64_t>> small_outs = {{}, {}, {16, 48}, {32, 96}, {8, 24}};
  for (int bits : {2, 3, 4}) {
    for (int64_t out : small_outs[static_cast<size_t>(bits)]) {
      check_shape(Shape{bits, out, 256, 128, gemv_m, false, LB_DTYPE_F16, true});
    }
    const int64_t out0 = outs[static_cast<size_t>(bits)][0];
    check_shape(Shape{bits, out0, 352, 352, {1, 4}, false, LB_DTYPE_BF16, true});
    check_shape(Shape{bits, out0, 14336, bits == 2 ? 64 : 128, {1, 3}, false, LB_DTYPE_F16, true});
    check_shape(Shape{bits, out0, 256, 64, {1, 2, 4, 16}, false, LB_DTYPE_F32, true, 1.0f, true});
  }
  check_shape(Shape{4, 40, 200, 40, {1, 2, 4}, false, LB_DTYPE_F16, true});  // in % 32 != 0 (bits 4 allows 8)
  check_shape(Shape{2, 48, 256, 16, {1, 3}, false, LB_DTYPE_F16, true});     // group 16 (bits 2)
  // real widths: many column blocks, split-k for m = 1 (4096 x 4096), m-tiles for m = 16
  check_shape(Shape{4, 4096, 4096, 128, {1, 16}, false, LB_DTYPE_F16, false});
  check_shape(Shape{3, 4096, 1024, 128, {1, 33}, false, LB_DTYPE_BF16, false});
  check_shape(Shape{2, 11008, 512, 64, {1, 16}, false, LB_DTYPE_F16, false});
}

void test_errors() {
  const Packed p = make_packed(4, 32, 64, 2, 0, false, 3);
  const Tensor x = host_tensor(std::vector<float>(2 * 64, 1.0f), LB_DTYPE_F32, {2, 64});
  const Tensor xc = to_cuda(x.get(), LB_DTYPE_F16);
  const Tensor qc = to_cuda(p.qweight.get(), LB_DTYPE_I32);
  const Tensor zc = to_cuda(p.qzeros.get(), LB_DTYPE_I32);
  const Tensor sc = to_cuda(p.scales.get(), LB_DTYPE_F16);
  lb_tensor y = nullptr;
  CHECK_FAILS(lb_packed_linear(xc.get(), qc.get(), zc.get(), sc.get(), 5, 32, 0, &y), LB_ERR_UNSUPPORTED, "bits=5");
  CHECK_FAILS(lb_packed_linear(xc.get(), qc.get(), p.qzeros.get(), sc.get(), 4, 32, 0, &y), LB_ERR_INVALID_ARGUMENT,
              "qzeros: on cpu");
  CHECK_FAILS(lb_packed_linear(xc.get(), qc.get(), zc.get(), sc.get(), 4, 12, 0, &y), LB_ERR_INVALID_ARGUMENT,
              "scales: size 2 along dim 0");
  CHECK(y == nullptr);
  // m = 0 and in = 0 on the device
  const Tensor x0 = to_cuda(host_tensor(std::vector<float>(), LB_DTYPE_F32, {0, 64}).get(), LB_DTYPE_F16);
  lb_tensor y0 = nullptr;
  CHECK_OK(lb_packed_linear(x0.get(), qc.get(), zc.get(), sc.get(), 4, 32, 0, &y0));
  const Tensor y0t(y0);
  if (y0t != nullptr) CHECK(shape_of(y0t.get()) == (std::vector<int64_t>{0, 32}));
}

}  // namespace

int main() {
  const lb_runtime_info info = runtime_info();
  if (!info.cuda_built || !info.cuda_available) {
    std::printf("test_packed_linear_cuda: SKIPPED (%s)\n",
                info.cuda_built ? "no CUDA device visible" : "liblowbit was built without CUDA");
    return check::finish("test_packed_linear_cuda");
  }
  test_shapes();
  test_errors();
  std::printf("test_packed_linear_cuda: %d cases; worst relative error vs reference %.3g, vs CPU kernel %.3g\n", cases,
              worst_reference, worst_cpu);
  return check::finish("test_packed_linear_cuda");
}
