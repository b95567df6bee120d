package main

import (
	"bytes"
	"fmt"
	"os"
	"os/exec"
	"runtime/debug"
	"strings"
	"time"

	bolt "go.etcd.io/bbolt"
)

// errorsMax bounds how many errors check prints.
const errorsMax = 100

// Hidden subcommands that run one step of checkFile in a child process.
const (
	walkCommand       = "walk-check"
	bboltCheckCommand = "bbolt-tx-check"
)

// openReadOnly opens path read-only under a shared flock. A missing file is
// an error (bbolt would otherwise refuse anyway in read-only mode).
func openReadOnly(path string) (*bolt.DB, error) {
	if _, err := os.Stat(path); err != nil {
		return nil, err
	}
	return bolt.Open(path, 0400, &bolt.Options{ReadOnly: true, Timeout: 5 * time.Second})
}

// runCheck prints "ok" and returns 0, or prints each error found by
// checkFile (at most errorsMax lines) and returns 1.
func runCheck(path string) int {
	errs := checkFile(path)
	if len(errs) == 0 {
		fmt.Println("ok")
		return 0
	}
	for i, e := range errs {
		if i == errorsMax {
			fmt.Printf("... and more errors\n")
			break
		}
		fmt.Println(e)
	}
	return 1
}

// checkFile returns the errors found in path (none means ok), in three steps:
//
//  1. The file must be at least as long as its high-water mark (meta pgid
//     times page size); otherwise every later step would read past its end.
//  2. A walk of every bucket, because bbolt 1.3.6's tx.Check() does not look
//     at keys: keys strictly ascending along the cursor, and every key found
//     again by Seek with the same value and bucket flag, which proves that
//     branch keys route lookups to the right leaf.
//  3. bbolt's own tx.Check(): double frees, pages referenced twice, reachable
//     freed pages, invalid page types, pages neither reachable nor free.
//
// Steps 2 and 3 run in child processes (hidden subcommands) with bounded
// memory: on corrupt pages bbolt may panic in a goroutine of its own, fault,
// or loop (a page cycle makes a cursor descend forever), none of which a
// recover() can always catch. A crashed child is reported as an error.
func checkFile(path string) []string {
	db, err := openReadOnly(path)
	if err != nil {
		return []string{fmt.Sprintf("open %s: %v", path, err)}
	}
	var errs []string
	_ = db.View(func(tx *bolt.Tx) error {
		if st, err := os.Stat(path); err != nil || st.Size() < tx.Size() {
			errs = append(errs, fmt.Sprintf("file %s is shorter than its high-water mark (%d pages of %d bytes = %d bytes)",
				path, tx.Size()/int64(db.Info().PageSize), db.Info().PageSize, tx.Size()))
		}
		return nil
	})
	db.Close()
	if len(errs) > 0 {
		return errs
	}
	walkErrs, walkComplete := runChild(walkCommand, path)
	if !walkComplete {
		return append(walkErrs, "bbolt tx.Check() skipped: the walk could not finish")
	}
	checkErrs, _ := runChild(bboltCheckCommand, path)
	return append(walkErrs, checkErrs...)
}

// Exit statuses of the hidden subcommands; anything else is a crash.
const (
	childOK         = 0
	childErrors     = 1
	childIncomplete = 3 // errors found, and the step stopped early
)

// runChild runs `bbolt_oracle <subcommand> path` and returns its error lines
// (or one line describing its crash) and whether it ran to completion.
func runChild(subcommand, path string) (errs []string, complete bool) {
	self, err := os.Executable()
	if err != nil {
		return []string{fmt.Sprintf("cannot find own executable: %v", err)}, false
	}
	var stdout, stderr bytes.Buffer
	cmd := exec.Command(self, subcommand, path)
	cmd.Stdout, cmd.Stderr = &stdout, &stderr
	err = cmd.Run()
	for _, line := range strings.Split(stdout.String(), "\n") {
		if line != "" {
			errs = append(errs, line)
		}
	}
	code := cmd.ProcessState.ExitCode() // -1 if killed by a signal
	switch {
	case err == nil:
		return errs, true
	case code == childErrors:
		return errs, true
	case code == childIncomplete:
		return errs, false
	}
	first := strings.SplitN(strings.TrimSpace(stderr.String()), "\n", 2)[0]
	return append(errs, fmt.Sprintf("%s crashed (%v): %s", subcommand, err, first)), false
}

// runWalk is the child side of step 2.
func runWalk(path string) int {
	db, err := openReadOnly(path)
	if err != nil {
		fmt.Printf("open %s: %v\n", path, err)
		return childIncomplete
	}
	var errs []string
	complete := false
	_ = db.View(func(tx *bolt.Tx) error { complete = walkAll(tx, &errs); return nil })
	for _, e := range errs {
		fmt.Println(e)
	}
	switch {
	case !complete:
		return childIncomplete
	case len(errs) > 0:
		return childErrors
	}
	return childOK
}

// runBboltTxCheck is the child side of step 3. It stops after errorsMax
// errors because on a page cycle bbolt's checker reports "multiple
// references" forever.
func runBboltTxCheck(path string) int {
	db, err := openReadOnly(path)
	if err != nil {
		fmt.Printf("open %s: %v\n", path, err)
		return childIncomplete
	}
	n := 0
	_ = db.View(func(tx *bolt.Tx) error {
		for e := range tx.Check() {
			fmt.Println(e)
			if n++; n >= errorsMax {
				break
			}
		}
		return nil
	})
	if n > 0 {
		return childErrors
	}
	return childOK
}

// walker is the ordering/routing walk over every bucket of a read tx.
type walker struct {
	errs *[]string
	// keysLeft bounds the walk: a file cannot hold more keys than one per
	// 16-byte leaf element header, so exceeding it means pages form a cycle.
	keysLeft int64
}

// walkAbort is panicked to stop a walk that has seen enough.
type walkAbort struct{ reason string }

func (w *walker) fail(format string, args ...interface{}) {
	*w.errs = append(*w.errs, fmt.Sprintf(format, args...))
	if len(*w.errs) > errorsMax {
		panic(walkAbort{"too many errors"})
	}
}

// walkAll walks every root bucket. It returns false if the walk stopped early
// (bbolt panicked or faulted on corrupt pages, too many errors, or a page
// cycle); the reason is recorded as an error.
func walkAll(tx *bolt.Tx, errs *[]string) (complete bool) {
	w := &walker{errs: errs, keysLeft: tx.Size()/16 + 1}
	defer debug.SetPanicOnFault(debug.SetPanicOnFault(true))
	defer func() {
		if r := recover(); r != nil {
			if a, ok := r.(walkAbort); ok {
				*errs = append(*errs, "walk stopped: "+a.reason)
			} else {
				*errs = append(*errs, fmt.Sprintf("walk: bbolt panicked: %v", r))
			}
			complete = false
		}
	}()
	var prev []byte
	_ = tx.ForEach(func(name []byte, b *bolt.Bucket) error {
		if prev != nil && bytes.Compare(prev, name) >= 0 {
			w.fail("root: bucket %x not after %x", name, prev)
		}
		prev = append([]byte(nil), name...)
		if b == nil {
			w.fail("root: bucket %x not found again by name", name)
			return nil
		}
		w.walkBucket(b, fmt.Sprintf("%x", name))
		return nil
	})
	return true
}

func (w *walker) walkBucket(b *bolt.Bucket, path string) {
	var prev []byte
	c := b.Cursor()
	for k, v := c.First(); k != nil; k, v = c.Next() {
		if w.keysLeft--; w.keysLeft < 0 {
			panic(walkAbort{"more keys than the file can hold (page cycle?)"})
		}
		if len(k) > bolt.MaxKeySize {
			panic(walkAbort{fmt.Sprintf("bucket %s: key of %d bytes after %x exceeds MaxKeySize", path, len(k), prev)})
		}
		if prev != nil && bytes.Compare(prev, k) >= 0 {
			w.fail("bucket %s: key %x not after %x", path, k, prev)
		}
		prev = append(prev[:0], k...)

		sk, sv := b.Cursor().Seek(k)
		if !bytes.Equal(sk, k) || !bytes.Equal(sv, v) || (sv == nil) != (v == nil) {
			w.fail("bucket %s: key %x not found again by Seek (got key %x)", path, k, sk)
			continue
		}
		if v == nil {
			child := b.Bucket(k)
			if child == nil {
				w.fail("bucket %s: key %x has nil value but is not a bucket", path, k)
				continue
			}
			w.walkBucket(child, path+"/"+fmt.Sprintf("%x", k))
		}
	}
}
