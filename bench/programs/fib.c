/* fib: naive doubly-recursive Fibonacci.  Stresses direct calls and returns,
 * frame setup, and small-integer arithmetic on the value stack. */
#include "bench.h"

BENCH_PARAM(fib_n, 30)
BENCH_PARAM(fib_reps, 4)

static u32 calls;

__attribute__((noinline)) static u32 fib(u32 n) {
  calls++;
  if (n < 2) return n;
  return fib(n - 1) + fib(n - 2);
}

BENCH_EXPORT unsigned int run(void) {
  u32 h = 0;
  calls = 0;
  u32 reps = fib_reps();
  for (u32 r = 0; r < reps; r++)
    h = mix32(h, fib(fib_n() - (r & 1)));
  return mix32(h, calls);
}
