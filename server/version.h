// Version facts printed by `--version` and reported through the API.
//
// Cairn speaks the etcd 3.5 API and reports it as its etcd version so that
// clients (kube-apiserver among them) enable 3.5 features such as watch
// progress requests; Cairn's own version is reported beside it.
#pragma once

#include <string>

namespace cairn {

inline constexpr char kCairnVersion[] = "0.1.0";
// What Status.version and /version's "etcdserver" report.
inline constexpr char kEtcdServerVersion[] = "3.5.17";
// What /version's "etcdcluster" reports.
inline constexpr char kEtcdClusterVersion[] = "3.5.0";

// The git commit the binary was built from ("unknown" outside a checkout).
const char* GitSha();

// The multi-line text of `--version`, in etcd's shape plus Cairn's lines.
std::string VersionText();

}  // namespace cairn
