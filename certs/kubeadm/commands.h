// The kubeadm-style subcommands of `cairn certs`. Each takes argv with argv[0] = its own word
// and returns the process exit code: 0 done; 1 bad input or failure, with one line on stderr
// naming the flag or file ("cairn certs kubeadm: --advertise-address: ..."), nothing written.
//
//   kubeadm [--pki-dir /etc/kubernetes/pki] [--node-name HOST] [--advertise-address IP]
//           [--server-cert-sans A,B] [--peer-cert-sans A,B] [--key-algorithm RSA-2048]
//           [--cert-validity 8760h] [--ca-validity 87600h] [--renew]
//   check-expiration [--pki-dir DIR]
//   renew all|server|peer|healthcheck-client|apiserver-etcd-client [--pki-dir DIR]
//         [--cert-validity 8760h] [--key-algorithm ALG]
#pragma once

namespace cairn::certs::kubeadm {

int KubeadmCommand(int argc, char** argv);
int CheckExpirationCommand(int argc, char** argv);
int RenewCommand(int argc, char** argv);

}  // namespace cairn::certs::kubeadm
