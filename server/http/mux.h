// Mux: the routing table of an HTTP listener, like Go's http.ServeMux as etcd uses it: exact
// paths ("/health") and subtree prefixes ending in '/' ("/v3/"); the longest match wins; no
// match answers Go's "404 page not found".
//
// Thread-safety: Handle() before serving; Serve() may then run concurrently from any thread.
#pragma once

#include <functional>
#include <map>
#include <string>

#include "server/http/message.h"

namespace cairn::http {

using Handler = std::function<void(const Request&, Response*)>;

class Mux {
 public:
  // `pattern` is an exact path, or a subtree when it ends in '/'. A later registration of the
  // same pattern replaces the earlier one.
  void Handle(const std::string& pattern, Handler handler);
  void Serve(const Request& request, Response* response) const;

 private:
  std::map<std::string, Handler> exact_;
  std::map<std::string, Handler> subtrees_;
};

}  // namespace cairn::http
