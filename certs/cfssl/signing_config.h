// cfssl's signing configuration JSON (config.Config):
//   {"signing": {"default": PROFILE, "profiles": {"NAME": PROFILE, ...}}}
//   PROFILE = {"usages": ["signing", "key encipherment", "server auth", ...], "expiry": "8760h",
//              "ca_constraint": {"is_ca": bool, "max_path_len": N, "max_path_len_zero": bool}}
// Without a config (or without "default"), cfssl's DefaultConfig: 8760h and signing, key
// encipherment, server auth, client auth. Kept apart from the signer (CRAFT.md §12).
//
// Stricter than cfssl 1.2 (docs/certs.md): an unknown usage is an error (cfssl drops it), and an
// unknown -profile is an error (cfssl silently signs with the default profile).
#pragma once

#include <cstdint>
#include <map>
#include <string>
#include <string_view>
#include <vector>

#include "base/status.h"

namespace cairn::certs::cfssl {

struct SigningProfile {
  uint32_t key_usage = 0;          // KeyUsageBit mask
  std::vector<int> ext_key_usage;  // NIDs in the order the usages are listed
  int64_t expiry_seconds = 0;
  bool is_ca = false;
  int max_path_len = -1;
};

struct SigningConfig {
  SigningProfile default_profile;
  std::map<std::string, SigningProfile> profiles;

  // The named profile ("" = default); InvalidArgument for an unknown name.
  Status Profile(std::string_view name, const SigningProfile** out) const;
};

SigningConfig DefaultSigningConfig();
Status ParseSigningConfig(std::string_view json_text, SigningConfig* out);

// One cfssl usage word into the profile ("signing", "server auth", ...); false when unknown.
bool AddUsage(std::string_view usage, SigningProfile* profile);

}  // namespace cairn::certs::cfssl
