// Opens each argument for reading and prints `PATH: ERRNO` (WASI errno values, 0
// on success) so that run-wasi-tests.sh can check how paths resolve.
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <unistd.h>

int main(int argc, char** argv) {
  for (int i = 1; i < argc; ++i) {
    int fd = open(argv[i], O_RDONLY);
    printf("%s: %d\n", argv[i], fd < 0 ? errno : 0);
    if (fd >= 0) close(fd);
  }
  return 0;
}
