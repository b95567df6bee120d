#!/usr/bin/env bash
# Builds Cairn's OCI image without a container daemon (`make image`; image/README.md):
#   image/build.sh CAIRN_BINARY OUT_DIR
# writes OUT_DIR/cairn-image.oci.tar (an OCI image layout, tarred) and OUT_DIR/cairn-image.docker.tar
# (docker-archive, for `docker load` / `ctr images import`).
#
# FROM scratch, one layer:
#   /usr/local/bin/cairn (the static binary) and etcd, etcdctl, etcdutl, cfssl, cfssljson -> cairn
#   /bin/busybox (Debian's busybox-static) and /bin/sh -> busybox, for `kubectl exec ... sh`
#   /var/lib/etcd (a volume)
# Config: Cmd ["etcd"], PATH=/usr/local/bin:/bin, ports 2379 2380 2381, OCI labels
# (version, revision, source, created).
#
# Reproducible: every timestamp is SOURCE_DATE_EPOCH (default: the commit time of HEAD), owners
# 0:0, modes fixed, umoci writes the layer's entries in sorted order, and the layout is tarred
# with GNU tar --sort=name --mtime --owner/--group; two builds of one commit give the same image
# digest and byte-identical archives.
#
# Environment: SOURCE_DATE_EPOCH, IMAGE_NAME (default localhost/cairn/etcd), IMAGE_TAG (default:
# the binary's Cairn version), IMAGE_REVISION (default: git HEAD), IMAGE_SOURCE (default: the
# origin remote's URL, else "unknown").
set -euo pipefail

if [[ $# -ne 2 ]]; then
  echo "usage: image/build.sh CAIRN_BINARY OUT_DIR" >&2
  exit 2
fi
binary=$(readlink -f "$1")
out=$2
for tool in umoci skopeo tar; do
  command -v "$tool" >/dev/null || { echo "image/build.sh: $tool not found (run scripts/setup.sh)" >&2; exit 1; }
done
busybox=/bin/busybox
[[ -x $busybox ]] && file -b "$busybox" 2>/dev/null | grep -q "statically linked" ||
  { echo "image/build.sh: $busybox is not Debian's static busybox (busybox-static)" >&2; exit 1; }
[[ -x $binary ]] || { echo "image/build.sh: $binary is not executable" >&2; exit 1; }
file -b "$binary" | grep -q "statically linked" || { echo "image/build.sh: $binary is not statically linked" >&2; exit 1; }

repo_dir=$(cd "$(dirname "$0")/.." && pwd)
epoch=${SOURCE_DATE_EPOCH:-$(git -C "$repo_dir" log -1 --format=%ct 2>/dev/null || echo 0)}
revision=${IMAGE_REVISION:-$(git -C "$repo_dir" rev-parse HEAD 2>/dev/null || echo unknown)}
version=$("$binary" version | sed -n "s/^Cairn Version: *//p" | head -1)
[[ -n $version ]] || { echo "image/build.sh: cannot read the version from '$binary version'" >&2; exit 1; }
name=${IMAGE_NAME:-localhost/cairn/etcd}
tag=${IMAGE_TAG:-$version}
source_url=${IMAGE_SOURCE:-$(git -C "$repo_dir" config --get remote.origin.url 2>/dev/null || echo unknown)}
created=$(date -u -d "@$epoch" +%Y-%m-%dT%H:%M:%SZ)

work=$(mktemp -d "${TMPDIR:-/tmp}/cairn-image.XXXXXX")
trap 'rm -rf "$work"' EXIT
layout=$work/layout
export TZ=UTC

umoci init --layout "$layout"
umoci new --image "$layout:$tag"
umoci unpack --image "$layout:$tag" "$work/bundle" >/dev/null
rootfs=$work/bundle/rootfs

install -d -m 0755 "$rootfs/usr/local/bin" "$rootfs/bin" "$rootfs/var/lib"
install -d -m 0700 "$rootfs/var/lib/etcd"
install -m 0755 "$binary" "$rootfs/usr/local/bin/cairn"
for link in etcd etcdctl etcdutl cfssl cfssljson; do ln -s cairn "$rootfs/usr/local/bin/$link"; done
install -m 0755 "$busybox" "$rootfs/bin/busybox"
ln -s busybox "$rootfs/bin/sh"
chown -hR 0:0 "$rootfs"
find "$rootfs" -exec touch -h -d "@$epoch" {} +

umoci repack --image "$layout:$tag" --history.created "$created" --history.created_by "image/build.sh" \
  --history.comment "cairn $version, busybox-static" "$work/bundle" >/dev/null
umoci config --image "$layout:$tag" --no-history --created "$created" \
  --author "" --os linux --architecture "$(dpkg --print-architecture)" \
  --config.cmd etcd --config.workingdir / \
  --config.env PATH=/usr/local/bin:/bin \
  --config.volume /var/lib/etcd \
  --config.exposedports 2379/tcp --config.exposedports 2380/tcp --config.exposedports 2381/tcp \
  --config.label "org.opencontainers.image.title=cairn" \
  --config.label "org.opencontainers.image.description=Cairn, an etcd-compatible key-value store (etcd $("$binary" version | sed -n "s/^etcd Version: *//p" | head -1) API)" \
  --config.label "org.opencontainers.image.version=$version" \
  --config.label "org.opencontainers.image.revision=$revision" \
  --config.label "org.opencontainers.image.source=$source_url" \
  --config.label "org.opencontainers.image.created=$created" \
  --manifest.annotation "org.opencontainers.image.version=$version" \
  --manifest.annotation "org.opencontainers.image.revision=$revision" \
  --manifest.annotation "org.opencontainers.image.created=$created"
umoci gc --layout "$layout"

mkdir -p "$out"
find "$layout" -exec touch -h -d "@$epoch" {} +
tar --sort=name --mtime="@$epoch" --owner=0 --group=0 --numeric-owner --format=posix \
  --pax-option=exthdr.name=%d/PaxHeaders/%f,delete=atime,delete=ctime \
  -C "$layout" -cf "$out/cairn-image.oci.tar.tmp" .
mv -f "$out/cairn-image.oci.tar.tmp" "$out/cairn-image.oci.tar"
rm -f "$out/cairn-image.docker.tar.tmp"
skopeo --insecure-policy copy --quiet "oci-archive:$out/cairn-image.oci.tar:$tag" \
  "docker-archive:$out/cairn-image.docker.tar.tmp:$name:$tag"
mv -f "$out/cairn-image.docker.tar.tmp" "$out/cairn-image.docker.tar"

digest=$(skopeo inspect --raw "oci-archive:$out/cairn-image.oci.tar:$tag" | sha256sum | cut -d' ' -f1)
echo "image $name:$tag sha256:$digest"
echo "  $out/cairn-image.oci.tar $(stat -c %s "$out/cairn-image.oci.tar") bytes"
echo "  $out/cairn-image.docker.tar $(stat -c %s "$out/cairn-image.docker.tar") bytes"
