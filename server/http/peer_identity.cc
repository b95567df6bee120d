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

struct Entry {
  std::string common_name;
  uint64_t generation = 0;
};

std::unordered_map<int, Entry>& Table() {
  static auto* table = new std::unordered_map<int, Entry>();
  return *table;
}

uint64_t next_generation = 1;  // guarded by Mu()

}  // namespace

uint64_t RegisterPeerIdentity(int fd, std::string common_name) {
  std::lock_guard<std::mutex> lock(Mu());
  const uint64_t generation = next_generation++;
  Table()[fd] = Entry{std::move(common_name), generation};
  return generation;
}

void ForgetPeerIdentity(int fd, uint64_t generation) {
  std::lock_guard<std::mutex> lock(Mu());
  auto it = Table().find(fd);
  if (it != Table().end() && it->second.generation == generation) Table().erase(it);
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
  return it == Table().end() ? "" : it->second.common_name;
}

}  // namespace cairn::http
