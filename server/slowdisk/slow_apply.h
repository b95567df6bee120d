// etcd's warnOfExpensiveRequest for applied entries: "apply request took too long" {took,
// expected-duration, prefix "", request, response "size:N", error} and
// etcd_server_slow_apply_total. The request text follows etcd's loggable form for puts
// (`header:<ID:7 > put:<key:"k" value_size:3 >`, values never logged); other kinds print the
// request in protobuf's short text form with every put value removed.
#pragma once

#include <chrono>
#include <string>

#include "server/etcdserver/server.h"
#include "server/logging/logger.h"

namespace cairn::slowdisk {

std::string RequestString(const etcdserver::InternalRequest& req);

void WarnOfSlowApply(logging::Logger& lg, std::chrono::nanoseconds took, std::chrono::nanoseconds expected,
                     const etcdserver::InternalRequest& req, const etcdserver::ApplyResult& res);

}  // namespace cairn::slowdisk
