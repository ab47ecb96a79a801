// The fused VPTQ column-block kernel (kernels/cuda/vptq_block_cuda.cu) on a device against its CPU reference
// under the same (expanded, fma) score: indices equal, floats equal to within a few ulps (both are built
// without contraction). Fixed-length (2, 4, 6, 8) and runtime-length (3, 16, 32) instances, codebooks in shared
// memory and too large for it, residual codebook, no error feedback, two calls of different codebooks in one
// block (the second reads the first's write-back). Torch-free: links the kernel objects. Skips without a device.
#include <cuda_runtime_api.h>

#include <cmath>
#include <cstdio>
#include <string>
#include <vector>

#include "check.h"
#include "kernels/cuda/vptq_block_cuda.h"
#include "vptq_block_problem.h"

namespace {

using lb::kernels::kVptqScoreExpanded;
using vptq_test::Outputs;
using vptq_test::Problem;

bool ok(cudaError_t e, const char* what) {
  if (e == cudaSuccess) return true;
  check::fail(__FILE__, __LINE__, std::string(what) + ": " + cudaGetErrorString(e));
  return false;
}

template <class T>
struct Device {
  T* p = nullptr;
  size_t n = 0;
  explicit Device(const std::vector<T>& host) : n(host.size()) {
    if (ok(cudaMalloc(reinterpret_cast<void**>(&p), sizeof(T) * (n > 0 ? n : 1)), "cudaMalloc") && n > 0) {
      ok(cudaMemcpy(p, host.data(), sizeof(T) * n, cudaMemcpyHostToDevice), "cudaMemcpy");
    }
  }
  std::vector<T> get() const {
    std::vector<T> h(n);
    if (n > 0) ok(cudaMemcpy(h.data(), p, sizeof(T) * n, cudaMemcpyDeviceToHost), "cudaMemcpy back");
    return h;
  }
  ~Device() { cudaFree(p); }
  Device(const Device&) = delete;
  Device& operator=(const Device&) = delete;
};

// Device buffers of one problem's inputs and outputs.
struct OnDevice {
  Device<float> w, q_all, err, residual, scale, bias, u, centroids, res_centroids;
  Device<int32_t> indices, res_indices;
  OnDevice(const Problem& p, const Outputs& o)
      : w(o.w), q_all(o.q_all), err(o.err), residual(o.residual), scale(p.scale), bias(p.bias), u(p.u),
        centroids(p.centroids), res_centroids(p.res_centroids), indices(o.indices), res_indices(o.res_indices) {}
  lb::kernels::VptqBlockArgs args(const Problem& p) {
    return vptq_test::args_for(p, w.p, q_all.p, err.p, residual.p, indices.p, res_indices.p, scale.p, bias.p, u.p,
                               centroids.p, res_centroids.p, kVptqScoreExpanded);
  }
  Outputs get() const { return Outputs{w.get(), q_all.get(), err.get(), residual.get(), indices.get(), res_indices.get()}; }
};

size_t mismatches(const std::vector<int32_t>& a, const std::vector<int32_t>& b) {
  size_t n = a.size() == b.size() ? 0 : 1;
  for (size_t i = 0; i < a.size() && i < b.size(); ++i) n += a[i] != b[i];
  return n;
}

// |a - b| <= 1e-6 * (1 + |a|): the two sides evaluate the same rounding sequence, so this is near-exact.
size_t float_mismatches(const std::vector<float>& a, const std::vector<float>& b) {
  size_t n = a.size() == b.size() ? 0 : 1;
  for (size_t i = 0; i < a.size() && i < b.size(); ++i) n += !(std::fabs(a[i] - b[i]) <= 1e-6f * (1.0f + std::fabs(a[i])));
  return n;
}

// w row-major [rows, ld] outside columns [skip0, skip1): the columns a call quantizes are left in an unspecified
// state (the contract updates only the block's columns after c1 in place; the CPU reference also writes the
// in-block ones, the kernel keeps them in shared memory).
size_t w_mismatches(const std::vector<float>& a, const std::vector<float>& b, int64_t ld, int64_t skip0, int64_t skip1) {
  if (a.size() != b.size() || ld <= 0) return 1;
  size_t n = 0;
  for (size_t i = 0; i < a.size(); ++i) {
    const int64_t col = (int64_t)(i % (size_t)ld);
    if (col >= skip0 && col < skip1) continue;
    n += !(std::fabs(a[i] - b[i]) <= 1e-6f * (1.0f + std::fabs(a[i])));
  }
  return n;
}

int cases = 0;

// skip0 / skip1: w's columns quantized by the call(s), not compared
void compare(const std::string& what, const Outputs& want, const Outputs& got, int64_t ld, int64_t skip0, int64_t skip1) {
  ++cases;
  const size_t bad_idx = mismatches(want.indices, got.indices) + mismatches(want.res_indices, got.res_indices);
  const size_t bad_f = float_mismatches(want.q_all, got.q_all) + float_mismatches(want.err, got.err) +
                       float_mismatches(want.residual, got.residual) + w_mismatches(want.w, got.w, ld, skip0, skip1);
  CHECK(bad_idx == 0);
  CHECK(bad_f == 0);
  if (bad_idx != 0 || bad_f != 0) std::printf("test_vptq_fused_cuda %s: %zu index, %zu float mismatches\n", what.c_str(), bad_idx, bad_f);
}

void run_case(Problem p, const std::string& what) {
  const Outputs want = vptq_test::run_cpu(p, kVptqScoreExpanded);
  Outputs start = vptq_test::fresh_outputs(p);
  OnDevice d(p, start);
  ok(lb::kernels::vptq_block_cuda(d.args(p), nullptr), "vptq_block_cuda");
  ok(cudaDeviceSynchronize(), "vptq_block_cuda (sync)");
  compare(what, want, d.get(), p.n, p.b0 + p.c0, p.b0 + p.c1);
}

void test_single_calls() {
  struct C { int64_t m, n; int v; int64_t k, k_res, b0, count, c0, c1; bool separated, feedback, residual; };
  const C list[] = {
      {37, 29, 2, 7, 0, 8, 13, 2, 11, false, true, true},    {37, 29, 4, 256, 5, 8, 13, 0, 13, false, true, true},
      {45, 40, 6, 1, 0, 0, 16, 0, 16, false, true, false},   {45, 40, 8, 256, 0, 16, 16, 3, 16, false, false, true},
      {45, 40, 3, 7, 4, 5, 7, 1, 6, false, true, true},      {61, 20, 16, 33, 3, 4, 9, 0, 9, false, true, true},
      {70, 12, 32, 5, 2, 0, 12, 0, 12, false, true, true},   {45, 40, 4, 7, 0, 8, 13, 2, 11, true, true, true},
      {1023, 200, 4, 4096, 0, 64, 128, 0, 128, false, true, false},   // centroids in shared memory
      {385, 150, 6, 4096, 256, 0, 128, 5, 100, false, true, true},
      {131, 50, 4, 20000, 0, 13, 37, 0, 37, false, true, true},       // centroids read from global memory
      {97, 50, 2, 65536, 16, 0, 50, 0, 50, false, true, true},
  };
  for (const C& c : list) {
    Problem p = vptq_test::make_problem(7 + c.m + c.v + c.k, c.m, c.n, c.v, c.k, c.k_res, c.b0, c.count, c.c0, c.c1, c.separated);
    p.feedback = c.feedback;
    p.record_residual = c.residual;
    run_case(p, "m=" + std::to_string(c.m) + " v=" + std::to_string(c.v) + " k=" + std::to_string(c.k) +
                    " k_res=" + std::to_string(c.k_res));
  }
}

// Two codebooks (v = 4 then v = 3) in one block: the second call starts from the first's in-place update.
void test_two_segments() {
  Problem a = vptq_test::make_problem(91, 53, 40, 4, 16, 0, 8, 24, 0, 9, false);
  Problem b = vptq_test::make_problem(92, 53, 40, 3, 9, 4, 8, 24, 9, 24, false);
  b.w = a.w;
  b.scale = a.scale;
  b.bias = a.bias;
  b.u = a.u;
  // CPU: both calls on one set of w / q_all / err buffers
  Outputs ca = vptq_test::fresh_outputs(a), cb = vptq_test::fresh_outputs(b);
  lb::kernels::vptq_block_cpu(vptq_test::args_for(a, ca.w.data(), ca.q_all.data(), ca.err.data(), ca.residual.data(),
                                                  ca.indices.data(), ca.res_indices.data(), a.scale.data(), a.bias.data(),
                                                  a.u.data(), a.centroids.data(), a.res_centroids.data(), kVptqScoreExpanded), 1);
  lb::kernels::vptq_block_cpu(vptq_test::args_for(b, ca.w.data(), ca.q_all.data(), ca.err.data(), cb.residual.data(),
                                                  cb.indices.data(), cb.res_indices.data(), b.scale.data(), b.bias.data(),
                                                  b.u.data(), b.centroids.data(), b.res_centroids.data(), kVptqScoreExpanded), 1);
  OnDevice da(a, vptq_test::fresh_outputs(a)), db(b, vptq_test::fresh_outputs(b));
  lb::kernels::VptqBlockArgs second = db.args(b);
  second.w = da.w.p;  // shared w / q_all / err
  second.q_all = da.q_all.p;
  second.err = da.err.p;
  ok(lb::kernels::vptq_block_cuda(da.args(a), nullptr), "first call");
  ok(lb::kernels::vptq_block_cuda(second, nullptr), "second call");
  ok(cudaDeviceSynchronize(), "two calls (sync)");
  Outputs ga = da.get(), gb = db.get();
  compare("two segments, shared buffers", ca, ga, a.n, a.b0 + a.c0, b.b0 + b.c1);
  cb.w = ca.w, cb.q_all = ca.q_all, cb.err = ca.err;
  gb.w = ga.w, gb.q_all = ga.q_all, gb.err = ga.err;
  compare("two segments, second codebook", cb, gb, a.n, a.b0 + a.c0, b.b0 + b.c1);
}

void test_bad_arguments() {
  Problem p = vptq_test::make_problem(5, 9, 8, 4, 3, 0, 0, 8, 0, 8, false);
  OnDevice d(p, vptq_test::fresh_outputs(p));
  lb::kernels::VptqBlockArgs a = d.args(p);
  a.score = lb::kernels::kVptqScoreExact;
  CHECK(lb::kernels::vptq_block_cuda(a, nullptr) == cudaErrorInvalidValue);
  a = d.args(p);
  a.c1 = 9;  // past the block
  CHECK(lb::kernels::vptq_block_cuda(a, nullptr) == cudaErrorInvalidValue);
  CHECK(!lb::kernels::vptq_block_cuda_supported(32, 1024));
  CHECK(lb::kernels::vptq_block_cuda_supported(8, 1024));
}

}  // namespace

int main() {
  int devices = 0;
  if (cudaGetDeviceCount(&devices) != cudaSuccess || devices == 0) {
    (void)cudaGetLastError();
    std::printf("test_vptq_fused_cuda: no CUDA device, skipped\n");
    return 0;
  }
  test_single_calls();
  test_two_segments();
  test_bad_arguments();
  std::printf("test_vptq_fused_cuda: %d cases\n", cases);
  return check::finish("test_vptq_fused_cuda");
}
