// The pipelined tensor-core kernel (kernels/cuda/packed_mma_pipe_cuda.cuh) run on the host through
// cuda_emulation.h (mma.sync from the PTX fragment tables, cp.async as immediate copies ordered by the
// kernel's barriers): a wrong weight slot, raw-x tile offset, A register pairing, scale / zero slot, pipeline
// ring index, m-tile / column-block / split mapping or epilogue shows up as a wrong result. Checks (1) the
// plan (what it takes, m tiles, splits), (2) the x tile reads of bits 4 / 2 are free of bank conflicts per
// 8-lane phase, (3) whole launches against a double reference (dequantize, then matmul): bits 2/3/4, odd column
// counts (not a multiple of the 256-column block), `in` tails, m in {5, 7, 16, 33, 64}, groups 32/64/128/per
// channel, x f16/bf16, scales f16/bf16/f32, zero_offset 0/1, one split (the ring wraps many times) and split-k, each
// with the weight copies in the fragment's lane order and coalesced (LOWBIT_MMA_PIPE_COALESCED).
#include "cuda_emulation.h"
// the kernel body, after the emulation layer
#include "kernels/cuda/packed_mma_pipe_cuda.cuh"

#include <cstdio>
#include <random>
#include <set>
#include <string>

#include "check.h"
#include "pack_reference.h"
#include "packed_problem.h"

namespace {

namespace pipe = lb::kernels::packed_mma_pipe;
namespace mma = lb::kernels::packed_mma;
using lb::kernels::kPackedBF16;
using lb::kernels::kPackedF16;
using lb::kernels::kPackedF32;
using lb::kernels::PackedLinearCudaArgs;

void check_plan() {
  // the acceptance shape: one m16 tile, 112 column blocks, splits that fill the waves
  const pipe::PipePlan p = pipe::pipe_plan_for(4, 16, 8192, 28672, 128, kPackedF16, 132, 2);
  CHECK(p.takes && p.mb == 1 && p.mtiles == 1 && p.col_blocks == 112 && p.op == mma::kOpF16);
  CHECK(p.splits >= 3 && p.splits * p.ksteps_per_split >= 256 && (p.splits - 1) * p.ksteps_per_split < 256);
  CHECK(p.blocks == 112 * p.splits);
  CHECK(!pipe::pipe_plan_for(4, 4, 4096, 4096, 128, kPackedF16, 132, 2).takes);      // m <= 4: the GEMV
  CHECK(!pipe::pipe_plan_for(4, 16, 4096, 4096, 128, kPackedF32, 132, 2).takes);     // f32 x: the old mma kernel
  CHECK(!pipe::pipe_plan_for(3, 16, 4096, 4096, 64, kPackedF16, 132, 2).takes);      // no fold: the old kernel
  CHECK(!pipe::pipe_plan_for(2, 16, 4096, 4096, 32, kPackedBF16, 132, 2).takes);
  CHECK(pipe::pipe_plan_for(2, 16, 4096, 4096, 64, kPackedBF16, 132, 2).takes);
  CHECK(pipe::pipe_plan_for(3, 16, 320, 64, 320, kPackedF16, 132, 2).takes);         // per channel: one group
  CHECK(!pipe::pipe_plan_for(4, 16, 4096, 4092, 128, kPackedF16, 132, 2).takes);     // out % 8 != 0
  CHECK(pipe::pipe_plan_for(4, 64, 4096, 4096, 128, kPackedF16, 132, 1).mb == 4);    // one m tile of 64 rows
  CHECK(pipe::pipe_plan_for(4, 64, 4096, 4096, 128, kPackedF16, 132, 1).mtiles == 1);
  CHECK(pipe::pipe_plan_for(2, 64, 4096, 4096, 64, kPackedF16, 132, 1).mb == 2);
  CHECK(pipe::pipe_plan_for(3, 64, 4096, 4096, 128, kPackedF16, 132, 1).mtiles == 4);
  CHECK(pipe::pipe_plan_for(4, 17, 4096, 4096, 128, kPackedF16, 132, 1).mb == 2);
  // tiny `in`: never more splits than stages
  const pipe::PipePlan q = pipe::pipe_plan_for(4, 16, 64, 8, 64, kPackedF16, 132, 2);
  CHECK(q.takes && q.splits == 1);
}

// x tile reads: lane (gid, t) reads R / 8 16-byte chunks at row gid (+ 8), byte 2 R t + 16 q. 16-byte loads
// go in phases of 8 lanes; for bits 4 / 2 the padded row stride must give each phase 32 distinct banks.
template <int B>
void check_x_banks() {
  using PP = pipe::Pipe<B>;
  constexpr int R = mma::Shape<B>::R;
  for (int hh = 0; hh < 2; ++hh)
    for (int q = 0; q < R / 8; ++q)
      for (int phase = 0; phase < 4; ++phase) {
        std::set<int> banks;
        for (int l = 8 * phase; l < 8 * phase + 8; ++l) {
          const int gid = l >> 2, t = l & 3;
          const int byte = (gid + 8 * hh) * PP::XRow + 2 * R * t + 16 * q;
          for (int w = 0; w < 4; ++w) banks.insert((byte / 4 + w) % 32);
        }
        CHECK(banks.size() == 32);
      }
}


// The coalesced weight copy's slots (coalesced_slot): 16-byte accesses go in phases of 8 lanes; the copy's phase p
// (row p, gid 0..7) and the consumer's phase p (lanes 8p .. 8p + 7: gid 2p, 2p + 1, every t) must each meet 8
// distinct 16-byte bank groups, and every consumer lane its own slot.
void check_coalesced_slots() {
  std::set<int> all;
  for (int p = 0; p < 4; ++p) {
    std::set<int> copy, read;
    for (int g = 0; g < 8; ++g) copy.insert(pipe::coalesced_slot(p, g) % 8);
    for (int l = 8 * p; l < 8 * p + 8; ++l) read.insert(pipe::coalesced_slot(l & 3, l >> 2) % 8);
    CHECK(copy.size() == 8);
    CHECK(read.size() == 8);
  }
  for (int l = 0; l < 32; ++l) all.insert(pipe::coalesced_slot(l & 3, l >> 2));
  CHECK(all.size() == 32 && *all.begin() == 0 && *all.rbegin() == 31);
}

bool coalesced_copy = false;  // the kernel's `coalesced` argument (LOWBIT_MMA_PIPE_COALESCED)

// xp: the XP path (x laid out as A fragments by permute_x_kernel into xp, which also zeroes y for split-k)
template <int B, int OP, int MB>
void run(const PackedLinearCudaArgs& a, const pipe::PipePlan& plan, uint4* xp) {
  const dim3 grid(static_cast<unsigned>(plan.mtiles), static_cast<unsigned>(plan.col_blocks),
                  static_cast<unsigned>(plan.splits));
  if (xp != nullptr) {
    emu::launch(dim3(3, 1, 1), pipe::kThreads, 0, pipe::permute_x_kernel<B>, a, xp, plan.splits > 1);  // grid-stride
    const uint4* fragments = xp;
    emu::launch(grid, pipe::kThreads, pipe::smem_bytes<B, MB>(), pipe::packed_mma_pipe_kernel<B, OP, MB, true>, a,
                plan.ksteps_per_split, plan.splits > 1 ? pipe::kOutAtomic : pipe::kOutStore, fragments, coalesced_copy);
    return;
  }
  const uint4* none = nullptr;
  emu::launch(grid, pipe::kThreads, pipe::smem_bytes<B, MB>(), pipe::packed_mma_pipe_kernel<B, OP, MB>, a,
              plan.ksteps_per_split, plan.splits > 1 ? pipe::kOutAtomic : pipe::kOutStore, none, coalesced_copy);
}
template <int B, int OP>
void run_mb(const PackedLinearCudaArgs& a, const pipe::PipePlan& plan, uint4* xp) {
  if (plan.mb == 1) run<B, OP, 1>(a, plan, xp);
  if constexpr (pipe::max_mb(B) >= 2) {
    if (plan.mb == 2) run<B, OP, 2>(a, plan, xp);
  }
  if constexpr (pipe::max_mb(B) >= 4) {
    if (plan.mb == 4) run<B, OP, 4>(a, plan, xp);
  }
}
template <int B>
void run_op(const PackedLinearCudaArgs& a, const pipe::PipePlan& plan, uint4* xp) {
  if (plan.op == mma::kOpF16) {
    run_mb<B, mma::kOpF16>(a, plan, xp);
  } else {
    run_mb<B, mma::kOpBF16>(a, plan, xp);
  }
}

int cases = 0;
double worst = 0.0;

// group <= 0: per channel. xdtype 1 f16 / 2 bf16; sdtype 0 f32 / 1 f16 / 2 bf16. blocks_per_sm and sms shape
// the split: sms = 1000 forces many splits, sms = 1 one split.
void pipe_case(int bits, int64_t out, int64_t in, int64_t group, int64_t m, int xdtype, int sdtype, int zero_offset,
               int sms) {
  const packed_problem::Problem pr = packed_problem::make(bits, out, in, group, m, xdtype, sdtype, zero_offset, 1.0f);
  const int64_t rows_per_group = pr.rows_per_group;
  const pipe::PipePlan plan = pipe::pipe_plan_for(bits, m, in, out, rows_per_group, xdtype, sms, 1);
  if (!plan.takes) {
    check::fail(__FILE__, __LINE__, pr.what + ": the plan declines the shape");
    return;
  }
  for (int variant = 0; variant < 4; ++variant) {  // raw x / XP, each with the fragment-order and coalesced copies
    const bool with_xp = variant % 2 == 1;
    coalesced_copy = variant >= 2;
    std::vector<float> y(static_cast<size_t>(m * out), 12345.0f);  // garbage unless the launcher zeroes it
    const PackedLinearCudaArgs a = pr.args(y.data());
    const std::string what = pr.what + (with_xp ? " XP" : "") + (coalesced_copy ? " coalesced" : "");
    // XP: fragments start as garbage; permute_x_kernel writes all of them and zeroes y for split-k
    std::vector<uint4> xp(static_cast<size_t>(pipe::xp_bytes(bits, m, in) / 16), make_uint4(0x7C007C00u, 1u, 2u, 3u));
    if (!with_xp && plan.splits > 1) std::fill(y.begin(), y.end(), 0.0f);  // the launcher's zeroing kernel
    uint4* fragments = with_xp ? xp.data() : nullptr;
    if (bits == 2) run_op<2>(a, plan, fragments);
    if (bits == 3) run_op<3>(a, plan, fragments);
    if (bits == 4) run_op<4>(a, plan, fragments);
    const double e = pr.relative_error(y);
    ++cases;
    worst = std::fmax(worst, e);
    if (!(e < 1e-5)) {  // exact products, f32 sums (as the old kernel's fold)
      check::fail(__FILE__, __LINE__,
                  what + " mb=" + std::to_string(plan.mb) + " mtiles=" + std::to_string(plan.mtiles) + " splits=" +
                      std::to_string(plan.splits) + ": relative error " + std::to_string(e));
    }
  }
}

void test_launches() {
  // out: a multiple of 8 / 16 / 32 for bits 4 / 2 / 3 (qzeros packing), odd multiples so the last 256-column
  // block is partial and some warps have no columns
  auto cols = [](int bits, int64_t odd) { return bits == 4 ? 8 * odd : bits == 2 ? 16 * odd : 32 * odd; };
  const int64_t ms[] = {5, 7, 16, 33, 64};
  int i = 0;
  for (int bits : {2, 3, 4}) {
    const int64_t unit = bits == 4 ? 8 : bits == 2 ? 16 : 32;
    const int64_t kstep = 4 * unit;
    for (int64_t m : ms) {
      // `in` with a tail unit (not a multiple of the k-step) and a stage tail; groups that fold
      const int64_t in = 6 * kstep + unit;
      const int64_t group = (i % 3 == 0) ? -1 : kstep * (1 + i % 2);
      pipe_case(bits, cols(bits, 33 + 2 * (i % 3)), in, group, m, 1 + i % 2, i % 3, i % 2, i % 2 ? 1 : 1000);
      ++i;
    }
  }
  // one split over many stages (the ring of kStages buffers wraps; scale slots at group starts only)
  pipe_case(4, 264, 1280, 128, 16, 1, 1, 0, 1);
  pipe_case(4, 264, 1280, 32, 64, 2, 0, 1, 1);  // group = k-step: a new group at every k-step
  pipe_case(2, 272, 1024 + 16, 64, 20, 1, 2, 0, 1);
  pipe_case(3, 288, 1024 + 32, 128, 9, 2, 1, 1, 1);
  // many splits of one stage each
  pipe_case(4, 520, 2048, 128, 5, 1, 1, 1, 1000);
  std::printf("packed mma pipe kernel (emulated): %d cases; worst relative error %.3g\n", cases, worst);
}

}  // namespace

int main() {
  check_plan();
  check_x_banks<4>();
  check_x_banks<2>();
  check_coalesced_slots();
  test_launches();
  return check::finish("test_packed_mma_pipe_emulated");
}
