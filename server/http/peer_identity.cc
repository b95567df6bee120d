#include "server/http/peer_identity.h"

#include <charconv>
#include <mutex>
#include <unordered_map>

namespace cairn::http {
namespace {

std::mutex& Mu() {
  static std::mutex mu;
  return mu;
}

std::unordered_map<int, std::string>& Table() {
  static auto* table = new std::unordered_map<int, std::string>();
  return *table;
}

}  // namespace

void RegisterPeerIdentity(int fd, std::string common_name) {
  std::lock_guard<std::mutex> lock(Mu());
  Table()[fd] = std::move(common_name);
}

void ForgetPeerIdentity(int fd) {
  std::lock_guard<std::mutex> lock(Mu());
  Table().erase(fd);
}

std::string PeerCommonName(std::string_view grpc_peer) {
  constexpr std::string_view kPrefix = "fd:";
  if (grpc_peer.substr(0, kPrefix.size()) != kPrefix) return "";
  grpc_peer.remove_prefix(kPrefix.size());
  int fd = -1;
  auto [end, ec] = std::from_chars(grpc_peer.data(), grpc_peer.data() + grpc_peer.size(), fd);
  if (ec != std::errc() || end != grpc_peer.data() + grpc_peer.size()) return "";
  std::lock_guard<std::mutex> lock(Mu());
  auto it = Table().find(fd);
  return it == Table().end() ? "" : it->second;
}

}  // namespace cairn::http
