// The one exception type adapters throw: a status code from lowbit.h plus a message that names the
// argument and the expected value. The API guard turns it (and any other exception) into a status.
#pragma once

#include <stdexcept>
#include <string>

#include "lowbit.h"

namespace lb {

class Error : public std::runtime_error {
 public:
  Error(int status, const std::string& message) : std::runtime_error(message), status_(status) {}
  int status() const noexcept { return status_; }

 private:
  int status_;
};

[[noreturn]] inline void throw_invalid(const std::string& message) {
  throw Error(LB_ERR_INVALID_ARGUMENT, message);
}

[[noreturn]] inline void throw_unsupported(const std::string& message) {
  throw Error(LB_ERR_UNSUPPORTED, message);
}

template <class T>
T* require_non_null(T* pointer, const char* name) {
  if (pointer == nullptr) throw_invalid(std::string(name) + " is NULL (expected a valid pointer)");
  return pointer;
}

}  // namespace lb
