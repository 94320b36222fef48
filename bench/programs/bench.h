/* Shared helpers for the runw compute benchmarks.
 *
 * Every program exports `unsigned int run(void)` returning a 32-bit checksum.
 * No libc: the programs are built with -nostdlib for wasm32, and the native build
 * links them with bench/native-main.c only.  run() must be repeatable: it
 * re-initialises all of its static state on every call.
 */
#ifndef RUNW_BENCH_H
#define RUNW_BENCH_H

typedef unsigned char u8;
typedef unsigned short u16;
typedef unsigned int u32;
typedef unsigned long long u64;
typedef int i32;
typedef long long i64;

#if defined(__wasm__)
#define BENCH_EXPORT __attribute__((export_name("run")))
#else
#define BENCH_EXPORT
#endif

/* Keep the compiler from turning hand-written copy/fill loops into calls to
 * memcpy/memset: there is no libc in the wasm build, and the benchmarks want to
 * measure the loops themselves, not the host's memcpy. */
#if defined(__clang__)
#define NO_LIBCALLS __attribute__((no_builtin))
#elif defined(__GNUC__)
#define NO_LIBCALLS __attribute__((optimize("no-tree-loop-distribute-patterns")))
#else
#define NO_LIBCALLS
#endif

/* Reads through a volatile so the workload size is not a compile-time constant
 * and the optimiser cannot fold the whole benchmark away. */
#define BENCH_PARAM(name, value)              \
  static volatile u32 name##_param = (value); \
  static u32 name(void) {                     \
    return name##_param;                      \
  }

/* xorshift32 PRNG (Marsaglia). State must be non-zero. */
static inline u32 xorshift32(u32* state) {
  u32 x = *state;
  x ^= x << 13;
  x ^= x >> 17;
  x ^= x << 5;
  *state = x;
  return x;
}

static inline u32 rotl32(u32 x, unsigned r) {
  return (x << r) | (x >> (32u - r));
}

/* Mixes a value into a running checksum (murmur3-style finaliser step). */
static inline u32 mix32(u32 h, u32 v) {
  v *= 0xcc9e2d51u;
  v = rotl32(v, 15);
  v *= 0x1b873593u;
  h ^= v;
  h = rotl32(h, 13);
  return h * 5u + 0xe6546b64u;
}

static inline u32 double_bits_mix(u32 h, double d) {
  union {
    double d;
    u64 u;
  } pun;
  pun.d = d;
  h = mix32(h, (u32)pun.u);
  return mix32(h, (u32)(pun.u >> 32));
}

#endif
