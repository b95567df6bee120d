// --cluster and endpointsFromCluster (ep_command.go): the endpoints a per-endpoint command
// visits: --endpoints, or with --cluster every member's client URLs from a member list.
#pragma once

#include <string>
#include <vector>

#include "ctl/command.h"

namespace cairn::ctl {

void DefineClusterFlag(FlagSet* fs);
std::vector<std::string> EndpointsFromCluster(Context& ctx);

}  // namespace cairn::ctl
