// zap_oracle writes one zap JSON line per input line, using etcd 3.5's encoder configuration
// (logutil.DefaultZapLoggerConfig), so tests can compare Cairn's log lines with zap's own.
// Input line: "<level> <hex msg> [<kind>:<hex key>:<hex value>]..." with kinds
// s (string), i (int64), u (uint64), b (bool), d (duration in ns), f (float64),
// a (string array, value = hex items joined by ',').
// Run with GOPATH=/usr/share/gocode GO111MODULE=off (Debian's golang-go.uber-zap-dev).
package main

import (
	"bufio"
	"encoding/hex"
	"os"
	"strconv"
	"strings"
	"time"

	"go.uber.org/zap"
	"go.uber.org/zap/zapcore"
)

func unhex(s string) string {
	b, err := hex.DecodeString(s)
	if err != nil {
		panic(err)
	}
	return string(b)
}

func main() {
	enc := zapcore.EncoderConfig{
		TimeKey:        "ts",
		LevelKey:       "level",
		NameKey:        "logger",
		CallerKey:      "caller",
		MessageKey:     "msg",
		StacktraceKey:  "stacktrace",
		LineEnding:     zapcore.DefaultLineEnding,
		EncodeLevel:    zapcore.LowercaseLevelEncoder,
		EncodeTime: func(t time.Time, e zapcore.PrimitiveArrayEncoder) {
			e.AppendString(t.UTC().Format("2006-01-02T15:04:05.000000Z0700"))
		},
		EncodeDuration: zapcore.StringDurationEncoder,
		EncodeCaller:   zapcore.ShortCallerEncoder,
	}
	core := zapcore.NewCore(zapcore.NewJSONEncoder(enc), zapcore.AddSync(os.Stdout), zapcore.DebugLevel)
	lg := zap.New(core, zap.AddCaller())
	in := bufio.NewScanner(os.Stdin)
	in.Buffer(make([]byte, 1<<20), 1<<20)
	for in.Scan() {
		tokens := strings.Split(in.Text(), " ")
		var fields []zap.Field
		for _, t := range tokens[2:] {
			p := strings.SplitN(t, ":", 3)
			key, val := unhex(p[1]), ""
			if p[0] != "a" {
				val = unhex(p[2])
			}
			switch p[0] {
			case "s":
				fields = append(fields, zap.String(key, val))
			case "i":
				n, _ := strconv.ParseInt(val, 10, 64)
				fields = append(fields, zap.Int64(key, n))
			case "u":
				n, _ := strconv.ParseUint(val, 10, 64)
				fields = append(fields, zap.Uint64(key, n))
			case "b":
				fields = append(fields, zap.Bool(key, val == "true"))
			case "d":
				n, _ := strconv.ParseInt(val, 10, 64)
				fields = append(fields, zap.Duration(key, time.Duration(n)))
			case "f":
				f, _ := strconv.ParseFloat(val, 64)
				fields = append(fields, zap.Float64(key, f))
			case "a":
				var items []string
				if p[2] != "" {
					for _, h := range strings.Split(p[2], ",") {
						items = append(items, unhex(h))
					}
				}
				fields = append(fields, zap.Strings(key, items))
			}
		}
		msg := unhex(tokens[1])
		switch tokens[0] {
		case "debug":
			lg.Debug(msg, fields...)
		case "info":
			lg.Info(msg, fields...)
		case "warn":
			lg.Warn(msg, fields...)
		}
	}
	lg.Sync()
}
