// The greedy next token inside the captured decode step (decode_cuda.h: decode_greedy_cuda). One element per thread:
// each block converts its slice of the LM head's output to the f32 logits and picks its best; the last block to
// finish merges the blocks' picks. The result goes to the next step's input on the device and to host-mapped memory,
// so the host can queue the next step before it reads this one's token.
#include <cuda_bf16.h>
#include <cuda_fp16.h>
#include <limits.h>
#include <math.h>

#include "kernels/cuda/decode_cuda.h"

namespace lb::kernels {
namespace {

constexpr int kThreads = 256;
constexpr int kWarps = kThreads / 32;

__device__ __forceinline__ float to_float(float v) { return v; }
__device__ __forceinline__ float to_float(__half v) { return __half2float(v); }
__device__ __forceinline__ float to_float(__nv_bfloat16 v) { return __bfloat162float(v); }

struct Pick {
  float value;
  int index;  // INT_MAX: none
  int bad;    // lowest non-finite index, INT_MAX: none
};

// The host sampler's order: the larger value, the lower id on ties.
__device__ __forceinline__ Pick merge(Pick a, Pick b) {
  const bool take_b = b.value > a.value || (b.value == a.value && b.index < a.index);
  Pick r = take_b ? b : a;
  r.bad = min(a.bad, b.bad);
  return r;
}

__device__ __forceinline__ Pick warp_merge(Pick p) {
  for (int o = 16; o > 0; o >>= 1) {
    const Pick q{__shfl_xor_sync(0xffffffffu, p.value, o), __shfl_xor_sync(0xffffffffu, p.index, o),
                 __shfl_xor_sync(0xffffffffu, p.bad, o)};
    p = merge(p, q);
  }
  return p;
}

// The block's merged pick, valid in thread 0.
__device__ Pick block_merge(Pick p) {
  __shared__ Pick warps[kWarps];
  p = warp_merge(p);
  const int warp = threadIdx.x >> 5, lane = threadIdx.x & 31;
  if (lane == 0) warps[warp] = p;
  __syncthreads();
  if (warp == 0) p = warp_merge(lane < kWarps ? warps[lane] : Pick{-INFINITY, INT_MAX, INT_MAX});
  __syncthreads();
  return p;
}

struct Workspace {
  unsigned arrived;  // blocks done; the last one resets it
  unsigned pad[3];
  Pick picks[1];     // [gridDim.x]
};

template <class T>
__global__ void __launch_bounds__(kThreads)
    greedy_kernel(const T* raw, float* logits, int vocab, int64_t* token, int64_t* position,
                  DecodeGreedyResult* results, Workspace* ws) {
  Pick p{-INFINITY, INT_MAX, INT_MAX};
  const int i = blockIdx.x * kThreads + threadIdx.x;
  if (i < vocab) {
    const float v = to_float(raw[i]);
    logits[i] = v;
    if (!isfinite(v)) {
      p.bad = i;
    } else {
      p.value = v;
      p.index = i;
    }
  }
  p = block_merge(p);
  __shared__ bool last;
  if (threadIdx.x == 0) {
    ws->picks[blockIdx.x] = p;
    __threadfence();
    last = atomicAdd(&ws->arrived, 1u) == gridDim.x - 1;
  }
  __syncthreads();
  if (!last) return;
  __threadfence();
  Pick all{-INFINITY, INT_MAX, INT_MAX};
  for (int b = threadIdx.x; b < static_cast<int>(gridDim.x); b += kThreads) {
    const volatile Pick* src = ws->picks + b;
    all = merge(all, Pick{src->value, src->index, src->bad});
  }
  all = block_merge(all);
  if (threadIdx.x != 0) return;
  ws->arrived = 0;
  const int64_t at = *position;
  DecodeGreedyResult& r = results[at & 1];
  const int64_t next = all.index == INT_MAX ? 0 : all.index;
  r.token = next;
  r.position = at;
  r.bad_index = all.bad == INT_MAX ? -1 : all.bad;
  r.bad_value = all.bad == INT_MAX ? 0.0f : logits[all.bad];
  *token = next;
  *position = at + 1;
}

int64_t greedy_blocks(int64_t vocab) { return (vocab + kThreads - 1) / kThreads; }

}  // namespace

size_t decode_greedy_workspace_bytes(int64_t vocab) {
  return sizeof(Workspace) + sizeof(Pick) * static_cast<size_t>(greedy_blocks(vocab) > 0 ? greedy_blocks(vocab) : 1);
}

cudaError_t decode_greedy_cuda(DecodeType t, const void* raw, float* logits, int64_t vocab, int64_t* token,
                               int64_t* position, DecodeGreedyResult* results, void* workspace, cudaStream_t stream) {
  if (vocab <= 0 || vocab > INT_MAX - kThreads) return cudaErrorInvalidValue;
  const dim3 grid(static_cast<unsigned>(greedy_blocks(vocab)));
  auto* ws = static_cast<Workspace*>(workspace);
  const int n = static_cast<int>(vocab);
  switch (t) {
    case DecodeType::F32:
      greedy_kernel<float><<<grid, kThreads, 0, stream>>>(static_cast<const float*>(raw), logits, n, token, position,
                                                          results, ws);
      break;
    case DecodeType::F16:
      greedy_kernel<__half><<<grid, kThreads, 0, stream>>>(static_cast<const __half*>(raw), logits, n, token, position,
                                                           results, ws);
      break;
    case DecodeType::BF16:
      greedy_kernel<__nv_bfloat16><<<grid, kThreads, 0, stream>>>(static_cast<const __nv_bfloat16*>(raw), logits, n,
                                                                  token, position, results, ws);
      break;
    default: return cudaErrorInvalidValue;
  }
  return cudaGetLastError();
}

}  // namespace lb::kernels
