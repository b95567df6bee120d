package main

import (
	"encoding/binary"
	"flag"
	"fmt"
	"math/rand"
	"os"
	"path/filepath"
	"sort"
	"time"

	bolt "go.etcd.io/bbolt"
)

// Go-side benchmarks on bbolt, for the side-by-side with Cairn's B+tree.
// Workloads are described precisely in README.md; each prints one line:
//
//	bbolt <workload> key=value ...
//
// All databases use bbolt's defaults (4096-byte pages, FillPercent 0.5,
// freelist synced, array freelist) with NoSync=false: every commit does
// bbolt's two fdatasyncs (pages, then meta). One bucket named "bench".

var benchBucket = []byte("bench")

type benchConfig struct {
	dir        string
	keys       int
	valueBytes int
	batch      int
	commits    int
	seed       int64
	only       string
	runs       int
}

// benchResult is one run of one workload.
type benchResult struct {
	workload string
	nsPerOp  float64 // the median run is chosen by this
	line     string  // everything after "bbolt <workload> "
}

func fileBytes(path string) int64 {
	st, err := os.Stat(path)
	if err != nil {
		return -1
	}
	return st.Size()
}

func seqKeys(n int) [][]byte {
	keys := make([][]byte, n)
	for i := range keys {
		keys[i] = make([]byte, 8)
		binary.BigEndian.PutUint64(keys[i], uint64(i))
	}
	return keys
}

func randKeys(n int, r *rand.Rand) [][]byte {
	keys := make([][]byte, n)
	for i := range keys {
		keys[i] = make([]byte, 8)
		binary.BigEndian.PutUint64(keys[i], r.Uint64())
	}
	return keys
}

func openBench(path string) (*bolt.DB, error) {
	os.Remove(path)
	db, err := bolt.Open(path, 0644, nil)
	if err != nil {
		return nil, err
	}
	err = db.Update(func(tx *bolt.Tx) error { _, err := tx.CreateBucket(benchBucket); return err })
	return db, err
}

// putBatched writes keys in order, cfg.batch puts per committed tx, and
// returns the elapsed time of all commits (the db is already open).
func putBatched(path string, keys [][]byte, value []byte, batch int) (time.Duration, error) {
	db, err := openBench(path)
	if err != nil {
		return 0, err
	}
	defer db.Close()
	start := time.Now()
	for i := 0; i < len(keys); i += batch {
		end := minInt(i+batch, len(keys))
		err := db.Update(func(tx *bolt.Tx) error {
			b := tx.Bucket(benchBucket)
			for _, k := range keys[i:end] {
				if err := b.Put(k, value); err != nil {
					return err
				}
			}
			return nil
		})
		if err != nil {
			return 0, err
		}
	}
	return time.Since(start), nil
}

func runBench(args []string) int {
	var cfg benchConfig
	fs := flag.NewFlagSet("bench", flag.ContinueOnError)
	fs.StringVar(&cfg.dir, "dir", "", "directory for the bench files (default: a new dir under $TMPDIR); not tmpfs")
	fs.IntVar(&cfg.keys, "keys", 100000, "keys for the put/get/scan workloads")
	fs.IntVar(&cfg.valueBytes, "value_bytes", 256, "value size in bytes")
	fs.IntVar(&cfg.batch, "batch", 1000, "puts per tx in the batched put workloads")
	fs.IntVar(&cfg.commits, "commits", 1000, "single-put txs in commit_latency")
	fs.Int64Var(&cfg.seed, "seed", 1, "PRNG seed for keys, values and get order")
	fs.StringVar(&cfg.only, "only", "", "run only this workload (put_seq_batched, put_rand_batched, get_rand, scan, commit_latency)")
	fs.IntVar(&cfg.runs, "runs", 1, "runs of every workload (fresh files each); the run with the median ns_per_op is printed")
	if err := fs.Parse(args); err != nil {
		return 2
	}
	if cfg.dir == "" {
		d, err := os.MkdirTemp("", "bbolt_bench")
		if err != nil {
			fmt.Fprintln(os.Stderr, err)
			return 1
		}
		defer os.RemoveAll(d)
		cfg.dir = d
	}
	if err := os.MkdirAll(cfg.dir, 0755); err != nil {
		fmt.Fprintln(os.Stderr, err)
		return 1
	}
	byWorkload := map[string][]benchResult{}
	var order []string
	for run := 0; run < cfg.runs; run++ {
		results, err := benchAll(cfg)
		if err != nil {
			fmt.Fprintln(os.Stderr, "bench:", err)
			return 1
		}
		for _, r := range results {
			if run == 0 {
				order = append(order, r.workload)
			}
			byWorkload[r.workload] = append(byWorkload[r.workload], r)
		}
	}
	for _, w := range order {
		rs := byWorkload[w]
		sort.Slice(rs, func(i, j int) bool { return rs[i].nsPerOp < rs[j].nsPerOp })
		runs := ""
		if cfg.runs > 1 {
			runs = fmt.Sprintf(" runs=%d", cfg.runs)
		}
		fmt.Printf("bbolt %s %s%s\n", w, rs[len(rs)/2].line, runs)
	}
	return 0
}

// benchAll runs every selected workload once on fresh files.
func benchAll(cfg benchConfig) ([]benchResult, error) {
	r := rand.New(rand.NewSource(cfg.seed))
	value := make([]byte, cfg.valueBytes)
	r.Read(value)
	want := func(name string) bool { return cfg.only == "" || cfg.only == name }
	seqPath := filepath.Join(cfg.dir, "seq.db")
	randPath := filepath.Join(cfg.dir, "rand.db")
	rkeys := randKeys(cfg.keys, r)
	var results []benchResult
	add := func(res benchResult, err error) error {
		if err == nil {
			results = append(results, res)
		}
		return err
	}

	// (1) and (4) share seq.db; (2) and (3) share rand.db.
	if want("put_seq_batched") || want("scan") {
		res, err := benchPut("put_seq_batched", seqPath, seqKeys(cfg.keys), value, cfg)
		if err != nil {
			return nil, err
		}
		if want("put_seq_batched") {
			results = append(results, res)
		}
	}
	if want("put_rand_batched") || want("get_rand") {
		res, err := benchPut("put_rand_batched", randPath, rkeys, value, cfg)
		if err != nil {
			return nil, err
		}
		if want("put_rand_batched") {
			results = append(results, res)
		}
	}
	if want("get_rand") {
		if err := add(benchGet(randPath, rkeys, r, cfg)); err != nil {
			return nil, err
		}
	}
	if want("scan") {
		if err := add(benchScan(seqPath, cfg)); err != nil {
			return nil, err
		}
	}
	if want("commit_latency") {
		if err := add(benchCommitLatency(filepath.Join(cfg.dir, "commit.db"), value, cfg)); err != nil {
			return nil, err
		}
	}
	return results, nil
}

func nsPerOp(n int, d time.Duration) float64 { return float64(d.Nanoseconds()) / float64(n) }

func rate(n int, d time.Duration) string {
	return fmt.Sprintf("ops_per_s=%.0f ns_per_op=%.0f", float64(n)/d.Seconds(), nsPerOp(n, d))
}

// benchPut: fresh file, keys put in the given order, cfg.batch puts per tx.
func benchPut(name, path string, keys [][]byte, value []byte, cfg benchConfig) (benchResult, error) {
	d, err := putBatched(path, keys, value, cfg.batch)
	if err != nil {
		return benchResult{}, err
	}
	return benchResult{name, nsPerOp(len(keys), d), fmt.Sprintf("keys=%d value_bytes=%d batch=%d %s file_bytes=%d",
		len(keys), cfg.valueBytes, cfg.batch, rate(len(keys), d), fileBytes(path))}, nil
}

// benchGet: cfg.keys point gets, keys drawn uniformly with replacement from
// the inserted keys, all in one read tx on a freshly opened db.
func benchGet(path string, keys [][]byte, r *rand.Rand, cfg benchConfig) (benchResult, error) {
	order := make([]int, cfg.keys)
	for i := range order {
		order[i] = r.Intn(len(keys))
	}
	db, err := bolt.Open(path, 0644, nil)
	if err != nil {
		return benchResult{}, err
	}
	defer db.Close()
	var d time.Duration
	err = db.View(func(tx *bolt.Tx) error {
		b := tx.Bucket(benchBucket)
		start := time.Now()
		for _, i := range order {
			if v := b.Get(keys[i]); len(v) != cfg.valueBytes {
				return fmt.Errorf("get %x: missing", keys[i])
			}
		}
		d = time.Since(start)
		return nil
	})
	if err != nil {
		return benchResult{}, err
	}
	return benchResult{"get_rand", nsPerOp(len(order), d),
		fmt.Sprintf("keys=%d gets=%d %s", len(keys), len(order), rate(len(order), d))}, nil
}

// benchScan: one cursor pass First..Next over every key in one read tx,
// touching each value's length.
func benchScan(path string, cfg benchConfig) (benchResult, error) {
	db, err := bolt.Open(path, 0644, nil)
	if err != nil {
		return benchResult{}, err
	}
	defer db.Close()
	var n, valueBytes int
	var d time.Duration
	err = db.View(func(tx *bolt.Tx) error {
		start := time.Now()
		c := tx.Bucket(benchBucket).Cursor()
		for k, v := c.First(); k != nil; k, v = c.Next() {
			n++
			valueBytes += len(v)
		}
		d = time.Since(start)
		return nil
	})
	if err != nil {
		return benchResult{}, err
	}
	if n != cfg.keys || valueBytes != cfg.keys*cfg.valueBytes {
		return benchResult{}, fmt.Errorf("scan saw %d keys, %d value bytes", n, valueBytes)
	}
	return benchResult{"scan", nsPerOp(n, d), fmt.Sprintf("keys=%d %s", n, rate(n, d))}, nil
}

// benchCommitLatency: cfg.commits txs on a fresh db, each putting one
// sequential 8-byte key; each db.Update (begin, put, commit with fsyncs) is
// timed on its own.
func benchCommitLatency(path string, value []byte, cfg benchConfig) (benchResult, error) {
	db, err := openBench(path)
	if err != nil {
		return benchResult{}, err
	}
	defer db.Close()
	lat := make([]time.Duration, 0, cfg.commits)
	var total time.Duration
	for _, k := range seqKeys(cfg.commits) {
		start := time.Now()
		err := db.Update(func(tx *bolt.Tx) error { return tx.Bucket(benchBucket).Put(k, value) })
		d := time.Since(start)
		if err != nil {
			return benchResult{}, err
		}
		lat = append(lat, d)
		total += d
	}
	sort.Slice(lat, func(i, j int) bool { return lat[i] < lat[j] })
	us := func(p float64) float64 { return float64(lat[int(p*float64(len(lat)-1))].Nanoseconds()) / 1e3 }
	return benchResult{"commit_latency", nsPerOp(len(lat), total), fmt.Sprintf(
		"commits=%d %s mean_us=%.1f p50_us=%.1f p99_us=%.1f max_us=%.1f file_bytes=%d",
		len(lat), rate(len(lat), total), nsPerOp(len(lat), total)/1e3, us(0.50), us(0.99), us(1.0),
		fileBytes(path))}, nil
}
