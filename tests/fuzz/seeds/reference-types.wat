;; Reference types: funcref and externref values, several tables, table
;; instructions, call_indirect through a non-zero table, typed select and ref.func
;; declared by a declarative element segment.
(module
  (type $sig (func (param externref) (result i32)))
  (import "host" "tab" (table $ext 2 externref))
  (table $funcs 3 10 funcref)
  (global $null (mut externref) (ref.null extern))
  (elem declare func $is_null)
  (elem (table $funcs) (i32.const 0) funcref (ref.func $is_null) (ref.null func))
  (func $is_null (type $sig) (ref.is_null (local.get 0)))
  (func $tables (param $x externref) (result i32)
    (table.set $ext (i32.const 0) (local.get $x))
    (global.set $null (table.get $ext (i32.const 1)))
    (drop (table.grow $funcs (ref.func $is_null) (i32.const 2)))
    (table.fill $ext (i32.const 0) (ref.null extern) (table.size $ext))
    (drop (select (result externref) (local.get $x) (global.get $null) (i32.const 1)))
    (drop (select (result funcref) (ref.null func) (ref.func $is_null) (i32.const 0)))
    (call_indirect $funcs (type $sig) (local.get $x) (i32.const 0))))
