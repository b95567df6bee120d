// The plumbing every `cairn k8s` command shares: flags (`--name value` or `--name=value`),
// one-line usage errors (exit 2, nothing written), and writing the output files all-or-nothing
// after every input was validated.
#ifndef CAIRN_K8S_CLI_H_
#define CAIRN_K8S_CLI_H_

#include <cstdint>
#include <cstdio>
#include <map>
#include <set>
#include <string>
#include <utility>
#include <vector>

namespace cairn::k8s {

inline constexpr int kExitUsage = 2;
inline constexpr int kExitIo = 1;

class CliFlags {
 public:
  explicit CliFlags(std::string command) : command_(std::move(command)) {}

  // Registers --name with its default already in *dest.
  void String(const std::string& name, std::string* dest, const std::string& help);
  void Int64(const std::string& name, int64_t* dest, const std::string& help);

  // Parses argv[first..argc). Returns false with *error set to a one-line message naming the
  // flag (unknown flag, missing value, not an integer). --help / -h sets help_requested().
  bool Parse(int argc, char** argv, int first, std::string* error);

  // Parse(argv[1..]) for a command's entry point: -1 to go on; otherwise the exit code to return
  // (0 after printing the usage for --help, kExitUsage after printing a usage error).
  int ParseOrExit(int argc, char** argv);

  bool Given(const std::string& name) const { return given_.count(name) != 0; }
  bool help_requested() const { return help_; }
  std::string Usage() const;

 private:
  struct Entry {
    std::string* str = nullptr;
    int64_t* i64 = nullptr;
    std::string help;
    std::string default_text;
  };
  std::string command_;
  std::map<std::string, Entry> flags_;
  std::set<std::string> given_;
  bool help_ = false;
};

// Prints "cairn k8s <command>: <message>" on stderr; returns kExitUsage.
int UsageError(const std::string& command, const std::string& message);

struct OutputFile {
  std::string path;
  std::string content;
  int mode = 0644;
};

// Creates the parent directories and writes each file atomically (a hidden temp file beside it,
// fsync, rename).
// Returns false with *error naming the file on the first failure.
bool WriteOutputFiles(const std::vector<OutputFile>& files, std::string* error);

// Reads a whole file; false with *error naming it.
bool ReadWholeFile(const std::string& path, std::string* out, std::string* error);

}  // namespace cairn::k8s

#endif  // CAIRN_K8S_CLI_H_
