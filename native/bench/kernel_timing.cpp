// CUDA-event timings of lowbit's packed int2/3/4 matmul and VQ GEMV kernels, torch-free (links the kernel
// objects directly). Protocol (specs/kernels.md): median of 50 timed runs after 10 warm-ups, each run on
// the next of >= 4 weight copies (enough copies that they exceed twice the L2), one event pair per run.
// Prints one line per case: "lowbit <kernel> m<m> <out>x<in> <median us> <min us>", and for the packed
// matmul first "kernel <case>: <name>" (which CUDA kernel runs it: gemv_dp4a_r<rows>, mma or tiled); shapes the
// GEMV or the tensor-core kernel take are also timed on the tiled kernel ("lowbit <kernel> m<m> <out>x<in> tiled
// <median> <min>", A/B in the same run), GEMV shapes also on the GEMV's previous settings, two-stage runs and scalar atomics ("... prev
// <median> <min>") and without the quantized-x workspace, every warp quantizing its x ("... warpq <median> <min>"); shapes the pipelined tensor-core kernel (mma_pipe) takes are also timed on the old tensor-core kernel ("... mma <median> <min>") and on raw x, without the A-fragment workspace ("... rawx <median> <min>"). --mma: only the old-vs-pipelined A/B of issue 7's m = 16 /
// 64 shapes (bits 4 g128, 3 g128, 2 g64 at 28672x8192, 11008x4096, 4096x4096), no tiled A/B. Every VQ case is
// timed on the default GEMV (the wide one where it applies) and the column-stationary one ("... old <median> <min>"; LOWBIT_VQ_GEMV),
// and "wide" one ("... wide"), and where the layout takes banked indices on them ("... banked <median> <min>"; their computation
// once: "prep <case> banked indices: <us>"), the outputs compared ("check <case>: ... relative difference");
// --gemv-plan: the GEMV at decode-sized shapes with its shortest run per warp at 1 (the default), 2 and
// 4 stages, each with 16-byte and with scalar atomics ("lowbit <kernel> m1 <out>x<in> runs<stages>[ scalar] <median>
// <min>").
// --mma-vecout: mma_pipe at m = 16 / 64 with its split-k sums added by scalar ("... vecout0") or 16-byte atomics
// ("... vecout1"), three interleaved rounds.
// --mma-coalesced: mma_pipe with its weight copies in the fragment's lane order ("... coal0") or row by row ("... coal1";
// LOWBIT_MMA_PIPE_COALESCED), three interleaved rounds: int4 / int2 / int3 m = 16 and int4 / int2 m = 64 at
// 28672 x 8192, int4 m = 16 at 11008 x 4096, 4096 x 4096 and 4096 x 11008.
// --gemv-parts: the m = 1 call whole ("... full") and its GEMV alone on x quantized once before ("... gemvonly",
// packed_gemv_cuda_accumulate_prepared), three interleaved rounds, int2 g64 / int4 g128 at 28672 x 8192 and 256 x 256;
// then int2 / int4 at g64 and g128 (28672 x 8192, the default kernel, three rounds).
// --gemv-fold: the m = 1 GEMV without ("... fold0") and with the group fold ("... fold1"; LOWBIT_GEMV_FOLD), three
// interleaved rounds, at 28672 x 8192 (int2 g64, int4 g128, int3 g128) and the 7B decode shapes (int4 g128, int2 g64).
// --one BITS GROUP M OUT IN: that packed case on the default kernel only (one row; for Nsight Compute).
// --vq: only those VQ A/B cases (v8/v6/v4 k4096, v2 k256 at 28672x8192; v8/v6 k4096 at 4096x4096; v8 + 1% outliers).
#include <cuda_runtime_api.h>

#include <algorithm>
#include <cmath>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <random>
#include <string>
#include <utility>
#include <vector>

#include "kernels/cuda/packed_gemv_cuda.h"
#include "kernels/cuda/packed_matmul_cuda.h"
#include "kernels/cuda/packed_mma_cuda.h"
#include "kernels/cuda/packed_mma_pipe_cuda.h"
#include "kernels/cuda/vq_matmul_cuda.h"

namespace {

constexpr int kRuns = 50;
constexpr int kWarmup = 10;

void check(cudaError_t e, const char* what) {
  if (e != cudaSuccess) {
    std::fprintf(stderr, "kernel_timing: %s: %s\n", what, cudaGetErrorString(e));
    std::exit(1);
  }
}

// Random words for the weights: generated once (xorshift), copied as needed (copies may share content).
const std::vector<uint32_t>& random_words(size_t words) {
  static std::vector<uint32_t> pool;
  if (pool.size() < words) {
    pool.resize(words);
    uint32_t state = 0x9E3779B9u;
    for (auto& v : pool) {
      state ^= state << 13;
      state ^= state >> 17;
      state ^= state << 5;
      v = state;
    }
  }
  return pool;
}

void* device_random(size_t bytes, uint32_t seed, bool half_values) {
  const size_t words = (bytes + 3) / 4;
  void* p = nullptr;
  check(cudaMalloc(&p, words * 4), "cudaMalloc");
  if (half_values) {
    std::vector<uint32_t> host(words);
    std::mt19937 rng(seed);
    for (auto& v : host) v = (rng() & 0x83FF83FFu) | 0x30003000u;  // two f16 in [2^-3, 2^-2), random signs
    check(cudaMemcpy(p, host.data(), words * 4, cudaMemcpyHostToDevice), "cudaMemcpy");
  } else {
    check(cudaMemcpy(p, random_words(words).data(), words * 4, cudaMemcpyHostToDevice), "cudaMemcpy");
  }
  return p;
}

int copies_for(size_t bytes_per_copy) {
  int device = 0, l2 = 0;
  check(cudaGetDevice(&device), "cudaGetDevice");
  check(cudaDeviceGetAttribute(&l2, cudaDevAttrL2CacheSize, device), "L2 size");
  size_t copies = (2 * static_cast<size_t>(l2) + bytes_per_copy - 1) / bytes_per_copy;
  return static_cast<int>(std::clamp<size_t>(copies, 4, 64));
}

template <class Launch>
void time_case(const std::string& name, int copies, Launch&& launch) {
  std::vector<cudaEvent_t> start(kRuns), stop(kRuns);
  for (int i = 0; i < kRuns; ++i) {
    check(cudaEventCreate(&start[i]), "event");
    check(cudaEventCreate(&stop[i]), "event");
  }
  for (int i = 0; i < kWarmup; ++i) check(launch(i % copies), "warm-up launch");
  check(cudaDeviceSynchronize(), "warm-up");
  for (int i = 0; i < kRuns; ++i) {
    check(cudaEventRecord(start[i], 0), "record");
    check(launch((kWarmup + i) % copies), "launch");
    check(cudaEventRecord(stop[i], 0), "record");
  }
  check(cudaDeviceSynchronize(), "runs");
  std::vector<float> us(kRuns);
  for (int i = 0; i < kRuns; ++i) {
    float ms = 0.0f;
    check(cudaEventElapsedTime(&ms, start[i], stop[i]), "elapsed");
    us[i] = ms * 1000.0f;
    cudaEventDestroy(start[i]);
    cudaEventDestroy(stop[i]);
  }
  std::sort(us.begin(), us.end());
  std::printf("lowbit %s %.2f %.2f\n", name.c_str(), us[kRuns / 2], us[0]);
  std::fflush(stdout);
}

// plan_sweep: instead of the A/B rows, the GEMV with its shortest run per warp at 1 (the default), 2 and 4
// stages, each with 16-byte and scalar atomics ("... runs<stages>[ scalar] <median> <min>").
enum class Rows { kAll, kOne, kVecOut, kFold, kCoalesced, kParts };

void packed_case(int bits, int64_t group, int64_t m, int64_t out, int64_t in, bool tiled_ab = true,
                 bool plan_sweep = false, Rows rows = Rows::kAll) {
  const int64_t groups = (in + group - 1) / group;
  const size_t qw = static_cast<size_t>(in * bits / 32 * out) * 4;
  const size_t qz = static_cast<size_t>(groups * out * bits / 32) * 4;
  const size_t sc = static_cast<size_t>(groups * out) * 2;
  const int copies = copies_for(qw + qz + sc);
  std::vector<void*> qweight(copies), qzeros(copies), scales(copies);
  for (int c = 0; c < copies; ++c) {
    qweight[c] = device_random(qw, 11 + c, false);
    qzeros[c] = device_random(qz, 101 + c, false);
    scales[c] = device_random(sc, 1001 + c, true);
  }
  void* x = device_random(static_cast<size_t>(m * in) * 2, 7, true);
  float* y = nullptr;
  void* y16 = nullptr;
  check(cudaMalloc(reinterpret_cast<void**>(&y), static_cast<size_t>(m * out) * 4), "cudaMalloc");
  check(cudaMalloc(&y16, static_cast<size_t>(m * out) * 2), "cudaMalloc");
  const std::string name = "int" + std::to_string(bits) + "_g" + std::to_string(group) + " m" + std::to_string(m) + " " +
                           std::to_string(out) + "x" + std::to_string(in);
  auto args = [&](int c, int out16) {
    lb::kernels::PackedLinearCudaArgs a{};
    a.x = x;
    a.x_dtype = lb::kernels::kPackedF16;
    a.m = m;
    a.in = in;
    a.out = out;
    a.qweight = static_cast<const int32_t*>(qweight[c]);
    a.qzeros = static_cast<const int32_t*>(qzeros[c]);
    a.zero_offset = 0;
    a.scales = scales[c];
    a.scales_dtype = lb::kernels::kPackedF16;
    a.group_size = group;
    a.bits = bits;
    a.y = y;
    a.y_out = out16 ? y16 : nullptr;
    a.y_out_dtype = lb::kernels::kPackedF16;
    return a;
  };
  // the GEMV's quantized-x workspace, as the library's adapter passes it
  const int64_t ws_bytes = lb::kernels::packed_linear_cuda_workspace_bytes(bits, m, in);
  void* ws_data = nullptr;
  if (ws_bytes > 0) check(cudaMalloc(&ws_data, static_cast<size_t>(ws_bytes)), "cudaMalloc");
  const lb::kernels::PackedLinearCudaWorkspace ws{ws_data, ws_bytes};
  const std::string kernel = lb::kernels::packed_linear_cuda_kernel_name(args(0, 0));
  std::printf("kernel %s: %s\n", name.c_str(), kernel.c_str());
  // an A/B switch in three interleaved rounds: set(0) / set(1), each timed as "<name><label>0" / "...1"
  auto switch_rounds = [&](const char* label, auto set) {
    for (int round = 0; round < 3; ++round) {
      for (int on = 0; on <= 1; ++on) {
        set(on);
        time_case(name + label + std::to_string(on), copies,
                  [&](int c) { return lb::kernels::packed_linear_cuda(args(c, 0), 0, ws); });
      }
    }
  };
  if (plan_sweep) {
    for (int stages : {1, 2, 4}) {
      lb::kernels::packed_gemv_cuda_set_min_run_stages(stages);
      for (bool vec : {true, false}) {
        lb::kernels::packed_gemv_cuda_set_vector_atomics(vec ? 1 : 0);
        time_case(name + " runs" + std::to_string(stages) + (vec ? "" : " scalar"), copies,
                  [&](int c) { return lb::kernels::packed_linear_cuda(args(c, 0), 0, ws); });
      }
    }
    lb::kernels::packed_gemv_cuda_set_min_run_stages(0);
    lb::kernels::packed_gemv_cuda_set_vector_atomics(-1);
  } else if (rows == Rows::kVecOut) {  // mma_pipe's split-k sums by scalar ("vecout0") or 16-byte atomics
    switch_rounds(" vecout", [](int on) { lb::kernels::packed_mma_pipe_cuda_set_vec_out(on == 1); });
    lb::kernels::packed_mma_pipe_cuda_set_vec_out(false);
  } else if (rows == Rows::kCoalesced) {  // mma_pipe's weight copies in fragment order ("coal0") or row by row ("coal1")
    switch_rounds(" coal", [](int on) { lb::kernels::packed_mma_pipe_cuda_set_coalesced(on == 1); });
    lb::kernels::packed_mma_pipe_cuda_set_coalesced(true);
  } else if (rows == Rows::kParts) {  // the whole m = 1 call ("full": quantize_x + GEMV) and the GEMV alone on x quantized
    // once before ("gemv only": packed_gemv_cuda_accumulate_prepared, one launch adding onto y), interleaved
    check(lb::kernels::packed_linear_cuda(args(0, 0), 0, ws), "prepare x");
    check(cudaDeviceSynchronize(), "prepare x");
    for (int round = 0; round < 3; ++round) {
      time_case(name + " full", copies, [&](int c) { return lb::kernels::packed_linear_cuda(args(c, 0), 0, ws); });
      time_case(name + " gemvonly", copies,
                [&](int c) { return lb::kernels::packed_gemv_cuda_accumulate_prepared(args(c, 0), ws.data, 0); });
    }
  } else if (rows == Rows::kFold) {  // the m = 1 GEMV without ("fold0") and with the group fold ("fold1")
    switch_rounds(" fold", [](int on) { lb::kernels::packed_gemv_cuda_set_fold(on); });
    lb::kernels::packed_gemv_cuda_set_fold(-1);
  } else if (rows == Rows::kOne) {  // one row: the default kernel (for profilers: launch 11 is the first timed one)
    time_case(name, copies, [&](int c) { return lb::kernels::packed_linear_cuda(args(c, 0), 0, ws); });
  } else {
    if (kernel == "mma_pipe") {  // A/B: the old tensor-core kernel on the same shape, and mma_pipe on raw x
      lb::kernels::packed_mma_pipe_cuda_enable(false);
      time_case(name + " mma", copies, [&](int c) { return lb::kernels::packed_linear_cuda(args(c, 0), 0, ws); });
      lb::kernels::packed_mma_pipe_cuda_enable(true);
      time_case(name + " rawx", copies, [&](int c) { return lb::kernels::packed_linear_cuda(args(c, 0), 0); });
    }
    if (kernel != "tiled" && tiled_ab) {  // A/B: the tiled kernel on the same shape
      lb::kernels::packed_gemv_cuda_set_enabled(false);
      lb::kernels::packed_mma_cuda_enable(false);
      time_case(name + " tiled", copies, [&](int c) { return lb::kernels::packed_linear_cuda(args(c, 0), 0, ws); });
      lb::kernels::packed_gemv_cuda_set_enabled(true);
      lb::kernels::packed_mma_cuda_enable(true);
    }
    if (kernel.rfind("gemv_dp4a", 0) == 0) {  // A/B: x quantized in every warp (no workspace), as before 2026-12-03
      time_case(name + " warpq", copies, [&](int c) { return lb::kernels::packed_linear_cuda(args(c, 0), 0); });
    }
    if (kernel.rfind("gemv_dp4a", 0) == 0) {  // A/B: the GEMV before 2026-12-02's fourth session (two-stage
      lb::kernels::packed_gemv_cuda_set_min_run_stages(2);  // runs, scalar atomics)
      lb::kernels::packed_gemv_cuda_set_vector_atomics(0);
      time_case(name + " prev", copies, [&](int c) { return lb::kernels::packed_linear_cuda(args(c, 0), 0, ws); });
      lb::kernels::packed_gemv_cuda_set_min_run_stages(0);
      lb::kernels::packed_gemv_cuda_set_vector_atomics(-1);
    }
    for (int out16 : {0, 1}) {
      time_case(name + (out16 ? " f16out" : ""), copies,
                [&](int c) { return lb::kernels::packed_linear_cuda(args(c, out16), 0, ws); });
      if (m != 1) break;  // the f16-output variant only matters for decode
    }
  }
  for (int c = 0; c < copies; ++c) {
    cudaFree(qweight[c]);
    cudaFree(qzeros[c]);
    cudaFree(scales[c]);
  }
  cudaFree(x);
  cudaFree(y);
  cudaFree(y16);
  cudaFree(ws_data);
}

void one_case(int bits, int64_t group, int64_t m, int64_t out, int64_t in) {
  packed_case(bits, group, m, out, in, false, false, Rows::kOne);
}

void vq_case(int v, int k, int64_t out, int64_t in, int64_t outliers) {
  lb::kernels::VqLayout l{};
  l.rows = out;
  l.cols = in;
  l.v = v;
  l.k = k;
  l.k_res = 0;
  l.v0 = 4;
  l.k0 = 4096;
  l.groups = 1;
  l.outliers = outliers;
  l.group_size = in - outliers;
  l.main_bits = 0;
  while ((1 << l.main_bits) < k) ++l.main_bits;
  l.index_bits = l.main_bits;
  l.row_words = (l.group_size * l.index_bits + 31) / 32;
  l.vector_rows = (out + v - 1) / v;
  l.outlier_vector_rows = (out + l.v0 - 1) / l.v0;
  const size_t idx_bytes = static_cast<size_t>(l.vector_rows * l.row_words) * 4;
  const int copies = copies_for(idx_bytes);
  std::vector<void*> indices(copies);
  for (int c = 0; c < copies; ++c) indices[c] = device_random(idx_bytes, 31 + c, false);
  void* centroids = device_random(static_cast<size_t>(k) * v * 2, 3, true);
  void* oc = device_random(static_cast<size_t>(l.k0) * l.v0 * 2, 4, true);
  std::vector<uint16_t> oidx_h(static_cast<size_t>(l.outlier_vector_rows * (outliers > 0 ? outliers : 1)));
  std::vector<uint16_t> perm_h(static_cast<size_t>(in));
  std::mt19937 rng(5);
  for (auto& o : oidx_h) o = static_cast<uint16_t>(rng() % l.k0);
  for (int64_t i = 0; i < in; ++i) perm_h[static_cast<size_t>(i)] = static_cast<uint16_t>(i);
  std::shuffle(perm_h.begin(), perm_h.end(), rng);
  void *oidx = nullptr, *perm = nullptr;
  check(cudaMalloc(&oidx, oidx_h.size() * 2), "cudaMalloc");
  check(cudaMemcpy(oidx, oidx_h.data(), oidx_h.size() * 2, cudaMemcpyHostToDevice), "cudaMemcpy");
  check(cudaMalloc(&perm, perm_h.size() * 2), "cudaMalloc");
  check(cudaMemcpy(perm, perm_h.data(), perm_h.size() * 2, cudaMemcpyHostToDevice), "cudaMemcpy");
  void* scale = device_random(static_cast<size_t>(in) * 2, 8, true);
  void* bias = device_random(static_cast<size_t>(in) * 2, 9, true);
  void* x = device_random(static_cast<size_t>(in) * 2, 10, true);
  float *y = nullptr, *ws = nullptr;
  check(cudaMalloc(reinterpret_cast<void**>(&y), static_cast<size_t>(out) * 4), "cudaMalloc");
  check(cudaMalloc(reinterpret_cast<void**>(&ws), static_cast<size_t>(in + 1) * 4), "cudaMalloc");
  int device = 0, max_shared = 0;
  check(cudaGetDevice(&device), "device");
  check(cudaDeviceGetAttribute(&max_shared, cudaDevAttrMaxSharedMemoryPerBlockOptin, device), "smem");
  if (const char* why = lb::kernels::vq_linear_cuda_unsupported(l, max_shared)) {
    std::printf("lowbit vq_v%dk%d m1 %ldx%ld unsupported: %s\n", v, k, static_cast<long>(out), static_cast<long>(in), why);
    return;
  }
  const std::string name = "vq_v" + std::to_string(v) + "k" + std::to_string(k) + (outliers > 0 ? "_outl1pct" : "") +
                           " m1 " + std::to_string(out) + "x" + std::to_string(in);
  // A/B in the same run: the default (unsuffixed line: the tensor-core kernel where it applies), the
  // column-stationary "old" one, the "wide" one, and where the layout takes banked indices the default kernel with
  // them ("banked"; their one-off computation is timed on the first copy: "prep")
  int sms = 0;
  check(cudaDeviceGetAttribute(&sms, cudaDevAttrMultiProcessorCount, device), "SMs");
  const int64_t bank_count = lb::kernels::vq_bank_index_count(l, max_shared);
  std::vector<uint16_t*> banked(bank_count > 0 ? copies : 0, nullptr);
  for (int c = 0; c < static_cast<int>(banked.size()); ++c) {
    check(cudaMalloc(reinterpret_cast<void**>(&banked[c]), static_cast<size_t>(bank_count) * 2), "cudaMalloc");
    lb::kernels::VqWeightsCuda w{};
    w.indices = static_cast<const uint32_t*>(indices[c]);
    cudaEvent_t a, b;
    check(cudaEventCreate(&a), "event");
    check(cudaEventCreate(&b), "event");
    check(cudaEventRecord(a, 0), "record");
    check(lb::kernels::vq_bank_indices_cuda(l, w, banked[c], 0), "banked indices");
    check(cudaEventRecord(b, 0), "record");
    check(cudaEventSynchronize(b), "sync");
    float ms = 0;
    check(cudaEventElapsedTime(&ms, a, b), "elapsed");
    if (c == 0) std::printf("prep %s banked indices: %.1f us (%ld slots)\n", name.c_str(), ms * 1000.0, static_cast<long>(bank_count));
    cudaEventDestroy(a);
    cudaEventDestroy(b);
  }
  std::vector<std::vector<float>> outputs;
  std::vector<std::string> labels;
  // (variant, banked): the default, "old", "wide", then the default kernel on the banked indices
  const std::pair<int, bool> variants[] = {{-1, false}, {0, false}, {1, false}, {-1, true}};
  for (const auto& [variant, with_banked] : variants) {
    if (with_banked && banked.empty()) break;
    lb::kernels::vq_gemv_cuda_set_variant(variant);
    const std::string kernel = lb::kernels::vq_gemv_cuda_kernel_name(l, false, sms, max_shared, with_banked);
    const std::string suffix = with_banked ? " banked" : variant < 0 ? "" : variant == 0 ? " old" : " wide";
    labels.push_back(suffix.empty() ? "default" : suffix.substr(1));
    std::printf("kernel %s%s: %s\n", name.c_str(), suffix.c_str(), kernel.c_str());
    time_case(name + suffix, copies, [&](int c) {
      lb::kernels::VqWeightsCuda w{};
      w.centroids = centroids;
      w.indices = static_cast<const uint32_t*>(indices[c]);
      w.outlier_centroids = outliers > 0 ? oc : nullptr;
      w.outlier_indices = outliers > 0 ? static_cast<const uint16_t*>(oidx) : nullptr;
      w.perm = static_cast<const uint16_t*>(perm);
      w.weight_scale = scale;
      w.weight_bias = bias;
      w.bank_indices = with_banked ? banked[c] : nullptr;
      return lb::kernels::vq_linear_cuda(l, w, x, 1, y, ws, 0);
    });
    // y of the last timed run (copy (kWarmup + kRuns - 1) % copies) of each variant: the variants must agree
    check(cudaDeviceSynchronize(), "sync");
    outputs.emplace_back(static_cast<size_t>(out));
    check(cudaMemcpy(outputs.back().data(), y, static_cast<size_t>(out) * 4, cudaMemcpyDeviceToHost), "copy y");
  }
  auto rel_diff = [&](size_t a, size_t b) {
    double diff = 0, norm = 0;
    for (size_t i = 0; i < outputs[a].size(); ++i) {
      diff += (static_cast<double>(outputs[a][i]) - outputs[b][i]) * (static_cast<double>(outputs[a][i]) - outputs[b][i]);
      norm += static_cast<double>(outputs[b][i]) * outputs[b][i];
    }
    return std::sqrt(diff / (norm > 0 ? norm : 1));
  };
  for (size_t i = 1; i < outputs.size(); ++i) {
    std::printf("check %s: default vs %s kernel, relative difference %.3g\n", name.c_str(), labels[i].c_str(), rel_diff(0, i));
  }
  for (uint16_t* b : banked) cudaFree(b);
  lb::kernels::vq_gemv_cuda_set_variant(-1);
  for (void* p : indices) cudaFree(p);
  for (void* p : {centroids, oc, oidx, perm, scale, bias, x}) cudaFree(p);
  cudaFree(y);
  cudaFree(ws);
}

}  // namespace

int main(int argc, char** argv) {
  int count = 0;
  if (cudaGetDeviceCount(&count) != cudaSuccess || count == 0) {
    std::printf("kernel_timing: no CUDA device\n");
    return 0;
  }
  // The GEMV rows are the library's default ("prev" A/B rows time two-stage runs with scalar atomics). The
  // tensor-core rows force mma_pipe on wherever it can run, with the previous kernel as the "mma" A/B row; the
  // library itself takes mma_pipe for 4 and 2 bits at every m and for 3 bits up to m = 16 (packed_mma_pipe_cuda.cu).
  lb::kernels::packed_mma_pipe_cuda_enable(true);
  cudaDeviceProp prop{};
  check(cudaGetDeviceProperties(&prop, 0), "properties");
  std::printf("device %s, %d SMs, L2 %d MB\n", prop.name, prop.multiProcessorCount, prop.l2CacheSize >> 20);
  const bool quick = argc > 1 && std::strcmp(argv[1], "--quick") == 0;
  if (argc > 1 && std::strcmp(argv[1], "--mma") == 0) {  // old vs pipelined tensor-core kernel (A/B inside)
    const int64_t mma_shapes[][2] = {{28672, 8192}, {11008, 4096}, {4096, 4096}};
    for (const auto& s : mma_shapes)
      for (const auto& q : {std::pair<int, int64_t>{4, 128}, {3, 128}, {2, 64}})
        for (int64_t m : {int64_t{16}, int64_t{64}}) packed_case(q.first, q.second, m, s[0], s[1], false);
    return 0;
  }
  if (argc > 1 && std::strcmp(argv[1], "--vq") == 0) {  // VQ GEMV old vs new (A/B inside), issue 7's settings
    vq_case(8, 4096, 28672, 8192, 0);
    vq_case(6, 4096, 28672, 8192, 0);
    vq_case(4, 4096, 28672, 8192, 0);
    vq_case(2, 256, 28672, 8192, 0);
    vq_case(8, 4096, 4096, 4096, 0);
    vq_case(6, 4096, 4096, 4096, 0);
    vq_case(8, 4096, 28672, 8192, 8192 / 100);
    return 0;
  }
  if (argc == 7 && std::strcmp(argv[1], "--one") == 0) {  // --one BITS GROUP M OUT IN: the default kernel only
    one_case(std::atoi(argv[2]), std::atoll(argv[3]), std::atoll(argv[4]), std::atoll(argv[5]), std::atoll(argv[6]));
    return 0;
  }
  if (argc > 1 && std::strcmp(argv[1], "--mma-vecout") == 0) {  // mma_pipe: scalar vs 16-byte split-k atomics
    for (const auto& q : {std::pair<int, int64_t>{4, 128}, {2, 64}, {3, 128}}) packed_case(q.first, q.second, 16, 28672, 8192, false, false, Rows::kVecOut);
    packed_case(4, 128, 64, 28672, 8192, false, false, Rows::kVecOut);
    packed_case(4, 128, 16, 11008, 4096, false, false, Rows::kVecOut);
    packed_case(4, 128, 16, 4096, 4096, false, false, Rows::kVecOut);
    return 0;
  }
  if (argc > 1 && std::strcmp(argv[1], "--mma-coalesced") == 0) {  // mma_pipe: fragment-order vs row-by-row copies
    for (const auto& q : {std::pair<int, int64_t>{4, 128}, {2, 64}, {3, 128}}) {
      packed_case(q.first, q.second, 16, 28672, 8192, false, false, Rows::kCoalesced);
    }
    packed_case(4, 128, 64, 28672, 8192, false, false, Rows::kCoalesced);
    packed_case(2, 64, 64, 28672, 8192, false, false, Rows::kCoalesced);
    for (const auto& s : {std::pair<int64_t, int64_t>{11008, 4096}, {4096, 4096}, {4096, 11008}}) {
      packed_case(4, 128, 16, s.first, s.second, false, false, Rows::kCoalesced);
    }
    return 0;
  }
  if (argc > 1 && std::strcmp(argv[1], "--gemv-parts") == 0) {  // what the m = 1 call's quantize_x launch costs, and
    // whether int2's slower byte rate follows its group size: int2 / int4 at g64 and g128 (default kernel, 3 rounds)
    for (const auto& q : {std::pair<int, int64_t>{2, 64}, {4, 128}}) {
      packed_case(q.first, q.second, 1, 28672, 8192, false, false, Rows::kParts);
      packed_case(q.first, q.second, 1, 256, 256, false, false, Rows::kParts);
    }
    for (int round = 0; round < 3; ++round) {
      for (const auto& q : {std::pair<int, int64_t>{2, 64}, {2, 128}, {4, 64}, {4, 128}}) {
        packed_case(q.first, q.second, 1, 28672, 8192, false, false, Rows::kOne);
      }
    }
    return 0;
  }
  if (argc > 1 && std::strcmp(argv[1], "--gemv-fold") == 0) {  // the m = 1 GEMV's group fold: A/B at issue 7's
    for (const auto& q : {std::pair<int, int64_t>{2, 64}, {4, 128}, {3, 128}}) {  // shapes and the 7B decode ones
      packed_case(q.first, q.second, 1, 28672, 8192, false, false, Rows::kFold);
    }
    for (const auto& s : {std::pair<int64_t, int64_t>{4096, 4096}, {12288, 4096}, {22016, 4096}, {4096, 11008}}) {
      packed_case(4, 128, 1, s.first, s.second, false, false, Rows::kFold);
      packed_case(2, 64, 1, s.first, s.second, false, false, Rows::kFold);
    }
    return 0;
  }
  if (argc > 1 && std::strcmp(argv[1], "--gemv-plan") == 0) {  // the decode-sized GEMV shapes, launch-plan sweep
    // the decoder's fused qkv (12288) and gate_up (22016) projections of the 7B shape, o, down, and issue 7's large one
    for (const auto& s : {std::pair<int64_t, int64_t>{4096, 4096}, {12288, 4096}, {22016, 4096}, {4096, 11008},
                          {28672, 8192}}) {
      packed_case(4, 128, 1, s.first, s.second, false, true);
    }
    for (const auto& s : {std::pair<int64_t, int64_t>{4096, 4096}, {22016, 4096}, {4096, 11008}, {28672, 8192}}) {
      packed_case(2, 64, 1, s.first, s.second, false, true);
    }
    return 0;
  }
  if (argc > 1 && std::strcmp(argv[1], "--gemv") == 0) {  // the m <= 4 GEMV shapes of issue 7 only (A/B inside)
    packed_case(4, 128, 1, 4096, 4096);
    for (const auto& q : {std::pair<int, int64_t>{4, 128}, {3, 128}, {2, 64}}) packed_case(q.first, q.second, 1, 28672, 8192);
    packed_case(4, 128, 1, 4096, 14336);  // Llama-3-8B down_proj: long runs over k, 32 column tiles
    for (int64_t m : {int64_t{2}, int64_t{3}, int64_t{4}}) packed_case(4, 128, m, 28672, 8192);
    packed_case(2, 64, 4, 28672, 8192);
    vq_case(8, 4096, 28672, 8192, 0);  // the VQ GEMV target (issue 7): 2-bit VPTQ settings
    vq_case(6, 4096, 28672, 8192, 0);
    return 0;
  }
  const int64_t shapes[][2] = {{4096, 4096}, {11008, 4096}, {28672, 8192}};
  const struct { int bits; int64_t group; } settings[] = {{4, 128}, {3, 128}, {2, 64}, {4, 32}, {4, 8192}};
  for (const auto& s : shapes) {
    for (const auto& q : settings) {
      if (q.group > s[1]) continue;
      for (int64_t m : {int64_t{1}, int64_t{16}}) {
        if (quick && (s[0] != 28672 || m != 1)) continue;
        packed_case(q.bits, q.group, m, s[0], s[1]);
      }
    }
  }
  for (int64_t m : {int64_t{2}, int64_t{4}, int64_t{5}, int64_t{8}, int64_t{32}, int64_t{64}}) {
    if (!quick) packed_case(4, 128, m, 28672, 8192);
  }
  // the tensor-core range (m >= 5) at 4096 x 4096, and bits 3 / 2 at m = 64
  for (int64_t m : {int64_t{5}, int64_t{8}, int64_t{32}, int64_t{64}}) {
    if (!quick) packed_case(4, 128, m, 4096, 4096);
  }
  if (!quick) {
    packed_case(3, 128, 64, 28672, 8192);
    packed_case(2, 64, 64, 28672, 8192);
  }
  for (const auto& s : shapes) {
    vq_case(8, 4096, s[0], s[1], 0);
    vq_case(6, 4096, s[0], s[1], 0);
  }
  vq_case(8, 4096, 28672, 8192, 8192 / 100);
  return 0;
}
