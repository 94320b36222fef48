/* matmul_f64: double-precision matrix multiply C = A * B (i-k-j loop order),
 * repeated with a normalised C fed back into A.  Stresses f64 mul/add and f64
 * loads/stores.  No FMA contraction is possible in wasm; the native build uses
 * plain x86-64 (SSE2, no FMA), so checksums match bit for bit. */
#include "bench.h"

#define N 128

BENCH_PARAM(matmul_reps, 20)

static double a[N][N], b[N][N], c[N][N];

NO_LIBCALLS static void init(void) {
  u32 s = 0xBADC0DEu;
  for (u32 i = 0; i < N; i++)
    for (u32 j = 0; j < N; j++) {
      a[i][j] = (double)(i32)(xorshift32(&s) % 2001u - 1000u) / 1000.0;
      b[i][j] = (double)(i32)(xorshift32(&s) % 2001u - 1000u) / 1000.0;
    }
}

NO_LIBCALLS static void multiply(void) {
  for (u32 i = 0; i < N; i++) {
    for (u32 j = 0; j < N; j++)
      c[i][j] = 0.0;
    for (u32 k = 0; k < N; k++) {
      double aik = a[i][k];
      for (u32 j = 0; j < N; j++)
        c[i][j] += aik * b[k][j];
    }
  }
}

NO_LIBCALLS static void feed_back(void) {
  double maxabs = 0.0;
  for (u32 i = 0; i < N; i++)
    for (u32 j = 0; j < N; j++) {
      double v = c[i][j] < 0 ? -c[i][j] : c[i][j];
      if (v > maxabs) maxabs = v;
    }
  double scale = maxabs > 0.0 ? 1.0 / maxabs : 1.0;
  for (u32 i = 0; i < N; i++)
    for (u32 j = 0; j < N; j++)
      a[i][j] = c[i][j] * scale;
}

BENCH_EXPORT unsigned int run(void) {
  init();
  u32 h = 0;
  u32 reps = matmul_reps();
  for (u32 r = 0; r < reps; r++) {
    multiply();
    for (u32 i = 0; i < N; i++)
      h = double_bits_mix(h, c[i][(i * 5u) % N]);
    feed_back();
  }
  double sum = 0.0;
  for (u32 i = 0; i < N; i++)
    for (u32 j = 0; j < N; j++)
      sum += c[i][j];
  return double_bits_mix(h, sum);
}
