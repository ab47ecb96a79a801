// Issues an L2Prefetch (l2_prefetch.h) from a grid: each block takes an equal share of the ranges' bytes and the
// lanes of its first warp send it as bulk L2 prefetches (cp.async.bulk.prefetch.L2, sm_90; a no-op before that and
// in the host emulation). Asynchronous: the issuing threads do not wait for the data.
#pragma once

#include <stdint.h>

#include "kernels/cuda/l2_prefetch.h"

namespace lb::kernels {

constexpr int64_t kL2PrefetchChunk = 32 * 1024;  // bytes per bulk prefetch instruction, at most

// The pieces lane `lane` (0..31) of block `part` of `parts` sends: issue(address, bytes) for each, 16-byte aligned,
// at most kL2PrefetchChunk bytes. Over all parts and lanes the pieces cover the 16-byte aligned part of every range
// once. The block's share is taken in 16-byte units over the ranges laid end to end.
template <class Issue>
__host__ __device__ __forceinline__ void l2_prefetch_pieces(const L2Prefetch& p, int64_t part, int64_t parts, int lane,
                                                            Issue&& issue) {
  int64_t first[kL2PrefetchRanges], units[kL2PrefetchRanges], total = 0;
#pragma unroll
  for (int r = 0; r < kL2PrefetchRanges; ++r) {
    const uintptr_t begin = (reinterpret_cast<uintptr_t>(p.ptr[r]) + 15) & ~uintptr_t{15};
    const uintptr_t end = (reinterpret_cast<uintptr_t>(p.ptr[r]) + static_cast<uintptr_t>(p.bytes[r] > 0 ? p.bytes[r] : 0)) &
                          ~uintptr_t{15};
    units[r] = p.ptr[r] != nullptr && end > begin ? static_cast<int64_t>((end - begin) / 16) : 0;
    first[r] = static_cast<int64_t>(begin / 16);
    total += units[r];
  }
  if (total == 0 || parts <= 0) return;
  const int64_t share = (total + parts - 1) / parts;
  const int64_t lo = part * share;
  const int64_t hi = total < lo + share ? total : lo + share;
  constexpr int64_t kChunkUnits = kL2PrefetchChunk / 16;
  for (int64_t c = lo + lane * kChunkUnits; c < hi; c += 32 * kChunkUnits) {
    const int64_t c_end = hi < c + kChunkUnits ? hi : c + kChunkUnits;
    int64_t base = 0;  // the flat unit where range r starts
#pragma unroll
    for (int r = 0; r < kL2PrefetchRanges; ++r) {
      const int64_t a = c > base ? c : base;
      const int64_t b = c_end < base + units[r] ? c_end : base + units[r];
      if (a < b) issue(static_cast<uintptr_t>(first[r] + a - base) * 16, static_cast<uint32_t>((b - a) * 16));
      base += units[r];
    }
  }
}

// The grid's call: block blockIdx.x of gridDim.x, lanes of warp 0.
__device__ __forceinline__ void l2_prefetch_share(const L2Prefetch& p) {
#if defined(__CUDA_ARCH__) && __CUDA_ARCH__ >= 900
  if (threadIdx.x >= 32) return;
  const bool evict_last = p.evict_last != 0;
  l2_prefetch_pieces(p, blockIdx.x, gridDim.x, static_cast<int>(threadIdx.x), [&](uintptr_t address, uint32_t bytes) {
    if (evict_last) {
      uint64_t policy;
      asm volatile("createpolicy.fractional.L2::evict_last.b64 %0, 1.0;" : "=l"(policy));
      asm volatile("cp.async.bulk.prefetch.L2.global.L2::cache_hint [%0], %1, %2;" ::"l"(address), "r"(bytes),
                   "l"(policy)
                   : "memory");
    } else {
      asm volatile("cp.async.bulk.prefetch.L2.global [%0], %1;" ::"l"(address), "r"(bytes) : "memory");
    }
  });
#else
  (void)p;
#endif
}

}  // namespace lb::kernels
