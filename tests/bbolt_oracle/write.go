package main

import (
	"bytes"
	"encoding/binary"
	"flag"
	"fmt"
	"math/rand"
	"os"
	"sort"
	"strings"

	bolt "go.etcd.io/bbolt"
)

// write FILE SEED OPS: a randomized bbolt file whose contents are a pure
// function of SEED and OPS (same dump for the same arguments).
//
// The generator keeps an in-memory model of every bucket and key, and after
// the last commit re-opens the file and requires bbolt's dump to equal the
// model's and tx.Check() to pass, so a broken generator cannot hand Cairn a
// wrong expectation.
//
// Coverage: OPS operations spread over many commits of random size (1 to
// 2000 ops); nested buckets up to depth 3; puts, overwrites, key deletes and
// whole-bucket deletes (freeing pages, exercising the freelist); values from
// 0 bytes to ~5 pages (overflow pages); keys of 1 to ~1000 bytes, random and
// sequential; "small" buckets that keep 0-4 tiny keys and stay inline.
// Odd seeds set NoFreelistSync (no freelist page, as etcd does on Linux);
// even seeds persist the freelist.

const bucketDepthMax = 3

var etcdBucketNames = []string{"key", "meta", "lease", "members", "members_removed", "cluster",
	"auth", "authUsers", "authRoles", "alarm"}

// strSet is a set of strings with uniform random picks in deterministic order.
type strSet struct {
	list []string
	idx  map[string]int
}

func newStrSet() strSet { return strSet{idx: map[string]int{}} }

func (s *strSet) has(x string) bool { _, ok := s.idx[x]; return ok }
func (s *strSet) add(x string)      { s.idx[x] = len(s.list); s.list = append(s.list, x) }
func (s *strSet) remove(x string) {
	i := s.idx[x]
	last := s.list[len(s.list)-1]
	s.list[i] = last
	s.idx[last] = i
	s.list = s.list[:len(s.list)-1]
	delete(s.idx, x)
}
func (s *strSet) pick(r *rand.Rand) string { return s.list[r.Intn(len(s.list))] }

type modelBucket struct {
	name    string
	parent  *modelBucket
	depth   int // root buckets have depth 1
	small   bool
	keys    map[string][]byte
	keySet  strSet
	subs    map[string]*modelBucket
	liveIdx int
}

type generator struct {
	r     *rand.Rand
	roots map[string]*modelBucket
	live  []*modelBucket // every live bucket, any depth
	seq   uint64         // counter for sequential keys
	// bottomUpBucketDelete avoids bbolt's recursive DeleteBucket (see deleteBottomUp).
	bottomUpBucketDelete bool
}

func (g *generator) newBucket(parent *modelBucket, name string, small bool) *modelBucket {
	b := &modelBucket{name: name, parent: parent, depth: 1, small: small,
		keys: map[string][]byte{}, keySet: newStrSet(), subs: map[string]*modelBucket{}}
	if parent != nil {
		b.depth = parent.depth + 1
		parent.subs[name] = b
	} else {
		g.roots[name] = b
	}
	b.liveIdx = len(g.live)
	g.live = append(g.live, b)
	return b
}

func (g *generator) forget(b *modelBucket) {
	// Children in sorted order so the live list evolves deterministically.
	for _, name := range sortedNames(b.subs) {
		g.forget(b.subs[name])
	}
	last := g.live[len(g.live)-1]
	g.live[b.liveIdx] = last
	last.liveIdx = b.liveIdx
	g.live = g.live[:len(g.live)-1]
}

func sortedNames(m map[string]*modelBucket) []string {
	names := make([]string, 0, len(m))
	for n := range m {
		names = append(names, n)
	}
	sort.Strings(names)
	return names
}

func (g *generator) randBytes(n int) []byte {
	b := make([]byte, n)
	g.r.Read(b)
	return b
}

// randKey returns a fresh key: sequential (8-byte big-endian counter behind a
// 1-byte prefix) or random with a skewed length.
func (g *generator) randKey() []byte {
	p := g.r.Float64()
	switch {
	case p < 0.3:
		g.seq++
		k := make([]byte, 9)
		k[0] = 's'
		binary.BigEndian.PutUint64(k[1:], g.seq)
		return k
	case p < 0.8:
		return g.randBytes(1 + g.r.Intn(16))
	case p < 0.95:
		return g.randBytes(17 + g.r.Intn(100))
	default:
		return g.randBytes(117 + g.r.Intn(900))
	}
}

func (g *generator) randValue() []byte {
	p := g.r.Float64()
	switch {
	case p < 0.08:
		return []byte{}
	case p < 0.55:
		return g.randBytes(1 + g.r.Intn(100))
	case p < 0.80:
		return g.randBytes(100 + g.r.Intn(900))
	case p < 0.94:
		return g.randBytes(1000 + g.r.Intn(3000))
	default:
		return g.randBytes(4097 + g.r.Intn(16384)) // overflow pages
	}
}

func (g *generator) batchSize() int {
	p := g.r.Float64()
	switch {
	case p < 0.5:
		return 1 + g.r.Intn(10)
	case p < 0.9:
		return 10 + g.r.Intn(190)
	default:
		return 200 + g.r.Intn(1800)
	}
}

// pickBucket prefers a few "hot" buckets so that some grow deep trees.
func (g *generator) pickBucket(accept func(*modelBucket) bool) *modelBucket {
	for try := 0; try < 8; try++ {
		var b *modelBucket
		if g.r.Intn(2) == 0 {
			b = g.live[g.r.Intn(minInt(3, len(g.live)))]
		} else {
			b = g.live[g.r.Intn(len(g.live))]
		}
		if accept(b) {
			return b
		}
	}
	return nil
}

func minInt(a, b int) int {
	if a < b {
		return a
	}
	return b
}

func taken(b *modelBucket, name string) bool {
	_, isSub := b.subs[name]
	return b.keySet.has(name) || isSub
}

// txBucket opens the bolt bucket for model bucket b inside tx.
func txBucket(tx *bolt.Tx, b *modelBucket) *bolt.Bucket {
	if b.parent == nil {
		return tx.Bucket([]byte(b.name))
	}
	return txBucket(tx, b.parent).Bucket([]byte(b.name))
}

func (g *generator) createBucket(tx *bolt.Tx, small bool) error {
	var parent *modelBucket
	if len(g.live) > 0 && g.r.Intn(3) != 0 {
		parent = g.pickBucket(func(b *modelBucket) bool { return b.depth < bucketDepthMax && !b.small })
	}
	var name []byte
	for {
		if g.r.Intn(10) == 0 {
			name = []byte(etcdBucketNames[g.r.Intn(len(etcdBucketNames))])
		} else {
			name = g.randBytes(1 + g.r.Intn(12))
		}
		if parent == nil {
			if _, ok := g.roots[string(name)]; !ok {
				break
			}
		} else if !taken(parent, string(name)) {
			break
		}
	}
	var err error
	if parent == nil {
		_, err = tx.CreateBucket(name)
	} else {
		_, err = txBucket(tx, parent).CreateBucket(name)
	}
	if err != nil {
		return fmt.Errorf("create bucket %x: %v", name, err)
	}
	b := g.newBucket(parent, string(name), small)
	if small {
		for i, n := 0, g.r.Intn(5); i < n; i++ {
			if err := g.put(tx, b, g.randBytes(1+g.r.Intn(8)), g.randBytes(g.r.Intn(24))); err != nil {
				return err
			}
		}
	}
	return nil
}

func (g *generator) put(tx *bolt.Tx, b *modelBucket, k, v []byte) error {
	if err := txBucket(tx, b).Put(k, v); err != nil {
		return fmt.Errorf("put %x: %v", k, err)
	}
	if !b.keySet.has(string(k)) {
		b.keySet.add(string(k))
	}
	b.keys[string(k)] = v
	return nil
}

func (g *generator) step(tx *bolt.Tx) error {
	if len(g.live) == 0 {
		return g.createBucket(tx, false)
	}
	p := g.r.Float64()
	switch {
	case p < 0.04:
		return g.createBucket(tx, false)
	case p < 0.06:
		return g.createBucket(tx, true)
	case p < 0.075 && len(g.live) > 3:
		b := g.live[g.r.Intn(len(g.live))]
		if g.bottomUpBucketDelete {
			return g.deleteBottomUp(tx, b)
		}
		return g.deleteBucket(tx, b)
	case p < 0.55:
		b := g.pickBucket(func(b *modelBucket) bool { return !b.small })
		if b == nil {
			return nil
		}
		k := g.randKey()
		for taken(b, string(k)) {
			k = g.randKey()
		}
		return g.put(tx, b, k, g.randValue())
	case p < 0.78:
		b := g.pickBucket(func(b *modelBucket) bool { return !b.small && len(b.keySet.list) > 0 })
		if b == nil {
			return nil
		}
		return g.put(tx, b, []byte(b.keySet.pick(g.r)), g.randValue())
	default:
		b := g.pickBucket(func(b *modelBucket) bool { return !b.small && len(b.keySet.list) > 0 })
		if b == nil {
			return nil
		}
		k := b.keySet.pick(g.r)
		b.keySet.remove(k)
		delete(b.keys, k)
		if err := txBucket(tx, b).Delete([]byte(k)); err != nil {
			return fmt.Errorf("delete %x: %v", k, err)
		}
		return nil
	}
}

// deleteBucket deletes b and, through bbolt's recursive DeleteBucket, all
// buckets nested in it.
func (g *generator) deleteBucket(tx *bolt.Tx, b *modelBucket) error {
	var err error
	if b.parent == nil {
		err = tx.DeleteBucket([]byte(b.name))
		delete(g.roots, b.name)
	} else {
		err = txBucket(tx, b.parent).DeleteBucket([]byte(b.name))
		delete(b.parent.subs, b.name)
	}
	g.forget(b)
	if err != nil {
		return fmt.Errorf("delete bucket %x: %v", b.name, err)
	}
	return nil
}

// deleteBottomUp deletes b's nested buckets deepest first, then b, so that
// bbolt's DeleteBucket never recurses. bbolt 1.3.6's recursive delete can
// leave pages of nested buckets neither reachable nor free; with a persisted
// freelist that leak stays in the file and fails tx.Check().
func (g *generator) deleteBottomUp(tx *bolt.Tx, b *modelBucket) error {
	for _, name := range sortedNames(b.subs) {
		if err := g.deleteBottomUp(tx, b.subs[name]); err != nil {
			return err
		}
	}
	return g.deleteBucket(tx, b)
}

// dumpModel renders the model in the same canonical format as dumpDB.
func (g *generator) dumpModel(w *strings.Builder) {
	for _, name := range sortedNames(g.roots) {
		dumpModelBucket(g.roots[name], childPath("", []byte(name)), w)
	}
}

func dumpModelBucket(b *modelBucket, path string, w *strings.Builder) {
	w.WriteString(bucketLine(path))
	names := append([]string(nil), b.keySet.list...)
	for n := range b.subs {
		names = append(names, n)
	}
	sort.Strings(names)
	for _, n := range names {
		if sub, ok := b.subs[n]; ok {
			dumpModelBucket(sub, childPath(path, []byte(n)), w)
		} else {
			w.WriteString(keyLine(path, []byte(n), b.keys[n]))
		}
	}
}

func runWrite(path string, seed int64, ops int, extra []string) int {
	fs := flag.NewFlagSet("write", flag.ContinueOnError)
	pageBytes := fs.Int("page_size", 4096, "bbolt page size in bytes")
	if err := fs.Parse(extra); err != nil {
		return 2
	}
	if err := os.Remove(path); err != nil && !os.IsNotExist(err) {
		fmt.Fprintln(os.Stderr, err)
		return 1
	}
	noFreelistSync := seed%2 != 0
	db, err := bolt.Open(path, 0644, &bolt.Options{PageSize: *pageBytes, NoFreelistSync: noFreelistSync})
	if err != nil {
		fmt.Fprintf(os.Stderr, "open %s: %v\n", path, err)
		return 1
	}
	db.NoSync = true // the file is complete after Close; durability is not under test here
	g := &generator{r: rand.New(rand.NewSource(seed)), roots: map[string]*modelBucket{},
		bottomUpBucketDelete: !noFreelistSync}
	commits := 0
	for done := 0; done < ops; {
		n := minInt(g.batchSize(), ops-done)
		err = db.Update(func(tx *bolt.Tx) error {
			for i := 0; i < n; i++ {
				if err := g.step(tx); err != nil {
					return err
				}
			}
			return nil
		})
		if err != nil {
			fmt.Fprintf(os.Stderr, "write %s: %v\n", path, err)
			return 1
		}
		done += n
		commits++
	}
	if err := db.Close(); err != nil {
		fmt.Fprintf(os.Stderr, "close %s: %v\n", path, err)
		return 1
	}

	// Self-check: the file must pass check and dump exactly to the model.
	if errs := checkFile(path); len(errs) != 0 {
		fmt.Fprintf(os.Stderr, "write %s: generated file fails check: %s\n", path, errs[0])
		return 1
	}
	var want strings.Builder
	g.dumpModel(&want)
	db, err = openReadOnly(path)
	if err != nil {
		fmt.Fprintf(os.Stderr, "reopen %s: %v\n", path, err)
		return 1
	}
	var got bytes.Buffer
	err = dumpDB(db, &got)
	db.Close()
	if err != nil || got.String() != want.String() {
		fmt.Fprintf(os.Stderr, "write %s: dump differs from the generator's model (err=%v)\n", path, err)
		return 1
	}
	var st bolt.BucketStats
	db, err = openReadOnly(path)
	if err == nil {
		_ = db.View(func(tx *bolt.Tx) error {
			return tx.ForEach(func(_ []byte, b *bolt.Bucket) error { st.Add(b.Stats()); return nil })
		})
		db.Close()
	}
	fmt.Fprintf(os.Stderr, "wrote %s seed=%d ops=%d commits=%d buckets=%d inline_buckets=%d keys=%d "+
		"tree_depth_max=%d branch_pages=%d leaf_pages=%d overflow_pages=%d page_size=%d no_freelist_sync=%v\n",
		path, seed, ops, commits, len(g.live), st.InlineBucketN, st.KeyN, st.Depth, st.BranchPageN, st.LeafPageN,
		st.LeafOverflowN+st.BranchOverflowN, *pageBytes, noFreelistSync)
	return 0
}
