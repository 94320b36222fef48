/* memcpy: hand-written memory copy loops between two 256 KiB buffers: a byte
 * loop (i32.load8_u / i32.store8), a 32-bit word loop, a 64-bit word loop, an
 * overlapping backward byte move (memmove-style), a byte fill, and copies at
 * unaligned offsets.  Stresses plain loads/stores and bounds checks. */
#include "bench.h"

#define SIZE (1u << 18)

BENCH_PARAM(memcpy_rounds, 32)

/* The buffers are accessed as bytes, u32 and u64; may_alias makes the word
 * views legal under strict aliasing. */
typedef u32 __attribute__((may_alias)) u32a;
typedef u64 __attribute__((may_alias)) u64a;

static u64a src64[SIZE / 8], dst64[SIZE / 8];

NO_LIBCALLS static void copy_bytes(u8* dst, const u8* src, u32 n) {
  for (u32 i = 0; i < n; i++)
    dst[i] = src[i];
}

NO_LIBCALLS static void copy_words(u32a* dst, const u32a* src, u32 n) {
  for (u32 i = 0; i < n; i++)
    dst[i] = src[i];
}

NO_LIBCALLS static void copy_dwords(u64a* dst, const u64a* src, u32 n) {
  /* Unrolled by four, as a typical libc would. */
  u32 i = 0;
  for (; i + 4 <= n; i += 4) {
    u64 a = src[i], b = src[i + 1], c = src[i + 2], d = src[i + 3];
    dst[i] = a;
    dst[i + 1] = b;
    dst[i + 2] = c;
    dst[i + 3] = d;
  }
  for (; i < n; i++)
    dst[i] = src[i];
}

NO_LIBCALLS static void move_bytes_backward(u8* dst, const u8* src, u32 n) {
  /* dst > src with overlap: copy from the end. */
  while (n--)
    dst[n] = src[n];
}

NO_LIBCALLS static void fill_bytes(u8* dst, u8 v, u32 n) {
  for (u32 i = 0; i < n; i++)
    dst[i] = v;
}

static u32 sample(const u8* p, u32 n) {
  u32 h = 0;
  for (u32 i = 0; i < n; i += 997)
    h = mix32(h, p[i]);
  return mix32(h, p[n - 1]);
}

BENCH_EXPORT unsigned int run(void) {
  u8* src = (u8*)src64;
  u8* dst = (u8*)dst64;
  u32 s = 0x2545F491u;
  for (u32 i = 0; i < SIZE / 4; i++)
    ((u32a*)src)[i] = xorshift32(&s);

  u32 h = 0;
  u32 rounds = memcpy_rounds();
  for (u32 r = 0; r < rounds; r++) {
    copy_bytes(dst, src, SIZE);
    h = mix32(h, sample(dst, SIZE));
    fill_bytes(dst, (u8)r, SIZE);
    copy_words((u32a*)dst, (const u32a*)src, SIZE / 4);
    h = mix32(h, sample(dst, SIZE));
    copy_dwords(dst64, src64, SIZE / 8);
    h = mix32(h, sample(dst, SIZE));
    /* Unaligned source and destination. */
    copy_bytes(dst + 3, src + 1 + r, SIZE - 64);
    h = mix32(h, sample(dst, SIZE));
    /* Overlapping move within src: shifts the buffer up by 7 + r bytes. */
    move_bytes_backward(src + 7 + r, src, SIZE - 64);
    h = mix32(h, sample(src, SIZE));
  }
  return h;
}
