;; Not a valid module (assembled with --no-check): each function breaks one typing
;; rule, so the fuzzer starts from inputs that reach the validator's error paths and
;; the decode-only continuation after a validation error.
(module
  (memory 1)
  (func $mismatch (result i32) (i64.const 1))
  (func $underflow (i32.add (i32.const 1)))
  (func $label (br 3))
  (func $else (if (i32.const 0) (then (i32.const 1)) (else)))
  (func $align (drop (i32.load align=8 (i32.const 0))))
  (func $immutable (global.set 0 (i32.const 0)))
  (global i32 (i32.const 0)))
