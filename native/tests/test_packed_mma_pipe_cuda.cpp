// The pipelined tensor-core kernel ("mma_pipe", packed_mma_pipe_cuda.cuh) on a CUDA device through the one
// dispatch site, torch-free (links the kernel objects). (1) Edge shapes against a double reference (dequantize,
// then matmul) built from known codes: odd column counts, `in` tails, m in {5, 7, 16, 33, 64}, bits 2/3/4,
// groups 32/64/128/per channel, x f16/bf16, scales f16/bf16/f32, zero_offset 0/1, y_out. (2) The real shapes
// (28672 x 8192, 11008 x 4096, 4096 x 4096; m 16 / 64) against the old tensor-core kernel (pipe off) and the
// FMA kernel (both off) on the same random words. (3) Which kernel runs (mma_pipe, or mma for f32 x and groups
// that do not fold). Skips without a device.
#include <cuda_bf16.h>
#include <cuda_fp16.h>
#include <cuda_runtime_api.h>

#include <cmath>
#include <cstdint>
#include <cstdio>
#include <cstring>
#include <random>
#include <string>
#include <vector>

#include "check.h"
#include "kernels/cuda/packed_matmul_cuda.h"
#include "kernels/cuda/packed_mma_cuda.h"
#include "kernels/cuda/packed_mma_pipe_cuda.h"
#include "pack_reference.h"

namespace {

bool use_workspace = true;  // pass packed_linear_cuda the A-fragment workspace (the XP kernel)

bool ok(cudaError_t e, const std::string& what) {
  if (e == cudaSuccess) return true;
  check::fail(__FILE__, __LINE__, what + ": " + cudaGetErrorString(e));
  return false;
}

template <class T>
void* upload(const std::vector<T>& host) {
  void* p = nullptr;
  if (!ok(cudaMalloc(&p, host.size() * sizeof(T) + 16), "cudaMalloc")) return nullptr;
  ok(cudaMemcpy(p, host.data(), host.size() * sizeof(T), cudaMemcpyHostToDevice), "cudaMemcpy");
  return p;
}

uint16_t to16(float v, int dtype) {  // f16 (1) or bf16 (2)
  uint16_t b;
  if (dtype == 2) {
    const __nv_bfloat16 h = __float2bfloat16_rn(v);
    std::memcpy(&b, &h, 2);
  } else {
    const __half h = __float2half_rn(v);
    std::memcpy(&b, &h, 2);
  }
  return b;
}
float from16(uint16_t b, int dtype) {
  if (dtype == 2) {
    __nv_bfloat16 h;
    std::memcpy(&h, &b, 2);
    return __bfloat162float(h);
  }
  __half h;
  std::memcpy(&h, &b, 2);
  return __half2float(h);
}

template <class A, class B>
double relative_difference(const std::vector<A>& a, const std::vector<B>& b) {
  double err = 0.0, ref = 0.0;
  for (size_t i = 0; i < a.size(); ++i) {
    const double d = static_cast<double>(a[i]) - static_cast<double>(b[i]);
    err += d * d;
    ref += static_cast<double>(b[i]) * static_cast<double>(b[i]);
  }
  return ref > 0.0 ? std::sqrt(err / ref) : std::sqrt(err);
}

int cases = 0;
double worst_reference = 0.0, worst_old = 0.0;

struct Problem {
  int bits;
  int64_t out, in, group, m;  // group: rows per group (in: per channel)
  int xdtype, sdtype, zero_offset, ydtype;
};

std::string describe(const Problem& p) {
  return "bits=" + std::to_string(p.bits) + " " + std::to_string(p.out) + "x" + std::to_string(p.in) + " group=" +
         std::to_string(p.group) + " m=" + std::to_string(p.m) + " x dtype=" + std::to_string(p.xdtype) +
         " scales dtype=" + std::to_string(p.sdtype) + " zero_offset=" + std::to_string(p.zero_offset);
}

// Runs the dispatch with the current switches into a fresh y; returns y (and y_out when ydtype != 0).
std::vector<float> run(const lb::kernels::PackedLinearCudaArgs& base, const std::string& what,
                       std::vector<uint16_t>* y16_host) {
  const size_t count = static_cast<size_t>(base.m * base.out);
  float* dy = nullptr;
  void* dy16 = nullptr;
  ok(cudaMalloc(reinterpret_cast<void**>(&dy), count * 4), "cudaMalloc");
  ok(cudaMalloc(&dy16, count * 2 + 16), "cudaMalloc");
  ok(cudaMemset(dy, 0x7f, count * 4), "garbage y");  // the kernel must write every element
  lb::kernels::PackedLinearCudaArgs a = base;
  a.y = dy;
  a.y_out = y16_host != nullptr ? dy16 : nullptr;
  // the A-fragment workspace (x laid out once, XP kernel), garbage at first, unless use_workspace is off
  const int64_t ws_bytes = lb::kernels::packed_linear_cuda_workspace_bytes(a.bits, a.m, a.in);
  void* ws = nullptr;
  ok(cudaMalloc(&ws, static_cast<size_t>(ws_bytes) + 16), "cudaMalloc");
  ok(cudaMemset(ws, 0x7c, static_cast<size_t>(ws_bytes) + 16), "garbage workspace");
  const lb::kernels::PackedLinearCudaWorkspace workspace{use_workspace ? ws : nullptr, ws_bytes};
  // the exact size: the shape's bound for mma_pipe, 0 for the old tensor-core kernel (no workspace)
  const bool pipe = std::string(lb::kernels::packed_linear_cuda_kernel_name(a)) == "mma_pipe";
  CHECK(lb::kernels::packed_linear_cuda_workspace_bytes(a) == (pipe ? ws_bytes : 0));
  if (use_workspace && pipe) {
    CHECK(lb::kernels::packed_mma_pipe_cuda_uses_workspace(a, workspace));
  }
  ok(lb::kernels::packed_linear_cuda(a, 0, workspace), "launch " + what);
  ok(cudaDeviceSynchronize(), "run " + what);
  std::vector<float> y(count);
  ok(cudaMemcpy(y.data(), dy, count * 4, cudaMemcpyDeviceToHost), "copy y");
  if (y16_host != nullptr) {
    y16_host->resize(count);
    ok(cudaMemcpy(y16_host->data(), dy16, count * 2, cudaMemcpyDeviceToHost), "copy y_out");
  }
  cudaFree(dy);
  cudaFree(dy16);
  cudaFree(ws);
  return y;
}

// with_reference: codes known on the host, y against the double reference; otherwise random words and y
// against the old tensor-core kernel and the FMA kernel.
void pipe_case(const Problem& p, bool with_reference) {
  std::mt19937 rng(static_cast<uint32_t>(p.bits * 131 + p.out + p.in * 3 + p.group * 7 + p.m * 11 + p.xdtype));
  const int levels = 1 << p.bits;
  const int64_t groups = (p.in + p.group - 1) / p.group;
  std::vector<uint8_t> q, z;
  std::vector<int32_t> qw, qz;
  if (with_reference) {
    q.resize(static_cast<size_t>(p.in * p.out));
    z.resize(static_cast<size_t>(groups * p.out));
    for (auto& v : q) v = static_cast<uint8_t>(rng() % levels);
    for (auto& v : z) v = static_cast<uint8_t>(rng() % levels);
    std::vector<uint8_t> z_stored(z.size());
    for (size_t i = 0; i < z.size(); ++i) z_stored[i] = static_cast<uint8_t>((z[i] - p.zero_offset + levels) % levels);
    qw = reference_pack(q, p.in, p.out, p.bits, 0);
    qz = reference_pack(z_stored, groups, p.out, p.bits, 1);
  } else {
    qw.resize(static_cast<size_t>(p.in * p.bits / 32 * p.out));
    qz.resize(static_cast<size_t>(groups * p.out * p.bits / 32));
    for (auto& v : qw) v = static_cast<int32_t>(rng());
    for (auto& v : qz) v = static_cast<int32_t>(rng());
  }
  std::normal_distribution<float> normal(0.0f, 1.0f);
  std::vector<float> sf(static_cast<size_t>(groups * p.out));
  std::vector<uint16_t> s16(sf.size()), x16(static_cast<size_t>(p.m * p.in));
  for (size_t i = 0; i < sf.size(); ++i) {
    sf[i] = 0.002f + 0.01f * std::fabs(normal(rng));
    if (p.sdtype != 0) {
      s16[i] = to16(sf[i], p.sdtype);
      sf[i] = from16(s16[i], p.sdtype);
    }
  }
  for (auto& v : x16) v = to16(normal(rng), p.xdtype);
  void* dqw = upload(qw);
  void* dqz = upload(qz);
  void* ds = p.sdtype == 0 ? upload(sf) : upload(s16);
  void* dx = upload(x16);
  lb::kernels::PackedLinearCudaArgs a{};
  a.x = dx;
  a.x_dtype = p.xdtype;
  a.m = p.m;
  a.in = p.in;
  a.out = p.out;
  a.qweight = static_cast<const int32_t*>(dqw);
  a.qzeros = static_cast<const int32_t*>(dqz);
  a.zero_offset = p.zero_offset;
  a.scales = ds;
  a.scales_dtype = p.sdtype;
  a.group_size = p.group;
  a.bits = p.bits;
  a.y_out_dtype = p.ydtype;
  const std::string what = describe(p);
  const std::string kernel = lb::kernels::packed_linear_cuda_kernel_name(a);
  if (kernel != "mma_pipe") check::fail(__FILE__, __LINE__, what + ": kernel " + kernel + ", expected mma_pipe");
  std::vector<uint16_t> y16;
  const std::vector<float> y = run(a, what, p.ydtype != 0 ? &y16 : nullptr);
  ++cases;
  if (with_reference) {
    std::vector<double> ref(y.size(), 0.0);
    for (int64_t r = 0; r < p.m; ++r)
      for (int64_t o = 0; o < p.out; ++o) {
        double acc = 0.0;
        for (int64_t i = 0; i < p.in; ++i) {
          const int64_t g = i / p.group;
          acc += static_cast<double>(from16(x16[static_cast<size_t>(r * p.in + i)], p.xdtype)) *
                 ((static_cast<int>(q[static_cast<size_t>(i * p.out + o)]) -
                   static_cast<int>(z[static_cast<size_t>(g * p.out + o)])) *
                  static_cast<double>(sf[static_cast<size_t>(g * p.out + o)]));
        }
        ref[static_cast<size_t>(r * p.out + o)] = acc;
      }
    const double e = relative_difference(y, ref);
    worst_reference = std::fmax(worst_reference, e);
    if (!(e < 1e-5)) check::fail(__FILE__, __LINE__, what + ": relative error vs reference " + std::to_string(e));
  } else {
    lb::kernels::packed_mma_pipe_cuda_enable(false);
    const std::string old_kernel = lb::kernels::packed_linear_cuda_kernel_name(a);
    CHECK(old_kernel == "mma");
    const std::vector<float> y_old = run(a, what + " (old mma)", nullptr);
    lb::kernels::packed_mma_cuda_enable(false);
    const std::vector<float> y_fma = run(a, what + " (fma)", nullptr);
    lb::kernels::packed_mma_cuda_enable(true);
    lb::kernels::packed_mma_pipe_cuda_enable(true);
    const double e_old = relative_difference(y, y_old);
    const double e_fma = relative_difference(y, y_fma);
    worst_old = std::fmax(worst_old, std::fmax(e_old, e_fma));
    if (!(e_old < 1e-5)) check::fail(__FILE__, __LINE__, what + ": vs old mma kernel " + std::to_string(e_old));
    if (!(e_fma < 1e-4)) check::fail(__FILE__, __LINE__, what + ": vs FMA kernel " + std::to_string(e_fma));
  }
  if (p.ydtype != 0) {
    size_t bad = 0;
    for (size_t i = 0; i < y.size(); ++i) {
      if (y16[i] != to16(y[i], p.ydtype)) ++bad;
    }
    if (bad > 0) check::fail(__FILE__, __LINE__, what + ": y_out differs from y in " + std::to_string(bad) + " places");
  }
  for (void* ptr : {dqw, dqz, ds, dx}) cudaFree(ptr);
}

// calls the pipelined kernel leaves go to the old tensor-core kernel
void check_fallbacks() {
  lb::kernels::PackedLinearCudaArgs a{};
  std::vector<int32_t> dummy(16);
  a.x = reinterpret_cast<const void*>(uintptr_t{4096});  // only the dispatch is asked, nothing runs
  a.qweight = reinterpret_cast<const int32_t*>(uintptr_t{4096});
  a.qzeros = dummy.data();
  a.scales = reinterpret_cast<const void*>(uintptr_t{4096});
  a.m = 16;
  a.in = 4096;
  a.out = 4096;
  a.bits = 4;
  a.group_size = 128;
  a.scales_dtype = 1;
  a.x_dtype = 0;  // f32 x
  CHECK(std::string(lb::kernels::packed_linear_cuda_kernel_name(a)) == "mma");
  a.x_dtype = 1;
  CHECK(std::string(lb::kernels::packed_linear_cuda_kernel_name(a)) == "mma_pipe");
  a.bits = 3;
  a.group_size = 64;  // below a bits-3 k-step: no fold
  CHECK(std::string(lb::kernels::packed_linear_cuda_kernel_name(a)) == "mma");
  a.group_size = 128;
  a.scales = reinterpret_cast<const void*>(uintptr_t{4098});  // scales not 4-byte aligned
  CHECK(std::string(lb::kernels::packed_linear_cuda_kernel_name(a)) == "mma");
}

}  // namespace

void run_cases() {
  // edges vs the double reference: out not a multiple of the 256-column block, `in` with a tail unit
  //        bits out   in           group        m   x  s  z  y_out
  pipe_case({4, 264, 1280 + 8, 128, 5, 1, 1, 0, 1}, true);
  pipe_case({4, 520, 2048, 32, 7, 2, 0, 1, 0}, true);
  pipe_case({4, 264, 4096, 4096, 33, 1, 2, 0, 0}, true);  // per channel
  pipe_case({4, 1032, 2048 + 8, 64, 64, 1, 1, 1, 1}, true);
  pipe_case({2, 272, 2048 + 16, 64, 16, 2, 1, 0, 2}, true);
  pipe_case({2, 528, 1024, 128, 33, 1, 0, 1, 0}, true);
  pipe_case({2, 272, 1024 + 16, 1040, 64, 1, 1, 0, 0}, true);  // per channel, `in` tail
  pipe_case({3, 288, 2048 + 32, 128, 7, 1, 1, 1, 1}, true);
  pipe_case({3, 544, 1024, 256, 64, 2, 2, 0, 0}, true);
  pipe_case({3, 288, 1024 + 32, 1056, 16, 1, 0, 0, 0}, true);  // per channel
  // real shapes vs the old tensor-core kernel and the FMA kernel
  pipe_case({4, 28672, 8192, 128, 16, 1, 1, 0, 1}, false);
  pipe_case({4, 28672, 8192, 128, 64, 1, 1, 1, 0}, false);
  pipe_case({3, 28672, 8192, 128, 16, 1, 1, 0, 0}, false);
  pipe_case({2, 28672, 8192, 64, 64, 2, 2, 1, 0}, false);
  pipe_case({4, 11008, 4096, 128, 16, 2, 1, 0, 0}, false);
  pipe_case({3, 11008, 4096, 128, 64, 1, 0, 1, 0}, false);
  pipe_case({2, 4096, 4096, 64, 16, 1, 1, 0, 1}, false);
  pipe_case({4, 4096, 4096, 128, 64, 2, 1, 0, 2}, false);
}

int main() {
  int devices = 0;
  if (cudaGetDeviceCount(&devices) != cudaSuccess || devices == 0) {
    std::printf("test_packed_mma_pipe_cuda: SKIPPED (no CUDA device)\n");
    return check::finish("test_packed_mma_pipe_cuda");
  }
  lb::kernels::packed_mma_pipe_cuda_enable(true);  // opt-in by default: this test is about it
  check_fallbacks();
  for (bool with_workspace : {true, false}) {  // x laid out once (XP kernel), then raw x
    use_workspace = with_workspace;
    std::printf("test_packed_mma_pipe_cuda: %s the A-fragment workspace\n", with_workspace ? "with" : "without");
    run_cases();
  }
  lb::kernels::packed_mma_pipe_cuda_set_vec_out(true);  // split-k sums by 16-byte atomics (LOWBIT_MMA_PIPE_VEC_OUT=1)
  use_workspace = true;
  std::printf("test_packed_mma_pipe_cuda: with 16-byte split-k atomics\n");
  run_cases();
  lb::kernels::packed_mma_pipe_cuda_set_vec_out(false);
  for (bool with_workspace : {true, false}) {  // the weight copies in fragment order (LOWBIT_MMA_PIPE_COALESCED=0)
    lb::kernels::packed_mma_pipe_cuda_set_coalesced(false);
    use_workspace = with_workspace;
    std::printf("test_packed_mma_pipe_cuda: with fragment-order weight copies, %s the A-fragment workspace\n",
                with_workspace ? "with" : "without");
    run_cases();
  }
  lb::kernels::packed_mma_pipe_cuda_set_coalesced(true);
  std::printf("test_packed_mma_pipe_cuda: %d cases; worst relative error vs reference %.3g, vs old mma / FMA %.3g\n",
              cases, worst_reference, worst_old);
  return check::finish("test_packed_mma_pipe_cuda");
}
