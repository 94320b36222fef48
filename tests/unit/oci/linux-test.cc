// Tests of the container init's Linux setup (oci/linux.h): rlimits, sysctl,
// hostname, OOM score, credentials, capabilities, no_new_privs, seccomp, and
// the mount setup with pivot_root.
//
// Everything that changes process state runs in a forked child, so the test
// binary itself keeps its credentials, limits and mounts. The child reports
// through a pipe: an empty message means success, "SKIP: why" a skip, anything
// else the failure. Tests needing root (or a kernel feature) skip without it.
#include "oci/linux.h"

#include <fcntl.h>
#include <grp.h>
#include <sched.h>
#include <sys/mount.h>
#include <sys/prctl.h>
#include <sys/resource.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/sysmacros.h>
#include <sys/utsname.h>
#include <sys/wait.h>
#include <unistd.h>

#include <gtest/gtest.h>

#include <cerrno>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <functional>
#include <sstream>
#include <string>

namespace runw::oci {
namespace {

namespace fs = std::filesystem;

// Runs `body` in a forked child and returns its verdict: "" for success.
std::string InChild(const std::function<std::string()>& body) {
  int p[2];
  if (pipe(p) != 0) return "pipe failed";
  pid_t pid = fork();
  if (pid < 0) return "fork failed";
  if (pid == 0) {
    close(p[0]);
    std::string verdict = body();
    (void)!write(p[1], verdict.data(), verdict.size());
    _exit(0);
  }
  close(p[1]);
  std::string out;
  char buf[512];
  ssize_t n;
  while ((n = read(p[0], buf, sizeof buf)) > 0 || (n < 0 && errno == EINTR)) {
    if (n > 0) out.append(buf, static_cast<size_t>(n));
  }
  close(p[0]);
  int status = 0;
  waitpid(pid, &status, 0);
  if (!WIFEXITED(status) || WEXITSTATUS(status) != 0) {
    return "child died (status " + std::to_string(status) + "): " + out;
  }
  return out;
}

// Asserts the child's verdict, turning "SKIP: …" into a skip.
#define EXPECT_CHILD_OK(...)                                      \
  do {                                                            \
    std::string verdict_ = InChild(__VA_ARGS__);                  \
    if (verdict_.starts_with("SKIP: ")) GTEST_SKIP() << verdict_; \
    EXPECT_EQ(verdict_, "");                                      \
  } while (0)

#define REQUIRE_ROOT() \
  if (geteuid() != 0) GTEST_SKIP() << "needs root"

std::string Errno(std::string_view what) {
  return std::string(what) + ": " + strerror(errno);
}

// A hexadecimal field of /proc/self/status ("CapEff").
uint64_t StatusHex(const std::string& field) {
  std::ifstream in("/proc/self/status");
  std::string line;
  while (std::getline(in, line)) {
    if (line.starts_with(field + ":"))
      return std::stoull(line.substr(field.size() + 1), nullptr, 16);
  }
  return ~0ULL;
}

std::string ReadFile(const std::string& path) {
  std::ifstream in(path);
  std::stringstream ss;
  ss << in.rdbuf();
  return ss.str();
}

Seccomp AllowExcept(const std::string& syscall, uint32_t err) {
  Seccomp s;
  s.default_action = "SCMP_ACT_ALLOW";
  s.architectures = {"SCMP_ARCH_X86_64", "SCMP_ARCH_X86", "SCMP_ARCH_AARCH64"};
  SeccompSyscall rule;
  rule.names = {"no_such_syscall_in_any_kernel", syscall};
  rule.action = "SCMP_ACT_ERRNO";
  rule.errno_ret = err;
  s.syscalls.push_back(rule);
  return s;
}

// ---- rlimits, sysctl, hostname, oom ------------------------------------------------

TEST(LinuxTest, Rlimits_SetAndReadBack) {
  EXPECT_CHILD_OK([] {
    auto r = ApplyRlimits({{"RLIMIT_NOFILE", 200, 100}, {"RLIMIT_CORE", 0, 0}});
    if (!r) return r.error();
    rlimit nofile{}, core{};
    getrlimit(RLIMIT_NOFILE, &nofile);
    getrlimit(RLIMIT_CORE, &core);
    if (nofile.rlim_cur != 100 || nofile.rlim_max != 200) return std::string("NOFILE not applied");
    if (core.rlim_cur != 0 || core.rlim_max != 0) return std::string("CORE not applied");
    return std::string();
  });
}

TEST(LinuxTest, Rlimits_UnknownName) {
  auto r = ApplyRlimits({{"RLIMIT_BOGUS", 1, 1}});
  ASSERT_FALSE(r);
  EXPECT_EQ(r.error(), "unknown rlimit \"RLIMIT_BOGUS\"");
}

TEST(LinuxTest, Rlimits_RefusedRaiseNamesTheLimit) {
  EXPECT_CHILD_OK([] {
    // Without CAP_SYS_RESOURCE the hard limit cannot go up.
    rlimit low{50, 50};
    if (setrlimit(RLIMIT_NOFILE, &low) != 0) return Errno("setrlimit");
    if (geteuid() == 0 && setresuid(65534, 65534, 65534) != 0) return Errno("setresuid");
    auto r = ApplyRlimits({{"RLIMIT_NOFILE", 100, 100}});
    if (r) return std::string("raising the hard limit succeeded");
    if (r.error() != "setrlimit RLIMIT_NOFILE: operation not permitted") return r.error();
    return std::string();
  });
}

TEST(LinuxTest, Sysctl_RefusesHostWideAndMalformedKeys) {
  Spec spec;
  spec.linux.emplace();
  spec.linux->sysctl = {{"vm.swappiness", "10"}};
  auto r = ApplySysctl(spec);
  ASSERT_FALSE(r);
  EXPECT_EQ(r.error(), "sysctl \"vm.swappiness\" is not in a separate kernel namespace");

  spec.linux->namespaces.push_back({NamespaceType::kNetwork, ""});
  spec.linux->sysctl = {{"net/../../kernel/x", "1"}};
  r = ApplySysctl(spec);
  ASSERT_FALSE(r);
  EXPECT_NE(r.error().find("not a valid key"), std::string::npos) << r.error();
}

TEST(LinuxTest, Sysctl_WritesInNetworkNamespace) {
  REQUIRE_ROOT();
  EXPECT_CHILD_OK([] {
    if (unshare(CLONE_NEWNET) != 0) return "SKIP: " + Errno("unshare(CLONE_NEWNET)");
    Spec spec;
    spec.linux.emplace();
    spec.linux->namespaces.push_back({NamespaceType::kNetwork, ""});
    spec.linux->sysctl = {{"net.ipv4.ip_forward", "1"}};
    auto r = ApplySysctl(spec);
    if (!r) return r.error();
    std::string v = ReadFile("/proc/sys/net/ipv4/ip_forward");
    return v == "1\n" ? std::string() : "ip_forward is " + v;
  });
}

TEST(LinuxTest, Hostname_SetInUtsNamespace) {
  REQUIRE_ROOT();
  EXPECT_CHILD_OK([] {
    if (unshare(CLONE_NEWUTS) != 0) return "SKIP: " + Errno("unshare(CLONE_NEWUTS)");
    Spec spec;
    spec.hostname = "runw-test-host";
    spec.domainname = "runw.example";
    spec.linux.emplace();
    spec.linux->namespaces.push_back({NamespaceType::kUts, ""});
    auto r = SetHostname(spec);
    if (!r) return r.error();
    utsname u{};
    uname(&u);
    if (std::string(u.nodename) != "runw-test-host")
      return "hostname is " + std::string(u.nodename);
    if (std::string(u.domainname) != "runw.example")
      return "domain is " + std::string(u.domainname);
    return std::string();
  });
}

TEST(LinuxTest, Hostname_RefusedWithoutUtsNamespace) {
  Spec spec;
  spec.hostname = "would-rename-the-host";
  spec.linux.emplace();
  auto r = SetHostname(spec);
  ASSERT_FALSE(r);
  EXPECT_EQ(r.error(), "unable to set hostname without a private UTS namespace");
  spec.hostname.clear();
  EXPECT_TRUE(SetHostname(spec));  // nothing to set: nothing to refuse
}

TEST(LinuxTest, OomScoreAdj_Written) {
  EXPECT_CHILD_OK([] {
    Process p;
    p.oom_score_adj = 500;  // raising needs no privilege
    auto r = ApplyOomScoreAdj(p);
    if (!r) return r.error();
    std::string v = ReadFile("/proc/self/oom_score_adj");
    return v == "500\n" ? std::string() : "oom_score_adj is " + v;
  });
}

// ---- FinalizeProcess ----------------------------------------------------------------

TEST(LinuxTest, Finalize_DropsCapabilities) {
  REQUIRE_ROOT();
  EXPECT_CHILD_OK([] {
    Process p;
    p.capabilities.emplace();
    std::vector<std::string> two = {"CAP_CHOWN", "CAP_KILL"};
    p.capabilities->bounding = two;
    p.capabilities->effective = two;
    p.capabilities->permitted = two;
    auto r = FinalizeProcess(p, std::nullopt);
    if (!r) return r.error();
    uint64_t want = (1ULL << 0) | (1ULL << 5);
    if (StatusHex("CapEff") != want) return std::string("CapEff not reduced");
    if (StatusHex("CapPrm") != want) return std::string("CapPrm not reduced");
    if (StatusHex("CapBnd") != want) return std::string("CapBnd not reduced");
    return std::string();
  });
}

TEST(LinuxTest, Finalize_SwitchesUserAndKeepsListedCapabilities) {
  REQUIRE_ROOT();
  EXPECT_CHILD_OK([] {
    Process p;
    p.user.uid = 1000;
    p.user.gid = 1001;
    p.user.additional_gids = {2000, 2001};
    p.user.umask = 027;
    p.capabilities.emplace();
    std::vector<std::string> one = {"CAP_NET_BIND_SERVICE"};
    p.capabilities->bounding = one;
    p.capabilities->effective = one;
    p.capabilities->permitted = one;
    p.capabilities->inheritable = one;
    p.capabilities->ambient = one;
    auto r = FinalizeProcess(p, std::nullopt);
    if (!r) return r.error();
    uid_t ru, eu, su;
    getresuid(&ru, &eu, &su);
    if (ru != 1000 || eu != 1000 || su != 1000) return std::string("uid not switched");
    if (getgid() != 1001 || getegid() != 1001) return std::string("gid not switched");
    gid_t groups[8];
    int n = getgroups(8, groups);
    if (n != 2 || groups[0] != 2000 || groups[1] != 2001) return std::string("groups not set");
    mode_t old = umask(0);
    if (old != 027) return std::string("umask not set");
    uint64_t want = 1ULL << 10;
    if (StatusHex("CapEff") != want) return std::string("CapEff wrong");
    if (StatusHex("CapAmb") != want) return std::string("CapAmb wrong");
    if (prctl(PR_GET_KEEPCAPS) != 0) return std::string("keepcaps left on");
    return std::string();
  });
}

TEST(LinuxTest, Finalize_NonRootWithoutCapabilitiesObjectHasNone) {
  REQUIRE_ROOT();
  EXPECT_CHILD_OK([] {
    Process p;
    p.user.uid = 1000;
    p.user.gid = 1000;
    Seccomp s = AllowExcept("getcwd", 38);  // the early-seccomp path
    auto r = FinalizeProcess(p, s);
    if (!r) return r.error();
    if (StatusHex("CapEff") != 0 || StatusHex("CapPrm") != 0) return std::string("caps remain");
    char buf[256];
    if (getcwd(buf, sizeof buf) != nullptr || errno != 38) return std::string("filter missing");
    return std::string();
  });
}

TEST(LinuxTest, Finalize_SetsNoNewPrivs) {
  EXPECT_CHILD_OK([] {
    Process p;
    p.user.uid = geteuid();
    p.user.gid = getegid();
    if (geteuid() != 0) return std::string("SKIP: setgroups needs root");
    p.no_new_privileges = true;
    auto r = FinalizeProcess(p, std::nullopt);
    if (!r) return r.error();
    return prctl(PR_GET_NO_NEW_PRIVS, 0, 0, 0, 0) == 1 ? std::string() : "no_new_privs not set";
  });
}

TEST(LinuxTest, Seccomp_ErrnoRuleWithNoNewPrivs) {
  REQUIRE_ROOT();
  EXPECT_CHILD_OK([] {
    Process p;
    p.no_new_privileges = true;
    auto r = FinalizeProcess(p, AllowExcept("getcwd", 38));
    if (!r) return r.error();
    char buf[256];
    if (getcwd(buf, sizeof buf) != nullptr) return std::string("getcwd succeeded");
    if (errno != 38) return Errno("getcwd failed otherwise");
    if (getpid() <= 0) return std::string("getpid broken");
    return std::string();
  });
}

TEST(LinuxTest, Seccomp_WithoutNoNewPrivsAndArgumentRules) {
  REQUIRE_ROOT();
  EXPECT_CHILD_OK([] {
    Seccomp s;
    s.default_action = "SCMP_ACT_ALLOW";
    SeccompSyscall rule;
    rule.names = {"dup"};
    rule.action = "SCMP_ACT_ERRNO";
    rule.errno_ret = 38;
    rule.args.push_back({0, 1000, 0, "SCMP_CMP_EQ"});
    s.syscalls.push_back(rule);
    // Same action as the default: skipped, not an error.
    s.syscalls.push_back({{"getpid"}, "SCMP_ACT_ALLOW", std::nullopt, {}});
    Process p;
    auto r = FinalizeProcess(p, s);
    if (!r) return r.error();
    if (prctl(PR_GET_NO_NEW_PRIVS, 0, 0, 0, 0) != 0) return std::string("nnp was set");
    if (dup(1000) >= 0 || errno != 38) return Errno("dup(1000) not filtered");
    int fd = dup(0);
    if (fd < 0) return Errno("dup(0) filtered");
    close(fd);
    return std::string();
  });
}

// A profile shaped like the usual container defaults: deny by default, several
// architectures, and argument rules on a socketcall-multiplexed system call.
TEST(LinuxTest, Seccomp_MultiArchDenyByDefaultProfile) {
  REQUIRE_ROOT();
  EXPECT_CHILD_OK([] {
    Seccomp s;
    s.default_action = "SCMP_ACT_ERRNO";
    s.default_errno_ret = EPERM;
    s.architectures = {"SCMP_ARCH_X86_64", "SCMP_ARCH_X86", "SCMP_ARCH_X32"};
    s.flags = {"SECCOMP_FILTER_FLAG_SPEC_ALLOW"};
    SeccompSyscall allow;
    allow.action = "SCMP_ACT_ALLOW";
    allow.names = {"read", "write", "close", "exit", "exit_group", "brk", "mmap", "munmap",
                   "mremap", "futex", "getpid", "fstat", "newfstatat", "rt_sigreturn",
                   "rt_sigprocmask", "madvise", "socketcall", "arch_prctl", "gettid",
                   "not_a_syscall_anywhere",
                   // what the sanitizer runtime calls in a child on its way out
                   "sigaltstack", "rt_sigaction", "sched_yield", "prctl", "getrlimit", "prlimit64",
                   "readlink", "openat", "lseek", "ioctl", "tgkill", "clock_gettime"};
    s.syscalls.push_back(allow);
    SeccompSyscall sock;
    sock.action = "SCMP_ACT_ALLOW";
    sock.names = {"socket"};
    sock.args.push_back({0, 40, 0, "SCMP_CMP_NE"});  // everything but AF_VSOCK
    s.syscalls.push_back(sock);
    Process p;
    p.no_new_privileges = true;
    auto r = FinalizeProcess(p, s);
    if (!r) return r.error();
    int fd = socket(AF_UNIX, SOCK_STREAM, 0);
    if (fd < 0) return Errno("AF_UNIX socket refused");
    close(fd);
    if (socket(40, SOCK_STREAM, 0) >= 0 || errno != EPERM) return Errno("AF_VSOCK not refused");
    if (mkdir("/tmp/runw-never", 0700) == 0 || errno != EPERM) return Errno("mkdir not refused");
    return std::string();
  });
}

TEST(LinuxTest, CheckProcessSettings_RejectsBadNames) {
  Process p;
  p.capabilities.emplace();
  p.capabilities->bounding = {"CAP_CHOWN", "CAP_FOO"};
  auto r = CheckProcessSettings(p, std::nullopt);
  ASSERT_FALSE(r);
  EXPECT_EQ(r.error(), "unknown capability \"CAP_FOO\"");
  p.capabilities->bounding = {"12"};
  EXPECT_FALSE(CheckProcessSettings(p, std::nullopt));
  p.capabilities->bounding = {"CAP_CHOWN", "CAP_SYS_ADMIN"};
  EXPECT_TRUE(CheckProcessSettings(p, std::nullopt));

  Seccomp good = AllowExcept("getcwd", 1);
  good.flags = {"SECCOMP_FILTER_FLAG_LOG"};
  good.syscalls[0].args.push_back({0, 1, 1, "SCMP_CMP_MASKED_EQ"});
  EXPECT_TRUE(CheckProcessSettings(p, good)) << CheckProcessSettings(p, good).error();

  auto bad = [&](auto mutate, std::string_view needle) {
    Seccomp s = good;
    mutate(s);
    auto res = CheckProcessSettings(p, s);
    ASSERT_FALSE(res) << needle;
    EXPECT_NE(res.error().find(needle), std::string::npos) << res.error();
  };
  bad([](Seccomp& s) { s.default_action = "SCMP_ACT_NOPE"; }, "\"SCMP_ACT_NOPE\"");
  bad([](Seccomp& s) { s.syscalls[0].action = "SCMP_ACT_MAYBE"; }, "\"SCMP_ACT_MAYBE\"");
  bad([](Seccomp& s) { s.architectures.push_back("SCMP_ARCH_Z80"); }, "\"SCMP_ARCH_Z80\"");
  bad([](Seccomp& s) { s.syscalls[0].args[0].op = "SCMP_CMP_ABOUT"; }, "\"SCMP_CMP_ABOUT\"");
  bad([](Seccomp& s) { s.flags.push_back("SECCOMP_FILTER_FLAG_X"); }, "\"SECCOMP_FILTER_FLAG_X\"");
  bad([](Seccomp& s) { s.listener_path = "/run/l.sock"; }, "listenerPath");
  bad([](Seccomp& s) { s.default_action = "SCMP_ACT_NOTIFY"; }, "not supported");
}

// ---- mounts -------------------------------------------------------------------------

// A scratch tree for the mount tests, removed at the end of the test. The
// mounts themselves live in the child's mount namespace and vanish with it.
struct Scratch {
  fs::path base;
  Scratch() {
    char tmpl[] = "/tmp/runw-linux-test-XXXXXX";
    base = mkdtemp(tmpl);
    fs::create_directories(base / "rootfs/masked");
    fs::create_directories(base / "rootfs/rodir");
    fs::create_directories(base / "rootfs/rwdir");
    std::ofstream(base / "rootfs/masked/secret") << "secret";
    std::ofstream(base / "rootfs/hidden-file") << "hidden";
    fs::create_directories(base / "host");
    std::ofstream(base / "host/data.txt") << "from the host";
    fs::create_directories(base / "outside");
    // An image symlink to a host path: must be followed inside the rootfs.
    fs::create_symlink(base / "outside", base / "rootfs/evil");
  }
  ~Scratch() {
    std::error_code ec;
    fs::remove_all(base, ec);
  }
  std::string rootfs() const { return (base / "rootfs").string(); }
};

Spec MountSpec(const Scratch& s) {
  Spec spec;
  spec.linux.emplace();
  spec.mounts.push_back({"/proc", "proc", "proc", {"nosuid", "noexec", "nodev"}, {}, {}});
  spec.mounts.push_back({"/dev", "tmpfs", "tmpfs", {"nosuid", "strictatime", "mode=755"}, {}, {}});
  spec.mounts.push_back(
      {"/dev/pts", "devpts", "devpts", {"nosuid", "newinstance", "ptmxmode=0666"}, {}, {}});
  spec.mounts.push_back(
      {"/dev/shm", "tmpfs", "shm", {"nosuid", "mode=1777", "size=65536k"}, {}, {}});
  spec.mounts.push_back({"/dev/mqueue", "mqueue", "mqueue", {"nosuid", "noexec", "nodev"}, {}, {}});
  spec.mounts.push_back({"/sys", "sysfs", "sysfs", {"nosuid", "noexec", "nodev", "ro"}, {}, {}});
  spec.mounts.push_back({"/data", "", (s.base / "host").string(), {"rbind", "ro"}, {}, {}});
  spec.mounts.push_back(
      {"/data.txt", "bind", (s.base / "host/data.txt").string(), {"bind"}, {}, {}});
  spec.mounts.push_back({"/evil/landing", "tmpfs", "tmpfs", {}, {}, {}});
  spec.linux->devices.push_back({"c", "/dev/custom", 1, 3, 0600, 0, 0});
  spec.linux->masked_paths = {"/masked", "/hidden-file", "/does/not/exist"};
  spec.linux->readonly_paths = {"/rodir", "/also/missing"};
  return spec;
}

std::string CheckInsideContainer() {
  struct stat st = {};
  if (stat("/proc/self/status", &st) != 0) return Errno("/proc not mounted");
  if (stat("/dev/null", &st) != 0 || !S_ISCHR(st.st_mode) || st.st_rdev != makedev(1, 3)) {
    return std::string("/dev/null is not the null device");
  }
  if ((st.st_mode & 07777) != 0666) return std::string("/dev/null mode is not 0666");
  if (stat("/dev/custom", &st) != 0 || !S_ISCHR(st.st_mode) || (st.st_mode & 07777) != 0600) {
    return std::string("/dev/custom missing or wrong mode");
  }
  char link[64] = {};
  if (readlink("/dev/fd", link, sizeof link - 1) < 0 || std::string(link) != "/proc/self/fd") {
    return std::string("/dev/fd link missing");
  }
  if (lstat("/dev/ptmx", &st) != 0 || !S_ISLNK(st.st_mode)) return std::string("no /dev/ptmx link");
  if (stat("/dev/shm", &st) != 0 || (st.st_mode & 07777) != 01777)
    return std::string("no /dev/shm");
  if (stat("/sys/kernel", &st) != 0) return Errno("/sys not mounted");
  if (mkdir("/sys/runw-new", 0755) == 0 || errno != EROFS) return Errno("/sys is writable");
  if (ReadFile("/data/data.txt") != "from the host") return std::string("bind mount missing");
  if (ReadFile("/data.txt") != "from the host") return std::string("file bind mount missing");
  int fd = open("/data/new", O_CREAT | O_WRONLY, 0644);
  if (fd >= 0 || errno != EROFS) return std::string("ro bind mount is writable");
  if (stat("/masked/secret", &st) == 0) return std::string("masked directory still visible");
  if (!ReadFile("/hidden-file").empty()) return std::string("masked file still readable");
  fd = open("/rodir/new", O_CREAT | O_WRONLY, 0644);
  if (fd >= 0 || errno != EROFS) return std::string("readonly path is writable");
  if (stat("/evil/landing", &st) != 0) return Errno("mount through /evil is missing");
  char cwd[256];
  if (getcwd(cwd, sizeof cwd) == nullptr || std::string(cwd) != "/")
    return std::string("cwd not /");
  return {};
}

std::string SetupAndEnter(const Spec& spec, const std::string& rootfs, bool no_pivot,
                          const std::function<std::string()>& check) {
  if (unshare(CLONE_NEWNS) != 0) return "SKIP: " + Errno("unshare(CLONE_NEWNS)");
  auto r = SetupMounts(spec, rootfs);
  if (!r) return "SetupMounts: " + r.error();
  r = EnterRoot(spec, rootfs, no_pivot);
  if (!r) return "EnterRoot: " + r.error();
  return check();
}

TEST(LinuxTest, Mounts_PivotRootWithMountsDevicesMaskedAndReadonlyPaths) {
  REQUIRE_ROOT();
  Scratch s;
  Spec spec = MountSpec(s);
  std::string root = s.rootfs();
  EXPECT_CHILD_OK([&] { return SetupAndEnter(spec, root, false, CheckInsideContainer); });
  // The mount point behind the symlink was made inside the rootfs, not on the host.
  EXPECT_FALSE(fs::exists(s.base / "outside/landing"));
  EXPECT_TRUE(fs::is_directory(s.base / ("rootfs" + (s.base / "outside/landing").string())));
  // Nothing leaked into the test's own mount namespace.
  EXPECT_FALSE(fs::exists(s.base / "rootfs/proc/self"));
}

TEST(LinuxTest, Mounts_NoPivotWithReadonlyRoot) {
  REQUIRE_ROOT();
  Scratch s;
  Spec spec = MountSpec(s);
  spec.root.readonly = true;
  std::string root = s.rootfs();
  EXPECT_CHILD_OK([&] {
    return SetupAndEnter(spec, root, true, [] {
      std::string inside = CheckInsideContainer();
      if (!inside.empty()) return inside;
      int fd = open("/rwdir/new", O_CREAT | O_WRONLY, 0644);
      if (fd >= 0 || errno != EROFS) return std::string("root is writable");
      fd = open("/dev/writable", O_CREAT | O_WRONLY, 0644);  // the /dev tmpfs stays writable
      if (fd < 0) return Errno("/dev not writable");
      close(fd);
      return std::string();
    });
  });
}

// In a user namespace mknod is refused: the devices are bind mounts of the
// host's nodes instead, and read-only remounts keep the locked flags.
TEST(LinuxTest, Mounts_InUserNamespace) {
  REQUIRE_ROOT();
  Scratch s;
  Spec spec;
  spec.linux.emplace();
  spec.mounts.push_back({"/dev", "tmpfs", "tmpfs", {"nosuid", "mode=755"}, {}, {}});
  spec.mounts.push_back({"/data", "", (s.base / "host").string(), {"rbind", "ro"}, {}, {}});
  spec.linux->readonly_paths = {"/rodir"};
  std::string root = s.rootfs();
  EXPECT_CHILD_OK([&] {
    if (unshare(CLONE_NEWUSER) != 0) return "SKIP: " + Errno("unshare(CLONE_NEWUSER)");
    auto write_file = [](const char* path, const std::string& text) {
      int fd = open(path, O_WRONLY);
      bool ok = fd >= 0 && write(fd, text.data(), text.size()) == ssize_t(text.size());
      if (fd >= 0) close(fd);
      return ok;
    };
    if (!write_file("/proc/self/uid_map", "0 0 1") || !write_file("/proc/self/setgroups", "deny") ||
        !write_file("/proc/self/gid_map", "0 0 1")) {
      return "SKIP: " + Errno("write the id maps");
    }
    if (unshare(CLONE_NEWNS) != 0) return "SKIP: " + Errno("unshare(CLONE_NEWNS)");
    auto r = SetupMounts(spec, root);
    if (!r) return "SetupMounts: " + r.error();
    r = EnterRoot(spec, root, false);
    if (!r) return "EnterRoot: " + r.error();
    struct stat st = {};
    if (stat("/dev/null", &st) != 0 || !S_ISCHR(st.st_mode) || st.st_rdev != makedev(1, 3)) {
      return std::string("/dev/null is not the null device");
    }
    int fd = open("/dev/null", O_WRONLY);
    if (fd < 0 || write(fd, "x", 1) != 1) return Errno("write /dev/null");
    close(fd);
    fd = open("/data/new", O_CREAT | O_WRONLY, 0644);
    if (fd >= 0 || errno != EROFS) return std::string("ro bind mount is writable");
    fd = open("/rodir/new", O_CREAT | O_WRONLY, 0644);
    if (fd >= 0 || errno != EROFS) return std::string("readonly path is writable");
    return std::string();
  });
}

TEST(LinuxTest, Mounts_UnsupportedOptionNamesTheMount) {
  REQUIRE_ROOT();
  Scratch s;
  Spec spec;
  spec.mounts.push_back({"/run", "tmpfs", "tmpfs", {"tmpcopyup"}, {}, {}});
  std::string root = s.rootfs();
  EXPECT_CHILD_OK([&] {
    if (unshare(CLONE_NEWNS) != 0) return "SKIP: " + Errno("unshare(CLONE_NEWNS)");
    auto r = SetupMounts(spec, root);
    if (r) return std::string("tmpcopyup accepted");
    if (r.error() != "mount /run: option \"tmpcopyup\" is not supported") return r.error();
    return std::string();
  });
}

// The cgroup mount, with and without a cgroup namespace: read-only, and showing
// a cgroup whose processes include this one. On a v2 host the check looks at
// the top of the mount; on a v1 or hybrid host at the memory hierarchy.
void CheckCgroupMount(bool cgroupns) {
  REQUIRE_ROOT();
  Scratch s;
  Spec spec;
  spec.linux.emplace();
  if (cgroupns) spec.linux->namespaces.push_back({NamespaceType::kCgroup, ""});
  spec.mounts.push_back({"/proc", "proc", "proc", {}, {}, {}});
  spec.mounts.push_back({"/sys/fs/cgroup", "cgroup", "cgroup", {"ro", "nosuid"}, {}, {}});
  std::string root = s.rootfs();
  EXPECT_CHILD_OK([&] {
    int flags = CLONE_NEWNS | (cgroupns ? CLONE_NEWCGROUP : 0);
    if (unshare(flags) != 0) return "SKIP: " + Errno("unshare");
    std::string own = ReadFile("/proc/self/cgroup");
    std::string dir = "/sys/fs/cgroup";
    if (own != "0::" + own.substr(3)) {  // more than the unified line: v1 or hybrid
      if (own.find(":memory:") == std::string::npos)
        return std::string("SKIP: no memory hierarchy");
      dir += "/memory";
    }
    auto r = SetupMounts(spec, root);
    if (!r) return r.error();
    r = EnterRoot(spec, root, false);
    if (!r) return r.error();
    std::string procs = ReadFile(dir + "/cgroup.procs");
    std::string me = std::to_string(getpid());
    bool found = false;
    std::istringstream lines(procs);
    for (std::string line; std::getline(lines, line);)
      found |= line == me;
    if (!found) return "own pid not in " + dir + "/cgroup.procs: " + procs;
    if (mkdir((dir + "/runw-new").c_str(), 0755) == 0 || errno != EROFS) {
      return Errno("cgroup mount is writable");
    }
    return std::string();
  });
}

TEST(LinuxTest, Mounts_CgroupWithNamespace) {
  CheckCgroupMount(true);
}
TEST(LinuxTest, Mounts_CgroupWithoutNamespace) {
  CheckCgroupMount(false);
}

}  // namespace
}  // namespace runw::oci
