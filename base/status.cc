#include "base/status.h"

#include <cstring>

namespace cairn {

Status Status::FromErrno(std::string_view what, int errno_value) {
  std::string msg(what);
  msg += ": ";
  msg += std::strerror(errno_value);
  return Status(Code::kIOError, std::move(msg));
}

std::string Status::ToString() const {
  switch (code_) {
    case Code::kOk: return "OK";
    case Code::kNotFound: return "NotFound: " + message_;
    case Code::kCorruption: return "Corruption: " + message_;
    case Code::kIOError: return "IOError: " + message_;
    case Code::kInvalidArgument: return "InvalidArgument: " + message_;
    case Code::kExists: return "Exists: " + message_;
    case Code::kUnavailable: return "Unavailable: " + message_;
  }
  return "Unknown: " + message_;
}

}  // namespace cairn
