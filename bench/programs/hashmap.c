/* hashmap: open-addressing hash map (linear probing, u32 keys and values,
 * 2^20 slots) with an insert/update phase, a lookup phase where half of the
 * keys miss, and a delete phase with backward-shift deletion.  Stresses
 * multiplicative hashing, random memory access and short probe loops. */
#include "bench.h"

#define LOG_SLOTS 20
#define SLOTS (1u << LOG_SLOTS)
#define MASK (SLOTS - 1)
#define EMPTY 0u /* key 0 is never inserted */

BENCH_PARAM(map_inserts, 250000)

static u32 keys[SLOTS];
static u32 vals[SLOTS];
static u32 count;

static u32 slot_of(u32 key) {
  return (key * 0x9E3779B1u) >> (32 - LOG_SLOTS);
}

NO_LIBCALLS static void clear(void) {
  for (u32 i = 0; i < SLOTS; i++) {
    keys[i] = EMPTY;
    vals[i] = 0;
  }
  count = 0;
}

static void put(u32 key, u32 val) {
  u32 i = slot_of(key);
  while (keys[i] != EMPTY) {
    if (keys[i] == key) {
      vals[i] += val;
      return;
    }
    i = (i + 1) & MASK;
  }
  keys[i] = key;
  vals[i] = val;
  count++;
}

static int get(u32 key, u32* val) {
  u32 i = slot_of(key);
  while (keys[i] != EMPTY) {
    if (keys[i] == key) {
      *val = vals[i];
      return 1;
    }
    i = (i + 1) & MASK;
  }
  return 0;
}

static int del(u32 key) {
  u32 i = slot_of(key);
  while (keys[i] != key) {
    if (keys[i] == EMPTY) return 0;
    i = (i + 1) & MASK;
  }
  /* Backward-shift deletion keeps probe sequences intact without tombstones. */
  u32 j = i;
  for (;;) {
    j = (j + 1) & MASK;
    if (keys[j] == EMPTY) break;
    u32 home = slot_of(keys[j]);
    /* Move keys[j] into the hole at i unless its home lies cyclically in (i, j]. */
    if (((j - home) & MASK) >= ((j - i) & MASK)) {
      keys[i] = keys[j];
      vals[i] = vals[j];
      i = j;
    }
  }
  keys[i] = EMPTY;
  vals[i] = 0;
  count--;
  return 1;
}

/* Keys are drawn from a range about 1.5x the number of inserts, so some
 * inserts are updates of existing keys. */
static u32 key_for(u32* s, u32 range) {
  return xorshift32(s) % range + 1;
}

BENCH_EXPORT unsigned int run(void) {
  clear();
  u32 n = map_inserts();
  u32 range = n + n / 2;
  u32 s = 0x1234567u;
  for (u32 i = 0; i < n; i++)
    put(key_for(&s, range), i);
  u32 h = mix32(0, count);

  /* Lookups: half from the inserted key range, half from outside it. */
  u32 hits = 0, sum = 0;
  s = 0x89ABCDEu;
  for (u32 i = 0; i < 2 * n; i++) {
    u32 key = (i & 1) ? key_for(&s, range) : key_for(&s, range) + range;
    u32 v;
    if (get(key, &v)) {
      hits++;
      sum += v;
    }
  }
  h = mix32(h, hits);
  h = mix32(h, sum);

  /* Delete a third of the key range, then look everything up again. */
  u32 deleted = 0;
  for (u32 k = 1; k <= range; k += 3)
    deleted += (u32)del(k);
  h = mix32(h, deleted);
  h = mix32(h, count);
  hits = 0;
  sum = 0;
  for (u32 k = 1; k <= range; k++) {
    u32 v;
    if (get(k, &v)) {
      hits++;
      sum = sum * 3u + v;
    }
  }
  h = mix32(h, hits);
  return mix32(h, sum);
}
