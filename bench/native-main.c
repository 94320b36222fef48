/* Native driver for the benchmark programs: calls run() COUNT times (default 1)
 * and prints the checksum as an unsigned decimal.  Exits 1 if repeated calls
 * disagree, since run() is supposed to be repeatable. */
#include <stdio.h>
#include <stdlib.h>

unsigned int run(void);

int main(int argc, char** argv) {
  long count = argc > 1 ? strtol(argv[1], NULL, 10) : 1;
  if (count < 1) {
    fprintf(stderr, "usage: %s [COUNT>=1]\n", argv[0]);
    return 2;
  }
  unsigned int first = run();
  for (long i = 1; i < count; i++) {
    unsigned int r = run();
    if (r != first) {
      fprintf(stderr, "run() is not repeatable: call %ld returned %u, first returned %u\n", i + 1,
              r, first);
      return 1;
    }
  }
  printf("%u\n", first);
  return 0;
}
