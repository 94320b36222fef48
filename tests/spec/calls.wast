;; Calls in the interpreter.
;;
;; Calls copy nothing: the arguments already sit in consecutive homes of the
;; caller, the callee's frame starts at the first of them, and the results are left
;; in the same place. So a callee's params and results must line up with the
;; caller's slot layout (v128 takes two slots), the callee's declared locals and
;; temporaries overwrite the caller's slots above the arguments (which must be dead
;; by then), and everything below the arguments must survive. Deep recursion must
;; work up to the limits and fail with a trap past them, leaving the thread usable.

;; --- Many params and results, mixed widths -----------------------------------------
(module
  (func $perm (export "perm")
    (param i32 i64 f32 f64 v128 i32 v128 i64)
    (result v128 i32 v128 i64 i32 i64 f32 f64)
    (local.get 6) (local.get 5) (local.get 4) (local.get 7)
    (local.get 0) (local.get 1) (local.get 2) (local.get 3))
  ;; Calls $perm with arguments of every kind (literal, local, computed).
  (func (export "perm-call") (param i32 v128) (result v128 i32 v128 i64 i32 i64 f32 f64)
    (call $perm
      (local.get 0) (i64.const -2) (f32.const 1.5) (f64.mul (f64.const 2) (f64.const 1.25))
      (local.get 1) (i32.add (local.get 0) (i32.const 100)) (v128.const i32x4 5 6 7 8)
      (i64.const 0x100000000)))
  ;; A pair of values produced by one call and consumed by the next in place.
  (func $pair (param i32) (result i32 v128) (local.get 0) (i32x4.splat (local.get 0)))
  (func $consume (param i32 v128) (result i32)
    (i32.add (local.get 0) (i32x4.extract_lane 3 (local.get 1))))
  (func (export "chain") (param i32) (result i32)
    (call $consume (call $pair (local.get 0))))
  ;; Results land below a value pushed before the call and above one pushed after.
  (func $three (result i32 i64 i32) (i32.const 1) (i64.const 2) (i32.const 3))
  (func (export "results-in-place") (result i32) (local $c i32)
    (i32.const 1000)
    (call $three)
    (local.set $c)
    (i32.wrap_i64) (i32.const 10) (i32.mul)
    (i32.add)
    (i32.mul (local.get $c) (i32.const 100))
    (i32.add) (i32.add))
)
(assert_return
  (invoke "perm" (i32.const 1) (i64.const 2) (f32.const 3) (f64.const 4)
                 (v128.const i32x4 5 5 5 5) (i32.const 6) (v128.const i64x2 7 -7) (i64.const 8))
  (v128.const i64x2 7 -7) (i32.const 6) (v128.const i32x4 5 5 5 5) (i64.const 8)
  (i32.const 1) (i64.const 2) (f32.const 3) (f64.const 4))
(assert_return
  (invoke "perm-call" (i32.const -9) (v128.const i32x4 1 2 3 4))
  (v128.const i32x4 5 6 7 8) (i32.const 91) (v128.const i32x4 1 2 3 4) (i64.const 0x100000000)
  (i32.const -9) (i64.const -2) (f32.const 1.5) (f64.const 2.5))
(assert_return (invoke "chain" (i32.const 21)) (i32.const 42))
(assert_return (invoke "results-in-place") (i32.const 1321))

;; --- What the callee's frame overwrites ----------------------------------------
;; The callee zeroes its locals and uses temporaries in slots that were the caller's
;; above the arguments; the caller's values below the arguments, in temporaries,
;; locals or literals, must be intact afterwards.
(module
  (func $scribble (param i32) (result i32)
    (local i64 i64 i64 i64 v128 v128 i64 i64 f64 f64)
    (local.set 1 (i64.const -1)) (local.set 2 (i64.const -1)) (local.set 3 (i64.const -1))
    (local.set 4 (i64.const -1)) (local.set 5 (v128.const i64x2 -1 -1))
    (local.set 6 (v128.const i64x2 -1 -1)) (local.set 7 (i64.const -1))
    (local.set 8 (i64.const -1)) (local.set 9 (f64.const -1)) (local.set 10 (f64.const -1))
    (i32.add (local.get 0) (i32.const 1)))
  ;; 1000 + p + 3p + scribble(5) + p*p, with the first three below the call.
  (func (export "survive") (param i32) (result i32)
    (i32.const 1000) (local.get 0) (i32.mul (local.get 0) (i32.const 3))
    (call $scribble (i32.const 5))
    (i32.mul (local.get 0) (local.get 0))
    (i32.add) (i32.add) (i32.add) (i32.add))
  ;; The same with v128 values below the call.
  (func (export "survive-v128") (param v128) (result v128)
    (local.get 0) (i32x4.add (local.get 0) (v128.const i32x4 1 1 1 1))
    (drop (call $scribble (i32.const 0)))
    (i32x4.sub))
  ;; The callee's declared locals are zero although the same slots held the
  ;; caller's dead temporaries.
  (func $read-locals (result i64) (local i64 i64 i64)
    (i64.or (i64.or (local.get 0) (local.get 1)) (local.get 2)))
  (func (export "locals-zeroed") (result i64)
    (drop (i64.add (i64.const -1) (i64.mul (i64.const 3) (i64.const 7))))
    (drop (call $scribble (i32.const 0)))
    (call $read-locals))
)
(assert_return (invoke "survive" (i32.const 7)) (i32.const 1083))
(assert_return (invoke "survive-v128" (v128.const i32x4 5 6 7 8)) (v128.const i32x4 -1 -1 -1 -1))
(assert_return (invoke "locals-zeroed") (i64.const 0))

;; --- Recursion --------------------------------------------------------------------
(module
  (func $even (export "even") (param i32) (result i32)
    (if (result i32) (i32.eqz (local.get 0))
      (then (i32.const 1))
      (else (call $odd (i32.sub (local.get 0) (i32.const 1))))))
  (func $odd (export "odd") (param i32) (result i32)
    (if (result i32) (i32.eqz (local.get 0))
      (then (i32.const 0))
      (else (call $even (i32.sub (local.get 0) (i32.const 1))))))
  (func $fib (export "fib") (param i32) (result i64)
    (if (result i64) (i32.lt_u (local.get 0) (i32.const 2))
      (then (i64.extend_i32_u (local.get 0)))
      (else (i64.add (call $fib (i32.sub (local.get 0) (i32.const 1)))
                     (call $fib (i32.sub (local.get 0) (i32.const 2)))))))
  (func $ack (export "ack") (param i32 i32) (result i32)
    (if (result i32) (i32.eqz (local.get 0))
      (then (i32.add (local.get 1) (i32.const 1)))
      (else
        (if (result i32) (i32.eqz (local.get 1))
          (then (call $ack (i32.sub (local.get 0) (i32.const 1)) (i32.const 1)))
          (else (call $ack (i32.sub (local.get 0) (i32.const 1))
                           (call $ack (local.get 0) (i32.sub (local.get 1) (i32.const 1)))))))))
  ;; Not a tail call: each level adds after the call returns, with a value of its
  ;; own waiting below the call.
  (func $depth (export "depth") (param i32) (result i32)
    (if (result i32) (i32.eqz (local.get 0))
      (then (i32.const 0))
      (else
        (i32.const 1)
        (call $depth (i32.sub (local.get 0) (i32.const 1)))
        (i32.add))))
  ;; A big frame: 250 v128 locals (500 slots) per level.
  (func $big (export "big") (param i32) (result i32)
    (local
      v128 v128 v128 v128 v128 v128 v128 v128 v128 v128 v128 v128 v128 v128 v128 v128 v128 v128 v128 v128 v128 v128 v128 v128 v128
      v128 v128 v128 v128 v128 v128 v128 v128 v128 v128 v128 v128 v128 v128 v128 v128 v128 v128 v128 v128 v128 v128 v128 v128 v128
      v128 v128 v128 v128 v128 v128 v128 v128 v128 v128 v128 v128 v128 v128 v128 v128 v128 v128 v128 v128 v128 v128 v128 v128 v128
      v128 v128 v128 v128 v128 v128 v128 v128 v128 v128 v128 v128 v128 v128 v128 v128 v128 v128 v128 v128 v128 v128 v128 v128 v128
      v128 v128 v128 v128 v128 v128 v128 v128 v128 v128 v128 v128 v128 v128 v128 v128 v128 v128 v128 v128 v128 v128 v128 v128 v128
      v128 v128 v128 v128 v128 v128 v128 v128 v128 v128 v128 v128 v128 v128 v128 v128 v128 v128 v128 v128 v128 v128 v128 v128 v128
      v128 v128 v128 v128 v128 v128 v128 v128 v128 v128 v128 v128 v128 v128 v128 v128 v128 v128 v128 v128 v128 v128 v128 v128 v128
      v128 v128 v128 v128 v128 v128 v128 v128 v128 v128 v128 v128 v128 v128 v128 v128 v128 v128 v128 v128 v128 v128 v128 v128 v128
      v128 v128 v128 v128 v128 v128 v128 v128 v128 v128 v128 v128 v128 v128 v128 v128 v128 v128 v128 v128 v128 v128 v128 v128 v128
      v128 v128 v128 v128 v128 v128 v128 v128 v128 v128 v128 v128 v128 v128 v128 v128 v128 v128 v128 v128 v128 v128 v128 v128 v128)
    (local.set 1 (i32x4.splat (local.get 0)))
    (if (result i32) (i32.eqz (local.get 0))
      (then (i32.const 0))
      (else
        (i32.add (call $big (i32.sub (local.get 0) (i32.const 1)))
                 (i32x4.extract_lane 2 (local.get 1))))))
  (func $forever (export "forever") (param i32) (result i32)
    (i32.add (call $forever (i32.add (local.get 0) (i32.const 1))) (i32.const 1)))
  (func $ping (param i32) (result i32) (call $pong (local.get 0)))
  (func $pong (param i32) (result i32) (call $ping (local.get 0)))
  (func (export "ping-pong") (result i32) (call $ping (i32.const 0)))
)
(assert_return (invoke "even" (i32.const 0)) (i32.const 1))
(assert_return (invoke "even" (i32.const 7)) (i32.const 0))
(assert_return (invoke "odd" (i32.const 7)) (i32.const 1))
(assert_return (invoke "even" (i32.const 10000)) (i32.const 1))
(assert_return (invoke "odd" (i32.const 9999)) (i32.const 1))
(assert_return (invoke "fib" (i32.const 20)) (i64.const 6765))
(assert_return (invoke "ack" (i32.const 2) (i32.const 3)) (i32.const 9))
(assert_return (invoke "ack" (i32.const 3) (i32.const 3)) (i32.const 61))
(assert_return (invoke "depth" (i32.const 10000)) (i32.const 10000))
(assert_return (invoke "big" (i32.const 10)) (i32.const 55))
(assert_return (invoke "big" (i32.const 2000)) (i32.const 2001000))
;; Infinite recursion stops at the depth limit, the big frames at the end of the
;; value stack; either way the next call works again.
(assert_exhaustion (invoke "forever" (i32.const 0)) "call stack exhausted")
(assert_return (invoke "depth" (i32.const 100)) (i32.const 100))
(assert_exhaustion (invoke "big" (i32.const 100000)) "call stack exhausted")
(assert_return (invoke "big" (i32.const 3)) (i32.const 6))
(assert_exhaustion (invoke "ping-pong") "call stack exhausted")
(assert_return (invoke "even" (i32.const 10000)) (i32.const 1))

;; --- call_indirect ---------------------------------------------------------------
;; Two tables with different contents, the index from a literal, a local or a
;; computation; a signature check by structure (a second, identical type is the
;; same type); null entries and indices past the end trap with the index.
(module
  (type $ii_i (func (param i32 i32) (result i32)))
  (type $ii_i_again (func (param i32 i32) (result i32)))
  (type $i_i (func (param i32) (result i32)))
  (type $v_iv (func (result i32 v128)))
  (func $add (type $ii_i) (i32.add (local.get 0) (local.get 1)))
  (func $sub (type $ii_i_again) (i32.sub (local.get 0) (local.get 1)))
  (func $neg (type $i_i) (i32.sub (i32.const 0) (local.get 0)))
  (func $pair (type $v_iv) (i32.const 3) (v128.const i32x4 9 8 7 6))
  (table $t0 4 funcref)
  (table $t1 3 8 funcref)
  (elem (table $t0) (i32.const 0) func $add $sub)
  (elem (table $t1) (i32.const 0) func $sub $neg $add)
  (elem declare func $pair $neg)
  (func (export "t0") (param i32 i32 i32) (result i32)
    (call_indirect $t0 (type $ii_i) (local.get 0) (local.get 1) (local.get 2)))
  (func (export "t1") (param i32 i32 i32) (result i32)
    (call_indirect $t1 (type $ii_i_again) (local.get 0) (local.get 1) (local.get 2)))
  (func (export "t1-unary") (param i32 i32) (result i32)
    (call_indirect $t1 (type $i_i) (local.get 0) (local.get 1)))
  ;; Literal index, computed index, and a value below the call.
  (func (export "t0-literal") (result i32)
    (call_indirect $t0 (type $ii_i) (i32.const 10) (i32.const 4) (i32.const 1)))
  (func (export "t1-computed") (param i32) (result i32)
    (i32.const 1000)
    (call_indirect $t1 (type $ii_i) (i32.const 10) (i32.const 4)
      (i32.mul (local.get 0) (i32.const 2)))
    (i32.add))
  ;; Multiple results through call_indirect.
  (func (export "t1-pair") (param i32) (result i32 v128)
    (call_indirect $t1 (type $v_iv) (local.get 0)))
  (func (export "t1-pair-sum") (param i32) (result i32) (local v128)
    (local.set 1 (call_indirect $t1 (type $v_iv) (local.get 0)))
    (i32.add (i32x4.extract_lane 0 (local.get 1))))
  ;; Tables change at run time.
  (func (export "t1-set") (param i32)
    (table.set $t1 (local.get 0) (ref.func $pair)))
  (func (export "t1-grow") (result i32)
    (table.grow $t1 (ref.func $neg) (i32.const 2)))
  (func (export "t0-copy-from-t1") (param i32 i32 i32)
    (table.copy $t0 $t1 (local.get 0) (local.get 1) (local.get 2)))
)
(assert_return (invoke "t0" (i32.const 7) (i32.const 3) (i32.const 0)) (i32.const 10))
(assert_return (invoke "t0" (i32.const 7) (i32.const 3) (i32.const 1)) (i32.const 4))
(assert_return (invoke "t1" (i32.const 7) (i32.const 3) (i32.const 0)) (i32.const 4))
(assert_return (invoke "t1" (i32.const 7) (i32.const 3) (i32.const 2)) (i32.const 10))
(assert_trap (invoke "t1" (i32.const 7) (i32.const 3) (i32.const 1)) "indirect call type mismatch")
(assert_return (invoke "t1-unary" (i32.const 7) (i32.const 1)) (i32.const -7))
(assert_trap (invoke "t1-unary" (i32.const 7) (i32.const 0)) "indirect call type mismatch")
(assert_trap (invoke "t0" (i32.const 7) (i32.const 3) (i32.const 2)) "uninitialized element 2")
(assert_trap (invoke "t0" (i32.const 7) (i32.const 3) (i32.const 3)) "uninitialized element 3")
(assert_trap (invoke "t0" (i32.const 7) (i32.const 3) (i32.const 4)) "undefined element 4")
(assert_trap (invoke "t1" (i32.const 7) (i32.const 3) (i32.const -1)) "undefined element 4294967295")
(assert_return (invoke "t0-literal") (i32.const 6))
(assert_return (invoke "t1-computed" (i32.const 0)) (i32.const 1006))
(assert_return (invoke "t1-computed" (i32.const 1)) (i32.const 1014))
(assert_trap (invoke "t1-computed" (i32.const 2)) "undefined element 4")
(assert_trap (invoke "t1-pair-sum" (i32.const 0)) "indirect call type mismatch")
(invoke "t1-set" (i32.const 0))
(assert_return (invoke "t1-pair" (i32.const 0)) (i32.const 3) (v128.const i32x4 9 8 7 6))
(assert_return (invoke "t1-pair-sum" (i32.const 0)) (i32.const 12))
(assert_trap (invoke "t1" (i32.const 7) (i32.const 3) (i32.const 0)) "indirect call type mismatch")
(assert_return (invoke "t1-grow") (i32.const 3))
(assert_return (invoke "t1-unary" (i32.const 5) (i32.const 4)) (i32.const -5))
(assert_trap (invoke "t1-unary" (i32.const 5) (i32.const 5)) "undefined element 5")
(invoke "t0-copy-from-t1" (i32.const 1) (i32.const 1) (i32.const 3))
(assert_return (invoke "t0" (i32.const 7) (i32.const 3) (i32.const 0)) (i32.const 10))
(assert_trap (invoke "t0" (i32.const 7) (i32.const 3) (i32.const 1)) "indirect call type mismatch")
(assert_return (invoke "t0" (i32.const 7) (i32.const 3) (i32.const 2)) (i32.const 10))
(assert_return (invoke "t1-unary" (i32.const 5) (i32.const 3)) (i32.const -5))

;; --- Calls between modules --------------------------------------------------------
;; Each instance has its own memory: a call into another module's function, direct
;; or through a table, must switch to that module's memory and back on return,
;; also after the callee trapped.
(module $A
  (memory 1)
  (data (i32.const 0) "\aa")
  (table (export "table") 2 funcref)
  (elem (i32.const 0) func $peek $boom)
  (func $peek (export "peek") (result i32) (i32.load8_u (i32.const 0)))
  (func $boom (export "boom") (result i32) (unreachable))
)
(register "A" $A)
(module $B
  (import "A" "peek" (func $peek (result i32)))
  (import "A" "boom" (func $boom (result i32)))
  (import "A" "table" (table $t 2 funcref))
  (import "spectest" "print_i32" (func $print (param i32)))
  (memory 1)
  (data (i32.const 0) "\bb")
  (func $own (result i32) (i32.load8_u (i32.const 0)))
  ;; own, A's (direct), own, A's (indirect), own: as hex digits.
  (func (export "mix") (result i64)
    (local $r i64)
    (local.set $r (i64.extend_i32_u (call $own)))
    (local.set $r (i64.or (i64.shl (local.get $r) (i64.const 8)) (i64.extend_i32_u (call $peek))))
    (local.set $r (i64.or (i64.shl (local.get $r) (i64.const 8)) (i64.extend_i32_u (call $own))))
    (local.set $r (i64.or (i64.shl (local.get $r) (i64.const 8))
                          (i64.extend_i32_u (call_indirect $t (result i32) (i32.const 0)))))
    (local.set $r (i64.or (i64.shl (local.get $r) (i64.const 8)) (i64.extend_i32_u (call $own))))
    (local.get $r))
  (func (export "boom-direct") (result i32) (call $boom))
  (func (export "boom-indirect") (result i32) (call_indirect $t (result i32) (i32.const 1)))
  (func (export "own") (result i32) (call $own))
  ;; A host call with values live below it.
  (func (export "around-host") (param i32) (result i32)
    (local.get 0) (i32.const 10)
    (call $print (i32.const 99))
    (i32.mul))
)
(assert_return (invoke $B "mix") (i64.const 0xbbaabbaabb))
(assert_trap (invoke $B "boom-direct") "unreachable")
(assert_return (invoke $B "own") (i32.const 0xbb))
(assert_trap (invoke $B "boom-indirect") "unreachable")
(assert_return (invoke $B "mix") (i64.const 0xbbaabbaabb))
(assert_return (invoke $B "around-host" (i32.const 4)) (i32.const 40))
(assert_return (invoke $A "peek") (i32.const 0xaa))
