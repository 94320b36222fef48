// A static native test program for terminals: reports whether its stdin and
// stdout are terminals and the window size of stdout; with `winch` waits for
// SIGWINCH and reports the new size; with `read` reads stdin to end of file and
// says how many bytes came. Exits with the status given by `exit=N` (default 0).
#include <errno.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <unistd.h>

static volatile sig_atomic_t got_winch = 0;

static void OnWinch(int sig) {
  (void)sig;
  got_winch = 1;
}

int main(int argc, char** argv) {
  int status = 0, read_stdin = 0, winch = 0;
  for (int i = 1; i < argc; ++i) {
    if (strncmp(argv[i], "exit=", 5) == 0) status = atoi(argv[i] + 5);
    if (strcmp(argv[i], "read") == 0) read_stdin = 1;
    if (strcmp(argv[i], "winch") == 0) winch = 1;
  }
  // Blocked before the first report, so that a resize right after it is not lost.
  sigset_t set;
  sigemptyset(&set);
  sigaddset(&set, SIGWINCH);
  sigprocmask(SIG_BLOCK, &set, NULL);
  struct winsize ws = {0};
  int rows = -1, cols = -1;
  if (ioctl(STDOUT_FILENO, TIOCGWINSZ, &ws) == 0) {
    rows = ws.ws_row;
    cols = ws.ws_col;
  }
  printf("ttyinfo: stdin tty=%d stdout tty=%d size=%dx%d\n", isatty(STDIN_FILENO),
         isatty(STDOUT_FILENO), rows, cols);
  fflush(stdout);
  if (winch) {
    struct sigaction sa = {0};
    sa.sa_handler = OnWinch;
    sigaction(SIGWINCH, &sa, NULL);
    sigset_t unblocked;
    sigprocmask(SIG_SETMASK, NULL, &unblocked);
    sigdelset(&unblocked, SIGWINCH);
    while (!got_winch) {
      if (sigsuspend(&unblocked) != 0 && errno != EINTR) {
        perror("ttyinfo: sigsuspend");
        return 1;
      }
    }
    ioctl(STDOUT_FILENO, TIOCGWINSZ, &ws);
    printf("ttyinfo: resized to %dx%d\n", ws.ws_row, ws.ws_col);
    fflush(stdout);
  }
  if (read_stdin) {
    long total = 0;
    char buf[256];
    ssize_t n;
    while ((n = read(STDIN_FILENO, buf, sizeof buf)) > 0)
      total += n;
    printf("ttyinfo: read %ld bytes until end of file\n", total);
  }
  return status;
}
