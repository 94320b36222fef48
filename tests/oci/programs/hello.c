// The demo workload of the OCI tests: prints its arguments and one environment
// variable, writes, reads back and deletes a file, and exits with the status
// given by `exit=N` (default 0). Built for wasm32-wasi and run as a container.
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

int main(int argc, char** argv) {
  int status = 0;
  for (int i = 0; i < argc; ++i) {
    printf("arg[%d]=%s\n", i, argv[i]);
    if (strncmp(argv[i], "exit=", 5) == 0) status = atoi(argv[i] + 5);
  }
  const char* greeting = getenv("GREETING");
  printf("GREETING=%s\n", greeting ? greeting : "(unset)");

  const char* path = getenv("DEMO_FILE");
  if (path == NULL) path = "/runw-demo.txt";
  FILE* f = fopen(path, "w");
  if (f == NULL) {
    perror("fopen for writing");
    return 2;
  }
  fputs("written inside the container\n", f);
  fclose(f);
  char line[128] = {0};
  f = fopen(path, "r");
  if (f == NULL || fgets(line, sizeof line, f) == NULL) {
    perror("read back");
    return 3;
  }
  fclose(f);
  printf("read back: %s", line);
  if (unlink(path) != 0) {
    perror("unlink");
    return 4;
  }
  printf("deleted %s\n", path);
  fprintf(stderr, "hello on stderr\n");
  return status;
}
