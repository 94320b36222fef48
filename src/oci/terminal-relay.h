// The terminal of a container process that runw itself serves: `runw run -t`
// and foreground `runw exec -t` without --console-socket. runc does the same:
// with nobody to hand the pty master to, it keeps the master and copies
// between it and its own stdio until the process ends.
//
// The container side is not told the difference. runw makes a private
// socketpair that stands in for the console socket, the container process
// runs SetupConsole on its end exactly as for a caller's socket, and runw
// receives the master on the other end (ReceiveConsoleMaster).
#pragma once

#include <sys/types.h>

#include <optional>

#include "oci/config.h"

namespace runw::oci {

/// The stand-in console socket: a connected SOCK_STREAM pair, close-on-exec.
struct LocalConsoleSocket {
  int runw_end = -1;       // receives the master
  int container_end = -1;  // passed to the process that runs SetupConsole
};
Expected<LocalConsoleSocket> MakeLocalConsoleSocket();

/// Receives the pty master SetupConsole sent over `socket_fd` (close-on-exec).
/// With `wait` false, std::nullopt when nothing was sent (yet); with `wait`
/// true, std::nullopt when the sender closed its end without sending.
Expected<std::optional<int>> ReceiveConsoleMaster(int socket_fd, bool wait);

/// The window size of runw's terminal (the first of stdin, stdout, stderr that
/// is one), if it has one.
std::optional<ConsoleSize> OuterTerminalSize();

/// Gives the pty `master` the window size of runw's terminal, if it has one.
void CopyWindowSize(int master);

/// Copies runw's stdin to `master` and `master` to runw's stdout until process
/// `pid` has exited and what it wrote is drained; does not reap it. Meanwhile,
/// when stdin is a terminal it is in raw mode (so that keys such as ^C reach
/// the container's line discipline as bytes), and restored on return; the
/// window size follows SIGWINCH. At end of input on stdin, reading it stops
/// and, when the pty is in canonical mode, an end-of-file character (VEOF) is
/// sent, so that a process reading its terminal sees end of file too.
Expected<void> RelayTerminal(int master, pid_t pid);

}  // namespace runw::oci
