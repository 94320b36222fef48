// Imports every preview-1 function wasi-libc declares, so runw must bind each one
// with its witx signature, and exercises the ones wasi-libc's POSIX layer rarely
// reaches (advise, allocate, set_size, set_times, link, renumber, set_rights, the
// socket calls on a non-socket) with their results checked by run-wasi-tests.sh.
#include <stdio.h>
#include <wasi/api.h>

#define SHOW(call) printf("%s: %d\n", #call, (int)(call))

int main(int argc, char** argv) {
  (void)argv;
  uint8_t buf[64];
  __wasi_size_t n;
  __wasi_roflags_t ro;
  __wasi_fd_t fd;
  __wasi_ciovec_t ciov_one = {buf, 1};
  if (argc > 1000) {
    // Never taken: these exist only to be imported.
    __wasi_filestat_t st;
    __wasi_fdstat_t fs;
    __wasi_prestat_t ps;
    __wasi_timestamp_t t;
    __wasi_filesize_t off;
    __wasi_iovec_t iov = {buf, 1};
    __wasi_ciovec_t ciov = {buf, 1};
    __wasi_subscription_t sub = {0};
    __wasi_event_t ev;
    uint8_t* ptrs[1];
    (void)__wasi_args_get(ptrs, buf);
    (void)__wasi_args_sizes_get(&n, &n);
    (void)__wasi_environ_get(ptrs, buf);
    (void)__wasi_environ_sizes_get(&n, &n);
    (void)__wasi_clock_res_get(0, &t);
    (void)__wasi_clock_time_get(0, 1, &t);
    (void)__wasi_fd_close(3);
    (void)__wasi_fd_datasync(3);
    (void)__wasi_fd_fdstat_get(3, &fs);
    (void)__wasi_fd_fdstat_set_flags(3, 0);
    (void)__wasi_fd_filestat_get(3, &st);
    (void)__wasi_fd_pread(3, &iov, 1, 0, &n);
    (void)__wasi_fd_prestat_get(3, &ps);
    (void)__wasi_fd_prestat_dir_name(3, buf, 1);
    (void)__wasi_fd_pwrite(3, &ciov, 1, 0, &n);
    (void)__wasi_fd_read(3, &iov, 1, &n);
    (void)__wasi_fd_readdir(3, buf, 1, 0, &n);
    (void)__wasi_fd_seek(3, 0, 0, &off);
    (void)__wasi_fd_sync(3);
    (void)__wasi_fd_tell(3, &off);
    (void)__wasi_fd_write(3, &ciov, 1, &n);
    (void)__wasi_path_create_directory(3, "x");
    (void)__wasi_path_filestat_get(3, 0, "x", &st);
    (void)__wasi_path_open(3, 0, "x", 0, 0, 0, 0, &fd);
    (void)__wasi_path_readlink(3, "x", buf, 1, &n);
    (void)__wasi_path_remove_directory(3, "x");
    (void)__wasi_path_rename(3, "x", 3, "y");
    (void)__wasi_path_symlink("x", 3, "y");
    (void)__wasi_path_unlink_file(3, "x");
    (void)__wasi_poll_oneoff(&sub, &ev, 1, &n);
    (void)__wasi_sched_yield();
    (void)__wasi_random_get(buf, 1);
    __wasi_proc_exit(0);
  }
  // Run with a preopened scratch directory at fd 3 (`--dir DIR::/d`).
  __wasi_fd_t f, g;
  __wasi_filestat_t st;
  const __wasi_rights_t all = ~(__wasi_rights_t)0;
  SHOW(__wasi_path_open(3, 0, "f", __WASI_OFLAGS_CREAT, all, all, 0, &f));
  SHOW(__wasi_fd_advise(f, 0, 0, __WASI_ADVICE_SEQUENTIAL));
  SHOW(__wasi_fd_advise(f, 0, 0, 99));
  SHOW(__wasi_fd_allocate(f, 0, 100));
  (void)__wasi_fd_filestat_get(f, &st);
  printf("size after allocate: %llu\n", (unsigned long long)st.size);
  SHOW(__wasi_fd_filestat_set_size(f, 10));
  (void)__wasi_fd_filestat_get(f, &st);
  printf("size after set_size: %llu\n", (unsigned long long)st.size);
  SHOW(__wasi_fd_filestat_set_times(f, 5000000000ull, 6000000000ull,
                                    __WASI_FSTFLAGS_ATIM | __WASI_FSTFLAGS_MTIM));
  (void)__wasi_fd_filestat_get(f, &st);
  printf("times: %llu %llu\n", (unsigned long long)st.atim, (unsigned long long)st.mtim);
  SHOW(__wasi_fd_filestat_set_times(f, 1, 0, __WASI_FSTFLAGS_ATIM | __WASI_FSTFLAGS_ATIM_NOW));
  SHOW(__wasi_path_filestat_set_times(3, 0, "f", 0, 7000000000ull, __WASI_FSTFLAGS_MTIM));
  (void)__wasi_fd_filestat_get(f, &st);
  printf("mtime: %llu\n", (unsigned long long)st.mtim);
  __wasi_filesize_t pos = 0;
  SHOW(__wasi_fd_seek(f, 3, __WASI_WHENCE_SET, &pos));
  SHOW(__wasi_fd_tell(f, &pos));
  printf("tell: %llu\n", (unsigned long long)pos);
  SHOW(__wasi_fd_sync(f));
  SHOW(__wasi_fd_datasync(f));
  __wasi_fdstat_t fs;
  SHOW(__wasi_fd_fdstat_set_flags(f, __WASI_FDFLAGS_APPEND));
  (void)__wasi_fd_fdstat_get(f, &fs);
  printf("append flag: %d\n", (fs.fs_flags & __WASI_FDFLAGS_APPEND) != 0);
  SHOW(__wasi_path_link(3, 0, "f", 3, "g"));
  (void)__wasi_fd_filestat_get(f, &st);
  printf("nlink: %llu\n", (unsigned long long)st.nlink);
  SHOW(__wasi_path_link(3, 0, "f", 3, "../escape"));
  SHOW(__wasi_path_open(3, 0, "g", 0, all, all, 0, &g));
  SHOW(__wasi_fd_renumber(f, g));
  SHOW(__wasi_fd_close(f));
  SHOW(__wasi_fd_fdstat_set_rights(g, __WASI_RIGHTS_FD_READ, 0));
  SHOW(__wasi_fd_write(g, &ciov_one, 1, &n));
  SHOW(__wasi_fd_fdstat_set_rights(g, all, 0));
  SHOW(__wasi_sock_accept(g, 0, &fd));
  SHOW(__wasi_sock_recv(g, 0, 0, 0, &n, &ro));
  SHOW(__wasi_sock_send(g, 0, 0, 0, &n));
  SHOW(__wasi_sock_shutdown(g, __WASI_SDFLAGS_RD));
  SHOW(__wasi_sock_shutdown(99, __WASI_SDFLAGS_RD));
  return 0;
}
