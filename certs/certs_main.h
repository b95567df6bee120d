// The certs face's entry points (main/main.cc calls them with argv[0] = the word that named them):
//   cairn certs kubeadm|check-expiration|renew ...   kubeadm's etcd PKI (kubeadm/commands.h)
//   cairn certs gencert ...                          = cfssl gencert (cfssl/commands.h)
//   cairn certs json ...                             = cfssljson
//   cfssl ..., cfssljson ...                         the same, reached through argv[0]
// Exit codes: 0 done; 1 bad input or failure (one line on stderr, nothing written); 2 usage.
#pragma once

namespace cairn::certs {

int CertsMain(int argc, char** argv);
int CfsslMain(int argc, char** argv);
int CfssljsonMain(int argc, char** argv);

}  // namespace cairn::certs
