// `cairn certs check-expiration`: kubeadm's table for the etcd rows of certlist.h (commands.h).
// A leaf or CA is "externally managed" when etcd/ca.key is absent, as kubeadm decides it.
#include <algorithm>
#include <cstdio>
#include <ctime>

#include "certs/flag_set.h"
#include "certs/kubeadm/certlist.h"
#include "certs/kubeadm/commands.h"
#include "certs/kubeadm/expiration_table.h"
#include "certs/kubeadm/pki_files.h"
#include "certs/x509/cert_info.h"
#include "certs/x509/pem_file.h"

namespace cairn::certs::kubeadm {

int CheckExpirationCommand(int argc, char** argv) {
  std::string pki_dir = "/etc/kubernetes/pki";
  std::vector<std::string> args;
  FlagSet flags;
  flags.String("pki-dir", &pki_dir);
  flags.String("cert-dir", &pki_dir);
  if (Status st = flags.Parse(argc, argv, 1, &args); !st.ok() || !args.empty()) {
    std::fprintf(stderr, "cairn certs check-expiration: %s\n",
                 st.ok() ? ("unexpected argument \"" + args[0] + "\"").c_str() : st.message().c_str());
    return 1;
  }
  const bool external = !FileExists(KeyPath(pki_dir, EtcdCa()));
  std::vector<ExpirationRow> leaves, cas;
  for (const KubeadmCert& c : EtcdCertList()) {
    ExpirationRow row;
    row.name = c.name;
    row.externally_managed = external;
    row.ca_name = c.is_ca() ? "" : EtcdCa().name;
    CertPtr cert;
    if (Status st = LoadCert(CertPath(pki_dir, c), &cert); st.IsNotFound()) {
      row.missing = true;
    } else if (!st.ok()) {
      std::fprintf(stderr, "cairn certs check-expiration: %s\n", st.message().c_str());
      return 1;
    } else {
      row.not_after = ReadCertInfo(cert.get()).not_after;
    }
    (c.is_ca() ? cas : leaves).push_back(row);
  }
  // kubeadm lists certificates by name.
  std::sort(leaves.begin(), leaves.end(),
            [](const ExpirationRow& a, const ExpirationRow& b) { return a.name < b.name; });
  std::fputs(FormatExpiration(leaves, cas, std::time(nullptr)).c_str(), stdout);
  return 0;
}

}  // namespace cairn::certs::kubeadm
