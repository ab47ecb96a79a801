// The tensor-core VQ GEMV for v8 codebooks (16-byte entries) with 8- or 12-bit indices and no residual codebook:
// the default where it applies (LOWBIT_VQ_GEMV=wide or =old takes the wide or the column-stationary kernel).
// Contract: vq_matmul_cuda.h. Included by vq_matmul_cuda.cu and by the host emulation test.
//
// Why: the wide kernel spends ~24 instructions per lookup (the index, one 16-byte shared load, 8 half-to-float
// conversions, 8 FMAs) and ~2.6 shared wavefronts per quarter warp. Here, as there, each lane owns a run of 16
// columns of one row with the run's indices double-buffered in registers, but at each step e the warp's 32 lanes
// hand their entry addresses to one ldmatrix.x4.trans. It gathers the 32 entries as the A fragment of an
// mma.m16n8k16: lane octet o (lanes 8o .. 8o + 7) is 8 x 8 matrix o, so A[t][k] is element t of the entry of lane k
// (rows 8-15: octets 1 and 3). B carries x: its 8 columns are (octet, hi / lo) pairs, so D keeps the four octets
// apart (a warp holds up to 4 rows when a group has 8 or 16 runs) and x keeps ~22 bits as an f16 pair hi + lo,
// scaled per warp by a power of two into f16 range. Per 32 lookups: one ldmatrix, one mma and a few instructions per
// lane for the address. BANKED (w.bank_indices set): the entries come from three rotated codebook copies at the
// 16-bit slots of vq_bank_indices.cuh, so an ldmatrix phase (one octet) mostly takes one shared wavefront.
// Elements past the group, and lanes without a run, read a zero entry: a non-finite codebook entry times x = 0 must
// not reach a row's sum.
#pragma once

#include "kernels/cuda/vq_bank_indices.cuh"
#include "kernels/cuda/vq_gemv_wide_kernel.cuh"

namespace lb::kernels::vq_cuda {

constexpr int kMmaThreads = 512;
constexpr int kMmaRun = 16;              // columns per lane and row
constexpr int kMmaMaxRunLanes = 256;     // run lanes per block: at least 2 row lanes
constexpr int64_t kMmaMaxRowsPerBlock = 256;

static_assert(kMmaRun == kBankRun && kMmaRun == kWideRun, "the banked slots and vq_run_plan use the lanes' runs");

// Codebook bytes of the mma kernel: the banked copies, or one plain copy.
LB_VQ_HD int64_t vq_mma_codebook_bytes(const VqLayout& l, bool banked) {
  return (banked ? kBankCopies : 1) * static_cast<int64_t>(l.k) * 16;
}

// The mma kernel's plan in VqFastPlan's fields (as vq_wide_plan, with kMmaThreads threads; bank_last and bank_step
// when banked). false: the layout is not v8 with T = 8 or 12 and no residual, a group has fewer than 5 runs (an
// octet of lanes must hold one row), or the codebooks do not fit.
inline bool vq_mma_plan(const VqLayout& l, bool residual, bool banked, int sms, int max_shared, VqFastPlan* p) {
  if (l.v != 8 || residual || l.k % 8 != 0 || (l.index_bits != 8 && l.index_bits != 12)) return false;
  if (l.groups < 1 || l.vector_rows < 1 || l.cols <= l.outliers) return false;
  if (!vq_run_plan(l, kMmaThreads, kMmaMaxRunLanes, kMmaMaxRowsPerBlock, sms, p) || p->run_lanes < 8) return false;
  p->shared_bytes = vq_mma_codebook_bytes(l, banked) + 16 + p->rows_per_block * l.v * 4;
  const int64_t bank_step = kMmaThreads / p->run_lanes * bank_runs(l) * (kBankRun / 2);
  if (bank_step > 0x7fffffffLL) return false;
  p->bank_last = banked ? kBankCopies * l.k - 1 : 0;
  p->bank_step = banked ? static_cast<int>(bank_step) : 0;
  return p->shared_bytes <= max_shared;
}

// The codebook of k 16-byte entries into `copies` copies (copy ch at slot ch * k + ((c + bank_offset(ch)) & (k - 1))),
// by a block's THREADS threads, eight 16-byte loads in flight per thread before their stores.
template <int THREADS>
__device__ __forceinline__ void copy_codebook_copies(const uint4* __restrict__ src, uint4* dst, int k, int copies,
                                                     int tid) {
  constexpr int kBatch = 8;
  for (int i0 = tid; i0 < k; i0 += THREADS * kBatch) {
    uint4 tmp[kBatch];
#pragma unroll
    for (int u = 0; u < kBatch; ++u) {
      const int i = i0 + u * THREADS;
      if (i < k) tmp[u] = __ldg(src + i);
    }
#pragma unroll
    for (int u = 0; u < kBatch; ++u) {
      const int i = i0 + u * THREADS;
      if (i < k) {
        for (int ch = 0; ch < copies; ++ch) dst[ch * k + ((i + bank_offset(ch)) & (k - 1))] = tmp[u];
      }
    }
  }
}

// r[j] = the transposed fragment of 8 x 8 f16 matrix j, whose row i lanes 8j + i address (16 bytes each).
__device__ __forceinline__ void ldmatrix_x4_trans(uint32_t (&r)[4], uint32_t row_shared, const void* row_generic) {
#ifdef LB_CUDA_EMULATION
  (void)row_shared;
  emu::ldmatrix_x4_trans(r, row_generic);
#else
  (void)row_generic;
  asm volatile("ldmatrix.sync.aligned.m8n8.x4.trans.shared.b16 {%0, %1, %2, %3}, [%4];"
               : "=r"(r[0]), "=r"(r[1]), "=r"(r[2]), "=r"(r[3])
               : "r"(row_shared));
#endif
}

// d += A (16 x 16 f16, row) . B (16 x 8 f16, col), f32 accumulation.
__device__ __forceinline__ void mma_f16(float (&d)[4], const uint32_t (&a)[4], uint32_t b0, uint32_t b1) {
#ifdef LB_CUDA_EMULATION
  const uint32_t bv[2] = {b0, b1};
  emu::mma_m16n8k16(d, a, bv, false);
#else
  asm volatile(
      "mma.sync.aligned.m16n8k16.row.col.f32.f16.f16.f32 {%0, %1, %2, %3}, {%4, %5, %6, %7}, {%8, %9}, "
      "{%0, %1, %2, %3};"
      : "+f"(d[0]), "+f"(d[1]), "+f"(d[2]), "+f"(d[3])
      : "r"(a[0]), "r"(a[1]), "r"(a[2]), "r"(a[3]), "r"(b0), "r"(b1));
#endif
}

// The f16 bits of v (hi = round(v)) or of the rest v - hi (lo).
__device__ __forceinline__ uint32_t f16_part(float v, bool lo) {
  const __half hi = __float2half_rn(v);
  const __half part = lo ? __float2half_rn(v - __half2float(hi)) : hi;
  return static_cast<uint32_t>(__half_as_ushort(part));
}

// Index words of a run: T / 2 of the T-bit stream, or 8 of 16-bit banked slots.
template <int T, bool BANKED>
__host__ __device__ constexpr int mma_run_words() {
  return BANKED ? kBankRun / 2 : T / 2;
}

// Shared address of the entry element e of the run reads: its code, or its banked slot (kept inside the copies:
// a slot past bank_last, which vq_bank_indices_cuda never writes, reads the last one); the zero entry past the run's
// valid elements (CHECKED: some lane of the warp has a short run).
template <int T, bool BANKED, bool CHECKED>
__device__ __forceinline__ uint32_t mma_entry(const uint32_t (&words)[mma_run_words<T, BANKED>()], int e,
                                              uint32_t bank_last, int valid, uint32_t cb, uint32_t zero) {
  uint32_t entry;
  if constexpr (BANKED) {
    entry = (words[e >> 1] >> (16 * (e & 1))) & 0xFFFFu;
    entry = entry < bank_last ? entry : bank_last;
  } else {
    entry = wide_element<T, T / 2>(words, e);
  }
  const uint32_t addr = cb + entry * 16u;
  if constexpr (CHECKED) return e < valid ? addr : zero;
  return addr;
}

template <int T, bool BANKED, bool CHECKED>
__device__ __forceinline__ void mma_row(const uint32_t (&words)[mma_run_words<T, BANKED>()], uint32_t bank_last,
                                        int valid, uint32_t cb, uint32_t zero, const unsigned char* smem_generic,
                                        uint32_t smem_shared, const uint32_t (&bx)[kMmaRun], bool b_low,
                                        float (&d)[4]) {
#pragma unroll
  for (int e = 0; e < kMmaRun; ++e) {
    const uint32_t addr = mma_entry<T, BANKED, CHECKED>(words, e, bank_last, valid, cb, zero);
    uint32_t a[4];
    ldmatrix_x4_trans(a, addr, smem_generic + (addr - smem_shared));
    mma_f16(d, a, b_low ? bx[e] : 0u, b_low ? 0u : bx[e]);
  }
}

// grid: x = row slices, y = groups * col_blocks; kMmaThreads threads; plan.shared_bytes dynamic shared memory
// (vq_mma_plan). y must be zeroed before (partial sums are added with atomics). BANKED: w.bank_indices set.
template <int T, bool BANKED>
__global__ void __launch_bounds__(kMmaThreads, 1) vq_gemv_mma_kernel(VqLayout l, VqWeightsCuda w, const float* xs,
                                                                    float* y, VqFastPlan plan) {
  constexpr int W = mma_run_words<T, BANKED>();  // index words per full run
  LB_DYNAMIC_SHARED(unsigned char, smem_raw);
  const int tid = static_cast<int>(threadIdx.x);
  const int lane = tid & 31;
  const int c_lanes = plan.run_lanes;
  const int row_lanes = kMmaThreads / c_lanes;
  const int run_lane = tid % c_lanes;
  const int row_lane = tid / c_lanes;
  const int64_t g = static_cast<int64_t>(blockIdx.y) / plan.col_blocks;
  const int64_t cb_index = static_cast<int64_t>(blockIdx.y) % plan.col_blocks;
  const int64_t q = cb_index * c_lanes + run_lane;

  const int64_t cb_bytes = vq_mma_codebook_bytes(l, BANKED);
  uint4* cb = reinterpret_cast<uint4*>(smem_raw);
  uint4* zero_entry = reinterpret_cast<uint4*>(smem_raw + cb_bytes);
  float* ysum = reinterpret_cast<float*>(smem_raw + cb_bytes + 16);
#ifdef LB_CUDA_EMULATION
  const uint32_t smem_shared = 0;
#else
  const uint32_t smem_shared = static_cast<uint32_t>(__cvta_generic_to_shared(smem_raw));
#endif
  const uint32_t cb_s = smem_shared;
  const uint32_t zero_s = smem_shared + static_cast<uint32_t>(cb_bytes);

  int64_t group_cols = l.group_size;
  if (l.outliers + g * l.group_size + group_cols > l.cols) group_cols = l.cols - l.outliers - g * l.group_size;
  int64_t valid64 = group_cols - q * kMmaRun;
  if (q >= plan.runs || valid64 < 0) valid64 = 0;
  const int valid = static_cast<int>(valid64 < kMmaRun ? valid64 : kMmaRun);
  const int count = BANKED ? (valid > 0 ? W : 0) : (valid * T + 31) / 32;  // banked runs are padded to 16 slots

  const int64_t r_begin = static_cast<int64_t>(blockIdx.x) * plan.rows_per_block;
  int64_t r_end = r_begin + plan.rows_per_block;
  if (r_end > l.vector_rows) r_end = l.vector_rows;
  const int rows_here = static_cast<int>(r_end - r_begin);
  const int iters = static_cast<int>((plan.rows_per_block + row_lanes - 1) / row_lanes);
  const int64_t row_words = BANKED ? bank_runs(l) * W : l.row_words;
  const int64_t step_words = BANKED ? plan.bank_step : static_cast<int64_t>(row_lanes) * l.row_words;
  const uint32_t* src = (BANKED ? reinterpret_cast<const uint32_t*>(w.bank_indices) : w.indices) +
                        (g * l.vector_rows + r_begin + row_lane) * row_words + q * W;
  const int word_step = BANKED ? 4 : plan.word_step;

  // the first row's words are requested before the codebook copy, so they arrive while it runs
  uint32_t nxt[W];
  if (valid > 0 && row_lane < rows_here) {
    load_wide_run<W>(src, count, word_step, nxt);
  } else {
#pragma unroll
    for (int i = 0; i < W; ++i) nxt[i] = 0u;
  }

  copy_codebook_copies<kMmaThreads>(reinterpret_cast<const uint4*>(static_cast<const __half*>(w.centroids) + g * l.k * 8),
                                    cb, l.k, BANKED ? kBankCopies : 1, tid);
  if (tid == 0) *zero_entry = make_uint4(0u, 0u, 0u, 0u);
  for (int64_t i = tid; i < plan.rows_per_block * 8; i += kMmaThreads) ysum[i] = 0.0f;

  // x of this lane's run, then the B fragments: lane (grp, c) holds, per step, the x of lanes L and L + 1
  // (L = 8 (grp / 2) + 2c) as f16 hi (grp even) or lo (grp odd): column grp of B, rows 2c, 2c + 1 of the octet's
  // k half (b0 for octets 0 and 1, b1 for 2 and 3). x is scaled by 2^s first, max |x| of the warp into [2^13, 2^14).
  float xr[kMmaRun];
  {
    const float* xg = xs + l.outliers + g * l.group_size + q * kMmaRun;
#pragma unroll
    for (int e = 0; e < kMmaRun; ++e) xr[e] = e < valid ? __ldg(xg + e) : 0.0f;
  }
  uint32_t amax_bits = 0u;
#pragma unroll
  for (int e = 0; e < kMmaRun; ++e) {
    const uint32_t bits = __float_as_uint(xr[e]) & 0x7FFFFFFFu;
    amax_bits = bits > amax_bits ? bits : amax_bits;
  }
  amax_bits = __reduce_max_sync(0xffffffffu, amax_bits);
  // exponent field of the scale: 140 - e(max) + 127, kept where both it and its inverse are normal
  const int biased = static_cast<int>(amax_bits >> 23);
  int scale_exp = amax_bits == 0u || biased == 255 ? 127 : 267 - biased;
  scale_exp = scale_exp < 2 ? 2 : (scale_exp > 252 ? 252 : scale_exp);
  const float scale = __uint_as_float(static_cast<uint32_t>(scale_exp) << 23);
  const float unscale = __uint_as_float(static_cast<uint32_t>(254 - scale_exp) << 23);
  const int grp = lane >> 2;
  const int cq = lane & 3;
  const int src_lane = 8 * (grp >> 1) + 2 * cq;
  const bool lo_part = (grp & 1) != 0;
  const bool b_low = grp < 4;
  uint32_t bx[kMmaRun];
#pragma unroll
  for (int e = 0; e < kMmaRun; ++e) {
    const float v0 = __shfl_sync(0xffffffffu, xr[e], src_lane) * scale;
    const float v1 = __shfl_sync(0xffffffffu, xr[e], src_lane + 1) * scale;
    bx[e] = f16_part(v0, lo_part) | (f16_part(v1, lo_part) << 16);
  }
  // octets per row in a warp (4 when the warp is one row), and the row of the octet whose sum this lane adds
  const int width = (c_lanes < 32 ? c_lanes : 32) / 8;
  const int octet_row_lane = ((tid & ~31) + 8 * cq) / c_lanes;
  // CHECKED lookups when any lane of the warp has a short run (warp-uniform: ldmatrix and mma are warp-wide)
  const bool checked = __reduce_add_sync(0xffffffffu, valid == kMmaRun ? 0 : 1) != 0;
  __syncthreads();

  for (int it = 0; it < iters; ++it) {
    const int rel = row_lane + it * row_lanes;
    uint32_t cur[W];
#pragma unroll
    for (int i = 0; i < W; ++i) cur[i] = nxt[i];
    src += step_words;
    if (valid > 0 && rel + row_lanes < rows_here) load_wide_run<W>(src, count, word_step, nxt);
    const uint32_t bank_last = static_cast<uint32_t>(plan.bank_last);
    float d[4] = {0.0f, 0.0f, 0.0f, 0.0f};
    if (checked) {
      mma_row<T, BANKED, true>(cur, bank_last, valid, cb_s, zero_s, smem_raw, smem_shared, bx, b_low, d);
    } else {
      mma_row<T, BANKED, false>(cur, bank_last, valid, cb_s, zero_s, smem_raw, smem_shared, bx, b_low, d);
    }
    // lane (grp, c) holds octet c's sum of element grp: columns 2c, 2c + 1 (hi + lo) of D rows grp (octets 0, 2) or
    // grp + 8 (octets 1, 3); then the octets of one row are summed
    float v = (cq & 1) ? d[2] + d[3] : d[0] + d[1];
    for (int o = 1; o < width; o *= 2) v += __shfl_xor_sync(0xffffffffu, v, o);
    const int orel = octet_row_lane + it * row_lanes;
    if (cq % width == 0 && orel < rows_here) atomicAdd(ysum + orel * 8 + grp, v * unscale);
  }
  __syncthreads();

  const bool first = g == 0 && cb_index == 0;
  for (int64_t i = tid; i < (r_end - r_begin) * 8; i += kMmaThreads) {
    const int64_t r = r_begin * 8 + i;
    if (r >= l.rows) continue;
    float v = ysum[i];
    if (first) {
      v += xs[l.cols];
      if (w.bias != nullptr) v += h2f(w.bias, r);
    }
    atomicAdd(y + r, v);
  }
}

}  // namespace lb::kernels::vq_cuda
