// Computes the etcd 3.4 hashes pinned in kv_store_test.cc (EtcdOracleHashes), with etcd's own mvcc
// package from Debian's golang-etcd-server-dev:
//   cd storage/mvcc/testdata && GO111MODULE=off GOPATH=/usr/share/gocode go run etcd_hash_oracle.go
// Not built by Bazel.

package main

import (
	"fmt"
	"io/ioutil"
	"os"
	"path/filepath"

	"go.etcd.io/etcd/lease"
	"go.etcd.io/etcd/mvcc"
	"go.etcd.io/etcd/mvcc/backend"
	"go.etcd.io/etcd/pkg/traceutil"
	"go.uber.org/zap"
)

func main() {
	dir, _ := ioutil.TempDir("", "oracle")
	defer os.RemoveAll(dir)
	b := backend.NewDefaultBackend(filepath.Join(dir, "db"))
	s := mvcc.NewStore(zap.NewNop(), b, &lease.FakeLessor{}, nil, mvcc.StoreConfig{})
	s.Put([]byte("foo"), []byte("bar"), lease.NoLease)    // 2
	s.Put([]byte("foo"), []byte("baz"), lease.NoLease)    // 3
	s.Put([]byte("k1"), []byte("v1"), lease.LeaseID(0x1234)) // 4
	s.DeleteRange([]byte("foo"), nil)                     // 5
	s.Put([]byte("foo"), []byte("again"), lease.NoLease)  // 6
	for _, rev := range []int64{0, 3, 5} {
		h, cur, comp, err := s.HashByRev(rev)
		fmt.Printf("hashkv rev=%d hash=%d cur=%d compact=%d err=%v\n", rev, h, cur, comp, err)
	}
	ch, err := s.Compact(traceutil.TODO(), 4)
	if err == nil {
		<-ch
	}
	for _, rev := range []int64{0, 5} {
		h, cur, comp, err := s.HashByRev(rev)
		fmt.Printf("after-compact hashkv rev=%d hash=%d cur=%d compact=%d err=%v\n", rev, h, cur, comp, err)
	}
	h, rev, err := s.Hash()
	fmt.Printf("hash=%d rev=%d err=%v\n", h, rev, err)
}
