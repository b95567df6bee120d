// Logger: zap-shaped JSON lines, as etcd 3.5 writes them to stderr:
//
//   {"level":"info","ts":"2026-11-23T03:41:43.123456Z","caller":"etcdserver/server.go:123",
//    "msg":"ready to serve client requests","address":"127.0.0.1:2379"}
//
// `ts` is UTC with microseconds (etcd 3.5's layout "2006-01-02T15:04:05.000000Z0700"); `caller`
// is the last directory and file name of the call site plus its line (zap's short caller).
// Levels are etcd's: debug info warn error dpanic panic fatal; lines below the minimum level are
// dropped before any formatting. Panic logs then aborts; Fatal logs then exits with status 1
// (zap: os.Exit(1)).
//
// Thread-safety: every method may be called from any thread. A line is formatted in the caller's
// thread and written whole with one write(2) under the sink's mutex, so lines never interleave.
#pragma once

#include <atomic>
#include <chrono>
#include <functional>
#include <initializer_list>
#include <memory>
#include <mutex>
#include <source_location>
#include <string>
#include <string_view>
#include <vector>

#include "base/status.h"
#include "server/logging/field.h"

namespace cairn::logging {

enum class Level { kDebug = -1, kInfo = 0, kWarn = 1, kError = 2, kDPanic = 3, kPanic = 4, kFatal = 5 };

// "debug", "info", ... (zap's lowercase names).
const char* LevelName(Level level);
// zap's Level.Set: lower- or upper-case names, "" = info. Error: `unrecognized level: "x"`.
Status ParseLevel(std::string_view text, Level* level);

// Where whole lines go. Write receives one complete line including its trailing '\n'.
class Sink {
 public:
  virtual ~Sink() = default;
  virtual void Write(std::string_view line) = 0;
};

// Writes to a file descriptor (not owned unless `owned`), one write(2) per line under a mutex.
class FdSink : public Sink {
 public:
  explicit FdSink(int fd, bool owned = false) : fd_(fd), owned_(owned) {}
  ~FdSink() override;
  void Write(std::string_view line) override;

 private:
  std::mutex mu_;
  int fd_;
  bool owned_;
};

// Keeps every line in memory; for tests.
class MemorySink : public Sink {
 public:
  void Write(std::string_view line) override;
  std::vector<std::string> Lines();

 private:
  std::mutex mu_;
  std::vector<std::string> lines_;
};

// --log-outputs: "default" and "stderr" -> fd 2, "stdout" -> fd 1, anything else a file path
// opened for append. Several outputs get every line.
Status OpenLogOutputs(const std::vector<std::string>& outputs, std::shared_ptr<Sink>* sink);

class Logger {
 public:
  using Clock = std::function<std::chrono::system_clock::time_point()>;

  // Logs to stderr at info.
  Logger();
  Logger(std::shared_ptr<Sink> sink, Level min_level);

  // Changes the level of this logger and of every logger derived from it by With().
  void SetLevel(Level level) { min_level_->store(static_cast<int>(level), std::memory_order_relaxed); }
  Level level() const { return static_cast<Level>(min_level_->load(std::memory_order_relaxed)); }
  bool Enabled(Level level) const {
    return static_cast<int>(level) >= min_level_->load(std::memory_order_relaxed);
  }
  // Replaces where lines go (e.g. after --log-outputs is parsed). Not thread-safe against
  // concurrent logging: call before other threads log.
  void SetSink(std::shared_ptr<Sink> sink) { sink_ = std::move(sink); }
  // Tests pin the clock.
  void SetClockForTest(Clock clock) { clock_ = std::move(clock); }

  // A logger whose lines carry `fields` after the caller's own (zap's Logger.With).
  Logger With(std::initializer_list<Field> fields) const;

  void Log(Level level, std::string_view msg, std::initializer_list<Field> fields,
           std::source_location where = std::source_location::current());

  void Debug(std::string_view msg, std::initializer_list<Field> fields = {},
             std::source_location where = std::source_location::current()) {
    if (Enabled(Level::kDebug)) Log(Level::kDebug, msg, fields, where);
  }
  void Info(std::string_view msg, std::initializer_list<Field> fields = {},
            std::source_location where = std::source_location::current()) {
    if (Enabled(Level::kInfo)) Log(Level::kInfo, msg, fields, where);
  }
  void Warn(std::string_view msg, std::initializer_list<Field> fields = {},
            std::source_location where = std::source_location::current()) {
    if (Enabled(Level::kWarn)) Log(Level::kWarn, msg, fields, where);
  }
  void Error(std::string_view msg, std::initializer_list<Field> fields = {},
             std::source_location where = std::source_location::current()) {
    if (Enabled(Level::kError)) Log(Level::kError, msg, fields, where);
  }
  // Logs, then aborts the process.
  [[noreturn]] void Panic(std::string_view msg, std::initializer_list<Field> fields = {},
                          std::source_location where = std::source_location::current());
  // Logs, then exits with status 1.
  [[noreturn]] void Fatal(std::string_view msg, std::initializer_list<Field> fields = {},
                          std::source_location where = std::source_location::current());

  // The line Log would write (without writing it); exposed for tests.
  std::string FormatLine(Level level, std::string_view msg, std::initializer_list<Field> fields,
                         std::string_view caller_file, uint32_t caller_line) const;

 private:
  std::shared_ptr<Sink> sink_;
  std::shared_ptr<std::atomic<int>> min_level_;  // shared with loggers made by With()
  Clock clock_;
  std::string context_json_;  // ,"k":v pairs from With()
};

// "/work/main/server/core/server.cc" -> "core/server.cc".
std::string_view ShortCallerPath(std::string_view file);

// "2026-11-23T03:41:43.123456Z".
std::string FormatTimestamp(std::chrono::system_clock::time_point t);

// The process-wide logger (stderr, info) that code without an injected logger uses; main
// replaces its level and sink once flags are parsed.
Logger& DefaultLogger();

}  // namespace cairn::logging
