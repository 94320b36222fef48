"""Process bookkeeping shared by the OCI end-to-end tests.

A container's init is a child of the `runw create` that made it, which exits
right away; the tests make themselves the subreaper so that inits (and the
stage-1 processes of a killed create) are re-parented to them and can be reaped
instead of piling up as zombies of PID 1.
"""
import ctypes
import os
import sys
import unittest

PR_SET_CHILD_SUBREAPER = 36


def become_subreaper():
    ctypes.CDLL(None, use_errno=True).prctl(PR_SET_CHILD_SUBREAPER, 1, 0, 0, 0)


def reap_orphans():
    """Reaps every child that has already exited, without waiting for others."""
    while True:
        try:
            if os.waitpid(-1, os.WNOHANG)[0] == 0:
                return
        except ChildProcessError:
            return


def main(what):
    """Runs the test module's tests as root and as a subreaper; exit 77 (skipped,
    for CTest's SKIP_RETURN_CODE) without root."""
    if os.geteuid() != 0:
        print("skipped: %s needs root" % what)
        sys.exit(77)
    become_subreaper()
    unittest.main(verbosity=2)
