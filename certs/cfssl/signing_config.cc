#include "certs/cfssl/signing_config.h"

#include <openssl/obj_mac.h>

#include "certs/cfssl/json.h"
#include "certs/go_duration.h"
#include "certs/x509/cert_spec.h"

namespace cairn::certs::cfssl {
namespace {

constexpr int64_t kDefaultExpirySeconds = 8760LL * 3600;

Status ParseProfile(const json::Value& v, std::string_view name, SigningProfile* out) {
  const std::string where = "profile " + std::string(name);
  if (v.type != json::Value::Type::kObject) return Status::InvalidArgument(where + ": not a JSON object");
  SigningProfile p;
  if (const json::Value* usages = v.Find("usages");
      usages != nullptr && usages->type != json::Value::Type::kNull) {
    if (usages->type != json::Value::Type::kArray)
      return Status::InvalidArgument(where + ": usages is not a list");
    for (const json::Value& u : usages->array) {
      if (u.type != json::Value::Type::kString || !AddUsage(u.string, &p)) {
        return Status::InvalidArgument(
            where + ": unknown usage " +
            (u.type == json::Value::Type::kString ? json::Quote(u.string) : std::string(u.TypeName())));
      }
    }
  }
  const json::Value* expiry = v.Find("expiry");
  if (expiry == nullptr || expiry->type != json::Value::Type::kString || expiry->string.empty()) {
    return Status::InvalidArgument(where + ": empty expiry string");
  }
  CAIRN_RETURN_IF_ERROR(ParseGoDuration(expiry->string, &p.expiry_seconds));
  if (p.expiry_seconds <= 0) return Status::InvalidArgument(where + ": expiry must be positive");
  if (const json::Value* ca = v.Find("ca_constraint");
      ca != nullptr && ca->type == json::Value::Type::kObject) {
    if (const json::Value* is_ca = ca->Find("is_ca");
        is_ca != nullptr && is_ca->type == json::Value::Type::kBool) {
      p.is_ca = is_ca->boolean;
    }
    int max_path_len = 0;
    if (const json::Value* m = ca->Find("max_path_len");
        m != nullptr && m->type == json::Value::Type::kNumber) {
      max_path_len = static_cast<int>(m->number);
    }
    bool zero = false;
    if (const json::Value* z = ca->Find("max_path_len_zero");
        z != nullptr && z->type == json::Value::Type::kBool) {
      zero = z->boolean;
    }
    // Go: MaxPathLen > 0 is written; 0 only with MaxPathLenZero.
    if (p.is_ca && (max_path_len > 0 || zero)) p.max_path_len = max_path_len;
  }
  *out = std::move(p);
  return Status::Ok();
}

}  // namespace

bool AddUsage(std::string_view usage, SigningProfile* p) {
  static const struct {
    const char* word;
    uint32_t key_usage;
    int eku_nid;
  } kUsages[] = {
      {"signing", kDigitalSignature, NID_undef},
      {"digital signature", kDigitalSignature, NID_undef},
      {"content commitment", kContentCommitment, NID_undef},
      {"key encipherment", kKeyEncipherment, NID_undef},
      {"key agreement", kKeyAgreement, NID_undef},
      {"data encipherment", kDataEncipherment, NID_undef},
      {"cert sign", kCertSign, NID_undef},
      {"crl sign", kCrlSign, NID_undef},
      {"encipher only", kEncipherOnly, NID_undef},
      {"decipher only", kDecipherOnly, NID_undef},
      {"any", 0, NID_anyExtendedKeyUsage},
      {"server auth", 0, NID_server_auth},
      {"client auth", 0, NID_client_auth},
      {"code signing", 0, NID_code_sign},
      {"email protection", 0, NID_email_protect},
      {"s/mime", 0, NID_email_protect},
      {"ipsec end system", 0, NID_ipsecEndSystem},
      {"ipsec tunnel", 0, NID_ipsecTunnel},
      {"ipsec user", 0, NID_ipsecUser},
      {"timestamping", 0, NID_time_stamp},
      {"ocsp signing", 0, NID_OCSP_sign},
      {"microsoft sgc", 0, NID_ms_sgc},
      {"netscape sgc", 0, NID_ns_sgc},
  };
  for (const auto& u : kUsages) {
    if (usage != u.word) continue;
    p->key_usage |= u.key_usage;
    if (u.eku_nid != NID_undef) p->ext_key_usage.push_back(u.eku_nid);
    return true;
  }
  return false;
}

SigningConfig DefaultSigningConfig() {
  SigningConfig c;
  for (const char* u : {"signing", "key encipherment", "server auth", "client auth"})
    AddUsage(u, &c.default_profile);
  c.default_profile.expiry_seconds = kDefaultExpirySeconds;
  return c;
}

Status SigningConfig::Profile(std::string_view name, const SigningProfile** out) const {
  if (name.empty()) {
    *out = &default_profile;
    return Status::Ok();
  }
  auto it = profiles.find(std::string(name));
  if (it == profiles.end()) return Status::InvalidArgument("unknown profile \"" + std::string(name) + "\"");
  *out = &it->second;
  return Status::Ok();
}

Status ParseSigningConfig(std::string_view json_text, SigningConfig* out) {
  json::Value doc;
  CAIRN_RETURN_IF_ERROR(json::Parse(json_text, &doc));
  SigningConfig c = DefaultSigningConfig();
  const json::Value* signing = doc.type == json::Value::Type::kObject ? doc.Find("signing") : nullptr;
  if (signing == nullptr || signing->type != json::Value::Type::kObject) {
    return Status::InvalidArgument("no \"signing\" object");
  }
  if (const json::Value* d = signing->Find("default"); d != nullptr && d->type != json::Value::Type::kNull) {
    CAIRN_RETURN_IF_ERROR(ParseProfile(*d, "default", &c.default_profile));
  }
  if (const json::Value* ps = signing->Find("profiles");
      ps != nullptr && ps->type != json::Value::Type::kNull) {
    if (ps->type != json::Value::Type::kObject)
      return Status::InvalidArgument("\"profiles\" is not a JSON object");
    for (const auto& [name, v] : ps->object) {
      CAIRN_RETURN_IF_ERROR(ParseProfile(v, name, &c.profiles[name]));
    }
  }
  *out = std::move(c);
  return Status::Ok();
}

}  // namespace cairn::certs::cfssl
