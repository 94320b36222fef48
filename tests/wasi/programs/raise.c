// proc_raise and sched_yield: `raise.wasm NAME` raises the named signal (WASI
// numbering), after checking that an unknown one is inval (28) and that signals
// whose default action is to ignore them (chld, winch) return success.
#include <stdio.h>
#include <string.h>
#include <wasi/api.h>

// witx `signal` values; wasi-libc no longer declares proc_raise or names them,
// so the import is declared here.
enum { kUsr1 = 10, kTerm = 15, kChld = 16, kWinch = 27 };
__attribute__((import_module("wasi_snapshot_preview1"), import_name("proc_raise"))) int
proc_raise(int sig);

int main(int argc, char** argv) {
  printf("yield: %d\n", (int)__wasi_sched_yield());
  printf("raise 0: %d\n", (int)proc_raise(0));
  printf("raise 99: %d\n", (int)proc_raise(99));
  printf("raise chld: %d\n", (int)proc_raise(kChld));
  printf("raise winch: %d\n", (int)proc_raise(kWinch));
  fflush(stdout);
  if (argc > 1 && strcmp(argv[1], "term") == 0) proc_raise(kTerm);
  if (argc > 1 && strcmp(argv[1], "usr1") == 0) proc_raise(kUsr1);
  printf("still running\n");
  return 0;
}
