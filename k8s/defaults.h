// The appliance's defaults: ports, paths, image and quotas (reasons: docs/kubernetes.md).
#ifndef CAIRN_K8S_DEFAULTS_H_
#define CAIRN_K8S_DEFAULTS_H_

#include <cstdint>

namespace cairn::k8s {

// Cairn's image as `make image` tags it (image/build.sh): kubeadm composes the etcd image as
// imageRepository + "/etcd:" + imageTag, so the name must end in "/etcd". The tag is Cairn's
// version (server/version.h kCairnVersion); tests/e2e/image_test checks that the two agree.
inline constexpr char kDefaultImage[] = "localhost/cairn/etcd:0.1.0";

// The main store (kubeadm's ports and paths).
inline constexpr int kClientPort = 2379;
inline constexpr int kPeerPort = 2380;
inline constexpr int kMetricsPort = 2381;
inline constexpr char kDataDir[] = "/var/lib/etcd";
inline constexpr char kPkiDir[] = "/etc/kubernetes/pki";
// 8 GiB: the largest quota etcd accepts without its "exceeds maximum recommended" warning.
inline constexpr int64_t kMainQuotaBackendBytes = int64_t{8} << 30;
// kubeadm's --snapshot-count for the main store.
inline constexpr int64_t kSnapshotCount = 10000;

// The events store: its own ports beside the main store's, its own data dir, the same etcd CA
// and server/peer certificates (kube-apiserver uses one client certificate for every etcd).
inline constexpr int kEventsClientPort = 4002;
inline constexpr int kEventsPeerPort = 4003;
inline constexpr int kEventsMetricsPort = 4004;
inline constexpr char kEventsDataDir[] = "/var/lib/etcd-events";
// 4 GiB: measured events churn (docs/kubernetes.md "Events store defaults").
inline constexpr int64_t kEventsQuotaBackendBytes = int64_t{4} << 30;
inline constexpr int64_t kEventsSnapshotCount = 10000;
// Cairn compacts the events store itself every 10 minutes in case kube-apiserver's own
// compaction (--etcd-compaction-interval, 5m) is turned off.
inline constexpr char kEventsAutoCompactionMode[] = "periodic";
inline constexpr char kEventsAutoCompactionRetention[] = "10m";

// --metrics for the stores Cairn lays out itself (external members, events store; the stacked
// pod keeps kubeadm's flags): "extensive" adds grpc_server_handling_seconds, which the mixin's
// etcdGRPCRequestsSlow alert reads (etcd exports it only at this level too).
inline constexpr char kMetricsLevel[] = "extensive";

// Where the external topology's units expect the binary and their environment files.
inline constexpr char kEtcdBinary[] = "/usr/local/bin/etcd";
inline constexpr char kEnvDir[] = "/etc/etcd";

}  // namespace cairn::k8s

#endif  // CAIRN_K8S_DEFAULTS_H_
