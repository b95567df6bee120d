// `cairn k8s`: Kubernetes manifests and units for Cairn (k8s/README.md).
#ifndef CAIRN_K8S_K8S_MAIN_H_
#define CAIRN_K8S_K8S_MAIN_H_

namespace cairn::k8s {

// argv[0] is "k8s"; argv[1] the topology: stacked, external or events. Exit codes: 0 done,
// 2 bad usage (nothing written), 1 an output file could not be written.
int K8sMain(int argc, char** argv);

}  // namespace cairn::k8s

#endif  // CAIRN_K8S_K8S_MAIN_H_
