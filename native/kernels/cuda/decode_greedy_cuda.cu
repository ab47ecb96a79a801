// The greedy next token inside the captured decode step (decode_cuda.h: decode_greedy_cuda). One block scans the
// logits; the result goes to the next step's input on the device and to host-mapped memory, so the host can queue
// the next step before it reads this one's token.
#include <limits.h>
#include <math.h>

#include "kernels/cuda/decode_cuda.h"

namespace lb::kernels {
namespace {

constexpr int kThreads = 1024;
constexpr int kWarps = kThreads / 32;

// The host sampler's order: the larger value, the lower id on ties.
__device__ __forceinline__ bool better(float v, int i, float best, int best_i) {
  return v > best || (v == best && i < best_i);
}

struct Pick {
  float value;
  int index;  // INT_MAX: none yet
  int bad;    // lowest non-finite index, INT_MAX: none
};

__device__ __forceinline__ Pick merge(Pick a, Pick b) {
  Pick r = better(b.value, b.index, a.value, a.index) ? b : a;
  r.bad = min(a.bad, b.bad);
  return r;
}

__device__ __forceinline__ Pick warp_merge(Pick p) {
  for (int o = 16; o > 0; o >>= 1) {
    Pick q{__shfl_xor_sync(0xffffffffu, p.value, o), __shfl_xor_sync(0xffffffffu, p.index, o),
           __shfl_xor_sync(0xffffffffu, p.bad, o)};
    p = merge(p, q);
  }
  return p;
}

__global__ void __launch_bounds__(kThreads)
    greedy_kernel(const float* __restrict__ logits, int vocab, int64_t* token, int64_t* position,
                  DecodeGreedyResult* results) {
  Pick p{-INFINITY, INT_MAX, INT_MAX};
#pragma unroll 4
  for (int i = threadIdx.x; i < vocab; i += kThreads) {
    const float v = logits[i];
    if (!isfinite(v)) {
      p.bad = min(p.bad, i);
    } else if (better(v, i, p.value, p.index)) {
      p.value = v;
      p.index = i;
    }
  }
  p = warp_merge(p);
  __shared__ Pick warps[kWarps];
  const int warp = threadIdx.x >> 5, lane = threadIdx.x & 31;
  if (lane == 0) warps[warp] = p;
  __syncthreads();
  if (warp != 0) return;
  p = warp_merge(warps[lane]);
  if (lane != 0) return;
  const int64_t at = *position;
  DecodeGreedyResult& r = results[at & 1];
  const int64_t next = p.index == INT_MAX ? 0 : p.index;
  r.token = next;
  r.position = at;
  r.bad_index = p.bad == INT_MAX ? -1 : p.bad;
  r.bad_value = p.bad == INT_MAX ? 0.0f : logits[p.bad];
  *token = next;
  *position = at + 1;
}

}  // namespace

cudaError_t decode_greedy_cuda(const float* logits, int64_t vocab, int64_t* token, int64_t* position,
                               DecodeGreedyResult* results, cudaStream_t stream) {
  if (vocab <= 0 || vocab > INT_MAX) return cudaErrorInvalidValue;
  greedy_kernel<<<1, kThreads, 0, stream>>>(logits, static_cast<int>(vocab), token, position, results);
  return cudaGetLastError();
}

}  // namespace lb::kernels
