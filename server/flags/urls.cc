#include "server/flags/urls.h"

#include <algorithm>
#include <cctype>

namespace cairn::flags {

namespace {

std::string_view TrimSpace(std::string_view s) {
  while (!s.empty() && std::isspace(static_cast<unsigned char>(s.front()))) s.remove_prefix(1);
  while (!s.empty() && std::isspace(static_cast<unsigned char>(s.back()))) s.remove_suffix(1);
  return s;
}

std::string Quote(std::string_view s) {
  std::string out = "\"";
  for (char c : s) {
    if (c == '"' || c == '\\') out += '\\';
    out += c;
  }
  return out + "\"";
}

// Go's validOptionalPort: "" or ":" followed by digits.
bool ValidOptionalPort(std::string_view port) {
  if (port.empty()) return true;
  if (port[0] != ':') return false;
  for (char c : port.substr(1)) {
    if (c < '0' || c > '9') return false;
  }
  return true;
}

// net.SplitHostPort's acceptance (etcd only uses whether it fails).
bool SplitHostPortOk(std::string_view hostport) {
  if (hostport.empty()) return false;
  if (hostport[0] == '[') {
    size_t end = hostport.find(']');
    if (end == std::string_view::npos) return false;
    if (end + 1 >= hostport.size() || hostport[end + 1] != ':') return false;
    return hostport.substr(end + 2).find(':') == std::string_view::npos &&
           hostport.substr(1, end - 1).find('[') == std::string_view::npos;
  }
  size_t colon = hostport.rfind(':');
  if (colon == std::string_view::npos) return false;
  std::string_view host = hostport.substr(0, colon);
  return host.find(':') == std::string_view::npos && host.find('[') == std::string_view::npos &&
         host.find(']') == std::string_view::npos;
}

// A subset of Go's url.Parse sufficient for listen/advertise URLs; errors mirror Go's texts.
struct ParsedUrl {
  std::string scheme;
  std::string user;
  std::string query;
  std::string host;
  std::string path;
  bool opaque = false;
};

Status GoUrlParse(std::string_view raw, ParsedUrl* out) {
  auto parse_error = [&](std::string_view why) {
    return Status::InvalidArgument("parse " + Quote(raw) + ": " + std::string(why));
  };
  for (char c : raw) {
    if (static_cast<unsigned char>(c) < 0x20 || c == 0x7f) {
      return parse_error("net/url: invalid control character in URL");
    }
  }
  std::string_view rest = raw;
  // getScheme.
  for (size_t i = 0; i < raw.size(); i++) {
    char c = raw[i];
    if (std::isalpha(static_cast<unsigned char>(c))) continue;
    if (std::isdigit(static_cast<unsigned char>(c)) || c == '+' || c == '-' || c == '.') {
      if (i == 0) break;  // No scheme.
      continue;
    }
    if (c == ':') {
      if (i == 0) return parse_error("missing protocol scheme");
      out->scheme.assign(raw.substr(0, i));
      std::transform(out->scheme.begin(), out->scheme.end(), out->scheme.begin(),
                     [](unsigned char ch) { return static_cast<char>(std::tolower(ch)); });
      rest = raw.substr(i + 1);
    }
    break;
  }
  if (size_t f = rest.find('#'); f != std::string_view::npos) rest = rest.substr(0, f);
  if (size_t q = rest.find('?'); q != std::string_view::npos) {
    out->query.assign(rest.substr(q + 1));
    rest = rest.substr(0, q);
  }
  if (!out->scheme.empty() && (rest.empty() || rest[0] != '/')) {
    out->opaque = true;  // "localhost:2379" parses as scheme "localhost", opaque "2379".
    return Status::Ok();
  }
  if (out->scheme.empty()) {
    // Go: a colon in the first path segment is an error when there is no scheme.
    size_t colon = rest.find(':');
    size_t slash = rest.find('/');
    if (colon != std::string_view::npos && (slash == std::string_view::npos || colon < slash)) {
      return parse_error("first path segment in URL cannot contain colon");
    }
  }
  if (rest.substr(0, 2) == "//") {
    rest.remove_prefix(2);
    size_t slash = rest.find('/');
    std::string_view authority = rest.substr(0, slash);
    rest = slash == std::string_view::npos ? std::string_view() : rest.substr(slash);
    if (size_t at = authority.rfind('@'); at != std::string_view::npos) {
      out->user.assign(authority.substr(0, at));
      authority.remove_prefix(at + 1);
    }
    if (!authority.empty() && authority[0] == '[') {
      size_t close = authority.find(']');
      if (close == std::string_view::npos) return parse_error("missing ']' in host");
      std::string_view port = authority.substr(close + 1);
      if (!ValidOptionalPort(port)) return parse_error("invalid port " + Quote(port) + " after host");
    } else if (size_t colon = authority.rfind(':'); colon != std::string_view::npos) {
      std::string_view port = authority.substr(colon);
      if (!ValidOptionalPort(port)) return parse_error("invalid port " + Quote(port) + " after host");
    }
    for (char c : authority) {
      if (c == ' ' || c == '<' || c == '>' || c == '"' || c == '{' || c == '}' || c == '|' || c == '\\' ||
          c == '^' || c == '`') {
        return parse_error("invalid character " + Quote(std::string(1, c)) + " in host name");
      }
    }
    out->host.assign(authority);
  }
  out->path.assign(rest);
  return Status::Ok();
}

}  // namespace

std::string Url::Hostname() const {
  std::string_view h = host;
  if (!h.empty() && h[0] == '[') {
    size_t close = h.find(']');
    return std::string(h.substr(1, close == std::string_view::npos ? h.npos : close - 1));
  }
  size_t colon = h.rfind(':');
  return std::string(colon == std::string_view::npos ? h : h.substr(0, colon));
}

std::string Url::Port() const {
  std::string_view h = host;
  size_t close = h.rfind(']');
  size_t colon = h.rfind(':');
  if (colon == std::string_view::npos || (close != std::string_view::npos && colon < close)) return "";
  return std::string(h.substr(colon + 1));
}

Status ParseUrlList(std::string_view text, std::vector<Url>* urls) {
  std::vector<Url> parsed;
  size_t start = 0;
  while (true) {
    size_t comma = text.find(',', start);
    std::string_view in =
        TrimSpace(text.substr(start, comma == std::string_view::npos ? text.npos : comma - start));
    ParsedUrl u;
    CAIRN_RETURN_IF_ERROR(GoUrlParse(in, &u));
    if (u.scheme != "http" && u.scheme != "https" && u.scheme != "unix" && u.scheme != "unixs") {
      return Status::InvalidArgument("URL scheme must be http, https, unix, or unixs: " + std::string(in));
    }
    if (u.opaque || !SplitHostPortOk(u.host)) {
      return Status::InvalidArgument("URL address does not have the form \"host:port\": " + std::string(in));
    }
    if (!u.path.empty()) return Status::InvalidArgument("URL must not contain a path: " + std::string(in));
    parsed.push_back(Url{u.scheme, u.host, u.user, u.query});
    if (comma == std::string_view::npos) break;
    start = comma + 1;
  }
  std::stable_sort(parsed.begin(), parsed.end(),
                   [](const Url& a, const Url& b) { return a.String() < b.String(); });
  *urls = std::move(parsed);
  return Status::Ok();
}

std::vector<std::string> UrlStrings(const std::vector<Url>& urls) {
  std::vector<std::string> out;
  out.reserve(urls.size());
  for (const Url& u : urls) out.push_back(u.String());
  return out;
}

std::string UrlListString(const std::vector<Url>& urls) {
  std::string out;
  for (const Url& u : urls) {
    if (!out.empty()) out += ',';
    out += u.String();
  }
  return out;
}

Status ParseInitialCluster(std::string_view text, std::map<std::string, std::vector<Url>>* cluster) {
  std::map<std::string, std::string> joined;  // name -> "u1,u2" as types.parse collects them
  while (!text.empty()) {
    size_t comma = text.find(',');
    std::string_view item = text.substr(0, comma);
    text = comma == std::string_view::npos ? std::string_view() : text.substr(comma + 1);
    size_t eq = item.find('=');
    if (eq == std::string_view::npos) continue;
    std::string& urls = joined[std::string(item.substr(0, eq))];
    if (!urls.empty()) urls += ',';
    urls += item.substr(eq + 1);
  }
  cluster->clear();
  for (const auto& [name, urls_text] : joined) {
    CAIRN_RETURN_IF_ERROR(ParseUrlList(urls_text, &(*cluster)[name]));
  }
  return Status::Ok();
}

}  // namespace cairn::flags
