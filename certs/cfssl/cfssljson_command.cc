// `cfssljson` (commands.h): cfssl's JSON on stdin (or -f FILE) into files. With -bare the input is
// gencert's own object; without it, cfssl's API envelope {"success": true, "result": {...}}.
// Files, as cfssljson writes them: "cert" -> BASE.pem (0644), "key" -> BASE-key.pem (0600),
// "csr" -> BASE.csr (0644); BASE defaults to "cert". Every field is checked before the first
// file is written; each file is written atomically. -stdout prints the fields instead.
#include <cstdio>

#include "certs/cfssl/commands.h"
#include "certs/cfssl/input.h"
#include "certs/cfssl/json.h"
#include "certs/flag_set.h"
#include "certs/x509/pem_file.h"

namespace cairn::certs::cfssl {
namespace {

int Fail(const std::string& message) {
  std::fprintf(stderr, "cfssljson: %s\n", message.c_str());
  return 1;
}

}  // namespace

int CfssljsonMain(int argc, char** argv) {
  bool bare = false, to_stdout = false;
  std::string input = "-";
  std::vector<std::string> args;
  FlagSet flags;
  flags.Bool("bare", &bare);
  flags.Bool("stdout", &to_stdout);
  flags.String("f", &input);
  if (Status st = flags.Parse(argc, argv, 1, &args); !st.ok()) return Fail(st.message());
  if (args.size() > 1) return Fail("want at most one BASENAME argument");
  const std::string base = args.empty() ? "cert" : args[0];

  std::string text;
  if (Status st = ReadInput(input, &text); !st.ok()) return Fail("Failed to read input: " + st.message());
  json::Value doc;
  if (Status st = json::Parse(text, &doc); !st.ok()) return Fail("Failed to parse input: " + st.message());
  const json::Value* fields = &doc;
  if (!bare) {
    const json::Value* success = doc.Find("success");
    fields = doc.Find("result");
    if (success == nullptr || success->type != json::Value::Type::kBool || !success->boolean ||
        fields == nullptr) {
      return Fail(
          "Request failed: the input is not a successful cfssl API response (use -bare for gencert output)");
    }
  }
  if (fields->type != json::Value::Type::kObject) return Fail("Failed to parse input: not a JSON object");
  struct Output {
    const char* field;
    std::string path;
    mode_t mode;
    const json::Value* value;
  } outputs[] = {
      {"cert", base + ".pem", kCertFileMode, nullptr},
      {"key", base + "-key.pem", kKeyFileMode, nullptr},
      {"csr", base + ".csr", kCertFileMode, nullptr},
  };
  bool any = false;
  for (Output& o : outputs) {
    o.value = fields->Find(o.field);
    if (o.value == nullptr || o.value->type == json::Value::Type::kNull) continue;
    if (o.value->type != json::Value::Type::kString) {
      return Fail(std::string("Failed to parse input: \"") + o.field + "\" is not a string");
    }
    any = true;
  }
  if (!any) return Fail("Failed to parse input: no \"cert\", \"key\" or \"csr\" field");
  for (const Output& o : outputs) {
    if (o.value == nullptr || o.value->type != json::Value::Type::kString) continue;
    if (to_stdout) {
      std::fputs(o.value->string.c_str(), stdout);
      continue;
    }
    if (Status st = WriteFileAtomically(o.path, o.value->string, o.mode); !st.ok()) return Fail(st.message());
  }
  return 0;
}

}  // namespace cairn::certs::cfssl
