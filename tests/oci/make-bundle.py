#!/usr/bin/env python3
"""Makes an OCI bundle for the runtime tests: BUNDLE/rootfs holding the given
files, and a config.json shaped like the one podman sends (contract §8.1):
pid/network/ipc/uts/mount namespaces, the usual mounts, the default capability
set, masked and read-only paths.

  make-bundle.py BUNDLE --file SRC[:DEST] ... [--args A B ...] [--env K=V ...]
                 [--cwd DIR] [--terminal] [--annotation K=V ...]
                 [--cgroups-path P] [--memory BYTES] [--pids N]
                 [--rlimit NAME=SOFT:HARD ...] [--readonly-root]
                 [--hook KIND=PATH[,ARG...]] [--no-seccomp]
"""
import argparse
import json
import os
import shutil

CAPS = ["CAP_CHOWN", "CAP_DAC_OVERRIDE", "CAP_FOWNER", "CAP_FSETID", "CAP_KILL",
        "CAP_NET_BIND_SERVICE", "CAP_SETFCAP", "CAP_SETGID", "CAP_SETPCAP", "CAP_SETUID",
        "CAP_SYS_CHROOT"]

# A small allow-list profile in podman's shape: default ERRNO(ENOSYS), and the
# calls a static C program and runw's wasm init need.
SECCOMP_ALLOW = [
    "read", "write", "readv", "writev", "pread64", "pwrite64", "preadv", "pwritev", "open",
    "openat", "openat2", "close", "close_range", "fstat", "newfstatat", "statx", "lstat", "stat",
    "lseek", "mmap", "munmap", "mprotect", "mremap", "madvise", "brk", "rt_sigaction",
    "rt_sigprocmask", "rt_sigreturn", "sigaltstack", "ioctl", "access", "faccessat", "faccessat2",
    "getpid", "gettid", "getppid", "getuid", "geteuid", "getgid", "getegid", "exit",
    "exit_group", "nanosleep", "clock_nanosleep", "clock_gettime", "clock_getres",
    "gettimeofday", "getrandom", "fcntl", "dup", "dup2", "dup3", "pipe", "pipe2", "poll",
    "ppoll", "select", "pselect6", "epoll_create1", "epoll_ctl", "epoll_wait", "epoll_pwait",
    "mkdir", "mkdirat", "rmdir", "unlink", "unlinkat", "rename", "renameat", "renameat2",
    "readlink", "readlinkat", "symlink", "symlinkat", "link", "linkat", "getdents64",
    "ftruncate", "fallocate", "fsync", "fdatasync", "utimensat", "futimesat", "sched_yield",
    "execve", "execveat", "arch_prctl", "set_tid_address", "set_robust_list", "rseq",
    "prlimit64", "getrlimit", "setrlimit", "uname", "futex", "kill", "tgkill", "tkill",
    "socket", "connect", "accept", "accept4", "bind", "listen", "sendto", "recvfrom",
    "sendmsg", "recvmsg", "shutdown", "getsockname", "getpeername", "setsockopt",
    "getsockopt", "socketpair", "wait4", "waitid", "clone", "clone3", "fork", "vfork",
    "prctl", "capget", "capset", "setgroups", "setresuid", "setresgid", "setuid", "setgid",
    "umask", "chdir", "fchdir", "getcwd", "sysinfo", "getdents", "fadvise64", "sched_getaffinity",
    "statfs", "fstatfs", "membarrier", "restart_syscall", "seccomp", "flock", "memfd_create",
]


def main():
    p = argparse.ArgumentParser()
    p.add_argument("bundle")
    p.add_argument("--file", action="append", default=[])
    p.add_argument("--args", nargs="+", default=["/hello.wasm"])
    p.add_argument("--env", action="append", default=[])
    p.add_argument("--cwd", default="/")
    p.add_argument("--terminal", action="store_true")
    p.add_argument("--annotation", action="append", default=[])
    p.add_argument("--cgroups-path", default=None)
    p.add_argument("--memory", type=int, default=None)
    p.add_argument("--pids", type=int, default=None)
    p.add_argument("--rlimit", action="append", default=[])
    p.add_argument("--readonly-root", action="store_true")
    p.add_argument("--hook", action="append", default=[])
    p.add_argument("--no-seccomp", action="store_true")
    p.add_argument("--mkdir", action="append", default=[])
    a = p.parse_args()

    rootfs = os.path.join(a.bundle, "rootfs")
    os.makedirs(rootfs, exist_ok=True)
    for d in ["proc", "sys", "dev", "tmp", "etc"] + a.mkdir:
        os.makedirs(os.path.join(rootfs, d.lstrip("/")), exist_ok=True)
    os.chmod(os.path.join(rootfs, "tmp"), 0o1777)
    for spec in a.file:
        src, _, dest = spec.partition(":")
        dest = dest or "/" + os.path.basename(src)
        target = os.path.join(rootfs, dest.lstrip("/"))
        os.makedirs(os.path.dirname(target), exist_ok=True)
        shutil.copy(src, target)

    env = ["PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin", "TERM=xterm",
           "container=podman"] + a.env
    rlimits = [{"type": "RLIMIT_NOFILE", "hard": 1024, "soft": 1024}]
    for r in a.rlimit:
        name, _, limits = r.partition("=")
        soft, _, hard = limits.partition(":")
        rlimits = [x for x in rlimits if x["type"] != name]
        rlimits.append({"type": name, "soft": int(soft), "hard": int(hard)})
    resources = {"devices": [{"allow": False, "access": "rwm"}]}
    if a.memory is not None:
        resources["memory"] = {"limit": a.memory}
    if a.pids is not None:
        resources["pids"] = {"limit": a.pids}
    config = {
        "ociVersion": "1.0.2-dev",
        "process": {
            "terminal": a.terminal,
            "user": {"uid": 0, "gid": 0},
            "args": a.args,
            "env": env,
            "cwd": a.cwd,
            "capabilities": {k: CAPS for k in ["bounding", "effective", "permitted"]},
            "rlimits": rlimits,
            "noNewPrivileges": True,
        },
        "root": {"path": "rootfs", "readonly": a.readonly_root},
        "hostname": "runw-test",
        "mounts": [
            {"destination": "/proc", "type": "proc", "source": "proc",
             "options": ["nosuid", "noexec", "nodev"]},
            {"destination": "/dev", "type": "tmpfs", "source": "tmpfs",
             "options": ["nosuid", "strictatime", "mode=755", "size=65536k"]},
            {"destination": "/dev/pts", "type": "devpts", "source": "devpts",
             "options": ["nosuid", "noexec", "newinstance", "ptmxmode=0666", "mode=0620"]},
            {"destination": "/dev/shm", "type": "tmpfs", "source": "shm",
             "options": ["nosuid", "noexec", "nodev", "mode=1777", "size=65536k"]},
            {"destination": "/dev/mqueue", "type": "mqueue", "source": "mqueue",
             "options": ["nosuid", "noexec", "nodev"]},
            {"destination": "/sys", "type": "sysfs", "source": "sysfs",
             "options": ["nosuid", "noexec", "nodev", "ro"]},
        ],
        "annotations": dict(kv.split("=", 1) for kv in a.annotation),
        "linux": {
            "resources": resources,
            "namespaces": [{"type": t} for t in ["pid", "network", "ipc", "uts", "mount"]],
            "maskedPaths": ["/proc/acpi", "/proc/kcore", "/proc/keys", "/proc/timer_list",
                            "/sys/firmware"],
            "readonlyPaths": ["/proc/bus", "/proc/fs", "/proc/irq", "/proc/sys",
                              "/proc/sysrq-trigger"],
        },
    }
    if a.cgroups_path is not None:
        config["linux"]["cgroupsPath"] = a.cgroups_path
    if not a.no_seccomp:
        config["linux"]["seccomp"] = {
            "defaultAction": "SCMP_ACT_ERRNO", "defaultErrnoRet": 38,
            "architectures": ["SCMP_ARCH_X86_64", "SCMP_ARCH_X86", "SCMP_ARCH_X32"],
            "syscalls": [{"names": SECCOMP_ALLOW, "action": "SCMP_ACT_ALLOW"}],
        }
    hooks = {}
    for h in a.hook:
        kind, _, rest = h.partition("=")
        parts = rest.split(",")
        hooks.setdefault(kind, []).append({"path": parts[0], "args": parts})
    if hooks:
        config["hooks"] = hooks
    with open(os.path.join(a.bundle, "config.json"), "w") as f:
        json.dump(config, f, indent=2)


if __name__ == "__main__":
    main()
