// Conversions between the plain MVCC request/response structs and the etcd v3 protobufs
// (//proto:etcd_cc_proto), for the server. Headers carry only `revision`; the server fills
// cluster_id, member_id and raft_term.
#pragma once

#include <string>
#include <string_view>

#include "proto/kv.pb.h"
#include "proto/rpc.pb.h"
#include "storage/mvcc/event.h"
#include "storage/mvcc/requests.h"

namespace cairn::mvcc {

RangeRequest FromProto(const etcdserverpb::RangeRequest& pb);
PutRequest FromProto(const etcdserverpb::PutRequest& pb);
DeleteRangeRequest FromProto(const etcdserverpb::DeleteRangeRequest& pb);
Compare FromProto(const etcdserverpb::Compare& pb);
TxnRequest FromProto(const etcdserverpb::TxnRequest& pb);

void ToProto(const KeyValue& kv, mvccpb::KeyValue* pb);
void ToProto(const Event& ev, mvccpb::Event* pb);
// Decodes every kv (KV.Range sends the stored bytes instead: server/api/range_wire.h).
void ToProto(const RangeResponse& r, etcdserverpb::RangeResponse* pb);
void ToProto(const PutResponse& r, etcdserverpb::PutResponse* pb);
void ToProto(const DeleteRangeResponse& r, etcdserverpb::DeleteRangeResponse* pb);
void ToProto(const TxnResponse& r, etcdserverpb::TxnResponse* pb);

}  // namespace cairn::mvcc
