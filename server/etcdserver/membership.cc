#include "server/etcdserver/membership.h"

#include <yaml-cpp/yaml.h>

#include <algorithm>
#include <cstdio>

namespace cairn::etcdserver {
namespace {

// Go encoding/json string escaping (HTML-safe, as json.Marshal does).
void AppendJsonString(std::string* out, std::string_view s) {
  out->push_back('"');
  for (unsigned char c : s) {
    switch (c) {
      case '"': out->append("\\\""); break;
      case '\\': out->append("\\\\"); break;
      case '\n': out->append("\\n"); break;
      case '\r': out->append("\\r"); break;
      case '\t': out->append("\\t"); break;
      default:
        if (c < 0x20 || c == '<' || c == '>' || c == '&') {
          char buf[8];
          std::snprintf(buf, sizeof(buf), "\\u%04x", c);
          out->append(buf);
        } else {
          out->push_back(static_cast<char>(c));
        }
    }
  }
  out->push_back('"');
}

void AppendJsonStrings(std::string* out, const std::vector<std::string>& v) {
  out->push_back('[');
  for (size_t i = 0; i < v.size(); ++i) {
    if (i > 0) out->push_back(',');
    AppendJsonString(out, v[i]);
  }
  out->push_back(']');
}

std::string BigEndian64(uint64_t v) {
  std::string b(8, '\0');
  for (int i = 7; i >= 0; --i, v >>= 8) b[i] = static_cast<char>(v & 0xff);
  return b;
}

}  // namespace

std::string MemberIdHex(uint64_t id) {
  char buf[24];
  std::snprintf(buf, sizeof(buf), "%llx", static_cast<unsigned long long>(id));
  return buf;
}

std::string EncodeMemberJson(const Member& m) {
  std::string out = "{\"id\":" + std::to_string(m.id) + ",\"peerURLs\":";
  if (m.peer_urls.empty()) {
    out.append("null");  // a nil Go slice
  } else {
    AppendJsonStrings(&out, m.peer_urls);
  }
  if (m.is_learner) out.append(",\"isLearner\":true");
  if (!m.name.empty()) {
    out.append(",\"name\":");
    AppendJsonString(&out, m.name);
  }
  if (!m.client_urls.empty()) {
    out.append(",\"clientURLs\":");
    AppendJsonStrings(&out, m.client_urls);
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

Status Membership::Load(backend::Backend* b) {
  backend::BatchTx* tx = b->batch_tx();
  std::map<uint64_t, Member> members;
  std::set<uint64_t> removed;
  uint64_t cluster_id = 0;
  {
    backend::BatchTxLock lock(tx);
    tx->UnsafeCreateBucket(kMembersBucket);
    tx->UnsafeCreateBucket(kMembersRemovedBucket);
    tx->UnsafeCreateBucket(backend::kMetaBucket);
    Status bad = Status::Ok();
    tx->UnsafeForEach(kMembersBucket, [&](std::string_view k, std::string_view v) {
      Member m;
      if (!DecodeMemberJson(v, &m)) {
        if (bad.ok()) bad = Status::Corruption("members/" + std::string(k) + ": malformed member JSON");
        return true;
      }
      members[m.id] = std::move(m);
      return true;
    });
    CAIRN_RETURN_IF_ERROR(bad);
    tx->UnsafeForEach(kMembersRemovedBucket, [&](std::string_view k, std::string_view) {
      removed.insert(std::strtoull(std::string(k).c_str(), nullptr, 16));
      return true;
    });
    std::string_view v;
    if (tx->UnsafeGet(backend::kMetaBucket, kClusterIdKey, &v) && v.size() == 8) {
      for (char c : v) cluster_id = (cluster_id << 8) | static_cast<uint8_t>(c);
    }
  }
  std::lock_guard<std::mutex> lock(mu_);
  members_ = std::move(members);
  removed_ = std::move(removed);
  cluster_id_ = cluster_id;
  return Status::Ok();
}

void Membership::UnsafeSave(backend::BatchTx* tx, const Member& m) {
  tx->UnsafePut(kMembersBucket, MemberIdHex(m.id), EncodeMemberJson(m));
  std::lock_guard<std::mutex> lock(mu_);
  members_[m.id] = m;
}

void Membership::UnsafeRemove(backend::BatchTx* tx, uint64_t id) {
  tx->UnsafeDelete(kMembersBucket, MemberIdHex(id));
  tx->UnsafePut(kMembersRemovedBucket, MemberIdHex(id), "removed");
  std::lock_guard<std::mutex> lock(mu_);
  members_.erase(id);
  removed_.insert(id);
}

void Membership::UnsafeSetClusterId(backend::BatchTx* tx, uint64_t cluster_id) {
  tx->UnsafePut(backend::kMetaBucket, kClusterIdKey, BigEndian64(cluster_id));
  std::lock_guard<std::mutex> lock(mu_);
  cluster_id_ = cluster_id;
}

std::vector<Member> Membership::List() const {
  std::lock_guard<std::mutex> lock(mu_);
  std::vector<Member> out;
  for (const auto& [id, m] : members_) out.push_back(m);
  return out;
}

bool Membership::Get(uint64_t id, Member* out) const {
  std::lock_guard<std::mutex> lock(mu_);
  auto it = members_.find(id);
  if (it == members_.end()) return false;
  *out = it->second;
  return true;
}

bool Membership::Contains(uint64_t id) const {
  std::lock_guard<std::mutex> lock(mu_);
  return members_.count(id) > 0;
}

bool Membership::IsRemoved(uint64_t id) const {
  std::lock_guard<std::mutex> lock(mu_);
  return removed_.count(id) > 0;
}

uint64_t Membership::cluster_id() const {
  std::lock_guard<std::mutex> lock(mu_);
  return cluster_id_;
}

raft::ConfState Membership::ConfState() const {
  std::lock_guard<std::mutex> lock(mu_);
  raft::ConfState cs;
  for (const auto& [id, m] : members_) (m.is_learner ? cs.learners : cs.voters).push_back(id);
  return cs;
}

}  // namespace cairn::etcdserver
