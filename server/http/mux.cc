#include "server/http/mux.h"

namespace cairn::http {

void Mux::Handle(const std::string& pattern, Handler handler) {
  if (!pattern.empty() && pattern.back() == '/') {
    subtrees_[pattern] = std::move(handler);
  } else {
    exact_[pattern] = std::move(handler);
  }
}

void Mux::Serve(const Request& request, Response* response) const {
  if (auto it = exact_.find(request.path); it != exact_.end()) {
    it->second(request, response);
    return;
  }
  const Handler* best = nullptr;
  size_t best_len = 0;
  for (const auto& [prefix, handler] : subtrees_) {
    if (request.path.compare(0, prefix.size(), prefix) == 0 && prefix.size() >= best_len) {
      best = &handler;
      best_len = prefix.size();
    }
  }
  if (best != nullptr) {
    (*best)(request, response);
    return;
  }
  response->SetError(404, "404 page not found");
}

}  // namespace cairn::http
