// cp.async (sm_80+): global -> shared copies that hold no registers while in flight. Under the host emulation
// (LB_CUDA_EMULATION) a copy happens at once, so commit and wait are no-ops; kernels that use these must read a
// copied slot only after the wait for it (and a barrier where another thread copied it), as on the device.
#pragma once

#include <stdint.h>
#include <string.h>

namespace lb::kernels::cp_async {

__device__ __forceinline__ void copy16(void* dst, const void* src) {
#ifdef LB_CUDA_EMULATION
  memcpy(dst, src, 16);
#else
  const unsigned s = static_cast<unsigned>(__cvta_generic_to_shared(dst));
  asm volatile("cp.async.cg.shared.global [%0], [%1], 16;\n" ::"r"(s), "l"(src));
#endif
}

// As copy16, but where ok is false it writes 16 zero bytes and reads nothing (the src-size operand 0).
__device__ __forceinline__ void copy16_or_zero(void* dst, const void* src, bool ok) {
#ifdef LB_CUDA_EMULATION
  if (ok) {
    memcpy(dst, src, 16);
  } else {
    memset(dst, 0, 16);
  }
#else
  const unsigned s = static_cast<unsigned>(__cvta_generic_to_shared(dst));
  asm volatile("cp.async.cg.shared.global [%0], [%1], 16, %2;\n" ::"r"(s), "l"(src), "r"(ok ? 16 : 0));
#endif
}

__device__ __forceinline__ void copy4(void* dst, const void* src) {
#ifdef LB_CUDA_EMULATION
  memcpy(dst, src, 4);
#else
  const unsigned s = static_cast<unsigned>(__cvta_generic_to_shared(dst));
  asm volatile("cp.async.ca.shared.global [%0], [%1], 4;\n" ::"r"(s), "l"(src));
#endif
}

// Closes this thread's group of the copies issued since the last commit (an empty group is fine).
__device__ __forceinline__ void commit() {
#ifndef LB_CUDA_EMULATION
  asm volatile("cp.async.commit_group;\n" ::);
#endif
}

// Returns once at most N of this thread's committed groups are still in flight.
template <int N>
__device__ __forceinline__ void wait() {
#ifndef LB_CUDA_EMULATION
  asm volatile("cp.async.wait_group %0;\n" ::"n"(N) : "memory");
#endif
}

// Returns once every copy this thread has issued has landed (committed or not).
__device__ __forceinline__ void wait_all() {
#ifndef LB_CUDA_EMULATION
  asm volatile("cp.async.wait_all;\n" ::: "memory");
#endif
}

}  // namespace lb::kernels::cp_async
