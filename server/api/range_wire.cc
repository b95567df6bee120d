#include "server/api/range_wire.h"

#include <grpcpp/support/slice.h>

#include <atomic>
#include <memory>
#include <string>
#include <vector>

#include "storage/mvcc/key_value.h"

namespace cairn::api {
namespace {

// Frames below this size are copied into one plain slice (and the pin is dropped at once).
constexpr size_t kCopiedFrameMaxBytes = 64 * 1024;

// Owns what the slices of one response point at; freed by the release of its last slice.
struct WireHold {
  std::shared_ptr<mvcc::RangePin> pin;  // null when no slice points at stored bytes
  std::string frame;
  std::atomic<size_t> refs{0};
};

void ReleaseHold(void* p) {
  auto* hold = static_cast<WireHold*>(p);
  if (hold->refs.fetch_sub(1, std::memory_order_acq_rel) == 1) delete hold;
}

// A run of bytes of the response: in the frame (offset; the frame may still grow) or stored.
struct Segment {
  bool in_frame;
  size_t frame_offset;
  const char* stored;
  size_t len;
};

void AppendTagAndLength(uint32_t field, size_t len, std::string* out) {
  mvcc::AppendVarint((uint64_t{field} << 3) | 2, out);
  mvcc::AppendVarint(len, out);
}

}  // namespace

void EncodeRangeResponse(const etcdserverpb::ResponseHeader& header, const mvcc::RangeResponse& r,
                         grpc::ByteBuffer* out) {
  auto hold = std::make_unique<WireHold>();
  std::string& frame = hold->frame;
  std::vector<Segment> segments;
  size_t frame_start = 0;  // start of the frame run not yet in `segments`
  auto close_frame_run = [&] {
    if (frame.size() > frame_start)
      segments.push_back({true, frame_start, nullptr, frame.size() - frame_start});
    frame_start = frame.size();
  };

  AppendTagAndLength(1, header.ByteSizeLong(), &frame);
  header.AppendToString(&frame);

  for (size_t i = 0; i < r.kvs.size(); ++i) {
    const mvcc::RangeKv& kv = r.kvs[i];
    if (r.keys_only && !kv.kv.value.empty()) {  // re-encoded without the value
      std::string stripped;
      r.AppendKv(i, &stripped);
      AppendTagAndLength(2, stripped.size(), &frame);
      frame.append(stripped);
      continue;
    }
    AppendTagAndLength(2, kv.raw.size(), &frame);
    if (kv.raw.size() < kZeroCopyMinBytes) {
      frame.append(kv.raw);
      continue;
    }
    close_frame_run();
    segments.push_back({false, 0, kv.raw.data(), kv.raw.size()});
  }
  if (r.more) frame.append("\x18\x01", 2);
  if (r.count != 0) {
    frame.push_back(static_cast<char>((4 << 3) | 0));
    mvcc::AppendVarint(static_cast<uint64_t>(r.count), &frame);
  }
  close_frame_run();

  const bool stored_slices = segments.size() > 1 || (segments.size() == 1 && !segments[0].in_frame);
  if (!stored_slices && frame.size() <= kCopiedFrameMaxBytes) {
    grpc::Slice slice(frame.data(), frame.size());  // copies
    *out = grpc::ByteBuffer(&slice, 1);
    return;
  }
  if (stored_slices) hold->pin = r.pin;
  std::vector<grpc::Slice> slices;
  slices.reserve(segments.size());
  hold->refs.store(segments.size(), std::memory_order_relaxed);
  WireHold* h = hold.release();  // owned by the slices from here on
  for (const Segment& s : segments) {
    const char* p = s.in_frame ? h->frame.data() + s.frame_offset : s.stored;
    slices.emplace_back(const_cast<char*>(p), s.len, &ReleaseHold, h);
  }
  *out = grpc::ByteBuffer(slices.data(), slices.size());
}

}  // namespace cairn::api
