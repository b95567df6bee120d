#include "certs/cfssl/signer.h"

#include "certs/cfssl/json.h"
#include "certs/go_duration.h"
#include "certs/x509/cert_spec.h"
#include "certs/x509/issue.h"
#include "certs/x509/key.h"
#include "certs/x509/name.h"

namespace cairn::certs::cfssl {
namespace {

constexpr int64_t kInitCaExpirySeconds = 43800LL * 3600;
constexpr int kSerialBits = 159;

Status HostsToSans(const std::vector<std::string>& hosts, SubjectAltNames* sans) {
  for (const std::string& h : hosts) {
    std::string ip;
    if (ParseIp(h, &ip)) {
      sans->ips.push_back(ip);
    } else if (h.find('@') != std::string::npos) {
      return Status::InvalidArgument("host \"" + h + "\": e-mail SANs are not supported");
    } else {
      sans->dns_names.push_back(h);
    }
  }
  return Status::Ok();
}

// Steps shared by both modes: key, CSR, and the spec's subject, SANs, serial and times.
Status Prepare(const CsrRequest& req, std::time_t now, int64_t expiry_seconds, KeyPtr* key, CsrPtr* csr,
               CertSpec* spec) {
  CAIRN_RETURN_IF_ERROR(GenerateKey(req.key, key));
  CAIRN_RETURN_IF_ERROR(BuildName(req.name, &spec->subject));
  CAIRN_RETURN_IF_ERROR(HostsToSans(req.hosts, &spec->sans));
  CAIRN_RETURN_IF_ERROR(BuildCsr(spec->subject.get(), spec->sans, key->get(), DigestRule::kCfssl, csr));
  spec->serial = RandomSerial(kSerialBits);
  spec->not_before = CfsslNotBefore(now);
  spec->not_after = spec->not_before + static_cast<std::time_t>(expiry_seconds);
  spec->subject_key_id = true;
  spec->digest_rule = DigestRule::kCfssl;
  return Status::Ok();
}

}  // namespace

std::time_t CfsslNotBefore(std::time_t now) {
  const std::time_t rounded = (now + 30) / 60 * 60;  // Go's Round(time.Minute): halves round up
  return rounded - 5LL * 60;
}

Status InitCa(const CsrRequest& req, std::time_t now, GencertOutput* out) {
  int64_t expiry = kInitCaExpirySeconds;
  if (req.has_ca && !req.ca.expiry.empty()) {
    CAIRN_RETURN_IF_ERROR(ParseGoDuration(req.ca.expiry, &expiry));
    if (expiry <= 0) return Status::InvalidArgument("ca.expiry must be positive");
  }
  KeyPtr key;
  CsrPtr csr;
  CertSpec spec;
  CAIRN_RETURN_IF_ERROR(Prepare(req, now, expiry, &key, &csr, &spec));
  spec.key_usage = kCertSign | kCrlSign;
  spec.is_ca = true;
  if (req.has_ca && (req.ca.path_len > 0 || req.ca.path_len_zero)) spec.max_path_len = req.ca.path_len;
  CertPtr cert;
  CAIRN_RETURN_IF_ERROR(IssueCertificate(spec, key.get(), nullptr, nullptr, &cert));
  *out = {CertificatePem(cert.get()), CsrPem(csr.get()), PrivateKeyPem(key.get())};
  return Status::Ok();
}

Status SignWithCa(const CsrRequest& req, X509* ca, EVP_PKEY* ca_key, const SigningProfile& profile,
                  std::time_t now, GencertOutput* out) {
  if (profile.key_usage == 0 && profile.ext_key_usage.empty()) {
    return Status::InvalidArgument("Invalid policy: no key usage available");
  }
  KeyPtr key;
  CsrPtr csr;
  CertSpec spec;
  CAIRN_RETURN_IF_ERROR(Prepare(req, now, profile.expiry_seconds, &key, &csr, &spec));
  spec.key_usage = profile.key_usage;
  spec.ext_key_usage = profile.ext_key_usage;
  spec.is_ca = profile.is_ca;
  spec.max_path_len = profile.max_path_len;
  // cfssl's local signer drops DNS (and e-mail) SANs from a CA it signs; IP SANs stay.
  if (spec.is_ca) spec.sans.dns_names.clear();
  CertPtr cert;
  CAIRN_RETURN_IF_ERROR(IssueCertificate(spec, key.get(), ca, ca_key, &cert));
  *out = {CertificatePem(cert.get()), CsrPem(csr.get()), PrivateKeyPem(key.get())};
  return Status::Ok();
}

Status KeyAndCsr(const CsrRequest& req, GencertOutput* out) {
  KeyPtr key;
  CsrPtr csr;
  CertSpec spec;
  CAIRN_RETURN_IF_ERROR(Prepare(req, 0, 0, &key, &csr, &spec));
  *out = {"", CsrPem(csr.get()), PrivateKeyPem(key.get())};
  return Status::Ok();
}

std::string GencertJson(const GencertOutput& out) {
  std::string json = "{";
  if (!out.cert_pem.empty()) json += "\"cert\":" + json::Quote(out.cert_pem) + ",";
  return json + "\"csr\":" + json::Quote(out.csr_pem) + ",\"key\":" + json::Quote(out.key_pem) + "}\n";
}

}  // namespace cairn::certs::cfssl
