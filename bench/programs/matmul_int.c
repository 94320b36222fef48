/* matmul_int: 32-bit integer matrix multiply C = A * B (i-k-j loop order),
 * repeated with C fed back into A.  Stresses i32 mul/add, address arithmetic
 * and sequential i32 loads/stores in a tight inner loop. */
#include "bench.h"

#define N 160

BENCH_PARAM(matmul_reps, 16)

static i32 a[N][N], b[N][N], c[N][N];

NO_LIBCALLS static void init(void) {
  u32 s = 0xC0FFEEu;
  for (u32 i = 0; i < N; i++)
    for (u32 j = 0; j < N; j++) {
      a[i][j] = (i32)(xorshift32(&s) % 201u) - 100;
      b[i][j] = (i32)(xorshift32(&s) % 201u) - 100;
    }
}

NO_LIBCALLS static void multiply(void) {
  for (u32 i = 0; i < N; i++) {
    for (u32 j = 0; j < N; j++)
      c[i][j] = 0;
    for (u32 k = 0; k < N; k++) {
      i32 aik = a[i][k];
      for (u32 j = 0; j < N; j++)
        c[i][j] += aik * b[k][j];
    }
  }
}

NO_LIBCALLS static void feed_back(void) {
  /* Keep the values bounded: A = (C mod 255) - 127. */
  for (u32 i = 0; i < N; i++)
    for (u32 j = 0; j < N; j++)
      a[i][j] = (i32)((u32)c[i][j] % 255u) - 127;
}

BENCH_EXPORT unsigned int run(void) {
  init();
  u32 h = 0;
  u32 reps = matmul_reps();
  for (u32 r = 0; r < reps; r++) {
    multiply();
    for (u32 i = 0; i < N; i++)
      h = mix32(h, (u32)c[i][(i * 7u) % N]);
    feed_back();
  }
  for (u32 i = 0; i < N; i++)
    for (u32 j = 0; j < N; j++)
      h += (u32)c[i][j] * (i + 1);
  return h;
}
