// kubeadm's defaults for a node: the name is the host name in lower case; the advertise address
// is the IPv4 address of the interface that holds the default route (kubeadm's
// ChooseHostInterface), read from /proc/net/route and getifaddrs.
#pragma once

#include <string>

#include "base/status.h"

namespace cairn::certs::kubeadm {

std::string DefaultNodeName();
// The address as text; NotFound when there is no default route with an IPv4 address.
Status DefaultAdvertiseAddress(std::string* out);

}  // namespace cairn::certs::kubeadm
