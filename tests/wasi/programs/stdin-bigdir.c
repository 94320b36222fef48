// fd_read on stdin, and fd_readdir over a directory whose listing does not fit
// in wasi-libc's buffer, so the guest must resume from a cookie.
#include <dirent.h>
#include <fcntl.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

int main(void) {
  char buf[128] = {0};
  ssize_t n = read(0, buf, sizeof buf - 1);
  printf("stdin: %zd %s", n, buf);

  char name[256];
  for (int i = 0; i < 400; ++i) {
    snprintf(name, sizeof name, "/big/%03d-%0120d", i, 0);
    int fd = open(name, O_CREAT | O_WRONLY, 0644);
    if (fd < 0) return 1;
    close(fd);
  }
  DIR* d = opendir("/big");
  if (d == NULL) return 2;
  int count = 0, seen[400] = {0};
  struct dirent* de;
  while ((de = readdir(d)) != NULL) {
    if (de->d_name[0] == '.') continue;
    int i = (de->d_name[0] - '0') * 100 + (de->d_name[1] - '0') * 10 + (de->d_name[2] - '0');
    if (i < 0 || i >= 400 || seen[i]++ || strlen(de->d_name) != 124) return 3;
    ++count;
  }
  closedir(d);
  printf("entries: %d\n", count);
  return 0;
}
