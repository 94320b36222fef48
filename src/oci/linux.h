// Linux container setup, run by the container's init process between clone and
// the workload's first instruction (or execve). Each step applies one part of
// config.json faithfully or fails with a message naming what could not be
// applied; nothing is skipped silently (runtime-spec: settings that cannot be
// applied must make `create` fail).
//
// The order the init calls these in (see create.cc):
//   1. SetupMounts       inside the new mount namespace, before pivot_root
//   2. (createContainer hooks run here, in the container's namespaces)
//   3. SetHostname, ApplySysctl   while the host's /proc/sys is still writable
//   4. EnterRoot         pivot_root (or MS_MOVE + chroot with --no-pivot), then
//                        masked paths, read-only paths, root.readonly
//   5. ApplyRlimits, ApplyOomScoreAdj
//   6. FinalizeProcess   user and groups, capabilities, no_new_privs, seccomp —
//                        the last step before the workload runs
#pragma once

#include <string>

#include "oci/config.h"

namespace runw::oci {

/// Makes the mount tree private (or `linux.rootfsPropagation`), bind-mounts
/// `rootfs` (an absolute host path) onto itself, performs `spec.mounts` in
/// order beneath it (bind and rbind with their flags, proc, sysfs, tmpfs,
/// devpts, mqueue, cgroup, and other file systems by type), and populates /dev
/// when the config mounts a tmpfs there: the default devices (null, zero, full,
/// random, urandom, tty), `linux.devices`, and the fd/stdin/stdout/stderr/ptmx
/// links. Mount destinations are resolved inside `rootfs` without following
/// symlinks out of it.
Expected<void> SetupMounts(const Spec& spec, const std::string& rootfs);

/// Makes `rootfs` the process's root: pivot_root, or with `no_pivot` a move
/// mount plus chroot. Then masks `linux.maskedPaths`, remounts
/// `linux.readonlyPaths` read-only, and the root itself when `root.readonly`.
/// Afterwards the working directory is `/`.
Expected<void> EnterRoot(const Spec& spec, const std::string& rootfs, bool no_pivot);

/// Sets the UTS hostname and domainname from the config (when given).
Expected<void> SetHostname(const Spec& spec);

/// Writes `linux.sysctl` under /proc/sys; a key outside the container's
/// namespaces (net.* without a network namespace, …) is refused.
Expected<void> ApplySysctl(const Spec& spec);

/// setrlimit for each entry; a refused raise fails with
/// "setrlimit RLIMIT_NOFILE: operation not permitted".
Expected<void> ApplyRlimits(const std::vector<Rlimit>& rlimits);

/// Writes /proc/self/oom_score_adj when `process.oomScoreAdj` is set.
Expected<void> ApplyOomScoreAdj(const Process& process);

/// The last step before the workload: supplementary groups, gid and uid (the
/// needed capabilities kept across the switch), umask, the capability sets
/// (bounding, permitted, effective, inheritable, ambient; libcap), then
/// no_new_privs, then the seccomp filter (libseccomp) when given.
Expected<void> FinalizeProcess(const Process& process, const std::optional<Seccomp>& seccomp);

/// Checks, without changing anything, what FinalizeProcess would reject on this
/// host: unknown capability names, unknown seccomp action, operator,
/// architecture or flag names. Syscall names this libseccomp does not know are
/// not errors (profiles list the calls of many kernels and are skipped name by
/// name). Lets `create` fail early with a clear message.
Expected<void> CheckProcessSettings(const Process& process, const std::optional<Seccomp>& seccomp);

}  // namespace runw::oci
