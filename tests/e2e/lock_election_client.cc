// A gRPC client for v3lockpb.Lock and v3electionpb.Election, so that the e2e test can call the
// services over a real connection on Cairn and on the real etcd alike (Debian's etcdctl runs the
// recipes client-side and never calls them).
//
// usage: lock_election_client HOST:PORT METHOD REQUEST_JSON [OBSERVATIONS]
//   METHOD: Lock, Unlock, Campaign, Proclaim, Leader, Resign, Observe.
//   REQUEST_JSON: the request in protobuf JSON (the gateway's form: base64 bytes, int64 strings).
// Prints the response as one JSON line (proto field names), or for Observe the first
// OBSERVATIONS responses (default 1), one per line, then cancels the stream. On an RPC error
// prints "error <grpc code> <message>" and exits 1; bad arguments exit 2.
#include <google/protobuf/util/json_util.h>
#include <grpcpp/grpcpp.h>

#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <string>

#include "proto/v3election.grpc.pb.h"
#include "proto/v3lock.grpc.pb.h"

namespace {

namespace epb = v3electionpb;
namespace lpb = v3lockpb;

std::string ToJson(const google::protobuf::Message& m) {
  google::protobuf::util::JsonPrintOptions o;
  o.preserve_proto_field_names = true;
  std::string out;
  (void)google::protobuf::util::MessageToJsonString(m, &out, o);
  return out;
}

bool Parse(const char* json, google::protobuf::Message* m) {
  if (google::protobuf::util::JsonStringToMessage(json, m).ok()) return true;
  fprintf(stderr, "lock_election_client: request is not a valid %s in JSON: %s\n",
          std::string(m->GetTypeName()).c_str(), json);
  return false;
}

int Report(const grpc::Status& st, const google::protobuf::Message& resp) {
  if (!st.ok()) {
    printf("error %d %s\n", static_cast<int>(st.error_code()), st.error_message().c_str());
    return 1;
  }
  printf("%s\n", ToJson(resp).c_str());
  return 0;
}

// One unary call: parses Req from `json`, calls `method` on `stub`, prints the outcome.
template <typename Req, typename Resp, typename Stub, typename Method>
int Unary(Stub* stub, Method method, const char* json) {
  Req req;
  if (!Parse(json, &req)) return 2;
  Resp resp;
  grpc::ClientContext ctx;
  ctx.set_deadline(std::chrono::system_clock::now() + std::chrono::seconds(120));
  return Report((stub->*method)(&ctx, req, &resp), resp);
}

}  // namespace

int main(int argc, char** argv) {
  if (argc < 4 || argc > 5) {
    fprintf(stderr, "usage: %s HOST:PORT METHOD REQUEST_JSON [OBSERVATIONS]\n", argv[0]);
    return 2;
  }
  auto channel = grpc::CreateChannel(argv[1], grpc::InsecureChannelCredentials());
  auto lock = lpb::Lock::NewStub(channel);
  auto election = epb::Election::NewStub(channel);
  const std::string method = argv[2];
  const char* json = argv[3];
  if (method == "Lock")
    return Unary<lpb::LockRequest, lpb::LockResponse>(lock.get(), &lpb::Lock::Stub::Lock, json);
  if (method == "Unlock") {
    return Unary<lpb::UnlockRequest, lpb::UnlockResponse>(lock.get(), &lpb::Lock::Stub::Unlock, json);
  }
  if (method == "Campaign") {
    return Unary<epb::CampaignRequest, epb::CampaignResponse>(election.get(), &epb::Election::Stub::Campaign,
                                                              json);
  }
  if (method == "Proclaim") {
    return Unary<epb::ProclaimRequest, epb::ProclaimResponse>(election.get(), &epb::Election::Stub::Proclaim,
                                                              json);
  }
  if (method == "Leader") {
    return Unary<epb::LeaderRequest, epb::LeaderResponse>(election.get(), &epb::Election::Stub::Leader, json);
  }
  if (method == "Resign") {
    return Unary<epb::ResignRequest, epb::ResignResponse>(election.get(), &epb::Election::Stub::Resign, json);
  }
  if (method == "Observe") {
    epb::LeaderRequest req;
    if (!Parse(json, &req)) return 2;
    const int wanted = argc == 5 ? atoi(argv[4]) : 1;
    grpc::ClientContext ctx;
    auto reader = election->Observe(&ctx, req);
    epb::LeaderResponse resp;
    for (int i = 0; i < wanted && reader->Read(&resp); i++) {
      printf("%s\n", ToJson(resp).c_str());
      fflush(stdout);
    }
    ctx.TryCancel();
    grpc::Status st = reader->Finish();
    if (!st.ok() && st.error_code() != grpc::StatusCode::CANCELLED) return Report(st, resp);
    return 0;
  }
  fprintf(stderr, "lock_election_client: unknown method %s\n", method.c_str());
  return 2;
}
