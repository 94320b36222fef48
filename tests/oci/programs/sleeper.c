// A static native test program: sleeps for argv[1] seconds (default 30), then
// exits 7; exits 42 on SIGTERM. It exercises the native path of the runtime
// (pause-container style images) and the exit-code plumbing.
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <unistd.h>

static void OnTerm(int sig) {
  (void)sig;
  _exit(42);
}

int main(int argc, char** argv) {
  signal(SIGTERM, OnTerm);
  int seconds = argc > 1 ? atoi(argv[1]) : 30;
  printf("sleeper: pid %d, sleeping %d s\n", (int)getpid(), seconds);
  fflush(stdout);
  sleep((unsigned)seconds);
  return 7;
}
