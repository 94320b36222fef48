// The runtime's log (see log.h).
#include "oci/log.h"

#include <fcntl.h>
#include <unistd.h>

#include <cstdio>
#include <ctime>
#include <nlohmann/json.hpp>

namespace runw::oci {
namespace {

struct LogState {
  int fd = -1;
  bool json = false;
  LogLevel level = LogLevel::kWarning;
};

LogState& State() {
  static LogState state;
  return state;
}

std::string_view LevelName(LogLevel level) {
  switch (level) {
    case LogLevel::kDebug:
      return "debug";
    case LogLevel::kInfo:
      return "info";
    case LogLevel::kWarning:
      return "warning";
    case LogLevel::kError:
      return "error";
  }
  return "error";
}

// One write(2) per line, so that lines from concurrent runw processes sharing a
// log file (O_APPEND) never interleave.
void WriteAll(int fd, const std::string& line) {
  size_t done = 0;
  while (done < line.size()) {
    ssize_t n = write(fd, line.data() + done, line.size() - done);
    if (n < 0) {
      if (errno == EINTR) continue;
      return;
    }
    done += static_cast<size_t>(n);
  }
}

void WriteToFile(LogLevel level, std::string_view message) {
  LogState& s = State();
  if (s.fd < 0 || level < s.level) return;
  std::string line;
  if (s.json) {
    nlohmann::json j = {{"level", LevelName(level)}, {"msg", message}, {"time", Rfc3339NanoNow()}};
    line = j.dump(-1, ' ', false, nlohmann::json::error_handler_t::replace);
  } else {
    line = "time=\"" + Rfc3339NanoNow() + "\" level=" + std::string(LevelName(level)) + " msg=\"" +
           std::string(message) + "\"";
  }
  line += '\n';
  WriteAll(s.fd, line);
}

}  // namespace

bool ParseLogLevel(std::string_view text, LogLevel* level) {
  if (text == "debug" || text == "trace") {
    *level = LogLevel::kDebug;
  } else if (text == "info") {
    *level = LogLevel::kInfo;
  } else if (text == "warn" || text == "warning") {
    *level = LogLevel::kWarning;
  } else if (text == "error" || text == "fatal" || text == "panic") {
    *level = LogLevel::kError;
  } else {
    return false;
  }
  return true;
}

void ConfigureLog(const LogOptions& options) {
  LogState& s = State();
  if (s.fd >= 0) close(s.fd);
  s.fd = -1;
  s.json = options.json;
  s.level = options.level;
  if (!options.path.empty()) {
    s.fd = open(options.path.c_str(), O_WRONLY | O_CREAT | O_APPEND | O_CLOEXEC, 0644);
    if (s.fd < 0) {
      std::fprintf(stderr, "runw: cannot open log file `%s`: %m\n", options.path.c_str());
    }
  }
}

void LogError(std::string_view message) {
  std::string line = "runw: " + std::string(message) + "\n";
  WriteAll(STDERR_FILENO, line);
  WriteToFile(LogLevel::kError, message);
}

void LogWarning(std::string_view message) {
  WriteToFile(LogLevel::kWarning, message);
}
void LogInfo(std::string_view message) {
  WriteToFile(LogLevel::kInfo, message);
}
void LogDebug(std::string_view message) {
  WriteToFile(LogLevel::kDebug, message);
}

std::string Rfc3339NanoNow() {
  timespec ts{};
  clock_gettime(CLOCK_REALTIME, &ts);
  tm utc{};
  gmtime_r(&ts.tv_sec, &utc);
  char buf[64];
  size_t n = std::strftime(buf, sizeof buf, "%Y-%m-%dT%H:%M:%S", &utc);
  std::snprintf(buf + n, sizeof buf - n, ".%09ldZ", static_cast<long>(ts.tv_nsec));
  return buf;
}

}  // namespace runw::oci
