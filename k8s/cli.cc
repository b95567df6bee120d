#include "k8s/cli.h"

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <fstream>
#include <sstream>

#include "k8s/concat.h"

namespace cairn::k8s {
namespace {

bool MakeDirs(const std::string& dir, std::string* error) {
  if (dir.empty()) return true;
  struct stat st;
  if (::stat(dir.c_str(), &st) == 0) {
    if (S_ISDIR(st.st_mode)) return true;
    *error = dir + ": not a directory";
    return false;
  }
  const size_t slash = dir.rfind('/');
  if (slash != std::string::npos && slash > 0 && !MakeDirs(dir.substr(0, slash), error)) return false;
  if (::mkdir(dir.c_str(), 0755) != 0 && errno != EEXIST) {
    *error = "mkdir " + dir + ": " + std::strerror(errno);
    return false;
  }
  return true;
}

bool WriteAtomically(const OutputFile& f, std::string* error) {
  const size_t slash = f.path.rfind('/');
  if (slash != std::string::npos && !MakeDirs(f.path.substr(0, slash), error)) return false;
  // A dot file: kubelet reads every other file in its static pod directory, even half-written.
  const size_t base = slash == std::string::npos ? 0 : slash + 1;
  const std::string tmp =
      f.path.substr(0, base) + "." + f.path.substr(base) + ".tmp." + std::to_string(::getpid());
  const int fd = ::open(tmp.c_str(), O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, f.mode);
  if (fd < 0) {
    *error = "open " + tmp + ": " + std::strerror(errno);
    return false;
  }
  size_t done = 0;
  while (done < f.content.size()) {
    const ssize_t n = ::write(fd, f.content.data() + done, f.content.size() - done);
    if (n < 0 && errno == EINTR) continue;
    if (n <= 0) {
      *error = "write " + tmp + ": " + std::strerror(errno);
      ::close(fd);
      ::unlink(tmp.c_str());
      return false;
    }
    done += static_cast<size_t>(n);
  }
  if (::fchmod(fd, static_cast<mode_t>(f.mode)) != 0 || ::fsync(fd) != 0 || ::close(fd) != 0) {
    *error = "sync " + tmp + ": " + std::strerror(errno);
    ::unlink(tmp.c_str());
    return false;
  }
  if (::rename(tmp.c_str(), f.path.c_str()) != 0) {
    *error = "rename " + tmp + " to " + f.path + ": " + std::strerror(errno);
    ::unlink(tmp.c_str());
    return false;
  }
  return true;
}

}  // namespace

void CliFlags::String(const std::string& name, std::string* dest, const std::string& help) {
  flags_[name] = Entry{dest, nullptr, help, *dest};
}

void CliFlags::Int64(const std::string& name, int64_t* dest, const std::string& help) {
  flags_[name] = Entry{nullptr, dest, help, std::to_string(*dest)};
}

bool CliFlags::Parse(int argc, char** argv, int first, std::string* error) {
  for (int i = first; i < argc; ++i) {
    std::string arg = argv[i];
    if (arg == "--help" || arg == "-h") {
      help_ = true;
      continue;
    }
    if (arg.rfind("--", 0) != 0 || arg.size() == 2) {
      *error = "unexpected argument \"" + arg + "\" (flags are --name=value)";
      return false;
    }
    std::string name = arg.substr(2);
    std::string value;
    bool has_value = false;
    if (const size_t eq = name.find('='); eq != std::string::npos) {
      value = name.substr(eq + 1);
      name = name.substr(0, eq);
      has_value = true;
    }
    auto it = flags_.find(name);
    if (it == flags_.end()) {
      *error = "unknown flag --" + name;
      return false;
    }
    if (!has_value) {
      if (i + 1 >= argc) {
        *error = "flag needs an argument: --" + name;
        return false;
      }
      value = argv[++i];
    }
    if (it->second.str != nullptr) {
      *it->second.str = value;
    } else {
      char* end = nullptr;
      errno = 0;
      const long long v = std::strtoll(value.c_str(), &end, 10);
      if (value.empty() || *end != '\0' || errno != 0 || v < 0) {
        *error = Concat({"--", name, ": \"", value, "\" is not a non-negative integer"});
        return false;
      }
      *it->second.i64 = v;
    }
    given_.insert(name);
  }
  return true;
}

int CliFlags::ParseOrExit(int argc, char** argv) {
  std::string error;
  if (!Parse(argc, argv, 1, &error)) return UsageError(command_, error);
  if (help_) {
    std::fputs(Usage().c_str(), stdout);
    return 0;
  }
  return -1;
}

std::string CliFlags::Usage() const {
  std::string out = "Usage: cairn k8s " + command_ + " [flags]\n\nFlags:\n";
  for (const auto& [name, e] : flags_) {
    out += "  --" + name + "\n      " + e.help;
    if (!e.default_text.empty() && e.default_text != "0") out += " (default \"" + e.default_text + "\")";
    out += "\n";
  }
  return out;
}

int UsageError(const std::string& command, const std::string& message) {
  std::fprintf(stderr, "cairn k8s %s: %s\n", command.c_str(), message.c_str());
  return kExitUsage;
}

bool WriteOutputFiles(const std::vector<OutputFile>& files, std::string* error) {
  for (const OutputFile& f : files) {
    if (!WriteAtomically(f, error)) return false;
  }
  return true;
}

bool ReadWholeFile(const std::string& path, std::string* out, std::string* error) {
  std::ifstream in(path, std::ios::binary);
  if (!in) {
    *error = "open " + path + ": " + std::strerror(errno);
    return false;
  }
  std::ostringstream ss;
  ss << in.rdbuf();
  *out = ss.str();
  return true;
}

}  // namespace cairn::k8s
