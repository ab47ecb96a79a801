// The CUDA packed-matmul and VQ kernels, run on the host through cuda_emulation.h (every CUDA thread a
// std::thread, barriers and shuffles emulated), against plain references: the kernels' indexing, shared
// memory layout, split-k, m-tiles, reductions and bit-stream reads are checked in CI without a GPU.
// Same launch plan as the real launcher (plan_for / chunk_for), with a small SM count to force splits.
#include "cuda_emulation.h"
// the kernel bodies, after the emulation layer
#include "kernels/cuda/packed_matmul_cuda_kernel.cuh"
#include "kernels/cuda/vq_matmul_cuda_kernel.cuh"
#include "kernels/cuda/vq_gemv_fast_kernel.cuh"
#include "kernels/cuda/vq_gemv_wide_kernel.cuh"
#include "kernels/cuda/vq_gemv_mma_kernel.cuh"
#include "kernels/cuda/kmeans_assign_mma_kernel.cuh"
#include "kernels/cuda/kmeans_assign_tc_kernel.cuh"
#include "kernels/cuda/kmeans_assign_tc_occ_kernel.cuh"

#include <algorithm>
#include <cstdio>
#include <random>
#include <string>

#include "check.h"
#include "pack_reference.h"

namespace {

using lb::kernels::PackedLinearCudaArgs;

uint16_t half_bits(float v) {
  const __half h = __float2half_rn(v);
  uint16_t b;
  std::memcpy(&b, &h, 2);
  return b;
}
float half_value(uint16_t b) {
  __half h;
  std::memcpy(&h, &b, 2);
  return __half2float(h);
}
uint16_t bf16_bits(float v) {
  const __nv_bfloat16 h = __float2bfloat16_rn(v);
  uint16_t b;
  std::memcpy(&b, &h, 2);
  return b;
}
float bf16_value(uint16_t b) {
  __nv_bfloat16 h;
  std::memcpy(&h, &b, 2);
  return __bfloat162float(h);
}

double rel(const std::vector<float>& got, const std::vector<double>& ref) {
  double e = 0, r = 0;
  for (size_t i = 0; i < ref.size(); ++i) {
    e += (got[i] - ref[i]) * (got[i] - ref[i]);
    r += ref[i] * ref[i];
  }
  return r > 0 ? std::sqrt(e / r) : std::sqrt(e);
}

int packed_cases = 0;

template <int B, int MT>
void run_packed_kernel(const PackedLinearCudaArgs& a, const lb::kernels::PackedLinearCudaPlan& plan) {
  const int64_t per = lb::kernels::packed_cuda::units_per_split_for(plan, a.bits, a.in);
  const dim3 grid(static_cast<unsigned>((a.out + lb::kernels::packed_cuda::kBlockCols - 1) / lb::kernels::packed_cuda::kBlockCols),
                  static_cast<unsigned>(plan.splits), static_cast<unsigned>((a.m + MT - 1) / MT));
  emu::launch(grid, lb::kernels::packed_cuda::kThreads, lb::kernels::packed_cuda::kernel_smem_bytes<B, MT>(),
              lb::kernels::packed_cuda::packed_linear_kernel<B, MT>, a, per, plan.splits > 1);
}

template <int B>
void run_packed_bits(const PackedLinearCudaArgs& a, const lb::kernels::PackedLinearCudaPlan& plan) {
  switch (plan.m_tile) {
    case 1: return run_packed_kernel<B, 1>(a, plan);
    case 2: return run_packed_kernel<B, 2>(a, plan);
    case 4: return run_packed_kernel<B, 4>(a, plan);
    case 8: return run_packed_kernel<B, 8>(a, plan);
    default: return run_packed_kernel<B, 16>(a, plan);
  }
}

// one case: random codes/zeros/scales, x in xdtype; the kernel through the real plan vs a double reference
void packed_case(int bits, int64_t out, int64_t in, int64_t group, int64_t m, int xdtype, int zero_offset, int sms) {
  std::mt19937 rng(static_cast<uint32_t>(bits * 7919 + out * 31 + in * 7 + group + m * 131 + xdtype));
  const int levels = 1 << bits;
  const int64_t rows_per_group = group <= 0 ? in : group;
  const int64_t groups = (in + rows_per_group - 1) / rows_per_group;
  std::vector<uint8_t> q(static_cast<size_t>(in * out)), z(static_cast<size_t>(groups * out));
  for (auto& v : q) v = static_cast<uint8_t>(rng() % levels);
  for (auto& v : z) v = static_cast<uint8_t>(rng() % levels);
  std::vector<uint8_t> z_stored(z.size());
  for (size_t i = 0; i < z.size(); ++i) z_stored[i] = static_cast<uint8_t>((z[i] - zero_offset + levels) % levels);
  const std::vector<int32_t> qweight = reference_pack(q, in, out, bits, 0);
  const std::vector<int32_t> qzeros = reference_pack(z_stored, groups, out, bits, 1);
  std::normal_distribution<float> normal(0.0f, 1.0f);
  std::vector<uint16_t> scales(static_cast<size_t>(groups * out));
  for (auto& s : scales) s = half_bits(0.01f + 0.05f * std::fabs(normal(rng)));
  std::vector<float> xf(static_cast<size_t>(m * in));
  std::vector<uint16_t> x16(xf.size());
  for (size_t i = 0; i < xf.size(); ++i) {
    const float v = normal(rng);
    if (xdtype == 1) {
      x16[i] = half_bits(v);
      xf[i] = half_value(x16[i]);
    } else if (xdtype == 2) {
      x16[i] = bf16_bits(v);
      xf[i] = bf16_value(x16[i]);
    } else {
      xf[i] = v;
    }
  }
  std::vector<double> ref(static_cast<size_t>(m * out), 0.0);
  for (int64_t r = 0; r < m; ++r)
    for (int64_t o = 0; o < out; ++o) {
      double acc = 0;
      for (int64_t i = 0; i < in; ++i) {
        const int64_t g = i / rows_per_group;
        const double w = (static_cast<int>(q[static_cast<size_t>(i * out + o)]) -
                          static_cast<int>(z[static_cast<size_t>(g * out + o)])) *
                         static_cast<double>(half_value(scales[static_cast<size_t>(g * out + o)]));
        acc += xf[static_cast<size_t>(r * in + i)] * w;
      }
      ref[static_cast<size_t>(r * out + o)] = acc;
    }
  std::vector<float> y(static_cast<size_t>(m * out), 12345.0f);  // garbage unless the plan memsets
  PackedLinearCudaArgs a{};
  a.x = xdtype == 0 ? static_cast<const void*>(xf.data()) : static_cast<const void*>(x16.data());
  a.x_dtype = xdtype;
  a.m = m;
  a.in = in;
  a.out = out;
  a.qweight = qweight.data();
  a.qzeros = qzeros.data();
  a.zero_offset = zero_offset;
  a.scales = scales.data();
  a.scales_dtype = 1;
  a.group_size = rows_per_group;
  a.bits = bits;
  a.y = y.data();
  const lb::kernels::PackedLinearCudaPlan plan = lb::kernels::packed_cuda::plan_for(bits, m, in, out, sms);
  if (plan.splits > 1) std::fill(y.begin(), y.end(), 0.0f);  // the launcher's cudaMemsetAsync
  if (bits == 2) run_packed_bits<2>(a, plan);
  if (bits == 3) run_packed_bits<3>(a, plan);
  if (bits == 4) run_packed_bits<4>(a, plan);
  const double e = rel(y, ref);
  ++packed_cases;
  if (!(e < 1e-5)) {
    check::fail(__FILE__, __LINE__,
                "packed bits=" + std::to_string(bits) + " out=" + std::to_string(out) + " in=" + std::to_string(in) +
                    " group=" + std::to_string(group) + " m=" + std::to_string(m) + " x dtype=" + std::to_string(xdtype) +
                    " zero_offset=" + std::to_string(zero_offset) + " m_tile=" + std::to_string(plan.m_tile) +
                    " splits=" + std::to_string(plan.splits) + ": relative error " + std::to_string(e));
  }
}

void test_packed() {
  const int64_t outs[] = {0, 0, 48, 96, 40};  // column tails: not multiples of the 32-column block
  for (int bits : {2, 3, 4}) {
    const int64_t out = outs[bits];
    for (int64_t group : {int64_t{32}, int64_t{64}, int64_t{128}, int64_t{-1}}) {
      // every m-tile for group 128; the GEMV, a small tile and the 16-row tile for the others (emulated
      // barriers are slow: this keeps the test near 20 s on 2 cores)
      const std::vector<int64_t> ms = group == 128 ? std::vector<int64_t>{1, 2, 3, 7, 16, 33}
                                                   : std::vector<int64_t>{1, 3, 16};
      for (int64_t m : ms) packed_case(bits, out, 256, group, m, (m % 3), m == 3 ? 1 : 0, 132);
    }
    // split-k (several blocks over `in`, atomics), several stages per block, a short last group
    packed_case(bits, out, 2048, 128, 1, 1, 0, 8);
    packed_case(bits, out, 2048, 64, 16, 2, 1, 8);
    packed_case(bits, out, 4096, -1, 1, 1, 0, 132);
    packed_case(bits, out, 1280, 256, 5, 1, 0, 4);
  }
  packed_case(4, 72, 640, 128, 64, 1, 0, 2);  // m = 64: four 16-row tiles
  std::printf("packed kernel (emulated): %d cases\n", packed_cases);
}

// ---- VQ ----
int vq_cases = 0;

template <int V>
void run_gemv(const lb::kernels::VqLayout& l, const lb::kernels::VqWeightsCuda& w, const float* xs, float* y, int sms) {
  const int64_t chunk = lb::kernels::vq_cuda::chunk_for(l, sms);
  const size_t smem = static_cast<size_t>(lb::kernels::vq_cuda::shared_bytes(l, chunk, w.res_centroids != nullptr));
  const dim3 grid(static_cast<unsigned>((l.vector_rows + lb::kernels::vq_cuda::kThreads - 1) / lb::kernels::vq_cuda::kThreads),
                  static_cast<unsigned>(l.groups), static_cast<unsigned>((l.group_size + chunk - 1) / chunk));
  emu::launch(grid, lb::kernels::vq_cuda::kThreads, smem, lb::kernels::vq_cuda::vq_gemv_kernel<V>, l, w, xs, y, chunk);
}

int vq_fast_cases = 0;

template <int V, int SV>
void run_fast_sv(const lb::kernels::VqLayout& l, const lb::kernels::VqWeightsCuda& w, const float* xs, float* y,
                 const lb::kernels::vq_cuda::VqFastPlan& p) {
  using namespace lb::kernels::vq_cuda;
  const dim3 grid(static_cast<unsigned>(p.row_slices), static_cast<unsigned>(p.col_blocks * l.groups), 1);
  const size_t smem = static_cast<size_t>(p.shared_bytes);
  switch (l.index_bits) {
    case 8: emu::launch(grid, kFastThreads, smem, vq_gemv_fast_kernel<V, SV, 8>, l, w, xs, y, p); break;
    case 12: emu::launch(grid, kFastThreads, smem, vq_gemv_fast_kernel<V, SV, 12>, l, w, xs, y, p); break;
    case 16: emu::launch(grid, kFastThreads, smem, vq_gemv_fast_kernel<V, SV, 16>, l, w, xs, y, p); break;
    default: emu::launch(grid, kFastThreads, smem, vq_gemv_fast_kernel<V, SV, 24>, l, w, xs, y, p); break;
  }
}

// Same dispatch as launch_fast in vq_matmul_cuda.cu.
void run_fast(const lb::kernels::VqLayout& l, const lb::kernels::VqWeightsCuda& w, const float* xs, float* y,
              const lb::kernels::vq_cuda::VqFastPlan& p) {
  switch (l.v) {
    case 2: run_fast_sv<2, 2>(l, w, xs, y, p); break;
    case 4: run_fast_sv<4, 4>(l, w, xs, y, p); break;
    case 6: run_fast_sv<6, 6>(l, w, xs, y, p); break;
    case 8: run_fast_sv<8, 8>(l, w, xs, y, p); break;
    case 12: p.sv == 16 ? run_fast_sv<12, 16>(l, w, xs, y, p) : run_fast_sv<12, 12>(l, w, xs, y, p); break;
    default: run_fast_sv<16, 16>(l, w, xs, y, p); break;
  }
}

int vq_wide_cases = 0;

template <int V, bool RES>
void run_wide_v(const lb::kernels::VqLayout& l, const lb::kernels::VqWeightsCuda& w, const float* xs, float* y,
                const lb::kernels::vq_cuda::VqFastPlan& p) {
  using namespace lb::kernels::vq_cuda;
  const dim3 grid(static_cast<unsigned>(p.row_slices), static_cast<unsigned>(p.col_blocks * l.groups), 1);
  const size_t smem = static_cast<size_t>(p.shared_bytes);
  switch (l.index_bits) {
    case 8: emu::launch(grid, kWideThreads, smem, vq_gemv_wide_kernel<V, 8, RES>, l, w, xs, y, p); break;
    case 12: emu::launch(grid, kWideThreads, smem, vq_gemv_wide_kernel<V, 12, RES>, l, w, xs, y, p); break;
    case 16: emu::launch(grid, kWideThreads, smem, vq_gemv_wide_kernel<V, 16, RES>, l, w, xs, y, p); break;
    default: emu::launch(grid, kWideThreads, smem, vq_gemv_wide_kernel<V, 24, RES>, l, w, xs, y, p); break;
  }
}

// Same dispatch as launch_wide in vq_matmul_cuda.cu.
void run_wide(const lb::kernels::VqLayout& l, const lb::kernels::VqWeightsCuda& w, const float* xs, float* y,
              const lb::kernels::vq_cuda::VqFastPlan& p) {
  const bool res = w.res_centroids != nullptr;
  switch (l.v) {
    case 2: res ? run_wide_v<2, true>(l, w, xs, y, p) : run_wide_v<2, false>(l, w, xs, y, p); break;
    case 4: res ? run_wide_v<4, true>(l, w, xs, y, p) : run_wide_v<4, false>(l, w, xs, y, p); break;
    case 6: res ? run_wide_v<6, true>(l, w, xs, y, p) : run_wide_v<6, false>(l, w, xs, y, p); break;
    default: res ? run_wide_v<8, true>(l, w, xs, y, p) : run_wide_v<8, false>(l, w, xs, y, p); break;
  }
}

int vq_mma_cases = 0;

// Same dispatch as launch_mma in vq_matmul_cuda.cu.
void run_mma(const lb::kernels::VqLayout& l, const lb::kernels::VqWeightsCuda& w, const float* xs, float* y,
             const lb::kernels::vq_cuda::VqFastPlan& p) {
  using namespace lb::kernels::vq_cuda;
  const dim3 grid(static_cast<unsigned>(p.row_slices), static_cast<unsigned>(p.col_blocks * l.groups), 1);
  const size_t smem = static_cast<size_t>(p.shared_bytes);
  const bool banked = w.bank_indices != nullptr;
  if (l.index_bits == 8) {
    banked ? emu::launch(grid, kMmaThreads, smem, vq_gemv_mma_kernel<8, true>, l, w, xs, y, p)
           : emu::launch(grid, kMmaThreads, smem, vq_gemv_mma_kernel<8, false>, l, w, xs, y, p);
  } else if (l.index_bits == 12) {
    banked ? emu::launch(grid, kMmaThreads, smem, vq_gemv_mma_kernel<12, true>, l, w, xs, y, p)
           : emu::launch(grid, kMmaThreads, smem, vq_gemv_mma_kernel<12, false>, l, w, xs, y, p);
  } else {
    check::fail(__FILE__, __LINE__, "mma plan took T = " + std::to_string(l.index_bits));
  }
}

// The smallest possible largest bank-group load for n lanes in groups grp (every choice of copy tried).
int bank_optimum(const int (&grp)[8], int n) {
  using lb::kernels::vq_cuda::bank_offset;
  using lb::kernels::vq_cuda::kBankCopies;
  int best = n;
  int total = 1;
  for (int i = 0; i < n; ++i) total *= kBankCopies;
  for (int code = 0; code < total; ++code) {
    int load[8] = {0, 0, 0, 0, 0, 0, 0, 0}, worst = 0;
    for (int i = 0, c = code; i < n; ++i, c /= kBankCopies) worst = std::max(worst, ++load[(grp[i] + bank_offset(c % kBankCopies)) & 7]);
    best = std::min(best, worst);
  }
  return best;
}

int bank_load(const int (&grp)[8], const int (&choice)[8], int n) {
  int load[8] = {0, 0, 0, 0, 0, 0, 0, 0}, worst = 0;
  for (int i = 0; i < n; ++i) worst = std::max(worst, ++load[(grp[i] + lb::kernels::vq_cuda::bank_offset(choice[i])) & 7]);
  return worst;
}

// The banked indices of a layout: every slot inside the copies and naming the element's own code, slot 0 past the
// group, and in the first `optimal` (row, quartet, element) phases the largest group load the exhaustive optimum.
void check_bank_indices(const lb::kernels::VqLayout& l, const std::vector<uint32_t>& idx, const std::vector<uint16_t>& slots,
                        int optimal) {
  using namespace lb::kernels::vq_cuda;
  const int64_t runs = bank_runs(l);
  int checked = 0;
  for (int64_t gr = 0; gr < l.groups * l.vector_rows; ++gr) {
    const int64_t g = gr / l.vector_rows;
    const int64_t group_cols = std::min(l.group_size, l.cols - l.outliers - g * l.group_size);
    for (int64_t q0 = 0; q0 < runs; q0 += kBankQuartet) {
      for (int e = 0; e < kBankRun; ++e) {
        int grp[8] = {0, 0, 0, 0, 0, 0, 0, 0}, choice[8] = {0, 0, 0, 0, 0, 0, 0, 0}, n = 0;
        for (int64_t q = q0; q < std::min(runs, q0 + kBankQuartet); ++q) {
          const int64_t col = q * kBankRun + e;
          const uint32_t slot = slots[static_cast<size_t>(gr * runs * kBankRun + col)];
          if (col >= group_cols) {
            if (slot != 0) check::fail(__FILE__, __LINE__, "banked indices: a slot past the group");
            continue;
          }
          const uint32_t ch = slot / static_cast<uint32_t>(l.k);
          const uint32_t code = lb::kernels::vq_read_bits(idx.data() + gr * l.row_words, col, l.index_bits) &
                                static_cast<uint32_t>(l.k - 1);
          if (ch >= static_cast<uint32_t>(kBankCopies) ||
              ((code + static_cast<uint32_t>(bank_offset(static_cast<int>(ch)))) & static_cast<uint32_t>(l.k - 1)) !=
                  slot % static_cast<uint32_t>(l.k)) {
            check::fail(__FILE__, __LINE__, "banked indices: slot " + std::to_string(slot) + " for code " + std::to_string(code));
            continue;
          }
          grp[n] = static_cast<int>(code & 7u);
          choice[n++] = static_cast<int>(ch);
        }
        if (checked++ < optimal && bank_load(grp, choice, n) != bank_optimum(grp, n)) {
          check::fail(__FILE__, __LINE__, "banked indices: load " + std::to_string(bank_load(grp, choice, n)) +
                                              " where " + std::to_string(bank_optimum(grp, n)) + " is possible");
        }
      }
    }
  }
}

// bank_choose against the exhaustive optimum, n = 0 .. 8 lanes, uniform and crowded groups.
void test_bank_choose() {
  std::mt19937 rng(77);
  int cases = 0;
  for (int t = 0; t < 3000; ++t) {
    const int n = t % 9;
    const int spread = t % 3 == 0 ? 2 : 8;  // every third case: all lanes in two groups
    int grp[8] = {0, 0, 0, 0, 0, 0, 0, 0}, choice[8];
    for (int i = 0; i < n; ++i) grp[i] = static_cast<int>(rng() % spread);
    lb::kernels::vq_cuda::bank_choose(grp, n, choice);
    for (int i = 0; i < n; ++i) {
      if (choice[i] < 0 || choice[i] >= lb::kernels::vq_cuda::kBankCopies) check::fail(__FILE__, __LINE__, "bank_choose: bad copy");
    }
    if (bank_load(grp, choice, n) != bank_optimum(grp, n)) check::fail(__FILE__, __LINE__, "bank_choose: not optimal");
    ++cases;
  }
  std::printf("bank_choose: %d cases at the exhaustive optimum\n", cases);
}

// max_shared: the device's opt-in shared memory per block (227 KB on an H200; smaller forces unpadded rows).
void vq_case(int64_t M, int64_t N, int v, int k, int k_res, int64_t O, int v0, int k0, int64_t G, int64_t S, bool norm,
             int sms, int max_shared = 227 * 1024) {
  std::mt19937 rng(static_cast<uint32_t>(M * 31 + N * 7 + v * 3 + k + k_res + O));
  std::normal_distribution<float> normal(0.0f, 1.0f);
  lb::kernels::VqLayout l{};
  l.rows = M;
  l.cols = N;
  l.v = v;
  l.k = k;
  l.k_res = k_res;
  l.v0 = O > 0 ? v0 : 1;
  l.k0 = O > 0 ? k0 : 0;
  l.groups = G;
  l.group_size = S;
  l.outliers = O;
  while ((1 << l.main_bits) < k) ++l.main_bits;
  int rb = 0;
  while (k_res > 0 && (1 << rb) < k_res) ++rb;
  l.index_bits = l.main_bits + rb;
  l.row_words = (S * l.index_bits + 31) / 32;
  l.vector_rows = (M + v - 1) / v;
  l.outlier_vector_rows = (M + l.v0 - 1) / l.v0;
  auto halves = [&](size_t n, float sigma) {
    std::vector<uint16_t> h(n);
    for (auto& x : h) x = half_bits(sigma * normal(rng));
    return h;
  };
  const std::vector<uint16_t> C = halves(static_cast<size_t>(G * k * v), 1.0f);
  const std::vector<uint16_t> R = halves(static_cast<size_t>(G * (k_res > 0 ? k_res : 0) * v), 0.1f);
  const std::vector<uint16_t> OC = halves(static_cast<size_t>(l.k0 * l.v0), 2.0f);
  std::vector<uint32_t> idx(static_cast<size_t>(G * l.vector_rows * l.row_words));
  for (auto& w : idx) w = rng();
  std::vector<uint16_t> oidx(static_cast<size_t>(l.outlier_vector_rows * O));
  for (auto& o : oidx) o = static_cast<uint16_t>(rng() % static_cast<uint32_t>(l.k0 > 0 ? l.k0 : 1));
  std::vector<uint16_t> perm(static_cast<size_t>(N));
  for (int64_t i = 0; i < N; ++i) perm[static_cast<size_t>(i)] = static_cast<uint16_t>(i);
  std::shuffle(perm.begin(), perm.end(), rng);
  std::vector<uint16_t> scale = halves(static_cast<size_t>(N), 1.0f), wbias = halves(static_cast<size_t>(N), 0.2f);
  for (auto& s : scale) s = half_bits(std::fabs(half_value(s)) + 0.5f);
  const std::vector<uint16_t> bias = halves(static_cast<size_t>(M), 1.0f);
  std::vector<uint16_t> x16 = halves(static_cast<size_t>(N), 1.0f);

  // reference: the spec's dequant, then a double matmul
  std::vector<double> ref(static_cast<size_t>(M), 0.0);
  for (int64_t r = 0; r < M; ++r) {
    double acc = half_value(bias[static_cast<size_t>(r)]);
    for (int64_t j = 0; j < N; ++j) {
      float q;
      if (j < O) {
        q = half_value(OC[static_cast<size_t>(oidx[static_cast<size_t>((r / l.v0) * O + j)] * l.v0 + r % l.v0)]);
      } else {
        const int64_t g = (j - O) / S, jj = (j - O) % S;
        uint64_t code = 0;
        for (int b = 0; b < l.index_bits; ++b) {
          const int64_t sb = jj * l.index_bits + b;
          code |= static_cast<uint64_t>((idx[static_cast<size_t>((g * l.vector_rows + r / v) * l.row_words + sb / 32)] >>
                                         (sb % 32)) & 1u) << b;
        }
        q = half_value(C[static_cast<size_t>(g * k * v + static_cast<int64_t>(code & (k - 1)) * v + r % v)]);
        if (k_res > 0) q += half_value(R[static_cast<size_t>(g * k_res * v + static_cast<int64_t>(code >> l.main_bits) * v + r % v)]);
      }
      const int64_t c = perm[static_cast<size_t>(j)];
      const double wv = norm ? static_cast<double>(half_value(scale[static_cast<size_t>(c)])) * q +
                                   half_value(wbias[static_cast<size_t>(c)])
                             : q;
      acc += static_cast<double>(half_value(x16[static_cast<size_t>(c)])) * wv;
    }
    ref[static_cast<size_t>(r)] = acc;
  }

  lb::kernels::VqWeightsCuda w{};
  w.centroids = C.data();
  w.res_centroids = k_res > 0 ? R.data() : nullptr;
  w.indices = idx.data();
  w.outlier_centroids = O > 0 ? OC.data() : nullptr;
  w.outlier_indices = O > 0 ? oidx.data() : nullptr;
  w.perm = perm.data();
  w.weight_scale = norm ? scale.data() : nullptr;
  w.weight_bias = norm ? wbias.data() : nullptr;
  w.bias = bias.data();
  // the launcher's sequence (vq_linear_cuda): zero ws[N]; prepare (also zeroes y); GEMV; outliers. Both GEMV
  // kernels: the general one, the column-stationary one where its plan accepts the layout, and the wide one
  // (LOWBIT_VQ_GEMV=new) where its plan does.
  lb::kernels::vq_cuda::VqFastPlan plan{}, wide_plan{};
  const bool has_main = N > O && G > 0;
  const bool fast = has_main && lb::kernels::vq_cuda::vq_fast_plan(l, k_res > 0, sms, max_shared, &plan);
  const bool wide = has_main && lb::kernels::vq_cuda::vq_wide_plan(l, k_res > 0, sms, max_shared, &wide_plan);
  // the tensor-core kernel: plain (pass 3) and on the banked indices (pass 4); arbitrary slots after the loop
  lb::kernels::vq_cuda::VqFastPlan mma_plan{}, mma_banked_plan{};
  const bool mma = has_main && lb::kernels::vq_cuda::vq_mma_plan(l, k_res > 0, false, sms, max_shared, &mma_plan);
  const bool mma_banked = has_main && lb::kernels::vq_cuda::vq_mma_plan(l, k_res > 0, true, sms, max_shared, &mma_banked_plan);
  std::vector<uint16_t> slots;
  if (mma_banked) {
    using namespace lb::kernels::vq_cuda;
    slots.assign(static_cast<size_t>(bank_index_count(l)), 0xFFFFu);
    const int64_t threads = l.groups * l.vector_rows * ((bank_runs(l) + kBankQuartet - 1) / kBankQuartet);
    emu::launch(dim3(static_cast<unsigned>((threads + 255) / 256), 1, 1), 256, 0, vq_bank_indices_kernel, l,
                static_cast<const uint32_t*>(idx.data()), slots.data());
    check_bank_indices(l, idx, slots, 400);
  }
  for (int pass = 0; pass < 5; ++pass) {
    if ((pass == 1 && !fast) || (pass == 2 && !wide) || (pass == 3 && !mma) || (pass == 4 && !mma_banked)) continue;
    std::vector<float> y(static_cast<size_t>(M), 123.0f), ws(static_cast<size_t>(N + 1), 0.0f);
    emu::launch(dim3(static_cast<unsigned>((std::max(N, M) + 255) / 256), 1, 1), 256, 0,
                lb::kernels::vq_cuda::vq_prepare_kernel, l, w, static_cast<const void*>(x16.data()), 1, ws.data(),
                y.data());
    if (has_main && pass == 0) {
      switch (v) {
        case 2: run_gemv<2>(l, w, ws.data(), y.data(), sms); break;
        case 4: run_gemv<4>(l, w, ws.data(), y.data(), sms); break;
        case 6: run_gemv<6>(l, w, ws.data(), y.data(), sms); break;
        case 8: run_gemv<8>(l, w, ws.data(), y.data(), sms); break;
        case 12: run_gemv<12>(l, w, ws.data(), y.data(), sms); break;
        default: run_gemv<16>(l, w, ws.data(), y.data(), sms); break;
      }
    }
    if (pass == 1) {
      run_fast(l, w, ws.data(), y.data(), plan);
      ++vq_fast_cases;
    }
    if (pass == 2) {
      run_wide(l, w, ws.data(), y.data(), wide_plan);
      ++vq_wide_cases;
    }
    if (pass >= 3) {
      lb::kernels::VqWeightsCuda wb = w;
      wb.bank_indices = pass == 4 ? slots.data() : nullptr;
      run_mma(l, wb, ws.data(), y.data(), pass == 3 ? mma_plan : mma_banked_plan);
      ++vq_mma_cases;
    }
    if (O > 0 || !has_main) {
      emu::launch(dim3(static_cast<unsigned>((M + 255) / 256), 1, 1), 256, 0, lb::kernels::vq_cuda::vq_outlier_kernel, l,
                  w, static_cast<const float*>(ws.data()), y.data(), !has_main);
    }
    const double e = rel(y, ref);
    ++vq_cases;
    if (!(e < 1e-5)) {
      check::fail(__FILE__, __LINE__, std::string(pass == 1 ? "fast " : pass == 2 ? "wide " : pass == 3 ? "mma " : pass == 4 ? "mma banked " : "") + "vq M=" + std::to_string(M) +
                                          " N=" + std::to_string(N) + " v=" + std::to_string(v) +
                                          " k=" + std::to_string(k) + " k_res=" + std::to_string(k_res) +
                                          " O=" + std::to_string(O) + ": relative error " + std::to_string(e));
    }
  }
  // arbitrary slots (not from vq_bank_indices_cuda) stay inside the codebook copies: y is finite
  if (mma_banked) {
    std::vector<uint16_t> junk(slots.size());
    for (auto& j : junk) j = static_cast<uint16_t>(rng());
    std::vector<float> y(static_cast<size_t>(M), 0.0f), ws(static_cast<size_t>(N + 1), 0.0f);
    emu::launch(dim3(static_cast<unsigned>((std::max(N, M) + 255) / 256), 1, 1), 256, 0,
                lb::kernels::vq_cuda::vq_prepare_kernel, l, w, static_cast<const void*>(x16.data()), 1, ws.data(),
                y.data());
    lb::kernels::VqWeightsCuda wb = w;
    wb.bank_indices = junk.data();
    run_mma(l, wb, ws.data(), y.data(), mma_banked_plan);
    for (float v : y) {
      if (!std::isfinite(v)) check::fail(__FILE__, __LINE__, "mma banked on arbitrary slots: y not finite");
    }
  }
  // the dequant kernel against the same reference weights (checked through y = W x in double)
  std::vector<float> W(static_cast<size_t>(M * N), 0.0f);
  emu::launch(dim3(static_cast<unsigned>(std::min<int64_t>((M * N + 255) / 256, 64)), 1, 1), 256, 0,
              lb::kernels::vq_cuda::vq_dequantize_kernel, l, w, W.data());
  std::vector<float> yd(static_cast<size_t>(M));
  for (int64_t r = 0; r < M; ++r) {
    double acc = half_value(bias[static_cast<size_t>(r)]);
    for (int64_t c = 0; c < N; ++c) acc += static_cast<double>(half_value(x16[static_cast<size_t>(c)])) * W[static_cast<size_t>(r * N + c)];
    yd[static_cast<size_t>(r)] = static_cast<float>(acc);
  }
  const double ed = rel(yd, ref);
  if (!(ed < 1e-6)) check::fail(__FILE__, __LINE__, "vq dequant kernel: relative error " + std::to_string(ed));
}

void test_vq() {
  //      M    N    v  k    k_r  O   v0 k0  G  S   norm sms
  vq_case(37, 75, 6, 64, 16, 5, 4, 16, 2, 35, true, 132);     // residual, outliers, T = 10 straddling, M % v != 0
  vq_case(300, 200, 8, 256, 0, 0, 4, 0, 1, 200, true, 2);     // 2 row blocks, several column chunks
  vq_case(600, 96, 4, 4096, 4096, 3, 2, 8, 3, 31, false, 132);  // T = 24, short last group
  vq_case(50, 64, 12, 32, 0, 0, 4, 0, 1, 64, true, 4);        // T = 5
  vq_case(33, 40, 16, 16, 0, 0, 4, 0, 1, 40, false, 132);
  vq_case(33, 40, 2, 8, 0, 0, 4, 0, 1, 40, true, 132);
  vq_case(20, 12, 8, 16, 0, 12, 4, 8, 0, 1, true, 132);       // outliers only
  vq_case(520, 3000, 8, 4096, 0, 30, 4, 64, 1, 2970, true, 132);  // chunks of the 2048-column cap
  // the column-stationary kernel (T = 8, 12, 16, 24): every vector length, padded and unpadded rows, short
  // runs (S % 32 != 0), few run lanes (C < 32), several column blocks per group, 16/8/4-byte index loads
  vq_case(100, 1100, 6, 4096, 0, 0, 4, 0, 1, 1100, true, 4);     // v6k4096: 12-byte rows, C = 64, short last run
  vq_case(30, 1100, 2, 256, 0, 0, 4, 0, 1, 1100, true, 3);       // warp reduce-scatter (C >= 32) for v2, v4,
  vq_case(30, 1024, 4, 4096, 0, 0, 4, 0, 1, 1024, false, 3);     // v12 + residual, v16
  vq_case(40, 1100, 12, 256, 256, 0, 4, 0, 1, 1100, true, 2);
  vq_case(40, 1100, 16, 4096, 0, 3, 4, 8, 1, 1097, true, 5);
  vq_case(100, 512, 6, 256, 0, 0, 4, 0, 1, 512, false, 4, 4500);  // v6 k256 (T = 8) in little shared memory
  vq_case(45, 140, 12, 256, 256, 4, 4, 16, 2, 70, true, 2);      // v12 + residual: T = 16, padded, C = 4
  vq_case(45, 140, 12, 256, 256, 0, 4, 16, 2, 70, true, 2, 20 * 1024);  // v12 + residual unpadded
  vq_case(33, 250, 2, 256, 0, 7, 4, 16, 3, 81, true, 3);        // v2, T = 8, row_words % 4 == 1
  vq_case(70, 200, 4, 64, 64, 0, 4, 0, 1, 200, false, 8);       // v4 + residual: T = 12, row_words = 75
  vq_case(40, 8300, 8, 256, 0, 0, 4, 0, 1, 8300, true, 2);      // v8: 260 runs, two column blocks of 256
  vq_case(35, 96, 16, 4096, 0, 0, 4, 0, 1, 96, true, 1);        // v16 k4096: C = 4, one row slice
  vq_case(61, 44, 8, 4096, 4096, 2, 4, 8, 1, 42, false, 132);    // T = 24, one partial run per group, C = 2
  // the wide kernel (16-column runs, 1024 threads): every v it takes with every T, residual or not, C < 32
  // (butterfly), C = 512 with two column blocks, short runs, odd row_words, row tails, several row slices
  //      M    N    v  k    k_r  O   v0 k0  G  S   norm sms
  vq_case(50, 150, 2, 256, 0, 3, 4, 8, 3, 49, true, 3);          // v2, T = 8, C = 4, short last group
  vq_case(41, 520, 2, 4096, 16, 0, 4, 0, 1, 520, false, 5);     // v2 + residual: T = 16, C = 64
  vq_case(35, 8230, 4, 256, 0, 0, 4, 0, 1, 8230, true, 2);      // v4, T = 8: 515 runs, two column blocks of 512
  vq_case(50, 333, 4, 4096, 0, 0, 4, 0, 1, 333, true, 7);       // v4, T = 12, row_words odd, short run
  vq_case(59, 270, 6, 256, 256, 5, 4, 16, 2, 133, true, 3);     // v6 + residual: T = 16, outliers, M % v != 0
  vq_case(47, 96, 6, 4096, 4096, 0, 4, 0, 2, 48, false, 2);     // v6 + residual: T = 24, C = 4
  vq_case(83, 700, 8, 4096, 16, 0, 4, 0, 1, 700, true, 6);      // v8 + residual: T = 16, many row slices
  vq_case(90, 1030, 8, 4096, 0, 10, 4, 8, 1, 1020, true, 2);    // v8 k4096: T = 12, C = 64, 8-byte index loads
  // the tensor-core kernel (v8, T = 8 or 12, no residual), plain and banked, also runs on every case above it takes
  // (C = 16, 64, 256); here: C = 8 (a warp holds 4 rows), several groups with a short last one, M % 8 != 0, and
  // groups of 4 runs, which it leaves to the wide kernel
  vq_case(45, 300, 8, 256, 0, 4, 4, 16, 3, 99, true, 3);        // 3 groups of 99, the last 98
  vq_case(30, 100, 8, 4096, 0, 0, 4, 0, 2, 50, false, 2);       // C = 4, T = 12, row_words odd
  std::printf("VQ kernels (emulated): %d cases (%d of the column-stationary kernel, %d of the wide one, %d on tensor "
              "cores, plain and banked)\n", vq_cases, vq_fast_cases, vq_wide_cases, vq_mma_cases);
  if (vq_mma_cases < 10) check::fail(__FILE__, __LINE__, "too few tensor-core VQ cases ran");
}

// ---- k-means assignment on (emulated, TF32-truncating) tensor cores with the exact re-check ----
int kmeans_cases = 0;

// points / centroids: kind 0 random normal, 1 small integers (many exact ties), 2 duplicated centroids,
// 3 near-duplicated centroids (pairs 2e-3 apart: TF32 rounding reorders their approximate scores),
// 4 like 3 but everything shifted by +6 and scaled by 0.1 (far from the origin: the centring matters),
// 5 clustered: points and centroids around 7 centres, spread 1e-3 (many near-equal approximate scores),
// 6 well separated: centroids on a coarse integer grid, points within 0.05 of one.
// The tensor-core kernels (the block-tiled assign_tc_kernel and its lower-register variant assign_tc_occ_kernel)
// must give the exact chain's labels and distances.
void kmeans_mma_case(int64_t n, int d, int64_t k, int kind, uint32_t seed) {
  std::mt19937 rng(seed);
  std::normal_distribution<float> normal(0.0f, 1.0f);
  std::uniform_int_distribution<int> small(-2, 2);
  std::vector<float> p(static_cast<size_t>(n * d)), c(static_cast<size_t>(k * d));
  for (auto& v : p) v = kind == 1 ? static_cast<float>(small(rng)) : normal(rng);
  for (auto& v : c) v = kind == 1 ? static_cast<float>(small(rng)) : normal(rng);
  if (kind == 2 || kind == 3 || kind == 4) {
    for (int64_t i = k / 2; i < k; ++i) {
      for (int t = 0; t < d; ++t) {
        c[static_cast<size_t>(i * d + t)] =
            c[static_cast<size_t>((i - k / 2) * d + t)] + (kind >= 3 ? 2e-3f * normal(rng) : 0.0f);
      }
    }
  }
  if (kind == 4) {
    for (auto& v : p) v = 6.0f + 0.1f * v;
    for (auto& v : c) v = 6.0f + 0.1f * v;
  }
  if (kind == 5 || kind == 6) {
    std::vector<float> centre(static_cast<size_t>(7 * d));
    for (auto& v : centre) v = kind == 5 ? normal(rng) : static_cast<float>(small(rng)) * 4.0f;
    const float spread = kind == 5 ? 1e-3f : 0.05f;
    for (int64_t j = 0; j < k; ++j) {
      for (int t = 0; t < d; ++t) {
        c[static_cast<size_t>(j * d + t)] =
            kind == 5 ? centre[static_cast<size_t>((j % 7) * d + t)] + spread * normal(rng) : static_cast<float>(small(rng)) * 4.0f + static_cast<float>(j % 3);
      }
    }
    for (int64_t i = 0; i < n; ++i) {
      const int64_t j = static_cast<int64_t>(rng() % static_cast<uint32_t>(k));
      for (int t = 0; t < d; ++t) {
        p[static_cast<size_t>(i * d + t)] =
            (kind == 5 ? centre[static_cast<size_t>((j % 7) * d + t)] : c[static_cast<size_t>(j * d + t)]) + spread * normal(rng);
      }
    }
  }
  if (kind == 2) {
    for (int64_t i = 0; i < n && i < k; ++i) {  // some points exactly on centroids
      for (int t = 0; t < d; ++t) p[static_cast<size_t>(i * d + t)] = c[static_cast<size_t>(i * d + t)];
    }
  }
  // reference: the CUDA-core kernel's fp32 chain, lowest index on ties
  std::vector<int32_t> ref(static_cast<size_t>(n));
  std::vector<float> ref_d(static_cast<size_t>(n));
  for (int64_t i = 0; i < n; ++i) {
    float best = INFINITY;
    int32_t bc = 0;
    for (int64_t j = 0; j < k; ++j) {
      float acc = 0.0f;
      for (int t = 0; t < d; ++t) acc = std::fma(c[static_cast<size_t>(j * d + t)], c[static_cast<size_t>(j * d + t)], acc);
      for (int t = 0; t < d; ++t) acc = std::fma(-2.0f * p[static_cast<size_t>(i * d + t)], c[static_cast<size_t>(j * d + t)], acc);
      if (acc < best) {
        best = acc;
        bc = static_cast<int32_t>(j);
      }
    }
    float xx = 0.0f;
    for (int t = 0; t < d; ++t) {
      const float xm = 0.5f * (-2.0f * p[static_cast<size_t>(i * d + t)]);
      xx = std::fma(xm, xm, xx);
    }
    ref[static_cast<size_t>(i)] = bc;
    ref_d[static_cast<size_t>(i)] = std::fmax(best + xx, 0.0f);
  }
  using namespace lb::kernels::kmeans_mma;
  const int64_t lanes = (k + 7) / 8 * 32;
  int64_t bad = 0;
  // the block-tiled kernel: its prep (TF32 rounded to nearest) into a workspace
  {
    using namespace lb::kernels::kmeans_tc;
    std::vector<unsigned char> ws2(static_cast<size_t>(workspace_bytes(k)), 0);
    float4* prep2 = reinterpret_cast<float4*>(ws2.data());
    unsigned* header2 = reinterpret_cast<unsigned*>(ws2.data() + header_offset(k));
    emu::launch(dim3(1, 1, 1), kMmaThreads, 0, centre_kernel, static_cast<const float*>(c.data()), k, d,
                reinterpret_cast<float*>(header2 + kHeaderMu));
    emu::launch(dim3(static_cast<unsigned>((lanes + 255) / 256), 1, 1), 256, 0, prep_tc_kernel,
                static_cast<const float*>(c.data()), k, d, prep2, header2);
    std::vector<int32_t> labels2(static_cast<size_t>(n), -1);
    std::vector<float> dist2(static_cast<size_t>(n), -1.0f);
    emu::launch(dim3(static_cast<unsigned>((n + kTcPointsPerBlock - 1) / kTcPointsPerBlock), 1, 1), kTcThreads,
                kTcSharedBytes, assign_tc_kernel, static_cast<const float*>(p.data()), n, d,
                static_cast<const float*>(c.data()), k, static_cast<const float4*>(prep2),
                static_cast<const unsigned*>(header2), labels2.data(), dist2.data());
    for (int64_t i = 0; i < n; ++i) {
      if (labels2[static_cast<size_t>(i)] != ref[static_cast<size_t>(i)]) ++bad;
      if (std::memcmp(&dist2[static_cast<size_t>(i)], &ref_d[static_cast<size_t>(i)], 4) != 0) ++bad;
    }
    // the lower-register variant (the default; LOWBIT_KMEANS_TC=tiled for the other) on the same prep and header
    std::vector<int32_t> labels3(static_cast<size_t>(n), -1);
    std::vector<float> dist3(static_cast<size_t>(n), -1.0f);
    emu::launch(dim3(static_cast<unsigned>((n + kTcPointsPerBlock - 1) / kTcPointsPerBlock), 1, 1), kTcThreads,
                kOccSharedBytes, assign_tc_occ_kernel, static_cast<const float*>(p.data()), n, d,
                static_cast<const float*>(c.data()), k, static_cast<const float4*>(prep2),
                static_cast<const unsigned*>(header2), labels3.data(), dist3.data());
    for (int64_t i = 0; i < n; ++i) {
      if (labels3[static_cast<size_t>(i)] != ref[static_cast<size_t>(i)]) ++bad;
      if (std::memcmp(&dist3[static_cast<size_t>(i)], &ref_d[static_cast<size_t>(i)], 4) != 0) ++bad;
    }
  }
  ++kmeans_cases;
  if (bad != 0) {
    check::fail(__FILE__, __LINE__, "kmeans mma n=" + std::to_string(n) + " d=" + std::to_string(d) + " k=" +
                                        std::to_string(k) + " kind=" + std::to_string(kind) + ": " +
                                        std::to_string(bad) + " labels / distances differ from the exact chain");
  }
}

void test_kmeans_mma() {
  // n not a multiple of the 512-point block or the 16-point m-tile, k not a multiple of the 8-centroid tile
  kmeans_mma_case(700, 8, 100, 0, 1);
  kmeans_mma_case(517, 6, 37, 0, 2);
  kmeans_mma_case(300, 4, 64, 0, 3);
  kmeans_mma_case(90, 2, 5, 0, 4);    // k < 8: one padded tile
  kmeans_mma_case(600, 8, 50, 1, 5);  // integer data: exact ties everywhere (lowest index must win)
  kmeans_mma_case(200, 3, 20, 1, 6);
  kmeans_mma_case(300, 8, 40, 2, 7);  // duplicated centroids, points on centroids
  kmeans_mma_case(1000, 8, 16, 3, 10);  // near ties: fails without the margin (checked by hand)
  kmeans_mma_case(700, 4, 24, 3, 11);
  kmeans_mma_case(800, 8, 16, 4, 12);  // far from the origin
  kmeans_mma_case(40, 8, 1, 0, 8);    // k = 1
  kmeans_mma_case(20, 5, 60, 0, 9);   // k > n
  // block-tiled kernel: two 256-centroid stages (odd tails), two 1024-point blocks, every d in 1..8
  for (int d = 1; d <= 8; ++d) kmeans_mma_case(300 + 37 * d, d, 260 + 13 * d, d % 3 == 0 ? 1 : 0, 20 + d);
  kmeans_mma_case(1100, 8, 300, 0, 30);  // second block: points 1024..1099
  kmeans_mma_case(700, 8, 263, 5, 31);   // clustered
  kmeans_mma_case(500, 7, 270, 5, 32);
  kmeans_mma_case(600, 8, 300, 6, 33);   // well separated
  kmeans_mma_case(400, 3, 257, 6, 34);   // one centroid past a stage
  kmeans_mma_case(1025, 8, 270, 2, 35);  // duplicated centroids over stages, one point in a second block
  kmeans_mma_case(300, 8, 1100, 3, 36);  // five stages: both stage buffers reused (the occ variant's cp.async ring)
  kmeans_mma_case(200, 5, 800, 1, 37);   // four stages, integer ties
  std::printf("k-means TF32 assignment (emulated): %d cases\n", kmeans_cases);
}

}  // namespace

int main() {
  test_packed();
  test_bank_choose();
  test_vq();
  test_kmeans_mma();
  return check::finish("test_cuda_kernels_emulated");
}
