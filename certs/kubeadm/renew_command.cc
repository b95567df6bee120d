// `cairn certs renew all|server|peer|healthcheck-client|apiserver-etcd-client` (commands.h):
// kubeadm's `certs renew` for the etcd leaves. Each named certificate is re-issued by the CA in
// --pki-dir with a new key (same algorithm as the old key unless --key-algorithm is given), the
// old certificate's subject, SANs and extended key usages, NotBefore = the CA's NotBefore and
// NotAfter = now + --cert-validity. Every certificate is built before any file is written.
// kubeadm's own names (etcd-server, etcd-peer, etcd-healthcheck-client) are accepted too.
#include <cstdio>
#include <ctime>

#include "certs/flag_set.h"
#include "certs/go_duration.h"
#include "certs/kubeadm/certlist.h"
#include "certs/kubeadm/commands.h"
#include "certs/kubeadm/pki_files.h"
#include "certs/x509/cert_info.h"
#include "certs/x509/issue.h"
#include "certs/x509/key.h"

namespace cairn::certs::kubeadm {
namespace {

int Fail(const std::string& message) {
  std::fprintf(stderr, "cairn certs renew: %s\n", message.c_str());
  return 1;
}

struct Renewal {
  const KubeadmCert* row;
  CertPtr cert;
  KeyPtr key;
};

}  // namespace

int RenewCommand(int argc, char** argv) {
  std::string pki_dir = "/etc/kubernetes/pki", validity = "8760h", key_algorithm;
  std::vector<std::string> args;
  FlagSet flags;
  flags.String("pki-dir", &pki_dir);
  flags.String("cert-dir", &pki_dir);
  flags.String("cert-validity", &validity);
  flags.String("key-algorithm", &key_algorithm);
  if (Status st = flags.Parse(argc, argv, 1, &args); !st.ok()) return Fail(st.message());
  if (args.size() != 1) {
    return Fail("want exactly one of: all, server, peer, healthcheck-client, apiserver-etcd-client");
  }
  std::vector<const KubeadmCert*> selected;
  for (const KubeadmCert& c : EtcdCertList()) {
    if (!c.is_ca() && (args[0] == "all" || args[0] == c.short_name || args[0] == c.name))
      selected.push_back(&c);
  }
  if (selected.empty()) {
    return Fail("unknown certificate \"" + args[0] +
                "\" (want all, server, peer, healthcheck-client or apiserver-etcd-client)");
  }
  int64_t validity_seconds = 0;
  if (Status st = ParseValidityFlag("cert-validity", validity, &validity_seconds); !st.ok())
    return Fail(st.message());
  KeyAlgorithm forced;
  if (!key_algorithm.empty()) {
    if (Status st = ParseKubeadmKeyAlgorithm(key_algorithm, &forced); !st.ok())
      return Fail("--key-algorithm: " + st.message());
  }
  LoadedCa ca;
  if (Status st = LoadCa(pki_dir, &ca); !st.ok()) return Fail(st.message());
  if (ca.key == nullptr) return Fail(KeyPath(pki_dir, EtcdCa()) + " is absent (external CA): cannot renew");
  const std::time_t now = std::time(nullptr);
  const std::time_t ca_not_before = ReadCertInfo(ca.cert.get()).not_before;

  std::vector<Renewal> renewals;
  for (const KubeadmCert* c : selected) {
    CertPtr old;
    if (Status st = LoadCert(CertPath(pki_dir, *c), &old); !st.ok()) return Fail(st.message());
    const CertInfo info = ReadCertInfo(old.get());
    KeyAlgorithm algorithm = forced;
    if (key_algorithm.empty()) {
      KeyPtr old_key;
      if (!LoadKey(KeyPath(pki_dir, *c), &old_key).ok() || !KeyAlgorithmOf(old_key.get(), &algorithm).ok()) {
        algorithm = KeyAlgorithm{};  // RSA-2048, kubeadm's default
      }
    }
    CertSpec spec;
    spec.subject.reset(X509_NAME_dup(X509_get_subject_name(old.get())));
    spec.sans = info.sans;
    spec.key_usage = kDigitalSignature | kKeyEncipherment;
    spec.ext_key_usage = info.ext_key_usage;
    spec.subject_key_id = false;
    spec.not_before = ca_not_before;
    spec.not_after = now + static_cast<std::time_t>(validity_seconds);
    spec.serial = RandomSerial(kKubeadmSerialBits);
    Renewal r{c, nullptr, nullptr};
    if (Status st = GenerateKey(algorithm, &r.key); !st.ok()) return Fail(st.message());
    if (Status st = IssueCertificate(spec, r.key.get(), ca.cert.get(), ca.key.get(), &r.cert); !st.ok()) {
      return Fail(st.message());
    }
    renewals.push_back(std::move(r));
  }
  for (Renewal& r : renewals) {
    if (Status st = WritePair(pki_dir, *r.row, r.cert.get(), r.key.get()); !st.ok())
      return Fail(st.message());
    std::printf("%s renewed\n", r.row->long_name.c_str());
  }
  std::printf(
      "\nDone renewing certificates. You must restart etcd and the kube-apiserver so that they can use the "
      "new certificates.\n");
  return 0;
}

}  // namespace cairn::certs::kubeadm
