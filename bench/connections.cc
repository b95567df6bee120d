#include "bench/connections.h"

#include <chrono>

#include "client/client.h"
#include "client/dial.h"
#include "client/endpoint.h"

namespace cairn::bench {
namespace {

client::DialOptions DialOptionsOf(const ConnectOptions& options, int64_t conn_id) {
  client::DialOptions d;
  d.tls.cacert_file = options.cacert_file;
  d.tls.cert_file = options.cert_file;
  d.tls.key_file = options.key_file;
  // One TCP connection per Connection, like one clientv3.Client per connection in etcd.
  d.own_connection_id = conn_id < 0 ? 0 : static_cast<int>(conn_id);
  return d;
}

Status Dial(const ConnectOptions& options, const std::string& endpoint, int64_t conn_id,
            std::unique_ptr<Connection>* out) {
  client::Endpoint ep;
  CAIRN_RETURN_IF_ERROR(client::ParseEndpoint(endpoint, &ep));
  auto conn = std::make_unique<Connection>();
  conn->endpoint = endpoint;
  CAIRN_RETURN_IF_ERROR(client::DialChannel(ep, DialOptionsOf(options, conn_id), &conn->channel));
  if (options.dial_timeout_ns > 0) {
    const auto deadline =
        std::chrono::system_clock::now() + std::chrono::nanoseconds(options.dial_timeout_ns);
    if (!conn->channel->WaitForConnected(deadline)) {
      return Status::Unavailable("dial " + endpoint + ": context deadline exceeded");
    }
  }
  conn->kv = etcdserverpb::KV::NewStub(conn->channel);
  conn->lease = etcdserverpb::Lease::NewStub(conn->channel);
  conn->watch = etcdserverpb::Watch::NewStub(conn->channel);
  conn->maintenance = etcdserverpb::Maintenance::NewStub(conn->channel);
  *out = std::move(conn);
  return Status::Ok();
}

Status FindLeader(const ConnectOptions& options, std::string* leader) {
  for (const std::string& endpoint : options.endpoints) {
    std::unique_ptr<Connection> conn;
    CAIRN_RETURN_IF_ERROR(Dial(options, endpoint, -1, &conn));
    grpc::ClientContext ctx;
    ctx.set_deadline(std::chrono::system_clock::now() + std::chrono::seconds(5));
    etcdserverpb::StatusResponse resp;
    const grpc::Status s = conn->maintenance->Status(&ctx, etcdserverpb::StatusRequest(), &resp);
    if (s.ok() && resp.header().member_id() == resp.leader()) {
      *leader = endpoint;
      return Status::Ok();
    }
  }
  return Status::Unavailable("no leader found among --endpoints");
}

}  // namespace

Status Connections::Open(const ConnectOptions& options, int64_t count, std::unique_ptr<Connections>* out) {
  if (options.endpoints.empty()) return Status::InvalidArgument("no --endpoints given");
  if (count < 1) return Status::InvalidArgument("--conns must be at least 1");
  std::vector<std::string> endpoints = options.endpoints;
  if (options.target_leader) {
    std::string leader;
    CAIRN_RETURN_IF_ERROR(FindLeader(options, &leader));
    endpoints = {leader};
  }
  auto conns = std::unique_ptr<Connections>(new Connections());
  for (int64_t i = 0; i < count; i++) {
    std::unique_ptr<Connection> conn;
    CAIRN_RETURN_IF_ERROR(Dial(options, endpoints[static_cast<size_t>(i) % endpoints.size()], i, &conn));
    conns->conns_.push_back(std::move(conn));
  }
  if (!options.user.empty()) {
    const size_t colon = options.user.find(':');
    if (colon == std::string::npos) {
      return Status::InvalidArgument("--user needs \"name:password\" (password prompting is not supported)");
    }
    // The token comes from the client library's Authenticate over the same endpoints.
    client::Options copts;
    copts.endpoints = {endpoints[0]};
    copts.dial = DialOptionsOf(options, -1);
    copts.dial_timeout_ns = int64_t{10} * 1'000'000'000;
    copts.user = options.user.substr(0, colon);
    copts.password = options.user.substr(colon + 1);
    std::unique_ptr<client::Client> c;
    if (Status s = client::Client::Open(copts, &c); !s.ok())
      return Status::Unavailable("authenticate: " + s.message());
    conns->token_ = c->token();
  }
  *out = std::move(conns);
  return Status::Ok();
}

void Connections::Prepare(grpc::ClientContext* context) const {
  context->set_wait_for_ready(true);
  if (!token_.empty()) context->AddMetadata("token", token_);
}

}  // namespace cairn::bench
