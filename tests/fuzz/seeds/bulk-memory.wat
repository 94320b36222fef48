;; Bulk memory and table operations with passive, active and declarative segments
;; (the data count section is emitted because memory.init and data.drop appear).
(module
  (memory 1 1)
  (table $t 8 funcref)
  (data $active (i32.const 8) "\01\02\03\04")
  (data $passive "\aa\bb\cc")
  (elem $pe func $f $g)
  (elem $ae (table $t) (i32.const 2) funcref (ref.func $f))
  (elem declare func $g)
  (func $f
    (memory.init $passive (i32.const 100) (i32.const 0) (i32.const 3))
    (data.drop $passive)
    (data.drop $active)
    (memory.copy (i32.const 200) (i32.const 100) (i32.const 3))
    (memory.fill (i32.const 0) (i32.const 0xff) (i32.const 16)))
  (func $g (result funcref)
    (table.init $t $pe (i32.const 0) (i32.const 0) (i32.const 2))
    (elem.drop $pe)
    (table.copy $t $t (i32.const 4) (i32.const 0) (i32.const 2))
    (ref.func $g)))
