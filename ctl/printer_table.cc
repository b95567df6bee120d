// etcdctl's tablePrinter (printer_table.go): member list and the endpoint commands only.
#include "ctl/printer_impl.h"
#include "ctl/table.h"

namespace cairn::ctl {
namespace {

class TablePrinter : public Printer {
 public:
  TablePrinter() : Printer("table") {}

  void MemberList(const etcdserverpb::MemberListResponse& r) override {
    std::vector<std::string> hdr;
    std::vector<std::vector<std::string>> rows;
    MemberListTable(r, &hdr, &rows);
    Out(RenderTable(hdr, rows));
  }
  void EndpointHealth(const std::vector<EpHealth>& hs) override {
    std::vector<std::string> hdr;
    std::vector<std::vector<std::string>> rows;
    EndpointHealthTable(hs, &hdr, &rows);
    Out(RenderTable(hdr, rows));
  }
  void EndpointStatus(const std::vector<EpStatus>& ss) override {
    std::vector<std::string> hdr;
    std::vector<std::vector<std::string>> rows;
    EndpointStatusTable(ss, &hdr, &rows);
    Out(RenderTable(hdr, rows));
  }
  void EndpointHashKV(const std::vector<EpHashKV>& hs) override {
    std::vector<std::string> hdr;
    std::vector<std::vector<std::string>> rows;
    EndpointHashKVTable(hs, &hdr, &rows);
    Out(RenderTable(hdr, rows));
  }
};

}  // namespace

std::unique_ptr<Printer> NewTablePrinter() { return std::make_unique<TablePrinter>(); }

}  // namespace cairn::ctl
