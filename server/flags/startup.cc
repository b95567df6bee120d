#include "server/flags/startup.h"

#include <cstdio>

#include "server/version.h"

namespace cairn::flags {

namespace {

void LogNote(logging::Logger& logger, const ParseNote& note) {
  logging::Level level = logging::Level::kInfo;
  if (!logging::ParseLevel(note.level, &level).ok()) level = logging::Level::kInfo;
  // A fatal note is logged at fatal level without exiting here: the caller exits with our code.
  if (!logger.Enabled(level) && level != logging::Level::kFatal) return;
  std::vector<logging::Field> fields;
  fields.reserve(note.fields.size());
  for (const auto& [k, v] : note.fields) fields.push_back(logging::String(k, v));
  // Log() takes an initializer_list; build the line through With() to carry a runtime list.
  logging::Logger with_fields = logger;
  for (const logging::Field& f : fields) with_fields = with_fields.With({f});
  with_fields.Log(level, note.msg, {});
}

}  // namespace

Status ConfigureLogger(const ServerConfig& config, logging::Logger& logger) {
  logging::Level level;
  CAIRN_RETURN_IF_ERROR(logging::ParseLevel(config.log_level, &level));
  std::shared_ptr<logging::Sink> sink;
  CAIRN_RETURN_IF_ERROR(logging::OpenLogOutputs(config.log_outputs, &sink));
  logger.SetSink(std::move(sink));
  logger.SetLevel(level);
  return Status::Ok();
}

bool LoadServerConfig(const std::vector<std::string>& argv, const Environment& env, logging::Logger& logger,
                      ServerConfig* config, int* exit_code) {
  std::vector<std::string> args(argv.begin() + (argv.empty() ? 0 : 1), argv.end());
  ParseResult result = ParseServerFlags(args, env);
  *exit_code = result.ExitCode();
  switch (result.outcome) {
    case ParseResult::Outcome::kHelp:
      fputs(HelpText().c_str(), stdout);
      fflush(stdout);
      return false;
    case ParseResult::Outcome::kVersion:
      fputs(VersionText().c_str(), stdout);
      fflush(stdout);
      return false;
    case ParseResult::Outcome::kUsageError:
      fputs(result.message.c_str(), stderr);
      fflush(stderr);
      return false;
    case ParseResult::Outcome::kPrintedError:
      fprintf(stderr, "%s\n", result.message.c_str());
      fflush(stderr);
      return false;
    default: break;
  }
  if (result.outcome == ParseResult::Outcome::kRun) {
    Status st = ConfigureLogger(result.config, logger);
    if (!st.ok()) {
      logger.Warn("failed to verify flags", {logging::Error(st)});
      *exit_code = 1;
      return false;
    }
  }
  logger.Info("Running: ", {logging::Strings("args", argv)});
  for (const ParseNote& note : result.notes) LogNote(logger, note);
  if (result.outcome == ParseResult::Outcome::kConfigError) {
    logger.Warn("failed to verify flags", {logging::Error(Status::InvalidArgument(result.message))});
    if (result.message == "--advertise-client-urls is required when --listen-client-urls is set explicitly") {
      logger.Warn("advertise client URLs are not set",
                  {logging::Error(Status::InvalidArgument(result.message))});
    }
    return false;
  }
  if (result.outcome == ParseResult::Outcome::kFatal) return false;
  *config = std::move(result.config);
  return true;
}

}  // namespace cairn::flags
