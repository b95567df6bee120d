#include "certs/certs_main.h"

#include <cstdio>
#include <cstring>

#include "certs/cfssl/commands.h"
#include "certs/kubeadm/commands.h"

namespace cairn::certs {
namespace {

constexpr char kUsage[] =
    "Usage: cairn certs COMMAND [FLAGS]\n"
    "\n"
    "kubeadm's etcd PKI and cfssl-compatible certificates (docs/certs.md).\n"
    "\n"
    "Commands:\n"
    "  kubeadm           write kubeadm's etcd certificates under --pki-dir (default /etc/kubernetes/pki)\n"
    "                    flags: --node-name --advertise-address --server-cert-sans --peer-cert-sans\n"
    "                    --key-algorithm RSA-2048|RSA-3072|RSA-4096|ECDSA-P256|ECDSA-P384\n"
    "                    --cert-validity 8760h --ca-validity 87600h --renew\n"
    "  check-expiration  kubeadm's expiration table for those certificates\n"
    "  renew NAME        re-issue all|server|peer|healthcheck-client|apiserver-etcd-client\n"
    "  gencert           cfssl gencert (-initca CSR_JSON | -ca -ca-key -config -profile -hostname CSR_JSON)\n"
    "  json              cfssljson (-bare NAME)\n";

}  // namespace

int CertsMain(int argc, char** argv) {
  if (argc < 2 || std::strcmp(argv[1], "help") == 0 || std::strcmp(argv[1], "--help") == 0 ||
      std::strcmp(argv[1], "-h") == 0) {
    std::fputs(kUsage, argc < 2 ? stderr : stdout);
    return argc < 2 ? 2 : 0;
  }
  const char* command = argv[1];
  if (std::strcmp(command, "kubeadm") == 0) return kubeadm::KubeadmCommand(argc - 1, argv + 1);
  if (std::strcmp(command, "check-expiration") == 0)
    return kubeadm::CheckExpirationCommand(argc - 1, argv + 1);
  if (std::strcmp(command, "renew") == 0) return kubeadm::RenewCommand(argc - 1, argv + 1);
  if (std::strcmp(command, "gencert") == 0) return cfssl::GencertCommand(argc - 1, argv + 1);
  if (std::strcmp(command, "json") == 0) return cfssl::CfssljsonMain(argc - 1, argv + 1);
  std::fprintf(stderr, "cairn certs: unknown command \"%s\"\n\n%s", command, kUsage);
  return 2;
}

int CfsslMain(int argc, char** argv) { return cfssl::CfsslMain(argc, argv); }
int CfssljsonMain(int argc, char** argv) { return cfssl::CfssljsonMain(argc, argv); }

}  // namespace cairn::certs
