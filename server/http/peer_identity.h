// PeerIdentity: what the TLS terminator learned about a client connection (its verified
// certificate's Common Name), looked up later by gRPC handlers that see only the plaintext side.
//
// TLS is terminated before gRPC (docs/security.md): gRPC receives the plaintext end of the
// connection through grpc::AddInsecureChannelFromFd and reports its peer as "fd:N", N being that
// fd. The terminator registers the fd it hands to gRPC with the client's verified certificate CN
// and forgets it when the relay ends; auth (etcd 3.5's "CN as user" rule) asks with
// ServerContext::peer().
//
// Thread-safety: every function may be called from any thread.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>

namespace cairn::http {

// Records `common_name` (may be empty: TLS without a client certificate) for the plaintext fd
// handed to gRPC. Replaces an earlier entry for the same fd number. Returns the entry's
// generation for ForgetPeerIdentity(fd, generation).
uint64_t RegisterPeerIdentity(int fd, std::string common_name);

// Drops the entry for `fd`; call before the fd number can be reused.
void ForgetPeerIdentity(int fd);

// Drops the entry for `fd` only if it is still the one registered with `generation`: the relay
// that registered it may notice the end of its connection after gRPC closed the fd and the number
// was given to a newer connection, whose entry must survive.
void ForgetPeerIdentity(int fd, uint64_t generation);

// The verified client certificate CN for a gRPC peer string ("fd:17"), or "" when the peer came
// in without TLS, without a client certificate, or is unknown.
std::string PeerCommonName(std::string_view grpc_peer);

}  // namespace cairn::http
