// The tensor-core packed matmul on a CUDA device, torch-free (links the kernel objects): at real shapes
// (4096 x 4096, 11008 x 4096, 28672 x 8192; bits 2/3/4; m 5..100; x f16/bf16/f32; scales f16/bf16/f32) its y
// against the FMA kernel's y on the same inputs (packed_mma_cuda_enable(false)), which
// test_packed_linear_cuda checks against the reference; the 16-bit y_out copy; which kernel ran. Skips
// without a device. The small-shape edges against a double reference are in test_packed_linear_cuda.
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

namespace {

bool ok(cudaError_t e, const std::string& what) {
  if (e == cudaSuccess) return true;
  check::fail(__FILE__, __LINE__, what + ": " + cudaGetErrorString(e));
  return false;
}

template <class T>
T* upload(const std::vector<T>& host) {
  void* p = nullptr;
  if (!ok(cudaMalloc(&p, host.size() * sizeof(T) + 16), "cudaMalloc")) return nullptr;
  ok(cudaMemcpy(p, host.data(), host.size() * sizeof(T), cudaMemcpyHostToDevice), "cudaMemcpy");
  return static_cast<T*>(p);
}

uint16_t to16(float v, int dtype) {  // f16 (1) or bf16 (2), round to nearest even (CUDA's host conversions)
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
double relative_difference(const std::vector<float>& a, const std::vector<float>& b) {
  double err = 0.0, ref = 0.0;
  for (size_t i = 0; i < a.size(); ++i) {
    const double d = static_cast<double>(a[i]) - b[i];
    err += d * d;
    ref += static_cast<double>(b[i]) * b[i];
  }
  return ref > 0.0 ? std::sqrt(err / ref) : std::sqrt(err);
}

int cases = 0;
double worst_exact = 0.0, worst_rounded = 0.0;

// out x in, bits, group; x / scales dtype (0 f32, 1 f16, 2 bf16); y_out dtype (0: none)
void compare(int bits, int64_t out, int64_t in, int64_t group, int64_t m, int xdtype, int sdtype, int ydtype) {
  std::mt19937 rng(static_cast<uint32_t>(bits * 131 + out + in * 3 + group * 7 + m * 11 + xdtype));
  const int64_t groups = (in + group - 1) / group;
  std::vector<uint32_t> qw(static_cast<size_t>(in * bits / 32 * out)), qz(static_cast<size_t>(groups * out * bits / 32));
  for (auto& v : qw) v = rng();
  for (auto& v : qz) v = rng();
  std::normal_distribution<float> normal(0.0f, 1.0f);
  std::vector<float> sf(static_cast<size_t>(groups * out)), xf(static_cast<size_t>(m * in));
  for (auto& v : sf) v = 0.002f + 0.01f * std::fabs(normal(rng));
  for (auto& v : xf) v = normal(rng);
  std::vector<uint16_t> s16(sf.size()), x16(xf.size());
  for (size_t i = 0; i < sf.size(); ++i) s16[i] = to16(sf[i], sdtype == 0 ? 1 : sdtype);
  for (size_t i = 0; i < xf.size(); ++i) x16[i] = to16(xf[i], xdtype == 0 ? 1 : xdtype);
  uint32_t* dqw = upload(qw);
  uint32_t* dqz = upload(qz);
  void* ds = sdtype == 0 ? static_cast<void*>(upload(sf)) : static_cast<void*>(upload(s16));
  void* dx = xdtype == 0 ? static_cast<void*>(upload(xf)) : static_cast<void*>(upload(x16));
  float *dy = nullptr, *dy_fma = nullptr;
  void* dy16 = nullptr;
  const size_t count = static_cast<size_t>(m * out);
  ok(cudaMalloc(reinterpret_cast<void**>(&dy), count * 4), "cudaMalloc");
  ok(cudaMalloc(reinterpret_cast<void**>(&dy_fma), count * 4), "cudaMalloc");
  ok(cudaMalloc(&dy16, count * 2), "cudaMalloc");
  lb::kernels::PackedLinearCudaArgs a{};
  a.x = dx;
  a.x_dtype = xdtype;
  a.m = m;
  a.in = in;
  a.out = out;
  a.qweight = reinterpret_cast<const int32_t*>(dqw);
  a.qzeros = reinterpret_cast<const int32_t*>(dqz);
  a.zero_offset = static_cast<int>(m & 1);
  a.scales = ds;
  a.scales_dtype = sdtype;
  a.group_size = group;
  a.bits = bits;
  a.y = dy;
  a.y_out = ydtype != 0 ? dy16 : nullptr;
  a.y_out_dtype = ydtype;
  const std::string what = "bits=" + std::to_string(bits) + " " + std::to_string(out) + "x" + std::to_string(in) +
                           " group=" + std::to_string(group) + " m=" + std::to_string(m) +
                           " x dtype=" + std::to_string(xdtype) + " scales dtype=" + std::to_string(sdtype);
  const std::string kernel = lb::kernels::packed_linear_cuda_kernel_name(a);
  const bool tensor_cores = kernel == "mma" || kernel == "mma_pipe";
  CHECK(m >= 5 ? tensor_cores : !tensor_cores);
  ok(lb::kernels::packed_linear_cuda(a, 0), "mma launch " + what);
  ok(cudaDeviceSynchronize(), "mma run " + what);
  lb::kernels::packed_mma_cuda_enable(false);
  const std::string fma_kernel = lb::kernels::packed_linear_cuda_kernel_name(a);
  CHECK(fma_kernel != "mma" && fma_kernel != "mma_pipe");
  lb::kernels::PackedLinearCudaArgs b = a;
  b.y = dy_fma;
  b.y_out = nullptr;
  ok(lb::kernels::packed_linear_cuda(b, 0), "fma launch " + what);
  ok(cudaDeviceSynchronize(), "fma run " + what);
  lb::kernels::packed_mma_cuda_enable(true);
  std::vector<float> y(count), y_fma(count);
  std::vector<uint16_t> y16(count);
  ok(cudaMemcpy(y.data(), dy, count * 4, cudaMemcpyDeviceToHost), "copy y");
  ok(cudaMemcpy(y_fma.data(), dy_fma, count * 4, cudaMemcpyDeviceToHost), "copy y");
  ok(cudaMemcpy(y16.data(), dy16, count * 2, cudaMemcpyDeviceToHost), "copy y_out");
  ++cases;
  const int unit = bits == 4 ? 8 : bits == 2 ? 16 : 32;
  const bool fold = group % (4 * unit) == 0 || group >= in;  // else 16-bit rounded weights (bits 2 / 3)
  const double e = relative_difference(y, y_fma);
  (fold ? worst_exact : worst_rounded) = std::fmax(fold ? worst_exact : worst_rounded, e);
  if (!(e < (fold ? 1e-4 : 5e-3))) {
    check::fail(__FILE__, __LINE__, what + ": tensor-core vs FMA kernel relative difference " + std::to_string(e));
  }
  if (ydtype != 0) {
    size_t bad = 0;
    for (size_t i = 0; i < count; ++i) {
      if (y16[i] != to16(y[i], ydtype)) ++bad;
    }
    if (bad > 0) check::fail(__FILE__, __LINE__, what + ": y_out differs from y rounded in " + std::to_string(bad) + " places");
  }
  for (void* p : {static_cast<void*>(dqw), static_cast<void*>(dqz), ds, dx, static_cast<void*>(dy),
                  static_cast<void*>(dy_fma), dy16}) {
    cudaFree(p);
  }
}

}  // namespace

int main() {
  int devices = 0;
  if (cudaGetDeviceCount(&devices) != cudaSuccess || devices == 0) {
    std::printf("test_packed_mma_cuda: SKIPPED (no CUDA device)\n");
    return check::finish("test_packed_mma_cuda");
  }
  //      bits out    in    group  m   x  s  y_out
  compare(4, 4096, 4096, 128, 5, 1, 1, 1);
  compare(4, 4096, 4096, 128, 16, 2, 1, 2);
  compare(4, 4096, 4096, 128, 17, 0, 0, 0);
  compare(4, 4096, 4096, 128, 64, 1, 2, 0);
  compare(4, 4096, 4096, 32, 100, 1, 1, 1);
  compare(4, 4096, 4096, 4096, 33, 2, 1, 0);  // per channel
  compare(4, 4096, 4096, 128, 4, 1, 1, 0);    // m = 4: the FMA kernel both times
  compare(4, 28672, 8192, 128, 16, 1, 1, 1);
  compare(3, 28672, 8192, 128, 16, 1, 1, 0);
  compare(2, 28672, 8192, 64, 16, 2, 2, 2);
  compare(3, 11008, 4096, 64, 33, 1, 1, 0);   // groups below a bits-3 k-step: rounded weights
  compare(2, 4096, 4096, 32, 7, 0, 1, 0);     // groups below a bits-2 k-step
  compare(3, 4096, 4096, 128, 48, 0, 2, 1);
  compare(2, 11008, 4096, 128, 100, 2, 0, 2);
  std::printf("test_packed_mma_cuda: %d cases; worst tensor-core vs FMA relative difference %.3g (exact modes), "
              "%.3g (rounded weights)\n", cases, worst_exact, worst_rounded);
  return check::finish("test_packed_mma_cuda");
}
