// The HTTP endpoints a Cairn member serves beside gRPC, wired to the server core:
//   /health   etcd's check: alarms (minus ?exclude=), leader, then a linearizable (or
//             ?serializable=true) range of key "health"; counts etcd_server_health_success/failures
//   /livez    serializable_read;  /readyz  serializable_read, data_corruption, linearizable_read
//   /metrics  the default registry, gauges refreshed from the server at scrape time
//   /version and the /v3/ JSON gateway when `with_client_api` (client listeners, not metrics ones)
#pragma once

#include "server/etcdserver/server.h"
#include "server/http/handlers.h"
#include "server/http/mux.h"

namespace cairn::api {

http::HealthStatus CheckHealth(etcdserver::EtcdServer* server, const http::HealthQuery& q);

void InstallHttpEndpoints(http::Mux* mux, etcdserver::EtcdServer* server, bool with_client_api);

}  // namespace cairn::api
