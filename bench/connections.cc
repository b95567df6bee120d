#include "bench/connections.h"

#include <chrono>
#include <fstream>
#include <sstream>

namespace cairn::bench {
namespace {

Status ReadFile(const std::string& path, std::string* out) {
  std::ifstream in(path, std::ios::binary);
  if (!in.good()) return Status::IOError("open " + path + ": cannot read file");
  std::stringstream ss;
  ss << in.rdbuf();
  *out = ss.str();
  return Status::Ok();
}

const char* GoCodeName(grpc::StatusCode code) {
  switch (code) {
    case grpc::StatusCode::OK: return "OK";
    case grpc::StatusCode::CANCELLED: return "Canceled";
    case grpc::StatusCode::UNKNOWN: return "Unknown";
    case grpc::StatusCode::INVALID_ARGUMENT: return "InvalidArgument";
    case grpc::StatusCode::DEADLINE_EXCEEDED: return "DeadlineExceeded";
    case grpc::StatusCode::NOT_FOUND: return "NotFound";
    case grpc::StatusCode::ALREADY_EXISTS: return "AlreadyExists";
    case grpc::StatusCode::PERMISSION_DENIED: return "PermissionDenied";
    case grpc::StatusCode::RESOURCE_EXHAUSTED: return "ResourceExhausted";
    case grpc::StatusCode::FAILED_PRECONDITION: return "FailedPrecondition";
    case grpc::StatusCode::ABORTED: return "Aborted";
    case grpc::StatusCode::OUT_OF_RANGE: return "OutOfRange";
    case grpc::StatusCode::UNIMPLEMENTED: return "Unimplemented";
    case grpc::StatusCode::INTERNAL: return "Internal";
    case grpc::StatusCode::UNAVAILABLE: return "Unavailable";
    case grpc::StatusCode::DATA_LOSS: return "DataLoss";
    case grpc::StatusCode::UNAUTHENTICATED: return "Unauthenticated";
    default: return "Unknown";
  }
}

Status MakeCredentials(const ConnectOptions& options, bool tls,
                       std::shared_ptr<grpc::ChannelCredentials>* creds) {
  if (!tls) {
    *creds = grpc::InsecureChannelCredentials();
    return Status::Ok();
  }
  grpc::SslCredentialsOptions ssl;
  if (!options.cacert_file.empty()) CAIRN_RETURN_IF_ERROR(ReadFile(options.cacert_file, &ssl.pem_root_certs));
  if (!options.cert_file.empty()) CAIRN_RETURN_IF_ERROR(ReadFile(options.cert_file, &ssl.pem_cert_chain));
  if (!options.key_file.empty()) CAIRN_RETURN_IF_ERROR(ReadFile(options.key_file, &ssl.pem_private_key));
  if (ssl.pem_cert_chain.empty() != ssl.pem_private_key.empty()) {
    return Status::InvalidArgument("--cert and --key must be given together");
  }
  *creds = grpc::SslCredentials(ssl);
  return Status::Ok();
}

Status Dial(const ConnectOptions& options, const std::string& endpoint, int64_t conn_id,
            std::unique_ptr<Connection>* out) {
  bool tls = false;
  const std::string target = EndpointTarget(endpoint, &tls);
  tls = tls || !options.cacert_file.empty() || !options.cert_file.empty();
  std::shared_ptr<grpc::ChannelCredentials> creds;
  CAIRN_RETURN_IF_ERROR(MakeCredentials(options, tls, &creds));
  grpc::ChannelArguments args;
  // One TCP connection per Connection, like one clientv3.Client per connection in etcd.
  args.SetInt(GRPC_ARG_USE_LOCAL_SUBCHANNEL_POOL, 1);
  args.SetInt("cairn.bench.conn_id", static_cast<int>(conn_id));
  args.SetMaxReceiveMessageSize(-1);
  args.SetMaxSendMessageSize(-1);
  auto conn = std::make_unique<Connection>();
  conn->endpoint = endpoint;
  conn->channel = grpc::CreateCustomChannel(target, creds, args);
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

std::string EndpointTarget(const std::string& endpoint, bool* tls) {
  *tls = false;
  if (endpoint.rfind("http://", 0) == 0) return endpoint.substr(7);
  if (endpoint.rfind("https://", 0) == 0) {
    *tls = true;
    return endpoint.substr(8);
  }
  return endpoint;
}

std::string GoErrorString(const grpc::Status& status) {
  const std::string& msg = status.error_message();
  if (msg.rfind("etcdserver: ", 0) == 0) return msg;  // clientv3's rpctypes.Error conversion
  return std::string("rpc error: code = ") + GoCodeName(status.error_code()) + " desc = " + msg;
}

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
    auto auth = etcdserverpb::Auth::NewStub(conns->conns_[0]->channel);
    etcdserverpb::AuthenticateRequest req;
    req.set_name(options.user.substr(0, colon));
    req.set_password(options.user.substr(colon + 1));
    etcdserverpb::AuthenticateResponse resp;
    grpc::ClientContext ctx;
    ctx.set_wait_for_ready(true);
    ctx.set_deadline(std::chrono::system_clock::now() + std::chrono::seconds(10));
    const grpc::Status s = auth->Authenticate(&ctx, req, &resp);
    if (!s.ok()) return Status::Unavailable("authenticate: " + GoErrorString(s));
    conns->token_ = resp.token();
  }
  *out = std::move(conns);
  return Status::Ok();
}

void Connections::Prepare(grpc::ClientContext* context) const {
  context->set_wait_for_ready(true);
  if (!token_.empty()) context->AddMetadata("token", token_);
}

}  // namespace cairn::bench
