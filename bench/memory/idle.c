// An idle workload for the memory benchmark: blocks for an hour. Under WASI the
// sleep is a poll_oneoff on a clock, so the module sits in the host's poll.
#include <unistd.h>

int main(void) {
  sleep(3600);
  return 0;
}
