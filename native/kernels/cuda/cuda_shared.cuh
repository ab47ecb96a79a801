// Shared-memory declarations as macros, so the kernels' .cuh bodies also compile in the host emulation
// test (native/tests/test_cuda_kernels_emulated.cpp), which defines LB_CUDA_EMULATION and these macros itself.
#pragma once

#ifndef LB_CUDA_EMULATION
// dynamic shared memory of the launch, typed
#define LB_DYNAMIC_SHARED(type, name)                          \
  extern __shared__ __align__(16) unsigned char lb_smem_raw_[]; \
  type* name = reinterpret_cast<type*>(lb_smem_raw_)
// a fixed-size shared array
#define LB_SHARED_ARRAY(type, name, count) __shared__ type name[count]
#endif

// Programmatic dependent launch (sm_90; the launchers of pdl_launch.cuh ask for it): a kernel so launched may
// start while the kernel before it in the stream still runs. Before pdl_wait() it may only read what no kernel
// of the stream writes (weights); pdl_wait() returns once the kernel before it has finished and its writes are
// visible (and so every kernel before that one, which waited in turn). Without such a launch both are no-ops.
__device__ __forceinline__ void pdl_wait() {
#if defined(__CUDA_ARCH__) && __CUDA_ARCH__ >= 900
  asm volatile("griddepcontrol.wait;" ::: "memory");
#endif
}

// Lets the next kernel of the stream start as soon as every block of this one has called it (or exited).
__device__ __forceinline__ void pdl_launch_dependents() {
#if defined(__CUDA_ARCH__) && __CUDA_ARCH__ >= 900
  asm volatile("griddepcontrol.launch_dependents;" ::: "memory");
#endif
}
