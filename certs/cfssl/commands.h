// cfssl's and cfssljson's command lines over the signer (signer.h). Each returns the process exit
// code: 0 done; 1 bad input or failure with one line on stderr naming the flag or file; nothing
// is written to stdout or to files on failure.
//
//   cfssl gencert -initca CSR_JSON
//   cfssl gencert [-ca FILE -ca-key FILE] [-config CONFIG_JSON] [-profile NAME] [-hostname=A,B] CSR_JSON
//   cfssl version | print-defaults csr|config
//   cfssljson [-bare] [-f FILE] [-stdout] [BASENAME]
// CSR_JSON, FILE and -f may be "-" for stdin. Without -ca, gencert prints only a key and a CSR,
// as cfssl does.
#pragma once

namespace cairn::certs::cfssl {

// argv[0] = "cfssl" (or "gencert" etc. below it).
int CfsslMain(int argc, char** argv);
int GencertCommand(int argc, char** argv);
int CfssljsonMain(int argc, char** argv);

}  // namespace cairn::certs::cfssl
