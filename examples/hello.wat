;; The bundled example: a tiny module with memory, a data segment, a loop and
;; SIMD, used by the README's first command.
(module
  (memory (export "memory") 1)
  (data (i32.const 16) "hello, runw\n")
  (func $sum (export "sum") (param $n i32) (result i32)
    (local $acc i32)
    (block $done
      (loop $next
        (br_if $done (i32.eqz (local.get $n)))
        (local.set $acc (i32.add (local.get $acc) (local.get $n)))
        (local.set $n (i32.sub (local.get $n) (i32.const 1)))
        (br $next)))
    (local.get $acc))
  (func (export "splat_sum") (param i32) (result i32)
    (i32x4.extract_lane 0
      (i32x4.add (i32x4.splat (local.get 0)) (v128.const i32x4 1 2 3 4)))))
