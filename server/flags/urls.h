// etcd's URL-list flag values (pkg/types.NewURLs) and the --initial-cluster map, with the error
// texts of Go's net/url and etcd so a bad URL is reported as etcd reports it:
//   `parse "http://a:b:c": invalid port ":c" after host`
//   `URL scheme must be http, https, unix, or unixs: foo`
//   `URL address does not have the form "host:port": http://foo`
//   `URL must not contain a path: http://localhost:2379/x`
//
// Thread-safety: pure functions and value types.
#pragma once

#include <map>
#include <string>
#include <string_view>
#include <vector>

#include "base/status.h"

namespace cairn::flags {

// One listen or advertise URL: scheme://host:port with no path.
struct Url {
  std::string scheme;  // lower-cased: http, https, unix or unixs
  std::string host;    // "host:port" as written ("[::1]:2379" keeps its brackets)
  std::string user;    // userinfo before '@', rarely present
  std::string query;   // raw query after '?', rarely present

  // The host without port or brackets ("::1", "localhost", "127.0.0.1").
  std::string Hostname() const;
  // The port text ("2379"), possibly empty.
  std::string Port() const;
  // Go's url.URL.String() for such URLs: "http://localhost:2379".
  std::string String() const {
    return scheme + "://" + (user.empty() ? "" : user + "@") + host + (query.empty() ? "" : "?" + query);
  }
  bool operator==(const Url& other) const = default;
};

// types.NewURLs(strings.Split(text, ",")): each element trimmed, validated, then sorted by
// String() as etcd sorts them. InvalidArgument carries etcd's message.
Status ParseUrlList(std::string_view text, std::vector<Url>* urls);

// "http://a:1,http://b:2".
std::string UrlListString(const std::vector<Url>& urls);
// Each URL's String() (Go's types.URLs.StringSlice without the sort).
std::vector<std::string> UrlStrings(const std::vector<Url>& urls);

// --initial-cluster "n1=http://a:2380,n1=http://b:2380,n2=http://c:2380" -> {n1: [a, b], n2: [c]}
// (types.NewURLsMap). Elements without '=' are skipped as etcd skips them.
Status ParseInitialCluster(std::string_view text, std::map<std::string, std::vector<Url>>* cluster);

}  // namespace cairn::flags
