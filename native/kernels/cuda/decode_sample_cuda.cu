// The sampled next token inside the captured decode step (decode_cuda.h: decode_sample_cuda): one block converts the
// LM head's output to the f32 logits and draws (decode_sample.cuh), with p in shared memory where it fits. The result goes to the next step's input on the
// device and to host-mapped memory, as decode_greedy_cuda's does, so sampled decoding queues steps ahead too.
#include <cuda_bf16.h>
#include <cuda_fp16.h>
#include <limits.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "kernels/cuda/decode_cuda.h"
#include "kernels/cuda/decode_sample.cuh"

namespace lb::kernels {
namespace {

constexpr int kThreads = 1024;

__device__ __forceinline__ float to_float(float v) { return v; }
__device__ __forceinline__ float to_float(__half v) { return __half2float(v); }
__device__ __forceinline__ float to_float(__nv_bfloat16 v) { return __bfloat162float(v); }

template <class T>
__global__ void __launch_bounds__(kThreads)
    sample_kernel(const T* raw, float* logits, int64_t vocab, int64_t* token, int64_t* position,
                  DecodeGreedyResult* results, const DecodeSampleInput* input, float* p_global, bool p_in_shared,
                  bool radix) {
  extern __shared__ __align__(16) unsigned char shared[];
  const decode_sample::Scratch s = decode_sample::scratch_at(shared, kThreads);
  const decode_sample::PBuf p =
      p_in_shared ? decode_sample::PBuf{reinterpret_cast<float*>(shared + decode_sample::scratch_bytes(kThreads)), true}
                  : decode_sample::PBuf{p_global, false};
  const int64_t at = *position;
  // host-mapped: read once, every thread the same values
  const float temperature = input->temperature;
  const float top_p = input->top_p > 0.0f && input->top_p < 1.0f ? input->top_p : 1.0f;
  const double u = input->u[at & 1];
  const decode_sample::Picked r =
      decode_sample::sample([raw](int64_t i) { return to_float(raw[i]); }, logits, p, vocab,
                            temperature > 0.0f ? temperature : 1.0f, top_p, u >= 0 && u < 1 ? u : 0.0, s, radix);
  if (threadIdx.x != 0) return;
  DecodeGreedyResult& out = results[at & 1];
  out.token = r.token;
  out.position = at;
  out.bad_index = r.bad_index;
  out.bad_value = r.bad_value;
  *token = r.token;
  *position = at + 1;
}

// The top-p cut by radix select (3 histogram passes) unless LOWBIT_DECODE_SAMPLE_RADIX=0 (the 16-pass search).
bool env_sample_radix() {
  const char* v = getenv("LOWBIT_DECODE_SAMPLE_RADIX");
  return v == nullptr || strcmp(v, "0") != 0;
}

// The most dynamic shared memory a block may ask for on the current device (0: unknown).
int max_shared_optin() {
  int device = 0, bytes = 0;
  if (cudaGetDevice(&device) != cudaSuccess ||
      cudaDeviceGetAttribute(&bytes, cudaDevAttrMaxSharedMemoryPerBlockOptin, device) != cudaSuccess) {
    cudaGetLastError();
    return 0;
  }
  return bytes;
}

}  // namespace

size_t decode_sample_workspace_bytes(int64_t vocab) { return static_cast<size_t>(vocab > 0 ? vocab : 1) * sizeof(float); }

cudaError_t decode_sample_cuda(DecodeType t, const void* raw, float* logits, int64_t vocab, int64_t* token,
                               int64_t* position, DecodeGreedyResult* results, const DecodeSampleInput* input,
                               void* workspace, cudaStream_t stream) {
  if (vocab <= 0 || vocab > INT_MAX || input == nullptr || workspace == nullptr) return cudaErrorInvalidValue;
  // p in shared memory where it fits (32000 logits: 132 KB), else in the workspace
  const bool p_in_shared =
      decode_sample::sample_shared_bytes(kThreads, vocab, true) <= static_cast<size_t>(max_shared_optin());
  const size_t shared = decode_sample::sample_shared_bytes(kThreads, vocab, p_in_shared);
  float* p = static_cast<float*>(workspace);
  const auto launch = [&](auto* kernel, const auto* typed) {
    if (shared > 48 * 1024) {
      const cudaError_t e = cudaFuncSetAttribute(kernel, cudaFuncAttributeMaxDynamicSharedMemorySize, (int)shared);
      if (e != cudaSuccess) return e;
    }
    static const bool radix = env_sample_radix();
    kernel<<<1, kThreads, shared, stream>>>(typed, logits, vocab, token, position, results, input, p, p_in_shared, radix);
    return cudaGetLastError();
  };
  switch (t) {
    case DecodeType::F32: return launch(sample_kernel<float>, static_cast<const float*>(raw));
    case DecodeType::F16: return launch(sample_kernel<__half>, static_cast<const __half*>(raw));
    case DecodeType::BF16: return launch(sample_kernel<__nv_bfloat16>, static_cast<const __nv_bfloat16*>(raw));
  }
  return cudaErrorInvalidValue;
}

}  // namespace lb::kernels
