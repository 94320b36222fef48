;; Malformed binaries: each `assert_malformed` holds raw bytes (`module binary`) and
;; the message, or its prefix, that the reference interpreter reports. The `module`
;; commands are borderline encodings that must still load.

;; --- Header -----------------------------------------------------------------------
(assert_malformed (module binary "") "unexpected end")
(assert_malformed (module binary "\00asm") "unexpected end")
(assert_malformed (module binary "\00asm\01\00\00") "unexpected end")
(assert_malformed (module binary "\00asn\01\00\00\00") "magic header not detected")
(assert_malformed (module binary "asm\00\01\00\00\00") "magic header not detected")
(assert_malformed (module binary "\00asm\02\00\00\00") "unknown binary version")
(assert_malformed (module binary "\00asm\0d\00\00\00") "unknown binary version")
(module binary "\00asm\01\00\00\00")

;; --- Section framing ------------------------------------------------------------------
(assert_malformed (module binary "\00asm\01\00\00\00" "\0d\00") "malformed section id")
(assert_malformed (module binary "\00asm\01\00\00\00" "\7f\00") "malformed section id")
;; function section, then a type section.
(assert_malformed
  (module binary "\00asm\01\00\00\00" "\03\01\00" "\01\01\00")
  "unexpected content after last section")
;; two type sections.
(assert_malformed
  (module binary "\00asm\01\00\00\00" "\01\01\00" "\01\01\00")
  "unexpected content after last section")
;; data count section after the code section.
(assert_malformed
  (module binary "\00asm\01\00\00\00" "\0a\01\00" "\0c\01\00")
  "unexpected content after last section")
;; type section declaring 5 bytes for 4 bytes of content (then a stray byte).
(assert_malformed
  (module binary "\00asm\01\00\00\00" "\01\05\01\60\00\00" "\00")
  "section size mismatch")
;; type section declaring 3 bytes for 4 bytes of content.
(assert_malformed
  (module binary "\00asm\01\00\00\00" "\01\03\01\60\00\00")
  "section size mismatch")
;; a section size past the end of the module.
(assert_malformed (module binary "\00asm\01\00\00\00" "\01\10\00") "length out of bounds")
;; two modules back to back: the second header reads as a huge custom section.
(assert_malformed (module binary "\00asm\01\00\00\00" "\00asm\01\00\00\00") "length out of bounds")
;; a vector count of 2^32-1 with no elements.
(assert_malformed (module binary "\00asm\01\00\00\00" "\01\05\ff\ff\ff\ff\0f") "length out of bounds")
;; a section whose content runs out before its declared end.
(assert_malformed (module binary "\00asm\01\00\00\00" "\01\04\01\60\00") "unexpected end")

;; --- Custom sections -------------------------------------------------------------------
(module binary "\00asm\01\00\00\00" "\00\0a\04" "name" "\00\03\02" "hi")
(module binary "\00asm\01\00\00\00" "\00\06\05" "empty")
(assert_malformed (module binary "\00asm\01\00\00\00" "\00") "unexpected end")
(assert_malformed (module binary "\00asm\01\00\00\00" "\00\00") "unexpected end")
;; a custom section of size 0 whose name is read from the bytes after it.
(assert_malformed (module binary "\00asm\01\00\00\00" "\00\00\00\05\01\00\07\00\00") "unexpected end")
(assert_malformed (module binary "\00asm\01\00\00\00" "\00\03\02\c0\80") "malformed UTF-8 encoding")

;; --- LEB128 integers --------------------------------------------------------------------
;; Padded but legal: a memory with min 2 and max 2 in 2- and 5-byte encodings.
(module binary "\00asm\01\00\00\00" "\05\09\01" "\01\82\00" "\82\80\80\80\00")
;; A global initialized with i64.const -1 in 10 bytes.
(module binary "\00asm\01\00\00\00" "\06\0f\01\7e\00" "\42\ff\ff\ff\ff\ff\ff\ff\ff\ff\7f" "\0b")
;; i32.const with a sixth byte.
(assert_malformed
  (module binary "\00asm\01\00\00\00" "\06\0b\01\7f\00" "\41\80\80\80\80\80\00" "\0b")
  "integer representation too long")
;; i32.const whose fifth byte sets bits that do not fit (sign 0, unused bits 1).
(assert_malformed
  (module binary "\00asm\01\00\00\00" "\06\0a\01\7f\00" "\41\80\80\80\80\70" "\0b")
  "integer too large")
;; i64.const whose tenth byte does not repeat the sign.
(assert_malformed
  (module binary "\00asm\01\00\00\00" "\06\0f\01\7e\00" "\42\80\80\80\80\80\80\80\80\80\01" "\0b")
  "integer too large")
;; A function type form written as the two-byte LEB128 of -0x20.
(assert_malformed
  (module binary "\00asm\01\00\00\00" "\01\05\01\e0\7f\00\00")
  "integer representation too long")
;; Limits flags are a u1: 2 is too large, a padded 0 too long.
(assert_malformed (module binary "\00asm\01\00\00\00" "\05\03\01\02\00") "integer too large")
(assert_malformed (module binary "\00asm\01\00\00\00" "\05\04\01\81\00\00") "integer representation too long")

;; --- Section contents -------------------------------------------------------------------
(assert_malformed (module binary "\00asm\01\00\00\00" "\01\04\01\61\00\00") "malformed function type")
;; An import of kind 4.
(assert_malformed
  (module binary "\00asm\01\00\00\00" "\02\07\01\01a\01b\04\00")
  "malformed import kind")
;; A table import whose element type is i32.
(assert_malformed
  (module binary "\00asm\01\00\00\00" "\02\09\01\01a\01b\01\7f\00\00")
  "malformed reference type")
;; A global import with mutability 2.
(assert_malformed
  (module binary "\00asm\01\00\00\00" "\02\08\01\01a\01b\03\7f\02")
  "malformed mutability")
;; An export of kind 4.
(assert_malformed (module binary "\00asm\01\00\00\00" "\07\05\01\01x\04\00") "malformed export kind")
;; An export name that is a UTF-8 encoded surrogate.
(assert_malformed
  (module binary "\00asm\01\00\00\00" "\07\07\01\03\ed\a0\80\00\00")
  "malformed UTF-8 encoding")
;; Element segment flags 8, and element kind 1.
(assert_malformed (module binary "\00asm\01\00\00\00" "\09\04\01\08\00\00") "malformed elements segment kind")
(assert_malformed (module binary "\00asm\01\00\00\00" "\09\04\01\01\01\00") "malformed element kind")
;; Data segment flags 3.
(assert_malformed (module binary "\00asm\01\00\00\00" "\0b\03\01\03\00") "malformed data segment kind")
;; One function declared, no body.
(assert_malformed
  (module binary "\00asm\01\00\00\00" "\01\04\01\60\00\00" "\03\02\01\00")
  "function and code section have inconsistent lengths")
;; A body without a declared function.
(assert_malformed
  (module binary "\00asm\01\00\00\00" "\01\04\01\60\00\00" "\0a\04\01\02\00\0b")
  "function and code section have inconsistent lengths")
;; Data count 2, one data segment.
(assert_malformed
  (module binary "\00asm\01\00\00\00" "\05\03\01\00\01" "\0c\01\02" "\0b\06\01\00\41\00\0b\00")
  "data count and data section have inconsistent lengths")
;; Data count 1 and no data section.
(assert_malformed
  (module binary "\00asm\01\00\00\00" "\0c\01\01")
  "data count and data section have inconsistent lengths")
;; Locals: 2^32-1 + 2 in total, which must not wrap around.
(assert_malformed
  (module binary "\00asm\01\00\00\00" "\01\04\01\60\00\00" "\03\02\01\00"
    "\0a\0c\01\0a\02\ff\ff\ff\ff\0f\7f\02\7e\0b")
  "too many locals")

;; --- Function bodies ---------------------------------------------------------------------
;; Type [] -> [], one function, and a code section holding the body given.
(assert_malformed
  (module binary "\00asm\01\00\00\00" "\01\04\01\60\00\00" "\03\02\01\00"
    "\0a\05\01\03\00\06\0b")  ;; opcode 0x06
  "illegal opcode")
(assert_malformed
  (module binary "\00asm\01\00\00\00" "\01\04\01\60\00\00" "\03\02\01\00"
    "\0a\06\01\04\00\fc\7f\0b")  ;; 0xfc 0x7f
  "illegal opcode")
(assert_malformed
  (module binary "\00asm\01\00\00\00" "\01\04\01\60\00\00" "\03\02\01\00" "\05\03\01\00\01"
    "\0a\07\01\05\00\3f\01\1a\0b")  ;; memory.size 1
  "zero byte expected")
(assert_malformed
  (module binary "\00asm\01\00\00\00" "\01\04\01\60\00\00" "\03\02\01\00"
    "\0a\06\01\04\00\d0\7f\0b")  ;; ref.null i32
  "malformed reference type")
;; A body missing its final `end`, followed by a custom section.
(assert_malformed
  (module binary "\00asm\01\00\00\00" "\01\04\01\60\00\00" "\03\02\01\00"
    "\0a\04\01\02\00\01" "\00\02\01c")
  "END opcode expected")
;; A body with a byte after its final `end`.
(assert_malformed
  (module binary "\00asm\01\00\00\00" "\01\04\01\60\00\00" "\03\02\01\00"
    "\0a\05\01\03\00\0b\01")
  "section size mismatch")
;; Alignment exponent 32 is malformed; 31 only invalid (see validation.wast).
(assert_malformed
  (module binary "\00asm\01\00\00\00" "\01\04\01\60\00\00" "\03\02\01\00" "\05\03\01\00\01"
    "\0a\0a\01\08\00\41\00\28\20\00\1a\0b")
  "malformed memop flags")
(assert_invalid
  (module binary "\00asm\01\00\00\00" "\01\04\01\60\00\00" "\03\02\01\00" "\05\03\01\00\01"
    "\0a\0a\01\08\00\41\00\28\1f\00\1a\0b")
  "alignment must not be larger than natural")
;; data.drop 0 with a data segment but no data count section.
(assert_malformed
  (module binary "\00asm\01\00\00\00" "\01\04\01\60\00\00" "\03\02\01\00" "\05\03\01\00\01"
    "\0a\07\01\05\00\fc\09\00\0b" "\0b\04\01\01\01x")
  "data count section required")
;; The same with the data count section loads.
(module binary "\00asm\01\00\00\00" "\01\04\01\60\00\00" "\03\02\01\00" "\05\03\01\00\01"
  "\0c\01\01" "\0a\07\01\05\00\fc\09\00\0b" "\0b\04\01\01\01x")
;; Malformed code outranks an invalid earlier function: function 0 returns nothing
;; where an i32 is due, function 1 holds opcode 0x06.
(assert_malformed
  (module binary "\00asm\01\00\00\00" "\01\05\01\60\00\01\7f" "\03\03\02\00\00"
    "\0a\08\02\02\00\0b\03\00\06\0b")
  "illegal opcode")
