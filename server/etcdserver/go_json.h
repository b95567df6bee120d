// Go encoding/json string encoding, byte for byte (what etcd's json.Marshal writes into the db).
// Thread-safety: pure functions.
#pragma once

#include <string>
#include <string_view>
#include <vector>

namespace cairn::etcdserver {

// Go's encoding/json string encoding (HTML-safe, Go 1.19): `"`, `\`, \n \r \t escaped, other
// bytes < 0x20 and < > & as \u00xx, U+2028/U+2029 as \u2028/\u2029, invalid UTF-8 as \ufffd.
void AppendGoJsonString(std::string* out, std::string_view s);
// A JSON array of such strings.
void AppendGoJsonStrings(std::string* out, const std::vector<std::string>& values);

}  // namespace cairn::etcdserver
