// go_oracle answers, for each "kind<TAB>input" line on stdin, what Go's standard library (the
// library etcd's flag parsing is built on) makes of the input, one line per query:
//   uint  -> strconv.ParseUint(s, 0, 64) as Go's flag package reports it ("ok <v>" / "err <reason>")
//   int   -> strconv.ParseInt(s, 0, 64)
//   bool  -> strconv.ParseBool
//   dur   -> time.ParseDuration, "ok <nanoseconds>" / "err"
//   durs  -> time.Duration(<int64 ns>).String()
//   float -> strconv.FormatFloat(f, 'g', -1, 64) (Prometheus' text format uses it)
//   urls  -> etcd's types.NewURLs over strings.Split(s, ","): "ok u1,u2" / "err <message>"
// Run with `go run go_oracle.go` (standard library only).
package main

import (
	"bufio"
	"errors"
	"fmt"
	"net"
	"net/url"
	"os"
	"sort"
	"strconv"
	"strings"
	"time"
)

func numErr(err error) string {
	if errors.Is(err, strconv.ErrRange) {
		return "value out of range"
	}
	return "parse error"
}

// newURLs follows etcd's pkg/types.NewURLs.
func newURLs(strs []string) (string, error) {
	var all []string
	for _, in := range strs {
		in = strings.TrimSpace(in)
		u, err := url.Parse(in)
		if err != nil {
			return "", err
		}
		if u.Scheme != "http" && u.Scheme != "https" && u.Scheme != "unix" && u.Scheme != "unixs" {
			return "", fmt.Errorf("URL scheme must be http, https, unix, or unixs: %s", in)
		}
		if _, _, err := net.SplitHostPort(u.Host); err != nil {
			return "", fmt.Errorf(`URL address does not have the form "host:port": %s`, in)
		}
		if u.Path != "" {
			return "", fmt.Errorf("URL must not contain a path: %s", in)
		}
		all = append(all, u.String())
	}
	sort.Strings(all)
	return strings.Join(all, ","), nil
}

func main() {
	in := bufio.NewScanner(os.Stdin)
	out := bufio.NewWriter(os.Stdout)
	defer out.Flush()
	for in.Scan() {
		parts := strings.SplitN(in.Text(), "\t", 2)
		kind, s := parts[0], ""
		if len(parts) == 2 {
			s = parts[1]
		}
		switch kind {
		case "uint":
			v, err := strconv.ParseUint(s, 0, 64)
			if err != nil {
				fmt.Fprintf(out, "err %s\n", numErr(err))
			} else {
				fmt.Fprintf(out, "ok %d\n", v)
			}
		case "int":
			v, err := strconv.ParseInt(s, 0, 64)
			if err != nil {
				fmt.Fprintf(out, "err %s\n", numErr(err))
			} else {
				fmt.Fprintf(out, "ok %d\n", v)
			}
		case "bool":
			v, err := strconv.ParseBool(s)
			if err != nil {
				fmt.Fprintf(out, "err parse error\n")
			} else {
				fmt.Fprintf(out, "ok %v\n", v)
			}
		case "dur":
			v, err := time.ParseDuration(s)
			if err != nil {
				fmt.Fprintf(out, "err\n")
			} else {
				fmt.Fprintf(out, "ok %d\n", int64(v))
			}
		case "durs":
			n, _ := strconv.ParseInt(s, 10, 64)
			fmt.Fprintf(out, "%s\n", time.Duration(n).String())
		case "float":
			f, _ := strconv.ParseFloat(s, 64)
			fmt.Fprintf(out, "%s\n", strconv.FormatFloat(f, 'g', -1, 64))
		case "urls":
			v, err := newURLs(strings.Split(s, ","))
			if err != nil {
				fmt.Fprintf(out, "err %v\n", err)
			} else {
				fmt.Fprintf(out, "ok %s\n", v)
			}
		default:
			fmt.Fprintf(out, "unknown kind %q\n", kind)
		}
	}
}
