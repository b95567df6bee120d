#include "certs/kubeadm/pki_files.h"

#include "certs/x509/cert_info.h"
#include "certs/x509/issue.h"
#include "certs/x509/key.h"
#include "certs/x509/pem_file.h"

namespace cairn::certs::kubeadm {

std::string CertPath(const std::string& pki_dir, const KubeadmCert& cert) {
  return pki_dir + "/" + cert.base_name + ".crt";
}

std::string KeyPath(const std::string& pki_dir, const KubeadmCert& cert) {
  return pki_dir + "/" + cert.base_name + ".key";
}

Status LoadCert(const std::string& path, CertPtr* out) {
  std::string pem;
  CAIRN_RETURN_IF_ERROR(ReadWholeFile(path, &pem));
  return ParseCertificatePem(pem, path, out);
}

Status LoadKey(const std::string& path, KeyPtr* out) {
  std::string pem;
  CAIRN_RETURN_IF_ERROR(ReadWholeFile(path, &pem));
  return ParsePrivateKeyPem(pem, path, out);
}

Status WritePair(const std::string& pki_dir, const KubeadmCert& cert, X509* x509, EVP_PKEY* key) {
  CAIRN_RETURN_IF_ERROR(WriteFileAtomically(KeyPath(pki_dir, cert), PrivateKeyPem(key), kKeyFileMode));
  return WriteFileAtomically(CertPath(pki_dir, cert), CertificatePem(x509), kCertFileMode);
}

Status LoadCa(const std::string& pki_dir, LoadedCa* out) {
  const std::string cert_path = CertPath(pki_dir, EtcdCa());
  const std::string key_path = KeyPath(pki_dir, EtcdCa());
  if (Status st = LoadCert(cert_path, &out->cert); !st.ok()) {
    if (st.IsNotFound() && FileExists(key_path)) {
      return Status::InvalidArgument(key_path + " exists but " + cert_path + " does not");
    }
    return st;
  }
  if (!ReadCertInfo(out->cert.get()).is_ca)
    return Status::InvalidArgument(cert_path + ": certificate is not a CA");
  if (Status st = LoadKey(key_path, &out->key); !st.ok()) {
    out->key.reset();
    return st.IsNotFound() ? Status::Ok() : st;
  }
  if (!KeyMatchesCertificate(out->cert.get(), out->key.get())) {
    return Status::InvalidArgument(key_path + " does not match " + cert_path);
  }
  return Status::Ok();
}

}  // namespace cairn::certs::kubeadm
