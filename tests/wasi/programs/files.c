// File operations inside the preopen /sandbox: write, read back, seek, pread,
// rename, stat, mkdir, readdir, unlink, rmdir, symlink + readlink.
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#define CHECK(x)                                                          \
  do {                                                                    \
    if (!(x)) {                                                           \
      printf("FAIL line %d: %s (errno %d)\n", __LINE__, #x, errno);       \
      return 1;                                                           \
    }                                                                     \
  } while (0)

static int cmp(const void* a, const void* b) {
  return strcmp(*(char* const*)a, *(char* const*)b);
}

int main(void) {
  FILE* f = fopen("/sandbox/a.txt", "w");
  CHECK(f != NULL);
  CHECK(fputs("first line\nsecond line\n", f) >= 0);
  CHECK(fclose(f) == 0);

  char buf[64] = {0};
  int fd = open("/sandbox/a.txt", O_RDONLY);
  CHECK(fd >= 0);
  CHECK(read(fd, buf, sizeof buf - 1) == 23);
  printf("read: %s", buf);
  CHECK(lseek(fd, 6, SEEK_SET) == 6);
  memset(buf, 0, sizeof buf);
  CHECK(read(fd, buf, 4) == 4);
  printf("after seek: %s\n", buf);
  memset(buf, 0, sizeof buf);
  CHECK(pread(fd, buf, 6, 11) == 6);
  printf("pread: %s\n", buf);
  CHECK(close(fd) == 0);

  fd = open("/sandbox/a.txt", O_WRONLY | O_APPEND);
  CHECK(fd >= 0);
  CHECK(write(fd, "third\n", 6) == 6);
  CHECK(pwrite(fd, "F", 1, 0) == 1 || errno != 0);
  CHECK(close(fd) == 0);

  struct stat st;
  CHECK(rename("/sandbox/a.txt", "/sandbox/b.txt") == 0);
  CHECK(stat("/sandbox/a.txt", &st) == -1 && errno == ENOENT);
  CHECK(stat("/sandbox/b.txt", &st) == 0);
  printf("size after rename: %lld regular=%d\n", (long long)st.st_size, S_ISREG(st.st_mode));

  CHECK(mkdir("/sandbox/sub", 0755) == 0);
  CHECK(mkdir("/sandbox/sub", 0755) == -1 && errno == EEXIST);
  f = fopen("/sandbox/sub/c.txt", "w");
  CHECK(f != NULL);
  fclose(f);
  CHECK(symlink("b.txt", "/sandbox/link") == 0);
  char target[32] = {0};
  CHECK(readlink("/sandbox/link", target, sizeof target) == 5);
  printf("readlink: %s\n", target);
  CHECK(lstat("/sandbox/link", &st) == 0 && S_ISLNK(st.st_mode));

  DIR* d = opendir("/sandbox");
  CHECK(d != NULL);
  char* names[32];
  int n = 0;
  struct dirent* de;
  while ((de = readdir(d)) != NULL && n < 32) {
    char* s = malloc(300);
    snprintf(s, 300, "%s%s", de->d_name, de->d_type == DT_DIR ? "/" : de->d_type == DT_LNK ? "@" : "");
    names[n++] = s;
  }
  closedir(d);
  qsort(names, n, sizeof names[0], cmp);
  printf("listing:");
  for (int i = 0; i < n; ++i) printf(" %s", names[i]);
  printf("\n");

  CHECK(rmdir("/sandbox/sub") == -1 && errno == ENOTEMPTY);
  CHECK(unlink("/sandbox/sub/c.txt") == 0);
  CHECK(rmdir("/sandbox/sub") == 0);
  CHECK(unlink("/sandbox/link") == 0);
  CHECK(unlink("/sandbox/b.txt") == 0);
  CHECK(unlink("/sandbox/b.txt") == -1 && errno == ENOENT);
  printf("files ok\n");
  return 0;
}
