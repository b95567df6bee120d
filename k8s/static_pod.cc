#include "k8s/static_pod.h"

namespace cairn::k8s {
namespace {

// kubeadm's createHTTPProbe; a zero initialDelaySeconds is omitted as Go's omitempty does.
YamlNode HttpProbe(const std::string& host, const std::string& path, int port, int initial_delay_s,
                   int timeout_s, int failure_threshold, int period_s) {
  YamlNode get = YamlNode::Map();
  get.Set("host", YamlNode::Str(host))
      .Set("path", YamlNode::Str(path))
      .Set("port", YamlNode::Int(port))
      .Set("scheme", YamlNode::Str("HTTP"));
  YamlNode probe = YamlNode::Map();
  probe.Set("failureThreshold", YamlNode::Int(failure_threshold))
      .Set("httpGet", std::move(get))
      .Set("periodSeconds", YamlNode::Int(period_s))
      .Set("timeoutSeconds", YamlNode::Int(timeout_s));
  if (initial_delay_s != 0) probe.Set("initialDelaySeconds", YamlNode::Int(initial_delay_s));
  return probe;
}

YamlNode HostPathVolume(const std::string& name, const std::string& path) {
  YamlNode host_path = YamlNode::Map();
  host_path.Set("path", YamlNode::Str(path)).Set("type", YamlNode::Str("DirectoryOrCreate"));
  YamlNode v = YamlNode::Map();
  v.Set("hostPath", std::move(host_path)).Set("name", YamlNode::Str(name));
  return v;
}

YamlNode VolumeMount(const std::string& name, const std::string& path) {
  YamlNode m = YamlNode::Map();
  m.Set("mountPath", YamlNode::Str(path)).Set("name", YamlNode::Str(name));
  return m;
}

}  // namespace

YamlNode EtcdStaticPod(const EtcdMemberConfig& c, const StaticPodNames& names, const std::string& image) {
  const std::string probe_host = LoopbackFor(c.advertise_address);
  const std::string certs_dir = c.pki_dir + "/etcd";

  YamlNode requests = YamlNode::Map();
  requests.Set("cpu", YamlNode::Str("100m")).Set("memory", YamlNode::Str("100Mi"));
  YamlNode resources = YamlNode::Map();
  resources.Set("requests", std::move(requests));

  YamlNode mounts = YamlNode::Seq();
  mounts.Append(VolumeMount(names.data_volume, c.data_dir))
      .Append(VolumeMount(names.certs_volume, certs_dir));

  YamlNode container = YamlNode::Map();
  container.Set("command", YamlNode::StrSeq(EtcdCommand(c)))
      .Set("image", YamlNode::Str(image))
      .Set("imagePullPolicy", YamlNode::Str("IfNotPresent"))
      .Set("livenessProbe", HttpProbe(probe_host, "/livez", c.metrics_port, 10, 15, 8, 10))
      .Set("name", YamlNode::Str(names.pod))
      .Set("readinessProbe", HttpProbe(probe_host, "/readyz", c.metrics_port, 0, 15, 3, 1))
      .Set("resources", std::move(resources))
      // ControlPlaneComponentHealthCheck 4m / period 10s = 24 failures.
      .Set("startupProbe", HttpProbe(probe_host, "/readyz", c.metrics_port, 10, 15, 24, 10))
      .Set("volumeMounts", std::move(mounts));

  // kubeadm's VolumeMapToSlice sorts volumes by name.
  YamlNode data = HostPathVolume(names.data_volume, c.data_dir);
  YamlNode certs = HostPathVolume(names.certs_volume, certs_dir);
  YamlNode volumes = YamlNode::Seq();
  if (names.certs_volume < names.data_volume) {
    volumes.Append(std::move(certs)).Append(std::move(data));
  } else {
    volumes.Append(std::move(data)).Append(std::move(certs));
  }

  YamlNode seccomp = YamlNode::Map();
  seccomp.Set("type", YamlNode::Str("RuntimeDefault"));
  YamlNode security = YamlNode::Map();
  security.Set("seccompProfile", std::move(seccomp));

  YamlNode spec = YamlNode::Map();
  spec.Set("containers", YamlNode::Seq().Append(std::move(container)))
      .Set("hostNetwork", YamlNode::Bool(true))
      .Set("priority", YamlNode::Int(2000001000))  // the system-node-critical class's value
      .Set("priorityClassName", YamlNode::Str("system-node-critical"))
      .Set("securityContext", std::move(security))
      .Set("volumes", std::move(volumes));

  YamlNode labels = YamlNode::Map();
  labels.Set("component", YamlNode::Str(names.pod)).Set("tier", YamlNode::Str("control-plane"));
  YamlNode metadata = YamlNode::Map();
  if (names.kubeadm_member) {
    YamlNode annotations = YamlNode::Map();
    annotations.Set("kubeadm.kubernetes.io/etcd.advertise-client-urls", YamlNode::Str(AdvertiseClientUrl(c)));
    metadata.Set("annotations", std::move(annotations));
  }
  metadata
      .Set("creationTimestamp", YamlNode::Null())  // as Go serializes a zero metav1.Time
      .Set("labels", std::move(labels))
      .Set("name", YamlNode::Str(names.pod))
      .Set("namespace", YamlNode::Str("kube-system"));

  YamlNode pod = YamlNode::Map();
  pod.Set("apiVersion", YamlNode::Str("v1"))
      .Set("kind", YamlNode::Str("Pod"))
      .Set("metadata", std::move(metadata))
      .Set("spec", std::move(spec))
      .Set("status", YamlNode::Map());
  return pod;
}

}  // namespace cairn::k8s
