// kube-apiserver's side of the events split: the --etcd-servers-overrides flag
// ("group/resource#server;server", core group empty: "/events#https://127.0.0.1:4002") and its
// idempotent insertion into kubeadm's kube-apiserver.yaml.
#ifndef CAIRN_K8S_APISERVER_MANIFEST_H_
#define CAIRN_K8S_APISERVER_MANIFEST_H_

#include <string>
#include <vector>

namespace cairn::k8s {

// "/events#" + the servers joined by ';'.
std::string EventsOverrideValue(const std::vector<std::string>& servers);

// Adds "--etcd-servers-overrides=<override>" to the kube-apiserver container's command in a
// kubeadm manifest, keeping every other byte of the file:
//   - an existing --etcd-servers-overrides line gets its "/events#..." entry replaced (or the
//     entry appended after its other resources' entries);
//   - otherwise the flag goes right after --etcd-servers (kubeadm's sorted order), same indent.
// The result is parsed back (YAML) and must be a Pod whose first container's command holds the
// flag. Running it twice gives the same text. False and *error (naming the file) otherwise.
bool AddEventsOverride(const std::string& path, const std::string& manifest,
                       const std::string& override_value, std::string* out, std::string* error);

}  // namespace cairn::k8s

#endif  // CAIRN_K8S_APISERVER_MANIFEST_H_
