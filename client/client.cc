#include "client/client.h"

namespace cairn::client {

Status Client::Open(const Options& options, std::unique_ptr<Client>* out) {
  if (options.endpoints.empty()) return Status::InvalidArgument("etcdclient: no available endpoints");
  auto c = std::unique_ptr<Client>(new Client());
  c->options_ = options;
  for (const std::string& text : options.endpoints) {
    Endpoint ep;
    std::shared_ptr<grpc::Channel> ch;
    if (ParseEndpoint(text, &ep).ok()) {
      CAIRN_RETURN_IF_ERROR(DialChannel(ep, options.dial, &ch));
    } else {
      ep.original = text;  // never ready: ch stays null
    }
    c->endpoints_.push_back(std::move(ep));
    c->channels_.push_back(std::move(ch));
  }
  if (!options.user.empty() && !options.password.empty()) {
    const auto deadline =
        Clock::now() + std::chrono::nanoseconds(options.dial_timeout_ns > 0 ? options.dial_timeout_ns
                                                                            : int64_t{3600} * 1'000'000'000);
    CAIRN_RETURN_IF_ERROR(c->Authenticate(deadline));
  }
  *out = std::move(c);
  return Status::Ok();
}

int Client::PickReady(Clock::time_point deadline) {
  size_t start;
  {
    std::lock_guard<std::mutex> lock(mu_);
    start = preferred_;
  }
  const size_t n = channels_.size();
  for (;;) {
    for (size_t k = 0; k < n; ++k) {
      const size_t i = (start + k) % n;
      if (channels_[i] != nullptr && channels_[i]->GetState(/*try_to_connect=*/true) == GRPC_CHANNEL_READY) {
        return static_cast<int>(i);
      }
    }
    const auto now = Clock::now();
    if (now >= deadline) return -1;
    // Wait for the preferred channel to change state, at most 20 ms, then look at all again.
    const auto slice = std::min(deadline, now + std::chrono::milliseconds(20));
    const auto& ch = channels_[start % n];
    if (ch != nullptr) {
      ch->WaitForStateChange(ch->GetState(false), slice);
    } else {
      std::this_thread::sleep_until(slice);
    }
  }
}

void Client::Prepare(grpc::ClientContext* context) {
  std::lock_guard<std::mutex> lock(mu_);
  if (!token_.empty()) context->AddMetadata("token", token_);
}

bool Client::IsTokenError(const grpc::Status& s) {
  const std::string& m = s.error_message();
  return m == "etcdserver: invalid auth token" || m == "etcdserver: user name is empty" ||
         m == "etcdserver: revision of auth store is old";
}

Status Client::Authenticate(Clock::time_point deadline) {
  etcdserverpb::AuthenticateRequest req;
  req.set_name(options_.user);
  req.set_password(options_.password);
  {
    std::lock_guard<std::mutex> lock(mu_);
    token_.clear();
  }
  etcdserverpb::AuthenticateResponse resp;
  // Authenticate is immutable for retry purposes (clientv3 retries it on Unavailable).
  grpc::Status last;
  for (;;) {
    const int i = PickReady(deadline);
    if (i < 0) return Status::Unavailable(last.ok() ? "context deadline exceeded" : GoErrorString(last));
    auto stub = etcdserverpb::Auth::NewStub(channels_[static_cast<size_t>(i)]);
    grpc::ClientContext ctx;
    ctx.set_deadline(deadline);
    last = stub->Authenticate(&ctx, req, &resp);
    if (last.ok()) break;
    if (options_.on_attempt_failed)
      options_.on_attempt_failed(endpoints_[static_cast<size_t>(i)].original, 0, last);
    if (last.error_message() == "etcdserver: authentication is not enabled") return Status::Ok();
    if (last.error_code() != grpc::StatusCode::UNAVAILABLE) {
      return Status::Unavailable(
          GoErrorString(last, last.error_code() == grpc::StatusCode::DEADLINE_EXCEEDED));
    }
    std::this_thread::sleep_for(std::chrono::milliseconds(25));
  }
  std::lock_guard<std::mutex> lock(mu_);
  token_ = resp.token();
  return Status::Ok();
}

}  // namespace cairn::client
