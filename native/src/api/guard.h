// Every extern "C" body runs inside guard(): nothing ever unwinds into the caller (the JVM).
#pragma once

#include "lowbit.h"

namespace lb::api {

// Call only from inside a catch block: classifies the active exception, stores
// "<function>: <message>" as this thread's last error and returns the status code.
int fail_with_current_exception(const char* function) noexcept;

template <class Body>
int guard(const char* function, Body&& body) noexcept {
  try {
    body();
    return LB_OK;
  } catch (...) {
    return fail_with_current_exception(function);
  }
}

}  // namespace lb::api
