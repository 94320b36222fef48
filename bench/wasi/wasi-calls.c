// WASI call-cost workloads, built both for wasm32-wasi and natively so that the
// same source measures runw, node's WASI and the host's own syscalls.
//
//   wasi-calls WORKLOAD DIR
//     write-small   200000 16-byte writes to /dev/null-like sink DIR/sink
//     file-small    20000 x (pwrite 4 KiB, pread 4 KiB) on DIR/small
//     file-large    64 x (write 1 MiB) then read it all back, DIR/large
//     open-close    20000 x open + close of DIR/existing
//     stat          50000 x stat of DIR/existing
// Each prints one checksum line, identical on every engine, so that a run that
// silently did less work is caught.
#include <fcntl.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

static char path_buf[4096];
static const char* in_dir(const char* dir, const char* name) {
  snprintf(path_buf, sizeof path_buf, "%s/%s", dir, name);
  return path_buf;
}

static uint32_t mix(uint32_t h, uint32_t v) { return (h ^ v) * 16777619u; }

int main(int argc, char** argv) {
  if (argc != 3) {
    fprintf(stderr, "usage: wasi-calls WORKLOAD DIR\n");
    return 2;
  }
  const char* w = argv[1];
  const char* dir = argv[2];
  uint32_t h = 2166136261u;
  if (strcmp(w, "write-small") == 0) {
    int fd = open(in_dir(dir, "sink"), O_WRONLY | O_CREAT | O_TRUNC, 0644);
    if (fd < 0) return 1;
    char buf[16];
    memset(buf, 'x', sizeof buf);
    for (int i = 0; i < 200000; ++i) {
      h = mix(h, (uint32_t)write(fd, buf, sizeof buf));
      if ((i & 1023) == 1023) lseek(fd, 0, SEEK_SET);  // keep the file small
    }
    close(fd);
  } else if (strcmp(w, "file-small") == 0) {
    int fd = open(in_dir(dir, "small"), O_RDWR | O_CREAT | O_TRUNC, 0644);
    if (fd < 0) return 1;
    static char buf[4096];
    for (int i = 0; i < 20000; ++i) {
      buf[i % sizeof buf] = (char)i;
      off_t at = (off_t)(i % 64) * (off_t)sizeof buf;
      h = mix(h, (uint32_t)pwrite(fd, buf, sizeof buf, at));
      h = mix(h, (uint32_t)pread(fd, buf, sizeof buf, at));
      h = mix(h, (unsigned char)buf[(i * 7) % sizeof buf]);
    }
    close(fd);
  } else if (strcmp(w, "file-large") == 0) {
    int fd = open(in_dir(dir, "large"), O_RDWR | O_CREAT | O_TRUNC, 0644);
    if (fd < 0) return 1;
    size_t size = 1 << 20;
    char* buf = malloc(size);
    if (!buf) return 1;
    for (int i = 0; i < 64; ++i) {
      memset(buf, i, size);
      h = mix(h, (uint32_t)write(fd, buf, size));
    }
    lseek(fd, 0, SEEK_SET);
    ssize_t got;
    while ((got = read(fd, buf, size)) > 0) h = mix(mix(h, (uint32_t)got), (unsigned char)buf[got / 2]);
    close(fd);
    free(buf);
    unlink(in_dir(dir, "large"));
  } else if (strcmp(w, "open-close") == 0) {
    const char* p = in_dir(dir, "existing");
    close(open(p, O_WRONLY | O_CREAT, 0644));
    for (int i = 0; i < 20000; ++i) {
      int fd = open(p, O_RDONLY);
      h = mix(h, fd >= 0);
      close(fd);
    }
  } else if (strcmp(w, "stat") == 0) {
    const char* p = in_dir(dir, "existing");
    close(open(p, O_WRONLY | O_CREAT, 0644));
    struct stat st;
    for (int i = 0; i < 50000; ++i) h = mix(h, (uint32_t)stat(p, &st) + (uint32_t)st.st_size);
  } else {
    fprintf(stderr, "unknown workload %s\n", w);
    return 2;
  }
  printf("%s %u\n", w, h);
  return 0;
}
