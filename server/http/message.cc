#include "server/http/message.h"

#include <algorithm>
#include <cctype>
#include <ctime>

namespace cairn::http {

namespace {

std::string Lower(std::string_view s) {
  std::string out(s);
  std::transform(out.begin(), out.end(), out.begin(),
                 [](unsigned char c) { return static_cast<char>(std::tolower(c)); });
  return out;
}

bool EqualsIgnoreCase(std::string_view a, std::string_view b) {
  return a.size() == b.size() && std::equal(a.begin(), a.end(), b.begin(), [](char x, char y) {
           return std::tolower(static_cast<unsigned char>(x)) == std::tolower(static_cast<unsigned char>(y));
         });
}

std::string_view Trim(std::string_view s) {
  while (!s.empty() && (s.front() == ' ' || s.front() == '\t')) s.remove_prefix(1);
  while (!s.empty() && (s.back() == ' ' || s.back() == '\t' || s.back() == '\r')) s.remove_suffix(1);
  return s;
}

// Go's url.ParseQuery, tolerant: pairs that fail to decode are skipped.
std::vector<std::pair<std::string, std::string>> ParseQuery(std::string_view q) {
  std::vector<std::pair<std::string, std::string>> out;
  while (!q.empty()) {
    size_t amp = q.find('&');
    std::string_view item = q.substr(0, amp);
    q = amp == std::string_view::npos ? std::string_view() : q.substr(amp + 1);
    if (item.empty()) continue;
    size_t eq = item.find('=');
    std::string key, value;
    if (!PercentDecode(item.substr(0, eq), true, &key)) continue;
    if (eq != std::string_view::npos && !PercentDecode(item.substr(eq + 1), true, &value)) continue;
    out.emplace_back(std::move(key), std::move(value));
  }
  return out;
}

bool HasHeader(const Response& r, std::string_view name) {
  for (const auto& [k, v] : r.headers) {
    if (EqualsIgnoreCase(k, name)) return true;
  }
  return false;
}

std::string HeadLines(const Response& response, bool keep_alive) {
  std::string out =
      "HTTP/1.1 " + std::to_string(response.status) + " " + StatusText(response.status) + "\r\n";
  for (const auto& [k, v] : response.headers) out.append(k).append(": ").append(v).append("\r\n");
  if (!HasHeader(response, "Content-Type")) out += "Content-Type: text/plain; charset=utf-8\r\n";
  out += "Date: " + HttpDateNow() + "\r\n";
  if (!keep_alive) out += "Connection: close\r\n";
  return out;
}

}  // namespace

std::string_view Request::Header(std::string_view name) const {
  for (const auto& [k, v] : headers) {
    if (EqualsIgnoreCase(k, name)) return v;
  }
  return {};
}

std::vector<std::string> Request::QueryValues(std::string_view key) const {
  std::vector<std::string> values;
  for (auto& [k, v] : ParseQuery(raw_query)) {
    if (k == key) values.push_back(std::move(v));
  }
  return values;
}

std::string Request::QueryValue(std::string_view key) const {
  auto values = QueryValues(key);
  return values.empty() ? std::string() : values[0];
}

bool Request::HasQuery(std::string_view key) const {
  for (const auto& [k, v] : ParseQuery(raw_query)) {
    if (k == key) return true;
  }
  return false;
}

bool Request::KeepAlive() const {
  std::string connection = Lower(Header("connection"));
  if (version_minor == 0) return connection.find("keep-alive") != std::string::npos;
  return connection.find("close") == std::string::npos;
}

void Response::SetHeader(std::string_view name, std::string_view value) {
  for (auto& [k, v] : headers) {
    if (EqualsIgnoreCase(k, name)) {
      v = std::string(value);
      return;
    }
  }
  headers.emplace_back(std::string(name), std::string(value));
}

void Response::SetError(int status_code, std::string_view text) {
  status = status_code;
  SetHeader("Content-Type", "text/plain; charset=utf-8");
  SetHeader("X-Content-Type-Options", "nosniff");
  body = std::string(text) + "\n";
}

const char* StatusText(int status) {
  switch (status) {
    case 100: return "Continue";
    case 200: return "OK";
    case 201: return "Created";
    case 204: return "No Content";
    case 301: return "Moved Permanently";
    case 400: return "Bad Request";
    case 401: return "Unauthorized";
    case 403: return "Forbidden";
    case 404: return "Not Found";
    case 405: return "Method Not Allowed";
    case 408: return "Request Timeout";
    case 409: return "Conflict";
    case 412: return "Precondition Failed";
    case 413: return "Request Entity Too Large";
    case 429: return "Too Many Requests";
    case 431: return "Request Header Fields Too Large";
    case 500: return "Internal Server Error";
    case 501: return "Not Implemented";
    case 503: return "Service Unavailable";
    case 504: return "Gateway Timeout";
    case 505: return "HTTP Version Not Supported";
    default: return "";
  }
}

bool PercentDecode(std::string_view in, bool plus_is_space, std::string* out) {
  out->clear();
  out->reserve(in.size());
  for (size_t i = 0; i < in.size(); i++) {
    char c = in[i];
    if (c == '%') {
      if (i + 2 >= in.size()) return false;
      if (!std::isxdigit(static_cast<unsigned char>(in[i + 1])) ||
          !std::isxdigit(static_cast<unsigned char>(in[i + 2]))) {
        return false;
      }
      *out += static_cast<char>(std::stoi(std::string(in.substr(i + 1, 2)), nullptr, 16));
      i += 2;
    } else if (c == '+' && plus_is_space) {
      *out += ' ';
    } else {
      *out += c;
    }
  }
  return true;
}

RequestParser::State RequestParser::Next(Request* request, int* error_status) {
  // Leading empty lines before a request line are ignored (RFC 9112 §2.2).
  size_t skip = 0;
  while (skip < buffer_.size() && (buffer_[skip] == '\r' || buffer_[skip] == '\n')) skip++;
  if (skip > 0) buffer_.erase(0, skip);

  // Find the end of the head: an empty line.
  size_t head_end = std::string::npos, body_start = 0;
  for (size_t pos = buffer_.find('\n'); pos != std::string::npos; pos = buffer_.find('\n', pos + 1)) {
    if (pos + 1 < buffer_.size() && buffer_[pos + 1] == '\n') {
      head_end = pos + 1, body_start = pos + 2;
      break;
    }
    if (pos + 2 < buffer_.size() && buffer_[pos + 1] == '\r' && buffer_[pos + 2] == '\n') {
      head_end = pos + 1, body_start = pos + 3;
      break;
    }
  }
  if (head_end == std::string::npos) {
    if (buffer_.size() > limits_.max_header_bytes) {
      *error_status = 431;
      return State::kError;
    }
    return State::kNeedMore;
  }
  if (head_end > limits_.max_header_bytes) {
    *error_status = 431;
    return State::kError;
  }

  Request r;
  std::string_view head(buffer_.data(), head_end);
  size_t line_end = head.find('\n');
  std::string_view request_line = Trim(head.substr(0, line_end));
  head = line_end == std::string_view::npos ? std::string_view() : head.substr(line_end + 1);
  size_t sp1 = request_line.find(' ');
  size_t sp2 = sp1 == std::string_view::npos ? sp1 : request_line.find(' ', sp1 + 1);
  if (sp1 == std::string_view::npos || sp2 == std::string_view::npos || sp1 == 0) {
    *error_status = 400;
    return State::kError;
  }
  r.method = std::string(request_line.substr(0, sp1));
  r.target = std::string(request_line.substr(sp1 + 1, sp2 - sp1 - 1));
  std::string_view version = request_line.substr(sp2 + 1);
  if (version == "HTTP/1.1") {
    r.version_minor = 1;
  } else if (version == "HTTP/1.0") {
    r.version_minor = 0;
  } else if (version.substr(0, 5) == "HTTP/") {
    *error_status = 505;
    return State::kError;
  } else {
    *error_status = 400;
    return State::kError;
  }
  while (!head.empty()) {
    size_t nl = head.find('\n');
    std::string_view line = head.substr(0, nl);
    head = nl == std::string_view::npos ? std::string_view() : head.substr(nl + 1);
    if (!line.empty() && line.back() == '\r') line.remove_suffix(1);
    if (line.empty()) continue;
    size_t colon = line.find(':');
    if (colon == std::string_view::npos || colon == 0 || line[colon - 1] == ' ' || line[colon - 1] == '\t') {
      *error_status = 400;
      return State::kError;
    }
    r.headers.emplace_back(Lower(line.substr(0, colon)), std::string(Trim(line.substr(colon + 1))));
  }

  // Target: origin-form "/p?q", absolute-form "http://h/p?q", or "*".
  std::string_view target = r.target;
  if (size_t scheme = target.find("://"); scheme != std::string_view::npos && target[0] != '/') {
    size_t slash = target.find('/', scheme + 3);
    target = slash == std::string_view::npos ? std::string_view("/") : target.substr(slash);
  }
  size_t q = target.find('?');
  if (q != std::string_view::npos) r.raw_query = std::string(target.substr(q + 1));
  if (!PercentDecode(target.substr(0, q), false, &r.path)) {
    *error_status = 400;
    return State::kError;
  }

  // Body.
  std::string_view te = r.Header("transfer-encoding");
  std::string_view cl = r.Header("content-length");
  size_t consumed = body_start;
  wants_continue_ = EqualsIgnoreCase(r.Header("expect"), "100-continue");
  if (!te.empty()) {
    if (!EqualsIgnoreCase(te, "chunked")) {
      *error_status = 501;
      return State::kError;
    }
    size_t pos = body_start;
    std::string body;
    while (true) {
      size_t nl = buffer_.find('\n', pos);
      if (nl == std::string::npos) return State::kNeedMore;
      std::string_view size_line = Trim(std::string_view(buffer_).substr(pos, nl - pos));
      size_line = size_line.substr(0, size_line.find(';'));
      if (size_line.empty() || size_line.size() > 15) {
        *error_status = 400;
        return State::kError;
      }
      size_t chunk = 0;
      for (char c : size_line) {
        if (!std::isxdigit(static_cast<unsigned char>(c))) {
          *error_status = 400;
          return State::kError;
        }
        chunk = chunk * 16 + static_cast<size_t>(std::isdigit(static_cast<unsigned char>(c))
                                                     ? c - '0'
                                                     : (std::tolower(c) - 'a' + 10));
      }
      if (body.size() + chunk > limits_.max_body_bytes) {
        *error_status = 413;
        return State::kError;
      }
      pos = nl + 1;
      if (chunk == 0) {
        // Trailers until an empty line.
        while (true) {
          size_t tnl = buffer_.find('\n', pos);
          if (tnl == std::string::npos) return State::kNeedMore;
          bool empty = Trim(std::string_view(buffer_).substr(pos, tnl - pos)).empty();
          pos = tnl + 1;
          if (empty) break;
        }
        break;
      }
      if (buffer_.size() < pos + chunk + 1) return State::kNeedMore;
      body.append(buffer_, pos, chunk);
      pos += chunk;
      if (buffer_[pos] == '\r') pos++;
      if (pos >= buffer_.size()) return State::kNeedMore;
      if (buffer_[pos] != '\n') {
        *error_status = 400;
        return State::kError;
      }
      pos++;
    }
    r.body = std::move(body);
    consumed = pos;
  } else if (!cl.empty()) {
    uint64_t length = 0;
    for (char c : cl) {
      if (c < '0' || c > '9' || length > (uint64_t{1} << 50)) {
        *error_status = 400;
        return State::kError;
      }
      length = length * 10 + static_cast<uint64_t>(c - '0');
    }
    if (length > limits_.max_body_bytes) {
      *error_status = 413;
      return State::kError;
    }
    if (buffer_.size() - body_start < length) return State::kNeedMore;
    r.body = buffer_.substr(body_start, length);
    consumed = body_start + length;
  }
  buffer_.erase(0, consumed);
  wants_continue_ = false;
  continue_sent_ = false;
  *request = std::move(r);
  return State::kRequest;
}

std::string SerializeResponse(const Response& response, bool keep_alive, bool head_only) {
  std::string out = HeadLines(response, keep_alive);
  out += "Content-Length: " + std::to_string(response.body.size()) + "\r\n\r\n";
  if (!head_only) out += response.body;
  return out;
}

std::string SerializeStreamHead(const Response& response, bool keep_alive) {
  return HeadLines(response, keep_alive) + "Transfer-Encoding: chunked\r\n\r\n";
}

std::string HttpDateNow() {
  time_t now = time(nullptr);
  struct tm tm;
  gmtime_r(&now, &tm);
  char buf[64];
  strftime(buf, sizeof(buf), "%a, %d %b %Y %H:%M:%S GMT", &tm);
  return buf;
}

}  // namespace cairn::http
