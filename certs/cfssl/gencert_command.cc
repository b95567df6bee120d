// `cfssl gencert` (commands.h): reads every input (CSR JSON, config, CA certificate and key)
// before generating anything, then prints cfssl's JSON on stdout.
#include <cstdio>
#include <ctime>

#include "certs/cfssl/commands.h"
#include "certs/cfssl/csr_request.h"
#include "certs/cfssl/input.h"
#include "certs/cfssl/signer.h"
#include "certs/cfssl/signing_config.h"
#include "certs/flag_set.h"
#include "certs/x509/cert_info.h"
#include "certs/x509/issue.h"
#include "certs/x509/key.h"

namespace cairn::certs::cfssl {
namespace {

int Fail(const std::string& message) {
  std::fprintf(stderr, "cfssl gencert: %s\n", message.c_str());
  return 1;
}

std::string Name(const std::string& path) { return path == "-" ? "stdin" : path; }

}  // namespace

int GencertCommand(int argc, char** argv) {
  bool initca = false;
  std::string ca_file, ca_key_file, config_file, profile, hostname;
  std::vector<std::string> args;
  FlagSet flags;
  flags.Bool("initca", &initca);
  flags.String("ca", &ca_file);
  flags.String("ca-key", &ca_key_file);
  flags.String("config", &config_file);
  flags.String("profile", &profile);
  flags.String("hostname", &hostname);
  if (Status st = flags.Parse(argc, argv, 1, &args); !st.ok()) return Fail(st.message());
  if (args.size() != 1) return Fail("not enough arguments are supplied --- please refer to the usage");
  const std::string csr_file = args[0];

  std::string text;
  if (Status st = ReadInput(csr_file, &text); !st.ok()) return Fail(st.message());
  CsrRequest req;
  if (Status st = ParseCsrRequest(text, &req); !st.ok()) return Fail(Name(csr_file) + ": " + st.message());
  if (flags.Seen("hostname")) req.hosts = SplitHosts(hostname);

  GencertOutput out;
  const std::time_t now = std::time(nullptr);
  if (initca) {
    if (!ca_file.empty() || !ca_key_file.empty())
      return Fail("-initca cannot be combined with -ca or -ca-key");
    if (Status st = InitCa(req, now, &out); !st.ok()) return Fail(Name(csr_file) + ": " + st.message());
    std::fputs(GencertJson(out).c_str(), stdout);
    return 0;
  }

  SigningConfig config = DefaultSigningConfig();
  if (!config_file.empty()) {
    std::string config_text;
    if (Status st = ReadInput(config_file, &config_text); !st.ok()) return Fail("-config: " + st.message());
    if (Status st = ParseSigningConfig(config_text, &config); !st.ok()) {
      return Fail("-config " + Name(config_file) + ": " + st.message());
    }
  }
  const SigningProfile* policy = nullptr;
  if (Status st = config.Profile(profile, &policy); !st.ok()) return Fail("-profile: " + st.message());

  if (ca_file.empty() != ca_key_file.empty())
    return Fail(ca_file.empty() ? "-ca-key given without -ca" : "-ca given without -ca-key");
  if (ca_file.empty()) {
    // cfssl without a CA: a key and a CSR only.
    if (Status st = KeyAndCsr(req, &out); !st.ok()) return Fail(Name(csr_file) + ": " + st.message());
    std::fputs(GencertJson(out).c_str(), stdout);
    return 0;
  }
  std::string ca_pem, ca_key_pem;
  CertPtr ca;
  KeyPtr ca_key;
  if (Status st = ReadInput(ca_file, &ca_pem); !st.ok()) return Fail("-ca: " + st.message());
  if (Status st = ParseCertificatePem(ca_pem, Name(ca_file), &ca); !st.ok())
    return Fail("-ca: " + st.message());
  if (Status st = ReadInput(ca_key_file, &ca_key_pem); !st.ok()) return Fail("-ca-key: " + st.message());
  if (Status st = ParsePrivateKeyPem(ca_key_pem, Name(ca_key_file), &ca_key); !st.ok()) {
    return Fail("-ca-key: " + st.message());
  }
  if (!KeyMatchesCertificate(ca.get(), ca_key.get())) {
    return Fail("-ca-key: " + Name(ca_key_file) + " does not match the certificate in " + Name(ca_file));
  }
  if (!ReadCertInfo(ca.get()).is_ca) return Fail("-ca: " + Name(ca_file) + " is not a CA certificate");
  if (req.hosts.empty()) {
    std::fprintf(
        stderr,
        "[WARNING] This certificate lacks a \"hosts\" field. This makes it unsuitable for\n"
        "websites. For more information see the Baseline Requirements for the Issuance and Management\n"
        "of Publicly-Trusted Certificates, v.1.1.6, from the CA/Browser Forum (https://cabforum.org);\n"
        "specifically, section 10.2.3 (\"Information Requirements\").\n");
  }
  if (Status st = SignWithCa(req, ca.get(), ca_key.get(), *policy, now, &out); !st.ok()) {
    return Fail(Name(csr_file) + ": " + st.message());
  }
  std::fputs(GencertJson(out).c_str(), stdout);
  return 0;
}

}  // namespace cairn::certs::cfssl
