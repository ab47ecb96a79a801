#include "src/api/guard.h"

#include <c10/util/Exception.h>

#include <cstring>
#include <new>
#include <string>

#include "src/error.h"

namespace {

thread_local std::string last_error;

void store(const char* function, const char* message) noexcept {
  try {
    last_error.assign(function).append(": ").append(message);
  } catch (...) {
    // Out of memory while storing the message: keep what fits without allocating.
    last_error.clear();
  }
}

bool contains(const char* text, const char* needle) { return std::strstr(text, needle) != nullptr; }

// c10 reports most failures as a plain c10::Error; sort them by what they say (without allocating).
int classify_c10(const c10::Error& e) noexcept {
  const char* message = e.what_without_backtrace();
  if (contains(message, "out of memory") || contains(message, "not enough memory") ||
      contains(message, "can't allocate memory")) {
    return LB_ERR_OUT_OF_MEMORY;
  }
  if (contains(message, "CUDA") || contains(message, "cuda")) return LB_ERR_CUDA;
  return LB_ERR_INTERNAL;
}

}  // namespace

namespace lb::api {

int fail_with_current_exception(const char* function) noexcept {
  try {
    throw;
  } catch (const lb::Error& e) {
    store(function, e.what());
    return e.status();
  } catch (const c10::OutOfMemoryError& e) {
    store(function, e.what_without_backtrace());
    return LB_ERR_OUT_OF_MEMORY;
  } catch (const c10::NotImplementedError& e) {
    store(function, e.what_without_backtrace());
    return LB_ERR_UNSUPPORTED;
  } catch (const c10::IndexError& e) {
    store(function, e.what_without_backtrace());
    return LB_ERR_INVALID_ARGUMENT;
  } catch (const c10::ValueError& e) {
    store(function, e.what_without_backtrace());
    return LB_ERR_INVALID_ARGUMENT;
  } catch (const c10::TypeError& e) {
    store(function, e.what_without_backtrace());
    return LB_ERR_INVALID_ARGUMENT;
  } catch (const c10::Error& e) {
    store(function, e.what_without_backtrace());
    return classify_c10(e);
  } catch (const std::bad_alloc& e) {
    store(function, "out of memory (std::bad_alloc)");
    return LB_ERR_OUT_OF_MEMORY;
  } catch (const std::exception& e) {
    store(function, e.what());
    return LB_ERR_INTERNAL;
  } catch (...) {
    store(function, "unknown exception");
    return LB_ERR_INTERNAL;
  }
}

}  // namespace lb::api

extern "C" const char* lb_last_error(void) { return last_error.c_str(); }
