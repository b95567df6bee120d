// The text `kubeadm certs check-expiration` prints: a certificate table, a blank line, a CA table,
// laid out by Go's tabwriter (min width 10, padding 3, spaces), dates as "Jan 02, 2006 15:04 UTC",
// residual time as apimachinery's ShortHumanDuration, "!MISSING! <name>" for absent files.
#pragma once

#include <ctime>
#include <string>
#include <vector>

namespace cairn::certs::kubeadm {

struct ExpirationRow {
  std::string name;
  bool missing = false;
  std::time_t not_after = 0;
  std::string ca_name;  // leaves only
  bool externally_managed = false;
};

std::string FormatExpiration(const std::vector<ExpirationRow>& certs, const std::vector<ExpirationRow>& cas,
                             std::time_t now);

// apimachinery's duration.ShortHumanDuration: "<invalid>", "0s", "59s", "59m", "23h", "364d", "9y".
std::string ShortHumanDuration(int64_t seconds);

// Go's text/tabwriter with minwidth 10, tabwidth 4, padding 3, padchar ' ', no flags, over one
// block of lines whose cells are separated by '\t' (the last cell of a line is not aligned).
std::string TabWrite(const std::vector<std::string>& lines);

}  // namespace cairn::certs::kubeadm
