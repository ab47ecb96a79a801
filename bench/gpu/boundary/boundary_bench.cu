// What one dependent phase boundary costs on the GPU: a chain of kernels launched with programmatic dependent launch
// (PDL) inside a CUDA graph, the way the decode step runs, against one persistent kernel whose phases are separated
// by a software grid barrier. Each phase streams `mb` MB of fresh data (like a GEMV's weights: loads issued before
// the dependency), then reads the value the previous phase wrote (like a GEMV reading its input) and adds into the
// next one. Prints microseconds per phase, median of the repeats.
//   nvcc -O3 -arch=sm_90 boundary_bench.cu -o boundary_bench && ./boundary_bench [phases] [repeats]
// (The figures of docs/BENCHMARKS.md, generation, fourteenth round, are from the form before run_phase took the
// dependency as a callable; ptxas gives the three kernels the same registers.)
#include <cuda_runtime.h>

#include <algorithm>
#include <cstdio>
#include <cstdlib>
#include <vector>

#define CHECK(call)                                                                            \
  do {                                                                                         \
    cudaError_t e_ = (call);                                                                   \
    if (e_ != cudaSuccess) {                                                                   \
      std::fprintf(stderr, "%s:%d %s: %s\n", __FILE__, __LINE__, #call, cudaGetErrorString(e_)); \
      std::exit(1);                                                                            \
    }                                                                                          \
  } while (0)

namespace {

constexpr int kThreads = 256;
constexpr int kInFlight = 8;  // 16-byte loads per thread per round, held in registers like the GEMV's stage

struct Phase {
  const int4* data;    // this phase's bytes
  long long n16;       // 16-byte words in the phase
  const float* prev;   // written by the phase before
  float* next;         // written by this phase
};

__device__ __forceinline__ void pdl_wait() { asm volatile("griddepcontrol.wait;" ::: "memory"); }
__device__ __forceinline__ void pdl_launch() { asm volatile("griddepcontrol.launch_dependents;" ::: "memory"); }

__device__ __forceinline__ unsigned ld_acquire(const unsigned* p) {
  unsigned v;
  asm volatile("ld.acquire.gpu.global.u32 %0, [%1];" : "=r"(v) : "l"(p) : "memory");
  return v;
}

// Streams the phase's bytes: the first round's loads go out before depend() (the dependency on the phase before),
// later rounds after it; then reads the value the phase before wrote.
template <class Depend>
__device__ float run_phase(const Phase& p, Depend&& depend) {
  const long long stride = static_cast<long long>(gridDim.x) * kThreads;
  long long i = static_cast<long long>(blockIdx.x) * kThreads + threadIdx.x;
  float acc = 0.f;
  int4 v[kInFlight];
#pragma unroll
  for (int j = 0; j < kInFlight; ++j) v[j] = i + j * stride < p.n16 ? __ldg(p.data + i + j * stride) : make_int4(0, 0, 0, 0);
  depend();
  const float in = *reinterpret_cast<const volatile float*>(p.prev);
  for (;;) {
#pragma unroll
    for (int j = 0; j < kInFlight; ++j) acc += __int_as_float(v[j].x ^ v[j].y ^ v[j].z ^ v[j].w) * 1e-30f;
    i += kInFlight * stride;
    if (i >= p.n16) break;
#pragma unroll
    for (int j = 0; j < kInFlight; ++j) v[j] = i + j * stride < p.n16 ? __ldg(p.data + i + j * stride) : make_int4(0, 0, 0, 0);
  }
  return acc + in;
}

__device__ void block_add(float* out, float v) {
  __shared__ float part[kThreads / 32];
  for (int o = 16; o > 0; o >>= 1) v += __shfl_xor_sync(0xffffffffu, v, o);
  if ((threadIdx.x & 31) == 0) part[threadIdx.x >> 5] = v;
  __syncthreads();
  if (threadIdx.x == 0) {
    float s = 0.f;
    for (int w = 0; w < kThreads / 32; ++w) s += part[w];
    atomicAdd(out, s);
  }
  __syncthreads();
}

template <bool kPdl>
__global__ void __launch_bounds__(kThreads) phase_kernel(Phase p) {
  const float acc = run_phase(p, [] {
    if (kPdl) {
      pdl_launch();
      pdl_wait();
    }
  });
  block_add(p.next, acc);
}

// Sense by generation: the last block to arrive bumps the generation; the others spin on it with acquire loads.
__device__ void grid_barrier(unsigned* count, unsigned* generation, unsigned blocks) {
  __syncthreads();
  if (threadIdx.x == 0) {
    const unsigned gen = ld_acquire(generation);
    unsigned arrived;
    asm volatile("atom.add.acq_rel.gpu.global.u32 %0, [%1], 1;" : "=r"(arrived) : "l"(count) : "memory");
    if (arrived == blocks - 1) {
      *count = 0;
      asm volatile("st.release.gpu.global.u32 [%0], %1;" ::"l"(generation), "r"(gen + 1) : "memory");
    } else {
      while (ld_acquire(generation) == gen) {
      }
    }
  }
  __syncthreads();
}

__global__ void __launch_bounds__(kThreads) persistent_kernel(const Phase* phases, int count, unsigned* barrier) {
  for (int k = 0; k < count; ++k) {
    const Phase p = phases[k];
    const float acc = run_phase(p, [&] {
      if (k > 0) grid_barrier(barrier, barrier + 1, gridDim.x);  // the end of the previous phase
    });
    block_add(p.next, acc);
  }
}

float median(std::vector<float> v) {
  std::sort(v.begin(), v.end());
  return v[v.size() / 2];
}

}  // namespace

int main(int argc, char** argv) {
  const int phases = argc > 1 ? std::atoi(argv[1]) : 128;
  const int repeats = argc > 2 ? std::atoi(argv[2]) : 20;
  cudaDeviceProp prop{};
  CHECK(cudaGetDeviceProperties(&prop, 0));
  const size_t pool_bytes = size_t{1} << 30;  // 1 GiB: phases rotate through it, far beyond L2
  int4* pool = nullptr;
  float* vals = nullptr;
  unsigned* barrier = nullptr;
  Phase* dphases = nullptr;
  CHECK(cudaMalloc(&pool, pool_bytes));
  CHECK(cudaMemset(pool, 1, pool_bytes));
  CHECK(cudaMalloc(&vals, sizeof(float) * (phases + 1)));
  CHECK(cudaMalloc(&barrier, 2 * sizeof(unsigned)));
  CHECK(cudaMalloc(&dphases, sizeof(Phase) * phases));
  cudaStream_t stream;
  CHECK(cudaStreamCreateWithFlags(&stream, cudaStreamNonBlocking));
  cudaEvent_t a, b;
  CHECK(cudaEventCreate(&a));
  CHECK(cudaEventCreate(&b));
  int per_sm_chain = 0, per_sm_persistent = 0;
  CHECK(cudaOccupancyMaxActiveBlocksPerMultiprocessor(&per_sm_chain, phase_kernel<true>, kThreads, 0));
  CHECK(cudaOccupancyMaxActiveBlocksPerMultiprocessor(&per_sm_persistent, persistent_kernel, kThreads, 0));
  std::printf("%s, %d SMs; %d phases, median of %d; blocks of %d threads\n", prop.name, prop.multiProcessorCount,
              phases, repeats, kThreads);
  std::printf("%8s %8s %14s %14s %14s %12s\n", "MB", "blocks", "chain+PDL us", "chain us", "persistent us",
              "bytes@4TB/s");
  const double mbs[] = {0.0, 1.0, 4.0, 14.0, 25.0};
  const int blocks_per_sm[] = {1, 2, 5};
  for (double mb : mbs) {
    for (int bps : blocks_per_sm) {
      if (bps > per_sm_persistent || bps > per_sm_chain) continue;
      const int blocks = bps * prop.multiProcessorCount;
      const long long n16 = static_cast<long long>(mb * 1e6 / 16);
      std::vector<Phase> host(phases);
      const long long slots = static_cast<long long>(pool_bytes / 16);
      for (int k = 0; k < phases; ++k) {
        const long long off = n16 == 0 ? 0 : (static_cast<long long>(k) * n16) % (slots - n16);
        host[k] = Phase{pool + off, n16, vals + k, vals + k + 1};
      }
      CHECK(cudaMemcpy(dphases, host.data(), sizeof(Phase) * phases, cudaMemcpyHostToDevice));
      float us[3];
      for (int mode = 0; mode < 3; ++mode) {
        cudaGraphExec_t exec = nullptr;
        cudaGraph_t graph = nullptr;
        CHECK(cudaStreamBeginCapture(stream, cudaStreamCaptureModeThreadLocal));
        if (mode < 2) {
          for (int k = 0; k < phases; ++k) {
            cudaLaunchConfig_t cfg{};
            cfg.gridDim = dim3(blocks);
            cfg.blockDim = dim3(kThreads);
            cfg.stream = stream;
            cudaLaunchAttribute attr[1];
            attr[0].id = cudaLaunchAttributeProgrammaticStreamSerialization;
            attr[0].val.programmaticStreamSerializationAllowed = 1;
            cfg.attrs = attr;
            cfg.numAttrs = mode == 0 ? 1 : 0;
            if (mode == 0) CHECK(cudaLaunchKernelEx(&cfg, phase_kernel<true>, host[k]));
            else CHECK(cudaLaunchKernelEx(&cfg, phase_kernel<false>, host[k]));
          }
        } else {
          CHECK(cudaMemsetAsync(barrier, 0, 2 * sizeof(unsigned), stream));
          persistent_kernel<<<blocks, kThreads, 0, stream>>>(dphases, phases, barrier);
        }
        CHECK(cudaStreamEndCapture(stream, &graph));
        CHECK(cudaGraphInstantiate(&exec, graph, 0));
        std::vector<float> t;
        for (int r = 0; r < repeats + 2; ++r) {
          CHECK(cudaEventRecord(a, stream));
          CHECK(cudaGraphLaunch(exec, stream));
          CHECK(cudaEventRecord(b, stream));
          CHECK(cudaEventSynchronize(b));
          float ms = 0.f;
          CHECK(cudaEventElapsedTime(&ms, a, b));
          if (r >= 2) t.push_back(ms * 1000.f / phases);
        }
        us[mode] = median(t);
        CHECK(cudaGraphExecDestroy(exec));
        CHECK(cudaGraphDestroy(graph));
      }
      std::printf("%8.1f %8d %14.2f %14.2f %14.2f %12.2f\n", mb, blocks, us[0], us[1], us[2], mb / 4.0);
    }
  }
  CHECK(cudaGetLastError());
  return 0;
}
