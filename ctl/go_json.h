// Go's encoding/json applied to etcd's gogo-protobuf structs, which is what etcdctl's
// `-w json` prints: fields in declaration order under their proto names, zero values omitted
// (omitempty), 64-bit integers as JSON numbers, bytes as standard base64, enums as numbers,
// strings escaped as Go does (<, >, & as \u003c..., invalid UTF-8 as \ufffd), a oneof as
// "<CamelName>":{"<CamelField>":...} (Go names: the oneof's wrapper fields have no json tag).
//
// Thread-safety: pure functions.
#pragma once

#include <google/protobuf/message.h>

#include <string>

namespace cairn::ctl {

void AppendGoJsonString(const std::string& s, std::string* out);
void AppendGoJsonBytes(const std::string& bytes, std::string* out);  // base64 string
// The message as a JSON object.
void AppendGoJson(const google::protobuf::Message& m, std::string* out);
// Only the fields of `m` (no braces, no leading comma): for Go's embedded *ResponseHeader, whose
// fields are promoted into the outer object. Returns whether anything was written.
bool AppendGoJsonFields(const google::protobuf::Message& m, std::string* out);

}  // namespace cairn::ctl
