;; Locals in the interpreter's lowering (src/wasm/lower.cc).
;;
;; `local.get` pushes no code: the consumer later reads the local's slot in place.
;; That is only right while the local keeps its value, so a local.set or local.tee
;; of a local that is still captured lower on the operand stack must first copy
;; the old value out. The result of an instruction is also written straight into
;; the local that a following local.set/local.tee names. These cases capture a local,
;; overwrite it in each of the ways the lowering distinguishes (from a constant,
;; from another local, from a redirected result, from a copy of a temporary) and
;; then use both the old and the new value in an order-sensitive operation.

;; --- A captured local overwritten before its use ---------------------------------
(module
  ;; old - new, the new value from a redirected i32.add.
  (func (export "set-from-result") (param i32) (result i32)
    local.get 0
    local.get 0 i32.const 7 i32.add local.set 0
    local.get 0
    i32.sub)
  ;; Two captured copies below the overwrite: (old * old) + new.
  (func (export "two-captures") (param i32) (result i32)
    local.get 0
    local.get 0
    local.get 0 i32.const 1 i32.add local.set 0
    i32.mul
    local.get 0
    i32.add)
  ;; The new value a constant (no instruction to redirect).
  (func (export "set-from-const") (param i32) (result i32)
    local.get 0
    i32.const 42 local.set 0
    local.get 0
    i32.sub)
  ;; The new value another local: old0 - p1, then local 0 is p1.
  (func (export "set-from-local") (param i32 i32) (result i32)
    local.get 0
    local.get 1 local.set 0
    local.get 0
    i32.const 1000 i32.mul
    i32.add)
  ;; local.tee in place of local.set: old - 9 - 9.
  (func (export "tee-over-capture") (param i32) (result i32)
    local.get 0
    i32.const 9 local.tee 0
    i32.sub
    local.get 0
    i32.sub)
  ;; The overwrite reads the captured local itself: x*x is written into x while
  ;; the old x waits below; old*1000 + new.
  (func (export "square-in-place") (param i32) (result i32)
    local.get 0 i32.const 1000 i32.mul
    local.get 0 local.get 0 i32.mul local.set 0
    local.get 0
    i32.add)
  ;; The result redirected into a local that is the instruction's second operand.
  (func (export "redirect-onto-operand") (param i32 i32) (result i32)
    local.get 0 local.get 1 i32.sub local.set 1
    local.get 1)
  ;; Swapping two locals through the stack: b*1000 + a afterwards is a*1000 + b
  ;; of the arguments' order reversed.
  (func (export "swap") (param i32 i32) (result i32)
    local.get 0 local.get 1
    local.set 0 local.set 1
    local.get 0 i32.const 1000 i32.mul local.get 1 i32.add)
  ;; Rotating three locals: (a, b, c) -> (b, c, a), read back as digits.
  (func (export "rotate3") (param i32 i32 i32) (result i32)
    local.get 0 local.get 1 local.get 2
    local.set 1 local.set 0 local.set 2
    local.get 0 i32.const 100 i32.mul
    local.get 1 i32.const 10 i32.mul i32.add
    local.get 2 i32.add)
  ;; Fibonacci with the pair updated through the stack: a' = b, b' = a + b.
  (func (export "fib") (param $n i32) (result i64)
    (local $a i64) (local $b i64)
    (local.set $b (i64.const 1))
    (block $done
      (loop $next
        (br_if $done (i32.eqz (local.get $n)))
        local.get $a local.get $b
        local.set $a
        local.get $a i64.add local.set $b
        (local.set $n (i32.sub (local.get $n) (i32.const 1)))
        (br $next)))
    local.get $a)
)
(assert_return (invoke "set-from-result" (i32.const 5)) (i32.const -7))
(assert_return (invoke "two-captures" (i32.const 6)) (i32.const 43))
(assert_return (invoke "set-from-const" (i32.const 50)) (i32.const 8))
(assert_return (invoke "set-from-local" (i32.const 3) (i32.const 4)) (i32.const 4003))
(assert_return (invoke "tee-over-capture" (i32.const 100)) (i32.const 82))
(assert_return (invoke "square-in-place" (i32.const 12)) (i32.const 12144))
(assert_return (invoke "redirect-onto-operand" (i32.const 10) (i32.const 3)) (i32.const 7))
(assert_return (invoke "swap" (i32.const 1) (i32.const 2)) (i32.const 2001))
(assert_return (invoke "rotate3" (i32.const 1) (i32.const 2) (i32.const 3)) (i32.const 231))
(assert_return (invoke "fib" (i32.const 0)) (i64.const 0))
(assert_return (invoke "fib" (i32.const 1)) (i64.const 1))
(assert_return (invoke "fib" (i32.const 10)) (i64.const 55))
(assert_return (invoke "fib" (i32.const 90)) (i64.const 2880067194370816120))

;; --- Captured locals feeding every kind of consumer --------------------------------
;; The old value must reach branches, calls, select, stores and block results even
;; though the local changed between the local.get and the consumer.
(module
  (memory 1)
  (func $sub (param i32 i32) (result i32) (i32.sub (local.get 0) (local.get 1)))
  ;; Out of a block as its result.
  (func (export "as-block-result") (param i32) (result i32)
    (block (result i32)
      local.get 0
      i32.const 0 local.set 0
      br 0))
  ;; As a branch condition: taken on the old value, not on the new 0.
  (func (export "as-br-if") (param i32) (result i32)
    (block
      local.get 0
      i32.const 0 local.set 0
      br_if 0
      (return (i32.const 10)))
    (i32.const 20))
  ;; As an `if` condition.
  (func (export "as-if") (param i32) (result i32)
    local.get 0
    i32.const 1 local.set 0
    (if (result i32) (then (i32.const 30)) (else (i32.const 40))))
  ;; As a br_table index.
  (func (export "as-br-table") (param i32) (result i32)
    (block (block (block
      local.get 0
      i32.const 2 local.set 0
      br_table 0 1 2)
      (return (i32.const 100)))
      (return (i32.const 101)))
    (i32.const 102))
  ;; As the first of two call arguments: sub(old, new).
  (func (export "as-call-arg") (param i32) (result i32)
    local.get 0
    local.get 0 i32.const 5 i32.mul local.set 0
    local.get 0
    call $sub)
  ;; As select's condition and first operand.
  (func (export "as-select") (param i32 i32) (result i32)
    local.get 0 local.get 1 local.get 0
    i32.const 0 local.set 0
    select
    local.get 0 i32.add)
  ;; As a store's address (old) and value (new).
  (func (export "as-store") (param i32) (result i32)
    local.get 0
    local.get 0 i32.const 8 i32.add local.set 0
    local.get 0
    i32.store
    (i32.load (i32.sub (local.get 0) (i32.const 8))))
  ;; As the operand of a global.set.
  (global $g (mut i32) (i32.const 0))
  (func (export "as-global-set") (param i32) (result i32)
    local.get 0
    i32.const 77 local.set 0
    global.set $g
    (i32.add (global.get $g) (local.get 0)))
)
(assert_return (invoke "as-block-result" (i32.const 17)) (i32.const 17))
(assert_return (invoke "as-br-if" (i32.const 1)) (i32.const 20))
(assert_return (invoke "as-br-if" (i32.const 0)) (i32.const 10))
(assert_return (invoke "as-if" (i32.const 0)) (i32.const 40))
(assert_return (invoke "as-if" (i32.const 5)) (i32.const 30))
(assert_return (invoke "as-br-table" (i32.const 0)) (i32.const 100))
(assert_return (invoke "as-br-table" (i32.const 1)) (i32.const 101))
(assert_return (invoke "as-br-table" (i32.const 7)) (i32.const 102))
(assert_return (invoke "as-call-arg" (i32.const 3)) (i32.const -12))
(assert_return (invoke "as-select" (i32.const 4) (i32.const 9)) (i32.const 4))
(assert_return (invoke "as-select" (i32.const 0) (i32.const 9)) (i32.const 9))
(assert_return (invoke "as-store" (i32.const 64)) (i32.const 72))
(assert_return (invoke "as-global-set" (i32.const 5)) (i32.const 82))

;; --- local.tee chains --------------------------------------------------------------
;; A tee leaves a reference to its local on the stack; the next tee of another
;; local must still see the value, and a tee of the same local twice is a no-op.
(module
  ;; a = b = c = p + 1; returns a*100 + b*10 + c.
  (func (export "chain") (param i32) (result i32) (local i32 i32 i32)
    (local.tee 1 (local.tee 2 (local.tee 3 (i32.add (local.get 0) (i32.const 1)))))
    drop
    (i32.add (i32.add (i32.mul (local.get 1) (i32.const 100))
                      (i32.mul (local.get 2) (i32.const 10)))
             (local.get 3)))
  ;; The same local twice, then its value and the local added: 4p.
  (func (export "tee-same-twice") (param i32) (result i32)
    local.get 0 i32.const 2 i32.mul local.tee 0 local.tee 0
    local.get 0 i32.add)
  ;; A tee chain that overwrites a local captured below: old + 3 * new.
  (func (export "chain-over-capture") (param i32) (result i32) (local i32)
    local.get 0
    i32.const 11 local.tee 1 local.tee 0
    local.get 1 i32.add
    local.get 0 i32.add
    i32.add)
  ;; Tees inside a counting loop: the counter is tee'd into the condition.
  (func (export "sum-below") (param i32) (result i32) (local $i i32) (local $s i32)
    (block $done
      (loop $next
        (br_if $done (i32.ge_u (local.tee $i (i32.add (local.get $i) (i32.const 1)))
                               (local.get 0)))
        (local.set $s (i32.add (local.get $s) (local.get $i)))
        (br $next)))
    (local.get $s))
  ;; i64 and f64 tees through conversions.
  (func (export "tee-mixed") (param i64) (result f64) (local f64)
    (f64.add (local.tee 1 (f64.convert_i64_s (local.tee 0 (i64.mul (local.get 0) (i64.const -3)))))
             (f64.convert_i64_s (local.get 0))))
)
(assert_return (invoke "chain" (i32.const 4)) (i32.const 555))
(assert_return (invoke "tee-same-twice" (i32.const 6)) (i32.const 24))
(assert_return (invoke "chain-over-capture" (i32.const 100)) (i32.const 133))
(assert_return (invoke "sum-below" (i32.const 5)) (i32.const 10))
(assert_return (invoke "sum-below" (i32.const 0)) (i32.const 0))
(assert_return (invoke "tee-mixed" (i64.const 7)) (f64.const -42))

;; --- Locals of every type ------------------------------------------------------------
;; Frames are made of 64-bit slots and a v128 takes two; a param or local placed at
;; the wrong slot shows up as a mixed-up value here.
(module
  (func (export "layout") (param i32 v128 i64 v128 f32) (result f32 v128 i64 v128 i32)
    (local f64 v128 i32)
    ;; Overwrite some of them, capturing the old values first.
    local.get 1
    (local.set 1 (local.get 3))
    local.set 3
    (local.set 6 (i8x16.splat (local.get 0)))
    (local.set 7 (i32.add (local.get 0) (i32.const 1)))
    (local.set 5 (f64.promote_f32 (local.get 4)))
    (local.get 4) (local.get 1) (i64.add (local.get 2) (i64.trunc_f64_s (local.get 5)))
    (v128.xor (local.get 3) (local.get 6)) (local.get 7))
  ;; v128 captured then overwritten: old - new, lane-wise.
  (func (export "v128-capture") (param v128) (result v128)
    local.get 0
    (local.set 0 (i32x4.add (local.get 0) (v128.const i32x4 1 1 1 1)))
    local.get 0
    i32x4.sub)
  ;; i64 and f64 captured then overwritten.
  (func (export "i64-capture") (param i64) (result i64)
    local.get 0
    (local.set 0 (i64.shl (local.get 0) (i64.const 32)))
    local.get 0
    i64.or)
  (func (export "f64-capture") (param f64) (result f64)
    local.get 0
    (local.set 0 (f64.const 0.25))
    local.get 0
    f64.div)
  ;; NaN payloads survive copies between f32 locals, from a literal and a param.
  (func (export "f32-nan-copy") (param f32) (result f32 f32) (local f32 f32)
    (local.set 1 (local.get 0))
    (local.set 2 (f32.const -nan:0x1))
    (local.get 1) (local.get 2))
)
(assert_return
  (invoke "layout" (i32.const 3) (v128.const i32x4 1 2 3 4) (i64.const 100)
                   (v128.const i32x4 5 6 7 8) (f32.const 2.5))
  (f32.const 2.5) (v128.const i32x4 5 6 7 8) (i64.const 102)
  (v128.const i32x4 0x03030302 0x03030301 0x03030300 0x03030307) (i32.const 4))
(assert_return (invoke "v128-capture" (v128.const i32x4 10 20 30 40))
               (v128.const i32x4 -1 -1 -1 -1))
(assert_return (invoke "i64-capture" (i64.const 0x12345678))
               (i64.const 0x1234567812345678))
(assert_return (invoke "f64-capture" (f64.const 3)) (f64.const 12))
(assert_return (invoke "f32-nan-copy" (f32.const nan:0x200001))
               (f32.const nan:0x200001) (f32.const -nan:0x1))

;; --- Declared locals start at zero in every call -----------------------------------
;; A callee's frame reuses slots that earlier calls (and the caller's temporaries)
;; left dirty; each of its declared locals must still read as zero.
(module
  (func $dirty (param i64) (local i64 i64 f64 v128 i32)
    (local.set 1 (local.get 0))
    (local.set 2 (local.get 0))
    (local.set 3 (f64.reinterpret_i64 (local.get 0)))
    (local.set 4 (i64x2.splat (local.get 0)))
    (local.set 5 (i32.wrap_i64 (local.get 0))))
  (func $clean (param i64) (result i64) (local i64 i64 f64 v128 i32)
    (i64.or (i64.or (local.get 1) (local.get 2))
      (i64.or (i64.reinterpret_f64 (local.get 3))
        (i64.or (i64.or (i64x2.extract_lane 0 (local.get 4)) (i64x2.extract_lane 1 (local.get 4)))
                (i64.extend_i32_u (local.get 5))))))
  (func (export "zeroed") (result i64)
    (call $dirty (i64.const -1))
    (call $clean (i64.const 0)))
  ;; The same function twice: the first call leaves its locals set.
  (func $count (param i32) (result i32) (local i32)
    (local.set 1 (i32.add (local.get 1) (local.get 0)))
    (local.get 1))
  (func (export "fresh-each-call") (result i32)
    (drop (call $count (i32.const 5)))
    (call $count (i32.const 3)))
)
(assert_return (invoke "zeroed") (i64.const 0))
(assert_return (invoke "fresh-each-call") (i32.const 3))
