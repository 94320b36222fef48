/* hash: fills a 1 MiB buffer from a xorshift PRNG, then hashes it repeatedly
 * with FNV-1a (byte loads, multiply, xor) and an xxHash32-style word hash
 * (i32 loads, rotates, multiplies, four independent lanes). */
#include "bench.h"

#define BUF_SIZE (1u << 20)

BENCH_PARAM(hash_passes, 20)

static u8 buf[BUF_SIZE];

#define PRIME1 0x9E3779B1u
#define PRIME2 0x85EBCA77u
#define PRIME3 0xC2B2AE3Du
#define PRIME4 0x27D4EB2Fu
#define PRIME5 0x165667B1u

static u32 load32(const u8* p) {
  return (u32)p[0] | (u32)p[1] << 8 | (u32)p[2] << 16 | (u32)p[3] << 24;
}

static void fill(u32 seed) {
  u32 s = seed;
  for (u32 i = 0; i < BUF_SIZE; i += 4) {
    u32 v = xorshift32(&s);
    buf[i] = (u8)v;
    buf[i + 1] = (u8)(v >> 8);
    buf[i + 2] = (u8)(v >> 16);
    buf[i + 3] = (u8)(v >> 24);
  }
}

static u32 fnv1a(const u8* p, u32 n) {
  u32 h = 0x811C9DC5u;
  for (u32 i = 0; i < n; i++) {
    h ^= p[i];
    h *= 0x01000193u;
  }
  return h;
}

static u32 round32(u32 acc, u32 in) {
  acc += in * PRIME2;
  acc = rotl32(acc, 13);
  return acc * PRIME1;
}

static u32 xxh32(const u8* p, u32 n, u32 seed) {
  u32 v1 = seed + PRIME1 + PRIME2, v2 = seed + PRIME2, v3 = seed, v4 = seed - PRIME1;
  u32 i = 0;
  for (; i + 16 <= n; i += 16) {
    v1 = round32(v1, load32(p + i));
    v2 = round32(v2, load32(p + i + 4));
    v3 = round32(v3, load32(p + i + 8));
    v4 = round32(v4, load32(p + i + 12));
  }
  u32 h = rotl32(v1, 1) + rotl32(v2, 7) + rotl32(v3, 12) + rotl32(v4, 18) + n;
  for (; i + 4 <= n; i += 4)
    h = rotl32(h + load32(p + i) * PRIME3, 17) * PRIME4;
  for (; i < n; i++)
    h = rotl32(h + p[i] * PRIME5, 11) * PRIME1;
  h ^= h >> 15;
  h *= PRIME2;
  h ^= h >> 13;
  h *= PRIME3;
  h ^= h >> 16;
  return h;
}

BENCH_EXPORT unsigned int run(void) {
  fill(0x12345678u);
  u32 h = 0;
  u32 passes = hash_passes();
  for (u32 pass = 0; pass < passes; pass++) {
    /* Vary the window a little so no pass is a repeat of the previous one. */
    u32 off = pass * 3;
    h = mix32(h, fnv1a(buf + off, BUF_SIZE - off));
    h = mix32(h, xxh32(buf + off, BUF_SIZE - off, pass));
  }
  return h;
}
