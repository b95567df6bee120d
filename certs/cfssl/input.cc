#include "certs/cfssl/input.h"

#include <cstdio>

#include "certs/x509/pem_file.h"

namespace cairn::certs::cfssl {

Status ReadInput(const std::string& path, std::string* out) {
  if (path != "-") return ReadWholeFile(path, out);
  out->clear();
  char buf[8192];
  size_t n;
  while ((n = std::fread(buf, 1, sizeof(buf), stdin)) > 0) out->append(buf, n);
  if (std::ferror(stdin)) return Status::IOError("read stdin");
  return Status::Ok();
}

}  // namespace cairn::certs::cfssl
