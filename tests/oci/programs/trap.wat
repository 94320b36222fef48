;; A command module whose _start traps at once: the container exits with the
;; trap status and `runw: trap: unreachable` on stderr.
(module
  (func $start (export "_start")
    unreachable))
