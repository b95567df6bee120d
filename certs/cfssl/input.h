// Reading cfssl's inputs: a file path, or "-" for stdin (read once, whole).
#pragma once

#include <string>

#include "base/status.h"

namespace cairn::certs::cfssl {

Status ReadInput(const std::string& path, std::string* out);

}  // namespace cairn::certs::cfssl
