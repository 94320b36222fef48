/* sort: sorts a pseudo-random array of 200k u32 with an introsort-like
 * quicksort (median of three, insertion sort for small ranges, explicit
 * stack) and a second copy with heapsort, then checks both.  Stresses
 * data-dependent branches, compares, and scattered loads/stores. */
#include "bench.h"

#define N 200000u

BENCH_PARAM(sort_n, N)

static u32 qa[N], ha[N];

static void insertion_sort(u32* a, i32 lo, i32 hi) {
  for (i32 i = lo + 1; i <= hi; i++) {
    u32 v = a[i];
    i32 j = i - 1;
    while (j >= lo && a[j] > v) {
      a[j + 1] = a[j];
      j--;
    }
    a[j + 1] = v;
  }
}

static void swap(u32* a, i32 i, i32 j) {
  u32 t = a[i];
  a[i] = a[j];
  a[j] = t;
}

static void quicksort(u32* a, i32 n) {
  i32 stack[128];
  i32 sp = 0;
  stack[sp++] = 0;
  stack[sp++] = n - 1;
  while (sp > 0) {
    i32 hi = stack[--sp];
    i32 lo = stack[--sp];
    while (hi - lo > 16) {
      i32 mid = lo + (hi - lo) / 2;
      if (a[mid] < a[lo]) swap(a, mid, lo);
      if (a[hi] < a[lo]) swap(a, hi, lo);
      if (a[hi] < a[mid]) swap(a, hi, mid);
      u32 pivot = a[mid];
      i32 i = lo, j = hi;
      while (i <= j) {
        while (a[i] < pivot)
          i++;
        while (a[j] > pivot)
          j--;
        if (i <= j) {
          swap(a, i, j);
          i++;
          j--;
        }
      }
      /* Push the larger half, loop on the smaller: stack depth is O(log n). */
      if (j - lo > hi - i) {
        stack[sp++] = lo;
        stack[sp++] = j;
        lo = i;
      } else {
        stack[sp++] = i;
        stack[sp++] = hi;
        hi = j;
      }
    }
    insertion_sort(a, lo, hi);
  }
}

static void sift_down(u32* a, u32 root, u32 n) {
  u32 v = a[root];
  for (;;) {
    u32 child = 2 * root + 1;
    if (child >= n) break;
    if (child + 1 < n && a[child + 1] > a[child]) child++;
    if (a[child] <= v) break;
    a[root] = a[child];
    root = child;
  }
  a[root] = v;
}

static void heapsort(u32* a, u32 n) {
  for (u32 i = n / 2; i-- > 0;)
    sift_down(a, i, n);
  for (u32 end = n; end-- > 1;) {
    swap(a, 0, (i32)end);
    sift_down(a, 0, end);
  }
}

BENCH_EXPORT unsigned int run(void) {
  u32 n = sort_n();
  u32 s = 0xDEADBEEFu;
  for (u32 i = 0; i < n; i++) {
    u32 v = xorshift32(&s) % (n * 4u);
    qa[i] = v;
    ha[i] = v ^ 0x5A5A5A5Au;
  }
  quicksort(qa, (i32)n);
  heapsort(ha, n);

  u32 h = 0, unsorted = 0;
  for (u32 i = 0; i < n; i++) {
    if (i > 0 && (qa[i - 1] > qa[i] || ha[i - 1] > ha[i])) unsorted++;
    h = h * 31u + qa[i] + (ha[i] >> 3);
  }
  return mix32(h, unsorted);
}
