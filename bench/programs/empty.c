/* empty: run() does nothing.  Measures engine startup (process start, module
 * load/validate/instantiate, one call).  Excluded from the geometric mean. */
#include "bench.h"

BENCH_EXPORT unsigned int run(void) {
  return 0;
}
