package main

import (
	"bufio"
	"fmt"
	"io"
	"os"

	bolt "go.etcd.io/bbolt"
)

// Canonical dump format, one entry per line, in byte order, depth-first:
//
//	B <path>                      a bucket
//	K <path> <keyhex> <valuehex>  a key; <path> is its containing bucket's path
//
// <path> is the bucket path as lowercase hex names joined by "/". A nested
// bucket's B line comes where its name sorts among its siblings' keys, then
// its contents. Empty values print as "-". bbolt has no keys at top level.

func bucketLine(path string) string { return "B " + path + "\n" }

func keyLine(path string, k, v []byte) string {
	vhex := "-"
	if len(v) > 0 {
		vhex = fmt.Sprintf("%x", v)
	}
	return fmt.Sprintf("K %s %x %s\n", path, k, vhex)
}

func childPath(parent string, name []byte) string {
	if parent == "" {
		return fmt.Sprintf("%x", name)
	}
	return fmt.Sprintf("%s/%x", parent, name)
}

// dumpDB writes the canonical dump of db to w.
func dumpDB(db *bolt.DB, w io.Writer) error {
	return db.View(func(tx *bolt.Tx) error {
		return tx.ForEach(func(name []byte, b *bolt.Bucket) error {
			return dumpBucket(b, childPath("", name), w)
		})
	})
}

func dumpBucket(b *bolt.Bucket, path string, w io.Writer) error {
	if _, err := io.WriteString(w, bucketLine(path)); err != nil {
		return err
	}
	c := b.Cursor()
	for k, v := c.First(); k != nil; k, v = c.Next() {
		if v == nil {
			if child := b.Bucket(k); child != nil {
				if err := dumpBucket(child, childPath(path, k), w); err != nil {
					return err
				}
				continue
			}
		}
		if _, err := io.WriteString(w, keyLine(path, k, v)); err != nil {
			return err
		}
	}
	return nil
}

func runDump(path string) int {
	db, err := openReadOnly(path)
	if err != nil {
		fmt.Fprintf(os.Stderr, "open %s: %v\n", path, err)
		return 1
	}
	defer db.Close()
	w := bufio.NewWriterSize(os.Stdout, 1<<16)
	err = dumpDB(db, w)
	if ferr := w.Flush(); err == nil {
		err = ferr
	}
	if err != nil {
		fmt.Fprintf(os.Stderr, "dump %s: %v\n", path, err)
		return 1
	}
	return 0
}
