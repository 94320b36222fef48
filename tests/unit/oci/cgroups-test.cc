// Tests of runw::oci::Cgroup.
//
// Resolve and the JSON state need no privileges (Resolve only reads
// /proc/self/mountinfo). The rest creates real cgroups under a name unique to
// this test process, so it needs root and a writable cgroup filesystem; it is
// skipped otherwise. Cgroups are host-wide (no namespace hides them), so every
// such test removes its tree in TearDown, pass or fail.
#include "oci/cgroups.h"

#include <gtest/gtest.h>
#include <sched.h>
#include <signal.h>
#include <sys/mount.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include <algorithm>
#include <cstring>
#include <fstream>
#include <nlohmann/json.hpp>
#include <sstream>
#include <string>

namespace runw::oci {
namespace {

std::string ReadText(const std::string& path) {
  std::ifstream in(path);
  std::stringstream ss;
  ss << in.rdbuf();
  std::string s = ss.str();
  while (!s.empty() && s.back() == '\n')
    s.pop_back();
  return s;
}

bool Exists(const std::string& path) {
  return access(path.c_str(), F_OK) == 0;
}

// True when `dir` is a mount point (its parent is on another filesystem).
bool IsMountPoint(const std::string& dir) {
  struct stat self = {}, parent = {};
  if (stat(dir.c_str(), &self) != 0 || stat((dir + "/..").c_str(), &parent) != 0) return false;
  return self.st_dev != parent.st_dev;
}

bool MountinfoHas(std::string_view text) {
  return ReadText("/proc/self/mountinfo").find(text) != std::string::npos;
}

// These tests never talk to a real systemd: the system bus address points
// nowhere, so --systemd-cgroup resolves as on a host without systemd whatever
// machine runs them (OciTest.Systemd covers the D-Bus path, against a mock).
class NoSystemBus : public ::testing::Environment {
 public:
  void SetUp() override {
    setenv("DBUS_SYSTEM_BUS_ADDRESS", "unix:path=/nonexistent/runw-test-system-bus", 1);
  }
};
[[maybe_unused]] ::testing::Environment* const kNoSystemBus =
    ::testing::AddGlobalTestEnvironment(new NoSystemBus);

// Resolve, or skip the test when this host mounts no cgroup hierarchy at all.
#define RESOLVE_OR_SKIP(var, path, id, systemd)                                 \
  auto var##_result = Cgroup::Resolve(path, id, systemd);                       \
  if (!var##_result && var##_result.error().find("no cgroup hierarchy") == 0) { \
    GTEST_SKIP() << var##_result.error();                                       \
  }                                                                             \
  ASSERT_TRUE(var##_result.has_value()) << var##_result.error();                \
  Cgroup var = std::move(*var##_result)

// Every path the cgroup holds, from its JSON form.
std::vector<std::string> AllPaths(const Cgroup& cg) {
  std::vector<std::string> out;
  auto j = nlohmann::json::parse(cg.ToJson());
  for (auto& [key, value] : j["paths"].items())
    out.push_back(value.get<std::string>());
  return out;
}

// Each path ends with `suffix`, and what precedes it is a cgroup mount point:
// the path is below the hierarchy's root, not below this process's cgroup.
void ExpectAllUnderRoots(const Cgroup& cg, const std::string& suffix) {
  auto paths = AllPaths(cg);
  ASSERT_FALSE(paths.empty());
  for (const std::string& p : paths) {
    ASSERT_TRUE(p.ends_with(suffix)) << p << " does not end with " << suffix;
    std::string mount = p.substr(0, p.size() - suffix.size());
    EXPECT_TRUE(IsMountPoint(mount)) << mount << " (from " << p << ") is not a mount point";
  }
}

// ---- Resolve ----------------------------------------------------------------------------

TEST(CgroupResolveTest, EmptyPathIsRunwSlashId) {
  RESOLVE_OR_SKIP(cg, "", "abc", false);
  ExpectAllUnderRoots(cg, "/runw/abc");
}

TEST(CgroupResolveTest, AbsolutePathIsBelowEachHierarchyRoot) {
  RESOLVE_OR_SKIP(cg, "/libpod_parent//libpod-abc/", "abc", false);
  ExpectAllUnderRoots(cg, "/libpod_parent/libpod-abc");
}

TEST(CgroupResolveTest, RelativePathIsBelowEachHierarchyRootToo) {
  RESOLVE_OR_SKIP(cg, "kubepods/pod1/./abc", "abc", false);
  ExpectAllUnderRoots(cg, "/kubepods/pod1/abc");
}

TEST(CgroupResolveTest, SystemdPathMapsOntoSliceLayout) {
  RESOLVE_OR_SKIP(cg, "machine.slice:libpod:abc", "abc", true);
  ExpectAllUnderRoots(cg, "/machine.slice/libpod-abc.scope");
}

TEST(CgroupResolveTest, SystemdNestedSliceExpands) {
  RESOLVE_OR_SKIP(cg, "a-b-c.slice:p:n", "n", true);
  ExpectAllUnderRoots(cg, "/a.slice/a-b.slice/a-b-c.slice/p-n.scope");
}

TEST(CgroupResolveTest, SystemdEmptySliceIsSystemSlice) {
  RESOLVE_OR_SKIP(cg, ":runw:abc", "abc", true);
  ExpectAllUnderRoots(cg, "/system.slice/runw-abc.scope");
}

TEST(CgroupResolveTest, SystemdRootSliceAndEmptyPrefix) {
  RESOLVE_OR_SKIP(cg, "-.slice::abc", "abc", true);
  ExpectAllUnderRoots(cg, "/abc.scope");
}

TEST(CgroupResolveTest, SystemdFlagWithEmptyPathUsesDefault) {
  RESOLVE_OR_SKIP(cg, "", "abc", true);
  ExpectAllUnderRoots(cg, "/runw/abc");
}

TEST(CgroupResolveTest, SystemdFlagNeedsThreeParts) {
  auto r = Cgroup::Resolve("/plain/path", "abc", true);
  ASSERT_FALSE(r.has_value());
  EXPECT_NE(r.error().find("slice:prefix:name"), std::string::npos) << r.error();
}

TEST(CgroupResolveTest, InvalidSliceNamesAreRejected) {
  for (const char* path : {"machine:p:n", "a--b.slice:p:n", "-a.slice:p:n", "a/b.slice:p:n",
                           "machine.slice:p:", "machine.slice:p:..", "machine.slice:p:a/b"}) {
    auto r = Cgroup::Resolve(path, "n", true);
    EXPECT_FALSE(r.has_value()) << path;
  }
}

TEST(CgroupResolveTest, SystemdUnreachableMeansRunwMakesTheCgroup) {
  RESOLVE_OR_SKIP(cg, "machine.slice:libpod:abc", "abc", true);
  EXPECT_EQ(cg.SystemdUnit(), "");
  EXPECT_EQ(cg.ToJson().find("systemd_unit"), std::string::npos) << cg.ToJson();
}

TEST(CgroupResolveTest, SliceAsTheNameIsRefused) {
  auto r = Cgroup::Resolve("kubepods.slice:cri:pod1.slice", "pod1", true);
  ASSERT_FALSE(r.has_value());
  EXPECT_NE(r.error().find("names the slice `pod1.slice`"), std::string::npos) << r.error();
}

TEST(CgroupResolveTest, SystemdFormWithoutFlagIsAnError) {
  auto r = Cgroup::Resolve("machine.slice:libpod:abc", "abc", false);
  ASSERT_FALSE(r.has_value());
  EXPECT_NE(r.error().find("--systemd-cgroup"), std::string::npos) << r.error();
}

TEST(CgroupResolveTest, ColonsInAPlainPathAreAllowed) {
  RESOLVE_OR_SKIP(cg, "/a:b", "abc", false);
  ExpectAllUnderRoots(cg, "/a:b");
}

TEST(CgroupResolveTest, DotDotIsRejected) {
  for (const char* path : {"/a/../b", "../x", "/..", "a/b/.."}) {
    auto r = Cgroup::Resolve(path, "abc", false);
    ASSERT_FALSE(r.has_value()) << path;
    EXPECT_NE(r.error().find(".."), std::string::npos) << r.error();
  }
  EXPECT_FALSE(Cgroup::Resolve("", "..", false).has_value());
}

TEST(CgroupResolveTest, RootCgroupIsRejected) {
  for (const char* path : {"/", "//", "/./"}) {
    auto r = Cgroup::Resolve(path, "abc", false);
    ASSERT_FALSE(r.has_value()) << path;
    EXPECT_NE(r.error().find("root cgroup"), std::string::npos) << r.error();
  }
}

TEST(CgroupResolveTest, PathOfNamesTheControllerHierarchy) {
  RESOLVE_OR_SKIP(cg, "/x/y", "y", false);
  if (!MountinfoHas(" - cgroup cgroup ") || !MountinfoHas("memory")) {
    GTEST_SKIP() << "no cgroup v1 memory hierarchy on this host";
  }
  std::string memory = cg.PathOf("memory");
  ASSERT_TRUE(memory.ends_with("/x/y")) << memory;
  // The hierarchy directory itself holds v1 memory files.
  std::string mount = memory.substr(0, memory.size() - 4);
  EXPECT_TRUE(Exists(mount + "/memory.limit_in_bytes")) << mount;
}

// ---- JSON state ------------------------------------------------------------------------

TEST(CgroupJsonTest, RoundTrip) {
  RESOLVE_OR_SKIP(cg, "/libpod_parent/libpod-abc", "abc", false);
  std::string text = cg.ToJson();
  auto back = Cgroup::FromJson(text);
  ASSERT_TRUE(back.has_value()) << back.error();
  EXPECT_EQ(back->ToJson(), text);
  EXPECT_EQ(back->PathOf("memory"), cg.PathOf("memory"));
  EXPECT_EQ(back->PathOf(""), cg.PathOf(""));
}

TEST(CgroupJsonTest, HandWrittenStateLoads) {
  auto cg = Cgroup::FromJson(
      R"({"paths": {"memory": "/sys/fs/cgroup/memory/runw/x", "": "/sys/fs/cgroup/unified/runw/x"}})");
  ASSERT_TRUE(cg.has_value()) << cg.error();
  EXPECT_EQ(cg->PathOf("memory"), "/sys/fs/cgroup/memory/runw/x");
  EXPECT_EQ(cg->PathOf(""), "/sys/fs/cgroup/unified/runw/x");
  // A controller without a v1 hierarchy falls back to the v2 path.
  EXPECT_EQ(cg->PathOf("pids"), "/sys/fs/cgroup/unified/runw/x");
}

TEST(CgroupJsonTest, SystemdUnitRoundTrips) {
  std::string text = R"({"paths":{"memory":"/sys/fs/cgroup/memory/machine.slice/libpod-x.scope"},)"
                     R"("systemd_unit":"libpod-x.scope"})";
  auto cg = Cgroup::FromJson(text);
  ASSERT_TRUE(cg.has_value()) << cg.error();
  EXPECT_EQ(cg->SystemdUnit(), "libpod-x.scope");
  EXPECT_EQ(cg->ToJson(), text);
}

TEST(CgroupJsonTest, BadSystemdUnitIsRejected) {
  for (const char* unit : {"5", "\"\"", "\"x.service\"", "\".scope\"", "\"../x.scope\"",
                           "\"a b.scope\"", "\"x.slice\""}) {
    std::string text =
        std::string(R"({"paths": {"memory": "/a/b"}, "systemd_unit": )") + unit + "}";
    auto r = Cgroup::FromJson(text);
    ASSERT_FALSE(r.has_value()) << text;
    EXPECT_NE(r.error().find("systemd_unit"), std::string::npos) << r.error();
  }
}

TEST(CgroupJsonTest, BadStateIsAnErrorNotACrash) {
  for (const char* text :
       {"", "{", "[]", "null", "{\"paths\": 3}", "{\"paths\": {}}", "{\"paths\": {\"memory\": 5}}",
        "{\"paths\": {\"memory\": \"rel/x\"}}", "{\"paths\": {\"memory\": \"/a/../b\"}}",
        "{\"paths\": {\"memory\": \"\"}}", "{\"paths\": {\"Mem/ory\": \"/a/b\"}}",
        "{\"paths\": {\"memory\": \"/\"}}"}) {
    auto r = Cgroup::FromJson(text);
    EXPECT_FALSE(r.has_value()) << text;
    if (!r) {
      EXPECT_FALSE(r.error().empty());
    }
  }
}

// ---- Apply input checks that fail before writing anything ---------------------------

TEST(CgroupApplyTest, UnifiedKeyMustBeAFileName) {
  RESOLVE_OR_SKIP(cg, "/runw-never-created/x", "x", false);
  Resources r;
  r.unified["../cgroup.procs"] = "1";
  auto applied = cg.Apply(r);
  ASSERT_FALSE(applied.has_value());
  EXPECT_NE(applied.error().find("invalid cgroup file name"), std::string::npos) << applied.error();
}

TEST(CgroupApplyTest, BadDeviceRuleIsRejected) {
  RESOLVE_OR_SKIP(cg, "/runw-never-created/x", "x", false);
  Resources r;
  r.devices.push_back({.allow = true, .type = "z", .major = 1, .minor = 3, .access = "rwm"});
  auto applied = cg.Apply(r);
  ASSERT_FALSE(applied.has_value());
  EXPECT_NE(applied.error().find("linux.resources.devices[0].type"), std::string::npos)
      << applied.error();
}

TEST(CgroupApplyTest, EmptyResourcesWriteNothing) {
  // Nothing exists at this path; any write would fail with "no such file".
  RESOLVE_OR_SKIP(cg, "/runw-never-created/x", "x", false);
  Resources r;
  r.memory = MemoryResources{};
  r.cpu = CpuResources{};
  auto applied = cg.Apply(r);
  EXPECT_TRUE(applied.has_value()) << applied.error();
  // And something set does write, so the check above can fail.
  r.memory->limit = 1 << 20;
  EXPECT_FALSE(cg.Apply(r).has_value());
}

// ---- Real cgroups (root) ---------------------------------------------------------------

class CgroupHostTest : public ::testing::Test {
 protected:
  void SetUp() override {
    if (geteuid() != 0) GTEST_SKIP() << "needs root to create cgroups";
    parent_ = "/runw-test-" + std::to_string(getpid());
    std::string name = ::testing::UnitTest::GetInstance()->current_test_info()->name();
    auto cg = Cgroup::Resolve(parent_ + "/" + name, name, false);
    if (!cg) GTEST_SKIP() << cg.error();
    auto created = cg->Create();
    if (!created) {
      cleanup_ = true;
      if (created.error().find("read-only") != std::string::npos ||
          created.error().find("permission denied") != std::string::npos) {
        GTEST_SKIP() << "cgroup filesystem not writable: " << created.error();
      }
      FAIL() << created.error();
    }
    cleanup_ = true;
    cg_ = std::move(*cg);
  }

  void TearDown() override {
    if (child_ > 0) {
      kill(child_, SIGKILL);
      if (cg_) (void)cg_->SetFrozen(false);
      waitpid(child_, nullptr, 0);
    }
    if (!cleanup_) return;
    // Destroy on the common parent removes every test's tree below it.
    auto parent = Cgroup::Resolve(parent_, "x", false);
    ASSERT_TRUE(parent.has_value()) << parent.error();
    auto destroyed = parent->Destroy();
    EXPECT_TRUE(destroyed.has_value()) << destroyed.error();
    for (const std::string& p : AllPaths(*parent))
      EXPECT_FALSE(Exists(p)) << p;
  }

  // A child that sleeps until killed.
  pid_t StartSleeper() {
    pid_t pid = fork();
    if (pid == 0) {
      for (;;)
        pause();
    }
    child_ = pid;
    return pid;
  }

  std::string parent_;
  bool cleanup_ = false;
  std::optional<Cgroup> cg_;
  pid_t child_ = -1;
};

TEST_F(CgroupHostTest, CreateMakesEveryDirectory) {
  for (const std::string& p : AllPaths(*cg_)) {
    EXPECT_TRUE(Exists(p + "/cgroup.procs")) << p;
  }
  // v1 cpuset: each new level got its parent's cpus and mems (the kernel
  // leaves them empty, and an empty cpuset takes no process).
  std::string cpuset = cg_->PathOf("cpuset");
  if (Exists(cpuset + "/cpuset.cpus")) {
    std::string suffix = parent_ + "/CreateMakesEveryDirectory";
    ASSERT_TRUE(cpuset.ends_with(suffix)) << cpuset;
    std::string root = cpuset.substr(0, cpuset.size() - suffix.size());
    EXPECT_FALSE(ReadText(cpuset + "/cpuset.cpus").empty());
    EXPECT_EQ(ReadText(cpuset + "/cpuset.cpus"), ReadText(root + "/cpuset.cpus"));
    EXPECT_EQ(ReadText(cpuset + "/cpuset.mems"), ReadText(root + "/cpuset.mems"));
  }
  // Creating again is fine (the directories exist).
  auto again = cg_->Create();
  EXPECT_TRUE(again.has_value()) << again.error();
}

TEST_F(CgroupHostTest, MemoryAndPidsLimitsAreWritten) {
  Resources r;
  r.memory = MemoryResources{};
  r.memory->limit = 64 << 20;
  r.pids = PidsResources{.limit = 32};
  auto applied = cg_->Apply(r);
  if (!applied && applied.error().find("controller is not available") != std::string::npos) {
    GTEST_SKIP() << applied.error();
  }
  ASSERT_TRUE(applied.has_value()) << applied.error();
  EXPECT_EQ(cg_->MemoryLimit(), std::optional<int64_t>(64 << 20));
  EXPECT_EQ(ReadText(cg_->PathOf("pids") + "/pids.max"), "32");

  // -1 and 0 mean unlimited.
  r.memory->limit = -1;
  r.pids->limit = 0;
  applied = cg_->Apply(r);
  ASSERT_TRUE(applied.has_value()) << applied.error();
  EXPECT_EQ(cg_->MemoryLimit(), std::nullopt);
  EXPECT_EQ(ReadText(cg_->PathOf("pids") + "/pids.max"), "max");
}

TEST_F(CgroupHostTest, MemoryWithSwapInBothDirections) {
  std::string memsw = cg_->PathOf("memory") + "/memory.memsw.limit_in_bytes";
  if (!Exists(memsw)) GTEST_SKIP() << "no v1 swap accounting here (" << memsw << ")";
  Resources r;
  r.memory = MemoryResources{};
  // Raising from unlimited and then lowering each need a different order.
  r.memory->limit = 64 << 20;
  r.memory->swap = 128 << 20;
  auto applied = cg_->Apply(r);
  ASSERT_TRUE(applied.has_value()) << applied.error();
  EXPECT_EQ(ReadText(memsw), std::to_string(128 << 20));
  r.memory->limit = 16 << 20;
  r.memory->swap = 32 << 20;
  applied = cg_->Apply(r);
  ASSERT_TRUE(applied.has_value()) << applied.error();
  EXPECT_EQ(ReadText(memsw), std::to_string(32 << 20));
  EXPECT_EQ(cg_->MemoryLimit(), std::optional<int64_t>(16 << 20));
  r.memory->limit = -1;
  r.memory->swap = -1;
  applied = cg_->Apply(r);
  ASSERT_TRUE(applied.has_value()) << applied.error();
  EXPECT_EQ(cg_->MemoryLimit(), std::nullopt);
}

TEST_F(CgroupHostTest, CpuQuotaAndPeriod) {
  Resources r;
  r.cpu = CpuResources{};
  r.cpu->quota = 50000;
  r.cpu->period = 200000;
  r.cpu->shares = 512;
  auto applied = cg_->Apply(r);
  if (!applied && applied.error().find("controller is not available") != std::string::npos) {
    GTEST_SKIP() << applied.error();
  }
  ASSERT_TRUE(applied.has_value()) << applied.error();
  std::string dir = cg_->PathOf("cpu");
  if (Exists(dir + "/cpu.cfs_quota_us")) {
    EXPECT_EQ(ReadText(dir + "/cpu.cfs_quota_us"), "50000");
    EXPECT_EQ(ReadText(dir + "/cpu.cfs_period_us"), "200000");
    EXPECT_EQ(ReadText(dir + "/cpu.shares"), "512");
  } else {
    EXPECT_EQ(ReadText(dir + "/cpu.max"), "50000 200000");
    EXPECT_EQ(ReadText(dir + "/cpu.weight"), "20");
  }
}

TEST_F(CgroupHostTest, DeviceRulesInOrder) {
  std::string dir = cg_->PathOf("devices");
  if (!Exists(dir + "/devices.list")) GTEST_SKIP() << "no v1 devices controller";
  Resources r;
  r.devices.push_back({.allow = false, .type = "", .major = {}, .minor = {}, .access = ""});
  r.devices.push_back({.allow = true, .type = "c", .major = 1, .minor = 3, .access = "rw"});
  r.devices.push_back({.allow = true, .type = "c", .major = 136, .minor = {}, .access = "rwm"});
  auto applied = cg_->Apply(r);
  ASSERT_TRUE(applied.has_value()) << applied.error();
  EXPECT_EQ(ReadText(dir + "/devices.list"), "c 1:3 rw\nc 136:* rwm");
}

TEST_F(CgroupHostTest, MissingControllerIsNamed) {
  if (MountinfoHas("net_cls")) GTEST_SKIP() << "this host has net_cls";
  Resources r;
  r.network = NetworkResources{.class_id = 0x100001, .priorities = {}};
  auto applied = cg_->Apply(r);
  ASSERT_FALSE(applied.has_value());
  EXPECT_EQ(applied.error(),
            "linux.resources.network.classID: the net_cls cgroup controller is not available on "
            "this host");
}

TEST_F(CgroupHostTest, ProcessLifecycle) {
  pid_t pid = StartSleeper();
  ASSERT_GT(pid, 0);
  auto added = cg_->AddProcess(pid);
  ASSERT_TRUE(added.has_value()) << added.error();

  auto pids = cg_->Pids();
  ASSERT_TRUE(pids.has_value()) << pids.error();
  EXPECT_EQ(*pids, std::vector<pid_t>{pid});
  // The process really is in every hierarchy.
  for (const std::string& p : AllPaths(*cg_)) {
    EXPECT_EQ(ReadText(p + "/cgroup.procs"), std::to_string(pid)) << p;
  }

  auto frozen = cg_->SetFrozen(true);
  if (!frozen && frozen.error().find("not available") != std::string::npos) {
    std::cerr << "skipping the freezer part: " << frozen.error() << "\n";
  } else {
    ASSERT_TRUE(frozen.has_value()) << frozen.error();
    auto state = cg_->Frozen();
    ASSERT_TRUE(state.has_value()) << state.error();
    EXPECT_TRUE(*state);
    // With a v1 freezer that is the one used (v2's cgroup.freeze would also work).
    std::string v1_state = cg_->PathOf("freezer") + "/freezer.state";
    if (Exists(v1_state)) {
      EXPECT_EQ(ReadText(v1_state), "FROZEN");
    }
    auto thawed = cg_->SetFrozen(false);
    ASSERT_TRUE(thawed.has_value()) << thawed.error();
    state = cg_->Frozen();
    ASSERT_TRUE(state.has_value()) << state.error();
    EXPECT_FALSE(*state);
  }

  auto killed = cg_->KillAll(SIGKILL);
  ASSERT_TRUE(killed.has_value()) << killed.error();
  int status = 0;
  ASSERT_EQ(waitpid(pid, &status, 0), pid);
  child_ = -1;
  EXPECT_TRUE(WIFSIGNALED(status) && WTERMSIG(status) == SIGKILL) << status;

  pids = cg_->Pids();
  ASSERT_TRUE(pids.has_value()) << pids.error();
  EXPECT_TRUE(pids->empty());

  auto destroyed = cg_->Destroy();
  ASSERT_TRUE(destroyed.has_value()) << destroyed.error();
  for (const std::string& p : AllPaths(*cg_))
    EXPECT_FALSE(Exists(p)) << p;
  // A second Destroy finds nothing and is fine.
  destroyed = cg_->Destroy();
  EXPECT_TRUE(destroyed.has_value()) << destroyed.error();
}

TEST_F(CgroupHostTest, KillAllWithOtherSignal) {
  pid_t pid = StartSleeper();
  ASSERT_GT(pid, 0);
  ASSERT_TRUE(cg_->AddProcess(pid).has_value());
  auto killed = cg_->KillAll(SIGTERM);
  ASSERT_TRUE(killed.has_value()) << killed.error();
  int status = 0;
  ASSERT_EQ(waitpid(pid, &status, 0), pid);
  child_ = -1;
  EXPECT_TRUE(WIFSIGNALED(status) && WTERMSIG(status) == SIGTERM) << status;
}

// A parent level that exists already with an empty cpuset (made by hand, or by
// a tool that did not fill it in) is filled in too, or nothing below it could
// take a process.
TEST_F(CgroupHostTest, CpusetFillsPreexistingEmptyLevels) {
  std::string cpuset_leaf = cg_->PathOf("cpuset");
  if (!Exists(cpuset_leaf + "/cpuset.cpus")) GTEST_SKIP() << "no v1 cpuset hierarchy";
  std::string suffix = parent_ + "/CpusetFillsPreexistingEmptyLevels";
  std::string root = cpuset_leaf.substr(0, cpuset_leaf.size() - suffix.size());
  std::string empty_level = root + parent_ + "/handmade";
  ASSERT_EQ(mkdir(empty_level.c_str(), 0755), 0) << strerror(errno);
  ASSERT_EQ(ReadText(empty_level + "/cpuset.cpus"), "");

  auto cg = Cgroup::Resolve(parent_ + "/handmade/leaf", "leaf", false);
  ASSERT_TRUE(cg.has_value()) << cg.error();
  auto created = cg->Create();
  ASSERT_TRUE(created.has_value()) << created.error();
  EXPECT_EQ(ReadText(empty_level + "/cpuset.cpus"), ReadText(root + "/cpuset.cpus"));
  EXPECT_EQ(ReadText(empty_level + "/leaf/cpuset.mems"), ReadText(root + "/cpuset.mems"));

  pid_t pid = StartSleeper();
  ASSERT_GT(pid, 0);
  auto added = cg->AddProcess(pid);
  EXPECT_TRUE(added.has_value()) << added.error();
  auto killed = cg->KillAll(SIGKILL);
  EXPECT_TRUE(killed.has_value()) << killed.error();
  waitpid(pid, nullptr, 0);
  child_ = -1;
}

// A pure cgroup v2 host, imitated in a private mount namespace: the v1
// hierarchies are unmounted there and cgroup2 is mounted at /sys/fs/cgroup
// (on the hybrid layout that is the same hierarchy as /sys/fs/cgroup/unified),
// so hierarchy discovery, the v2 freezer, and the v2-only errors run for real.
// The check runs in a child process and reports failures through a pipe; the
// fixture's TearDown removes what it created even if it dies half way.
TEST_F(CgroupHostTest, PureV2HostInPrivateMountNamespace) {
  int fds[2];
  ASSERT_EQ(pipe(fds), 0);
  std::string path = parent_ + "/v2host";
  pid_t pid = fork();
  ASSERT_GE(pid, 0);
  if (pid == 0) {
    close(fds[0]);
    std::string errors;
    auto check = [&](bool ok, const std::string& what) {
      if (!ok) errors += what + "\n";
      return ok;
    };
    auto finish = [&]() {
      (void)!write(fds[1], errors.data(), errors.size());
      _exit(0);
    };
    if (unshare(CLONE_NEWNS) != 0 ||
        mount(nullptr, "/", nullptr, MS_REC | MS_PRIVATE, nullptr) != 0 ||
        umount2("/sys/fs/cgroup", MNT_DETACH) != 0 ||
        mount("cgroup2", "/sys/fs/cgroup", "cgroup2", 0, nullptr) != 0) {
      errors = std::string("SKIP cannot set up a cgroup2-only mount namespace: ") + strerror(errno);
      finish();
    }
    auto cg = Cgroup::Resolve(path, "v2host", false);
    if (!check(cg.has_value(), "resolve: " + (cg ? "" : cg.error()))) finish();
    check(cg->PathOf("") == "/sys/fs/cgroup" + path, "v2 path is " + cg->PathOf(""));
    check(AllPaths(*cg).size() == 1, "more than one hierarchy: " + cg->ToJson());
    auto created = cg->Create();
    if (!check(created.has_value(), "create: " + (created ? "" : created.error()))) finish();

    Resources devices;
    devices.devices.push_back(
        {.allow = false, .type = "a", .major = {}, .minor = {}, .access = ""});
    // No devices controller on v2: the rules become an eBPF program
    // (cgroups-devices-test.cc checks what it decides).
    auto applied = cg->Apply(devices);
    check(applied.has_value(), "devices on v2: " + (applied ? "" : applied.error()));

    Resources memory;
    memory.memory = MemoryResources{};
    memory.memory->limit = 32 << 20;
    applied = cg->Apply(memory);
    std::string controllers = ReadText("/sys/fs/cgroup" + path + "/cgroup.controllers");
    if (controllers.find("memory") != std::string::npos) {
      check(applied.has_value(), "memory on v2: " + (applied ? "" : applied.error()));
      check(cg->MemoryLimit() == std::optional<int64_t>(32 << 20), "memory.max not read back");
    } else {
      check(!applied && applied.error() ==
                            "linux.resources.memory: the memory cgroup controller is not "
                            "available on this host",
            "memory without controller: " + (applied ? std::string("succeeded") : applied.error()));
    }

    pid_t sleeper = fork();
    if (sleeper == 0) {
      for (;;)
        pause();
    }
    auto added = cg->AddProcess(sleeper);
    check(added.has_value(), "add: " + (added ? "" : added.error()));
    auto pids = cg->Pids();
    check(pids && *pids == std::vector<pid_t>{sleeper}, "pids wrong");
    auto frozen = cg->SetFrozen(true);
    check(frozen.has_value(), "freeze: " + (frozen ? "" : frozen.error()));
    auto state = cg->Frozen();
    check(state && *state, "not frozen after SetFrozen(true)");
    frozen = cg->SetFrozen(false);
    check(frozen.has_value(), "thaw: " + (frozen ? "" : frozen.error()));
    state = cg->Frozen();
    check(state && !*state, "frozen after SetFrozen(false)");
    auto killed = cg->KillAll(SIGKILL);
    check(killed.has_value(), "kill: " + (killed ? "" : killed.error()));
    kill(sleeper, SIGKILL);  // in case KillAll missed it
    int status = 0;
    waitpid(sleeper, &status, 0);
    check(WIFSIGNALED(status) && WTERMSIG(status) == SIGKILL, "sleeper not killed");
    auto destroyed = cg->Destroy();
    check(destroyed.has_value(), "destroy: " + (destroyed ? "" : destroyed.error()));
    check(!Exists("/sys/fs/cgroup" + path), "directory left after Destroy");
    finish();
  }
  close(fds[1]);
  std::string report;
  char buf[512];
  ssize_t n;
  while ((n = read(fds[0], buf, sizeof buf)) > 0)
    report.append(buf, static_cast<size_t>(n));
  close(fds[0]);
  int status = 0;
  ASSERT_EQ(waitpid(pid, &status, 0), pid);
  ASSERT_TRUE(WIFEXITED(status) && WEXITSTATUS(status) == 0) << status;
  if (report.starts_with("SKIP ")) GTEST_SKIP() << report.substr(5);
  EXPECT_EQ(report, "");
}

}  // namespace
}  // namespace runw::oci
