// bcrypt password hashes as Go's golang.org/x/crypto/bcrypt writes them ("$2a$10$<salt><hash>",
// 60 characters), computed with libxcrypt. etcd stores exactly these bytes in authpb.User.password,
// so hashes move between etcd and Cairn in snapshots both ways.
//
// Thread-safety: both functions may be called concurrently (crypt_rn with per-call state).
#pragma once

#include <string>
#include <string_view>

#include "base/status.h"

namespace cairn::auth {

inline constexpr int kBcryptMinCost = 4;   // Go bcrypt.MinCost
inline constexpr int kBcryptMaxCost = 31;  // Go bcrypt.MaxCost
inline constexpr int kBcryptDefaultCost = 10;

// Hashes `password` with a fresh random salt. REQUIRES: kBcryptMinCost <= cost <= kBcryptMaxCost.
Status BcryptHash(std::string_view password, int cost, std::string* hash);

// True when `password` matches `hash` ($2a$, $2b$ or $2y$). Any malformed hash is a mismatch.
bool BcryptVerify(std::string_view hash, std::string_view password);

}  // namespace cairn::auth
