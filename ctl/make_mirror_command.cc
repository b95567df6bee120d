// etcdctl make-mirror (make_mirror_command.go + clientv3/mirror): copies the keys under
// --prefix at one revision to the destination, then applies every later change (one txn per
// source revision); prints the running total every 30 s; ends only on an error.
#include <atomic>
#include <cstdio>
#include <thread>

#include "ctl/commands.h"

namespace cairn::ctl {
namespace {

struct {
  std::string prefix, dest_prefix, cert, key, cacert, user, password;
  bool no_dest_prefix = false, insecure_transport = true;
} o;

void Define(FlagSet* fs) {
  fs->String("prefix", &o.prefix, "", "Key-value prefix to mirror");
  fs->String("dest-prefix", &o.dest_prefix, "",
             "destination prefix to mirror a prefix to a different prefix in the destination cluster");
  fs->Bool("no-dest-prefix", &o.no_dest_prefix, false,
           "mirror key-values to the root of the destination cluster");
  fs->String("dest-cert", &o.cert, "",
             "Identify secure client using this TLS certificate file for the destination cluster");
  fs->String("dest-key", &o.key, "", "Identify secure client using this TLS key file");
  fs->String("dest-cacert", &o.cacert, "",
             "Verify certificates of TLS enabled secure servers using this CA bundle");
  fs->Bool("dest-insecure-transport", &o.insecure_transport, true,
           "Disable transport security for client connections");
  fs->String("dest-user", &o.user, "",
             "Destination username[:password] for authentication (prompt if password is not supplied)");
  fs->String(
      "dest-password", &o.password, "",
      "Destination password for authentication (if this option is used, --user option shouldn't include "
      "password)");
}

std::string DestKey(const std::string& key) {  // strings.Replace(key, prefix, dest_prefix, 1)
  const size_t at = key.find(o.prefix);
  if (at == std::string::npos) return key;
  return key.substr(0, at) + o.dest_prefix + key.substr(at + o.prefix.size());
}

int Run(Context& ctx) {
  if (ctx.args.size() != 1) ExitWithError(kExitBadArgs, "make-mirror takes one destination argument");
  client::Options d = ctx.ClientOptions({ctx.args[0]});
  d.dial.tls = client::TlsFiles{o.cacert, o.cert, o.key, o.insecure_transport, false};
  d.user.clear();
  d.password.clear();
  if (!o.user.empty()) {
    const size_t colon = o.user.find(':');
    if (!o.password.empty()) {
      d.user = o.user, d.password = o.password;
    } else if (colon != std::string::npos) {
      d.user = o.user.substr(0, colon), d.password = o.user.substr(colon + 1);
    } else {
      d.user = o.user, d.password = AskPasswordPrompt("Destination Password: ");
    }
  }
  std::unique_ptr<client::Client> dest;
  if (Status s = client::Client::Open(d, &dest); !s.ok()) ExitWithError(kExitBadConnection, s.message());
  client::Client& src = ctx.Client();

  static std::atomic<int64_t> total{0};
  std::thread([] {
    for (;;) {
      std::this_thread::sleep_for(std::chrono::seconds(30));
      Out(std::to_string(total.load()) + "\n");
    }
  }).detach();

  // SyncBase: every key under the prefix at one revision, 1000 at a time.
  const std::string end = PrefixRangeEnd(o.prefix);
  etcdserverpb::RangeRequest get;
  get.set_key(o.prefix.empty() ? std::string("\0", 1) : o.prefix);
  get.set_range_end(end);
  get.set_limit(1000);
  get.set_serializable(true);
  if (o.no_dest_prefix && !o.dest_prefix.empty()) {
    ExitWithError(kExitBadArgs,
                  "`--dest-prefix` and `--no-dest-prefix` cannot be set at the same time, choose one");
  }
  if (!o.no_dest_prefix && o.dest_prefix.empty()) o.dest_prefix = o.prefix;
  int64_t rev = 0;
  for (;;) {
    const auto page =
        MustCall(ctx, &etcdserverpb::KV::Stub::Range, get, NoDeadline(), client::Idempotence::kImmutable);
    if (rev == 0) {
      rev = page.header().revision();
      get.set_revision(rev);
    }
    for (const auto& kv : page.kvs()) {
      etcdserverpb::PutRequest put;
      put.set_key(DestKey(kv.key()));
      put.set_value(kv.value());
      etcdserverpb::PutResponse ignored;
      if (Status s = dest->Unary(&etcdserverpb::KV::Stub::Put, put, &ignored, NoDeadline(),
                                 client::Idempotence::kMutable);
          !s.ok()) {
        ExitWithError(kExitError, s.message());
      }
      ++total;
    }
    if (!page.more() || page.kvs_size() == 0) break;
    get.set_key(page.kvs(page.kvs_size() - 1).key() + std::string("\0", 1));
  }

  // SyncUpdates: watch from rev+1; one destination txn per source revision.
  const int i = src.PickReady(NoDeadline());
  etcdserverpb::Watch::Stub stub(src.channel(static_cast<size_t>(i)));
  grpc::ClientContext wctx;
  src.Prepare(&wctx);
  auto stream = stub.Watch(&wctx);
  etcdserverpb::WatchRequest wreq;
  auto* create = wreq.mutable_create_request();
  create->set_key(o.prefix.empty() ? std::string("\0", 1) : o.prefix);
  create->set_range_end(end);
  create->set_start_revision(rev + 1);
  if (!stream->Write(wreq)) ExitWithError(kExitError, client::GoErrorString(stream->Finish()));
  etcdserverpb::WatchResponse wr;
  while (stream->Read(&wr)) {
    if (wr.compact_revision() != 0)
      ExitWithError(kExitError, "etcdserver: mvcc: required revision has been compacted");
    etcdserverpb::TxnRequest txn;
    int64_t last = 0;
    auto commit = [&] {
      if (txn.success_size() == 0) return;
      etcdserverpb::TxnResponse ignored;
      if (Status s = dest->Unary(&etcdserverpb::KV::Stub::Txn, txn, &ignored, NoDeadline(),
                                 client::Idempotence::kMutable);
          !s.ok()) {
        ExitWithError(kExitError, s.message());
      }
      txn.clear_success();
    };
    for (const auto& ev : wr.events()) {
      if (last != 0 && ev.kv().mod_revision() > last) commit();
      last = ev.kv().mod_revision();
      auto* op = txn.add_success();
      if (ev.type() == mvccpb::Event::PUT) {
        op->mutable_request_put()->set_key(DestKey(ev.kv().key()));
        op->mutable_request_put()->set_value(ev.kv().value());
      } else {
        op->mutable_request_delete_range()->set_key(DestKey(ev.kv().key()));
      }
      ++total;
    }
    commit();
  }
  ExitWithError(kExitError, client::GoErrorString(stream->Finish()));
}

}  // namespace

std::vector<Command> MakeMirrorCommands() {
  return {{"make-mirror", "make-mirror [options] <destination>",
           "Makes a mirror at the destination etcd cluster", Define, Run}};
}

}  // namespace cairn::ctl
