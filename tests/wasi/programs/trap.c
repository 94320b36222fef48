// A guest that traps: runw reports it and exits 134.
#include <stdio.h>

__attribute__((noinline)) static void crash(void) {
  __builtin_trap();
}

int main(void) {
  printf("before trap\n");
  fflush(stdout);
  crash();
  return 0;
}
