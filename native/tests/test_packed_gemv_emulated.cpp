// The CUDA packed GEMV (packed_gemv_cuda.cuh: int8 activations, dp4a, stream-K runs over 128-column
// tiles) run on the host through cuda_emulation.h, against (a) a host copy of its exact integer arithmetic
// (same x quantization, integer dots, zero-point fold; only the f32 summation order differs), which checks
// the bit unpacking, the x byte order, the group/zero/scale indexing, the runs that cross tiles and the
// atomics; and (b) dequantize + a double matmul, which bounds the activation quantization error (normal x
// and x with a 1000x outlier). Also the plan and the applicability rule, and the accumulate mode
// (packed_gemv_cuda_accumulate: y starts non-zero, the kernel must add W x onto it).
#include "cuda_emulation.h"
// the kernel body, after the emulation layer
#include "kernels/cuda/packed_gemv_coop.cuh"
#include "kernels/cuda/packed_gemv_cuda.cuh"

#include <algorithm>
#include <cmath>
#include <cstdio>
#include <random>
#include <string>

#include "check.h"
#include "packed_gemv_reference.h"

namespace {

using lb::kernels::GemvInputOps;
using lb::kernels::PackedLinearCudaArgs;
namespace gv = lb::kernels::packed_gemv;
using gemv_ref::Case;

// vec_atomics = false: the host has no 16-byte atomics (the kernel's sm_90 path is tested on the GPU)
// xq: the PREQ path (pre-quantized x): quantize_x_kernel fills xq and zeroes y, then the GEMV copies its slots
// fold: the PREQ path's group fold (FOLD; m = 1 only)
template <int B, int MR, int XOP = lb::kernels::kGemvInputPlain>
void run_rows(const PackedLinearCudaArgs& a, const gv::GemvPlan& plan, const GemvInputOps& ops = {}, uint4* xq = nullptr,
              bool fold = false) {
  if constexpr (XOP == lb::kernels::kGemvInputPlain) {
    if (xq != nullptr) {
      emu::launch(dim3(3, 1, 1), gv::kThreads, 0, gv::quantize_x_kernel<B, MR>, a, xq);  // 3 blocks: grid-stride loops
      if constexpr (MR == 1) {
        if (fold) {
          if (a.scales_dtype == 0) {
            emu::launch(dim3(static_cast<unsigned>(gv::grid_blocks(plan, a.in, a.out)), 1, 1), gv::kThreads, 0,
                        gv::packed_gemv_kernel<B, 1, false, XOP, true, true>, a, plan.per_warp, false, ops, xq);
          } else {
            emu::launch(dim3(static_cast<unsigned>(gv::grid_blocks(plan, a.in, a.out)), 1, 1), gv::kThreads, 0,
                        gv::packed_gemv_kernel<B, 1, true, XOP, true, true>, a, plan.per_warp, false, ops, xq);
          }
          return;
        }
      }
      CHECK(!fold);
      if (a.scales_dtype == 0) {
        emu::launch(dim3(static_cast<unsigned>(gv::grid_blocks(plan, a.in, a.out)), 1, 1), gv::kThreads, 0,
                    gv::packed_gemv_kernel<B, MR, false, XOP, true>, a, plan.per_warp, false, ops, xq);
      } else {
        emu::launch(dim3(static_cast<unsigned>(gv::grid_blocks(plan, a.in, a.out)), 1, 1), gv::kThreads, 0,
                    gv::packed_gemv_kernel<B, MR, true, XOP, true>, a, plan.per_warp, false, ops, xq);
      }
      return;
    }
  }
  const uint4* none = nullptr;
  if (a.scales_dtype == 0) {
    emu::launch(dim3(static_cast<unsigned>(gv::grid_blocks(plan, a.in, a.out)), 1, 1), gv::kThreads, 0,
                gv::packed_gemv_kernel<B, MR, false, XOP>, a, plan.per_warp, false, ops, none);
  } else {
    emu::launch(dim3(static_cast<unsigned>(gv::grid_blocks(plan, a.in, a.out)), 1, 1), gv::kThreads, 0,
                gv::packed_gemv_kernel<B, MR, true, XOP>, a, plan.per_warp, false, ops, none);
  }
}

template <int B>
void run_bits(const PackedLinearCudaArgs& a, const gv::GemvPlan& plan, const GemvInputOps& ops, uint4* xq, bool fold) {
  if (ops.op == lb::kernels::kGemvInputNormWeight) return run_rows<B, 1, lb::kernels::kGemvInputNormWeight>(a, plan, ops);
  if (ops.op == lb::kernels::kGemvInputSiluMul) return run_rows<B, 1, lb::kernels::kGemvInputSiluMul>(a, plan, ops);
  if (plan.rows == 1) run_rows<B, 1>(a, plan, ops, xq, fold);
  if (plan.rows == 2) run_rows<B, 2>(a, plan, ops, xq, fold);
  if (plan.rows == 4) run_rows<B, 4>(a, plan, ops, xq, fold);
}

void run_any(int bits, const PackedLinearCudaArgs& a, const gv::GemvPlan& plan, const GemvInputOps& ops = {},
             uint4* xq = nullptr, bool fold = false) {
  if (bits == 2) run_bits<2>(a, plan, ops, xq, fold);
  if (bits == 3) run_bits<3>(a, plan, ops, xq, fold);
  if (bits == 4) run_bits<4>(a, plan, ops, xq, fold);
}

// The block-cooperative kernel (packed_gemv_coop.cuh) for a fused op.
template <int B, int XOP>
void run_coop_op(const PackedLinearCudaArgs& a, const gv::CoopPlan& plan, const GemvInputOps& ops) {
  const dim3 grid(static_cast<unsigned>(plan.blocks), 1, 1);
  if (a.scales_dtype == 0) {
    emu::launch(grid, gv::kThreads, 0, gv::packed_gemv_coop_kernel<B, false, XOP>, a, plan.per_block, false, ops);
  } else {
    emu::launch(grid, gv::kThreads, 0, gv::packed_gemv_coop_kernel<B, true, XOP>, a, plan.per_block, false, ops);
  }
}

template <int B>
void run_coop_bits(const PackedLinearCudaArgs& a, const gv::CoopPlan& plan, const GemvInputOps& ops) {
  if (ops.op == lb::kernels::kGemvInputNormWeight) run_coop_op<B, lb::kernels::kGemvInputNormWeight>(a, plan, ops);
  if (ops.op == lb::kernels::kGemvInputSiluMul) run_coop_op<B, lb::kernels::kGemvInputSiluMul>(a, plan, ops);
}

void run_coop(int bits, const PackedLinearCudaArgs& a, const gv::CoopPlan& plan, const GemvInputOps& ops) {
  if (bits == 2) run_coop_bits<2>(a, plan, ops);
  if (bits == 3) run_coop_bits<3>(a, plan, ops);
  if (bits == 4) run_coop_bits<4>(a, plan, ops);
}

int cases = 0;
double worst_exact = 0, worst_normal = 0, worst_outlier = 0;

void gemv_case(const Case& c) {
  const gemv_ref::Problem p = gemv_ref::make_problem(c);
  const std::vector<double> exact = gemv_ref::exact_reference(c, p);
  const std::vector<double> real = gemv_ref::dequant_reference(c, p);
  PackedLinearCudaArgs a = gemv_ref::gemv_args(c, p.x.data(c.x_dtype), c.x_dtype, c.m, p.qweight.data(),
                                               p.qzeros.data(), p.scales.data(c.scales_dtype), nullptr);
  // y0: the accumulate mode's starting y (the decode step's residual), of the size of W x
  std::vector<float> y0(static_cast<size_t>(c.m * c.out));
  {
    std::mt19937 rng(static_cast<uint32_t>(c.out * 131 + c.in + c.bits));
    std::normal_distribution<float> normal(0.0f, 1.0f);
    double rms = 0;
    for (double v : exact) rms += v * v;
    rms = exact.empty() ? 1.0 : std::sqrt(rms / static_cast<double>(exact.size()));
    for (auto& v : y0) v = static_cast<float>(rms * normal(rng));
  }
  // the variants: runs of at least one stage (the default plan) and of two, each writing a zeroed y and adding
  // onto a non-zero y (accumulate mode); then x pre-quantized into a workspace (PREQ: garbage in, y garbage too,
  // both must be overwritten) with one- and two-stage runs; for m = 1 also the PREQ path's group fold, likewise
  for (int variant = 0; variant < (c.m == 1 ? 8 : 6); ++variant) {
    const bool preq = variant >= 4;
    const bool fold = variant >= 6;
    const bool accumulate = !preq && variant % 2 == 1;
    const int min_run_stages = variant % 4 < 2 ? 1 : 2;
    std::vector<float> y(static_cast<size_t>(c.m * c.out), preq ? 777.0f : 0.0f);  // else the launcher zeroes y
    if (accumulate) y = y0;
    std::vector<uint4> xq(static_cast<size_t>(gv::xq_bytes(c.m, c.in) / 16), make_uint4(0x7F7F7F7Fu, 1u, 2u, 3u));
    a.y = y.data();
    const gv::GemvPlan plan = gv::plan_for(c.bits, c.m, c.in, c.out, c.resident_warps, min_run_stages);
    const std::string what = gemv_ref::describe(c) + (accumulate ? " accumulate" : "") +
                             (min_run_stages == 1 ? " one-stage runs" : " two-stage runs") + (preq ? " PREQ" : "") +
                             (fold ? " fold" : "") +
                             " per_warp=" + std::to_string(plan.per_warp) + " warps=" + std::to_string(plan.warps);
    if (!gv::applies(a)) {
      check::fail(__FILE__, __LINE__, what + ": GEMV does not apply");
      return;
    }
    CHECK(plan.per_warp >= min_run_stages * gv::stage_kblocks_for(c.bits));
    CHECK(plan.warps * plan.per_warp >= (c.out + 127) / 128 * (c.in / 32));
    CHECK(plan.blocks * gv::kWarps >= plan.warps);
    CHECK(xq.size() * 16 == static_cast<size_t>(gv::rows_for(c.m) * (c.in / 32) * gv::kSlotWords * 4));
    run_any(c.bits, a, plan, {}, preq ? xq.data() : nullptr, fold);
    ++cases;
    if (accumulate) {
      // y - y0 = W x: the subtraction costs ~1 ulp of y0 (~6e-8 relative), far below the bounds
      const double e_sum = gemv_ref::relative_error(y, [&] {
        std::vector<double> want(exact);
        for (size_t i = 0; i < want.size(); ++i) want[i] += y0[i];
        return want;
      }());
      if (!(e_sum < 1e-5)) check::fail(__FILE__, __LINE__, what + ": relative error of y vs y0 + W x " + std::to_string(e_sum));
      for (size_t i = 0; i < y.size(); ++i) y[i] -= y0[i];
    }
    const double e_exact = gemv_ref::relative_error(y, exact);
    const double e_real = gemv_ref::relative_error(y, real);
    worst_exact = std::max(worst_exact, e_exact);
    if (c.outlier) {
      worst_outlier = std::max(worst_outlier, e_real);
    } else {
      worst_normal = std::max(worst_normal, e_real);
    }
    if (!(e_exact < 1e-5)) check::fail(__FILE__, __LINE__, what + ": relative error vs its own arithmetic " + std::to_string(e_exact));
    // activation quantization: ~2e-5 for normal x; an outlier block keeps ~1% on its other elements
    if (!(e_real < (c.outlier ? 1e-3 : 2e-4))) {
      check::fail(__FILE__, __LINE__, what + ": relative error vs dequantize + matmul " + std::to_string(e_real));
    }
  }
}

// The fused input ops (x_op, one row): NormWeight reads x * w and adds sum(x^2) to x_sumsq_out (the warps of tile 0,
// once per k-block); SiluMul reads silu(r gate) * (r up) from an f32 [gate | up]. Both zero a side buffer.
// coop: the block-cooperative kernel, with resident_warps / 4 resident blocks (runs that cross 512-column groups).
void fused_case(const Case& c, int op, int dtype2, bool coop) {
  const gemv_ref::Problem p = gemv_ref::make_problem(c);
  const gemv_ref::FusedInput f = gemv_ref::make_fused_input(c, p, op, dtype2);
  const gemv_ref::Problem pe = gemv_ref::with_input(p, f.effective);
  Case ce = c;
  ce.x_dtype = 0;
  const std::vector<double> exact = gemv_ref::exact_reference(ce, pe);
  const std::vector<double> real = gemv_ref::dequant_reference(ce, pe);
  std::vector<float> y(static_cast<size_t>(c.out), 0.0f);
  const int x_dtype = op == 1 ? c.x_dtype : 0;
  PackedLinearCudaArgs a = gemv_ref::gemv_args(c, f.x.data(x_dtype), x_dtype, 1, p.qweight.data(), p.qzeros.data(),
                                               p.scales.data(c.scales_dtype), y.data());
  float sumsq = 0.25f;  // the kernel adds onto it
  std::vector<float> side(37, 5.0f);
  const GemvInputOps ops = gemv_ref::fused_ops(f, op, dtype2, f.weight.data(dtype2), &sumsq, &f.sumsq_in, side.data(),
                                               static_cast<int64_t>(side.size()));
  const std::string what = gemv_ref::describe(c) + (op == 1 ? " NormWeight w=" : " SiluMul round=") +
                           std::to_string(dtype2) + (coop ? " cooperative" : "");
  if (!gv::applies(a) || !gv::input_ops_valid(a, ops)) {
    check::fail(__FILE__, __LINE__, what + ": GEMV does not apply");
    return;
  }
  if (coop) {
    const bool align = cases % 2 == 1;  // every other case with runs of whole stages
    const gv::CoopPlan plan =
        gv::plan_coop(c.bits, c.in, c.out, std::max<int64_t>(1, c.resident_warps / gv::kWarps), align);
    CHECK(plan.per_block >= gv::coop_stage_kblocks_for(c.bits));
    if (align) CHECK(plan.per_block % gv::coop_stage_kblocks_for(c.bits) == 0);
    CHECK(plan.blocks * plan.per_block >= ((c.out + 127) / 128 + gv::kWarps - 1) / gv::kWarps * (c.in / 32));
    run_coop(c.bits, a, plan, ops);
  } else {
    run_any(c.bits, a, gv::plan_for(c.bits, 1, c.in, c.out, c.resident_warps), ops);
  }
  ++cases;
  const double e_exact = gemv_ref::relative_error(y, exact);
  const double e_real = gemv_ref::relative_error(y, real);
  if (!(e_exact < 1e-5)) check::fail(__FILE__, __LINE__, what + ": relative error vs its own arithmetic " + std::to_string(e_exact));
  if (!(e_real < 2e-4)) check::fail(__FILE__, __LINE__, what + ": relative error vs dequantize + matmul " + std::to_string(e_real));
  if (op == 1) {
    const double want = 0.25 + f.sumsq;
    if (!(std::fabs(sumsq - want) <= 1e-5 * want)) {
      check::fail(__FILE__, __LINE__, what + ": sum of squares " + std::to_string(sumsq) + ", expected " + std::to_string(want));
    }
  } else {
    CHECK(sumsq == 0.25f);  // SiluMul only reads its sum
  }
  for (float v : side) CHECK(v == 0.0f);
}

void test_fused_inputs() {
  const int64_t outs[] = {0, 0, 48, 96, 40};
  const int64_t three_tiles[] = {0, 0, 272, 288, 264};
  for (int bits : {2, 3, 4}) {
    for (int dtype2 : {0, 1, 2}) {
      for (bool coop : {false, true}) {
        // one tile, and three tiles with runs crossing them (5 resident warps): tile 0 split over several warps
        fused_case(Case{bits, outs[bits], 352, 32, 1, dtype2, (dtype2 + 1) % 3, bits % 2, 1000, false}, 1, dtype2, coop);
        fused_case(Case{bits, three_tiles[bits], 480, 64, 1, 0, 1, 0, 5, false}, 1, (dtype2 + 1) % 3, coop);
        fused_case(Case{bits, outs[bits], 352, 128, 1, 0, dtype2, 1, 1000, false}, 2, dtype2, coop);
        fused_case(Case{bits, three_tiles[bits], 480, 32, 1, 0, 1, 0, 3, false}, 2, dtype2, coop);
      }
    }
    // six tiles, two 512-column groups of the cooperative kernel, with runs crossing them (2 and 3 resident blocks)
    const int64_t six_tiles[] = {0, 0, 656, 672, 648};
    for (int op : {1, 2}) {
      fused_case(Case{bits, six_tiles[bits], 544, 64, 1, 1, 1, 0, 8, false}, op, 1, true);
      fused_case(Case{bits, six_tiles[bits], 416, 32, 1, 2, 0, 1, 12, false}, op, 2, true);
      fused_case(Case{bits, six_tiles[bits], 544, 64, 1, 1, 1, 0, 8, false}, op, 1, false);
    }
  }
  // what the kernel refuses: the ops take one row and their inputs
  PackedLinearCudaArgs a{};
  alignas(16) static int32_t dummy[4];
  a.scales = dummy;
  a.qweight = dummy;
  a.m = 1;
  a.in = 4096;
  a.out = 4096;
  a.group_size = 128;
  a.bits = 4;
  GemvInputOps ops{};
  CHECK(gv::input_ops_valid(a, ops));
  ops.op = lb::kernels::kGemvInputNormWeight;
  CHECK(!gv::input_ops_valid(a, ops));  // no weight
  ops.weight = dummy;
  CHECK(gv::input_ops_valid(a, ops));
  a.m = 2;
  CHECK(!gv::input_ops_valid(a, ops));
  a.m = 1;
  ops.op = lb::kernels::kGemvInputSiluMul;
  CHECK(!gv::input_ops_valid(a, ops));  // no sum of squares
  const float s = 1.0f;
  ops.sumsq_in = &s;
  ops.norm_count = 4096;
  CHECK(gv::input_ops_valid(a, ops));
  ops.op = 7;
  CHECK(!gv::input_ops_valid(a, ops));
  ops.op = lb::kernels::kGemvInputPlain;
  ops.zero_count = 5;  // and no buffer
  CHECK(!gv::input_ops_valid(a, ops));
}

// The group fold against the exact arithmetic where it is weakest: x of one sign (every code sum large, as after a
// SiLU), so part - z * xsum cancels in f32. Runs that start and end inside groups (few resident warps).
double worst_fold_one_sign = 0;
void fold_one_sign_case(int bits, int64_t out, int64_t in, int64_t group, int64_t resident_warps, int scales_dtype) {
  const Case c{bits, out, in, group, 1, 0, scales_dtype, 1, resident_warps, false};
  const gemv_ref::Problem p0 = gemv_ref::make_problem(c);
  std::vector<float> x(p0.x.values.size());
  std::mt19937 rng(static_cast<uint32_t>(in + out + bits));
  std::normal_distribution<float> normal(0.0f, 1.0f);
  for (auto& v : x) v = 2.0f + std::fabs(normal(rng));
  const gemv_ref::Problem p = gemv_ref::with_input(p0, x);
  const std::vector<double> exact = gemv_ref::exact_reference(c, p);
  for (bool fold : {false, true}) {
    std::vector<float> y(static_cast<size_t>(out), 777.0f);
    std::vector<uint4> xq(static_cast<size_t>(gv::xq_bytes(1, in) / 16));
    PackedLinearCudaArgs a = gemv_ref::gemv_args(c, p.x.data(0), 0, 1, p.qweight.data(), p.qzeros.data(),
                                                 p.scales.data(scales_dtype), y.data());
    const gv::GemvPlan plan = gv::plan_for(bits, 1, in, out, resident_warps);
    run_any(bits, a, plan, {}, xq.data(), fold);
    ++cases;
    const double e = gemv_ref::relative_error(y, exact);
    if (fold) worst_fold_one_sign = std::max(worst_fold_one_sign, e);
    if (!(e < 1e-5)) {
      check::fail(__FILE__, __LINE__, gemv_ref::describe(c) + (fold ? " fold" : "") +
                                          " x of one sign: relative error vs its own arithmetic " + std::to_string(e));
    }
  }
}

void test_cases() {
  // out: qzeros packs out * bits / 32 words per group, so bits 3 needs multiples of 32, bits 2 of 16
  const int64_t main_out[] = {0, 0, 48, 96, 40};    // partial 128-column tiles
  const int64_t small_out[] = {0, 0, 16, 32, 8};
  const int64_t three_tiles[] = {0, 0, 272, 288, 264};  // 3 tiles, the last one short
  for (int bits : {2, 3, 4}) {
    // every group, m (row tiles 1 / 2 / 4), dtype of x and scales, zero offset
    for (int64_t group : {int64_t{32}, int64_t{64}, int64_t{128}, int64_t{352}}) {
      for (int64_t m : {1, 2, 3, 4}) {
        const int dtype = static_cast<int>((m + group / 32) % 3);
        gemv_case(Case{bits, main_out[bits], 352, group, m, dtype, (dtype + 1) % 3, static_cast<int>(m % 2), 1000, false});
      }
    }
    // runs that cross tile boundaries (few resident warps), g128 with a short last group
    gemv_case(Case{bits, three_tiles[bits], 480, 128, 1, 1, 1, 0, 5, false});
    gemv_case(Case{bits, three_tiles[bits], 480, 64, 2, 2, 2, 1, 7, false});
    gemv_case(Case{bits, three_tiles[bits], 480, 32, 4, 0, 0, 0, 3, false});
    // small out, a single k-block, odd k-block counts
    gemv_case(Case{bits, small_out[bits], 32, 32, 1, 1, 1, 0, 1000, false});
    gemv_case(Case{bits, small_out[bits], 96, 96, 3, 2, 1, 1, 1000, false});
    gemv_case(Case{bits, small_out[bits], 224, 32, 1, 0, 2, 0, 2, false});
    // one 1000x outlier per row
    gemv_case(Case{bits, main_out[bits], 256, 128, 1, 1, 1, 0, 1000, true});
    gemv_case(Case{bits, main_out[bits], 256, 64, 4, 0, 1, 1, 4, true});
  }
  // large in (down_proj of a 7B model), per channel and g128
  gemv_case(Case{4, 8, 14336, 128, 1, 1, 1, 0, 1000, false});
  gemv_case(Case{3, 32, 14336, 14336, 1, 2, 2, 1, 9, false});
  gemv_case(Case{2, 16, 14336, 64, 2, 1, 1, 0, 1000, false});
  // x of one sign under the fold: runs of 7 .. 40 k-blocks that start and end inside groups of 2 .. 12 k-blocks
  fold_one_sign_case(2, 272, 1280, 64, 13, 1);
  fold_one_sign_case(3, 288, 1152, 128, 7, 2);
  fold_one_sign_case(4, 264, 1920, 128, 11, 0);
  fold_one_sign_case(4, 40, 4224, 384, 5, 1);
  std::printf("packed GEMV (emulated), group fold with x of one sign: worst relative error vs own arithmetic %.3g\n",
              worst_fold_one_sign);
  std::printf("packed GEMV (emulated): %d cases; worst relative error vs own arithmetic %.3g, vs dequantize + "
              "matmul %.3g (normal x), %.3g (1000x outlier)\n",
              cases, worst_exact, worst_normal, worst_outlier);
}

void test_applies() {
  PackedLinearCudaArgs a{};
  alignas(16) static int32_t dummy[4];
  a.scales = dummy;
  a.qweight = dummy;
  a.m = 1;
  a.in = 4096;
  a.out = 4096;
  a.group_size = 128;
  a.bits = 4;
  CHECK(gv::applies(a));
  a.m = 4;
  CHECK(gv::applies(a));
  a.m = 5;
  CHECK(!gv::applies(a));  // m >= 5: the tiled kernel
  a.m = 1;
  a.in = 40;  // bits 4 allows in % 8 == 0; the GEMV needs whole k-blocks
  a.group_size = 40;
  CHECK(!gv::applies(a));
  a.in = 4096;
  a.group_size = 16;
  CHECK(!gv::applies(a));
  a.group_size = 128;
  a.scales = reinterpret_cast<const char*>(dummy) + 8;
  CHECK(!gv::applies(a));
  // the plan of the timed shapes on 132 SMs x 20 resident warps: every warp busy, one wave
  const gv::GemvPlan p = gv::plan_for(4, 1, 8192, 28672, 132 * 20);
  CHECK_EQ(p.rows, 1);
  CHECK(p.warps <= 132 * 20 && p.warps > 132 * 19);
  CHECK_EQ(gv::plan_for(2, 3, 4096, 4096, 100).rows, 4);
  // 4096 x 4096: the minimum run is 1 stage (the default since the H200 sweep of 2026-12-02) of 2 k-blocks:
  // 2048 warps, where 2-stage runs give 1024 warps of 4
  CHECK_EQ(gv::plan_for(4, 1, 4096, 4096, 132 * 20).per_warp, 2);
  CHECK_EQ(gv::plan_for(4, 1, 4096, 4096, 132 * 20).warps, 2048);
  CHECK_EQ(gv::plan_for(4, 1, 4096, 4096, 132 * 20, 2).per_warp, 4);
  // 2 k-blocks per stage (8 x 16-byte loads per lane for bits 4, 4 for bits 2, 6 for bits 3); the cooperative
  // kernel keeps 4 for bits 2
  CHECK_EQ(gv::stage_kblocks_for(4), 2);
  CHECK_EQ(gv::stage_kblocks_for(2), LB_GEMV_INT2_STAGE_KBLOCKS);  // 2 unless a timing build sets it
  CHECK_EQ(gv::coop_stage_kblocks_for(2), 4);
  CHECK_EQ(gv::stage_kblocks_for(3), 2);
}

}  // namespace

int main() {
  test_applies();
  test_cases();
  test_fused_inputs();
  return check::finish("test_packed_gemv_emulated");
}
