// The CUDA packed GEMV (m <= 4) on the device through the real launcher (packed_linear_cuda), torch-free:
// against the host copy of its integer arithmetic (tight), dequantize + a double matmul (activation
// quantization error), the tiled kernel on the same data (packed_gemv_cuda_set_enabled(false)), and the
// 16-bit y_out copy; which kernel runs for which shape; with the quantized-x workspace (the default run) and
// without (x quantized in every warp); the accumulate mode (packed_gemv_cuda_accumulate:
// y0 + W x onto a non-zero y, no zeroing); a last pass with the m = 1 group fold (packed_gemv_cuda_set_fold). Skips
// without a CUDA device.
#include <cuda_runtime_api.h>

#include <algorithm>
#include <cmath>
#include <cstdio>
#include <string>
#include <vector>

#include "check.h"
#include "cuda_device_buffer.h"
#include "kernels/cuda/packed_gemv_cuda.h"
#include "packed_gemv_reference.h"

namespace {

using gemv_ref::Case;
using lb::kernels::PackedLinearCudaArgs;

using cuda_test::DeviceBuffer;
using cuda_test::ok;

int cases = 0;
bool use_workspace = true;  // pass packed_linear_cuda the quantized-x workspace (x quantized once, PREQ kernel)
double worst_exact = 0, worst_normal = 0, worst_outlier = 0, worst_tiled = 0;

// runs packed_linear_cuda, returns y (f32) and, if out16 is 1 / 2, checks the f16 / bf16 copy against y
std::vector<float> run(const Case& c, const gemv_ref::Problem& p, int out16, const std::string& what,
                       std::string* kernel) {
  DeviceBuffer x(p.x.bytes(c.x_dtype), p.x.data(c.x_dtype));
  DeviceBuffer qw(p.qweight.size() * 4, p.qweight.data());
  DeviceBuffer qz(p.qzeros.size() * 4, p.qzeros.data());
  DeviceBuffer sc(p.scales.bytes(c.scales_dtype), p.scales.data(c.scales_dtype));
  const size_t count = static_cast<size_t>(c.m * c.out);
  std::vector<float> garbage(count, 12345.0f);
  DeviceBuffer y(count * 4, garbage.data());  // garbage: the launcher must zero y itself
  DeviceBuffer y16(count * 2);
  PackedLinearCudaArgs a = gemv_ref::gemv_args(c, x.p, c.x_dtype, c.m, qw.p, qz.p, sc.p, static_cast<float*>(y.p));
  a.y_out = out16 != 0 ? y16.p : nullptr;
  a.y_out_dtype = out16 == 2 ? lb::kernels::kPackedBF16 : lb::kernels::kPackedF16;
  *kernel = lb::kernels::packed_linear_cuda_kernel_name(a);
  std::vector<float> host(count, 0.0f);
  // the workspace starts as garbage: the quantize kernel must write every slot the GEMV reads (rows m..3 as zeros)
  const int64_t ws_bytes = lb::kernels::packed_linear_cuda_workspace_bytes(c.bits, c.m, c.in);
  const std::vector<unsigned char> ws_garbage(static_cast<size_t>(ws_bytes), 0x7F);
  DeviceBuffer ws(ws_garbage.size(), ws_garbage.data());
  const lb::kernels::PackedLinearCudaWorkspace workspace{use_workspace ? ws.p : nullptr, ws_bytes};
  // the exact size is the shape's bound where the GEMV or mma_pipe runs, 0 where a kernel without workspace does
  const bool takes_ws = kernel->rfind("gemv_dp4a", 0) == 0 || *kernel == "mma_pipe";
  CHECK(lb::kernels::packed_linear_cuda_workspace_bytes(a) == (takes_ws ? ws_bytes : 0));
  if (use_workspace && kernel->rfind("gemv_dp4a", 0) == 0) {
    CHECK(ws_bytes > 0);
    CHECK(lb::kernels::packed_gemv_cuda_uses_workspace(a, workspace));
    CHECK(!lb::kernels::packed_gemv_cuda_uses_workspace(a, {ws.p, ws_bytes - 16}));  // too small: not used
  }
  if (!ok(lb::kernels::packed_linear_cuda(a, 0, workspace), (what + ": launch").c_str())) return host;
  if (!ok(cudaDeviceSynchronize(), (what + ": kernel").c_str())) return host;
  ok(cudaMemcpy(host.data(), y.p, count * 4, cudaMemcpyDeviceToHost), "cudaMemcpy y");
  if (out16 != 0) {
    std::vector<uint16_t> h16(count);
    ok(cudaMemcpy(h16.data(), y16.p, count * 2, cudaMemcpyDeviceToHost), "cudaMemcpy y_out");
    int wrong = 0;
    for (size_t i = 0; i < count; ++i) {
      wrong += h16[i] != (out16 == 2 ? gemv_ref::bf16_bits(host[i]) : gemv_ref::half_bits(host[i]));
    }
    if (wrong != 0) check::fail(__FILE__, __LINE__, what + ": " + std::to_string(wrong) + " y_out values differ from y");
  }
  return host;
}

double worst_accumulate = 0;

// packed_gemv_cuda_accumulate onto y0 (random, of W x's size): y - y0 against the zeroing launch's y (only the
// f32 summation order differs: ~ulp(y0) per atomic add).
void accumulate_case(const Case& c, const gemv_ref::Problem& p, const std::vector<float>& y_zeroed,
                     const std::string& what) {
  DeviceBuffer x(p.x.bytes(c.x_dtype), p.x.data(c.x_dtype));
  DeviceBuffer qw(p.qweight.size() * 4, p.qweight.data());
  DeviceBuffer qz(p.qzeros.size() * 4, p.qzeros.data());
  DeviceBuffer sc(p.scales.bytes(c.scales_dtype), p.scales.data(c.scales_dtype));
  const size_t count = static_cast<size_t>(c.m * c.out);
  double rms = 0;
  for (float v : y_zeroed) rms += static_cast<double>(v) * v;
  rms = count > 0 ? std::sqrt(rms / static_cast<double>(count)) : 1.0;
  std::vector<float> y0(count);
  for (size_t i = 0; i < count; ++i) y0[i] = static_cast<float>(rms * std::sin(0.7 * static_cast<double>(i) + 0.3));
  DeviceBuffer y(count * 4, y0.data());
  PackedLinearCudaArgs a = gemv_ref::gemv_args(c, x.p, c.x_dtype, c.m, qw.p, qz.p, sc.p, static_cast<float*>(y.p));
  a.y_out = y0.data();  // a 16-bit copy is not offered in accumulate mode
  CHECK(!lb::kernels::packed_gemv_cuda_accumulate_applies(a));
  CHECK(lb::kernels::packed_gemv_cuda_accumulate(a, 0) == cudaErrorInvalidValue);
  a.y_out = nullptr;
  if (!lb::kernels::packed_gemv_cuda_accumulate_applies(a)) {
    check::fail(__FILE__, __LINE__, what + ": the accumulate GEMV does not apply");
    return;
  }
  // it ignores the A/B switch of the zeroing launch
  lb::kernels::packed_gemv_cuda_set_enabled(false);
  const bool launched = ok(lb::kernels::packed_gemv_cuda_accumulate(a, 0), (what + ": accumulate launch").c_str());
  lb::kernels::packed_gemv_cuda_set_enabled(true);
  if (!launched || !ok(cudaDeviceSynchronize(), (what + ": accumulate kernel").c_str())) return;
  std::vector<float> host(count);
  ok(cudaMemcpy(host.data(), y.p, count * 4, cudaMemcpyDeviceToHost), "cudaMemcpy y");
  std::vector<double> want(count);
  for (size_t i = 0; i < count; ++i) {
    want[i] = static_cast<double>(y0[i]) + y_zeroed[i];
    host[i] -= y0[i];
  }
  std::vector<float> sum(count);
  for (size_t i = 0; i < count; ++i) sum[i] = host[i] + y0[i];
  const double e_sum = gemv_ref::relative_error(sum, want);
  std::vector<double> wx(y_zeroed.begin(), y_zeroed.end());
  const double e_wx = gemv_ref::relative_error(host, wx);
  worst_accumulate = std::max(worst_accumulate, std::max(e_sum, e_wx));
  if (!(e_sum < 1e-5 && e_wx < 1e-5)) {
    check::fail(__FILE__, __LINE__, what + ": accumulate: relative error of y vs y0 + W x " + std::to_string(e_sum) +
                                        ", of y - y0 vs W x " + std::to_string(e_wx));
  }
}

void gemv_case(const Case& c, bool gemv_expected = true) {
  const gemv_ref::Problem p = gemv_ref::make_problem(c);
  const std::vector<double> real = gemv_ref::dequant_reference(c, p);
  const std::string what = gemv_ref::describe(c);
  std::string kernel;
  const std::vector<float> y = run(c, p, static_cast<int>(cases % 3), what, &kernel);
  ++cases;
  // shapes the GEMV leaves go to the tiled kernel, or to the tensor-core kernel when m >= 5
  const std::string expected = !gemv_expected ? (c.m >= 5 && (kernel == "mma" || kernel == "mma_pipe") ? kernel : "tiled")
                               : c.m == 1 ? "gemv_dp4a_r1" : c.m == 2 ? "gemv_dp4a_r2" : "gemv_dp4a_r4";
  if (kernel != expected) check::fail(__FILE__, __LINE__, what + ": kernel " + kernel + ", expected " + expected);
  const double e_real = gemv_ref::relative_error(y, real);
  if (!gemv_expected) {
    if (!(e_real < 1e-4)) check::fail(__FILE__, __LINE__, what + ": tiled kernel, relative error " + std::to_string(e_real));
    return;
  }
  const double e_exact = gemv_ref::relative_error(y, gemv_ref::exact_reference(c, p));
  worst_exact = std::max(worst_exact, e_exact);
  (c.outlier ? worst_outlier : worst_normal) = std::max(c.outlier ? worst_outlier : worst_normal, e_real);
  // the device's reciprocal (__fdividef) may move a rare q2 by one against the host's division: 1e-4, not 1e-6
  if (!(e_exact < 1e-4)) check::fail(__FILE__, __LINE__, what + ": relative error vs its own arithmetic " + std::to_string(e_exact));
  if (!(e_real < (c.outlier ? 1e-3 : 2e-4))) {
    check::fail(__FILE__, __LINE__, what + ": relative error vs dequantize + matmul " + std::to_string(e_real));
  }
  accumulate_case(c, p, y, what);
  // the tiled kernel on the same data
  lb::kernels::packed_gemv_cuda_set_enabled(false);
  std::string tiled_kernel;
  const std::vector<float> yt = run(c, p, 0, what + " (tiled)", &tiled_kernel);
  lb::kernels::packed_gemv_cuda_set_enabled(true);
  CHECK(tiled_kernel == "tiled");
  const double e_tiled = gemv_ref::relative_error(yt, real);
  worst_tiled = std::max(worst_tiled, e_tiled);
  if (!(e_tiled < 1e-4)) check::fail(__FILE__, __LINE__, what + ": tiled kernel, relative error " + std::to_string(e_tiled));
}

double worst_fused = 0;

// The fused input ops through packed_gemv_cuda_accumulate (one row, y zeroed): NormWeight (x * w, and sum(x^2) added
// to x_sumsq_out) and SiluMul (silu(r gate) * (r up) from f32 [gate | up]); both zero a side buffer.
void fused_case(const Case& c, int op, int dtype2) {
  const gemv_ref::Problem p = gemv_ref::make_problem(c);
  const gemv_ref::FusedInput f = gemv_ref::make_fused_input(c, p, op, dtype2);
  const gemv_ref::Problem pe = gemv_ref::with_input(p, f.effective);
  Case ce = c;
  ce.x_dtype = 0;
  const int x_dtype = op == 1 ? c.x_dtype : 0;
  DeviceBuffer x(f.x.bytes(x_dtype), f.x.data(x_dtype));
  DeviceBuffer w(op == 1 ? f.weight.bytes(dtype2) : 16, op == 1 ? f.weight.data(dtype2) : nullptr);  // op 2 has no weight
  DeviceBuffer qw(p.qweight.size() * 4, p.qweight.data());
  DeviceBuffer qz(p.qzeros.size() * 4, p.qzeros.data());
  DeviceBuffer sc(p.scales.bytes(c.scales_dtype), p.scales.data(c.scales_dtype));
  const std::vector<float> start{0.25f, f.sumsq_in};
  DeviceBuffer sums(8, start.data());
  const std::vector<float> side_start(1000, 5.0f);
  DeviceBuffer side(side_start.size() * 4, side_start.data());
  std::vector<float> y_host(static_cast<size_t>(c.out), 0.0f);
  DeviceBuffer y(y_host.size() * 4, y_host.data());
  const PackedLinearCudaArgs a =
      gemv_ref::gemv_args(c, x.p, x_dtype, 1, qw.p, qz.p, sc.p, static_cast<float*>(y.p));
  const lb::kernels::GemvInputOps ops =
      gemv_ref::fused_ops(f, op, dtype2, w.p, static_cast<float*>(sums.p), static_cast<const float*>(sums.p) + 1,
                          static_cast<float*>(side.p), static_cast<int64_t>(side_start.size()));
  const std::string what = gemv_ref::describe(c) + (op == 1 ? " NormWeight w=" : " SiluMul round=") + std::to_string(dtype2);
  if (!lb::kernels::packed_gemv_cuda_accumulate_fused_applies(a, ops)) {
    check::fail(__FILE__, __LINE__, what + ": the accumulate GEMV does not apply");
    return;
  }
  if (!ok(lb::kernels::packed_gemv_cuda_accumulate_fused(a, ops, 0), (what + ": launch").c_str())) return;
  if (!ok(cudaDeviceSynchronize(), (what + ": kernel").c_str())) return;
  ++cases;
  ok(cudaMemcpy(y_host.data(), y.p, y_host.size() * 4, cudaMemcpyDeviceToHost), "cudaMemcpy y");
  std::vector<float> sums_host(2), side_host(side_start.size());
  ok(cudaMemcpy(sums_host.data(), sums.p, 8, cudaMemcpyDeviceToHost), "cudaMemcpy sums");
  ok(cudaMemcpy(side_host.data(), side.p, side_host.size() * 4, cudaMemcpyDeviceToHost), "cudaMemcpy side");
  const double e_exact = gemv_ref::relative_error(y_host, gemv_ref::exact_reference(ce, pe));
  const double e_real = gemv_ref::relative_error(y_host, gemv_ref::dequant_reference(ce, pe));
  worst_fused = std::max(worst_fused, e_exact);
  // as gemv_case (the device's reciprocals); SiluMul's rsqrtf and expf may also move a 16-bit rounding of the input
  if (!(e_exact < 1e-4)) check::fail(__FILE__, __LINE__, what + ": relative error vs its own arithmetic " + std::to_string(e_exact));
  if (!(e_real < 2e-4)) check::fail(__FILE__, __LINE__, what + ": relative error vs dequantize + matmul " + std::to_string(e_real));
  if (op == 1) {
    const double want = 0.25 + f.sumsq;
    if (!(std::fabs(sums_host[0] - want) <= 1e-5 * want)) {
      check::fail(__FILE__, __LINE__, what + ": sum of squares " + std::to_string(sums_host[0]) + ", expected " + std::to_string(want));
    }
  }
  CHECK(sums_host[1] == f.sumsq_in);
  int nonzero = 0;
  for (float v : side_host) nonzero += v != 0.0f;
  if (nonzero != 0) check::fail(__FILE__, __LINE__, what + ": " + std::to_string(nonzero) + " side-buffer values not zeroed");
}

void test_fused_inputs() {
  const int64_t wide_out[] = {0, 0, 272, 288, 264};
  for (int bits : {2, 3, 4}) {
    for (int dtype2 : {0, 1, 2}) {
      fused_case(Case{bits, wide_out[bits], 480, 64, 1, dtype2, (dtype2 + 1) % 3, bits % 2, 0, false}, 1, dtype2);
      fused_case(Case{bits, wide_out[bits], 480, 128, 1, 0, dtype2, 0, 0, false}, 2, dtype2);
    }
    // the decode shapes: q/k/v of a 7B layer reading the hidden state, down reading gate/up
    fused_case(Case{bits, 12288, 4096, bits == 2 ? 64 : 128, 1, 0, 1, 0, 0, false}, 1, 1);
    fused_case(Case{bits, 4096, 11008, bits == 2 ? 64 : 128, 1, 0, 1, 0, 0, false}, 2, 1);
  }
  std::printf("test_packed_gemv_cuda: fused input ops, worst relative error vs own arithmetic %.3g\n", worst_fused);
}

void test_cases() {
  const int64_t main_out[] = {0, 0, 48, 96, 40};
  const int64_t small_out[] = {0, 0, 16, 32, 8};
  const int64_t wide_out[] = {0, 0, 272, 288, 264};
  for (int bits : {2, 3, 4}) {
    for (int64_t group : {int64_t{32}, int64_t{64}, int64_t{128}, int64_t{352}}) {
      for (int64_t m : {1, 2, 3, 4}) {
        for (int xd : {0, 1, 2}) {
          gemv_case(Case{bits, main_out[bits], 352, group, m, xd, static_cast<int>((xd + group / 32) % 3),
                         static_cast<int>(m % 2), 0, false});
        }
      }
    }
    gemv_case(Case{bits, wide_out[bits], 480, 128, 1, 1, 1, 0, 0, false});
    gemv_case(Case{bits, small_out[bits], 32, 32, 1, 1, 1, 0, 0, false});
    gemv_case(Case{bits, small_out[bits] * 3, 96, 96, 3, 2, 1, 1, 0, false});  // out 24 for bits 4
    gemv_case(Case{bits, main_out[bits], 256, 128, 1, 1, 1, 0, 0, true});
    gemv_case(Case{bits, main_out[bits], 256, 64, 4, 2, 2, 1, 0, true});
    // real widths: many tiles, runs over several tiles and groups, large in
    gemv_case(Case{bits, 4096, 4096, 128, 1, 1, 1, 0, 0, false});
    gemv_case(Case{bits, 1024, 14336, bits == 2 ? 64 : 128, 2, 2, 1, 0, 0, false});
    gemv_case(Case{bits, 512, 4096, 4096, 4, 1, 0, 1, 0, false});
  }
  // shapes the GEMV leaves to the tiled kernel: in not a multiple of 32 (bits 4 allows 8), group 16 (bits 2)
  gemv_case(Case{4, 40, 72, 72, 1, 1, 1, 0, 0, false}, false);
  gemv_case(Case{2, 48, 256, 16, 2, 1, 1, 0, 0, false}, false);
  gemv_case(Case{4, 40, 256, 128, 5, 1, 1, 0, 0, false}, false);  // m = 5
  std::printf("test_packed_gemv_cuda: %d cases; worst relative error vs own arithmetic %.3g, vs dequantize + matmul "
              "%.3g (normal x), %.3g (1000x outlier); tiled kernel on the same data %.3g\n",
              cases, worst_exact, worst_normal, worst_outlier, worst_tiled);
  std::printf("test_packed_gemv_cuda: accumulate mode (onto a non-zero y), worst relative error %.3g\n", worst_accumulate);
}

}  // namespace

int main() {
  int count = 0;
  if (cudaGetDeviceCount(&count) != cudaSuccess || count == 0) {
    std::printf("test_packed_gemv_cuda: SKIPPED (no CUDA device visible)\n");
    return check::finish("test_packed_gemv_cuda");
  }
  test_cases();  // the defaults: runs of at least one stage, 16-byte atomics on sm_90, the cooperative fused GEMV
  test_fused_inputs();
  // the A/B settings: two-stage runs and scalar atomics (LOWBIT_GEMV_MIN_RUN_STAGES=2, LOWBIT_GEMV_VEC_ATOMICS=0),
  // x quantized in every warp (no workspace), the per-warp fused GEMV (LOWBIT_GEMV_COOP=0)
  lb::kernels::packed_gemv_cuda_set_min_run_stages(2);
  lb::kernels::packed_gemv_cuda_set_vector_atomics(0);
  lb::kernels::packed_gemv_cuda_set_coop(0);
  use_workspace = false;
  std::printf("test_packed_gemv_cuda: again with two-stage runs, scalar atomics, no workspace, per-warp fused GEMV\n");
  cases = 0;
  test_cases();
  test_fused_inputs();
  lb::kernels::packed_gemv_cuda_set_min_run_stages(0);
  lb::kernels::packed_gemv_cuda_set_vector_atomics(-1);
  lb::kernels::packed_gemv_cuda_set_coop(-1);
  // the m = 1 group fold on the workspace path (LOWBIT_GEMV_FOLD=1), the other settings at their defaults
  lb::kernels::packed_gemv_cuda_set_fold(1);
  use_workspace = true;
  std::printf("test_packed_gemv_cuda: again with the group fold (m = 1, quantized-x workspace)\n");
  cases = 0;
  test_cases();
  lb::kernels::packed_gemv_cuda_set_fold(-1);
  return check::finish("test_packed_gemv_cuda");
}
