#include "certs/cfssl/csr_request.h"

#include <cmath>

#include "certs/cfssl/json.h"

namespace cairn::certs::cfssl {
namespace {

Status TypeError(const json::Value& v, std::string_view field, const char* want) {
  return Status::InvalidArgument("json: cannot unmarshal " + std::string(v.TypeName()) + " into field " +
                                 std::string(field) + " of type " + want);
}

Status GetString(const json::Value& obj, std::string_view key, std::string* out) {
  const json::Value* v = obj.Find(key);
  if (v == nullptr || v->type == json::Value::Type::kNull) return Status::Ok();
  if (v->type != json::Value::Type::kString) return TypeError(*v, key, "string");
  *out = v->string;
  return Status::Ok();
}

Status GetInt(const json::Value& obj, std::string_view key, int* out) {
  const json::Value* v = obj.Find(key);
  if (v == nullptr || v->type == json::Value::Type::kNull) return Status::Ok();
  if (v->type != json::Value::Type::kNumber || v->number != std::floor(v->number) ||
      std::fabs(v->number) > 1e9) {
    return TypeError(*v, key, "int");
  }
  *out = static_cast<int>(v->number);
  return Status::Ok();
}

}  // namespace

Status ParseCsrRequest(std::string_view json_text, CsrRequest* out) {
  json::Value doc;
  CAIRN_RETURN_IF_ERROR(json::Parse(json_text, &doc));
  if (doc.type != json::Value::Type::kObject) return TypeError(doc, "request", "csr.CertificateRequest");
  CsrRequest req;
  CAIRN_RETURN_IF_ERROR(GetString(doc, "CN", &req.name.common_name));
  if (const json::Value* hosts = doc.Find("hosts");
      hosts != nullptr && hosts->type != json::Value::Type::kNull) {
    if (hosts->type != json::Value::Type::kArray) return TypeError(*hosts, "hosts", "[]string");
    for (const json::Value& h : hosts->array) {
      if (h.type != json::Value::Type::kString) return TypeError(h, "hosts", "string");
      req.hosts.push_back(h.string);
    }
  }
  if (const json::Value* names = doc.Find("names");
      names != nullptr && names->type != json::Value::Type::kNull) {
    if (names->type != json::Value::Type::kArray) return TypeError(*names, "names", "[]csr.Name");
    for (const json::Value& n : names->array) {
      if (n.type != json::Value::Type::kObject) return TypeError(n, "names", "csr.Name");
      std::string c, st, l, o, ou;
      CAIRN_RETURN_IF_ERROR(GetString(n, "C", &c));
      CAIRN_RETURN_IF_ERROR(GetString(n, "ST", &st));
      CAIRN_RETURN_IF_ERROR(GetString(n, "L", &l));
      CAIRN_RETURN_IF_ERROR(GetString(n, "O", &o));
      CAIRN_RETURN_IF_ERROR(GetString(n, "OU", &ou));
      // cfssl's appendIf: empty values are not added.
      if (!c.empty()) req.name.country.push_back(c);
      if (!st.empty()) req.name.province.push_back(st);
      if (!l.empty()) req.name.locality.push_back(l);
      if (!o.empty()) req.name.organization.push_back(o);
      if (!ou.empty()) req.name.organizational_unit.push_back(ou);
    }
  }
  if (const json::Value* key = doc.Find("key"); key != nullptr && key->type != json::Value::Type::kNull) {
    if (key->type != json::Value::Type::kObject) return TypeError(*key, "key", "csr.BasicKeyRequest");
    std::string algo = "ecdsa";
    int size = 256;
    CAIRN_RETURN_IF_ERROR(GetString(*key, "algo", &algo));
    CAIRN_RETURN_IF_ERROR(GetInt(*key, "size", &size));
    CAIRN_RETURN_IF_ERROR(CfsslKeyAlgorithm(algo, size, &req.key));
  }
  if (const json::Value* ca = doc.Find("ca"); ca != nullptr && ca->type != json::Value::Type::kNull) {
    if (ca->type != json::Value::Type::kObject) return TypeError(*ca, "ca", "csr.CAConfig");
    req.has_ca = true;
    CAIRN_RETURN_IF_ERROR(GetString(*ca, "expiry", &req.ca.expiry));
    CAIRN_RETURN_IF_ERROR(GetInt(*ca, "pathlen", &req.ca.path_len));
    if (const json::Value* z = ca->Find("pathlenzero"); z != nullptr && z->type == json::Value::Type::kBool) {
      req.ca.path_len_zero = z->boolean;
    }
  }
  *out = std::move(req);
  return Status::Ok();
}

std::vector<std::string> SplitHosts(std::string_view hostname_flag) {
  std::vector<std::string> hosts;
  if (hostname_flag.empty()) return hosts;
  size_t start = 0;
  while (true) {
    const size_t comma = hostname_flag.find(',', start);
    hosts.emplace_back(hostname_flag.substr(start, comma == std::string_view::npos ? comma : comma - start));
    if (comma == std::string_view::npos) break;
    start = comma + 1;
  }
  return hosts;
}

}  // namespace cairn::certs::cfssl
