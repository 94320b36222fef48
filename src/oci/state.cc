// The container state store (see state.h).
#include "oci/state.h"

#include <dirent.h>
#include <fcntl.h>
#include <sys/file.h>
#include <sys/stat.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <cstring>
#include <filesystem>
#include <nlohmann/json.hpp>

#include "oci/cgroups.h"
#include "oci/util.h"

namespace runw::oci {
namespace {

constexpr std::string_view kRuntimeMark = "runw";

}  // namespace

std::string_view StatusName(Status status) {
  switch (status) {
    case Status::kCreated:
      return "created";
    case Status::kRunning:
      return "running";
    case Status::kPaused:
      return "paused";
    case Status::kStopped:
      return "stopped";
  }
  return "stopped";
}

std::string ContainerDir(const std::string& root, const std::string& id) {
  return root + "/" + id;
}

Expected<void> ValidateId(const std::string& id) {
  bool ok = !id.empty() && id != "." && id != ".." && id.size() <= 1024;
  for (char c : id) {
    bool word = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') ||
                c == '_' || c == '+' || c == '-' || c == '.';
    if (!word) ok = false;
  }
  if (!ok) return Fail("invalid container id format `" + id + "`");
  return {};
}

ContainerLock& ContainerLock::operator=(ContainerLock&& other) noexcept {
  if (this != &other) {
    if (fd_ >= 0) close(fd_);
    fd_ = other.fd_;
    other.fd_ = -1;
  }
  return *this;
}

ContainerLock::~ContainerLock() {
  if (fd_ >= 0) close(fd_);
}

Expected<ContainerLock> LockContainerDir(const std::string& dir) {
  int fd = open(dir.c_str(), O_RDONLY | O_DIRECTORY | O_CLOEXEC);
  if (fd < 0) return Fail(SysError("open `" + dir + "`"));
  while (flock(fd, LOCK_EX) != 0) {
    if (errno == EINTR) continue;
    int err = errno;
    close(fd);
    return Fail("lock `" + dir + "`: " + ErrnoText(err));
  }
  return ContainerLock(fd);
}

Expected<std::string> ReadSmallFile(const std::string& path) {
  int fd = open(path.c_str(), O_RDONLY | O_CLOEXEC);
  if (fd < 0) return Fail(SysError("open " + path));
  std::string out;
  char buf[8192];
  for (;;) {
    ssize_t n = read(fd, buf, sizeof buf);
    if (n < 0) {
      if (errno == EINTR) continue;
      int err = errno;
      close(fd);
      return Fail("read " + path + ": " + ErrnoText(err));
    }
    if (n == 0) break;
    out.append(buf, static_cast<size_t>(n));
    if (out.size() > (64u << 20)) {
      close(fd);
      return Fail("read " + path + ": file too large");
    }
  }
  close(fd);
  return out;
}

Expected<void> WriteFileAtomic(const std::string& path, std::string_view contents, int mode) {
  std::string tmp = path + ".tmp-" + std::to_string(getpid());
  int fd = open(tmp.c_str(), O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, mode);
  if (fd < 0) return Fail(SysError("create " + tmp));
  size_t done = 0;
  while (done < contents.size()) {
    ssize_t n = write(fd, contents.data() + done, contents.size() - done);
    if (n < 0) {
      if (errno == EINTR) continue;
      int err = errno;
      close(fd);
      unlink(tmp.c_str());
      return Fail("write " + tmp + ": " + ErrnoText(err));
    }
    done += static_cast<size_t>(n);
  }
  if (fsync(fd) != 0 || close(fd) != 0) {
    int err = errno;
    unlink(tmp.c_str());
    return Fail("write " + tmp + ": " + ErrnoText(err));
  }
  if (rename(tmp.c_str(), path.c_str()) != 0) {
    int err = errno;
    unlink(tmp.c_str());
    return Fail("rename " + tmp + ": " + ErrnoText(err));
  }
  return {};
}

Expected<std::optional<ContainerState>> LoadState(const std::string& dir) {
  std::string path = dir + "/state.json";
  if (access(path.c_str(), F_OK) != 0 && errno == ENOENT) return std::optional<ContainerState>();
  auto text = RUNW_OCI_TRY(ReadSmallFile(path));
  nlohmann::json j = nlohmann::json::parse(text, nullptr, false);
  if (j.is_discarded() || !j.is_object() || j.value("runtime", "") != kRuntimeMark) {
    return Fail("`" + path + "` is not a runw state file");
  }
  ContainerState s;
  try {
    s.id = j.at("id").get<std::string>();
    s.init_pid = j.at("init_pid").get<pid_t>();
    s.init_start_time = j.at("init_start_time").get<uint64_t>();
    s.bundle = j.at("bundle").get<std::string>();
    s.rootfs = j.at("rootfs").get<std::string>();
    s.created = j.at("created").get<std::string>();
    s.owner = j.value("owner", "");
    s.annotations = j.value("annotations", std::map<std::string, std::string>());
    s.wasm = j.value("wasm", false);
    s.systemd_cgroup = j.value("systemd_cgroup", false);
  } catch (const nlohmann::json::exception& e) {
    return Fail("`" + path + "` is damaged: " + e.what());
  }
  return std::optional<ContainerState>(std::move(s));
}

Expected<void> SaveState(const std::string& dir, const ContainerState& s) {
  nlohmann::json j = {
      {"runtime", kRuntimeMark},
      {"id", s.id},
      {"init_pid", s.init_pid},
      {"init_start_time", s.init_start_time},
      {"bundle", s.bundle},
      {"rootfs", s.rootfs},
      {"created", s.created},
      {"owner", s.owner},
      {"annotations", s.annotations},
      {"wasm", s.wasm},
      {"systemd_cgroup", s.systemd_cgroup},
  };
  return WriteFileAtomic(dir + "/state.json",
                         j.dump(-1, ' ', false, nlohmann::json::error_handler_t::replace), 0600);
}

std::optional<ProcStat> ReadProcStat(pid_t pid) {
  if (pid <= 0) return std::nullopt;
  auto text = ReadSmallFile("/proc/" + std::to_string(pid) + "/stat");
  if (!text) return std::nullopt;
  // The command name (field 2) is in parentheses and may itself hold spaces and
  // parentheses: the fields after it start after the last ')'.
  size_t close_paren = text->rfind(')');
  if (close_paren == std::string::npos || close_paren + 2 >= text->size()) return std::nullopt;
  ProcStat st;
  st.state = (*text)[close_paren + 2];
  // Field 3 is the state; the start time is field 22, i.e. 19 fields later.
  size_t pos = close_paren + 2;
  for (int field = 3; field < 22; ++field) {
    pos = text->find(' ', pos);
    if (pos == std::string::npos) return std::nullopt;
    ++pos;
  }
  st.start_time = std::strtoull(text->c_str() + pos, nullptr, 10);
  return st;
}

Status DeriveStatus(const std::string& dir, const ContainerState& state) {
  std::optional<ProcStat> st = ReadProcStat(state.init_pid);
  if (!st || st->state == 'Z' || st->state == 'X' || st->start_time != state.init_start_time) {
    return Status::kStopped;
  }
  if (access((dir + "/exec.fifo").c_str(), F_OK) == 0) return Status::kCreated;
  if (auto cg_text = ReadSmallFile(dir + "/cgroup.json")) {
    if (auto cg = Cgroup::FromJson(*cg_text)) {
      if (auto frozen = cg->Frozen(); frozen && *frozen) return Status::kPaused;
    }
  }
  return Status::kRunning;
}

std::string StateJson(const ContainerState& s, Status status) {
  return StateJsonAs(s, StatusName(status), status == Status::kStopped ? 0 : s.init_pid);
}

std::string StateJsonAs(const ContainerState& s, std::string_view status, pid_t pid) {
  nlohmann::ordered_json j = {
      {"ociVersion", "1.0.2"}, {"id", s.id},         {"pid", pid},           {"status", status},
      {"bundle", s.bundle},    {"rootfs", s.rootfs}, {"created", s.created}, {"owner", s.owner},
  };
  if (!s.annotations.empty()) j["annotations"] = s.annotations;
  return j.dump(2, ' ', false, nlohmann::json::error_handler_t::replace);
}

std::vector<std::string> ListContainerIds(const std::string& root) {
  std::vector<std::string> ids;
  DIR* d = opendir(root.c_str());
  if (d == nullptr) return ids;
  while (dirent* e = readdir(d)) {
    std::string name = e->d_name;
    if (name == "." || name == ".." || !ValidateId(name)) continue;
    auto state = LoadState(ContainerDir(root, name));
    if (state && *state) ids.push_back(name);
  }
  closedir(d);
  std::sort(ids.begin(), ids.end());
  return ids;
}

Expected<void> RemoveContainerDir(const std::string& dir) {
  std::error_code ec;
  std::filesystem::remove_all(dir, ec);
  if (ec) return Fail("remove `" + dir + "`: " + ec.message());
  return {};
}

}  // namespace runw::oci
