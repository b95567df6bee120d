// Command bbolt_oracle is Cairn's external oracle for the bbolt file format.
// It is built from Debian's packaged bbolt (go.etcd.io/bbolt 1.3.6), so its
// verdicts come from the reference implementation, not from Cairn's own
// understanding of the format (CRAFT.md §11).
//
// Usage:
//
//	bbolt_oracle check FILE            an ordering/routing walk plus bbolt's tx.Check(); "ok" + exit 0, or errors + exit 1
//	bbolt_oracle dump FILE             every bucket and key in canonical order (see dump.go)
//	bbolt_oracle write FILE SEED OPS   a randomized, seed-deterministic bbolt file (see write.go)
//	bbolt_oracle bench [flags]         Go-side benchmarks on bbolt (see bench.go, README.md)
package main

import (
	"fmt"
	"os"
	"strconv"
	"syscall"
)

// heapBytesMax caps the private memory of check and dump: garbage lengths or
// page cycles in a corrupt file must not let bbolt allocate the machine's
// memory away. The mmap of the db file is shared and does not count; bbolt's
// checker needs ~100 bytes per page, so 512 MiB covers multi-GB files.
const heapBytesMax = 512 << 20

func limitHeap() {
	lim := syscall.Rlimit{Cur: heapBytesMax, Max: heapBytesMax}
	if err := syscall.Setrlimit(syscall.RLIMIT_DATA, &lim); err != nil {
		fmt.Fprintln(os.Stderr, "setrlimit(RLIMIT_DATA):", err)
	}
}

func usage() {
	fmt.Fprintln(os.Stderr, `usage:
  bbolt_oracle check FILE
  bbolt_oracle dump FILE
  bbolt_oracle write FILE SEED OPS [-page_size BYTES]
  bbolt_oracle bench [-dir DIR] [-keys N] [-value_bytes N] [-batch N] [-commits N] [-seed N] [-only NAME] [-runs N]`)
	os.Exit(2)
}

func main() {
	if len(os.Args) < 2 {
		usage()
	}
	args := os.Args[2:]
	switch os.Args[1] {
	case "check", "dump", walkCommand, bboltCheckCommand:
		limitHeap()
	}
	switch os.Args[1] {
	case "check":
		if len(args) != 1 {
			usage()
		}
		os.Exit(runCheck(args[0]))
	case walkCommand: // internal: see checkFile
		if len(args) != 1 {
			usage()
		}
		os.Exit(runWalk(args[0]))
	case bboltCheckCommand: // internal: see checkFile
		if len(args) != 1 {
			usage()
		}
		os.Exit(runBboltTxCheck(args[0]))
	case "dump":
		if len(args) != 1 {
			usage()
		}
		os.Exit(runDump(args[0]))
	case "write":
		if len(args) < 3 {
			usage()
		}
		seed, err1 := strconv.ParseInt(args[1], 10, 64)
		ops, err2 := strconv.Atoi(args[2])
		if err1 != nil || err2 != nil || ops < 0 {
			usage()
		}
		os.Exit(runWrite(args[0], seed, ops, args[3:]))
	case "bench":
		os.Exit(runBench(args))
	default:
		usage()
	}
}
