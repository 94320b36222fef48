// Tests of the cgroup v2 device program (cgroups-devices.h).
//
// The generator is checked without privileges: a small interpreter in this
// file runs the emitted instructions, and its verdicts are compared with a
// direct reading of the rule semantics over many random rule lists and
// device accesses. The kernel side (bpf(2) load, the verifier, attach and
// replace, and EPERM on open) needs root and a cgroup2 mount; those tests
// make their cgroup under a name unique to this process, move only a forked
// child into it, and remove it afterwards, pass or fail.
#include "oci/cgroups-devices.h"

#include <fcntl.h>
#include <gtest/gtest.h>
#include <linux/magic.h>
#include <sched.h>
#include <sys/mount.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <sys/vfs.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cerrno>
#include <cstdio>
#include <cstring>
#include <fstream>
#include <optional>
#include <random>
#include <string>
#include <vector>

#include "oci/cgroups.h"

namespace runw::oci {
namespace {

constexpr uint32_t kRead = BPF_DEVCG_ACC_READ, kWrite = BPF_DEVCG_ACC_WRITE,
                   kMknod = BPF_DEVCG_ACC_MKNOD;
constexpr uint32_t kChar = BPF_DEVCG_DEV_CHAR, kBlock = BPF_DEVCG_DEV_BLOCK;

struct Access {
  uint32_t type;  // kChar or kBlock
  uint32_t major, minor;
  uint32_t access;  // kRead | kWrite | kMknod, any non-empty combination
};

std::string Describe(const Access& a) {
  std::string s = a.type == kChar ? "c " : "b ";
  s += std::to_string(a.major) + ":" + std::to_string(a.minor) + " ";
  if (a.access & kRead) s += "r";
  if (a.access & kWrite) s += "w";
  if (a.access & kMknod) s += "m";
  return s;
}

std::string Describe(const std::vector<DeviceRule>& rules) {
  std::string s;
  for (const DeviceRule& r : rules) {
    s += r.allow ? "allow " : "deny ";
    s += (r.type.empty() ? "(all)" : r.type) + " ";
    s += r.major ? std::to_string(*r.major) : "*";
    s += ":";
    s += r.minor ? std::to_string(*r.minor) : "*";
    s += " " + (r.access.empty() ? std::string("(all)") : r.access) + "; ";
  }
  return s;
}

// The semantics as cgroups-devices.h states them, read directly: each access
// bit is decided by the last rule matching it; unmatched bits are allowed.
bool Reference(const std::vector<DeviceRule>& rules, const Access& a) {
  for (uint32_t bit : {kRead, kWrite, kMknod}) {
    if (!(a.access & bit)) continue;
    bool allowed = true;
    for (const DeviceRule& r : rules) {
      bool type_ok = r.type.empty() || r.type == "a" || (r.type == "c" && a.type == kChar) ||
                     (r.type == "b" && a.type == kBlock);
      bool major_ok = !r.major || *r.major < 0 || *r.major == int64_t{a.major};
      bool minor_ok = !r.minor || *r.minor < 0 || *r.minor == int64_t{a.minor};
      char letter = bit == kRead ? 'r' : bit == kWrite ? 'w' : 'm';
      bool access_ok = r.access.empty() || r.access.find(letter) != std::string::npos;
      if (type_ok && major_ok && minor_ok && access_ok) allowed = r.allow;
    }
    if (!allowed) return false;
  }
  return true;
}

// Runs `prog` on a bpf_cgroup_dev_ctx. Knows exactly the instructions the
// generator may emit; anything else is a test failure (std::nullopt), as are
// jumps out of the program, reads outside the context and running too long.
std::optional<uint64_t> Interpret(const std::vector<bpf_insn>& prog, const Access& a) {
  bpf_cgroup_dev_ctx ctx = {};
  ctx.access_type = (a.access << 16) | a.type;
  ctx.major = a.major;
  ctx.minor = a.minor;
  uint64_t r[11] = {};
  bool ctx_reg[11] = {};
  ctx_reg[1] = true;
  size_t pc = 0;
  for (int steps = 0; steps < 100000; ++steps) {
    if (pc >= prog.size()) {
      ADD_FAILURE() << "ran off the end of the program";
      return std::nullopt;
    }
    const bpf_insn& i = prog[pc++];
    uint64_t imm = static_cast<uint64_t>(static_cast<int64_t>(i.imm));  // sign-extended
    auto jump = [&](bool taken) {
      if (taken) pc += i.off;
    };
    switch (i.code) {
      case BPF_LDX | BPF_MEM | BPF_W: {
        if (!ctx_reg[i.src_reg] || i.off < 0 || i.off % 4 != 0 ||
            static_cast<size_t>(i.off) + 4 > sizeof ctx) {
          ADD_FAILURE() << "bad context load at " << pc - 1;
          return std::nullopt;
        }
        uint32_t word;
        std::memcpy(&word, reinterpret_cast<const char*>(&ctx) + i.off, 4);
        r[i.dst_reg] = word;
        ctx_reg[i.dst_reg] = false;
        break;
      }
      case BPF_ALU64 | BPF_MOV | BPF_X:
        r[i.dst_reg] = r[i.src_reg];
        ctx_reg[i.dst_reg] = ctx_reg[i.src_reg];
        break;
      case BPF_ALU64 | BPF_MOV | BPF_K:
        r[i.dst_reg] = imm;
        ctx_reg[i.dst_reg] = false;
        break;
      case BPF_ALU64 | BPF_AND | BPF_K:
        r[i.dst_reg] &= imm;
        break;
      case BPF_ALU64 | BPF_RSH | BPF_K:
        r[i.dst_reg] >>= i.imm;
        break;
      case BPF_JMP | BPF_JNE | BPF_K:
        jump(r[i.dst_reg] != imm);
        break;
      case BPF_JMP | BPF_JEQ | BPF_K:
        jump(r[i.dst_reg] == imm);
        break;
      case BPF_JMP32 | BPF_JNE | BPF_K:
        jump(static_cast<uint32_t>(r[i.dst_reg]) != static_cast<uint32_t>(i.imm));
        break;
      case BPF_JMP | BPF_EXIT:
        return r[0];
      default:
        ADD_FAILURE() << "unexpected opcode 0x" << std::hex << int{i.code} << " at " << std::dec
                      << pc - 1;
        return std::nullopt;
    }
  }
  ADD_FAILURE() << "the program did not finish";
  return std::nullopt;
}

DeviceRule Rule(bool allow, std::string type, std::optional<int64_t> major,
                std::optional<int64_t> minor, std::string access) {
  return DeviceRule{allow, std::move(type), major, minor, std::move(access)};
}

// Checks the program for `rules` against the reference on `accesses`.
void ExpectDecisions(const std::vector<DeviceRule>& rules, const std::vector<Access>& accesses) {
  std::vector<bpf_insn> prog = BuildDeviceProgram(rules);
  for (const Access& a : accesses) {
    auto got = Interpret(prog, a);
    ASSERT_TRUE(got.has_value()) << Describe(rules);
    EXPECT_EQ(*got, Reference(rules, a) ? 1u : 0u) << Describe(a) << " under " << Describe(rules);
  }
}

// ---- The generator --------------------------------------------------------------------

TEST(DeviceProgramTest, DenyAllThenDefaultsAllowsOnlyTheDefaults) {
  Linux linux;
  std::vector<DeviceRule> rules = {Rule(false, "a", std::nullopt, std::nullopt, "rwm")};
  AddDefaultDeviceRules(linux, rules);
  std::vector<bpf_insn> prog = BuildDeviceProgram(rules);
  auto run = [&](uint32_t type, uint32_t major, uint32_t minor, uint32_t access) {
    auto v = Interpret(prog, Access{type, major, minor, access});
    return v.value_or(99);
  };
  EXPECT_EQ(run(kChar, 1, 3, kRead | kWrite), 1u);    // /dev/null
  EXPECT_EQ(run(kChar, 136, 7, kRead | kWrite), 1u);  // /dev/pts/7
  EXPECT_EQ(run(kChar, 1, 11, kRead), 0u);            // /dev/kmsg
  EXPECT_EQ(run(kBlock, 8, 0, kRead), 0u);            // /dev/sda
  EXPECT_EQ(run(kBlock, 8, 0, kMknod), 1u);           // mknod of anything
  EXPECT_EQ(run(kBlock, 8, 0, kMknod | kRead), 0u);   // but not mknod and read
}

TEST(DeviceProgramTest, LaterNarrowDenyOverridesEarlierWildcardAllow) {
  std::vector<DeviceRule> rules = {Rule(false, "a", std::nullopt, std::nullopt, ""),
                                   Rule(true, "c", 1, std::nullopt, "rwm"),
                                   Rule(false, "c", 1, 3, "w")};
  std::vector<bpf_insn> prog = BuildDeviceProgram(rules);
  EXPECT_EQ(Interpret(prog, {kChar, 1, 3, kRead}), 1u);
  EXPECT_EQ(Interpret(prog, {kChar, 1, 3, kWrite}), 0u);
  EXPECT_EQ(Interpret(prog, {kChar, 1, 3, kRead | kWrite}), 0u);
  EXPECT_EQ(Interpret(prog, {kChar, 1, 5, kRead | kWrite}), 1u);
  EXPECT_EQ(Interpret(prog, {kChar, 2, 3, kRead}), 0u);
}

TEST(DeviceProgramTest, AccessIsGrantedOnlyWhenEveryBitIs) {
  // Read allowed by one rule, write by another, nothing else.
  std::vector<DeviceRule> rules = {Rule(false, "a", std::nullopt, std::nullopt, "rwm"),
                                   Rule(true, "c", 4, std::nullopt, "r"),
                                   Rule(true, "c", std::nullopt, 1, "w")};
  std::vector<bpf_insn> prog = BuildDeviceProgram(rules);
  EXPECT_EQ(Interpret(prog, {kChar, 4, 1, kRead | kWrite}), 1u);
  EXPECT_EQ(Interpret(prog, {kChar, 4, 2, kRead | kWrite}), 0u);
  EXPECT_EQ(Interpret(prog, {kChar, 4, 2, kRead}), 1u);
  EXPECT_EQ(Interpret(prog, {kChar, 4, 1, kRead | kWrite | kMknod}), 0u);
}

TEST(DeviceProgramTest, NoMatchingRuleAllows) {
  std::vector<DeviceRule> rules = {Rule(false, "b", 8, std::nullopt, "rw")};
  std::vector<bpf_insn> prog = BuildDeviceProgram(rules);
  EXPECT_EQ(Interpret(prog, {kBlock, 8, 1, kRead}), 0u);
  EXPECT_EQ(Interpret(prog, {kBlock, 8, 1, kMknod}), 1u);
  EXPECT_EQ(Interpret(prog, {kChar, 8, 1, kRead}), 1u);
}

TEST(DeviceProgramTest, NumbersAbove31BitsCompareExactly) {
  // 0x80000001 would be sign-extended by a 64-bit compare with an immediate.
  std::vector<DeviceRule> rules = {Rule(false, "c", 0x80000001, std::nullopt, ""),
                                   Rule(false, "c", std::nullopt, int64_t{1} << 33, "")};
  ExpectDecisions(rules, {{kChar, 0x80000001u, 0, kRead},
                          {kChar, 1, 0, kRead},
                          {kChar, 0xffffffffu, 0, kRead},
                          {kChar, 5, 2, kRead},
                          {kChar, 5, 0, kRead}});
  // A number beyond 32 bits can match no device (the second rule denies nothing).
  EXPECT_EQ(Interpret(BuildDeviceProgram(rules), {kChar, 5, 0, kRead}), 1u);
  EXPECT_EQ(Interpret(BuildDeviceProgram(rules), {kChar, 0x80000001u, 0, kRead}), 0u);
}

TEST(DeviceProgramTest, RulesBeforeACatchAllAreNotEmitted) {
  std::vector<DeviceRule> deny_all = {Rule(false, "a", -1, -1, "rwm")};
  std::vector<DeviceRule> shadowed = {Rule(true, "c", 1, 3, "rwm"), Rule(true, "b", 8, 0, "r"),
                                      deny_all[0]};
  EXPECT_EQ(BuildDeviceProgram(shadowed).size(), BuildDeviceProgram(deny_all).size());
  ExpectDecisions(shadowed, {{kChar, 1, 3, kRead}, {kBlock, 8, 0, kRead}});
}

TEST(DeviceProgramTest, JumpsStayInsideTheProgramAndItEndsWithExit) {
  Linux linux;
  std::vector<DeviceRule> rules = {Rule(false, "", std::nullopt, std::nullopt, "")};
  AddDefaultDeviceRules(linux, rules);
  std::vector<bpf_insn> prog = BuildDeviceProgram(rules);
  ASSERT_FALSE(prog.empty());
  EXPECT_EQ(prog.back().code, BPF_JMP | BPF_EXIT);
  for (size_t pc = 0; pc < prog.size(); ++pc) {
    uint8_t cls = BPF_CLASS(prog[pc].code);
    if ((cls == BPF_JMP || cls == BPF_JMP32) && BPF_OP(prog[pc].code) != BPF_EXIT) {
      EXPECT_GT(prog[pc].off, 0) << "jump at " << pc;
      EXPECT_LT(pc + 1 + prog[pc].off, prog.size()) << "jump at " << pc;
    }
  }
}

// Random rule lists over a small universe of numbers (so that rules and
// accesses collide often), each checked on random accesses.
std::vector<DeviceRule> RandomRules(std::mt19937& rng) {
  static const std::vector<std::string> kTypes = {"", "a", "c", "b"};
  static const std::vector<std::optional<int64_t>> kNumbers = {
      std::nullopt, -1, 0, 1, 3, 136, int64_t{0x80000000}, int64_t{1} << 32};
  static const std::vector<std::string> kAccess = {"", "r", "w", "m", "rw", "rm", "wm", "rwm"};
  std::vector<DeviceRule> rules(std::uniform_int_distribution<size_t>(0, 8)(rng));
  for (DeviceRule& r : rules) {
    r.allow = rng() % 2 == 0;
    r.type = kTypes[rng() % kTypes.size()];
    r.major = kNumbers[rng() % kNumbers.size()];
    r.minor = kNumbers[rng() % kNumbers.size()];
    r.access = kAccess[rng() % kAccess.size()];
  }
  return rules;
}

Access RandomAccess(std::mt19937& rng) {
  static const uint32_t kNumbers[] = {0, 1, 3, 136, 0x80000000u, 0xffffffffu};
  return Access{rng() % 2 ? kChar : kBlock, kNumbers[rng() % 6], kNumbers[rng() % 6],
                static_cast<uint32_t>(1 + rng() % 7)};
}

TEST(DeviceProgramTest, AgreesWithTheReferenceOnRandomRules) {
  std::mt19937 rng(20261204);
  int denied = 0, allowed = 0;
  for (int list = 0; list < 3000; ++list) {
    std::vector<DeviceRule> rules = RandomRules(rng);
    std::vector<bpf_insn> prog = BuildDeviceProgram(rules);
    for (int q = 0; q < 20; ++q) {
      Access a = RandomAccess(rng);
      auto got = Interpret(prog, a);
      ASSERT_TRUE(got.has_value()) << Describe(rules);
      bool want = Reference(rules, a);
      ASSERT_EQ(*got, want ? 1u : 0u) << Describe(a) << " under " << Describe(rules);
      (want ? allowed : denied)++;
    }
  }
  // Both verdicts must occur often, or the comparison proves little.
  EXPECT_GT(allowed, 10000);
  EXPECT_GT(denied, 5000);
}

TEST(DeviceRulesJsonTest, RoundTrips) {
  std::vector<DeviceRule> rules = {Rule(false, "a", std::nullopt, std::nullopt, "rwm"),
                                   Rule(true, "c", 1, 3, "rw"), Rule(true, "", -1, 5, "")};
  auto back = DeviceRulesFromJson(DeviceRulesToJson(rules));
  ASSERT_TRUE(back.has_value()) << back.error();
  ASSERT_EQ(back->size(), rules.size());
  for (size_t i = 0; i < rules.size(); ++i) {
    EXPECT_EQ((*back)[i].allow, rules[i].allow);
    EXPECT_EQ((*back)[i].type, rules[i].type);
    EXPECT_EQ((*back)[i].major, rules[i].major);
    EXPECT_EQ((*back)[i].minor, rules[i].minor);
    EXPECT_EQ((*back)[i].access, rules[i].access);
  }
  EXPECT_FALSE(DeviceRulesFromJson("{}").has_value());
  EXPECT_FALSE(DeviceRulesFromJson("[{\"type\":\"c\"}]").has_value());  // allow is required
}

// ---- In the kernel ----------------------------------------------------------------------

constexpr char kUnified[] = "/sys/fs/cgroup/unified";

// Where cgroup2 is mounted: the unified mount of a hybrid host, or
// /sys/fs/cgroup itself on a pure v2 host; "" when neither.
std::string Cgroup2Mount() {
  for (const char* dir : {kUnified, "/sys/fs/cgroup"}) {
    struct statfs fs = {};
    if (statfs(dir, &fs) == 0 && fs.f_type == CGROUP2_SUPER_MAGIC) return dir;
  }
  return "";
}

// The ids of the device programs attached to `dir` (empty when none or on error).
std::vector<uint32_t> Attached(const std::string& dir) {
  std::vector<uint32_t> ids(64);
  int fd = open(dir.c_str(), O_RDONLY | O_DIRECTORY | O_CLOEXEC);
  if (fd < 0) return {};
  bpf_attr attr = {};
  attr.query.target_fd = static_cast<uint32_t>(fd);
  attr.query.attach_type = BPF_CGROUP_DEVICE;
  attr.query.prog_ids = reinterpret_cast<uintptr_t>(ids.data());
  attr.query.prog_cnt = static_cast<uint32_t>(ids.size());
  long rc = syscall(__NR_bpf, BPF_PROG_QUERY, &attr, sizeof attr);
  close(fd);
  if (rc != 0) return {};
  ids.resize(attr.query.prog_cnt);
  return ids;
}

// Bits of a child's exit status, one per expectation that failed.
constexpr int kJoinFailed = 1, kNullNotDenied = 2, kZeroFailed = 4, kNullFailed = 8,
              kKmsgNotDenied = 16, kSetupFailed = 32;

// Forks a child that joins the cgroup `dir` and runs `probe` there; returns
// the child's exit status (its failure bits), or -1.
template <typename Probe>
int InCgroup(const std::string& dir, Probe probe) {
  pid_t pid = fork();
  if (pid == 0) {
    int fd = open((dir + "/cgroup.procs").c_str(), O_WRONLY | O_CLOEXEC);
    if (fd < 0 || write(fd, "0", 1) != 1) _exit(kJoinFailed);
    close(fd);
    _exit(probe());
  }
  int status = 0;
  if (pid < 0 || waitpid(pid, &status, 0) != pid || !WIFEXITED(status)) return -1;
  return WEXITSTATUS(status);
}

// errno of open(path, O_RDWR), 0 when it opened.
int OpenErrno(const char* path, int flags = O_RDWR) {
  int fd = open(path, flags | O_CLOEXEC);
  if (fd < 0) return errno;
  close(fd);
  return 0;
}

class DeviceProgramKernelTest : public ::testing::Test {
 protected:
  void SetUp() override {
    if (geteuid() != 0) GTEST_SKIP() << "needs root to attach eBPF programs to cgroups";
    std::string mount = Cgroup2Mount();
    if (mount.empty()) GTEST_SKIP() << "no cgroup2 mount at " << kUnified << " or /sys/fs/cgroup";
    if (access("/dev/null", F_OK) != 0 || access("/dev/zero", F_OK) != 0) {
      GTEST_SKIP() << "/dev/null or /dev/zero is missing";
    }
    dir_ = mount + "/runw-devices-test-" + std::to_string(getpid());
    ASSERT_EQ(mkdir(dir_.c_str(), 0755), 0) << dir_ << ": " << std::strerror(errno);
  }
  void TearDown() override {
    // The children that joined have exited; attached programs go with the cgroup.
    if (!dir_.empty()) {
      EXPECT_EQ(rmdir(dir_.c_str()), 0) << dir_ << ": " << std::strerror(errno);
    }
  }

  // Attaches, or skips the test when the kernel refuses eBPF altogether.
  void AttachOrSkip(const std::vector<DeviceRule>& rules) {
    auto attached = AttachDeviceProgram(dir_, rules);
    if (!attached && (attached.error().find("load the device cgroup eBPF program: function not "
                                            "implemented") != std::string::npos ||
                      attached.error().find("operation not permitted") != std::string::npos)) {
      GTEST_SKIP() << "the kernel refuses cgroup device programs: " << attached.error();
    }
    ASSERT_TRUE(attached.has_value()) << attached.error();
  }

  std::string dir_;
};

TEST_F(DeviceProgramKernelTest, DeniedDeviceGetsEpermOthersOpen) {
  AttachOrSkip({Rule(false, "c", 1, 3, "rw")});
  int failures = InCgroup(dir_, [] {
    int bits = 0;
    if (OpenErrno("/dev/null") != EPERM) bits |= kNullNotDenied;
    if (OpenErrno("/dev/zero") != 0) bits |= kZeroFailed;
    return bits;
  });
  EXPECT_EQ(failures, 0) << "bits: 1 join, 2 /dev/null opened, 4 /dev/zero refused";
  // runw's own process is outside the cgroup and unaffected.
  EXPECT_EQ(OpenErrno("/dev/null"), 0);
}

TEST_F(DeviceProgramKernelTest, AllowListOnly) {
  AttachOrSkip({Rule(false, "a", std::nullopt, std::nullopt, "rwm"), Rule(true, "c", 1, 5, "rw")});
  int failures = InCgroup(dir_, [] {
    int bits = 0;
    if (OpenErrno("/dev/null") != EPERM) bits |= kNullNotDenied;
    if (OpenErrno("/dev/zero") != 0) bits |= kZeroFailed;
    return bits;
  });
  EXPECT_EQ(failures, 0) << "bits: 1 join, 2 /dev/null opened, 4 /dev/zero refused";
}

TEST_F(DeviceProgramKernelTest, ReplacingKeepsOneProgramAndTheNewRules) {
  AttachOrSkip({Rule(false, "c", 1, 3, "rw")});
  std::vector<uint32_t> first = Attached(dir_);
  ASSERT_EQ(first.size(), 1u);
  // Many random lists: each must pass the verifier, and replace the last.
  std::mt19937 rng(42);
  for (int i = 0; i < 30; ++i) {
    std::vector<DeviceRule> rules = RandomRules(rng);
    auto attached = AttachDeviceProgram(dir_, rules);
    ASSERT_TRUE(attached.has_value()) << attached.error() << " for " << Describe(rules);
    ASSERT_EQ(Attached(dir_).size(), 1u) << "after " << Describe(rules);
  }
  std::vector<DeviceRule> deny_zero = {Rule(false, "c", 1, 5, "")};
  ASSERT_TRUE(AttachDeviceProgram(dir_, deny_zero).has_value());
  std::vector<uint32_t> last = Attached(dir_);
  ASSERT_EQ(last.size(), 1u);
  EXPECT_NE(last[0], first[0]);
  int failures = InCgroup(dir_, [] {
    int bits = 0;
    if (OpenErrno("/dev/null") != 0) bits |= kNullFailed;
    if (OpenErrno("/dev/zero") != EPERM) bits |= kZeroFailed;
    return bits;
  });
  EXPECT_EQ(failures, 0) << "bits: 1 join, 8 /dev/null refused, 4 /dev/zero opened";
}

// Cgroup::Apply takes the eBPF path when the host has no v1 devices hierarchy.
// This host may have one, so a child hides it in a private mount namespace.
TEST(CgroupDevicesV2Test, ApplyUsesEbpfWithoutTheV1DevicesHierarchy) {
  if (geteuid() != 0) GTEST_SKIP() << "needs root to create cgroups and mount namespaces";
  if (Cgroup2Mount().empty()) GTEST_SKIP() << "no cgroup2 mount";
  if (access("/dev/kmsg", F_OK) != 0) GTEST_SKIP() << "/dev/kmsg (c 1:11) is missing";
  const std::string name = "/runw-devices-apply-" + std::to_string(getpid());
  pid_t pid = fork();
  ASSERT_GE(pid, 0);
  if (pid == 0) {
    if (unshare(CLONE_NEWNS) != 0 || mount(nullptr, "/", nullptr, MS_REC | MS_PRIVATE, nullptr))
      _exit(kSetupFailed);
    struct statfs fs = {};
    if (statfs("/sys/fs/cgroup/devices", &fs) == 0 && fs.f_type == CGROUP_SUPER_MAGIC &&
        umount2("/sys/fs/cgroup/devices", MNT_DETACH) != 0) {
      _exit(kSetupFailed);
    }
    auto cg = Cgroup::Resolve(name, "x", false);
    if (!cg || !cg->Create()) _exit(kSetupFailed);
    Resources r;
    r.devices = {Rule(false, "a", std::nullopt, std::nullopt, "rwm")};
    AddDefaultDeviceRules(Linux{}, r.devices);
    auto applied = cg->Apply(r);
    int bits = 0;
    if (!applied) {
      std::fprintf(stderr, "apply: %s\n", applied.error().c_str());
      bits = kSetupFailed;
    } else {
      bits = InCgroup(cg->PathOf(""), [] {
        int b = 0;
        if (OpenErrno("/dev/null") != 0) b |= kNullFailed;
        if (OpenErrno("/dev/kmsg", O_RDONLY) != EPERM) b |= kKmsgNotDenied;
        return b;
      });
    }
    (void)cg->Destroy();
    _exit(bits < 0 ? kSetupFailed : bits);
  }
  int status = 0;
  ASSERT_EQ(waitpid(pid, &status, 0), pid);
  // Whatever the child managed, leave no directory behind.
  auto cg = Cgroup::Resolve(name, "x", false);
  if (cg) (void)cg->Destroy();
  ASSERT_TRUE(WIFEXITED(status));
  EXPECT_EQ(WEXITSTATUS(status), 0)
      << "bits: 32 setup or apply failed, 8 /dev/null refused, 16 /dev/kmsg opened";
}

}  // namespace
}  // namespace runw::oci
