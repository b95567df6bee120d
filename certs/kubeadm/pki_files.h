// The files of one table row under --pki-dir: "<base>.crt" (0644) and "<base>.key" (0600), read
// with errors that name the file, written atomically (x509/pem_file.h), key first as kubeadm does.
#pragma once

#include <string>

#include "base/status.h"
#include "certs/kubeadm/certlist.h"
#include "certs/x509/openssl_ptr.h"

namespace cairn::certs::kubeadm {

std::string CertPath(const std::string& pki_dir, const KubeadmCert& cert);
std::string KeyPath(const std::string& pki_dir, const KubeadmCert& cert);

// NotFound when the file is absent; InvalidArgument naming the file when it holds no certificate/key.
Status LoadCert(const std::string& path, CertPtr* out);
Status LoadKey(const std::string& path, KeyPtr* out);

Status WritePair(const std::string& pki_dir, const KubeadmCert& cert, X509* x509, EVP_PKEY* key);

// The etcd CA: certificate, and key when present (`key` stays null when etcd/ca.key is absent:
// an external CA). Errors: unreadable files, a certificate that is not a CA, a key that does not
// match the certificate, a key without a certificate.
struct LoadedCa {
  CertPtr cert;
  KeyPtr key;
};
Status LoadCa(const std::string& pki_dir, LoadedCa* out);

}  // namespace cairn::certs::kubeadm
