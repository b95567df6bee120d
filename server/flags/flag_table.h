// The table of every etcd 3.5 server flag Cairn knows: its kind (how Go's flag package parses
// it), its default as `etcd --help` prints it, its help line, and how it lands in ServerConfig.
//
// Flags with `apply == nullptr` are accepted for drop-in compatibility (kubeadm manifests, systemd
// units written for etcd) and validated by kind, but have no effect: their values are recorded in
// ServerConfig::ignored_flags and `--help` lists them apart, so the help text stays true.
#pragma once

#include <span>
#include <string_view>

#include "base/status.h"
#include "server/flags/server_config.h"

namespace cairn::flags {

enum class FlagKind {
  kString,
  kBool,      // `-flag` alone means true; a value must be attached with '='
  kUint,      // Go uint (64-bit)
  kUint32,    // Go uint32 flags (e.g. --max-concurrent-streams)
  kInt,       // Go int (64-bit)
  kDuration,  // Go time.Duration text ("100ms")
  kUrls,      // comma-separated URL list (types.NewURLs)
  kChoice,    // one of a fixed set; Go's error is "invalid value"
};

struct FlagSpec {
  const char* name;  // without dashes
  FlagKind kind;
  const char* default_text;  // as printed by --help between quotes
  const char* section;       // "Member", "Clustering", ...
  const char* help;          // one or more lines, without indentation
  // Applies an already kind-checked value; returns InvalidArgument with Go's reason on failure.
  // nullptr: accepted, not implemented.
  Status (*apply)(ServerConfig& config, std::string_view value);
  // The Go type of the YAML key in --config-file ("string", "uint", "uint64", "int", "int64",
  // "bool", "time.Duration", "[]string"), or nullptr when the key is not read from YAML.
  const char* yaml_go_type;
  // kChoice: the valid values, separated by '|'.
  const char* choices = nullptr;
};

// All flags, in --help order.
std::span<const FlagSpec> AllFlags();

// nullptr if unknown.
const FlagSpec* FindFlag(std::string_view name);

// Parses `value` as `spec.kind` and applies it. The error is the bare Go reason ("parse error",
// "invalid value", a URL message); the caller adds Go's wrapping.
Status SetFlag(const FlagSpec& spec, std::string_view value, ServerConfig* config);

}  // namespace cairn::flags
