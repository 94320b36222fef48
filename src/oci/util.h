// Small helpers the OCI layer shares: errno text as Go prints it (callers match
// runc's messages), signal names, fd hygiene, and an error-propagation macro.
#pragma once

#include <signal.h>
#include <sys/types.h>

#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "oci/config.h"

namespace runw::oci {

/// strerror(err) with a lowercase first letter, the way Go (and so runc)
/// prints errno values: "no such file or directory", "operation not permitted".
/// Callers such as podman match these phrases.
std::string ErrnoText(int err);
/// "<what>: <ErrnoText(errno)>".
std::string SysError(std::string_view what);

/// A signal given as a number ("15") or a name with or without SIG, any case
/// ("TERM", "SIGKILL", "kill", "RTMIN+3"); std::nullopt when unknown.
std::optional<int> ParseSignal(std::string_view text);

/// Marks every fd >= `first` close-on-exec, except `keep` (-1 for none).
void CloexecFrom(int first, int keep = -1);

/// Waits (polling, up to `timeout_ms`) until process `pid` is dead or a zombie.
/// True when it is.
bool WaitForExit(pid_t pid, int timeout_ms);

/// Writes `value` to the existing file `path` in a single write(2), as kernel
/// interfaces (cgroup files, /proc/sys, uid_map) need: they parse each write as
/// a whole. Returns 0, or the errno of the open or the write (EIO for a short
/// write). `extra_flags` is added to O_WRONLY | O_CLOEXEC.
int WriteOnce(const std::string& path, std::string_view value, int extra_flags = 0);

/// `path` made absolute against the current directory (unchanged when it is
/// absolute or empty, or when the current directory cannot be read).
std::string AbsolutePath(const std::string& path);

/// The signals `runw run` and foreground `runw exec` pass on to the process they
/// wait for, as runc does.
inline constexpr int kForwardedSignals[] = {SIGHUP,  SIGINT,  SIGQUIT, SIGTERM,
                                            SIGUSR1, SIGUSR2, SIGWINCH};
/// From now on, kForwardedSignals sent to runw go to `pid` instead (0: dropped).
void ForwardSignalsTo(pid_t pid);

/// One message on a SOCK_SEQPACKET socket between runw and the processes it
/// forks (create's init, exec's joiner): a type byte, then the payload.
bool SendMessage(int fd, char type, std::string_view payload = {});
/// The next message, or std::nullopt at end of file or on error.
std::optional<std::pair<char, std::string>> ReceiveMessage(int fd);
/// The message type a forked child uses to report why it failed (payload: the
/// message); every sync protocol reserves it.
inline constexpr char kErrorMessage = 'E';
/// Sends kErrorMessage with `message`, then exits the (forked) process.
[[noreturn]] void SendErrorAndExit(int fd, const std::string& message);

/// The clone(2)/unshare(2)/setns(2) flag of a namespace type.
int CloneFlag(NamespaceType type);

/// A null-terminated char* array over `strings` (for execve), valid while
/// `strings` lives.
std::vector<char*> CStringArray(const std::vector<std::string>& strings);

}  // namespace runw::oci

/// Evaluates `expr` (an Expected<T>); on failure returns its message from the
/// enclosing function, otherwise yields the value.
#define RUNW_OCI_TRY(expr)                                      \
  ({                                                            \
    auto runw_oci_try_ = (expr);                                \
    if (!runw_oci_try_) [[unlikely]]                            \
      return std::unexpected(std::move(runw_oci_try_.error())); \
    std::move(*runw_oci_try_);                                  \
  })

/// Like RUNW_OCI_TRY for an Expected<void>.
#define RUNW_OCI_CHECK(expr)                                      \
  do {                                                            \
    auto runw_oci_check_ = (expr);                                \
    if (!runw_oci_check_) [[unlikely]]                            \
      return std::unexpected(std::move(runw_oci_check_.error())); \
  } while (0)
