#include "server/logging/logger.h"

#include <fcntl.h>
#include <unistd.h>

#include <cerrno>
#include <cstdio>
#include <cstdlib>
#include <ctime>

namespace cairn::logging {

const char* LevelName(Level level) {
  switch (level) {
    case Level::kDebug: return "debug";
    case Level::kInfo: return "info";
    case Level::kWarn: return "warn";
    case Level::kError: return "error";
    case Level::kDPanic: return "dpanic";
    case Level::kPanic: return "panic";
    case Level::kFatal: return "fatal";
  }
  return "info";
}

Status ParseLevel(std::string_view text, Level* level) {
  struct Name {
    const char* lower;
    const char* upper;
    Level level;
  };
  static constexpr Name kNames[] = {
      {"debug", "DEBUG", Level::kDebug},
      {"info", "INFO", Level::kInfo},
      {"", "", Level::kInfo},
      {"warn", "WARN", Level::kWarn},
      {"error", "ERROR", Level::kError},
      {"dpanic", "DPANIC", Level::kDPanic},
      {"panic", "PANIC", Level::kPanic},
      {"fatal", "FATAL", Level::kFatal},
  };
  for (const Name& n : kNames) {
    if (text == n.lower || text == n.upper) {
      *level = n.level;
      return Status::Ok();
    }
  }
  std::string quoted;
  AppendJsonString(&quoted, text);
  return Status::InvalidArgument("unrecognized level: " + quoted);
}

FdSink::~FdSink() {
  if (owned_) close(fd_);
}

void FdSink::Write(std::string_view line) {
  std::lock_guard<std::mutex> lock(mu_);
  // One write(2) per line; loop only on short writes or EINTR.
  while (!line.empty()) {
    ssize_t n = ::write(fd_, line.data(), line.size());
    if (n < 0) {
      if (errno == EINTR) continue;
      return;  // Nowhere left to report a failing log sink.
    }
    line.remove_prefix(static_cast<size_t>(n));
  }
}

void MemorySink::Write(std::string_view line) {
  std::lock_guard<std::mutex> lock(mu_);
  lines_.emplace_back(line);
}

std::vector<std::string> MemorySink::Lines() {
  std::lock_guard<std::mutex> lock(mu_);
  return lines_;
}

namespace {

class TeeSink : public Sink {
 public:
  explicit TeeSink(std::vector<std::shared_ptr<Sink>> sinks) : sinks_(std::move(sinks)) {}
  void Write(std::string_view line) override {
    for (auto& s : sinks_) s->Write(line);
  }

 private:
  std::vector<std::shared_ptr<Sink>> sinks_;
};

}  // namespace

Status OpenLogOutputs(const std::vector<std::string>& outputs, std::shared_ptr<Sink>* sink) {
  std::vector<std::shared_ptr<Sink>> sinks;
  for (const std::string& o : outputs) {
    if (o == "default" || o == "stderr" || o.empty()) {
      sinks.push_back(std::make_shared<FdSink>(STDERR_FILENO));
    } else if (o == "stdout") {
      sinks.push_back(std::make_shared<FdSink>(STDOUT_FILENO));
    } else {
      int fd = ::open(o.c_str(), O_WRONLY | O_CREAT | O_APPEND | O_CLOEXEC, 0600);
      if (fd < 0) return Status::FromErrno("open " + o, errno);
      sinks.push_back(std::make_shared<FdSink>(fd, /*owned=*/true));
    }
  }
  if (sinks.size() == 1) {
    *sink = sinks[0];
  } else {
    *sink = std::make_shared<TeeSink>(std::move(sinks));
  }
  return Status::Ok();
}

Logger::Logger() : Logger(std::make_shared<FdSink>(STDERR_FILENO), Level::kInfo) {}

Logger::Logger(std::shared_ptr<Sink> sink, Level min_level)
    : sink_(std::move(sink)),
      min_level_(std::make_shared<std::atomic<int>>(static_cast<int>(min_level))),
      clock_([] { return std::chrono::system_clock::now(); }) {}

Logger Logger::With(std::initializer_list<Field> fields) const {
  Logger child = *this;
  for (const Field& f : fields) {
    if (f.key.empty()) continue;
    child.context_json_.push_back(',');
    AppendJsonString(&child.context_json_, f.key);
    child.context_json_.push_back(':');
    child.context_json_ += f.json;
  }
  return child;
}

std::string_view ShortCallerPath(std::string_view file) {
  size_t last = file.rfind('/');
  if (last == std::string_view::npos || last == 0) return file;
  size_t prev = file.rfind('/', last - 1);
  return prev == std::string_view::npos ? file : file.substr(prev + 1);
}

std::string FormatTimestamp(std::chrono::system_clock::time_point t) {
  using namespace std::chrono;
  auto us = duration_cast<microseconds>(t.time_since_epoch()).count();
  time_t secs = static_cast<time_t>(us / 1000000);
  long micros = static_cast<long>(us % 1000000);
  if (micros < 0) {
    micros += 1000000;
    secs -= 1;
  }
  struct tm tm;
  gmtime_r(&secs, &tm);
  char buf[80];
  snprintf(buf, sizeof(buf), "%04d-%02d-%02dT%02d:%02d:%02d.%06ldZ", tm.tm_year + 1900, tm.tm_mon + 1,
           tm.tm_mday, tm.tm_hour, tm.tm_min, tm.tm_sec, micros);
  return buf;
}

std::string Logger::FormatLine(Level level, std::string_view msg, std::initializer_list<Field> fields,
                               std::string_view caller_file, uint32_t caller_line) const {
  std::string line;
  line.reserve(160 + msg.size() + context_json_.size());
  line.append("{\"level\":\"");
  line.append(LevelName(level));
  line.append("\",\"ts\":\"");
  line.append(FormatTimestamp(clock_()));
  line.append("\",\"caller\":");
  std::string caller(ShortCallerPath(caller_file));
  caller += ':';
  caller += std::to_string(caller_line);
  AppendJsonString(&line, caller);
  line.append(",\"msg\":");
  AppendJsonString(&line, msg);
  line.append(context_json_);
  for (const Field& f : fields) {
    if (f.key.empty()) continue;
    line.push_back(',');
    AppendJsonString(&line, f.key);
    line.push_back(':');
    line.append(f.json);
  }
  line.append("}\n");
  return line;
}

void Logger::Log(Level level, std::string_view msg, std::initializer_list<Field> fields,
                 std::source_location where) {
  if (!Enabled(level)) return;
  sink_->Write(FormatLine(level, msg, fields, where.file_name(), where.line()));
}

void Logger::Panic(std::string_view msg, std::initializer_list<Field> fields, std::source_location where) {
  sink_->Write(FormatLine(Level::kPanic, msg, fields, where.file_name(), where.line()));
  std::abort();
}

void Logger::Fatal(std::string_view msg, std::initializer_list<Field> fields, std::source_location where) {
  sink_->Write(FormatLine(Level::kFatal, msg, fields, where.file_name(), where.line()));
  std::exit(1);
}

Logger& DefaultLogger() {
  static Logger* logger = new Logger();
  return *logger;
}

}  // namespace cairn::logging
