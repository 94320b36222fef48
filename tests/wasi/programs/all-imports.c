// Imports every preview-1 function wasi-libc declares, so runw must bind each one
// with its witx signature, and calls the ones outside runw's first WASI slice,
// which must answer nosys (52) rather than pretend to succeed.
#include <stdio.h>
#include <wasi/api.h>

#define SHOW(call) printf("%s: %d\n", #call, (int)(call))

int main(int argc, char** argv) {
  (void)argv;
  uint8_t buf[64];
  __wasi_size_t n;
  __wasi_roflags_t ro;
  __wasi_fd_t fd;
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
  SHOW(__wasi_fd_advise(1, 0, 0, __WASI_ADVICE_NORMAL));
  SHOW(__wasi_fd_allocate(1, 0, 1));
  SHOW(__wasi_fd_fdstat_set_rights(1, 0, 0));
  SHOW(__wasi_fd_filestat_set_size(1, 0));
  SHOW(__wasi_fd_filestat_set_times(1, 0, 0, 0));
  SHOW(__wasi_fd_renumber(1, 2));
  SHOW(__wasi_path_filestat_set_times(1, 0, "x", 0, 0, 0));
  SHOW(__wasi_path_link(1, 0, "x", 1, "y"));
  SHOW(__wasi_sock_accept(1, 0, &fd));
  SHOW(__wasi_sock_recv(1, 0, 0, 0, &n, &ro));
  SHOW(__wasi_sock_send(1, 0, 0, 0, &n));
  SHOW(__wasi_sock_shutdown(1, __WASI_SDFLAGS_RD));
  return 0;
}
