#include "k8s/apiserver_manifest.h"

#include <yaml-cpp/yaml.h>

#include <sstream>

namespace cairn::k8s {
namespace {

constexpr char kOverridesFlag[] = "--etcd-servers-overrides=";
constexpr char kServersFlag[] = "--etcd-servers=";

std::vector<std::string> SplitLines(const std::string& text) {
  std::vector<std::string> lines;
  std::string line;
  std::istringstream in(text);
  while (std::getline(in, line)) lines.push_back(line);
  return lines;
}

// The command-list item "<indent>- <flag>..." → the indent; npos when the line is not one.
size_t FlagItemIndent(const std::string& line, const std::string& flag) {
  const size_t dash = line.find_first_not_of(' ');
  if (dash == std::string::npos || line.compare(dash, 2, "- ") != 0) return std::string::npos;
  return line.compare(dash + 2, flag.size(), flag) == 0 ? dash : std::string::npos;
}

// Replaces the "/events#..." entry of a comma-separated overrides value, or appends one.
std::string MergeOverride(const std::string& existing, const std::string& events_entry) {
  std::vector<std::string> entries;
  std::string item;
  std::istringstream in(existing);
  bool replaced = false;
  while (std::getline(in, item, ',')) {
    if (item.empty()) continue;
    if (item.rfind("/events#", 0) == 0) {
      if (!replaced) entries.push_back(events_entry);
      replaced = true;
    } else {
      entries.push_back(item);
    }
  }
  if (!replaced) entries.push_back(events_entry);
  std::string out;
  for (const std::string& e : entries) out += (out.empty() ? "" : ",") + e;
  return out;
}

bool CommandHolds(const std::string& text, const std::string& flag, std::string* why) {
  try {
    YAML::Node root = YAML::Load(text);
    if (!root.IsMap() || root["kind"].as<std::string>("") != "Pod") {
      *why = "not a Pod manifest";
      return false;
    }
    YAML::Node containers = root["spec"]["containers"];
    if (!containers.IsSequence() || containers.size() == 0 || !containers[0]["command"].IsSequence()) {
      *why = "no spec.containers[0].command";
      return false;
    }
    for (const YAML::Node& arg : containers[0]["command"]) {
      if (arg.as<std::string>("") == flag) return true;
    }
    *why = "the flag is not in spec.containers[0].command after the edit";
    return false;
  } catch (const YAML::Exception& e) {
    *why = std::string("YAML: ") + e.what();
    return false;
  }
}

}  // namespace

std::string EventsOverrideValue(const std::vector<std::string>& servers) {
  std::string out = "/events#";
  for (size_t i = 0; i < servers.size(); ++i) out += (i ? ";" : "") + servers[i];
  return out;
}

bool AddEventsOverride(const std::string& path, const std::string& manifest,
                       const std::string& override_value, std::string* out, std::string* error) {
  std::string why;
  if (!CommandHolds(manifest, "kube-apiserver", &why)) {
    *error = "--apiserver-manifest: " + path + ": not kubeadm's kube-apiserver manifest (" +
             (why.empty() ? "its command does not start kube-apiserver" : why) + ")";
    return false;
  }
  std::vector<std::string> lines = SplitLines(manifest);
  std::string final_flag;
  bool done = false;
  for (std::string& line : lines) {
    const size_t indent = FlagItemIndent(line, kOverridesFlag);
    if (indent == std::string::npos) continue;
    const std::string existing = line.substr(indent + 2 + std::string(kOverridesFlag).size());
    final_flag = kOverridesFlag + MergeOverride(existing, override_value);
    line = std::string(indent, ' ') + "- " + final_flag;
    done = true;
    break;
  }
  if (!done) {
    for (size_t i = 0; i < lines.size(); ++i) {
      const size_t indent = FlagItemIndent(lines[i], kServersFlag);
      if (indent == std::string::npos) continue;
      final_flag = kOverridesFlag + override_value;
      lines.insert(lines.begin() + static_cast<std::ptrdiff_t>(i) + 1,
                   std::string(indent, ' ') + "- " + final_flag);
      done = true;
      break;
    }
  }
  if (!done) {
    *error = "--apiserver-manifest: " + path +
             ": no \"- --etcd-servers=\" item in the command to add the override after";
    return false;
  }
  std::string text;
  for (const std::string& l : lines) text += l + "\n";
  if (!CommandHolds(text, final_flag, &why)) {
    *error = "--apiserver-manifest: " + path + ": " + why;
    return false;
  }
  *out = std::move(text);
  return true;
}

}  // namespace cairn::k8s
