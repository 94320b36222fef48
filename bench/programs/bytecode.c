/* bytecode: a small stack-machine interpreter (switch dispatch in a loop)
 * running a guest program that computes Collatz sequence lengths.  Stresses
 * br_table / indirect branches, unpredictable control flow, and loads/stores
 * to a small operand stack and register file. */
#include "bench.h"

BENCH_PARAM(collatz_limit, 6000)

enum op {
  OP_PUSH,  /* push imm */
  OP_LOAD,  /* push reg[imm] */
  OP_STORE, /* reg[imm] = pop */
  OP_ADD,
  OP_SUB,
  OP_MUL,
  OP_AND,
  OP_SHR, /* top = top >> imm */
  OP_DUP,
  OP_DROP,
  OP_JMP, /* pc = imm */
  OP_JZ,  /* if pop == 0 then pc = imm */
  OP_JNZ, /* if pop != 0 then pc = imm */
  OP_LT,  /* b = pop, a = pop, push a < b */
  OP_EQ,
  OP_HALT,
};

struct insn {
  u8 op;
  i32 imm;
};

/* Guest registers: r0 = n, r1 = limit, r2 = x, r3 = steps, r4 = total steps,
 * r5 = longest sequence.  The guest program is:
 *
 *   for (n = 1; n < limit; n++) {
 *       x = n; steps = 0;
 *       while (x != 1) { x = (x & 1) ? 3 * x + 1 : x >> 1; steps++; }
 *       total += steps;
 *       if (longest < steps) longest = steps;
 *   }
 */
enum label {
  L_OUTER = 2,
  L_INNER = 10,
  L_EVEN = 25,
  L_STEP = 28,
  L_DONE = 33,
  L_SKIP = 43,
  L_END = 48,
};

/* The program is assembled into a writable array at run time so that the
 * compiler cannot specialise the interpreter for a constant program. */
#define MAX_INSNS 64
static struct insn code[MAX_INSNS];
static u32 code_len;

static void emit(u8 op, i32 imm) {
  code[code_len].op = op;
  code[code_len].imm = imm;
  code_len++;
}

static void build_program(void) {
  code_len = 0;
  /*  0 */ emit(OP_PUSH, 1);
  /*  1 */ emit(OP_STORE, 0);
  /*  2 */ emit(OP_LOAD, 0); /* L_OUTER */
  /*  3 */ emit(OP_LOAD, 1);
  /*  4 */ emit(OP_LT, 0);
  /*  5 */ emit(OP_JZ, L_END);
  /*  6 */ emit(OP_LOAD, 0);
  /*  7 */ emit(OP_STORE, 2);
  /*  8 */ emit(OP_PUSH, 0);
  /*  9 */ emit(OP_STORE, 3);
  /* 10 */ emit(OP_LOAD, 2); /* L_INNER */
  /* 11 */ emit(OP_PUSH, 1);
  /* 12 */ emit(OP_EQ, 0);
  /* 13 */ emit(OP_JNZ, L_DONE);
  /* 14 */ emit(OP_LOAD, 2);
  /* 15 */ emit(OP_PUSH, 1);
  /* 16 */ emit(OP_AND, 0);
  /* 17 */ emit(OP_JZ, L_EVEN);
  /* 18 */ emit(OP_LOAD, 2);
  /* 19 */ emit(OP_PUSH, 3);
  /* 20 */ emit(OP_MUL, 0);
  /* 21 */ emit(OP_PUSH, 1);
  /* 22 */ emit(OP_ADD, 0);
  /* 23 */ emit(OP_STORE, 2);
  /* 24 */ emit(OP_JMP, L_STEP);
  /* 25 */ emit(OP_LOAD, 2); /* L_EVEN */
  /* 26 */ emit(OP_SHR, 1);
  /* 27 */ emit(OP_STORE, 2);
  /* 28 */ emit(OP_LOAD, 3); /* L_STEP */
  /* 29 */ emit(OP_PUSH, 1);
  /* 30 */ emit(OP_ADD, 0);
  /* 31 */ emit(OP_STORE, 3);
  /* 32 */ emit(OP_JMP, L_INNER);
  /* 33 */ emit(OP_LOAD, 4); /* L_DONE */
  /* 34 */ emit(OP_LOAD, 3);
  /* 35 */ emit(OP_ADD, 0);
  /* 36 */ emit(OP_STORE, 4);
  /* 37 */ emit(OP_LOAD, 5);
  /* 38 */ emit(OP_LOAD, 3);
  /* 39 */ emit(OP_LT, 0);
  /* 40 */ emit(OP_JZ, L_SKIP);
  /* 41 */ emit(OP_LOAD, 3);
  /* 42 */ emit(OP_STORE, 5);
  /* 43 */ emit(OP_LOAD, 0); /* L_SKIP */
  /* 44 */ emit(OP_PUSH, 1);
  /* 45 */ emit(OP_ADD, 0);
  /* 46 */ emit(OP_STORE, 0);
  /* 47 */ emit(OP_JMP, L_OUTER);
  /* 48 */ emit(OP_HALT, 0); /* L_END */
}

static u32 regs[8];
static u32 stack[64];

static u32 interpret(void) {
  u32 pc = 0, sp = 0;
  u32 executed = 0;
  for (;;) {
    const struct insn* in = &code[pc++];
    executed++;
    switch (in->op) {
      case OP_PUSH:
        stack[sp++] = (u32)in->imm;
        break;
      case OP_LOAD:
        stack[sp++] = regs[in->imm];
        break;
      case OP_STORE:
        regs[in->imm] = stack[--sp];
        break;
      case OP_ADD:
        sp--;
        stack[sp - 1] += stack[sp];
        break;
      case OP_SUB:
        sp--;
        stack[sp - 1] -= stack[sp];
        break;
      case OP_MUL:
        sp--;
        stack[sp - 1] *= stack[sp];
        break;
      case OP_AND:
        sp--;
        stack[sp - 1] &= stack[sp];
        break;
      case OP_SHR:
        stack[sp - 1] >>= in->imm;
        break;
      case OP_DUP:
        stack[sp] = stack[sp - 1];
        sp++;
        break;
      case OP_DROP:
        sp--;
        break;
      case OP_JMP:
        pc = (u32)in->imm;
        break;
      case OP_JZ:
        if (stack[--sp] == 0) pc = (u32)in->imm;
        break;
      case OP_JNZ:
        if (stack[--sp] != 0) pc = (u32)in->imm;
        break;
      case OP_LT:
        sp--;
        stack[sp - 1] = stack[sp - 1] < stack[sp];
        break;
      case OP_EQ:
        sp--;
        stack[sp - 1] = stack[sp - 1] == stack[sp];
        break;
      case OP_HALT:
      default:
        return executed;
    }
  }
}

BENCH_EXPORT unsigned int run(void) {
  build_program();
  for (u32 i = 0; i < 8; i++)
    regs[i] = 0;
  regs[1] = collatz_limit();
  u32 executed = interpret();
  u32 h = mix32(0, executed);
  h = mix32(h, regs[4]);
  h = mix32(h, regs[5]);
  return mix32(h, regs[0]);
}
