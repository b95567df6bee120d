#include <unistd.h>

#include <algorithm>
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <ctime>

#include "ctl/command.h"
#include "ctl/go_json.h"

namespace cairn::ctl {

void DefineGlobalFlags(FlagSet* fs, GlobalFlags* g) {
  const int64_t s = 1'000'000'000;
  fs->StringSlice("endpoints", &g->endpoints, {"127.0.0.1:2379"}, "gRPC endpoints");
  fs->Bool("debug", &g->debug, false, "enable client-side debug logging");
  fs->String("write-out", &g->write_out, "simple",
             "set the output format (fields, json, protobuf, simple, table)", 'w');
  fs->Bool("hex", &g->hex, false, "print byte strings as hex encoded strings");
  fs->Duration("dial-timeout", &g->dial_timeout_ns, 2 * s, "dial timeout for client connections");
  fs->Duration("command-timeout", &g->command_timeout_ns, 5 * s,
               "timeout for short running command (excluding dial timeout)");
  fs->Duration("keepalive-time", &g->keepalive_time_ns, 2 * s, "keepalive time for client connections");
  fs->Duration("keepalive-timeout", &g->keepalive_timeout_ns, 6 * s,
               "keepalive timeout for client connections");
  fs->Bool("insecure-transport", &g->insecure_transport, true,
           "disable transport security for client connections");
  fs->Bool("insecure-discovery", &g->insecure_discovery, true,
           "accept insecure SRV records describing cluster endpoints");
  fs->Bool("insecure-skip-tls-verify", &g->insecure_skip_tls_verify, false,
           "skip server certificate verification (CAUTION: this option should be enabled only for testing "
           "purposes)");
  fs->String("cert", &g->cert, "", "identify secure client using this TLS certificate file");
  fs->String("key", &g->key, "", "identify secure client using this TLS key file");
  fs->String("cacert", &g->cacert, "",
             "verify certificates of TLS-enabled secure servers using this CA bundle");
  fs->String("user", &g->user, "",
             "username[:password] for authentication (prompt if password is not supplied)");
  fs->String(
      "password", &g->password, "",
      "password for authentication (if this option is used, --user option shouldn't include password)");
  fs->String("discovery-srv", &g->discovery_srv, "",
             "domain name to query for SRV records describing cluster endpoints", 'd');
  fs->String("discovery-srv-name", &g->discovery_srv_name, "",
             "service name to query when using DNS discovery");
}

Printer& Context::display() {
  if (display_ == nullptr) {
    display_ = NewPrinter(g.write_out, g.hex);
    if (display_ == nullptr) ExitWithError(kExitBadFeature, "unsupported output format");
  }
  return *display_;
}

client::Clock::time_point Context::CommandDeadline() const {
  return client::Clock::now() + std::chrono::nanoseconds(g.command_timeout_ns);
}

// zap's ISO8601 time in UTC with milliseconds, like etcd's loggers.
std::string ZapTimestamp() {
  const auto now = std::chrono::system_clock::now();
  const std::time_t t = std::chrono::system_clock::to_time_t(now);
  std::tm tm;
  gmtime_r(&t, &tm);
  char buf[64];
  std::snprintf(
      buf, sizeof buf, "%04d-%02d-%02dT%02d:%02d:%02d.%03dZ", tm.tm_year + 1900, tm.tm_mon + 1, tm.tm_mday,
      tm.tm_hour, tm.tm_min, tm.tm_sec,
      static_cast<int>(std::chrono::duration_cast<std::chrono::milliseconds>(now.time_since_epoch()).count() %
                       1000));
  return buf;
}

// speakeasy.Ask: the prompt on stdout, the password read without echo from the terminal.
std::string AskPasswordPrompt(const std::string& prompt) {
  std::fputs(prompt.c_str(), stdout);
  std::fflush(stdout);
  std::string pw;
  FILE* tty = std::fopen("/dev/tty", "r");
  FILE* in = tty != nullptr ? tty : stdin;
  if (tty != nullptr) std::system("stty -echo < /dev/tty 2>/dev/null");
  for (int c = std::fgetc(in); c != EOF && c != '\n'; c = std::fgetc(in)) pw += static_cast<char>(c);
  if (tty != nullptr) {
    std::system("stty echo < /dev/tty 2>/dev/null");
    std::fclose(tty);
  }
  std::fputs("\n", stdout);
  return pw;
}

client::Options Context::ClientOptions(const std::vector<std::string>& endpoints) {
  if (g.debug && !debug_printed_) {
    debug_printed_ = true;
    std::vector<const FlagSet::Flag*> globals;
    FlagSet defaults;
    GlobalFlags unused;
    DefineGlobalFlags(&defaults, &unused);
    for (const auto& d : defaults.flags()) globals.push_back(flags.Find(d.name));
    std::sort(globals.begin(), globals.end(), [](auto* a, auto* b) { return a->name < b->name; });
    for (const auto* f : globals) {
      std::string env = "ETCDCTL_" + f->name;
      for (char& c : env) c = c == '-' ? '_' : static_cast<char>(std::toupper(static_cast<unsigned char>(c)));
      std::fprintf(stderr, "%s=%s\n", env.c_str(), flags.ValueString(*f).c_str());
    }
  }
  if (flags.Changed("cert") && g.cert.empty())
    ExitWithError(kExitBadArgs, "empty string is passed to --cert option");
  if (flags.Changed("key") && g.key.empty())
    ExitWithError(kExitBadArgs, "empty string is passed to --key option");
  if (flags.Changed("cacert") && g.cacert.empty()) {
    ExitWithError(kExitBadArgs, "empty string is passed to --cacert option");
  }
  if (!g.discovery_srv.empty()) {
    // Refused rather than ignored: silently using --endpoints could reach another cluster.
    ExitWithError(kExitBadArgs,
                  "--discovery-srv (DNS SRV discovery) is not supported by this etcdctl: give --endpoints");
  }
  display();  // initDisplayFromCmd runs before the client is made
  client::Options o;
  o.endpoints = endpoints;
  o.on_attempt_failed = [](const std::string& ep, int attempt, const grpc::Status& st) {
    // clientv3 3.5's retry interceptor warning (zap JSON on stderr).
    std::string line = "{\"level\":\"warn\",\"ts\":\"" + ZapTimestamp() +
                       "\",\"logger\":\"etcd-client\",\"caller\":\"v3@v3.5.17/retry_interceptor.go:62\","
                       "\"msg\":\"retrying of unary invoker failed\",\"target\":";
    AppendGoJsonString("etcd-endpoints://0xc000000000/" + ep, &line);
    line += ",\"attempt\":" + std::to_string(attempt) + ",\"error\":";
    AppendGoJsonString(client::GoErrorString(st), &line);
    line += "}\n";
    std::fputs(line.c_str(), stderr);
  };
  o.dial_timeout_ns = g.dial_timeout_ns;
  o.dial.keepalive_time_ns = g.keepalive_time_ns;
  o.dial.keepalive_timeout_ns = g.keepalive_timeout_ns;
  o.dial.tls.cacert_file = g.cacert;
  o.dial.tls.cert_file = g.cert;
  o.dial.tls.key_file = g.key;
  o.dial.tls.insecure_transport = g.insecure_transport;
  o.dial.tls.insecure_skip_verify = g.insecure_skip_tls_verify;
  if (!g.user.empty()) {
    if (g.password.empty()) {
      const size_t colon = g.user.find(':');
      if (colon == std::string::npos) {
        o.user = g.user;
        g.password = AskPasswordPrompt("Password: ");
        o.password = g.password;
      } else {
        o.user = g.user.substr(0, colon);
        o.password = g.user.substr(colon + 1);
      }
    } else {
      o.user = g.user;
      o.password = g.password;
    }
  }
  // newClientCfg: unreadable TLS files are ExitBadArgs before anything is sent.
  for (const std::string& ep_text : endpoints) {
    client::Endpoint ep;
    if (!client::ParseEndpoint(ep_text, &ep).ok()) continue;  // reported when dialing
    std::shared_ptr<grpc::ChannelCredentials> creds;
    client::Endpoint optional = ep;
    optional.creds = client::Creds::kOptional;
    if (Status s = client::MakeCredentials(optional, o.dial.tls, &creds); !s.ok()) {
      ExitWithError(kExitBadArgs, s.message());
    }
    break;
  }
  return o;
}

client::Client& Context::Client() {
  if (client_ == nullptr) {
    const client::Options o = ClientOptions(g.endpoints);
    if (Status s = client::Client::Open(o, &client_); !s.ok()) ExitWithError(kExitBadConnection, s.message());
  }
  return *client_;
}

std::string PrefixRangeEnd(const std::string& key) {
  std::string end = key;
  while (!end.empty()) {
    if (static_cast<unsigned char>(end.back()) < 0xff) {
      end.back() = static_cast<char>(static_cast<unsigned char>(end.back()) + 1);
      return end;
    }
    end.pop_back();
  }
  return std::string("\0", 1);  // no prefix end: everything from key
}

}  // namespace cairn::ctl
