;; Validation: text modules that wast2json assembles without checking them; each
;; `assert_invalid` names the message (or its prefix) of the spec testsuite, and each
;; `module` must validate (and instantiate, with the spectest host module's imports).

;; --- Operand stack ------------------------------------------------------------------
(module (func (param i32 i64) (result i64) (i64.add (i64.extend_i32_u (local.get 0)) (local.get 1))))
(assert_invalid (module (func (result i32) (i32.add (i32.const 1) (i64.const 2)))) "type mismatch")
(assert_invalid (module (func (result i32) (i32.add (i32.const 1)))) "type mismatch")
(assert_invalid (module (func (i32.const 1))) "type mismatch")
(assert_invalid (module (func (result i32))) "type mismatch")
(assert_invalid (module (func (result i32) (return (f32.const 0)))) "type mismatch")
(assert_invalid (module (func (local i32) (local.get 1) (drop))) "unknown local")
(assert_invalid (module (func (global.get 0) (drop))) "unknown global")
(assert_invalid (module (func (call 1))) "unknown function")
(assert_invalid (module (global i32 (i32.const 0)) (func (global.set 0 (i32.const 1)))) "global is immutable")

;; --- Polymorphic stack --------------------------------------------------------------------
(module (func (result i32) (unreachable) (i32.add)))
(module (func (result f64) (block (result f64) (br 0 (f64.const 1)) (i64.eqz) (drop) (f64.const 0))))
(module (func (result i64) (return (i64.const 0)) (select) (i64.extend_i32_s)))
(assert_invalid (module (func (result i32) (unreachable) (i64.const 0) (i32.add))) "type mismatch")
(assert_invalid (module (func (block (br 0) (i32.const 1)))) "type mismatch")
(assert_invalid (module (func (unreachable) (ref.null func) (i32.const 1) (select) (drop))) "type mismatch")

;; --- Blocks ------------------------------------------------------------------------------
(module
  (type $ii_i (func (param i32 i32) (result i32)))
  (type $i_i (func (param i32) (result i32)))
  (func (result i32) (i32.const 1) (i32.const 2) (block (type $ii_i) (i32.add)))
  (func (param i32) (result i32)
    (local.get 0) (loop (type $i_i) (i32.const 1) (i32.sub) (local.tee 0) (local.get 0) (br_if 0)))
  (func (result i32) (i32.const 3) (i32.const 1) (if (type $i_i) (then (i32.const 1) (i32.add)))))
(assert_invalid
  (module (type $ii_i (func (param i32 i32) (result i32)))
    (func (result i32) (i32.const 1) (block (type $ii_i) (i32.add))))
  "type mismatch")
(assert_invalid
  (module (type $i_f (func (param i32) (result f32)))
    (func (result f32) (i32.const 0) (loop (type $i_f) (drop) (f32.const 1) (br 0))))
  "type mismatch")
(assert_invalid (module (func (result i32) (if (result i32) (i32.const 1) (then (i32.const 2))))) "type mismatch")
(assert_invalid (module (func (if (i64.const 1) (then)))) "type mismatch")
(assert_invalid (module (func (block (br 2)))) "unknown label")

;; --- br_table --------------------------------------------------------------------------
(module
  (func (param i32) (result i32)
    (block (result i32) (block (result i32) (br_table 0 1 0 (i32.const 10) (local.get 0))) (drop) (i32.const 20)))
  (func (block (result f32) (block (result i64) (unreachable) (br_table 0 1)) (drop) (f32.const 0)) (drop)))
(assert_invalid
  (module (func (param i32) (result i32)
    (block (result i32) (block (br_table 0 1 (i32.const 1) (local.get 0))) (i32.const 0))))
  "type mismatch")
(assert_invalid
  (module (func (param i32)
    (block (result f32) (block (result i32) (br_table 0 1 (i32.const 1) (local.get 0))) (drop) (f32.const 0))
    (drop)))
  "type mismatch")

;; --- select ----------------------------------------------------------------------------
(module
  (func (param i32) (result v128) (select (v128.const i64x2 0 0) (v128.const i64x2 1 1) (local.get 0)))
  (func (param i32) (result funcref) (select (result funcref) (ref.null func) (ref.null func) (local.get 0))))
(assert_invalid
  (module (func (param i32) (result funcref) (select (ref.null func) (ref.null func) (local.get 0))))
  "type mismatch")
(assert_invalid
  (module (func (param i32) (result i32) (select (i32.const 1) (i64.const 2) (local.get 0))))
  "type mismatch")
(assert_invalid
  (module (func (result i32) (select (result i32 i32) (i32.const 1) (i32.const 1) (i32.const 1))))
  "invalid result arity")

;; --- References ---------------------------------------------------------------------------
(module
  (func $f)
  (elem declare func $f)
  (func (result i32) (ref.is_null (ref.func $f))))
(module (func $f (export "f")) (func (result funcref) (ref.func $f)))
(assert_invalid (module (func (result i32) (ref.is_null (i32.const 0)))) "type mismatch")
(assert_invalid (module (func $f) (func (result funcref) (ref.func $f))) "undeclared function reference")
(assert_invalid (module (func (result funcref) (ref.func 7))) "unknown function")

;; --- Tables and element segments ---------------------------------------------------------------
(module
  (table $t 2 funcref) (table $e 2 externref)
  (func $f) (elem $seg func $f)
  (func (param externref)
    (table.set $e (i32.const 0) (local.get 0))
    (table.init $t $seg (i32.const 0) (i32.const 0) (i32.const 1))
    (elem.drop $seg)))
(assert_invalid (module (func (result funcref) (table.get 0 (i32.const 0)))) "unknown table")
(assert_invalid
  (module (table $e 1 externref) (table $f 1 funcref)
    (func (table.copy $e $f (i32.const 0) (i32.const 0) (i32.const 0))))
  "type mismatch")
(assert_invalid (module (table 1 externref) (func $f) (elem (table 0) (i32.const 0) func $f)) "type mismatch")
(assert_invalid (module (func $f) (elem func $f) (func (elem.drop 1))) "unknown elem segment")
(assert_invalid
  (module (type $v (func)) (table 1 externref) (func (call_indirect 0 (type $v) (i32.const 0))))
  "type mismatch")

;; --- Memory, lanes, data ---------------------------------------------------------------------------
(module (memory 1) (func (param i32) (i64.store32 align=4 (local.get 0) (i64.load align=8 (local.get 0)))))
(assert_invalid (module (func (result i32) (i32.load (i32.const 0)))) "unknown memory")
(assert_invalid (module (memory 1) (func (result i32) (i32.load align=8 (i32.const 0)))) "alignment must not be larger than natural")
(assert_invalid (module (memory 1) (func (i64.store32 align=8 (i32.const 0) (i64.const 0)))) "alignment must not be larger than natural")
(assert_invalid (module (func (param v128) (result i32) (i8x16.extract_lane_s 16 (local.get 0)))) "invalid lane index")
(assert_invalid (module (func (param v128) (result i64) (i64x2.extract_lane 2 (local.get 0)))) "invalid lane index")
(module (memory 1) (data $d "x") (func (memory.init $d (i32.const 0) (i32.const 0) (i32.const 1)) (data.drop $d)))
(assert_invalid (module (memory 1) (data "x") (func (data.drop 1))) "unknown data segment")
(assert_invalid (module (data (i32.const 0) "x")) "unknown memory")

;; --- Constant expressions -------------------------------------------------------------------------
(module
  (import "spectest" "global_i32" (global $g i32))
  (memory 1) (table 1000 funcref) (func $f)  ;; spectest.global_i32 is 666
  (global i32 (global.get $g))
  (global funcref (ref.func $f))
  (data (global.get $g) "x")
  (elem (global.get $g) $f))
(assert_invalid (module (global i32 (i32.add (i32.const 1) (i32.const 2)))) "constant expression required")
(assert_invalid (module (import "env" "g" (global $g (mut i32))) (global i32 (global.get $g))) "constant expression required")
(assert_invalid (module (global $a i32 (i32.const 1)) (global i32 (global.get $a))) "unknown global")
(assert_invalid (module (memory 1) (global $a i32 (i32.const 1)) (data (global.get $a) "x")) "unknown global")
(assert_invalid (module (global i32 (i64.const 0))) "type mismatch")

;; --- Module-level rules -----------------------------------------------------------------------------
(module (func $s) (start $s))
(assert_invalid (module (func $s (param i32)) (start $s)) "start function")
(assert_invalid (module (func $s (result i32) (i32.const 0)) (start $s)) "start function")
(assert_invalid (module (func) (start 3)) "unknown function")
(assert_invalid (module (func) (export "x" (func 0)) (export "x" (func 0))) "duplicate export name")
(assert_invalid (module (memory 1) (memory 1)) "multiple memories")
(assert_invalid (module (memory 65537)) "memory size must be at most 65536 pages (4GiB)")
(assert_invalid (module (memory 2 1)) "size minimum must not be greater than maximum")
(assert_invalid (module (table 5 4 funcref)) "size minimum must not be greater than maximum")
(module (memory 0 65536) (table 0 4294967295 funcref))
