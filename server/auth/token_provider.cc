#include "server/auth/token_provider.h"

#include <map>

#include "server/auth/jwt_token.h"
#include "server/auth/simple_token.h"

namespace cairn::auth {

// etcd decomposeOpts: "TYPE[,k=v...]"; a key given twice or an option without '=' is refused.
Status NewTokenProvider(std::string_view spec, std::chrono::seconds simple_ttl, WallClock clock,
                        std::unique_ptr<TokenProvider>* out) {
  const std::string whole(spec);
  std::string type;
  std::map<std::string, std::string> opts;
  size_t start = 0;
  bool first = true;
  while (true) {
    size_t comma = spec.find(',', start);
    std::string_view part = spec.substr(start, comma == std::string_view::npos ? spec.npos : comma - start);
    if (first) {
      type = std::string(part);
      first = false;
    } else {
      size_t eq = part.find('=');
      if (eq == std::string_view::npos) {
        return Status::InvalidArgument("auth: invalid auth options: --auth-token option \"" +
                                       std::string(part) + "\" is not key=value (in \"" + whole + "\")");
      }
      std::string key(part.substr(0, eq));
      if (opts.count(key) != 0) {
        return Status::InvalidArgument("auth: invalid auth options: --auth-token option \"" + key +
                                       "\" given twice (in \"" + whole + "\")");
      }
      opts[key] = std::string(part.substr(eq + 1));
    }
    if (comma == std::string_view::npos) break;
    start = comma + 1;
  }
  if (type == "simple") {
    *out = std::make_unique<SimpleTokenProvider>(simple_ttl, std::move(clock));
    return Status::Ok();
  }
  if (type == "jwt") return JwtTokenProvider::Create(opts, std::move(clock), out);
  return Status::InvalidArgument("auth: invalid auth options: unknown --auth-token type \"" + type +
                                 "\" (want simple or jwt,...)");
}

}  // namespace cairn::auth
