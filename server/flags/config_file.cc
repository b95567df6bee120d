// LoadConfigFile: etcd's embed.ConfigFromFile with yaml-cpp. etcd converts YAML to JSON (ghodss/yaml)
// and unmarshals into a Go struct, so a scalar's type matters: quoted "100" for a number field is
// an error, while any scalar is fine for a string field. Type errors reuse Go's wording.
#include <yaml-cpp/yaml.h>

#include <cctype>
#include <cerrno>
#include <cstring>
#include <fstream>
#include <sstream>

#include "server/flags/flag_table.h"
#include "server/flags/go_values.h"
#include "server/flags/parse.h"

namespace cairn::flags {

namespace {

// "client-transport-security" / "peer-transport-security" keys -> flag names.
struct NestedKey {
  const char* yaml_key;
  const char* client_flag;
  const char* peer_flag;
  const char* go_type;
};
constexpr NestedKey kSecurityKeys[] = {
    {"cert-file", "cert-file", "peer-cert-file", "string"},
    {"key-file", "key-file", "peer-key-file", "string"},
    {"client-cert-auth", "client-cert-auth", "peer-client-cert-auth", "bool"},
    {"trusted-ca-file", "trusted-ca-file", "peer-trusted-ca-file", "string"},
    {"auto-tls", "auto-tls", "peer-auto-tls", "bool"},
};

std::string TypeError(const std::string& what, const std::string& field, const std::string& go_type) {
  return "error unmarshaling JSON: while decoding JSON: json: cannot unmarshal " + what +
         " into Go struct field configYAML." + field + " of type " + go_type;
}

// The JSON kind ghodss/yaml would produce for a YAML node: "string", "number", "bool", "array",
// "object" or "null".
std::string JsonKind(const YAML::Node& node, std::string* number_text) {
  if (node.IsNull()) return "null";
  if (node.IsSequence()) return "array";
  if (node.IsMap()) return "object";
  const std::string& s = node.Scalar();
  if (node.Tag() == "!") return "string";  // quoted
  bool b;
  if (YAML::convert<bool>::decode(node, b)) return "bool";
  // A plain scalar that looks like a number is a JSON number.
  char* end = nullptr;
  errno = 0;
  std::strtod(s.c_str(), &end);
  if (!s.empty() && end != nullptr && *end == '\0') {
    *number_text = s;
    return "number";
  }
  return "string";
}

// Converts one YAML value into the flag text SetFlag expects, checking Go's JSON typing.
Status ToFlagText(const YAML::Node& node, const std::string& field, const std::string& go_type, bool* is_null,
                  std::string* text) {
  std::string number;
  std::string kind = JsonKind(node, &number);
  *is_null = kind == "null";
  if (*is_null) return Status::Ok();  // JSON null leaves the default in place.
  if (go_type == "string") {
    if (kind == "array" || kind == "object") return Status::InvalidArgument(TypeError(kind, field, go_type));
    *text = node.Scalar();
    if (kind == "bool") *text = node.as<bool>() ? "true" : "false";
    return Status::Ok();
  }
  if (go_type == "bool") {
    if (kind != "bool") {
      return Status::InvalidArgument(TypeError(kind, field, go_type));
    }
    *text = node.as<bool>() ? "true" : "false";
    return Status::Ok();
  }
  if (go_type == "[]string") {
    if (kind != "array")
      return Status::InvalidArgument(TypeError(kind == "number" ? "number" : kind, field, go_type));
    std::string joined;
    for (size_t i = 0; i < node.size(); i++) {
      if (!node[i].IsScalar()) return Status::InvalidArgument(TypeError("object", field, "string"));
      if (i > 0) joined += ',';
      joined += node[i].Scalar();
    }
    *text = joined;
    return Status::Ok();
  }
  // Numbers: uint, uint32, uint64, int, int64, time.Duration (integer nanoseconds).
  if (kind != "number") return Status::InvalidArgument(TypeError(kind, field, go_type));
  bool is_unsigned = go_type.rfind("uint", 0) == 0;
  bool integral = number.find_first_of(".eE") == std::string::npos;
  if (!integral || (is_unsigned && !number.empty() && number[0] == '-')) {
    return Status::InvalidArgument(TypeError("number " + number, field, go_type));
  }
  *text = go_type == "time.Duration" ? number + "ns" : number;
  return Status::Ok();
}

// "string", "number" or "bool" for a scalar node.
std::string KindOfScalar(const YAML::Node& node) {
  std::string number;
  return JsonKind(node, &number);
}

Status ApplyKey(const FlagSpec& spec, const YAML::Node& value, const std::string& field, const char* go_type,
                ServerConfig* config) {
  bool is_null = false;
  std::string text;
  CAIRN_RETURN_IF_ERROR(ToFlagText(value, field, go_type, &is_null, &text));
  if (is_null) return Status::Ok();
  // YAML assigns choice strings as they are; ValidateServerConfig judges them (etcd: "unexpected
  // clusterState").
  Status st = spec.kind == FlagKind::kChoice && spec.apply != nullptr ? spec.apply(*config, text)
                                                                      : SetFlag(spec, text, config);
  if (!st.ok()) {
    const std::string& why = st.message();
    if (spec.kind == FlagKind::kUrls) {
      // etcd prints this line to stderr and exits 1 (embed.configFromFile); for
      // advertise-client-urls it names "advertise-peer-urls", a slip kept for fidelity.
      std::string named = field == "advertise-client-urls" ? "advertise-peer-urls" : field;
      return Status::InvalidArgument(std::string(kUrlSetupErrorPrefix) + named + ": " + why);
    }
    if (why == "value out of range") {
      return Status::InvalidArgument(TypeError("number " + text, field, go_type));
    }
    return Status::InvalidArgument("invalid value " + text + " for " + field + ": " + why);
  }
  return Status::Ok();
}

}  // namespace

Status LoadConfigFile(const std::string& path, ServerConfig* config, std::vector<ParseNote>* notes) {
  std::ifstream in(path);
  if (!in) {
    // Go's wording: "open /x.yaml: no such file or directory".
    std::string why = std::strerror(errno);
    if (!why.empty()) why[0] = static_cast<char>(std::tolower(static_cast<unsigned char>(why[0])));
    return Status::InvalidArgument("open " + path + ": " + why);
  }
  std::stringstream buffer;
  buffer << in.rdbuf();
  YAML::Node root;
  try {
    root = YAML::Load(buffer.str());
  } catch (const YAML::Exception& e) {
    return Status::InvalidArgument("error converting YAML to JSON: yaml: line " +
                                   std::to_string(e.mark.line + 1) + ": " + e.msg);
  }
  if (root.IsNull()) return Status::Ok();
  if (!root.IsMap()) {
    return Status::InvalidArgument("error unmarshaling JSON: while decoding JSON: json: cannot unmarshal " +
                                   std::string(root.IsSequence() ? "array" : "string") +
                                   " into Go value of type embed.configYAML");
  }
  try {
    for (const auto& entry : root) {
      const std::string key = entry.first.as<std::string>();
      const YAML::Node& value = entry.second;
      if (key == "client-transport-security" || key == "peer-transport-security") {
        if (value.IsNull()) continue;
        if (!value.IsMap()) {
          return Status::InvalidArgument(
              TypeError(value.IsSequence() ? "array" : KindOfScalar(value), key, "embed.securityConfig"));
        }
        const bool peer = key[0] == 'p';
        for (const NestedKey& nk : kSecurityKeys) {
          if (!value[nk.yaml_key]) continue;
          const FlagSpec* spec = FindFlag(peer ? nk.peer_flag : nk.client_flag);
          CAIRN_RETURN_IF_ERROR(
              ApplyKey(*spec, value[nk.yaml_key], key + "." + nk.yaml_key, nk.go_type, config));
        }
        continue;
      }
      const FlagSpec* spec = FindFlag(key);
      if (spec == nullptr || spec->yaml_go_type == nullptr) {
        // Go's JSON decoding ignores unknown keys; etcd does too.
        continue;
      }
      CAIRN_RETURN_IF_ERROR(ApplyKey(*spec, value, key, spec->yaml_go_type, config));
    }
  } catch (const YAML::Exception& e) {
    return Status::InvalidArgument("error unmarshaling JSON: " + e.msg);
  }
  if (config->initial_cluster_state.empty()) config->initial_cluster_state = "new";
  (void)notes;
  return Status::Ok();
}

}  // namespace cairn::flags
