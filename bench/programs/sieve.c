/* sieve: Sieve of Eratosthenes over a byte array (odd numbers only), then a
 * segmented bit-array sieve over a second range.  Stresses byte stores with a
 * large stride, branchy counting loops, and i32 shifts/masks for bit access. */
#include "bench.h"

#define LIMIT (1u << 22) /* byte sieve covers odd numbers below 2*LIMIT */
#define BITS (1u << 22)  /* bit sieve covers numbers below BITS*32 */

BENCH_PARAM(sieve_limit, LIMIT)
BENCH_PARAM(bit_words, BITS / 32)

static u8 composite[LIMIT];
static u32 bits[BITS / 32];

NO_LIBCALLS static u32 byte_sieve(u32 limit) {
  /* composite[i] describes the odd number 2*i+1. */
  for (u32 i = 0; i < limit; i++)
    composite[i] = 0;
  for (u32 i = 1; (2 * i + 1) * (2 * i + 1) < 2 * limit; i++) {
    if (composite[i]) continue;
    u32 p = 2 * i + 1;
    for (u32 j = (p * p) / 2; j < limit; j += p)
      composite[j] = 1;
  }
  u32 count = 1; /* the prime 2 */
  u32 h = 0;
  for (u32 i = 1; i < limit; i++) {
    if (!composite[i]) {
      count++;
      h += (2 * i + 1) * count;
    }
  }
  return mix32(count, h);
}

NO_LIBCALLS static u32 bit_sieve(u32 words) {
  u32 n = words * 32;
  for (u32 i = 0; i < words; i++)
    bits[i] = 0;
  bits[0] = 3; /* 0 and 1 are not prime */
  for (u32 p = 2; p * p < n; p++) {
    if (bits[p >> 5] & (1u << (p & 31))) continue;
    for (u32 j = p * p; j < n; j += p)
      bits[j >> 5] |= 1u << (j & 31);
  }
  u32 count = 0;
  for (u32 i = 0; i < words; i++) {
    u32 w = ~bits[i];
    while (w) { /* popcount by clearing the lowest set bit */
      w &= w - 1;
      count++;
    }
  }
  return count;
}

BENCH_EXPORT unsigned int run(void) {
  u32 h = byte_sieve(sieve_limit());
  return mix32(h, bit_sieve(bit_words()));
}
