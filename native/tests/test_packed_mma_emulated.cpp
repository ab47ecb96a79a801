// The tensor-core packed-matmul kernel (kernels/cuda/packed_mma_cuda.cuh) run on the host through
// cuda_emulation.h, whose mma.sync is written independently from the PTX ISA fragment tables: a wrong A / B /
// C fragment mapping, k permutation, x staging order, dequant pair or group fold in the kernel shows up here as
// a wrong result. Checks (1) the kernel's index math covers every k of a k-step exactly once per chunk, (2) the
// plan's choices, (3) whole launches (the real plan, a small SM count to force split-k) against a double
// reference over bits 2/3/4, m-tile edges, column tails, `in` tails, groups 32/64/128/per channel, x and
// scales in f16/bf16/f32, large f32 x, zero_offset 0/1.
#include "cuda_emulation.h"
// the kernel body, after the emulation layer
#include "kernels/cuda/packed_mma_cuda.cuh"

#include <cstdio>
#include <random>
#include <set>
#include <string>

#include "check.h"
#include "pack_reference.h"
#include "packed_problem.h"

namespace {

namespace mma = lb::kernels::packed_mma;
using lb::kernels::PackedLinearCudaArgs;

template <int B>
void check_index_math() {
  using S = mma::Shape<B>;
  std::set<int> all;
  for (int c = 0; c < S::NCH; ++c) {
    std::set<int> chunk;
    for (int lane = 0; lane < 32; ++lane)
      for (int r = 0; r < 2; ++r)
        for (int e = 0; e < 2; ++e) {
          const int t = lane & 3;
          const int k = mma::b_k<B>(c, t, r, e);
          // a thread's B values come from its own packing unit (rows R t .. R t + R - 1)
          CHECK(k >= S::R * t && k < S::R * (t + 1));
          chunk.insert(k);
          all.insert(k);
          // A registers 2r (row gid) and 2r + 1 (row gid + 8) carry the k of B register r
          CHECK(mma::a_k<B>(c, lane, 2 * r, e) == k && mma::a_k<B>(c, lane, 2 * r + 1, e) == k);
          CHECK(mma::a_row(lane, 2 * r) == (lane >> 2) && mma::a_row(lane, 2 * r + 1) == (lane >> 2) + 8);
        }
    CHECK(static_cast<int>(chunk.size()) == 16);  // a k16 chunk: 16 distinct rows
  }
  CHECK(static_cast<int>(all.size()) == S::KS && *all.begin() == 0 && *all.rbegin() == S::KS - 1);
  // output columns: the 4 n-tiles x 8 columns of a warp cover its 32 columns once
  std::set<int> cols;
  for (int j = 0; j < 4; ++j)
    for (int n = 0; n < 8; ++n) cols.insert(mma::col_of(n, j));
  CHECK(cols.size() == 32 && *cols.rbegin() == 31);
}

void check_plan() {
  using lb::kernels::kPackedBF16;
  using lb::kernels::kPackedF16;
  using lb::kernels::kPackedF32;
  CHECK(!mma::mma_plan_for(4, 4, 4096, 4096, 128, kPackedF16, 132).takes);  // m <= 4: other kernel
  const mma::MmaPlan p = mma::mma_plan_for(4, 16, 8192, 28672, 128, kPackedF16, 132);
  CHECK(p.takes && p.mb == 1 && p.fold && p.op == mma::kOpF16);
  CHECK(p.splits * p.ksteps_per_split >= 8192 / 32 && (p.splits - 1) * p.ksteps_per_split < 8192 / 32);
  CHECK(mma::mma_plan_for(4, 17, 4096, 4096, 128, kPackedBF16, 132).mb == 2);
  CHECK(mma::mma_plan_for(4, 17, 4096, 4096, 128, kPackedBF16, 132).op == mma::kOpBF16);
  CHECK(mma::mma_plan_for(4, 17, 4096, 4096, 128, kPackedF32, 132).op == mma::kOpBF16Split);
  CHECK(!mma::mma_plan_for(3, 16, 4096, 4096, 64, kPackedF16, 132).fold);  // group < 128-row k-step
  CHECK(mma::mma_plan_for(3, 16, 4096, 4096, 64, kPackedF16, 132).takes);
  CHECK(mma::mma_plan_for(3, 16, 320, 64, 320, kPackedF16, 132).fold);     // per channel: one group
  CHECK(!mma::mma_plan_for(4, 16, 4096, 4096, 16, kPackedF16, 132).takes); // bits 4, group 16: other kernel
  CHECK(!mma::mma_plan_for(4, 16, 4096, 4092, 128, kPackedF16, 132).takes);  // out % 8 != 0
}


template <int B, int OP, int MB, bool FOLD>
void run(const PackedLinearCudaArgs& a, const mma::MmaPlan& plan) {
  const dim3 grid(static_cast<unsigned>((a.out + mma::kBlockCols - 1) / mma::kBlockCols),
                  static_cast<unsigned>(plan.splits), static_cast<unsigned>((a.m + 16 * MB - 1) / (16 * MB)));
  emu::launch(grid, mma::kThreads, mma::smem_bytes<B, OP, MB>(), mma::packed_mma_kernel<B, OP, MB, FOLD>, a,
              plan.ksteps_per_split, plan.splits > 1);
}
template <int B, int OP, bool FOLD>
void run_mb(const PackedLinearCudaArgs& a, const mma::MmaPlan& plan) {
  if (plan.mb == 1) {
    run<B, OP, 1, FOLD>(a, plan);
  } else {
    run<B, OP, 2, FOLD>(a, plan);
  }
}
template <int B, bool FOLD>
void run_op(const PackedLinearCudaArgs& a, const mma::MmaPlan& plan) {
  if (plan.op == mma::kOpF16) run_mb<B, mma::kOpF16, FOLD>(a, plan);
  if (plan.op == mma::kOpBF16) run_mb<B, mma::kOpBF16, FOLD>(a, plan);
  if (plan.op == mma::kOpBF16Split) run_mb<B, mma::kOpBF16Split, FOLD>(a, plan);
}
template <int B>
void run_bits(const PackedLinearCudaArgs& a, const mma::MmaPlan& plan) {
  if (plan.fold) {
    run_op<B, true>(a, plan);
  } else if constexpr (B != 4) {
    run_op<B, false>(a, plan);
  }
}

int cases = 0;
double worst_exact = 0.0, worst_rounded = 0.0;

// group <= 0: per channel. xdtype / sdtype: 0 f32, 1 f16, 2 bf16. xmax: |x| scale (f32 x up to ~3000).
void mma_case(int bits, int64_t out, int64_t in, int64_t group, int64_t m, int xdtype, int sdtype, int zero_offset,
              int sms, float xmax = 1.0f) {
  const packed_problem::Problem pr = packed_problem::make(bits, out, in, group, m, xdtype, sdtype, zero_offset, xmax);
  const int64_t rows_per_group = pr.rows_per_group;
  std::vector<float> y(static_cast<size_t>(m * out), 12345.0f);  // garbage unless the plan memsets
  const PackedLinearCudaArgs a = pr.args(y.data());
  const std::string& what = pr.what;
  const mma::MmaPlan plan = mma::mma_plan_for(bits, m, in, out, rows_per_group, xdtype, sms);
  if (!plan.takes) {
    check::fail(__FILE__, __LINE__, what + ": the plan declines the shape");
    return;
  }
  if (plan.splits > 1) std::fill(y.begin(), y.end(), 0.0f);  // the launcher's cudaMemsetAsync
  if (bits == 2) run_bits<2>(a, plan);
  if (bits == 3) run_bits<3>(a, plan);
  if (bits == 4) run_bits<4>(a, plan);
  const double e = pr.relative_error(y);
  ++cases;
  // fold: exact products, f32 sums (f32 x: hi + lo bf16 keeps 16 bits); no fold: 16-bit rounded weights
  const double tolerance = !plan.fold ? (plan.op == mma::kOpF16 ? 1e-3 : 5e-3) : plan.op == mma::kOpBF16Split ? 3e-5 : 1e-5;
  if (plan.fold) {
    worst_exact = std::fmax(worst_exact, e);
  } else {
    worst_rounded = std::fmax(worst_rounded, e);
  }
  if (!(e < tolerance)) {
    check::fail(__FILE__, __LINE__,
                what + " mb=" + std::to_string(plan.mb) + " fold=" + std::to_string(plan.fold) + " op=" +
                    std::to_string(plan.op) + " splits=" + std::to_string(plan.splits) + ": relative error " +
                    std::to_string(e));
  }
}

void test_launches() {
  // qzeros packs out * bits / 32 words per group: out a multiple of 8 / 16 / 32 for bits 4 / 2 / 3
  auto cols = [](int bits, int64_t eights) { return bits == 4 ? 8 * eights : bits == 2 ? 16 * eights : 32 * eights; };
  // every bits x group x x-dtype at a small shape, m-tile edges spread over them
  const int64_t ms[] = {5, 16, 17, 31};
  int i = 0;
  for (int bits : {2, 3, 4}) {
    for (int64_t group : {int64_t{32}, int64_t{64}, int64_t{128}, int64_t{-1}}) {
      for (int xdtype : {1, 2, 0}) {
        const int64_t m = ms[i++ % 4];
        mma_case(bits, cols(bits, 5), 256, group, m, xdtype, 1 + (i % 2), i % 2, 132);
      }
    }
  }
  for (int bits : {2, 3, 4}) {
    const int64_t unit = bits == 4 ? 8 : bits == 2 ? 16 : 32;
    mma_case(bits, cols(bits, 1), 512 + unit, 64 * (bits == 3 ? 2 : 1), 48, 1, 1, 0, 132);  // narrowest out, `in` tail
    mma_case(bits, cols(bits, 3), 7 * unit * 4 + unit, -1, 100, 2, 0, 1, 132);  // m = 100, per channel, `in` tail
    mma_case(bits, cols(bits, 17), 2048, 128, 7, 1, 2, 0, 4);                  // column blocks + tail, split-k
    mma_case(bits, cols(bits, 5), 1024, 32, 33, 0, 0, 0, 4, 3000.0f);          // large f32 x, split-k
  }
  mma_case(4, 264, 1280, 128, 64, 1, 1, 1, 1);  // one split: x restaged 3 times (MB = 2: 16 k-steps), 3 column blocks
  mma_case(2, 48, 2304, 64, 20, 2, 1, 0, 1);    // one split over 2304 rows: x restaged 3 times (MB = 2)
  std::printf("packed mma kernel (emulated): %d cases; worst relative error %.3g (exact modes), %.3g (rounded weights)\n",
              cases, worst_exact, worst_rounded);
}

}  // namespace

int main() {
  check_index_math<2>();
  check_index_math<3>();
  check_index_math<4>();
  check_plan();
  test_launches();
  return check::finish("test_packed_mma_emulated");
}
