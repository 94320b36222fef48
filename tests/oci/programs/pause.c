// A pause program in the style of the CRI sandbox's: sleeps until SIGINT or
// SIGTERM, then exits 0. Static, so that its image is `FROM scratch`.
#include <signal.h>
#include <stdlib.h>
#include <unistd.h>

static void OnStop(int sig) {
  (void)sig;
  _exit(0);
}

int main(void) {
  signal(SIGINT, OnStop);
  signal(SIGTERM, OnStop);
  for (;;) pause();
}
