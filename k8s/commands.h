// The `cairn k8s` commands, one per file; each takes argv with argv[0] = its own name.
#ifndef CAIRN_K8S_COMMANDS_H_
#define CAIRN_K8S_COMMANDS_H_

namespace cairn::k8s {

int StackedCommand(int argc, char** argv);   // stacked_command.cc
int ExternalCommand(int argc, char** argv);  // external_command.cc
int EventsCommand(int argc, char** argv);    // events_command.cc

}  // namespace cairn::k8s

#endif  // CAIRN_K8S_COMMANDS_H_
