// The bundled container demo: a WASI command that shows what a container
// workload sees. scripts/demo.sh builds it with clang --target=wasm32-wasi,
// puts it in an OCI bundle and runs it with `runw run`.
#include <stdio.h>
#include <stdlib.h>
#include <unistd.h>

int main(int argc, char** argv) {
  printf("Hello from a WebAssembly container!\n");
  for (int i = 0; i < argc; ++i) printf("  argv[%d] = %s\n", i, argv[i]);
  const char* who = getenv("WHO");
  printf("  WHO = %s\n", who ? who : "(unset)");
  // `/` is the container's root file system.
  FILE* f = fopen("/greeting.txt", "w");
  if (f == NULL) {
    perror("fopen /greeting.txt");
    return 1;
  }
  fputs("written inside the container\n", f);
  fclose(f);
  char line[64] = {0};
  f = fopen("/greeting.txt", "r");
  if (f == NULL || fgets(line, sizeof line, f) == NULL) return 1;
  fclose(f);
  unlink("/greeting.txt");
  printf("  /greeting.txt said: %s", line);
  return 0;
}
