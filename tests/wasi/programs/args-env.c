// argv and the environment as the guest sees them (args_* and environ_*).
#include <stdio.h>
#include <stdlib.h>

extern char** environ;

int main(int argc, char** argv) {
  printf("argc=%d\n", argc);
  for (int i = 0; i < argc; ++i) printf("argv[%d]=%s\n", i, argv[i]);
  for (char** e = environ; *e; ++e) printf("env %s\n", *e);
  const char* foo = getenv("FOO");
  printf("FOO=%s\n", foo ? foo : "(unset)");
  return 0;
}
