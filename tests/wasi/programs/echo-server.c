// A one-connection echo server over the preview-1 socket calls, for the listening
// socket `runw wasm run --tcplisten` hands in as fd 3: it waits for the socket to
// become readable with poll_oneoff, accepts, receives a line, sends it back
// upper-cased with a prefix, and shuts the connection down. Each step prints its
// errno so that run-wasi-tests.sh can check them.
#include <ctype.h>
#include <stdio.h>
#include <string.h>
#include <wasi/api.h>

int main(void) {
  __wasi_subscription_t sub = {0};
  sub.userdata = 42;
  sub.u.tag = __WASI_EVENTTYPE_FD_READ;
  sub.u.u.fd_read.file_descriptor = 3;
  __wasi_event_t ev;
  __wasi_size_t nevents = 0;
  printf("poll: %d\n", (int)__wasi_poll_oneoff(&sub, &ev, 1, &nevents));
  printf("event: %d %llu %d\n", (int)nevents, (unsigned long long)ev.userdata, (int)ev.type);

  __wasi_fd_t conn;
  printf("accept: %d\n", (int)__wasi_sock_accept(3, 0, &conn));
  char buf[128];
  __wasi_iovec_t iov = {(uint8_t*)buf, sizeof buf - 1};
  __wasi_size_t got = 0;
  __wasi_roflags_t roflags;
  printf("recv: %d\n", (int)__wasi_sock_recv(conn, &iov, 1, 0, &got, &roflags));
  buf[got] = '\0';
  char* nl = strchr(buf, '\n');
  if (nl) *nl = '\0';
  char reply[160];
  int len = snprintf(reply, sizeof reply, "echo: %s\n", buf);
  for (int i = 0; i < len; ++i) reply[i] = (char)toupper((unsigned char)reply[i]);
  __wasi_ciovec_t ciov = {(const uint8_t*)reply, (size_t)len};
  __wasi_size_t sent = 0;
  printf("send: %d %d\n", (int)__wasi_sock_send(conn, &ciov, 1, 0, &sent), (int)sent == len);
  printf("shutdown: %d\n", (int)__wasi_sock_shutdown(conn, __WASI_SDFLAGS_WR));
  printf("close: %d\n", (int)__wasi_fd_close(conn));
  printf("accept on a file: %d\n", (int)__wasi_sock_accept(1, 0, &conn));
  return 0;
}
