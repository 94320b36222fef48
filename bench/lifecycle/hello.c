// The lifecycle benchmark's workload: print one line and exit. Built for
// wasm32-wasi (run by runw) and as a static native binary (run by runc and crun),
// so that both bundles do the same visible work.
#include <stdio.h>

int main(void) {
  puts("hello from the container");
  return 0;
}
