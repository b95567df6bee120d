// Test helper: asks Go's standard library (via `go run testdata/go_oracle.go`) how it parses or
// formats values, so tests compare Cairn's Go-compatible parsers with Go itself (CRAFT.md §11).
#pragma once

#include <string>
#include <vector>

namespace cairn::flags::testing {

// True when /usr/bin/go exists.
bool GoAvailable();

// Each query is "kind\tinput" (kinds are documented in testdata/go_oracle.go); returns one answer
// line per query, or an empty vector when Go could not be run.
std::vector<std::string> AskGo(const std::vector<std::string>& queries);

}  // namespace cairn::flags::testing
