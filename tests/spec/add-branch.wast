;; An i32.add followed by a comparison of its result and a conditional branch runs
;; as one instruction (RUNW_ADD_CMP_OPS in src/wasm/interp.h): the loop idiom
;; `i += step; if (i < n) continue`. The sum must still be stored, the comparison
;; must see it, and a branch target between the add and the comparison must keep
;; them apart.

(module
  ;; Counts the iterations of `do { i += step } while (i <op> n)` for each form:
  ;; the step a local or a literal, the bound a local or a literal.
  (func (export "lt_u_reg_reg") (param $i i32) (param $step i32) (param $n i32) (result i32)
    (local $count i32)
    (loop $l
      (local.set $count (i32.add (local.get $count) (i32.const 1)))
      (br_if $l (i32.lt_u (local.tee $i (i32.add (local.get $i) (local.get $step))) (local.get $n))))
    (i32.add (i32.mul (local.get $count) (i32.const 1000)) (local.get $i)))
  (func (export "lt_s_imm_imm") (param $i i32) (result i32)
    (local $count i32)
    (loop $l
      (local.set $count (i32.add (local.get $count) (i32.const 1)))
      (br_if $l (i32.lt_s (local.tee $i (i32.add (local.get $i) (i32.const 3))) (i32.const 10))))
    (i32.add (i32.mul (local.get $count) (i32.const 1000)) (local.get $i)))
  (func (export "ne_imm_reg") (param $i i32) (param $n i32) (result i32)
    (local $count i32)
    (loop $l
      (local.set $count (i32.add (local.get $count) (i32.const 1)))
      (br_if $l (i32.ne (local.tee $i (i32.add (local.get $i) (i32.const -1))) (local.get $n))))
    (local.get $count))
  ;; the bound first: a symmetric comparison still fuses
  (func (export "ne_swapped") (param $i i32) (param $n i32) (result i32)
    (local $count i32)
    (loop $l
      (local.set $count (i32.add (local.get $count) (i32.const 1)))
      (br_if $l (i32.ne (local.get $n) (local.tee $i (i32.add (local.get $i) (i32.const 1))))))
    (local.get $count))
  (func (export "gt_s_reg_imm") (param $i i32) (param $step i32) (result i32)
    (local $count i32)
    (loop $l
      (local.set $count (i32.add (local.get $count) (i32.const 1)))
      (br_if $l (i32.gt_s (local.tee $i (i32.add (local.get $i) (local.get $step))) (i32.const 0))))
    (i32.add (i32.mul (local.get $count) (i32.const 1000)) (local.get $i)))
  (func (export "gt_u_imm_reg") (param $i i32) (param $n i32) (result i32)
    (local $count i32)
    (loop $l
      (local.set $count (i32.add (local.get $count) (i32.const 1)))
      (br_if $l (i32.gt_u (local.tee $i (i32.add (local.get $i) (i32.const -2))) (local.get $n))))
    (local.get $count))
  (func (export "eq_exit") (param $i i32) (param $n i32) (result i32)
    (local $count i32)
    (block $done
      (loop $l
        (local.set $count (i32.add (local.get $count) (i32.const 1)))
        (br_if $done (i32.eq (local.tee $i (i32.add (local.get $i) (i32.const 1))) (local.get $n)))
        (br_if $l (i32.lt_u (local.get $count) (i32.const 100)))))
    (local.get $count))
  ;; `if` branches when the comparison is false
  (func (export "if_lt_s") (param $a i32) (param $b i32) (result i32)
    (local $s i32)
    (if (result i32) (i32.lt_s (local.tee $s (i32.add (local.get $a) (local.get $b))) (i32.const 0))
      (then (i32.sub (i32.const 0) (local.get $s)))
      (else (local.get $s))))
  (func (export "if_eq_imm") (param $a i32) (result i32)
    (if (result i32) (i32.eq (i32.add (local.get $a) (i32.const 5)) (i32.const 0))
      (then (i32.const 1))
      (else (i32.const 2))))
  ;; the comparison reads the sum twice
  (func (export "sum_vs_itself") (param $a i32) (result i32)
    (local $s i32)
    (if (result i32) (i32.ne (local.tee $s (i32.add (local.get $a) (local.get $a))) (local.get $s))
      (then (i32.const 1))
      (else (local.get $s))))
  ;; a branch target between the add and the comparison: the loop re-enters at the
  ;; comparison, so the add must stay a separate instruction.
  (func (export "label_between") (param $n i32) (result i32)
    (local $i i32)
    (local $count i32)
    (local.set $i (i32.const 100))
    (block $out
      (loop $l
        (local.set $count (i32.add (local.get $count) (i32.const 1)))
        (br_if $out (i32.gt_u (local.get $count) (i32.const 50)))
        (block $skip
          (local.set $i (i32.add (local.get $i) (i32.const 1)))
          (br_if $skip (i32.and (local.get $count) (i32.const 1)))
          (local.set $i (i32.add (local.get $i) (i32.const 10))))
        (br_if $l (i32.lt_u (local.get $i) (local.get $n)))))
    (i32.add (i32.mul (local.get $count) (i32.const 1000)) (local.get $i)))
  ;; An add just before an unconditional branch: back to a loop, forward out of a
  ;; block, and at the end of an if's then-branch.
  (func (export "count_up") (param $n i32) (result i32)
    (local $i i32)
    (local $sum i32)
    (block $out
      (loop $l
        (br_if $out (i32.ge_u (local.get $i) (local.get $n)))
        (local.set $sum (i32.add (local.get $sum) (local.get $i)))
        (local.set $i (i32.add (local.get $i) (i32.const 1)))
        (br $l)))
    (local.get $sum))
  (func (export "step_by") (param $n i32) (param $step i32) (result i32)
    (local $i i32)
    (local $count i32)
    (block $out
      (loop $l
        (br_if $out (i32.ge_s (local.get $i) (local.get $n)))
        (local.set $count (i32.add (local.get $count) (i32.const 1)))
        (local.set $i (i32.add (local.get $i) (local.get $step)))
        (br $l)))
    (i32.add (i32.mul (local.get $count) (i32.const 1000)) (local.get $i)))
  (func (export "forward") (param $a i32) (result i32)
    (local $x i32)
    (block $done
      (local.set $x (i32.add (local.get $a) (i32.const 10)))
      (br_if $done (i32.eqz (local.get $a)))
      (local.set $x (i32.add (local.get $x) (i32.const 100)))
      (br $done))
    (local.get $x))
  (func (export "then_add") (param $a i32) (result i32)
    (local $x i32)
    (if (local.get $a)
      (then (local.set $x (i32.add (local.get $a) (i32.const 5))))
      (else (local.set $x (i32.const -1))))
    (local.get $x))
  ;; a block result computed by the add: the branch carries it
  (func (export "br_value") (param $a i32) (param $b i32) (result i32)
    (block $b (result i32)
      (br $b (i32.add (local.get $a) (local.get $b)))))
)

;; 0 -> 7 -> 14 -> 21: three iterations, i = 21
(assert_return (invoke "lt_u_reg_reg" (i32.const 0) (i32.const 7) (i32.const 20)) (i32.const 3021))
;; unsigned: 0xfffffff0 + 8 wraps to 0xfffffff8, not below 20
(assert_return (invoke "lt_u_reg_reg" (i32.const 0xfffffff0) (i32.const 8) (i32.const 20)) (i32.const 992))
(assert_return (invoke "lt_u_reg_reg" (i32.const 0xfffffff0) (i32.const 0x10) (i32.const 20)) (i32.const 3032))
(assert_return (invoke "lt_s_imm_imm" (i32.const 0)) (i32.const 4012))
(assert_return (invoke "lt_s_imm_imm" (i32.const -20)) (i32.const 10010))

;; 0x7ffffffe + 3 wraps to a negative number: the loop runs on up to 10
(assert_return (invoke "lt_s_imm_imm" (i32.const 0x7ffffffe)) (i32.const -1431651421))
(assert_return (invoke "ne_imm_reg" (i32.const 10) (i32.const 3)) (i32.const 7))
(assert_return (invoke "ne_imm_reg" (i32.const 0) (i32.const -5)) (i32.const 5))
(assert_return (invoke "ne_swapped" (i32.const 0) (i32.const 9)) (i32.const 9))
(assert_return (invoke "gt_s_reg_imm" (i32.const 10) (i32.const -4)) (i32.const 2998))
(assert_return (invoke "gt_s_reg_imm" (i32.const 0x7ffffff0) (i32.const 0x10)) (i32.const 0x800003e8))
(assert_return (invoke "gt_u_imm_reg" (i32.const 10) (i32.const 3)) (i32.const 4))
(assert_return (invoke "gt_u_imm_reg" (i32.const 5) (i32.const 3)) (i32.const 1))
(assert_return (invoke "eq_exit" (i32.const 0) (i32.const 5)) (i32.const 5))
(assert_return (invoke "eq_exit" (i32.const 10) (i32.const 5)) (i32.const 100))
(assert_return (invoke "if_lt_s" (i32.const 3) (i32.const -10)) (i32.const 7))
(assert_return (invoke "if_lt_s" (i32.const 3) (i32.const 10)) (i32.const 13))
(assert_return (invoke "if_lt_s" (i32.const 0x7fffffff) (i32.const 1)) (i32.const 0x80000000))
(assert_return (invoke "if_eq_imm" (i32.const -5)) (i32.const 1))
(assert_return (invoke "if_eq_imm" (i32.const 5)) (i32.const 2))
(assert_return (invoke "sum_vs_itself" (i32.const 21)) (i32.const 42))
(assert_return (invoke "label_between" (i32.const 200)) (i32.const 18208))
(assert_return (invoke "label_between" (i32.const 130)) (i32.const 6136))

(assert_return (invoke "count_up" (i32.const 0)) (i32.const 0))
(assert_return (invoke "count_up" (i32.const 10)) (i32.const 45))
(assert_return (invoke "step_by" (i32.const 10) (i32.const 3)) (i32.const 4012))
(assert_return (invoke "step_by" (i32.const 0x7ffffffe) (i32.const 0x3fffffff)) (i32.const -2147481650))
(assert_return (invoke "forward" (i32.const 0)) (i32.const 10))
(assert_return (invoke "forward" (i32.const 1)) (i32.const 111))
(assert_return (invoke "forward" (i32.const 0xfffffff6)) (i32.const 100))
(assert_return (invoke "then_add" (i32.const 3)) (i32.const 8))
(assert_return (invoke "then_add" (i32.const 0)) (i32.const -1))
(assert_return (invoke "br_value" (i32.const 0x7fffffff) (i32.const 2)) (i32.const 0x80000001))
