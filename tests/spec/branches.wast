;; Control flow in the lowering: where branch values travel.
;;
;; Every operand-stack position has a fixed home slot, and a label expects its
;; values in the homes just above the label's base. A branch whose values sit
;; higher (other values below them, left behind by the branch) must copy them down
;; first, on the taken path only; br_if does that behind an inverted jump, br_table
;; through stubs after the table, and a branch to the function label is a return.
;; The cases put extra values of various widths (v128 takes two slots) below the
;; branch values so that every branch has to move them, and check that the values
;; left behind are really dropped.

(module
  (type $to_ii (func (result i32 i32)))
  (type $i_i (func (param i32) (result i32)))
  (type $i_ii (func (param i32) (result i32 i32)))
  (type $ii_ii (func (param i32 i32) (result i32 i32)))
  (type $ii_i (func (param i32 i32) (result i32)))

  ;; --- br to an outer label with 0, 1 and 2 values ---------------------------------
  (func (export "br-two-down") (param i32) (result i32 i32)
    (block $o (result i32 i32)
      (i32.const 100) (i32.const 200)
      (block (result i32)
        (br $o (local.get 0) (i32.add (local.get 0) (i32.const 1))))
      (drop)))
  ;; One i64 below an i32, a v128 and an f32 (four homes, five slots).
  (func (export "br-one-down-mixed") (result i64)
    (block $o (result i64)
      (i32.const 1) (v128.const i64x2 7 7) (f32.const 3)
      (block (result i32) (br $o (i64.const 0x1122334455667788)))
      (drop) (drop) (drop) (drop) (i64.const 0)))
  ;; No values, but values to leave behind: the code after the block sees none.
  (func (export "br-zero-down") (param i32) (result i32)
    (block $o
      (i32.const 1) (i32.const 2)
      (block (br_if $o (local.get 0)) (br $o))
      (drop) (drop))
    (i32.const 42))
  ;; A v128 moving down by one slot onto itself, then an i32 after it.
  (func (export "br-v128-overlap") (param v128 i32) (result v128 i32)
    (block $o (result v128 i32)
      (i32.const 9)
      (i32x4.add (local.get 0) (v128.const i32x4 1 1 1 1))
      (i32.mul (local.get 1) (i32.const 3))
      (br $o)))
  ;; The same with the values still in locals when the branch is reached.
  (func (export "br-v128-locals") (param v128 i32) (result i32 v128)
    (block $o (result i32 v128)
      (i64.const -1) (i32.const 9)
      (local.get 1) (local.get 0)
      (br $o)))

  ;; --- br_if with values: the moves only happen on the taken path ------------------
  ;; Taken: (10, 20). Not taken: the values stay, two are dropped and the rest of
  ;; the block adds up what is left: (100, 5 + p).
  (func (export "br_if-two-down") (param i32) (result i32 i32)
    (block $o (result i32 i32)
      (i32.const 100)
      (block (result i32 i32)
        (i32.const 5) (local.get 0)
        (br_if $o (i32.const 10) (i32.const 20) (local.get 0))
        (drop) (drop))
      (i32.add)))
  ;; br_if out of a loop with a v128 and an i64 over three other values.
  (func (export "br_if-out-of-loop") (param i32) (result v128 i64) (local $n i32)
    (block $o (result v128 i64)
      (i32.const 1) (i64.const 2)
      (loop $l
        (f64.const 3)
        (br_if $o (i32x4.splat (local.get $n)) (i64.extend_i32_u (local.get $n))
                  (i32.ge_u (local.get $n) (local.get 0)))
        (drop) (drop) (drop)
        (local.set $n (i32.add (local.get $n) (i32.const 1)))
        (br $l))
      (unreachable)))

  ;; --- br_table --------------------------------------------------------------------
  ;; Labels at three heights: $c needs no move, $b and $a do.
  ;; idx 0, 3: $a gets (40, 50). idx 1, 4, default: $b gets (40, 50), then
  ;; (1, 90). idx 2: $c, then $b ends with (2, 93), then (1, 95).
  (func (export "br_table-values") (param i32) (result i32 i32)
    (block $a (result i32 i32)
      (i32.const 1)
      (block $b (result i32 i32)
        (i32.const 2) (i32.const 3)
        (block $c (result i32 i32)
          (i32.const 40) (i32.const 50) (local.get 0)
          (br_table $a $b $c $a $b))
        (i32.add) (i32.add))
      (i32.add)))
  ;; Seventeen entries over four blocks, a loop (which carries its count as a
  ;; param) and the function label, each carrying one value over a value left
  ;; behind. The loop entries re-dispatch on the index minus 3, so an index passes
  ;; through the loop a few times before it lands: the result is the number of
  ;; passes plus 1000 * the block it left by (0 for the function label).
  (func (export "br_table-many") (param $i i32) (result i32) (local $t i32)
    (block $b3 (result i32)
      (block $b2 (result i32)
        (block $b1 (result i32)
          (block $b0 (result i32)
            (i32.const 0)
            (loop $l (param i32) (result i32)
              (local.set $t)
              (i32.const 7)
              (i32.add (local.get $t) (i32.const 1))
              (local.get $i)
              (local.set $i (i32.sub (local.get $i) (i32.const 3)))
              (br_table $b0 $b1 $b2 $l $l $l 5 $b3 $l $l $l $l $b0 $b1 $b3 5 $b3 $b3)))
          (return (i32.add (i32.const 1000))))
        (return (i32.add (i32.const 2000))))
      (return (i32.add (i32.const 3000))))
    (i32.add (i32.const 4000)))
  ;; br_table with an index that is a literal.
  (func (export "br_table-const-index") (result i32)
    (block $a (result i32)
      (block $b (result i32)
        (i32.const 5) (i32.const 6) (i32.const 1)
        (br_table $a $b $a))
      (i32.const 100) (i32.add)))

  ;; --- Blocks, ifs and loops with params (type indices) --------------------------
  (func (export "block-params") (param i32) (result i32 i32)
    (i32.const 3) (local.get 0)
    (block (type $ii_ii) (param i32 i32) (result i32 i32)
      (i32.sub) (i32.const 7)))
  ;; Nested blocks handing their params on; the inner one branches to the outer.
  (func (export "nested-params") (param i32) (result i32 i32)
    (local.get 0)
    (block $o (type $i_ii) (param i32) (result i32 i32)
      (i32.const 2)
      (block (type $ii_i) (param i32 i32) (result i32)
        (i32.mul)
        (br_if $o (i32.const -1) (i32.const -2) (i32.gt_s (local.get 0) (i32.const 100)))
        (drop) (drop))
      (i32.const 9)))
  ;; if without else: the params pass through unchanged when the condition is false.
  (func (export "if-no-else") (param i32 i32) (result i32)
    (local.get 0)
    (if (type $i_i) (param i32) (result i32) (local.get 1)
      (then (i32.const 10) (i32.mul))))
  ;; Two params from a literal and a local, swapped by the then branch.
  (func (export "if-no-else-swap") (param i32 i32) (result i32 i32) (local i32 i32)
    (i32.const 5) (local.get 0)
    (if (type $ii_ii) (param i32 i32) (result i32 i32) (local.get 1)
      (then (local.set 2) (local.set 3) (local.get 2) (local.get 3))))
  ;; A then branch that ends in a branch to the if label with values from deeper.
  (func (export "if-no-else-br") (param i32 i32) (result i32)
    (local.get 0)
    (if (type $i_i) (param i32) (result i32) (local.get 1)
      (then (i32.const 1) (i32.const 2) (br 0 (i32.const 77)))))
  ;; if/else with params, each branch using them differently.
  (func (export "if-else-params") (param i32 i32 i32) (result i32 i32)
    (local.get 0) (local.get 1)
    (if (type $ii_ii) (param i32 i32) (result i32 i32) (local.get 2)
      (then (i32.add) (i32.const 1))
      (else (i32.sub) (i32.const 2))))
  ;; A loop carrying (i, acc) as params: the sum 1..n. The back edge has a value
  ;; below its two, so both move down by one home.
  (func (export "loop-params") (param i32) (result i32) (local $i i32) (local $acc i32)
    (local.get 0) (i32.const 0)
    (loop $l (param i32 i32) (result i32)
      (local.set $acc) (local.set $i)
      (if (result i32) (i32.eqz (local.get $i))
        (then (local.get $acc))
        (else
          (i32.const 99)
          (i32.sub (local.get $i) (i32.const 1))
          (i32.add (local.get $acc) (local.get $i))
          (br $l)))))
  ;; The same with br_if at the bottom of the loop: values move only when taken.
  (func (export "loop-params-br_if") (param i32) (result i32 i32) (local $i i32) (local $acc i32)
    (i32.const 1) (i32.const 0)
    (loop $l (param i32 i32) (result i32 i32)
      (local.set $acc) (local.set $i)
      (i64.const 0)
      (i32.add (local.get $i) (i32.const 1))
      (i32.add (local.get $acc) (local.get $i))
      (br_if $l (i32.le_u (local.get $i) (local.get 0)))
      (local.set $acc) (local.set $i) (drop)
      (local.get $i) (local.get $acc)))

  ;; --- Returns from nested blocks, with several values ----------------------------
  ;; k = 0: return from an if inside two blocks; k = 1: br_if to the function
  ;; label; k = 2: br_table to the function label; otherwise br_table to $b and
  ;; fall through to the end (which adds 1 to the i32).
  (func (export "return-deep") (param $k i32) (result i32 v128 i64)
    (local $x i32) (local $v v128) (local $w i64)
    (i64.const 111)
    (block $b (result i32 v128 i64)
      (f32.const 1.5)
      (block $c
        (if (i32.eqz (local.get $k))
          (then (return (i32.const 10) (v128.const i32x4 1 2 3 4) (i64.const -1))))
        (br_if 2 (i32.const 20) (v128.const i64x2 5 6) (i64.const 30)
                 (i32.eq (local.get $k) (i32.const 1)))
        (drop) (drop) (drop)
        (br_table 2 1 (i32.const 40) (v128.const i32x4 7 7 7 7) (i64.const 50)
                      (i32.sub (local.get $k) (i32.const 2))))
      (drop) (i32.const 0) (v128.const i32x4 0 0 0 0) (i64.const 0))
    (local.set $w) (local.set $v) (local.set $x) (drop)
    (i32.add (local.get $x) (i32.const 1)) (local.get $v) (local.get $w))
  ;; A return from a loop nested in an if, with junk below at every level.
  (func (export "return-from-loop") (param i32) (result i64 i32) (local $n i32)
    (i32.const 1)
    (if (result i32) (local.get 0)
      (then
        (f32.const 2)
        (loop $l (result i32)
          (i64.const 3)
          (local.set $n (i32.add (local.get $n) (i32.const 1)))
          (if (i32.eq (local.get $n) (local.get 0))
            (then (return (i64.extend_i32_u (local.get $n)) (i32.mul (local.get $n) (i32.const 10)))))
          (drop)
          (br $l))
        (local.set $n) (drop) (local.get $n))
      (else (i32.const 2)))
    (drop) (drop)
    (i64.const -1) (i32.const -1))

  ;; --- Unreachable code is skipped but its nesting still counts ------------------
  ;; Blocks, ifs with else and branches after a return must not confuse the
  ;; lowering about which `else` and `end` belong to the live if.
  (func (export "dead-nesting") (param i32) (result i32)
    (if (result i32) (local.get 0)
      (then
        (br 0 (i32.const 1))
        (if (i32.const 1) (then (br 0)) (else (drop (i32.const 5))))
        (block (loop (br 1)))
        (i32.const 3))
      (else
        (block (result i32)
          (return (i32.const 2))
          (if (result i32) (i32.const 0) (then (i32.const 7)) (else (i32.const 8)))))))
)

(assert_return (invoke "br-two-down" (i32.const 7)) (i32.const 7) (i32.const 8))
(assert_return (invoke "br-one-down-mixed") (i64.const 0x1122334455667788))
(assert_return (invoke "br-zero-down" (i32.const 0)) (i32.const 42))
(assert_return (invoke "br-zero-down" (i32.const 1)) (i32.const 42))
(assert_return (invoke "br-v128-overlap" (v128.const i32x4 1 2 3 4) (i32.const 5))
               (v128.const i32x4 2 3 4 5) (i32.const 15))
(assert_return (invoke "br-v128-locals" (v128.const i64x2 -2 0x123456789) (i32.const 6))
               (i32.const 6) (v128.const i64x2 -2 0x123456789))
(assert_return (invoke "br_if-two-down" (i32.const 3)) (i32.const 10) (i32.const 20))
(assert_return (invoke "br_if-two-down" (i32.const 0)) (i32.const 100) (i32.const 5))
(assert_return (invoke "br_if-out-of-loop" (i32.const 0)) (v128.const i32x4 0 0 0 0) (i64.const 0))
(assert_return (invoke "br_if-out-of-loop" (i32.const 4)) (v128.const i32x4 4 4 4 4) (i64.const 4))
(assert_return (invoke "br_table-values" (i32.const 0)) (i32.const 40) (i32.const 50))
(assert_return (invoke "br_table-values" (i32.const 1)) (i32.const 1) (i32.const 90))
(assert_return (invoke "br_table-values" (i32.const 2)) (i32.const 1) (i32.const 95))
(assert_return (invoke "br_table-values" (i32.const 3)) (i32.const 40) (i32.const 50))
(assert_return (invoke "br_table-values" (i32.const 4)) (i32.const 1) (i32.const 90))
(assert_return (invoke "br_table-values" (i32.const -1)) (i32.const 1) (i32.const 90))
(assert_return (invoke "br_table-many" (i32.const 0)) (i32.const 1001))
(assert_return (invoke "br_table-many" (i32.const 1)) (i32.const 2001))
(assert_return (invoke "br_table-many" (i32.const 2)) (i32.const 3001))
(assert_return (invoke "br_table-many" (i32.const 3)) (i32.const 1002))
(assert_return (invoke "br_table-many" (i32.const 4)) (i32.const 2002))
(assert_return (invoke "br_table-many" (i32.const 5)) (i32.const 3002))
(assert_return (invoke "br_table-many" (i32.const 6)) (i32.const 1))
(assert_return (invoke "br_table-many" (i32.const 7)) (i32.const 4001))
(assert_return (invoke "br_table-many" (i32.const 8)) (i32.const 3003))
(assert_return (invoke "br_table-many" (i32.const 9)) (i32.const 2))
(assert_return (invoke "br_table-many" (i32.const 10)) (i32.const 4002))
(assert_return (invoke "br_table-many" (i32.const 11)) (i32.const 3004))
(assert_return (invoke "br_table-many" (i32.const 12)) (i32.const 1001))
(assert_return (invoke "br_table-many" (i32.const 13)) (i32.const 2001))
(assert_return (invoke "br_table-many" (i32.const 14)) (i32.const 4001))
(assert_return (invoke "br_table-many" (i32.const 15)) (i32.const 1))
(assert_return (invoke "br_table-many" (i32.const 16)) (i32.const 4001))
(assert_return (invoke "br_table-many" (i32.const 17)) (i32.const 4001))
(assert_return (invoke "br_table-many" (i32.const -1)) (i32.const 4001))
(assert_return (invoke "br_table-const-index") (i32.const 106))
(assert_return (invoke "block-params" (i32.const 10)) (i32.const -7) (i32.const 7))
(assert_return (invoke "nested-params" (i32.const 4)) (i32.const 8) (i32.const 9))
(assert_return (invoke "nested-params" (i32.const 101)) (i32.const -1) (i32.const -2))
(assert_return (invoke "if-no-else" (i32.const 4) (i32.const 1)) (i32.const 40))
(assert_return (invoke "if-no-else" (i32.const 4) (i32.const 0)) (i32.const 4))
(assert_return (invoke "if-no-else-swap" (i32.const 6) (i32.const 1)) (i32.const 6) (i32.const 5))
(assert_return (invoke "if-no-else-swap" (i32.const 6) (i32.const 0)) (i32.const 5) (i32.const 6))
(assert_return (invoke "if-no-else-br" (i32.const 4) (i32.const 1)) (i32.const 77))
(assert_return (invoke "if-no-else-br" (i32.const 4) (i32.const 0)) (i32.const 4))
(assert_return (invoke "if-else-params" (i32.const 9) (i32.const 4) (i32.const 1)) (i32.const 13) (i32.const 1))
(assert_return (invoke "if-else-params" (i32.const 9) (i32.const 4) (i32.const 0)) (i32.const 5) (i32.const 2))
(assert_return (invoke "loop-params" (i32.const 0)) (i32.const 0))
(assert_return (invoke "loop-params" (i32.const 100)) (i32.const 5050))
(assert_return (invoke "loop-params-br_if" (i32.const 0)) (i32.const 2) (i32.const 1))
(assert_return (invoke "loop-params-br_if" (i32.const 4)) (i32.const 6) (i32.const 15))
(assert_return (invoke "return-deep" (i32.const 0))
               (i32.const 10) (v128.const i32x4 1 2 3 4) (i64.const -1))
(assert_return (invoke "return-deep" (i32.const 1))
               (i32.const 20) (v128.const i64x2 5 6) (i64.const 30))
(assert_return (invoke "return-deep" (i32.const 2))
               (i32.const 40) (v128.const i32x4 7 7 7 7) (i64.const 50))
(assert_return (invoke "return-deep" (i32.const 3))
               (i32.const 41) (v128.const i32x4 7 7 7 7) (i64.const 50))
(assert_return (invoke "return-from-loop" (i32.const 3)) (i64.const 3) (i32.const 30))
(assert_return (invoke "return-from-loop" (i32.const 0)) (i64.const -1) (i32.const -1))
(assert_return (invoke "dead-nesting" (i32.const 1)) (i32.const 1))
(assert_return (invoke "dead-nesting" (i32.const 0)) (i32.const 2))
