// The mount half of the container setup (see linux.h): the config's mounts
// beneath the rootfs, /dev, pivot_root, masked and read-only paths.
//
// Every destination is resolved inside the rootfs with openat2(RESOLVE_IN_ROOT)
// (Linux 5.6 and later): a symlink in the image such as `evil -> /tmp` then
// points at rootfs/tmp, never at the host's /tmp. The mount itself targets the
// resolved file through /proc/self/fd/N, so no path is looked up twice.
//
// Propagation: "/" is made recursively slave by default (runc's default), so
// that no mount made for the container reaches the host, while host mounts
// still propagate in; `linux.rootfsPropagation` replaces that default.
//
// Relative bind-mount sources are resolved against the working directory of
// the process (SetupMounts is not told the bundle path).
#include <fcntl.h>
#include <linux/magic.h>
#include <linux/openat2.h>
#include <sys/mount.h>
#include <sys/stat.h>
#include <sys/statfs.h>
#include <sys/statvfs.h>
#include <sys/syscall.h>
#include <sys/sysmacros.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <climits>
#include <cstring>
#include <fstream>
#include <sstream>
#include <utility>

#include "oci/linux.h"
#include "oci/util.h"

namespace runw::oci {
namespace {

// An owned file descriptor.
class Fd {
 public:
  Fd() = default;
  explicit Fd(int fd) : fd_(fd) {}
  Fd(Fd&& other) noexcept : fd_(std::exchange(other.fd_, -1)) {}
  Fd& operator=(Fd&& other) noexcept {
    if (this != &other) {
      if (fd_ >= 0) close(fd_);
      fd_ = std::exchange(other.fd_, -1);
    }
    return *this;
  }
  ~Fd() {
    if (fd_ >= 0) close(fd_);
  }
  int get() const { return fd_; }
  std::string ProcPath() const { return "/proc/self/fd/" + std::to_string(fd_); }

 private:
  int fd_ = -1;
};

// `path` relative to the rootfs: "/a//b/" -> "a/b"; "/" -> ".".
std::string InRoot(std::string_view path) {
  std::string out;
  size_t i = 0;
  while (i < path.size()) {
    while (i < path.size() && path[i] == '/')
      ++i;
    size_t j = path.find('/', i);
    if (j == std::string_view::npos) j = path.size();
    if (j > i) {
      if (!out.empty()) out += '/';
      out.append(path.substr(i, j - i));
    }
    i = j;
  }
  return out.empty() ? "." : out;
}

// Opens `rel` beneath `root_fd` as if `root_fd` were "/": symlinks and ".."
// cannot leave it. Sets errno on failure.
int OpenInRoot(int root_fd, const std::string& rel, int flags) {
  open_how how{};
  how.flags = static_cast<uint64_t>(flags | O_CLOEXEC);
  how.resolve = RESOLVE_IN_ROOT | RESOLVE_NO_MAGICLINKS;
  long fd;
  do {
    fd = syscall(SYS_openat2, root_fd, rel.c_str(), &how, sizeof how);
  } while (fd < 0 && (errno == EINTR || errno == EAGAIN));
  return static_cast<int>(fd);
}

// Resolves `dest` (a container path) inside the rootfs, creating what is
// missing: directories, and for `file_leaf` an empty file as the last
// component. Returns an O_PATH fd of the result.
Expected<Fd> ResolveCreate(int root_fd, const std::string& dest, bool file_leaf) {
  std::string rel = InRoot(dest);
  int fd = OpenInRoot(root_fd, rel, O_PATH);
  if (fd >= 0) return Fd(fd);
  if (errno == ENOSYS) return Fail("openat2: the kernel is too old (5.6 or newer is needed)");
  if (errno != ENOENT) return Fail(SysError("open " + dest + " in the rootfs"));

  // Walk from the root, making each missing component in the directory the
  // previous one resolved to (inside the root). A dangling symlink on the way
  // is followed by hand: its target, read as a path inside the root, replaces
  // the components walked so far, and the walk starts over.
  for (int hops = 0; hops <= 40; ++hops) {
    Fd dir(OpenInRoot(root_fd, ".", O_PATH | O_DIRECTORY));
    if (dir.get() < 0) return Fail(SysError("open the rootfs"));
    std::string prefix;
    std::string restart;
    size_t start = 0;
    while (start < rel.size() && restart.empty()) {
      size_t end = rel.find('/', start);
      if (end == std::string::npos) end = rel.size();
      std::string name = rel.substr(start, end - start);
      bool last = end == rel.size();
      std::string parent = prefix;
      prefix += (prefix.empty() ? "" : "/") + name;
      int next = OpenInRoot(root_fd, prefix, O_PATH);
      if (next < 0 && errno == ENOENT) {
        char target[PATH_MAX];
        ssize_t n = readlinkat(dir.get(), name.c_str(), target, sizeof target - 1);
        if (n > 0) {
          std::string link(target, static_cast<size_t>(n));
          restart =
              link.front() == '/' ? InRoot(link) : (parent.empty() ? "" : parent + "/") + link;
          if (!last) restart += "/" + rel.substr(end + 1);
          break;
        }
        if (last && file_leaf) {
          // O_EXCL|O_NOFOLLOW: never create through a symlink.
          int created = openat(dir.get(), name.c_str(),
                               O_CREAT | O_EXCL | O_NOFOLLOW | O_WRONLY | O_CLOEXEC, 0644);
          if (created < 0 && errno != EEXIST) return Fail(SysError("create " + dest));
          if (created >= 0) close(created);
        } else if (mkdirat(dir.get(), name.c_str(), 0755) != 0 && errno != EEXIST) {
          return Fail(SysError("mkdir " + dest));
        }
        next = OpenInRoot(root_fd, prefix, O_PATH);
      }
      if (next < 0) return Fail(SysError("open " + dest + " in the rootfs"));
      dir = Fd(next);
      start = end + 1;
    }
    if (restart.empty()) return dir;
    rel = restart;
  }
  return Fail("open " + dest + " in the rootfs: " + ErrnoText(ELOOP));
}

// ---- mount options --------------------------------------------------------------

struct MountOptions {
  unsigned long flags = 0;        // applied with the mount (or bind remount)
  unsigned long propagation = 0;  // applied with a separate call
  bool bind = false;
  bool recursive_bind = false;
  std::string data;
};

Expected<MountOptions> ParseOptions(const Mount& m) {
  struct Flag {
    std::string_view name;
    bool clear;
    unsigned long flag;
  };
  static constexpr Flag kFlags[] = {
      {"ro", false, MS_RDONLY},
      {"rw", true, MS_RDONLY},
      {"nosuid", false, MS_NOSUID},
      {"suid", true, MS_NOSUID},
      {"nodev", false, MS_NODEV},
      {"dev", true, MS_NODEV},
      {"noexec", false, MS_NOEXEC},
      {"exec", true, MS_NOEXEC},
      {"sync", false, MS_SYNCHRONOUS},
      {"async", true, MS_SYNCHRONOUS},
      {"dirsync", false, MS_DIRSYNC},
      {"remount", false, MS_REMOUNT},
      {"mand", false, MS_MANDLOCK},
      {"nomand", true, MS_MANDLOCK},
      {"noatime", false, MS_NOATIME},
      {"atime", true, MS_NOATIME},
      {"nodiratime", false, MS_NODIRATIME},
      {"diratime", true, MS_NODIRATIME},
      {"relatime", false, MS_RELATIME},
      {"norelatime", true, MS_RELATIME},
      {"strictatime", false, MS_STRICTATIME},
      {"nostrictatime", true, MS_STRICTATIME},
      {"defaults", false, 0},
  };
  static constexpr std::pair<std::string_view, unsigned long> kPropagation[] = {
      {"private", MS_PRIVATE},       {"rprivate", MS_PRIVATE | MS_REC},
      {"shared", MS_SHARED},         {"rshared", MS_SHARED | MS_REC},
      {"slave", MS_SLAVE},           {"rslave", MS_SLAVE | MS_REC},
      {"unbindable", MS_UNBINDABLE}, {"runbindable", MS_UNBINDABLE | MS_REC},
  };
  static constexpr std::string_view kUnsupported[] = {
      "tmpcopyup",  "idmap",        "ridmap",         "rro",
      "rrw",        "rnosuid",      "rsuid",          "rnodev",
      "rdev",       "rnoexec",      "rexec",          "rnodiratime",
      "rdiratime",  "rrelatime",    "rnorelatime",    "rnoatime",
      "ratime",     "rstrictatime", "rnostrictatime", "rnosymfollow",
      "rsymfollow", "copy-symlink", "src-nofollow",   "dest-nofollow"};

  if (!m.uid_mappings.empty() || !m.gid_mappings.empty()) {
    return Fail("mount " + m.destination + ": idmapped mounts are not supported");
  }
  MountOptions out;
  for (const std::string& opt : m.options) {
    if (opt == "bind" || opt == "rbind") {
      out.bind = true;
      out.recursive_bind |= opt == "rbind";
      continue;
    }
    if (std::find(std::begin(kUnsupported), std::end(kUnsupported), opt) !=
        std::end(kUnsupported)) {
      return Fail("mount " + m.destination + ": option \"" + opt + "\" is not supported");
    }
    auto f = std::find_if(std::begin(kFlags), std::end(kFlags),
                          [&](const Flag& x) { return x.name == opt; });
    if (f != std::end(kFlags)) {
      if (f->clear) {
        out.flags &= ~f->flag;
      } else {
        out.flags |= f->flag;
      }
      continue;
    }
    auto p = std::find_if(std::begin(kPropagation), std::end(kPropagation),
                          [&](const auto& x) { return x.first == opt; });
    if (p != std::end(kPropagation)) {
      out.propagation = p->second;
      continue;
    }
    // Anything else belongs to the file system: mode=755, size=65536k, …
    if (!out.data.empty()) out.data += ',';
    out.data += opt;
  }
  if (m.type == "bind") out.bind = true;
  return out;
}

Expected<unsigned long> PropagationFlags(const std::string& name) {
  if (name.empty()) return MS_SLAVE | MS_REC;
  if (name == "private") return MS_PRIVATE;
  if (name == "rprivate") return MS_PRIVATE | MS_REC;
  if (name == "shared") return MS_SHARED;
  if (name == "rshared") return MS_SHARED | MS_REC;
  if (name == "slave") return MS_SLAVE;
  if (name == "rslave") return MS_SLAVE | MS_REC;
  if (name == "unbindable") return MS_UNBINDABLE;
  if (name == "runbindable") return MS_UNBINDABLE | MS_REC;
  return Fail("linux.rootfsPropagation: unknown propagation \"" + name + "\"");
}

// The flags a mount already has that an unprivileged remount may not clear
// (the kernel locks them when the mount came from a more privileged
// namespace).
unsigned long LockedFlags(const std::string& path) {
  struct statvfs st = {};
  if (statvfs(path.c_str(), &st) != 0) return 0;
  unsigned long flags = 0;
  if (st.f_flag & ST_RDONLY) flags |= MS_RDONLY;
  if (st.f_flag & ST_NOSUID) flags |= MS_NOSUID;
  if (st.f_flag & ST_NODEV) flags |= MS_NODEV;
  if (st.f_flag & ST_NOEXEC) flags |= MS_NOEXEC;
  if (st.f_flag & ST_NOATIME) flags |= MS_NOATIME;
  if (st.f_flag & ST_NODIRATIME) flags |= MS_NODIRATIME;
  if (st.f_flag & ST_RELATIME) flags |= MS_RELATIME;
  return flags;
}

// Remounts the bind mount at `path` with `flags`; when the kernel refuses
// (locked flags in a user namespace), again with the mount's current flags
// added.
Expected<void> RemountBind(const std::string& path, unsigned long flags, const std::string& what) {
  if (mount("", path.c_str(), nullptr, MS_REMOUNT | MS_BIND | flags, nullptr) == 0) return {};
  if (errno == EPERM && mount("", path.c_str(), nullptr,
                              MS_REMOUNT | MS_BIND | flags | LockedFlags(path), nullptr) == 0) {
    return {};
  }
  return Fail(SysError("remount " + what));
}

// ---- cgroup mounts -----------------------------------------------------------------

bool HostIsCgroup2() {
  struct statfs st = {};
  return statfs("/sys/fs/cgroup", &st) == 0 && st.f_type == CGROUP2_SUPER_MAGIC;
}

// /proc/self/cgroup as (controllers, path) pairs.
std::vector<std::pair<std::string, std::string>> OwnCgroups() {
  std::vector<std::pair<std::string, std::string>> out;
  std::ifstream in("/proc/self/cgroup");
  std::string line;
  while (std::getline(in, line)) {
    size_t a = line.find(':');
    size_t b = a == std::string::npos ? a : line.find(':', a + 1);
    if (b == std::string::npos) continue;
    out.emplace_back(line.substr(a + 1, b - a - 1), line.substr(b + 1));
  }
  return out;
}

Expected<void> BindAt(int root_fd, const std::string& source, const std::string& dest,
                      unsigned long flags, const std::string& what) {
  Fd target = RUNW_OCI_TRY(ResolveCreate(root_fd, dest, false));
  if (mount(source.c_str(), target.ProcPath().c_str(), nullptr, MS_BIND | MS_REC, nullptr) != 0) {
    return Fail(SysError("mount " + what));
  }
  if (flags != 0) {
    Fd mounted(OpenInRoot(root_fd, InRoot(dest), O_PATH));
    if (mounted.get() < 0) return Fail(SysError("open " + dest + " in the rootfs"));
    RUNW_OCI_CHECK(RemountBind(mounted.ProcPath(), flags, what));
  }
  return {};
}

// A cgroup mount shows the container its own cgroup, never the host's tree.
// With a cgroup namespace the kernel roots a fresh cgroup (v2) or per-hierarchy
// cgroup (v1) mount at the namespace's cgroup. Without one — or where the
// kernel refuses the mount (a user namespace without a cgroup namespace) — the
// container's own cgroup directories are bound from the host instead, as they
// appear in /proc/self/cgroup. On a v1 or hybrid host there is a tmpfs holding
// one directory per hierarchy, with links for the single names of joint
// controllers (cpu -> cpu,cpuacct). The host hierarchies are expected at
// /sys/fs/cgroup/<name>, where systemd and every distribution put them.
Expected<void> MountCgroup(int root_fd, const Mount& m, const MountOptions& opts, bool cgroupns) {
  std::string what = m.destination + " (cgroup)";
  unsigned long flags = opts.flags & ~MS_REMOUNT;
  unsigned long bind_flags = flags & (MS_RDONLY | MS_NOSUID | MS_NODEV | MS_NOEXEC);
  auto own = OwnCgroups();
  if (HostIsCgroup2()) {
    if (cgroupns) {
      Fd target = RUNW_OCI_TRY(ResolveCreate(root_fd, m.destination, false));
      if (mount("cgroup2", target.ProcPath().c_str(), "cgroup2", flags, nullptr) == 0) return {};
      if (errno != EPERM && errno != EBUSY) return Fail(SysError("mount " + what));
    }
    std::string path;
    for (const auto& [controllers, p] : own) {
      if (controllers.empty()) path = p;
    }
    return BindAt(root_fd, "/sys/fs/cgroup" + path, m.destination, bind_flags, what);
  }
  Fd target = RUNW_OCI_TRY(ResolveCreate(root_fd, m.destination, false));
  if (mount("tmpfs", target.ProcPath().c_str(), "tmpfs", flags & ~MS_RDONLY, "mode=755") != 0) {
    return Fail(SysError("mount " + what));
  }
  for (const auto& [controllers, path] : own) {
    std::string name = controllers.empty() ? "unified" : controllers;
    if (name.starts_with("name=")) name.erase(0, 5);
    std::string host = "/sys/fs/cgroup/" + name;
    if (access(host.c_str(), F_OK) != 0) continue;  // e.g. no unified mount on a pure v1 host
    std::string dest = m.destination + "/" + name;
    std::string sub_what = dest + " (cgroup)";
    bool mounted = false;
    if (cgroupns) {
      // The hierarchy's own mount options name it: its controllers, or
      // "none,name=systemd" for a named one; the unified one is cgroup2.
      bool unified = controllers.empty();
      std::string data = controllers.starts_with("name=") ? "none," + controllers : controllers;
      Fd sub = RUNW_OCI_TRY(ResolveCreate(root_fd, dest, false));
      unsigned long sub_flags = flags | MS_NOSUID | MS_NODEV | MS_NOEXEC;
      mounted = mount("cgroup", sub.ProcPath().c_str(), unified ? "cgroup2" : "cgroup", sub_flags,
                      unified ? nullptr : data.c_str()) == 0;
      if (!mounted && errno != EPERM && errno != EBUSY) return Fail(SysError("mount " + sub_what));
    }
    if (!mounted) {
      RUNW_OCI_CHECK(BindAt(root_fd, host + path, dest,
                            bind_flags | MS_NOSUID | MS_NODEV | MS_NOEXEC, sub_what));
    }
    if (name.find(',') == std::string::npos) continue;
    Fd dir = RUNW_OCI_TRY(ResolveCreate(root_fd, m.destination, false));
    std::stringstream parts(name);
    std::string part;
    while (std::getline(parts, part, ',')) {
      if (symlinkat(name.c_str(), dir.get(), part.c_str()) != 0 && errno != EEXIST) {
        return Fail(SysError("symlink " + m.destination + "/" + part));
      }
    }
  }
  if (flags & MS_RDONLY) {
    Fd mounted(OpenInRoot(root_fd, InRoot(m.destination), O_PATH));
    if (mounted.get() < 0) return Fail(SysError("open " + m.destination + " in the rootfs"));
    if (mount("", mounted.ProcPath().c_str(), nullptr, MS_REMOUNT | flags, "mode=755") != 0) {
      return Fail(SysError("remount " + what + " read-only"));
    }
  }
  return {};
}

// ---- one mount -------------------------------------------------------------------

Expected<void> DoMount(int root_fd, const Mount& m, bool cgroupns) {
  MountOptions opts = RUNW_OCI_TRY(ParseOptions(m));
  std::string what = m.destination;
  if (m.type == "cgroup") {
    RUNW_OCI_CHECK(MountCgroup(root_fd, m, opts, cgroupns));
  } else if (opts.bind) {
    struct stat st = {};
    if (stat(m.source.c_str(), &st) != 0) {
      return Fail(SysError("mount " + what + ": stat " + m.source));
    }
    Fd target = RUNW_OCI_TRY(ResolveCreate(root_fd, m.destination, !S_ISDIR(st.st_mode)));
    unsigned long bind = MS_BIND | (opts.recursive_bind ? MS_REC : 0);
    if (mount(m.source.c_str(), target.ProcPath().c_str(), nullptr, bind, nullptr) != 0) {
      return Fail(SysError("mount " + m.source + " to " + what));
    }
    // A bind mount ignores every flag but MS_REC; the others take a remount
    // of the new mount (reopened: the fd above is the directory beneath it).
    unsigned long flags = opts.flags & ~MS_REMOUNT;
    if (flags != 0) {
      Fd mounted(OpenInRoot(root_fd, InRoot(m.destination), O_PATH));
      if (mounted.get() < 0) return Fail(SysError("open " + what + " in the rootfs"));
      RUNW_OCI_CHECK(RemountBind(mounted.ProcPath(), flags, what));
    }
  } else {
    if (m.type.empty()) return Fail("mount " + what + ": no type given and not a bind mount");
    Fd target = RUNW_OCI_TRY(ResolveCreate(root_fd, m.destination, false));
    const char* data = opts.data.empty() ? nullptr : opts.data.c_str();
    if (mount(m.source.empty() ? m.type.c_str() : m.source.c_str(), target.ProcPath().c_str(),
              m.type.c_str(), opts.flags, data) != 0) {
      return Fail(SysError("mount " + m.type + " to " + what));
    }
  }
  if (opts.propagation != 0) {
    Fd mounted(OpenInRoot(root_fd, InRoot(m.destination), O_PATH));
    if (mounted.get() < 0) return Fail(SysError("open " + what + " in the rootfs"));
    if (mount("", mounted.ProcPath().c_str(), nullptr, opts.propagation, nullptr) != 0) {
      return Fail(SysError("set the propagation of " + what));
    }
  }
  return {};
}

// ---- /dev ------------------------------------------------------------------------

Expected<void> MakeDevice(int root_fd, const Device& d) {
  mode_t type;
  if (d.type == "c" || d.type == "u") {
    type = S_IFCHR;
  } else if (d.type == "b") {
    type = S_IFBLK;
  } else if (d.type == "p") {
    type = S_IFIFO;
  } else {
    return Fail("device " + d.path + ": unknown type \"" + d.type + "\"");
  }
  std::string rel = InRoot(d.path);
  size_t slash = rel.rfind('/');
  std::string parent = slash == std::string::npos ? "/" : "/" + rel.substr(0, slash);
  std::string name = slash == std::string::npos ? rel : rel.substr(slash + 1);
  if (rel == "." || name == ".." || name == ".")
    return Fail("device path " + d.path + " is invalid");
  Fd dir = RUNW_OCI_TRY(ResolveCreate(root_fd, parent, false));
  Fd real_dir(openat(dir.get(), ".", O_PATH | O_DIRECTORY | O_CLOEXEC));
  if (real_dir.get() < 0) return Fail(SysError("open " + parent));
  mode_t perm = d.file_mode.value_or(0666) & 07777;
  dev_t dev = makedev(static_cast<unsigned>(d.major), static_cast<unsigned>(d.minor));
  // A device the image already has (or a default repeated in linux.devices)
  // is replaced, so that the config's numbers and mode hold.
  unlinkat(real_dir.get(), name.c_str(), 0);
  if (mknodat(real_dir.get(), name.c_str(), type | perm, dev) != 0) {
    if (errno != EPERM) return Fail(SysError("mknod " + d.path));
    // In a user namespace mknod is refused; bind the host's node instead.
    int f = openat(real_dir.get(), name.c_str(),
                   O_CREAT | O_EXCL | O_NOFOLLOW | O_WRONLY | O_CLOEXEC, 0644);
    if (f < 0) return Fail(SysError("create " + d.path));
    close(f);
    Fd target(OpenInRoot(root_fd, rel, O_PATH | O_NOFOLLOW));
    if (target.get() < 0) return Fail(SysError("open " + d.path));
    if (mount(d.path.c_str(), target.ProcPath().c_str(), nullptr, MS_BIND, nullptr) != 0) {
      return Fail(SysError("bind mount " + d.path));
    }
    return {};
  }
  // mknod applies the umask; the config's mode is exact.
  if (fchmodat(real_dir.get(), name.c_str(), perm, 0) != 0)
    return Fail(SysError("chmod " + d.path));
  if (d.uid || d.gid) {
    uid_t uid = d.uid ? *d.uid : static_cast<uid_t>(-1);
    gid_t gid = d.gid ? *d.gid : static_cast<gid_t>(-1);
    if (fchownat(real_dir.get(), name.c_str(), uid, gid, AT_SYMLINK_NOFOLLOW) != 0) {
      return Fail(SysError("chown " + d.path));
    }
  }
  return {};
}

Expected<void> PopulateDev(int root_fd, const Spec& spec, bool dev_mounted, bool pts_mounted) {
  std::vector<Device> devices;
  if (dev_mounted) {
    static constexpr std::pair<const char*, int> kDefaults[] = {{"/dev/null", 3},
                                                                {"/dev/zero", 5},
                                                                {"/dev/full", 7},
                                                                {"/dev/random", 8},
                                                                {"/dev/urandom", 9}};
    for (auto [path, minor] : kDefaults)
      devices.push_back(Device{"c", path, 1, minor, 0666, 0, 0});
    devices.push_back(Device{"c", "/dev/tty", 5, 0, 0666, 0, 0});
  }
  if (spec.linux) {
    for (const Device& d : spec.linux->devices) {
      std::erase_if(devices, [&](const Device& x) { return x.path == d.path; });
      devices.push_back(d);
    }
  }
  for (const Device& d : devices)
    RUNW_OCI_CHECK(MakeDevice(root_fd, d));
  if (!dev_mounted) return {};

  Fd dev = RUNW_OCI_TRY(ResolveCreate(root_fd, "/dev", false));
  Fd dir(openat(dev.get(), ".", O_PATH | O_DIRECTORY | O_CLOEXEC));
  if (dir.get() < 0) return Fail(SysError("open /dev"));
  std::vector<std::pair<const char*, const char*>> links = {{"/proc/self/fd", "fd"},
                                                            {"/proc/self/fd/0", "stdin"},
                                                            {"/proc/self/fd/1", "stdout"},
                                                            {"/proc/self/fd/2", "stderr"}};
  if (pts_mounted) links.emplace_back("pts/ptmx", "ptmx");
  for (auto [target, name] : links) {
    if (symlinkat(target, dir.get(), name) != 0 && errno != EEXIST) {
      return Fail(SysError(std::string("symlink /dev/") + name));
    }
  }
  return {};
}

// The mount point holding `path`: the longest mountinfo mount point that is a
// prefix of it.
std::string MountPointOf(const std::string& path) {
  std::ifstream in("/proc/self/mountinfo");
  std::string line, best = "/";
  while (std::getline(in, line)) {
    std::istringstream fields(line);
    std::string id, parent, devno, root, point;
    fields >> id >> parent >> devno >> root >> point;
    bool prefix =
        point == "/" || path == point ||
        (path.starts_with(point) && path.size() > point.size() && path[point.size()] == '/');
    if (prefix && point.size() > best.size()) best = point;
  }
  return best;
}

// Hides `path` (inside the new root): an empty read-only tmpfs over a
// directory, /dev/null over anything else. A missing path needs no hiding.
Expected<void> MaskPath(const std::string& path) {
  struct stat st = {};
  if (stat(path.c_str(), &st) != 0) {
    if (errno == ENOENT) return {};
    return Fail(SysError("mask " + path));
  }
  if (S_ISDIR(st.st_mode)) {
    if (mount("tmpfs", path.c_str(), "tmpfs", MS_RDONLY, nullptr) != 0) {
      return Fail(SysError("mask " + path));
    }
  } else if (mount("/dev/null", path.c_str(), nullptr, MS_BIND, nullptr) != 0) {
    return Fail(SysError("mask " + path));
  }
  return {};
}

Expected<void> ReadonlyPath(const std::string& path) {
  if (mount(path.c_str(), path.c_str(), nullptr, MS_BIND | MS_REC, nullptr) != 0) {
    if (errno == ENOENT) return {};
    return Fail(SysError("bind mount " + path + " read-only"));
  }
  return RemountBind(path, MS_RDONLY | LockedFlags(path), path + " read-only");
}

}  // namespace

Expected<void> SetupMounts(const Spec& spec, const std::string& rootfs) {
  std::string propagation = spec.linux ? spec.linux->rootfs_propagation : std::string();
  unsigned long root_flags = RUNW_OCI_TRY(PropagationFlags(propagation));
  if (mount("", "/", nullptr, root_flags, nullptr) != 0) {
    return Fail(SysError("make / " + (propagation.empty() ? std::string("rslave") : propagation)));
  }
  // pivot_root refuses a new root whose parent mount is shared; with a shared
  // propagation asked for, the rootfs's parent mount stays private instead.
  if (root_flags & MS_SHARED) {
    std::string parent = MountPointOf(rootfs);
    if (mount("", parent.c_str(), nullptr, MS_PRIVATE, nullptr) != 0) {
      return Fail(SysError("make " + parent + " private"));
    }
  }
  // pivot_root needs the new root to be a mount point.
  if (mount(rootfs.c_str(), rootfs.c_str(), nullptr, MS_BIND | MS_REC, nullptr) != 0) {
    return Fail(SysError("bind mount the rootfs " + rootfs));
  }
  Fd root(open(rootfs.c_str(), O_PATH | O_DIRECTORY | O_CLOEXEC));
  if (root.get() < 0) return Fail(SysError("open the rootfs " + rootfs));

  bool cgroupns = spec.linux && std::any_of(spec.linux->namespaces.begin(),
                                            spec.linux->namespaces.end(), [](const Namespace& ns) {
                                              return ns.type == NamespaceType::kCgroup;
                                            });
  bool dev_mounted = false;
  bool pts_mounted = false;
  for (const Mount& m : spec.mounts) {
    std::string dest = "/" + InRoot(m.destination);
    if (dest == "/dev") dev_mounted = true;
    if (dest == "/dev/pts") pts_mounted = true;
    RUNW_OCI_CHECK(DoMount(root.get(), m, cgroupns));
  }
  RUNW_OCI_CHECK(PopulateDev(root.get(), spec, dev_mounted, pts_mounted));
  return {};
}

Expected<void> EnterRoot(const Spec& spec, const std::string& rootfs, bool no_pivot) {
  if (chdir(rootfs.c_str()) != 0) return Fail(SysError("chdir " + rootfs));
  if (no_pivot) {
    if (mount(rootfs.c_str(), "/", nullptr, MS_MOVE, nullptr) != 0) {
      return Fail(SysError("move the rootfs to /"));
    }
    if (chroot(".") != 0) return Fail(SysError("chroot " + rootfs));
  } else {
    Fd old_root(open("/", O_DIRECTORY | O_RDONLY | O_CLOEXEC));
    if (old_root.get() < 0) return Fail(SysError("open /"));
    // With "." for both, the old root ends up stacked on the new one, where
    // it is unmounted through a directory fd taken before the switch.
    if (syscall(SYS_pivot_root, ".", ".") != 0) return Fail(SysError("pivot_root " + rootfs));
    if (fchdir(old_root.get()) != 0) return Fail(SysError("fchdir to the old root"));
    // Not private: the detach below must not propagate back to the host.
    if (mount("", ".", nullptr, MS_SLAVE | MS_REC, nullptr) != 0) {
      return Fail(SysError("make the old root rslave"));
    }
    if (umount2(".", MNT_DETACH) != 0) return Fail(SysError("unmount the old root"));
  }
  if (chdir("/") != 0) return Fail(SysError("chdir /"));

  if (spec.linux) {
    for (const std::string& path : spec.linux->masked_paths)
      RUNW_OCI_CHECK(MaskPath(path));
    for (const std::string& path : spec.linux->readonly_paths)
      RUNW_OCI_CHECK(ReadonlyPath(path));
  }
  if (spec.root.readonly)
    RUNW_OCI_CHECK(RemountBind("/", MS_RDONLY | LockedFlags("/"), "/ read-only"));
  return {};
}

}  // namespace runw::oci
