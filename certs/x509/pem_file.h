// Files for keys and certificates, written so that a crash leaves either the old file or the
// new one, never a torn or empty one:
//   1. write the bytes to a temporary file beside the target, created with its final mode
//      (0600 for keys, 0644 for certificates), so a key is never readable by others;
//   2. fsync the temporary file;  3. rename it over the target;  4. fsync the directory.
// Missing parent directories are created (0755, as kubeadm's certutil does).
#pragma once

#include <sys/types.h>

#include <string>
#include <string_view>

#include "base/status.h"

namespace cairn::certs {

inline constexpr mode_t kKeyFileMode = 0600;
inline constexpr mode_t kCertFileMode = 0644;

Status WriteFileAtomically(const std::string& path, std::string_view bytes, mode_t mode);
// NotFound when the file does not exist; IOError naming `path` otherwise.
Status ReadWholeFile(const std::string& path, std::string* out);
bool FileExists(const std::string& path);
// mkdir -p with mode 0755.
Status MakeDirs(const std::string& dir);

}  // namespace cairn::certs
