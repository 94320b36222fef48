// Allocates memory a MiB at a time until malloc fails (memory.grow refused),
// reports how far it got, then aborts (a trap), as a program that cannot cope
// with running out of memory would. Under a container memory limit, runw must
// refuse the growth (not let the kernel OOM-kill the container) and name the
// limit when the module then fails.
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

// Every block is linked into a list the program keeps, so the compiler cannot
// prove the allocations dead and remove them (clang does, for a loop that only
// mallocs and memsets).
struct block {
  struct block* next;
};
struct block* volatile blocks;

int main(void) {
  int mib = 0;
  for (;;) {
    struct block* b = malloc(1 << 20);
    if (b == NULL) break;
    memset(b, 1, 1 << 20);  // touch it: committed memory, as a real program would
    b->next = blocks;
    blocks = b;
    ++mib;
  }
  printf("allocated %d MiB before malloc failed\n", mib);
  fflush(stdout);
  abort();
}
