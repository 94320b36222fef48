// A workload that never ends by itself: `podman stop` and `kill` must end it.
// With an argument it prints a line first so the test knows it started.
#include <stdio.h>

int main(int argc, char** argv) {
  if (argc > 1) {
    printf("%s\n", argv[1]);
    fflush(stdout);
  }
  volatile unsigned long n = 0;
  for (;;) ++n;
}
