# Cairn's front door. The README's two commands: `make run` and `make test`.
BAZEL ?= bazel
# A disk cache outside the work tree, so a fresh clone on the same machine
# (CI) reuses earlier compilations.
BAZEL_FLAGS ?= --disk_cache=$(HOME)/.cache/cairn-bazel-disk
GIT_SHA := $(shell git rev-parse --short=12 HEAD 2>/dev/null || echo unknown)
STAMP := --define=CAIRN_GIT_SHA=$(GIT_SHA)
# CI runs every test for real; developers reuse cached passes.
TEST_FLAGS := $(if $(CI),--nocache_test_results,)

.PHONY: setup build run test fmt lint bench bench-compare image clean robustness

setup:
	@scripts/setup.sh

## build: bin/cairn (static) with bin/etcd, bin/etcdctl, bin/etcdutl, bin/cfssl and bin/cfssljson linked to it
build: setup
	$(BAZEL) build $(BAZEL_FLAGS) $(STAMP) //:cairn
	@mkdir -p bin
	@cp -f "$$($(BAZEL) info bazel-bin 2>/dev/null)/cairn" bin/cairn.tmp && chmod 755 bin/cairn.tmp && mv -f bin/cairn.tmp bin/cairn
	@ln -sf cairn bin/etcd
	@ln -sf cairn bin/etcdctl
	@ln -sf cairn bin/etcdutl
	@ln -sf cairn bin/cfssl
	@ln -sf cairn bin/cfssljson

## image: bin/cairn-image.oci.tar and bin/cairn-image.docker.tar, the reproducible OCI image
## (FROM scratch: static cairn + its etcd/etcdctl/etcdutl/cfssl/cfssljson links, busybox sh);
## no container daemon. SOURCE_DATE_EPOCH defaults to the commit time (image/README.md).
image: build
	image/build.sh bin/cairn bin

## run: a single-node server with etcd's defaults (bin/etcd, no flags)
run: build
	bin/etcd

## test: every test, then a line "N passed, N failed"
test: setup
	@$(BAZEL) test $(BAZEL_FLAGS) $(STAMP) $(TEST_FLAGS) //... ; status=$$?; \
	  python3 scripts/test_summary.py "$$($(BAZEL) info bazel-testlogs 2>/dev/null)"; \
	  exit $$status

## bench: build the Google Benchmark binaries (run them by hand; see docs/benchmarks.md)
bench: setup
	$(BAZEL) build $(BAZEL_FLAGS) $(STAMP) //storage/bolt:bolt_bench //storage/wal:wal_bench

## bench-compare: Cairn (bin/etcd) vs Debian's etcd side by side; rewrites the server section of
## docs/benchmarks.md and docs/benchmarks-server.svg. COMPARE_FLAGS=--quick for a short run.
COMPARE_FLAGS ?=
bench-compare: build
	$(BAZEL) build $(BAZEL_FLAGS) //bench:bench_tool
	python3 bench/compare/run.py --cairn bin/etcd --etcd /usr/bin/etcd \
	  --bench "$$($(BAZEL) info bazel-bin 2>/dev/null)/bench/bench_tool" --perf $(COMPARE_FLAGS)

## robustness: RUNS random seeds of tests/robustness (cluster x traffic x one fault, checked
## histories); SEEDS=1,2 replays given seeds. Failing runs are kept in robustness-out/seed-N/.
RUNS ?= 10
SEEDS ?=
robustness: setup
	$(BAZEL) build $(BAZEL_FLAGS) $(STAMP) //:cairn
	/usr/bin/python3 tests/robustness/runner.py --binary "$$($(BAZEL) info bazel-bin 2>/dev/null)/cairn" \
	  --proto-dir proto --runs $(if $(SEEDS),0,$(RUNS)) --seeds "$(SEEDS)" --out robustness-out

fmt:
	@git ls-files '*.h' '*.cc' | xargs -r clang-format -i -style=file

lint:
	@git ls-files '*.h' '*.cc' | xargs -r clang-format --dry-run --Werror -style=file
	@scripts/lint.sh

clean:
	$(BAZEL) clean
	rm -rf bin
