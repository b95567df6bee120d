#include "server/api/gateway.h"

#include <google/protobuf/util/json_util.h>

#include <chrono>
#include <functional>
#include <string>

#include "server/api/caller.h"
#include "server/api/election_service.h"
#include "server/api/lock_service.h"
#include "server/api/rpc_errors.h"
#include "server/http/handlers.h"
#include "storage/mvcc/proto_convert.h"

namespace cairn::api {
namespace {

namespace pb = etcdserverpb;
using google::protobuf::Message;

std::string ToJson(const Message& m) {
  google::protobuf::util::JsonPrintOptions o;
  o.preserve_proto_field_names = true;
  std::string out;
  (void)google::protobuf::util::MessageToJsonString(m, &out, o);
  return out;
}

void WriteError(http::Response* w, int grpc_code, const std::string& message) {
  w->status = HttpStatusFromGrpcCode(grpc_code);
  w->SetHeader("Content-Type", "application/json");
  w->body = "{\"error\":" + http::GoJsonString(message) + ",\"message\":" + http::GoJsonString(message) +
            ",\"code\":" + std::to_string(grpc_code) + "}";
}

// Parses the body into `req`; on failure writes grpc-gateway's InvalidArgument error.
bool ParseBody(const http::Request& r, Message* req, http::Response* w) {
  if (r.method != "POST") {
    w->SetError(405, "Method Not Allowed");
    return false;
  }
  const std::string body = r.body.empty() ? "{}" : r.body;
  google::protobuf::util::JsonParseOptions o;
  auto st = google::protobuf::util::JsonStringToMessage(body, req, o);
  if (!st.ok()) {
    WriteError(w, static_cast<int>(grpc::StatusCode::INVALID_ARGUMENT), std::string(st.message()));
    return false;
  }
  return true;
}

// A unary route whose call answers the gRPC status itself, given the HTTP request (for its
// Authorization header). The lock and election services map their errors differently from KV
// (concurrency.h).
template <typename Req, typename Resp>
http::Handler UnaryGrpc(std::function<grpc::Status(const http::Request&, const Req&, Resp*)> call) {
  return [call](const http::Request& r, http::Response* w) {
    Req req;
    if (!ParseBody(r, &req, w)) return;
    Resp resp;
    grpc::Status st = call(r, req, &resp);
    if (!st.ok()) {
      WriteError(w, static_cast<int>(st.error_code()), st.error_message());
      return;
    }
    w->SetHeader("Content-Type", "application/json");
    w->body = ToJson(resp);
  };
}

// A unary call as the caller named by the request's Authorization header (a token from
// /v3/auth/authenticate), like grpc-gateway forwarding it as gRPC metadata.
template <typename Req, typename Resp>
using AuthCall = std::function<Status(const Req&, Resp*, const auth::AuthInfo&)>;

// untranslated_auth: auth refusals as etcd's maintenance server gives them (rpc_errors.h).
template <typename Req, typename Resp>
http::Handler Unary(etcdserver::EtcdServer* s, AuthCall<Req, Resp> call, bool untranslated_auth = false) {
  return UnaryGrpc<Req, Resp>([s, call, untranslated_auth](const http::Request& r, const Req& q, Resp* resp) {
    auth::AuthInfo who;
    Status called = CallerOf(r, s, &who);
    if (called.ok()) called = call(q, resp, who);
    return untranslated_auth ? ToUntranslatedAuthStatus(called) : ToGrpcStatus(called);
  });
}

// The lock and election routes. Lock and Campaign wait on the connection's thread; a gateway
// client that disconnects while waiting is not noticed (the HTTP layer reports a gone client only
// when a write fails), so its waiter key stays until it is granted and unlocked or its lease
// expires; StopAllWaits() ends the waits at shutdown.
void InstallLockElection(http::Mux* mux, etcdserver::EtcdServer* s) {
  namespace lpb = v3lockpb;
  namespace epb = v3electionpb;
  mux->Handle("/v3/lock/lock", UnaryGrpc<lpb::LockRequest, lpb::LockResponse>([s](const http::Request&, const auto& q, auto* r) {
                return ToRecipeStatus(LockAcquire(s, q, nullptr, r));
              }));
  mux->Handle("/v3/lock/unlock",
              UnaryGrpc<lpb::UnlockRequest, lpb::UnlockResponse>(
                  [s](const http::Request&, const auto& q, auto* r) { return ToRecipeStatus(LockRelease(s, q, r)); }));
  mux->Handle("/v3/election/campaign",
              UnaryGrpc<epb::CampaignRequest, epb::CampaignResponse>([s](const http::Request&, const auto& q, auto* r) {
                return ToRecipeStatus(ElectionCampaign(s, q, nullptr, r));
              }));
  mux->Handle("/v3/election/proclaim",
              UnaryGrpc<epb::ProclaimRequest, epb::ProclaimResponse>(
                  [s](const http::Request&, const auto& q, auto* r) { return ToRecipeStatus(ElectionProclaim(s, q, r)); }));
  mux->Handle("/v3/election/leader",
              UnaryGrpc<epb::LeaderRequest, epb::LeaderResponse>(
                  [s](const http::Request&, const auto& q, auto* r) { return ToRecipeStatus(ElectionLeader(s, q, r)); }));
  mux->Handle("/v3/election/resign",
              UnaryGrpc<epb::ResignRequest, epb::ResignResponse>(
                  [s](const http::Request&, const auto& q, auto* r) { return ToRecipeStatus(ElectionResign(s, q, r)); }));
  // Observe: a chunked stream of {"result":{...}} lines (grpc-gateway's server-streaming form).
  mux->Handle("/v3/election/observe", [s](const http::Request& r, http::Response* w) {
    epb::LeaderRequest req;
    if (!ParseBody(r, &req, w)) return;
    w->SetHeader("Content-Type", "application/json");
    w->stream = [s, req](http::ChunkWriter& out) {
      (void)ElectionObserve(s, req, nullptr, [&out](const epb::LeaderResponse& resp) {
        return out.WriteChunk("{\"result\":" + ToJson(resp) + "}\n");
      });
    };
  });
}

http::Handler WatchHandler(etcdserver::EtcdServer* server) {
  return [server](const http::Request& r, http::Response* w) {
    pb::WatchRequest req;
    if (!ParseBody(r, &req, w)) return;
    if (!req.has_create_request()) {
      WriteError(w, static_cast<int>(grpc::StatusCode::INVALID_ARGUMENT), "watch requires a create_request");
      return;
    }
    w->SetHeader("Content-Type", "application/json");
    // etcd isWatchPermitted: read permission on the watched range, at creation.
    auth::AuthInfo who;
    Status denied = CallerOf(r, server, &who);
    if (denied.ok())
      denied =
          server->auth_store()->CheckRead(who, req.create_request().key(), req.create_request().range_end());
    w->stream = [server, create = req.create_request(), denied](http::ChunkWriter& out) {
      if (!denied.ok()) {
        pb::WatchResponse refused;
        server->FillHeader(refused.mutable_header());
        refused.set_watch_id(-1);
        refused.set_created(true);
        refused.set_canceled(true);
        refused.set_cancel_reason(GoGrpcErrorText(denied));
        (void)out.WriteChunk("{\"result\":" + ToJson(refused) + "}\n");
        return;
      }
      std::unique_ptr<mvcc::WatchStream> ws = server->NewWatchStream();
      mvcc::WatchOptions o;
      o.key = create.key();
      o.end = create.range_end();
      o.start_rev = create.start_revision();
      o.prev_kv = create.prev_kv();
      for (int f : create.filters()) o.filters.push_back(static_cast<mvcc::WatchFilter>(f));
      mvcc::WatchId id = -1;
      Status st = ws->Watch(create.watch_id(), o, &id);
      pb::WatchResponse created;
      server->FillHeader(created.mutable_header());
      created.set_created(true);
      created.set_watch_id(st.ok() ? id : -1);
      if (!st.ok()) {
        created.set_canceled(true);
        created.set_cancel_reason(st.message());
      }
      if (!out.WriteChunk("{\"result\":" + ToJson(created) + "}\n") || !st.ok()) return;
      while (true) {
        mvcc::WatchResponse wr;
        if (!ws->Wait(&wr, std::chrono::milliseconds(500))) {
          if (!out.WriteChunk("")) return;  // probes the connection; an empty chunk is not sent
          continue;
        }
        pb::WatchResponse resp;
        server->FillHeader(resp.mutable_header(), wr.revision);
        resp.set_watch_id(wr.watch_id);
        if (wr.compact_revision > 0) {
          resp.set_compact_revision(wr.compact_revision);
          resp.set_canceled(true);
        }
        for (const mvcc::Event& ev : wr.events) mvcc::ToProto(ev, resp.add_events());
        if (!out.WriteChunk("{\"result\":" + ToJson(resp) + "}\n")) return;
        if (wr.compact_revision > 0) return;
      }
    };
  };
}

// /v3/auth/* (etcd's grpc-gateway routes for the Auth service).
void InstallAuthGateway(http::Mux* mux, etcdserver::EtcdServer* s) {
  using auth::AuthInfo;
  mux->Handle("/v3/auth/authenticate",
              Unary<pb::AuthenticateRequest, pb::AuthenticateResponse>(
                  s, [s](const auto& q, auto* r, const AuthInfo&) { return s->Authenticate(q, r); }));
  mux->Handle("/v3/auth/enable",
              Unary<pb::AuthEnableRequest, pb::AuthEnableResponse>(
                  s, [s](const auto&, auto* r, const AuthInfo& who) { return s->AuthEnable(who, r); }));
  mux->Handle("/v3/auth/disable",
              Unary<pb::AuthDisableRequest, pb::AuthDisableResponse>(
                  s, [s](const auto&, auto* r, const AuthInfo& who) { return s->AuthDisable(who, r); }));
  mux->Handle("/v3/auth/status",
              Unary<pb::AuthStatusRequest, pb::AuthStatusResponse>(
                  s, [s](const auto&, auto* r, const AuthInfo&) { return s->AuthStatus(r); }));
  mux->Handle("/v3/auth/user/add",
              Unary<pb::AuthUserAddRequest, pb::AuthUserAddResponse>(
                  s, [s](const auto& q, auto* r, const AuthInfo& who) { return s->UserAdd(who, q, r); }));
  mux->Handle("/v3/auth/user/get",
              Unary<pb::AuthUserGetRequest, pb::AuthUserGetResponse>(
                  s, [s](const auto& q, auto* r, const AuthInfo& who) { return s->UserGet(who, q, r); }));
  mux->Handle("/v3/auth/user/list",
              Unary<pb::AuthUserListRequest, pb::AuthUserListResponse>(
                  s, [s](const auto&, auto* r, const AuthInfo& who) { return s->UserList(who, r); }));
  mux->Handle("/v3/auth/user/delete",
              Unary<pb::AuthUserDeleteRequest, pb::AuthUserDeleteResponse>(
                  s, [s](const auto& q, auto* r, const AuthInfo& who) { return s->UserDelete(who, q, r); }));
  mux->Handle(
      "/v3/auth/user/changepw",
      Unary<pb::AuthUserChangePasswordRequest, pb::AuthUserChangePasswordResponse>(
          s, [s](const auto& q, auto* r, const AuthInfo& who) { return s->UserChangePassword(who, q, r); }));
  mux->Handle("/v3/auth/user/grant", Unary<pb::AuthUserGrantRoleRequest, pb::AuthUserGrantRoleResponse>(
                                         s, [s](const auto& q, auto* r, const AuthInfo& who) {
                                           return s->UserGrantRole(who, q, r);
                                         }));
  mux->Handle("/v3/auth/user/revoke", Unary<pb::AuthUserRevokeRoleRequest, pb::AuthUserRevokeRoleResponse>(
                                          s, [s](const auto& q, auto* r, const AuthInfo& who) {
                                            return s->UserRevokeRole(who, q, r);
                                          }));
  mux->Handle("/v3/auth/role/add",
              Unary<pb::AuthRoleAddRequest, pb::AuthRoleAddResponse>(
                  s, [s](const auto& q, auto* r, const AuthInfo& who) { return s->RoleAdd(who, q, r); }));
  mux->Handle("/v3/auth/role/get",
              Unary<pb::AuthRoleGetRequest, pb::AuthRoleGetResponse>(
                  s, [s](const auto& q, auto* r, const AuthInfo& who) { return s->RoleGet(who, q, r); }));
  mux->Handle("/v3/auth/role/list",
              Unary<pb::AuthRoleListRequest, pb::AuthRoleListResponse>(
                  s, [s](const auto&, auto* r, const AuthInfo& who) { return s->RoleList(who, r); }));
  mux->Handle("/v3/auth/role/delete",
              Unary<pb::AuthRoleDeleteRequest, pb::AuthRoleDeleteResponse>(
                  s, [s](const auto& q, auto* r, const AuthInfo& who) { return s->RoleDelete(who, q, r); }));
  mux->Handle(
      "/v3/auth/role/grant",
      Unary<pb::AuthRoleGrantPermissionRequest, pb::AuthRoleGrantPermissionResponse>(
          s, [s](const auto& q, auto* r, const AuthInfo& who) { return s->RoleGrantPermission(who, q, r); }));
  mux->Handle("/v3/auth/role/revoke",
              Unary<pb::AuthRoleRevokePermissionRequest, pb::AuthRoleRevokePermissionResponse>(
                  s, [s](const auto& q, auto* r, const AuthInfo& who) {
                    return s->RoleRevokePermission(who, q, r);
                  }));
}
}  // namespace

int HttpStatusFromGrpcCode(int code) {
  switch (static_cast<grpc::StatusCode>(code)) {
    case grpc::StatusCode::OK: return 200;
    case grpc::StatusCode::CANCELLED: return 408;
    case grpc::StatusCode::UNKNOWN: return 500;
    case grpc::StatusCode::INVALID_ARGUMENT: return 400;
    case grpc::StatusCode::DEADLINE_EXCEEDED: return 504;
    case grpc::StatusCode::NOT_FOUND: return 404;
    case grpc::StatusCode::ALREADY_EXISTS: return 409;
    case grpc::StatusCode::PERMISSION_DENIED: return 403;
    case grpc::StatusCode::UNAUTHENTICATED: return 401;
    case grpc::StatusCode::RESOURCE_EXHAUSTED: return 429;
    case grpc::StatusCode::FAILED_PRECONDITION: return 400;
    case grpc::StatusCode::ABORTED: return 409;
    case grpc::StatusCode::OUT_OF_RANGE: return 400;
    case grpc::StatusCode::UNIMPLEMENTED: return 501;
    case grpc::StatusCode::UNAVAILABLE: return 503;
    default: return 500;  // INTERNAL, DATA_LOSS and the rest
  }
}

void InstallGateway(http::Mux* mux, etcdserver::EtcdServer* s) {
  using auth::AuthInfo;
  // The caller is ignored where etcd checks nothing (lease grant, alarm, status, member list).
  mux->Handle("/v3/kv/range",
              Unary<pb::RangeRequest, pb::RangeResponse>(
                  s, [s](const auto& q, auto* r, const AuthInfo& who) { return s->Range(q, r, who); }));
  mux->Handle("/v3/kv/put",
              Unary<pb::PutRequest, pb::PutResponse>(
                  s, [s](const auto& q, auto* r, const AuthInfo& who) { return s->Put(q, r, who); }));
  mux->Handle("/v3/kv/deleterange",
              Unary<pb::DeleteRangeRequest, pb::DeleteRangeResponse>(
                  s, [s](const auto& q, auto* r, const AuthInfo& who) { return s->DeleteRange(q, r, who); }));
  mux->Handle("/v3/kv/txn",
              Unary<pb::TxnRequest, pb::TxnResponse>(
                  s, [s](const auto& q, auto* r, const AuthInfo& who) { return s->Txn(q, r, who); }));
  mux->Handle("/v3/kv/compaction",
              Unary<pb::CompactionRequest, pb::CompactionResponse>(
                  s, [s](const auto& q, auto* r, const AuthInfo&) { return s->Compact(q, r); }));
  mux->Handle("/v3/lease/grant",
              Unary<pb::LeaseGrantRequest, pb::LeaseGrantResponse>(
                  s, [s](const auto& q, auto* r, const AuthInfo&) { return s->LeaseGrant(q, r); }));
  for (const char* prefix : {"/v3/lease/", "/v3/kv/lease/"}) {
    std::string p = prefix;
    mux->Handle(p + "revoke", Unary<pb::LeaseRevokeRequest, pb::LeaseRevokeResponse>(
                                  s, [s](const auto& q, auto* r, const AuthInfo& who) {
                                    return s->LeaseRevoke(q, r, who);
                                  }));
    mux->Handle(p + "timetolive", Unary<pb::LeaseTimeToLiveRequest, pb::LeaseTimeToLiveResponse>(
                                      s, [s](const auto& q, auto* r, const AuthInfo& who) {
                                        return s->LeaseTimeToLive(q, r, who);
                                      }));
    mux->Handle(p + "leases",
                Unary<pb::LeaseLeasesRequest, pb::LeaseLeasesResponse>(
                    s, [s](const auto&, auto* r, const AuthInfo&) { return s->LeaseLeases(r); }));
  }
  // A keep-alive through the gateway: one request, one {"result":...} (grpc-gateway streams).
  mux->Handle("/v3/lease/keepalive", [s](const http::Request& r, http::Response* w) {
    pb::LeaseKeepAliveRequest req;
    if (!ParseBody(r, &req, w)) return;
    pb::LeaseKeepAliveResponse resp;
    grpc::Status st = ToGrpcStatus(s->LeaseRenew(req.id(), &resp));
    if (!st.ok()) {
      WriteError(w, static_cast<int>(st.error_code()), st.error_message());
      return;
    }
    w->SetHeader("Content-Type", "application/json");
    w->body = "{\"result\":" + ToJson(resp) + "}\n";
  });
  // Defragment, hash and hashkv need the root role when auth is on (etcd authMaintenanceServer).
  auto admin = [s](const AuthInfo& who) { return s->auth_store()->CheckAdmin(who); };
  mux->Handle("/v3/maintenance/alarm",
              Unary<pb::AlarmRequest, pb::AlarmResponse>(
                  s, [s](const auto& q, auto* r, const AuthInfo&) { return s->Alarm(q, r); }));
  mux->Handle("/v3/maintenance/status",
              Unary<pb::StatusRequest, pb::StatusResponse>(
                  s, [s](const auto&, auto* r, const AuthInfo&) { return s->StatusOf(r); }));
  mux->Handle("/v3/maintenance/defragment", Unary<pb::DefragmentRequest, pb::DefragmentResponse>(
                                                s,
                                                [s, admin](const auto&, auto* r, const AuthInfo& who) {
                                                  CAIRN_RETURN_IF_ERROR(admin(who));
                                                  return s->Defragment(r);
                                                },
                                                true));
  mux->Handle("/v3/maintenance/hash", Unary<pb::HashRequest, pb::HashResponse>(
                                          s,
                                          [s, admin](const auto&, auto* r, const AuthInfo& who) {
                                            CAIRN_RETURN_IF_ERROR(admin(who));
                                            return s->Hash(r);
                                          },
                                          true));
  mux->Handle("/v3/maintenance/hashkv", Unary<pb::HashKVRequest, pb::HashKVResponse>(
                                            s,
                                            [s, admin](const auto& q, auto* r, const AuthInfo& who) {
                                              CAIRN_RETURN_IF_ERROR(admin(who));
                                              return s->HashKV(q, r);
                                            },
                                            true));
  mux->Handle("/v3/cluster/member/list",
              Unary<pb::MemberListRequest, pb::MemberListResponse>(
                  s, [s](const auto&, auto* r, const AuthInfo&) { return s->MemberList(r); }));
  mux->Handle("/v3/watch", WatchHandler(s));
  InstallLockElection(mux, s);
  InstallAuthGateway(mux, s);
}

}  // namespace cairn::api
