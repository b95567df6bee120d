"""Repository rule exposing Debian's system libraries to Bazel.

Each library becomes a cc_library carrying only link flags: headers live in
/usr/include (always on the compiler's path). Flags come from
`pkg-config --static --libs` so that the same targets link dynamically in
tests and fully statically in //:cairn (which adds -static).
"""

_PKG_CONFIG_LIBS = {
    "grpc": ["grpc++", "protobuf"],
    "protobuf": ["protobuf"],
    "ssl": ["openssl"],
    "crypt": ["libxcrypt"],
    "zstd": ["libzstd"],
    "uring": ["liburing"],
    "yaml_cpp": ["yaml-cpp"],
}

_PLAIN_LIBS = {
    "gtest_main": ["-lgmock", "-lgtest_main", "-lgtest", "-pthread"],
    "benchmark_main": ["-lbenchmark_main", "-lbenchmark", "-pthread"],
}

def _pkg_config(ctx, packages):
    result = ctx.execute(["pkg-config", "--static", "--libs"] + packages)
    if result.return_code != 0:
        fail("pkg-config %s failed (run scripts/setup.sh): %s" % (" ".join(packages), result.stderr))
    return result.stdout.strip().split(" ")

def _library(name, flags):
    return "cc_library(\n    name = %r,\n    linkopts = %r,\n    visibility = [\"//visibility:public\"],\n)\n" % (name, flags)

def _system_libs_impl(ctx):
    build = ""
    for name, packages in _PKG_CONFIG_LIBS.items():
        build += _library(name, [f for f in _pkg_config(ctx, packages) if f])
    for name, flags in _PLAIN_LIBS.items():
        build += _library(name, flags)
    ctx.file("WORKSPACE", "workspace(name = %r)\n" % ctx.name)
    ctx.file("BUILD.bazel", build)

system_libs = repository_rule(
    implementation = _system_libs_impl,
    local = True,
)
