// Escapes from the preopen (fd 3) that must fail, through the raw WASI calls so
// that wasi-libc's own path handling does not answer first. Prints the errno
// (WASI numbering) of each attempt.
#include <stdio.h>
#include <string.h>
#include <wasi/api.h>

static void try_open(const char* path, int follow) {
  __wasi_fd_t fd;
  __wasi_errno_t e = __wasi_path_open(3, follow ? __WASI_LOOKUPFLAGS_SYMLINK_FOLLOW : 0, path, 0,
                                      __WASI_RIGHTS_FD_READ, 0, 0, &fd);
  printf("open %s: %d\n", path, e);
}

int main(void) {
  try_open("../x", 1);
  try_open("/etc/passwd", 1);
  try_open("to-etc/passwd", 1);
  try_open("to-parent/x", 1);
  try_open("loop", 1);
  try_open("inside/../../x", 1);
  try_open("ok.txt", 1);
  __wasi_filestat_t st;
  printf("stat to-etc: %d\n", __wasi_path_filestat_get(3, __WASI_LOOKUPFLAGS_SYMLINK_FOLLOW, "to-etc", &st));
  printf("mkdir ../y: %d\n", __wasi_path_create_directory(3, "../y"));
  printf("unlink ../x: %d\n", __wasi_path_unlink_file(3, "../x"));
  printf("rename ok.txt ../z: %d\n", __wasi_path_rename(3, "ok.txt", 3, "../z"));
  printf("symlink via to-parent: %d\n", __wasi_path_symlink("x", 3, "to-parent/newlink"));
  // A buffer outside linear memory is `fault`, not a crash.
  __wasi_ciovec_t iov = {(const uint8_t*)0xfffffff0u, 64};
  __wasi_size_t n;
  printf("bad iovec: %d\n", __wasi_fd_write(1, &iov, 1, &n));
  printf("bad result ptr: %d\n", __wasi_fd_write(1, &iov, 0, (__wasi_size_t*)0xfffffffeu));
  // A function outside this slice answers nosys.
  printf("fd_allocate: %d\n", __wasi_fd_allocate(3, 0, 1));
  printf("bad fd: %d\n", __wasi_fd_close(99));
  return 0;
}
