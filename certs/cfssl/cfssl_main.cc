// `cfssl` (commands.h): the subcommands Cairn implements. Others are refused by name, so a script
// that needs them fails loudly instead of half-working.
#include <openssl/opensslv.h>

#include <cstdio>
#include <cstring>

#include "certs/cfssl/commands.h"

namespace cairn::certs::cfssl {
namespace {

// cfssl 1.2's `print-defaults csr` and `print-defaults config`, byte for byte.
constexpr char kDefaultCsr[] = R"json({
    "CN": "example.net",
    "hosts": [
        "example.net",
        "www.example.net"
    ],
    "key": {
        "algo": "ecdsa",
        "size": 256
    },
    "names": [
        {
            "C": "US",
            "ST": "CA",
            "L": "San Francisco"
        }
    ]
}

)json";
constexpr char kDefaultConfig[] = R"json({
    "signing": {
        "default": {
            "expiry": "168h"
        },
        "profiles": {
            "www": {
                "expiry": "8760h",
                "usages": [
                    "signing",
                    "key encipherment",
                    "server auth"
                ]
            },
            "client": {
                "expiry": "8760h",
                "usages": [
                    "signing",
                    "key encipherment",
                    "client auth"
                ]
            }
        }
    }
}

)json";

constexpr char kUsage[] =
    "Usage:\n"
    "Available commands:\n"
    "\tgencert\n"
    "\tversion\n"
    "\tprint-defaults\n"
    "(cairn implements these cfssl commands; see docs/certs.md)\n";

int PrintDefaults(int argc, char** argv) {
  if (argc != 2 || (std::strcmp(argv[1], "csr") != 0 && std::strcmp(argv[1], "config") != 0)) {
    std::fprintf(stderr, "cfssl print-defaults: want one of: csr, config\n");
    return 1;
  }
  std::fputs(std::strcmp(argv[1], "csr") == 0 ? kDefaultCsr : kDefaultConfig, stdout);
  return 0;
}

}  // namespace

int CfsslMain(int argc, char** argv) {
  if (argc < 2) {
    std::fprintf(stderr, "No command is given.\n%s", kUsage);
    return 1;
  }
  const char* command = argv[1];
  if (std::strcmp(command, "gencert") == 0) return GencertCommand(argc - 1, argv + 1);
  if (std::strcmp(command, "print-defaults") == 0) return PrintDefaults(argc - 1, argv + 1);
  if (std::strcmp(command, "version") == 0) {
    std::printf("Version: 1.2.0\nRevision: cairn\nRuntime: %s\n", OPENSSL_VERSION_TEXT);
    return 0;
  }
  std::fprintf(stderr, "cfssl: command \"%s\" is not available in Cairn's cfssl\n%s", command, kUsage);
  return 1;
}

}  // namespace cairn::certs::cfssl
