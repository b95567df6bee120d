#include "server/api/http_endpoints.h"

#include "server/api/gateway.h"
#include "server/etcdserver/errors.h"
#include "server/metrics/etcd_metrics.h"
#include "server/version.h"

namespace cairn::api {
namespace {

// etcd's health read of key "health" (linearizable unless serializable). With auth on the probe
// has no credentials: etcd 3.5 counts "user name is empty" and "permission denied" as healthy (the
// read path answered).
Status HealthRange(etcdserver::EtcdServer* server, bool serializable) {
  etcdserverpb::RangeRequest r;
  r.set_key("health");
  r.set_serializable(serializable);
  etcdserverpb::RangeResponse resp;
  Status st = server->Range(r, &resp);
  if (st.message() == etcdserver::kErrUserEmpty || st.message() == etcdserver::kErrPermissionDenied) {
    return Status::Ok();
  }
  return st;
}

}  // namespace

http::HealthStatus CheckHealth(etcdserver::EtcdServer* server, const http::HealthQuery& q) {
  http::HealthStatus h;
  for (etcdserverpb::AlarmType a : server->ActiveAlarms()) {
    std::string name = etcdserverpb::AlarmType_Name(a);
    bool excluded = false;
    for (const std::string& e : q.excluded_alarms) excluded |= (e == name);
    if (!excluded) {
      h.healthy = false;
      h.reason = "ALARM " + name;
      break;
    }
  }
  if (h.healthy && !server->HasLeader()) {
    h.healthy = false;
    h.reason = "RAFT NO LEADER";
  }
  if (h.healthy) {
    // etcd reads key "health" (linearizable unless ?serializable=true).
    Status st = HealthRange(server, q.serializable);
    if (!st.ok()) {
      h.healthy = false;
      h.reason = "RANGE ERROR";
    }
  }
  if (h.healthy) {
    metrics::Etcd().health_success.Inc();
  } else {
    metrics::Etcd().health_failures.Inc();
  }
  return h;
}

void InstallHttpEndpoints(http::Mux* mux, etcdserver::EtcdServer* server, bool with_client_api) {
  if (with_client_api) {
    mux->Handle("/version", http::VersionHandler([] { return std::string(kEtcdClusterVersion); }));
    InstallGateway(mux, server);
  }
  mux->Handle(
      "/metrics", http::MetricsHandler([server] {
        metrics::EtcdMetrics& m = metrics::Etcd();
        m.db_total_size_in_bytes.Set(static_cast<double>(server->kv()->backend()->size_bytes()));
        m.debugging_db_total_size_in_bytes.Set(static_cast<double>(server->kv()->backend()->size_bytes()));
        m.db_total_size_in_use_in_bytes.Set(
            static_cast<double>(server->kv()->backend()->size_in_use_bytes()));
        m.current_revision.Set(static_cast<double>(server->kv()->current_revision()));
        m.compact_revision.Set(static_cast<double>(server->kv()->compact_revision()));
        m.has_leader.Set(server->HasLeader() ? 1 : 0);
        m.is_leader.Set(server->IsLeader() ? 1 : 0);
        m.is_learner.Set(server->IsLearner() ? 1 : 0);
        m.proposals_committed_total.Set(static_cast<double>(server->log()->committed_index()));
        m.proposals_applied_total.Set(static_cast<double>(server->log()->applied_index()));
        return metrics::DefaultRegistry().Render();
      }));
  mux->Handle("/health",
              http::HealthHandler([server](const http::HealthQuery& q) { return CheckHealth(server, q); }));
  auto checks = [server] {
    return std::vector<http::NamedCheck>{
        {"serializable_read", [server] { return HealthRange(server, true); }},
    };
  };
  http::InstallProbe(mux, "/livez", checks());
  auto ready = checks();
  ready.push_back({"data_corruption", [server] {
                     for (etcdserverpb::AlarmType a : server->ActiveAlarms()) {
                       if (a == etcdserverpb::CORRUPT) return Status::Unavailable("alarm activated: CORRUPT");
                     }
                     return Status::Ok();
                   }});
  ready.push_back({"linearizable_read", [server] { return server->LinearizableReadNotify(); }});
  http::InstallProbe(mux, "/readyz", ready);
}

}  // namespace cairn::api
