// Runs CUDA kernel bodies on the host, one std::thread per CUDA thread of a block (blocks one after the
// other), with __syncthreads as a barrier and warp shuffles through a block-wide exchange buffer. Enough
// for the kernels in kernels/cuda/*_kernel.cuh, which keep every thread on the same barrier/shuffle path.
// Checks indexing, shared-memory layout, reductions and the launch plan where no GPU is available; it
// says nothing about speed, and memory-model races beyond the barriers are not modelled.
#pragma once

#define LB_CUDA_EMULATION 1

#include <cuda_bf16.h>
#include <cuda_fp16.h>
#include <cuda_runtime_api.h>
#include <vector_functions.h>

#include <barrier>
#include <cmath>
#include <cstdint>
#include <cstring>
#include <mutex>
#include <thread>
#include <vector>

#undef __global__
#define __global__
#undef __device__
#define __device__
#undef __host__
#define __host__
#undef __forceinline__
#define __forceinline__ inline
#undef __launch_bounds__
#define __launch_bounds__(...)

namespace emu {
struct BlockContext {
  std::barrier<>* barrier;
  std::vector<float>* exchange;
  unsigned char* dynamic_shared;
  unsigned char* static_shared;
};
inline thread_local BlockContext* context = nullptr;
}  // namespace emu

inline thread_local uint3 threadIdx;
inline thread_local uint3 blockIdx;
inline dim3 gridDim;
inline dim3 blockDim;

inline void __syncthreads() { emu::context->barrier->arrive_and_wait(); }

inline float __shfl_xor_sync(unsigned, float v, int lane_mask) {
  std::vector<float>& e = *emu::context->exchange;
  e[threadIdx.x] = v;
  __syncthreads();
  const float other = e[threadIdx.x ^ static_cast<unsigned>(lane_mask)];
  __syncthreads();
  return other;
}

template <class T>
inline T __ldg(const T* p) {
  return *p;
}

inline float atomicAdd(float* p, float v) {
  static std::mutex mutex;
  std::lock_guard<std::mutex> lock(mutex);
  const float old = *p;
  *p = old + v;
  return old;
}

inline float __fmaf_rn(float a, float b, float c) { return std::fma(a, b, c); }
inline float __fmul_rn(float a, float b) { return a * b; }
inline float __fadd_rn(float a, float b) { return a + b; }
inline float __fsub_rn(float a, float b) { return a - b; }
inline float __uint_as_float(uint32_t u) {
  float f;
  std::memcpy(&f, &u, 4);
  return f;
}
inline uint32_t __float_as_uint(float f) {
  uint32_t u;
  std::memcpy(&u, &f, 4);
  return u;
}
inline float __int_as_float(int32_t i) {
  float f;
  std::memcpy(&f, &i, 4);
  return f;
}
inline int32_t __float_as_int(float f) {
  int32_t i;
  std::memcpy(&i, &f, 4);
  return i;
}
inline unsigned atomicMax(unsigned* p, unsigned v) {
  static std::mutex mutex;
  std::lock_guard<std::mutex> lock(mutex);
  const unsigned old = *p;
  if (v > old) *p = v;
  return old;
}
inline int64_t min(int64_t a, int64_t b) { return a < b ? a : b; }

#define LB_DYNAMIC_SHARED(type, name) type* name = reinterpret_cast<type*>(emu::context->dynamic_shared)
#define LB_SHARED_ARRAY(type, name, count) type* name = reinterpret_cast<type*>(emu::context->static_shared)

namespace emu {

// kernel<<<grid, threads, shared_bytes>>>(args...) with 1-D blocks.
template <class Kernel, class... Args>
void launch(dim3 grid, unsigned threads, size_t shared_bytes, Kernel kernel, Args... args) {
  gridDim = grid;
  blockDim = dim3(threads, 1, 1);
  std::vector<float4> dynamic_shared(shared_bytes / sizeof(float4) + 1);
  std::vector<float4> static_shared(1024);
  auto scribble = [&] {  // garbage in shared memory at every block start, as on a device
    std::memset(dynamic_shared.data(), 0x7f, dynamic_shared.size() * sizeof(float4));
    std::memset(static_shared.data(), 0x7f, static_shared.size() * sizeof(float4));
  };
  scribble();
  std::barrier<> barrier(static_cast<std::ptrdiff_t>(threads));
  std::vector<float> exchange(threads);
  BlockContext ctx{&barrier, &exchange, reinterpret_cast<unsigned char*>(dynamic_shared.data()),
                   reinterpret_cast<unsigned char*>(static_shared.data())};
  // one host thread per CUDA thread of a block; they walk the blocks together (a kernel's threads only
  // return early after their last __syncthreads, so the block-end barrier lines up)
  std::vector<std::thread> pool;
  pool.reserve(threads);
  for (unsigned t = 0; t < threads; ++t) {
    pool.emplace_back([&, t] {
      threadIdx = make_uint3(t, 0, 0);
      context = &ctx;
      for (unsigned z = 0; z < grid.z; ++z)
        for (unsigned y = 0; y < grid.y; ++y)
          for (unsigned x = 0; x < grid.x; ++x) {
            blockIdx = make_uint3(x, y, z);
            kernel(args...);
            barrier.arrive_and_wait();
            if (t == 0) scribble();
            barrier.arrive_and_wait();
          }
    });
  }
  for (auto& th : pool) th.join();
}

}  // namespace emu
