// systemd's readiness protocol (sd_notify(3)): a Type=notify unit waits until the service sends
// "READY=1" as one datagram to the AF_UNIX socket named by $NOTIFY_SOCKET (a path, or an
// abstract name written with a leading '@'). etcd does this once it serves client requests
// (etcdmain notifySystemd); so does Cairn, from serve.cc, right after "ready to serve client
// requests". Without $NOTIFY_SOCKET nothing is sent and nothing is logged.
#ifndef CAIRN_SERVER_API_SYSTEMD_NOTIFY_H_
#define CAIRN_SERVER_API_SYSTEMD_NOTIFY_H_

#include <string>

#include "base/status.h"
#include "server/logging/logger.h"

namespace cairn::api {

// Sends `state` (e.g. "READY=1") to the socket named `socket_name` ('@' = abstract namespace).
Status SdNotify(const std::string& socket_name, const std::string& state);

// Reads $NOTIFY_SOCKET and sends READY=1 there, logging etcd's messages ("notifying init
// daemon", then "successfully notified init daemon" or "failed to notify systemd for
// readiness"). A failure is logged, never fatal: the server keeps serving.
void NotifySystemdReady(logging::Logger& lg);

}  // namespace cairn::api

#endif  // CAIRN_SERVER_API_SYSTEMD_NOTIFY_H_
