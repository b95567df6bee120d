#!/usr/bin/env bash
# Installs every build and test dependency of Cairn from Debian's packages.
# Idempotent: when everything is present it prints nothing and exits 0.
# Test-only tools (etcd-server, etcd-client, Go + bbolt) never go into the image.
set -euo pipefail

PACKAGES=(
  # build
  bazel-bootstrap g++ pkg-config file git make dpkg-dev
  libgrpc++-dev libprotobuf-dev protobuf-compiler protobuf-compiler-grpc
  libssl-dev libcrypt-dev libzstd-dev liburing-dev libc-ares-dev libre2-dev zlib1g-dev
  libabsl-dev libyaml-cpp-dev
  libgtest-dev libgmock-dev libbenchmark-dev
  clang-format clang-tidy-16 python3
  # build tools of `make image` (image/build.sh): the OCI image without a container daemon,
  # and the static /bin/sh copied into it
  umoci skopeo busybox-static
  # test oracles (never in the image)
  golang-go golang-github-coreos-bbolt-dev golang-etcd-server-dev
  etcd-server etcd-client openssl curl golang-cfssl
  # `cairn k8s` oracles: PyYAML, the kubernetes client's typed models, promtool (prometheus)
  python3-yaml python3-kubernetes prometheus iproute2
  # tests/robustness: gRPC clients with stubs generated from proto/ at test time
  python3-grpcio python3-grpc-tools python3-protobuf
)

missing=()
for p in "${PACKAGES[@]}"; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing+=("$p")
done

if ((${#missing[@]})); then
  echo "setup: installing ${missing[*]}" >&2
  SUDO=""; [[ $(id -u) -ne 0 ]] && SUDO="sudo"
  export DEBIAN_FRONTEND=noninteractive
  $SUDO apt-get update -qq >/dev/null
  $SUDO apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
fi


# mimalloc has no static archive in Debian: fetch its source package.
"$(dirname "$0")/fetch_mimalloc.sh"
