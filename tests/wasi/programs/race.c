// Opens argv[1] (a path that normally stays inside the preopen) for argv[2]
// milliseconds while run-wasi-tests.sh renames a directory on that path out of the preopen and
// back, over and over. Counts what each open read: "inside" (the file the path
// names while the directory is in place), "outside" (the file it would reach if
// `..` were resolved after the directory left: an escape), or an error.
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

static long long now_ms(void) {
  struct timespec ts;
  clock_gettime(CLOCK_MONOTONIC, &ts);
  return ts.tv_sec * 1000LL + ts.tv_nsec / 1000000;
}

int main(int argc, char** argv) {
  if (argc != 3) return 2;
  long long end = now_ms() + atoi(argv[2]);
  int n = 0, inside = 0, outside = 0, failed = 0;
  for (; now_ms() < end; ++n) {
    int fd = open(argv[1], O_RDONLY);
    if (fd < 0) {
      ++failed;
      continue;
    }
    char buf[16] = {0};
    ssize_t got = read(fd, buf, sizeof buf - 1);
    close(fd);
    if (got > 0 && strncmp(buf, "outside", 7) == 0)
      ++outside;
    else if (got > 0 && strncmp(buf, "inside", 6) == 0)
      ++inside;
    else
      ++failed;
  }
  printf("outside: %d\n", outside);
  printf("inside or failed: %d\n", inside + failed == n);
  printf("some inside: %d\n", inside > 0);
  return 0;
}
