// etcd's storage-independent HTTP endpoints, each behind a callback the server core supplies:
//   /version            {"etcdserver":"3.5.17","etcdcluster":"3.5.0"}   (GET only, application/json)
//   /metrics            Prometheus text format 0.0.4
//   /health             {"health":"true","reason":""}; 503 with http.Error when unhealthy;
//                       ?exclude=NOSPACE (repeatable) and ?serializable=true go to the callback
//   /livez, /readyz     "ok\n" or 503 "[-]<check> failed: <why>\n..."; ?verbose lists each check,
//                       ?exclude=<check> skips one; /livez/<check> runs one check (etcd 3.5.11+)
//
// Thread-safety: the returned handlers are as thread-safe as the callbacks given.
#pragma once

#include <functional>
#include <memory>
#include <string>
#include <vector>

#include "base/status.h"
#include "server/http/mux.h"

namespace cairn::http {

// Handler for /version. `cluster_version` returns "3.5.0" or, before the cluster agreed on one,
// "not_decided" (etcd's placeholder).
Handler VersionHandler(std::function<std::string()> cluster_version);

// Handler for /metrics; `render` returns the exposition text.
Handler MetricsHandler(std::function<std::string()> render);

struct HealthQuery {
  std::vector<std::string> excluded_alarms;  // ?exclude=NOSPACE&exclude=CORRUPT
  bool serializable = false;                 // ?serializable=true: no linearizable read
};

struct HealthStatus {
  bool healthy = true;
  std::string reason;  // etcd's reasons: "ALARM NOSPACE", "RAFT NO LEADER", ...
};

// Handler for /health.
Handler HealthHandler(std::function<HealthStatus(const HealthQuery&)> check);

struct NamedCheck {
  std::string name;               // "serializable_read"
  std::function<Status()> check;  // ok = passing; the message is printed after "failed: "
};

// Installs `path` (e.g. "/livez") running every check, and `path`/<name> for each check alone.
void InstallProbe(Mux* mux, const std::string& path, std::vector<NamedCheck> checks);

// etcd's accessController in front of the client listeners' mux (embed/serve.go): "/v3beta/"
// paths are served as "/v3/", CORS headers are added (--cors defaults to "*": every origin), and
// OPTIONS requests are answered 200 without reaching the mux. `allowed_origins` empty or
// containing "*" allows all; otherwise only a listed Origin header gets CORS headers.
Handler ClientAccessController(std::shared_ptr<const Mux> mux,
                               std::vector<std::string> allowed_origins = {"*"});

// Go's json.Marshal of a string (HTML characters escaped as \u003c etc.).
std::string GoJsonString(std::string_view s);

}  // namespace cairn::http
