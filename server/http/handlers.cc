#include "server/http/handlers.h"

#include <algorithm>
#include <memory>

#include "server/version.h"

namespace cairn::http {

namespace {

// etcd's allowMethod: anything but `method` is 405 with an Allow header.
bool AllowMethod(const Request& request, Response* response, const char* method) {
  if (request.method == method) return true;
  response->SetHeader("Allow", method);
  response->SetError(405, "Method Not Allowed");
  return false;
}

}  // namespace

std::string GoJsonString(std::string_view s) {
  static constexpr char kHex[] = "0123456789abcdef";
  std::string out = "\"";
  for (unsigned char c : s) {
    switch (c) {
      case '"': out += "\\\""; break;
      case '\\': out += "\\\\"; break;
      case '\n': out += "\\n"; break;
      case '\r': out += "\\r"; break;
      case '\t': out += "\\t"; break;
      case '<':
      case '>':
      case '&':
        out += "\\u00";
        out += kHex[c >> 4];
        out += kHex[c & 0xF];
        break;
      default:
        if (c < 0x20) {
          out += "\\u00";
          out += kHex[c >> 4];
          out += kHex[c & 0xF];
        } else {
          out += static_cast<char>(c);
        }
    }
  }
  return out + "\"";
}

Handler VersionHandler(std::function<std::string()> cluster_version) {
  return [cluster_version = std::move(cluster_version)](const Request& request, Response* response) {
    if (!AllowMethod(request, response, "GET")) return;
    // etcd's version.Versions{Server, Cluster}; the server version is the etcd API version
    // Cairn reports (DESIGN.md §1).
    response->SetHeader("Content-Type", "application/json");
    response->body = "{\"etcdserver\":" + GoJsonString(kEtcdServerVersion) +
                     ",\"etcdcluster\":" + GoJsonString(cluster_version()) + "}";
  };
}

Handler MetricsHandler(std::function<std::string()> render) {
  return [render = std::move(render)](const Request&, Response* response) {
    response->SetHeader("Content-Type", "text/plain; version=0.0.4; charset=utf-8");
    response->body = render();
  };
}

Handler HealthHandler(std::function<HealthStatus(const HealthQuery&)> check) {
  return [check = std::move(check)](const Request& request, Response* response) {
    if (!AllowMethod(request, response, "GET")) return;
    HealthQuery query;
    query.excluded_alarms = request.QueryValues("exclude");
    query.serializable = request.QueryValue("serializable") == "true";
    HealthStatus status = check(query);
    std::string json = "{\"health\":" + GoJsonString(status.healthy ? "true" : "false") +
                       ",\"reason\":" + GoJsonString(status.reason) + "}";
    if (!status.healthy) {
      response->SetError(503, json);
      return;
    }
    response->body = json;
  };
}

void InstallProbe(Mux* mux, const std::string& path, std::vector<NamedCheck> checks) {
  auto shared = std::make_shared<const std::vector<NamedCheck>>(std::move(checks));
  auto run = [shared](const Request& request, Response* response, const std::string* only) {
    if (!AllowMethod(request, response, "GET")) return;
    std::vector<std::string> excluded = request.QueryValues("exclude");
    std::string output;
    bool failed = false;
    for (const NamedCheck& c : *shared) {
      if (only != nullptr && c.name != *only) continue;
      if (only == nullptr && std::find(excluded.begin(), excluded.end(), c.name) != excluded.end()) {
        output += "[+]" + c.name + " excluded: ok\n";
        continue;
      }
      Status st = c.check();
      if (st.ok()) {
        output += "[+]" + c.name + " ok\n";
      } else {
        output += "[-]" + c.name + " failed: " + st.message() + "\n";
        failed = true;
      }
    }
    if (failed) {
      response->SetError(503, output);
      return;
    }
    response->SetHeader("Content-Type", "text/plain; charset=utf-8");
    response->SetHeader("X-Content-Type-Options", "nosniff");
    response->body = (request.HasQuery("verbose") ? output : std::string()) + "ok\n";
  };
  mux->Handle(path, [run](const Request& r, Response* w) { run(r, w, nullptr); });
  for (const NamedCheck& c : *shared) {
    std::string name = c.name;
    mux->Handle(std::string(path).append("/").append(name),
                [run, name](const Request& r, Response* w) { run(r, w, &name); });
  }
}

Handler ClientAccessController(std::shared_ptr<const Mux> mux, std::vector<std::string> allowed_origins) {
  const bool all = allowed_origins.empty() ||
                   std::find(allowed_origins.begin(), allowed_origins.end(), "*") != allowed_origins.end();
  return [mux = std::move(mux), all, origins = std::move(allowed_origins)](const Request& request,
                                                                           Response* response) {
    auto add_cors = [response](std::string_view origin) {
      response->SetHeader("Access-Control-Allow-Methods", "POST, GET, OPTIONS, PUT, DELETE");
      response->SetHeader("Access-Control-Allow-Origin", origin);
      response->SetHeader("Access-Control-Allow-Headers", "accept, content-type, authorization");
    };
    if (all) {
      add_cors("*");
    } else if (std::string_view origin = request.Header("origin");
               !origin.empty() && std::find(origins.begin(), origins.end(), origin) != origins.end()) {
      add_cors(origin);
    }
    if (request.method == "OPTIONS") return;  // 200, empty body
    if (request.path.rfind("/v3beta/", 0) == 0) {
      Request rewritten = request;
      rewritten.path = "/v3/" + request.path.substr(8);
      mux->Serve(rewritten, response);
      return;
    }
    mux->Serve(request, response);
  };
}

}  // namespace cairn::http
