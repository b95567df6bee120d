"""etcd's gRPC stubs for Python, generated from the repository's proto/ at run time with Debian's
python3-grpc-tools (grpc_tools.protoc) into a temporary directory, then imported.

    rpc, kv, stubs = load(proto_dir)   # rpc: rpc_pb2, kv: kv_pb2, stubs: rpc_pb2_grpc
"""
import os
import sys
import tempfile


def load(proto_dir):
    """proto_dir: the directory holding rpc.proto/kv.proto/auth.proto (imports read proto/x.proto),
    or one file in it."""
    from grpc_tools import protoc  # Debian: python3-grpc-tools
    if os.path.isfile(proto_dir):
        proto_dir = os.path.dirname(proto_dir)
    root = os.path.dirname(os.path.abspath(proto_dir))
    out = tempfile.mkdtemp(prefix="robust_stubs_")
    files = ["proto/%s.proto" % n for n in ("kv", "auth", "rpc")]
    rc = protoc.main(["protoc", "-I" + root, "--python_out=" + out, "--grpc_python_out=" + out] + files)
    if rc != 0:
        raise RuntimeError("grpc_tools.protoc failed (%d) on %s" % (rc, files))
    sys.path.insert(0, out)
    from proto import kv_pb2, rpc_pb2, rpc_pb2_grpc  # noqa: E402 (generated above)
    return rpc_pb2, kv_pb2, rpc_pb2_grpc
