// Runs CUDA kernel bodies on the host, one std::thread per CUDA thread of a block (blocks one after the
// other), with __syncthreads as a barrier; __syncwarp, the warp shuffles and the warp reductions __reduce_*_sync
// use a per-warp barrier (warps may diverge). Enough
// for the kernels in kernels/cuda/*_kernel.cuh, which keep every thread on the same barrier/shuffle path.
// Checks indexing, shared-memory layout, reductions and the launch plan where no GPU is available; it
// says nothing about speed, and memory-model races beyond the barriers are not modelled.
#pragma once

#define LB_CUDA_EMULATION 1

#include <cuda_bf16.h>
#include <cuda_fp16.h>
#include <cuda_runtime_api.h>
#include <vector_functions.h>

#include <algorithm>
#include <barrier>
#include <cmath>
#include <cstdint>
#include <cstring>
#include <memory>
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
  std::vector<std::unique_ptr<std::barrier<>>>* warp_barriers;  // one per 32 threads: __syncwarp, warp reductions
  std::vector<uint32_t>* warp_exchange;
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

// warp-level operations: only the 32 threads of the caller's warp take part (a warp's lanes must all call)
inline void __syncwarp(unsigned = 0xffffffffu) { (*emu::context->warp_barriers)[threadIdx.x / 32]->arrive_and_wait(); }

inline float __shfl_xor_sync(unsigned, float v, int lane_mask) {
  std::vector<float>& e = *emu::context->exchange;
  e[threadIdx.x] = v;
  __syncwarp();
  const float other = e[threadIdx.x ^ static_cast<unsigned>(lane_mask)];
  __syncwarp();
  return other;
}

inline float __shfl_sync(unsigned, float v, int src_lane) {
  std::vector<float>& e = *emu::context->exchange;
  e[threadIdx.x] = v;
  __syncwarp();
  const float other = e[(threadIdx.x & ~31u) + (static_cast<unsigned>(src_lane) & 31u)];
  __syncwarp();
  return other;
}

template <class Op>
inline uint32_t emu_warp_reduce(uint32_t v, Op op) {
  std::vector<uint32_t>& e = *emu::context->warp_exchange;
  e[threadIdx.x] = v;
  __syncwarp();
  const unsigned base = threadIdx.x / 32 * 32;
  uint32_t r = e[base];
  for (unsigned l = 1; l < 32; ++l) r = op(r, e[base + l]);
  __syncwarp();
  return r;
}
inline unsigned __reduce_max_sync(unsigned, unsigned v) {
  return emu_warp_reduce(v, [](uint32_t a, uint32_t b) { return a > b ? a : b; });
}
inline int __reduce_add_sync(unsigned, int v) {
  return static_cast<int>(emu_warp_reduce(static_cast<uint32_t>(v), [](uint32_t a, uint32_t b) { return a + b; }));
}

// dot of the 4 signed bytes of a and b, plus c
inline int __dp4a(int a, int b, int c) {
  for (int i = 0; i < 4; ++i) {
    c += static_cast<int>(static_cast<int8_t>(static_cast<uint32_t>(a) >> (8 * i))) *
         static_cast<int>(static_cast<int8_t>(static_cast<uint32_t>(b) >> (8 * i)));
  }
  return c;
}
// byte n of the result: byte (s >> 4n) & 7 of y:x (bit 3 of the nibble: that byte's sign replicated)
inline uint32_t __byte_perm(uint32_t x, uint32_t y, uint32_t s) {
  const uint64_t v = (static_cast<uint64_t>(y) << 32) | x;
  uint32_t r = 0;
  for (int n = 0; n < 4; ++n) {
    const uint32_t sel = (s >> (4 * n)) & 15u;
    uint32_t b = static_cast<uint32_t>(v >> (8 * (sel & 7u))) & 0xFFu;
    if (sel & 8u) b = (b & 0x80u) ? 0xFFu : 0u;
    r |= b << (8 * n);
  }
  return r;
}
inline uint32_t __funnelshift_r(uint32_t lo, uint32_t hi, int shift) {
  const uint64_t v = (static_cast<uint64_t>(hi) << 32) | lo;
  return static_cast<uint32_t>(v >> (shift & 31));
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
inline int __float2int_rn(float f) { return static_cast<int>(std::nearbyint(f)); }
inline float __int2float_rn(int i) { return static_cast<float>(i); }
inline float __fdividef(float a, float b) { return a / b; }
inline float __expf(float v) { return std::exp(v); }  // CUDA: the fast approximation; the host tests use tolerances
inline float rsqrtf(float v) { return 1.0f / std::sqrt(v); }  // CUDA: ~2 ulp; the host test compares with tolerances
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
inline unsigned long long atomicAdd(unsigned long long* p, unsigned long long v) {
  static std::mutex mutex;
  std::lock_guard<std::mutex> lock(mutex);
  const unsigned long long old = *p;
  *p = old + v;
  return old;
}
inline unsigned atomicMax(unsigned* p, unsigned v) {
  static std::mutex mutex;
  std::lock_guard<std::mutex> lock(mutex);
  const unsigned old = *p;
  if (v > old) *p = v;
  return old;
}
inline int64_t min(int64_t a, int64_t b) { return a < b ? a : b; }
inline int min(int a, int b) { return a < b ? a : b; }
inline int max(int a, int b) { return a > b ? a : b; }

#define LB_DYNAMIC_SHARED(type, name) type* name = reinterpret_cast<type*>(emu::context->dynamic_shared)
#define LB_SHARED_ARRAY(type, name, count) type* name = reinterpret_cast<type*>(emu::context->static_shared)

namespace emu {

// mma.sync.aligned.m16n8k16.row.col.f32.{f16,bf16} per the PTX ISA fragment tables ("Matrix Fragments for
// mma.m16n8k16 with floating point type"), warp-collective: every lane of a warp calls it together (as every
// thread of the emulated block reaches the same barriers). Products and sums in double, rounded to f32 once.
struct MmaSlot {
  uint32_t a[4];
  uint32_t b[2];
};
inline std::vector<MmaSlot> mma_slots(1024);

inline float fragment_value(uint32_t reg, int half, bool bf16) {
  const uint16_t bits = static_cast<uint16_t>(reg >> (16 * half));
  if (bf16) {
    __nv_bfloat16 h;
    std::memcpy(&h, &bits, 2);
    return __bfloat162float(h);
  }
  __half h;
  std::memcpy(&h, &bits, 2);
  return __half2float(h);
}

inline void mma_m16n8k16(float (&d)[4], const uint32_t (&a)[4], const uint32_t (&b)[2], bool bf16) {
  const unsigned tid = threadIdx.x;
  const unsigned warp0 = tid & ~31u;
  MmaSlot& mine = mma_slots[tid];
  for (int i = 0; i < 4; ++i) mine.a[i] = a[i];
  for (int i = 0; i < 2; ++i) mine.b[i] = b[i];
  __syncthreads();
  double A[16][16], B[16][8];
  for (int l = 0; l < 32; ++l) {
    const MmaSlot& s = mma_slots[warp0 + l];
    const int group = l >> 2, tig = l & 3;
    for (int i = 0; i < 8; ++i) {  // A elements a0..a7: 2 per register, low half first
      const int row = (i < 2 || (i >= 4 && i < 6)) ? group : group + 8;
      const int col = tig * 2 + (i & 1) + (i >= 4 ? 8 : 0);
      A[row][col] = fragment_value(s.a[i >> 1], i & 1, bf16);
    }
    for (int i = 0; i < 4; ++i) {  // B elements b0..b3
      const int row = tig * 2 + (i & 1) + (i >= 2 ? 8 : 0);
      B[row][group] = fragment_value(s.b[i >> 1], i & 1, bf16);
    }
  }
  const int lane = static_cast<int>(tid & 31u), group = lane >> 2, tig = lane & 3;
  for (int i = 0; i < 4; ++i) {  // C / D elements c0..c3
    const int row = i < 2 ? group : group + 8;
    const int col = tig * 2 + (i & 1);
    double sum = d[i];
    for (int k = 0; k < 16; ++k) sum += A[row][k] * B[k][col];
    d[i] = static_cast<float>(sum);
  }
  __syncthreads();
}

// ldmatrix.sync.aligned.m8n8.x4.trans.shared.b16: lanes 8j .. 8j + 7 address the 16-byte rows of 8 x 8 matrix j;
// r[j] of lane (g = lane / 4, c = lane % 4) is (row 2c, row 2c + 1) of column g. Block-collective, as mma_m16n8k16.
inline std::vector<const unsigned char*> ldmatrix_rows(1024);

inline void ldmatrix_x4_trans(uint32_t (&r)[4], const void* row) {
  const unsigned tid = threadIdx.x;
  const unsigned warp0 = tid & ~31u;
  ldmatrix_rows[tid] = static_cast<const unsigned char*>(row);
  __syncthreads();
  const unsigned lane = tid & 31u, g = lane >> 2, c = lane & 3u;
  for (unsigned j = 0; j < 4; ++j) {
    uint16_t lo, hi;
    std::memcpy(&lo, ldmatrix_rows[warp0 + 8 * j + 2 * c] + 2 * g, 2);
    std::memcpy(&hi, ldmatrix_rows[warp0 + 8 * j + 2 * c + 1] + 2 * g, 2);
    r[j] = static_cast<uint32_t>(lo) | (static_cast<uint32_t>(hi) << 16);
  }
  __syncthreads();
}

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
  std::vector<std::unique_ptr<std::barrier<>>> warp_barriers;
  for (unsigned w = 0; w < (threads + 31) / 32; ++w) {
    warp_barriers.push_back(std::make_unique<std::barrier<>>(static_cast<std::ptrdiff_t>(std::min(32u, threads - w * 32))));
  }
  std::vector<uint32_t> warp_exchange(threads);
  BlockContext ctx{&barrier, &exchange, &warp_barriers, &warp_exchange,
                   reinterpret_cast<unsigned char*>(dynamic_shared.data()),
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
