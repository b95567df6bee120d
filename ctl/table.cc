#include "ctl/table.h"

#include <algorithm>
#include <cctype>

namespace cairn::ctl {
namespace {

constexpr size_t kMaxWidth = 30;

// Display width: UTF-8 code points (etcd's cells are ASCII in practice).
size_t Width(const std::string& s) {
  size_t n = 0;
  for (unsigned char c : s)
    if ((c & 0xC0) != 0x80) ++n;
  return n;
}

std::string Title(const std::string& name) {
  std::string s = name;
  for (size_t i = 0; i < s.size(); ++i) {
    if (s[i] == '_') s[i] = ' ';
    if (s[i] == '.') {
      auto num_or_space = [](char c) { return std::isdigit(static_cast<unsigned char>(c)) || c == ' '; };
      if ((i != 0 && !num_or_space(s[i - 1])) || (i + 1 != s.size() && !num_or_space(s[i + 1]))) s[i] = ' ';
    }
  }
  const size_t b = s.find_first_not_of(' '), e = s.find_last_not_of(' ');
  s = b == std::string::npos ? (name.empty() ? "" : " ") : s.substr(b, e - b + 1);
  for (char& c : s) c = static_cast<char>(std::toupper(static_cast<unsigned char>(c)));
  return s;
}

// tablewriter's parseDimension + WrapString: the lines a cell is shown on.
std::vector<std::string> Lines(const std::string& cell) {
  if (Width(cell) <= kMaxWidth) return {cell};
  std::vector<std::string> words;
  size_t i = 0;
  while (i < cell.size()) {
    while (i < cell.size() && std::isspace(static_cast<unsigned char>(cell[i]))) ++i;
    size_t j = i;
    while (j < cell.size() && !std::isspace(static_cast<unsigned char>(cell[j]))) ++j;
    if (j > i) words.push_back(cell.substr(i, j - i));
    i = j;
  }
  if (words.empty()) return {""};
  std::vector<std::string> out;
  std::string line;
  for (const std::string& w : words) {
    if (!line.empty() && Width(line) + 1 + Width(w) > kMaxWidth) {
      out.push_back(line);
      line.clear();
    }
    line += (line.empty() ? "" : " ") + w;
  }
  out.push_back(line);
  return out;
}

std::string Pad(const std::string& s, size_t width, bool centre) {
  const size_t w = Width(s);
  if (w >= width) return s;
  const size_t gap = width - w;
  if (!centre) return std::string(gap, ' ') + s;
  return std::string(gap / 2, ' ') + s + std::string(gap - gap / 2, ' ');
}

}  // namespace

std::string RenderTable(const std::vector<std::string>& header,
                        const std::vector<std::vector<std::string>>& rows) {
  const size_t n = header.size();
  std::vector<std::vector<std::string>> head(n);
  std::vector<size_t> widths(n, 0);
  for (size_t c = 0; c < n; ++c) {
    head[c] = Lines(Title(header[c]));
    for (const std::string& l : head[c]) widths[c] = std::max(widths[c], Width(l));
  }
  std::vector<std::vector<std::vector<std::string>>> cells;
  for (const auto& row : rows) {
    std::vector<std::vector<std::string>> r(n);
    for (size_t c = 0; c < n && c < row.size(); ++c) {
      r[c] = Lines(row[c]);
      for (const std::string& l : r[c]) widths[c] = std::max(widths[c], Width(l));
    }
    cells.push_back(std::move(r));
  }
  std::string sep = "+";
  for (size_t w : widths) sep += std::string(w + 2, '-') + "+";
  sep += "\n";
  auto emit = [&](const std::vector<std::vector<std::string>>& r, bool centre, std::string* out) {
    size_t height = 1;
    for (const auto& c : r) height = std::max(height, c.size());
    for (size_t l = 0; l < height; ++l) {
      *out += "|";
      for (size_t c = 0; c < n; ++c) {
        const std::string text = l < r[c].size() ? r[c][l] : "";
        *out += " " + Pad(text, widths[c], centre) + " |";
      }
      *out += "\n";
    }
  };
  std::string out = sep;
  emit(head, true, &out);
  out += sep;
  for (const auto& r : cells) emit(r, false, &out);
  out += sep;
  return out;
}

}  // namespace cairn::ctl
