// The runtime's own log, as runc keeps it: `--log FILE` (default stderr),
// `--log-format text|json`, `--log-level`. Callers read it back: podman decodes
// the whole file as one JSON object, containerd takes the last `"level":"error"`
// line, CRI-O reads stderr. So a failed command logs exactly one error, to both
// stderr and the log file, and a successful one writes nothing to stderr (under
// conmon, stderr is the container's stderr pipe).
#pragma once

#include <string>
#include <string_view>

namespace runw::oci {

enum class LogLevel : uint8_t { kDebug, kInfo, kWarning, kError };

struct LogOptions {
  std::string path;  // empty: no log file
  bool json = false;
  LogLevel level = LogLevel::kWarning;
};

/// Parses a runc `--log-level` value ("debug", "info", "warn", "warning", "error").
bool ParseLogLevel(std::string_view text, LogLevel* level);

/// Sets where log lines go for the rest of the process. A log file that cannot
/// be opened is reported on stderr once, and logging continues to stderr only.
void ConfigureLog(const LogOptions& options);

/// The one error line of a failed command: on stderr and, when a log file is
/// configured, in it too.
void LogError(std::string_view message);
/// Written to the log file only (never stderr, see above), when its level is on.
void LogWarning(std::string_view message);
void LogInfo(std::string_view message);
void LogDebug(std::string_view message);

/// The current time as RFC 3339 with nanoseconds in UTC ("2026-12-03T21:40:05.123456789Z").
std::string Rfc3339NanoNow();

}  // namespace runw::oci
