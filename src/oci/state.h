// The state store: one directory per container under the runtime root
// (`--root`, default /run/runw), as runc keeps it.
//
//   <root>/<id>/            mode 0711; exists from the start of `create`
//   <root>/<id>/state.json  written atomically (temp + rename) at the END of
//                           create: before it exists, the id "does not exist"
//                           for every command but `delete --force`, so callers
//                           never see a "creating" container
//   <root>/<id>/exec.fifo   the init blocks opening it for writing until
//                           `start` opens it for reading; unlinked by start
//   <root>/<id>/cgroup.json where the container's cgroup is, written before
//                           the cgroup is made so that `delete --force` after a
//                           create killed half-way can still remove it
//   <root>/<id>/config.json the config create ran with (poststop hooks, and
//                           the cgroup and memory settings `update` changes)
//
// Every state-changing command holds an flock on the container directory, so
// podman's cleanup, `podman stop` and CRI-O's stop loop can race on one id.
// Status is derived, never stored: see Container::Status.
#pragma once

#include <sys/types.h>

#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <vector>

#include "oci/config.h"

namespace runw::oci {

enum class Status : uint8_t { kCreated, kRunning, kPaused, kStopped };
std::string_view StatusName(Status status);

/// What state.json records. `runtime` marks directories runw made, so that
/// foreign entries (runc's, in a shared root) are skipped and never deleted.
struct ContainerState {
  std::string id;
  pid_t init_pid = 0;
  uint64_t init_start_time = 0;  // field 22 of /proc/<pid>/stat, against pid reuse
  std::string bundle;            // absolute
  std::string rootfs;            // absolute
  std::string created;           // RFC 3339, UTC
  std::string owner;
  std::map<std::string, std::string> annotations;
  bool wasm = false;  // which handler runs the workload
  bool systemd_cgroup = false;
};

/// The directory of container `id` under `root`.
std::string ContainerDir(const std::string& root, const std::string& id);

/// Checks a container id the way runc does: `^[\w+-\.]+$`, and not "." or "..".
Expected<void> ValidateId(const std::string& id);

/// An exclusive flock on a container directory, released on destruction.
class ContainerLock {
 public:
  ContainerLock() = default;
  explicit ContainerLock(int fd) : fd_(fd) {}
  ContainerLock(ContainerLock&& other) noexcept : fd_(other.fd_) { other.fd_ = -1; }
  ContainerLock& operator=(ContainerLock&& other) noexcept;
  ~ContainerLock();
  int fd() const { return fd_; }

 private:
  int fd_ = -1;
};

/// Takes the lock of an existing container directory.
Expected<ContainerLock> LockContainerDir(const std::string& dir);

/// Reads `<dir>/state.json`; std::nullopt when the file does not exist (the
/// container does not exist yet, or is half-made), an error when it is not
/// runw's or is unreadable.
Expected<std::optional<ContainerState>> LoadState(const std::string& dir);
/// Writes `<dir>/state.json` atomically.
Expected<void> SaveState(const std::string& dir, const ContainerState& state);

/// Writes `contents` to `path` atomically: a temporary file in the same
/// directory, fsync'd, then renamed over `path`.
Expected<void> WriteFileAtomic(const std::string& path, std::string_view contents, int mode);
/// Reads a whole (small) file.
Expected<std::string> ReadSmallFile(const std::string& path);

/// The start time (clock ticks since boot, field 22 of /proc/<pid>/stat) and
/// whether the process is a zombie or dead; std::nullopt when there is no
/// such process.
struct ProcStat {
  uint64_t start_time = 0;
  char state = '?';
};
std::optional<ProcStat> ReadProcStat(pid_t pid);

/// The derived status: stopped when the init is gone, a zombie, or another
/// process reusing its pid; created while exec.fifo exists; paused when the
/// cgroup is frozen; running otherwise.
Status DeriveStatus(const std::string& dir, const ContainerState& state);

/// runc's `state` output: only runc's keys (CRI-O decodes it over its own
/// state, so extra keys would overwrite its data).
std::string StateJson(const ContainerState& state, Status status);
/// The same object with any status text and pid, for the hooks' stdin (the
/// spec has them see "creating" during create).
std::string StateJsonAs(const ContainerState& state, std::string_view status, pid_t pid);

/// The ids of runw containers under `root`, sorted; foreign and unreadable
/// entries are skipped.
std::vector<std::string> ListContainerIds(const std::string& root);

/// Removes a container directory and everything in it.
Expected<void> RemoveContainerDir(const std::string& dir);

}  // namespace runw::oci
