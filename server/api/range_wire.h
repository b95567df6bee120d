// The zero-copy encoding of an etcdserverpb.RangeResponse for gRPC (DESIGN.md §5, issue 6).
//
// The `key` bucket stores each revision as a serialized mvccpb.KeyValue (docs/mvcc_format.md),
// which is byte for byte a `kvs` element (field 2) of RangeResponse. EncodeRangeResponse builds
// the response as a grpc::ByteBuffer of slices without decoding or re-encoding the values:
//   * one "frame" buffer with the serialized header (field 1), the tag and length of every kv,
//     the kvs smaller than kZeroCopyMinBytes (copying them is cheaper than a slice each), the
//     keys_only re-encodings, `more` (field 3) and `count` (field 4);
//   * for each kv of at least kZeroCopyMinBytes, a slice pointing straight at its stored bytes
//     (bolt: the read transaction's mmap; or the backend's write overlay / the mem backend's
//     immutable state), interleaved with the frame slices in field order.
// The bytes equal etcdserverpb.RangeResponse::SerializeAsString() of the old path (ToProto +
// EtcdServer::FillHeader): fields in number order, the header always present, `more`/`count` only
// when non-zero, stored KeyValues in gogoproto's canonical encoding (key_value.h).
//
// Lifetime contract (the pin). The slices share one heap object holding the frame and the
// response's RangePin (the backend read view); gRPC drops its slice references when the message
// has been written to the socket or the call is destroyed, on any thread, and the last one frees
// the object and thereby ends the read view. While it lives:
//   * bolt (storage/bolt/db.h, mmap.h): the read transaction keeps the mapping it began with
//     (refcounted: growing the file maps a new region, the writer never waits for readers) and
//     bolt reuses no page that this transaction can still see (pages freed by later commits stay
//     pending until it ends; pages whose visibility window lies between readers are reused). So a
//     slow client never blocks a writer and never sees a reused page; the cost is that pages
//     freed during its send are reused later (the file may grow meanwhile), exactly as for a
//     long `etcdctl snapshot save` stream in etcd. A Defragment leaves the old, unlinked file
//     mapped until the last such view ends.
//   * BufferedBackend: the view shares the published write overlay; the writer copies the overlay
//     on its next round instead of mutating it (copy-on-write), as for any reader.
// The send is bounded as any gRPC response is: by the client's deadline, the connection's
// keepalive, and the server's shutdown (which destroys the calls).
//
// Thread-safety: EncodeRangeResponse is a pure function; the ByteBuffer may be released on any
// thread.
#pragma once

#include <grpcpp/support/byte_buffer.h>

#include <cstddef>

#include "proto/rpc.pb.h"
#include "storage/mvcc/requests.h"

namespace cairn::api {

// Kvs at least this large are sent from their stored bytes; smaller ones are copied into the frame.
inline constexpr size_t kZeroCopyMinBytes = 512;

// Replaces *out with the serialized RangeResponse {header, r.kvs, r.more, r.count}. Takes a
// reference to r.pin when a slice points at stored bytes (see the lifetime contract).
void EncodeRangeResponse(const etcdserverpb::ResponseHeader& header, const mvcc::RangeResponse& r,
                         grpc::ByteBuffer* out);

}  // namespace cairn::api
