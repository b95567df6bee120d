#include "server/etcdserver/member.h"

#include <yaml-cpp/yaml.h>

#include "server/etcdserver/go_json.h"

namespace cairn::etcdserver {

std::string EncodeMemberJson(const Member& m) {
  std::string out = "{\"id\":" + std::to_string(m.id) + ",\"peerURLs\":";
  if (m.peer_urls.empty()) {
    out.append("null");  // a nil Go slice
  } else {
    AppendGoJsonStrings(&out, m.peer_urls);
  }
  if (m.is_learner) out.append(",\"isLearner\":true");
  if (!m.name.empty()) {
    out.append(",\"name\":");
    AppendGoJsonString(&out, m.name);
  }
  if (!m.client_urls.empty()) {
    out.append(",\"clientURLs\":");
    AppendGoJsonStrings(&out, m.client_urls);
  }
  out.push_back('}');
  return out;
}

bool DecodeMemberJson(std::string_view json, Member* out) {
  try {
    YAML::Node n = YAML::Load(std::string(json));
    if (!n.IsMap() || !n["id"]) return false;
    Member m;
    m.id = n["id"].as<uint64_t>();
    if (n["peerURLs"] && n["peerURLs"].IsSequence()) {
      for (const auto& u : n["peerURLs"]) m.peer_urls.push_back(u.as<std::string>());
    }
    if (n["clientURLs"] && n["clientURLs"].IsSequence()) {
      for (const auto& u : n["clientURLs"]) m.client_urls.push_back(u.as<std::string>());
    }
    if (n["name"]) m.name = n["name"].as<std::string>();
    if (n["isLearner"]) m.is_learner = n["isLearner"].as<bool>();
    *out = std::move(m);
    return true;
  } catch (const YAML::Exception&) {
    return false;
  }
}

}  // namespace cairn::etcdserver
