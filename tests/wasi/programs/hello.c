// Hello world: stdout through fd_write, and the exit status from proc_exit.
#include <stdio.h>
#include <stdlib.h>

int main(int argc, char** argv) {
  printf("hello, world\n");
  fprintf(stderr, "to stderr\n");
  // exit() goes through proc_exit; the driver passes the code to expect.
  exit(argc > 1 ? atoi(argv[1]) : 0);
}
