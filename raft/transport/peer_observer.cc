#include "raft/transport/peer_observer.h"

namespace cairn::raft::transport {

PeerObserver* NoopPeerObserver() {
  static PeerObserver* noop = new PeerObserver();
  return noop;
}

}  // namespace cairn::raft::transport
