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
