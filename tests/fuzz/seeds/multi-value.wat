;; Multi-value: functions with several results, blocks, loops and ifs typed by a
;; type index with parameters and results, and branches that carry several values.
(module
  (type $pair (func (param i32 i64) (result i64 i32)))
  (func $swap (type $pair) (local.get 1) (local.get 0))
  (func $blocks (param i32) (result i32 i64 f32)
    (i32.const 1)
    (i64.const 2)
    (block (type $pair) (call $swap))
    (drop)
    (loop (param i64) (result i64) (br_if 0 (i64.eqz (local.get 0)) (local.tee 0 (i32.const 0)) (drop)))
    (drop)
    (if (param i32) (result i32 i64) (local.get 0)
      (then (i64.const 3))
      (else (drop) (i32.const 4) (i64.const 5)))
    (block $out (param i32 i64) (result i32 i64)
      (br_table $out $out (local.get 0)))
    (f32.const 6)))
