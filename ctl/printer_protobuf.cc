// etcdctl's pbPrinter (printer_protobuf.go): the response's protobuf bytes, no newline. The
// clientv3 lease structs have no Marshal: etcdctl refuses them with "marshal unsupported".
#include "ctl/exit.h"
#include "ctl/printer_impl.h"

namespace cairn::ctl {
namespace {

class ProtobufPrinter : public Printer {
 public:
  ProtobufPrinter() : Printer("protobuf") {}

  void Watch(const etcdserverpb::WatchResponse& r) override {
    // clientv3.WatchResponse carries no watch_id and always a header.
    etcdserverpb::WatchResponse w = r;
    w.set_watch_id(0);
    w.mutable_header();
    Rpc(w);
  }
  void Grant(const etcdserverpb::LeaseGrantResponse&) override { NoMarshal("v3.LeaseGrantResponse"); }
  void KeepAlive(const etcdserverpb::LeaseKeepAliveResponse&) override {
    NoMarshal("v3.LeaseKeepAliveResponse");
  }
  void TimeToLive(const etcdserverpb::LeaseTimeToLiveResponse&, bool) override {
    NoMarshal("*v3.LeaseTimeToLiveResponse");
  }
  void Leases(const etcdserverpb::LeaseLeasesResponse&) override { NoMarshal("*v3.LeaseLeasesResponse"); }

 protected:
  void Rpc(const google::protobuf::Message& m) override { Out(m.SerializeAsString()); }

 private:
  [[noreturn]] static void NoMarshal(const std::string& type) {
    ExitWithError(kExitBadFeature, "marshal unsupported for type " + type);
  }
};

}  // namespace

std::unique_ptr<Printer> NewProtobufPrinter() { return std::make_unique<ProtobufPrinter>(); }

}  // namespace cairn::ctl
