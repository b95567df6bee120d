// AuthInfo: who a request comes from, as resolved from its token or client certificate (etcd's
// auth.AuthInfo). An empty username means "no credentials"; revision is the auth revision the
// credentials were checked against (0 with no credentials). Carried in the Raft entry header so
// the apply thread can recheck permissions and refuse a stale revision (etcd's authApplierV3).
#pragma once

#include <cstdint>
#include <string>

namespace cairn::auth {

struct AuthInfo {
  std::string username;
  uint64_t revision = 0;
};

}  // namespace cairn::auth
