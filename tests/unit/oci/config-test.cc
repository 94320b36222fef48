// config.json parsing (ParseSpec, ParseProcess, ParseResources), validation
// (ValidateSpec, ValidateProcess) and the `runw spec` template.
#include "oci/config.h"

#include <gtest/gtest.h>
#include <unistd.h>

#include <algorithm>
#include <nlohmann/json.hpp>
#include <string>
#include <vector>

namespace runw::oci {
namespace {

using Json = nlohmann::json;

// A JSON value from text, for edits in the case tables.
Json J(const char* text) {
  return Json::parse(text);
}

// Shaped like what podman 4/5 writes for `podman run --memory 64m --pids-limit
// 100 ... alpine sh`, trimmed, with one of most other properties added and the
// nulls podman writes for unset properties.
constexpr const char* kPodmanConfig = R"json({
  "ociVersion": "1.2.0",
  "process": {
    "terminal": true,
    "consoleSize": {"height": 24, "width": 80},
    "user": {"uid": 1000, "gid": 1001, "umask": 18, "additionalGids": [10, 4294967295],
             "username": null},
    "args": ["sh", "-c", "echo hi"],
    "env": ["PATH=/usr/bin:/bin", "TERM=xterm", "container=podman"],
    "cwd": "/work",
    "capabilities": {
      "bounding": ["CAP_CHOWN", "CAP_KILL"],
      "effective": ["CAP_CHOWN"],
      "inheritable": [],
      "permitted": ["CAP_CHOWN", "CAP_KILL"],
      "ambient": null
    },
    "rlimits": [{"type": "RLIMIT_NOFILE", "hard": 1048576, "soft": 1024},
                {"type": "RLIMIT_NPROC", "hard": 18446744073709551615, "soft": 4096}],
    "noNewPrivileges": true,
    "apparmorProfile": "containers-default-0.50.1",
    "oomScoreAdj": -500,
    "selinuxLabel": "system_u:system_r:container_t:s0"
  },
  "root": {"path": "/var/lib/containers/storage/overlay/abc/merged", "readonly": false},
  "hostname": "box",
  "domainname": "example.org",
  "mounts": [
    {"destination": "/proc", "type": "proc", "source": "proc",
     "options": ["nosuid", "noexec", "nodev"]},
    {"destination": "/data", "type": "bind", "source": "/srv/data",
     "options": ["rbind", "rw"],
     "uidMappings": [{"containerID": 0, "hostID": 100000, "size": 65536}],
     "gidMappings": [{"containerID": 0, "hostID": 200000, "size": 65536}]},
    {"destination": "/tmp", "type": "tmpfs", "source": "tmpfs", "options": null}
  ],
  "hooks": {
    "prestart": [{"path": "/usr/bin/old-hook"}],
    "createRuntime": [{"path": "/usr/libexec/podman/hook", "args": ["hook", "create"],
                       "env": ["A=1"], "timeout": 5}],
    "createContainer": null,
    "startContainer": [{"path": "/bin/start"}],
    "poststart": [],
    "poststop": [{"path": "/usr/bin/cleanup", "timeout": 30}]
  },
  "annotations": {"io.podman.annotations.autoremove": "TRUE", "org.opencontainers.image.stopSignal": "15"},
  "linux": {
    "namespaces": [{"type": "pid"}, {"type": "network", "path": "/run/netns/cni-1"},
                   {"type": "ipc"}, {"type": "uts"}, {"type": "mount"}, {"type": "cgroup"},
                   {"type": "user"}, {"type": "time", "path": null}],
    "uidMappings": [{"containerID": 0, "hostID": 100000, "size": 65536}],
    "gidMappings": [{"containerID": 0, "hostID": 100000, "size": 65536},
                    {"containerID": 65536, "hostID": 300000, "size": 1}],
    "devices": [{"type": "c", "path": "/dev/fuse", "major": 10, "minor": 229,
                 "fileMode": 438, "uid": 0, "gid": 0},
                {"type": "p", "path": "/dev/fifo"}],
    "cgroupsPath": "machine.slice:libpod:abc",
    "resources": {
      "devices": [{"allow": false, "access": "rwm"},
                  {"allow": true, "type": "c", "major": 10, "minor": 229, "access": "rwm"},
                  {"allow": true, "type": "b", "major": null, "minor": -1, "access": "r"}],
      "memory": {"limit": 67108864, "reservation": 33554432, "swap": -1, "kernel": -1,
                 "kernelTCP": 1024, "swappiness": 60, "disableOOMKiller": false,
                 "useHierarchy": true, "checkBeforeUpdate": true},
      "cpu": {"shares": 1024, "quota": -1, "burst": 1000, "period": 100000,
              "realtimeRuntime": 950000, "realtimePeriod": 1000000, "cpus": "0-3",
              "mems": "0", "idle": 1},
      "pids": {"limit": 100},
      "blockIO": {"weight": 500, "leafWeight": 300,
                  "weightDevice": [{"major": 8, "minor": 0, "weight": 600, "leafWeight": 100}],
                  "throttleReadBpsDevice": [{"major": 8, "minor": 0, "rate": 1048576}],
                  "throttleWriteBpsDevice": [{"major": 8, "minor": 16, "rate": 2097152}],
                  "throttleReadIOPSDevice": [{"major": 8, "minor": 32, "rate": 100}],
                  "throttleWriteIOPSDevice": [{"major": 8, "minor": 48, "rate": 200}]},
      "hugepageLimits": [{"pageSize": "2MB", "limit": 209715200}],
      "network": {"classID": 1048577, "priorities": [{"name": "eth0", "priority": 500}]},
      "unified": {"memory.high": "50000000", "io.weight": "default 100"}
    },
    "sysctl": {"net.ipv4.ip_forward": "1", "kernel.shmmax": "1024",
               "kernel.domainname": "example.org"},
    "seccomp": {
      "defaultAction": "SCMP_ACT_ERRNO",
      "defaultErrnoRet": 38,
      "architectures": ["SCMP_ARCH_X86_64", "SCMP_ARCH_X86"],
      "flags": ["SECCOMP_FILTER_FLAG_LOG"],
      "listenerPath": "/run/seccomp.sock",
      "listenerMetadata": "meta",
      "syscalls": [
        {"names": ["read", "write"], "action": "SCMP_ACT_ALLOW"},
        {"names": ["personality"], "action": "SCMP_ACT_ALLOW",
         "args": [{"index": 0, "value": 8, "valueTwo": 0, "op": "SCMP_CMP_EQ"}]},
        {"names": ["mount"], "action": "SCMP_ACT_ERRNO", "errnoRet": 1}
      ]
    },
    "rootfsPropagation": "rslave",
    "maskedPaths": ["/proc/acpi", "/proc/kcore"],
    "readonlyPaths": ["/proc/sys"],
    "mountLabel": "system_u:object_r:container_file_t:s0",
    "personality": {"domain": "LINUX32", "flags": []}
  }
})json";

// A small valid config that the validation tests modify one property at a time.
Json MinimalConfig() {
  return Json::parse(R"json({
    "ociVersion": "1.0.2",
    "process": {"args": ["/app.wasm"], "cwd": "/", "user": {"uid": 0, "gid": 0}},
    "root": {"path": "rootfs"},
    "linux": {"namespaces": [{"type": "pid"}, {"type": "mount"}]}
  })json");
}

// The error of parsing `config`, or "" when it parsed.
std::string ParseError(const Json& config) {
  auto spec = ParseSpec(config.dump());
  return spec ? "" : spec.error();
}

// The error of parsing and then validating `config`, or "" when both passed.
std::string ValidateError(const Json& config) {
  auto spec = ParseSpec(config.dump());
  if (!spec) return "parse: " + spec.error();
  auto valid = ValidateSpec(*spec);
  return valid ? "" : valid.error();
}

TEST(ConfigTest, ParsesPodmanConfig) {
  auto parsed = ParseSpec(kPodmanConfig);
  ASSERT_TRUE(parsed) << parsed.error();
  const Spec& s = *parsed;
  EXPECT_EQ(s.oci_version, "1.2.0");

  ASSERT_TRUE(s.process);
  const Process& p = *s.process;
  EXPECT_TRUE(p.terminal);
  ASSERT_TRUE(p.console_size);
  EXPECT_EQ(p.console_size->height, 24u);
  EXPECT_EQ(p.console_size->width, 80u);
  EXPECT_EQ(p.user.uid, 1000u);
  EXPECT_EQ(p.user.gid, 1001u);
  EXPECT_EQ(p.user.umask, 18u);
  EXPECT_EQ(p.user.additional_gids, (std::vector<uint32_t>{10, 4294967295u}));
  EXPECT_EQ(p.user.username, "");
  EXPECT_EQ(p.args, (std::vector<std::string>{"sh", "-c", "echo hi"}));
  EXPECT_EQ(p.env.size(), 3u);
  EXPECT_EQ(EnvLookup(p.env, "container"), "podman");
  EXPECT_EQ(p.cwd, "/work");
  ASSERT_TRUE(p.capabilities);
  EXPECT_EQ(p.capabilities->bounding, (std::vector<std::string>{"CAP_CHOWN", "CAP_KILL"}));
  EXPECT_EQ(p.capabilities->effective, (std::vector<std::string>{"CAP_CHOWN"}));
  EXPECT_TRUE(p.capabilities->inheritable.empty());
  EXPECT_EQ(p.capabilities->permitted.size(), 2u);
  EXPECT_TRUE(p.capabilities->ambient.empty());
  ASSERT_EQ(p.rlimits.size(), 2u);
  EXPECT_EQ(p.rlimits[0].type, "RLIMIT_NOFILE");
  EXPECT_EQ(p.rlimits[0].hard, 1048576u);
  EXPECT_EQ(p.rlimits[0].soft, 1024u);
  EXPECT_EQ(p.rlimits[1].hard, UINT64_MAX);
  EXPECT_TRUE(p.no_new_privileges);
  EXPECT_EQ(p.apparmor_profile, "containers-default-0.50.1");
  EXPECT_EQ(p.oom_score_adj, -500);
  EXPECT_EQ(p.selinux_label, "system_u:system_r:container_t:s0");

  EXPECT_EQ(s.root.path, "/var/lib/containers/storage/overlay/abc/merged");
  EXPECT_FALSE(s.root.readonly);
  EXPECT_EQ(s.hostname, "box");
  EXPECT_EQ(s.domainname, "example.org");

  ASSERT_EQ(s.mounts.size(), 3u);
  EXPECT_EQ(s.mounts[0].destination, "/proc");
  EXPECT_EQ(s.mounts[0].type, "proc");
  EXPECT_EQ(s.mounts[0].source, "proc");
  EXPECT_EQ(s.mounts[0].options.size(), 3u);
  EXPECT_EQ(s.mounts[1].source, "/srv/data");
  ASSERT_EQ(s.mounts[1].uid_mappings.size(), 1u);
  EXPECT_EQ(s.mounts[1].uid_mappings[0].host_id, 100000u);
  EXPECT_EQ(s.mounts[1].uid_mappings[0].size, 65536u);
  ASSERT_EQ(s.mounts[1].gid_mappings.size(), 1u);
  EXPECT_EQ(s.mounts[1].gid_mappings[0].host_id, 200000u);
  EXPECT_TRUE(s.mounts[2].options.empty());

  ASSERT_EQ(s.hooks.prestart.size(), 1u);
  EXPECT_EQ(s.hooks.prestart[0].path, "/usr/bin/old-hook");
  EXPECT_FALSE(s.hooks.prestart[0].timeout);
  ASSERT_EQ(s.hooks.create_runtime.size(), 1u);
  EXPECT_EQ(s.hooks.create_runtime[0].args, (std::vector<std::string>{"hook", "create"}));
  EXPECT_EQ(s.hooks.create_runtime[0].env, (std::vector<std::string>{"A=1"}));
  EXPECT_EQ(s.hooks.create_runtime[0].timeout, 5);
  EXPECT_TRUE(s.hooks.create_container.empty());
  EXPECT_EQ(s.hooks.start_container.size(), 1u);
  EXPECT_TRUE(s.hooks.poststart.empty());
  ASSERT_EQ(s.hooks.poststop.size(), 1u);
  EXPECT_EQ(s.hooks.poststop[0].timeout, 30);

  EXPECT_EQ(s.annotations.size(), 2u);
  EXPECT_EQ(s.annotations.at("io.podman.annotations.autoremove"), "TRUE");

  ASSERT_TRUE(s.linux);
  const Linux& l = *s.linux;
  ASSERT_EQ(l.namespaces.size(), 8u);
  EXPECT_EQ(l.namespaces[0].type, NamespaceType::kPid);
  EXPECT_EQ(l.namespaces[1].type, NamespaceType::kNetwork);
  EXPECT_EQ(l.namespaces[1].path, "/run/netns/cni-1");
  EXPECT_EQ(l.namespaces[5].type, NamespaceType::kCgroup);
  EXPECT_EQ(l.namespaces[6].type, NamespaceType::kUser);
  EXPECT_EQ(l.namespaces[7].type, NamespaceType::kTime);
  EXPECT_EQ(l.namespaces[7].path, "");
  ASSERT_EQ(l.uid_mappings.size(), 1u);
  EXPECT_EQ(l.uid_mappings[0].container_id, 0u);
  ASSERT_EQ(l.gid_mappings.size(), 2u);
  EXPECT_EQ(l.gid_mappings[1].container_id, 65536u);
  EXPECT_EQ(l.gid_mappings[1].host_id, 300000u);
  EXPECT_EQ(l.gid_mappings[1].size, 1u);
  ASSERT_EQ(l.devices.size(), 2u);
  EXPECT_EQ(l.devices[0].type, "c");
  EXPECT_EQ(l.devices[0].path, "/dev/fuse");
  EXPECT_EQ(l.devices[0].major, 10);
  EXPECT_EQ(l.devices[0].minor, 229);
  EXPECT_EQ(l.devices[0].file_mode, 0666u);
  EXPECT_EQ(l.devices[0].uid, 0u);
  EXPECT_FALSE(l.devices[1].file_mode);
  EXPECT_EQ(l.cgroups_path, "machine.slice:libpod:abc");

  ASSERT_TRUE(l.resources);
  const Resources& r = *l.resources;
  ASSERT_EQ(r.devices.size(), 3u);
  EXPECT_FALSE(r.devices[0].allow);
  EXPECT_EQ(r.devices[0].type, "");
  EXPECT_EQ(r.devices[0].access, "rwm");
  EXPECT_TRUE(r.devices[1].allow);
  EXPECT_EQ(r.devices[1].major, 10);
  EXPECT_EQ(r.devices[1].minor, 229);
  EXPECT_FALSE(r.devices[2].major);
  EXPECT_EQ(r.devices[2].minor, -1);
  ASSERT_TRUE(r.memory);
  EXPECT_EQ(r.memory->limit, 67108864);
  EXPECT_EQ(r.memory->reservation, 33554432);
  EXPECT_EQ(r.memory->swap, -1);
  EXPECT_EQ(r.memory->kernel, -1);
  EXPECT_EQ(r.memory->kernel_tcp, 1024);
  EXPECT_EQ(r.memory->swappiness, 60u);
  EXPECT_EQ(r.memory->disable_oom_killer, false);
  EXPECT_EQ(r.memory->use_hierarchy, true);
  EXPECT_EQ(r.memory->check_before_update, true);
  ASSERT_TRUE(r.cpu);
  EXPECT_EQ(r.cpu->shares, 1024u);
  EXPECT_EQ(r.cpu->quota, -1);
  EXPECT_EQ(r.cpu->burst, 1000u);
  EXPECT_EQ(r.cpu->period, 100000u);
  EXPECT_EQ(r.cpu->realtime_runtime, 950000);
  EXPECT_EQ(r.cpu->realtime_period, 1000000u);
  EXPECT_EQ(r.cpu->cpus, "0-3");
  EXPECT_EQ(r.cpu->mems, "0");
  EXPECT_EQ(r.cpu->idle, 1);
  ASSERT_TRUE(r.pids);
  EXPECT_EQ(r.pids->limit, 100);
  ASSERT_TRUE(r.block_io);
  EXPECT_EQ(r.block_io->weight, 500);
  EXPECT_EQ(r.block_io->leaf_weight, 300);
  ASSERT_EQ(r.block_io->weight_device.size(), 1u);
  EXPECT_EQ(r.block_io->weight_device[0].major, 8);
  EXPECT_EQ(r.block_io->weight_device[0].weight, 600);
  EXPECT_EQ(r.block_io->weight_device[0].leaf_weight, 100);
  ASSERT_EQ(r.block_io->throttle_read_bps_device.size(), 1u);
  EXPECT_EQ(r.block_io->throttle_read_bps_device[0].rate, 1048576u);
  ASSERT_EQ(r.block_io->throttle_write_bps_device.size(), 1u);
  EXPECT_EQ(r.block_io->throttle_write_bps_device[0].minor, 16);
  ASSERT_EQ(r.block_io->throttle_read_iops_device.size(), 1u);
  EXPECT_EQ(r.block_io->throttle_read_iops_device[0].rate, 100u);
  ASSERT_EQ(r.block_io->throttle_write_iops_device.size(), 1u);
  EXPECT_EQ(r.block_io->throttle_write_iops_device[0].rate, 200u);
  ASSERT_EQ(r.hugepage_limits.size(), 1u);
  EXPECT_EQ(r.hugepage_limits[0].page_size, "2MB");
  EXPECT_EQ(r.hugepage_limits[0].limit, 209715200u);
  ASSERT_TRUE(r.network);
  EXPECT_EQ(r.network->class_id, 1048577u);
  ASSERT_EQ(r.network->priorities.size(), 1u);
  EXPECT_EQ(r.network->priorities[0].name, "eth0");
  EXPECT_EQ(r.network->priorities[0].priority, 500u);
  EXPECT_EQ(r.unified.at("io.weight"), "default 100");

  EXPECT_EQ(l.sysctl.at("net.ipv4.ip_forward"), "1");
  ASSERT_TRUE(l.seccomp);
  EXPECT_EQ(l.seccomp->default_action, "SCMP_ACT_ERRNO");
  EXPECT_EQ(l.seccomp->default_errno_ret, 38u);
  EXPECT_EQ(l.seccomp->architectures.size(), 2u);
  EXPECT_EQ(l.seccomp->flags, (std::vector<std::string>{"SECCOMP_FILTER_FLAG_LOG"}));
  EXPECT_EQ(l.seccomp->listener_path, "/run/seccomp.sock");
  EXPECT_EQ(l.seccomp->listener_metadata, "meta");
  ASSERT_EQ(l.seccomp->syscalls.size(), 3u);
  EXPECT_EQ(l.seccomp->syscalls[0].names, (std::vector<std::string>{"read", "write"}));
  EXPECT_FALSE(l.seccomp->syscalls[0].errno_ret);
  ASSERT_EQ(l.seccomp->syscalls[1].args.size(), 1u);
  EXPECT_EQ(l.seccomp->syscalls[1].args[0].index, 0u);
  EXPECT_EQ(l.seccomp->syscalls[1].args[0].value, 8u);
  EXPECT_EQ(l.seccomp->syscalls[1].args[0].op, "SCMP_CMP_EQ");
  EXPECT_EQ(l.seccomp->syscalls[2].errno_ret, 1u);
  EXPECT_EQ(l.rootfs_propagation, "rslave");
  EXPECT_EQ(l.masked_paths, (std::vector<std::string>{"/proc/acpi", "/proc/kcore"}));
  EXPECT_EQ(l.readonly_paths, (std::vector<std::string>{"/proc/sys"}));
  EXPECT_EQ(l.mount_label, "system_u:object_r:container_file_t:s0");
  ASSERT_TRUE(l.personality);
  EXPECT_EQ(l.personality->domain, "LINUX32");
  EXPECT_TRUE(l.unsupported.empty());

  auto valid = ValidateSpec(s);
  EXPECT_TRUE(valid) << valid.error();
}

TEST(ConfigTest, TypeErrorsNameThePath) {
  struct Case {
    const char* pointer;  // JSON pointer of the property to replace
    Json value;
    const char* message;
  };
  const Case cases[] = {
      {"/root/path", 5, "root.path: expected a string"},
      {"/root/readonly", "yes", "root.readonly: expected a boolean"},
      {"/process/rlimits/1/hard", "4096", "process.rlimits[1].hard: expected an unsigned integer"},
      {"/process/rlimits/1/hard", 1.5, "process.rlimits[1].hard: expected an unsigned integer"},
      {"/process/rlimits/0/soft", -1, "process.rlimits[0].soft: expected an unsigned integer"},
      {"/process/user/uid", 4294967296LL,
       "process.user.uid: 4294967296 is out of range [0, 4294967295]"},
      {"/process/oomScoreAdj", 2.0, "process.oomScoreAdj: expected an integer"},
      {"/process/args", "sh", "process.args: expected an array"},
      {"/process/args/1", 7, "process.args[1]: expected a string"},
      {"/process", Json::array(), "process: expected an object"},
      {"/annotations/io.podman.annotations.autoremove", true,
       "annotations[\"io.podman.annotations.autoremove\"]: expected a string"},
      {"/linux/namespaces/2/type", "pdi",
       "linux.namespaces[2].type: unknown namespace type \"pdi\""},
      {"/linux/resources/memory/limit", 9223372036854775808ULL,
       "linux.resources.memory.limit: 9223372036854775808 is out of range "
       "[-9223372036854775808, 9223372036854775807]"},
      {"/linux/resources/blockIO/weight", 65536,
       "linux.resources.blockIO.weight: 65536 is out of range [0, 65535]"},
      {"/linux/resources/devices/1/major", "10",
       "linux.resources.devices[1].major: expected an integer"},
      {"/linux/seccomp/syscalls/1/args/0/index", -2,
       "linux.seccomp.syscalls[1].args[0].index: expected an unsigned integer"},
      {"/linux/sysctl/net.ipv4.ip_forward", 1,
       "linux.sysctl[\"net.ipv4.ip_forward\"]: expected a string"},
      {"/hooks/poststop/0/timeout", 2147483648LL,
       "hooks.poststop[0].timeout: 2147483648 is out of range [-2147483648, 2147483647]"},
  };
  for (const Case& c : cases) {
    Json config = Json::parse(kPodmanConfig);
    config[Json::json_pointer(c.pointer)] = c.value;
    EXPECT_EQ(ParseError(config), c.message) << c.pointer;
  }
}

TEST(ConfigTest, MissingRequiredPropertiesNameThePath) {
  struct Case {
    const char* pointer;
    const char* message;
  };
  const Case cases[] = {
      {"/root/path", "root.path: missing required property"},
      {"/process/rlimits/1/type", "process.rlimits[1].type: missing required property"},
      {"/process/user/gid", "process.user.gid: missing required property"},
      {"/mounts/2/destination", "mounts[2].destination: missing required property"},
      {"/hooks/poststop/0/path", "hooks.poststop[0].path: missing required property"},
      {"/linux/namespaces/0/type", "linux.namespaces[0].type: missing required property"},
      {"/linux/gidMappings/1/size", "linux.gidMappings[1].size: missing required property"},
      {"/linux/resources/devices/0/allow",
       "linux.resources.devices[0].allow: missing required property"},
      {"/linux/seccomp/defaultAction", "linux.seccomp.defaultAction: missing required property"},
      {"/linux/seccomp/syscalls/1/args/0/op",
       "linux.seccomp.syscalls[1].args[0].op: missing required property"},
  };
  for (const Case& c : cases) {
    Json config = Json::parse(kPodmanConfig);
    Json::json_pointer ptr(c.pointer);
    config[ptr.parent_pointer()].erase(ptr.back());
    EXPECT_EQ(ParseError(config), c.message) << c.pointer;
    // null means absent, so it is just as missing.
    config = Json::parse(kPodmanConfig);
    config[ptr] = nullptr;
    EXPECT_EQ(ParseError(config), c.message) << c.pointer << " = null";
  }
}

TEST(ConfigTest, InvalidJsonKeepsThePosition) {
  auto spec = ParseSpec("{\n  \"ociVersion\": \"1.2.0\",\n  oops\n}");
  ASSERT_FALSE(spec);
  EXPECT_TRUE(spec.error().starts_with("invalid JSON: parse error at line 3, column 3"))
      << spec.error();
  EXPECT_FALSE(ParseSpec(""));
  auto top = ParseSpec("[1, 2]");
  ASSERT_FALSE(top);
  EXPECT_EQ(top.error(), "expected an object");
}

TEST(ConfigTest, TruncatedOrMangledInputFailsCleanly) {
  // Every proper prefix of a valid config is invalid JSON; none may throw or crash.
  const std::string full = kPodmanConfig;
  for (size_t n = 0; n < full.size(); n += 7) {
    auto spec = ParseSpec(std::string_view(full).substr(0, n));
    ASSERT_FALSE(spec) << n;
    EXPECT_TRUE(spec.error().starts_with("invalid JSON: ")) << spec.error();
  }
  // Invalid UTF-8, a number too big for any integer type, and deep nesting.
  EXPECT_FALSE(ParseSpec("{\"hostname\": \"\xff\xfe\"}"));
  auto huge = ParseSpec(R"({"process": {"user": {"uid": 123456789012345678901234567890}}})");
  ASSERT_FALSE(huge);
  EXPECT_EQ(huge.error(), "process.user.uid: expected an unsigned integer");
  std::string deep = std::string(10000, '[') + std::string(10000, ']');
  auto nested = ParseSpec(R"({"annotations": )" + deep + "}");
  ASSERT_FALSE(nested);
  EXPECT_EQ(nested.error(), "annotations: expected an object");
}

TEST(ConfigTest, NullsAreAbsent) {
  Json config = MinimalConfig();
  for (const char* key : {"hostname", "domainname", "mounts", "hooks", "annotations"}) {
    config[key] = nullptr;
  }
  config["process"]["capabilities"] = nullptr;
  config["process"]["rlimits"] = nullptr;
  config["process"]["consoleSize"] = nullptr;
  config["process"]["oomScoreAdj"] = nullptr;
  config["linux"]["resources"] = {
      {"memory", {{"limit", nullptr}, {"swap", 5}}}, {"pids", nullptr}, {"cpu", nullptr}};
  config["linux"]["seccomp"] = nullptr;
  config["linux"]["intelRdt"] = nullptr;
  auto spec = ParseSpec(config.dump());
  ASSERT_TRUE(spec) << spec.error();
  EXPECT_TRUE(spec->mounts.empty());
  EXPECT_FALSE(spec->process->capabilities);
  EXPECT_FALSE(spec->process->console_size);
  EXPECT_FALSE(spec->process->oom_score_adj);
  ASSERT_TRUE(spec->linux->resources);
  ASSERT_TRUE(spec->linux->resources->memory);
  EXPECT_FALSE(spec->linux->resources->memory->limit);
  EXPECT_EQ(spec->linux->resources->memory->swap, 5);
  EXPECT_FALSE(spec->linux->resources->pids);
  EXPECT_FALSE(spec->linux->seccomp);
  EXPECT_TRUE(spec->linux->unsupported.empty());
  auto valid = ValidateSpec(*spec);
  EXPECT_TRUE(valid) << valid.error();
}

TEST(ConfigTest, UnknownPropertiesAreIgnored) {
  Json config = MinimalConfig();
  config["vm"] = {{"hypervisor", {{"path", "/bin/qemu"}}}};
  config["windows"] = 42;
  config["process"]["futureThing"] = {1, 2, 3};
  config["linux"]["somethingNew"] = "x";
  config["linux"]["namespaces"][0]["extra"] = true;
  auto spec = ParseSpec(config.dump());
  ASSERT_TRUE(spec) << spec.error();
  EXPECT_EQ(spec->linux->namespaces.size(), 2u);
  EXPECT_TRUE(spec->linux->unsupported.empty());
  EXPECT_TRUE(ValidateSpec(*spec));
}

TEST(ConfigTest, UnsupportedPropertiesAreRecordedAndRefused) {
  struct Case {
    const char* pointer;
    Json value;
    const char* path;
  };
  const Case cases[] = {
      {"/linux/intelRdt", {{"closID", "guaranteed_group"}}, "linux.intelRdt"},
      {"/linux/timeOffsets", {{"monotonic", {{"secs", 1}}}}, "linux.timeOffsets"},
      {"/linux/memoryPolicy", {{"mode", "MPOL_BIND"}}, "linux.memoryPolicy"},
      {"/linux/netDevices", {{"eth1", Json::object()}}, "linux.netDevices"},
      {"/process/ioPriority", {{"class", "IOPRIO_CLASS_RT"}}, "process.ioPriority"},
      {"/process/scheduler", {{"policy", "SCHED_FIFO"}}, "process.scheduler"},
      {"/process/execCPUAffinity", {{"initial", "0"}}, "process.execCPUAffinity"},
      {"/linux/resources/rdma", {{"mlx4_0", {{"hcaHandles", 3}}}}, "linux.resources.rdma"},
  };
  for (const Case& c : cases) {
    Json config = MinimalConfig();
    config[Json::json_pointer(c.pointer)] = c.value;
    auto spec = ParseSpec(config.dump());
    ASSERT_TRUE(spec) << c.path << ": " << spec.error();
    ASSERT_TRUE(spec->linux);
    EXPECT_EQ(spec->linux->unsupported, std::vector<std::string>{c.path});
    auto valid = ValidateSpec(*spec);
    ASSERT_FALSE(valid) << c.path;
    EXPECT_EQ(valid.error(), std::string(c.path) + ": not supported by runw");

    // Empty asks for nothing.
    config[Json::json_pointer(c.pointer)] = Json::object();
    spec = ParseSpec(config.dump());
    ASSERT_TRUE(spec) << spec.error();
    EXPECT_TRUE(spec->linux->unsupported.empty()) << c.path;
  }

  // With no linux object at all, a process property still gets recorded.
  Json config = MinimalConfig();
  config.erase("linux");
  config["process"]["scheduler"] = {{"policy", "SCHED_FIFO"}};
  auto spec = ParseSpec(config.dump());
  ASSERT_TRUE(spec) << spec.error();
  ASSERT_TRUE(spec->linux);
  EXPECT_EQ(spec->linux->unsupported, std::vector<std::string>{"process.scheduler"});
}

TEST(ConfigTest, ValidationRules) {
  struct Case {
    const char* name;
    void (*edit)(Json&);
    const char* message;
  };
  const Case cases[] = {
      {"no ociVersion", [](Json& c) { c.erase("ociVersion"); },
       "ociVersion: missing required property"},
      {"ociVersion 2", [](Json& c) { c["ociVersion"] = "2.0.0"; },
       "ociVersion: unsupported version \"2.0.0\" (runw supports 1.x)"},
      {"ociVersion 10", [](Json& c) { c["ociVersion"] = "10.0"; },
       "ociVersion: unsupported version \"10.0\" (runw supports 1.x)"},
      {"empty root", [](Json& c) { c["root"]["path"] = ""; }, "root.path: must not be empty"},
      {"no root", [](Json& c) { c.erase("root"); }, "root.path: must not be empty"},
      {"empty args", [](Json& c) { c["process"]["args"] = Json::array(); },
       "process.args: must not be empty"},
      {"relative cwd", [](Json& c) { c["process"]["cwd"] = "work"; },
       "process.cwd: must be an absolute path, not \"work\""},
      {"bad env", [](Json& c) { c["process"]["env"] = J(R"(["A=1", "JUSTNAME"])"); },
       "process.env[1]: \"JUSTNAME\" is not of the form KEY=VALUE"},
      {"unknown rlimit",
       [](Json& c) {
         c["process"]["rlimits"] = {{{"type", "RLIMIT_FOO"}, {"hard", 1}, {"soft", 1}}};
       },
       "process.rlimits[0].type: unknown rlimit type \"RLIMIT_FOO\""},
      {"duplicate rlimit",
       [](Json& c) {
         Json r = {{"type", "RLIMIT_NOFILE"}, {"hard", 1}, {"soft", 1}};
         Json other = {{"type", "RLIMIT_RTTIME"}, {"hard", 1}, {"soft", 1}};
         c["process"]["rlimits"] = {r, other, r};
       },
       "process.rlimits[2].type: duplicate rlimit type RLIMIT_NOFILE"},
      {"empty mount destination",
       [](Json& c) { c["mounts"] = J(R"([{"destination": "", "type": "tmpfs"}])"); },
       "mounts[0].destination: must not be empty"},
      {"relative hook", [](Json& c) { c["hooks"] = J(R"({"createRuntime": [{"path": "hook"}]})"); },
       "hooks.createRuntime[0].path: must be an absolute path, not \"hook\""},
      {"zero hook timeout",
       [](Json& c) { c["hooks"] = J(R"({"poststart": [{"path": "/h", "timeout": 0}]})"); },
       "hooks.poststart[0].timeout: must be greater than zero"},
      {"duplicate namespace",
       [](Json& c) { c["linux"]["namespaces"].push_back(J(R"({"type": "pid"})")); },
       "linux.namespaces[2]: duplicate namespace type \"pid\""},
      {"relative namespace path",
       [](Json& c) {
         c["linux"]["namespaces"].push_back(J(R"({"type": "ipc", "path": "ns/ipc"})"));
       },
       "linux.namespaces[2].path: must be an absolute path, not \"ns/ipc\""},
      {"user ns without uid mappings",
       [](Json& c) { c["linux"]["namespaces"].push_back(J(R"({"type": "user"})")); },
       "user namespaces enabled, but no uid mappings found"},
      {"user ns without gid mappings",
       [](Json& c) {
         c["linux"]["namespaces"].push_back({{"type", "user"}});
         c["linux"]["uidMappings"] = {{{"containerID", 0}, {"hostID", 1000}, {"size", 1}}};
       },
       "user namespaces enabled, but no gid mappings found"},
      {"mappings without user ns",
       [](Json& c) {
         c["linux"]["gidMappings"] = {{{"containerID", 0}, {"hostID", 1000}, {"size", 1}}};
       },
       "user namespace mappings given, but user namespaces are not enabled"},
      {"bad propagation", [](Json& c) { c["linux"]["rootfsPropagation"] = "rprivat"; },
       "linux.rootfsPropagation: unknown propagation \"rprivat\""},
      {"bad device type",
       [](Json& c) { c["linux"]["devices"] = J(R"([{"type": "x", "path": "/dev/x"}])"); },
       "linux.devices[0].type: unknown device type \"x\" (want c, b, u or p)"},
      {"relative device path",
       [](Json& c) { c["linux"]["devices"] = J(R"([{"type": "c", "path": "dev/x"}])"); },
       "linux.devices[0].path: must be an absolute path, not \"dev/x\""},
      {"bad device rule access",
       [](Json& c) {
         c["linux"]["resources"] = {{"devices", {{{"allow", true}, {"access", "rwx"}}}}};
       },
       "linux.resources.devices[0].access: \"rwx\" is not a combination of r, w and m"},
      {"net sysctl without netns",
       [](Json& c) { c["linux"]["sysctl"] = J(R"({"net.ipv4.ip_forward": "1"})"); },
       "linux.sysctl[\"net.ipv4.ip_forward\"]: cannot be set without a private network "
       "namespace (it would change the host's)"},
      {"slashed net sysctl without netns",
       [](Json& c) { c["linux"]["sysctl"] = J(R"({"net/core/somaxconn": "1"})"); },
       "linux.sysctl[\"net/core/somaxconn\"]: cannot be set without a private network "
       "namespace (it would change the host's)"},
      {"ipc sysctl without ipc ns",
       [](Json& c) { c["linux"]["sysctl"] = J(R"({"fs.mqueue.msg_max": "1"})"); },
       "linux.sysctl[\"fs.mqueue.msg_max\"]: cannot be set without a private ipc "
       "namespace (it would change the host's)"},
      {"hostname sysctl without uts ns",
       [](Json& c) { c["linux"]["sysctl"] = J(R"({"kernel.hostname": "x"})"); },
       "linux.sysctl[\"kernel.hostname\"]: cannot be set without a private uts "
       "namespace (it would change the host's)"},
      {"host-wide sysctl", [](Json& c) { c["linux"]["sysctl"] = J(R"({"vm.swappiness": "1"})"); },
       "linux.sysctl[\"vm.swappiness\"]: is not namespaced, so a container may not set it"},
      {"hostname without uts ns", [](Json& c) { c["hostname"] = "box"; },
       "unable to set hostname without a private UTS namespace"},
      {"domainname without uts ns", [](Json& c) { c["domainname"] = "example.org"; },
       "unable to set domainname without a private UTS namespace"},
      {"bad seccomp default",
       [](Json& c) { c["linux"]["seccomp"] = J(R"({"defaultAction": "SCMP_ACT_DENY"})"); },
       "linux.seccomp.defaultAction: unknown seccomp action \"SCMP_ACT_DENY\""},
      {"bad seccomp action",
       [](Json& c) {
         c["linux"]["seccomp"] = {
             {"defaultAction", "SCMP_ACT_ALLOW"},
             {"syscalls", {{{"names", {"kill"}}, {"action", "SCMP_ACT_KILL_ALL"}}}}};
       },
       "linux.seccomp.syscalls[0].action: unknown seccomp action \"SCMP_ACT_KILL_ALL\""},
      {"bad seccomp operator",
       [](Json& c) {
         c["linux"]["seccomp"] = {
             {"defaultAction", "SCMP_ACT_ALLOW"},
             {"syscalls",
              {{{"names", {"kill"}},
                {"action", "SCMP_ACT_ERRNO"},
                {"args", {{{"index", 0}, {"value", 1}, {"op", "SCMP_CMP_XX"}}}}}}}};
       },
       "linux.seccomp.syscalls[0].args[0].op: unknown seccomp operator \"SCMP_CMP_XX\""},
      {"relative masked path",
       [](Json& c) { c["linux"]["maskedPaths"] = J(R"(["/ok", "proc/kcore"])"); },
       "linux.maskedPaths[1]: must be an absolute path"},
      {"relative readonly path", [](Json& c) { c["linux"]["readonlyPaths"] = {"sys"}; },
       "linux.readonlyPaths[0]: must be an absolute path"},
      {"bad personality", [](Json& c) { c["linux"]["personality"] = J(R"({"domain": "BSD"})"); },
       "linux.personality.domain: unknown domain \"BSD\" (want LINUX or LINUX32)"},
  };
  ASSERT_EQ(ValidateError(MinimalConfig()), "");
  for (const Case& c : cases) {
    Json config = MinimalConfig();
    c.edit(config);
    EXPECT_EQ(ValidateError(config), c.message) << c.name;
  }
}

TEST(ConfigTest, ValidationAccepts) {
  struct Case {
    const char* name;
    void (*edit)(Json&);
  };
  const Case cases[] = {
      {"no process", [](Json& c) { c.erase("process"); }},
      {"relative mount destination",
       [](Json& c) { c["mounts"] = J(R"([{"destination": "tmp", "type": "tmpfs"}])"); }},
      {"joined user ns without mappings",
       [](Json& c) {
         c["linux"]["namespaces"].push_back({{"type", "user"}, {"path", "/proc/1/ns/user"}});
       }},
      {"hostname with uts ns",
       [](Json& c) {
         c["hostname"] = "box";
         c["linux"]["namespaces"].push_back({{"type", "uts"}});
       }},
      {"namespaced sysctls",
       [](Json& c) {
         c["linux"]["namespaces"].push_back({{"type", "network"}});
         c["linux"]["namespaces"].push_back({{"type", "ipc"}});
         c["linux"]["sysctl"] = {{"net.ipv4.ping_group_range", "0 0"}, {"kernel.msgmax", "1"}};
       }},
      {"every propagation", [](Json& c) { c["linux"]["rootfsPropagation"] = "runbindable"; }},
      {"every rlimit",
       [](Json& c) {
         Json rlimits = Json::array();
         for (const char* n :
              {"RLIMIT_AS", "RLIMIT_CORE", "RLIMIT_CPU", "RLIMIT_DATA", "RLIMIT_FSIZE",
               "RLIMIT_LOCKS", "RLIMIT_MEMLOCK", "RLIMIT_MSGQUEUE", "RLIMIT_NICE", "RLIMIT_NOFILE",
               "RLIMIT_NPROC", "RLIMIT_RSS", "RLIMIT_RTPRIO", "RLIMIT_RTTIME", "RLIMIT_SIGPENDING",
               "RLIMIT_STACK"}) {
           rlimits.push_back({{"type", n}, {"hard", 2}, {"soft", 1}});
         }
         c["process"]["rlimits"] = rlimits;
       }},
      {"every seccomp action",
       [](Json& c) {
         Json syscalls = Json::array();
         for (const char* a : {"SCMP_ACT_KILL", "SCMP_ACT_KILL_PROCESS", "SCMP_ACT_KILL_THREAD",
                               "SCMP_ACT_TRAP", "SCMP_ACT_ERRNO", "SCMP_ACT_TRACE",
                               "SCMP_ACT_ALLOW", "SCMP_ACT_LOG", "SCMP_ACT_NOTIFY"}) {
           syscalls.push_back({{"names", {"getpid"}}, {"action", a}});
         }
         c["linux"]["seccomp"] = {{"defaultAction", "SCMP_ACT_LOG"}, {"syscalls", syscalls}};
       }},
  };
  for (const Case& c : cases) {
    Json config = MinimalConfig();
    c.edit(config);
    EXPECT_EQ(ValidateError(config), "") << c.name;
  }
}

TEST(ConfigTest, DefaultSpecRoundTrips) {
  auto spec = ParseSpec(DefaultSpecJson(false));
  ASSERT_TRUE(spec) << spec.error();
  auto valid = ValidateSpec(*spec);
  EXPECT_TRUE(valid) << valid.error();
  EXPECT_EQ(spec->oci_version, "1.2.0");
  ASSERT_TRUE(spec->process);
  EXPECT_TRUE(spec->process->terminal);
  EXPECT_EQ(spec->process->args, std::vector<std::string>{"sh"});
  EXPECT_EQ(spec->process->cwd, "/");
  EXPECT_EQ(EnvLookup(spec->process->env, "TERM"), "xterm");
  ASSERT_TRUE(spec->process->capabilities);
  EXPECT_EQ(spec->process->capabilities->bounding,
            (std::vector<std::string>{"CAP_AUDIT_WRITE", "CAP_KILL", "CAP_NET_BIND_SERVICE"}));
  ASSERT_EQ(spec->process->rlimits.size(), 1u);
  EXPECT_EQ(spec->process->rlimits[0].hard, 1024u);
  EXPECT_TRUE(spec->process->no_new_privileges);
  EXPECT_EQ(spec->root.path, "rootfs");
  EXPECT_TRUE(spec->root.readonly);
  EXPECT_EQ(spec->hostname, "runw");
  ASSERT_EQ(spec->mounts.size(), 7u);
  EXPECT_EQ(spec->mounts[6].destination, "/sys/fs/cgroup");
  ASSERT_TRUE(spec->linux);
  EXPECT_EQ(spec->linux->namespaces.size(), 6u);
  ASSERT_TRUE(spec->linux->resources);
  ASSERT_EQ(spec->linux->resources->devices.size(), 1u);
  EXPECT_FALSE(spec->linux->resources->devices[0].allow);
  EXPECT_EQ(spec->linux->masked_paths.size(), 10u);
  EXPECT_EQ(spec->linux->readonly_paths.size(), 5u);
  EXPECT_TRUE(spec->linux->uid_mappings.empty());
  // Written for people to edit: indented, one property a line.
  EXPECT_NE(DefaultSpecJson(false).find("\n  \"process\": {\n"), std::string::npos);
}

TEST(ConfigTest, RootlessDefaultSpecRoundTrips) {
  auto spec = ParseSpec(DefaultSpecJson(true));
  ASSERT_TRUE(spec) << spec.error();
  auto valid = ValidateSpec(*spec);
  EXPECT_TRUE(valid) << valid.error();
  ASSERT_TRUE(spec->linux);
  const Linux& l = *spec->linux;
  bool user = false;
  for (const Namespace& ns : l.namespaces) {
    EXPECT_NE(ns.type, NamespaceType::kNetwork);
    if (ns.type == NamespaceType::kUser) user = true;
  }
  EXPECT_TRUE(user);
  ASSERT_EQ(l.uid_mappings.size(), 1u);
  EXPECT_EQ(l.uid_mappings[0].container_id, 0u);
  EXPECT_EQ(l.uid_mappings[0].host_id, getuid());
  EXPECT_EQ(l.uid_mappings[0].size, 1u);
  ASSERT_EQ(l.gid_mappings.size(), 1u);
  EXPECT_EQ(l.gid_mappings[0].host_id, getgid());
  EXPECT_FALSE(l.resources);
  bool sys_bind = false;
  for (const Mount& m : spec->mounts) {
    EXPECT_NE(m.type, "sysfs");
    EXPECT_NE(m.type, "cgroup");
    for (const std::string& o : m.options)
      EXPECT_FALSE(o.starts_with("gid=")) << m.destination;
    if (m.destination == "/sys") {
      sys_bind = m.source == "/sys" &&
                 std::find(m.options.begin(), m.options.end(), "rbind") != m.options.end();
    }
  }
  EXPECT_TRUE(sys_bind);
}

TEST(ConfigTest, ParseProcess) {
  auto p = ParseProcess(R"json({"args": ["/bin/true"], "cwd": "/", "env": ["A=b"],
                                "user": {"uid": 5, "gid": 6}, "terminal": null})json");
  ASSERT_TRUE(p) << p.error();
  EXPECT_EQ(p->args, std::vector<std::string>{"/bin/true"});
  EXPECT_EQ(p->user.uid, 5u);
  EXPECT_FALSE(p->terminal);
  EXPECT_TRUE(ValidateProcess(*p, "process"));

  auto bad = ParseProcess(R"json({"args": ["x"], "cwd": "/", "rlimits": [{"type": 1}]})json");
  ASSERT_FALSE(bad);
  EXPECT_EQ(bad.error(), "rlimits[0].type: expected a string");

  auto unsupported = ParseProcess(R"json({"args": ["x"], "cwd": "/",
                                          "scheduler": {"policy": "SCHED_RR"}})json");
  ASSERT_FALSE(unsupported);
  EXPECT_EQ(unsupported.error(), "scheduler: not supported by runw");

  auto relative = ParseProcess(R"json({"args": ["x"], "cwd": "tmp"})json");
  ASSERT_TRUE(relative) << relative.error();
  auto valid = ValidateProcess(*relative, "exec");
  ASSERT_FALSE(valid);
  EXPECT_EQ(valid.error(), "exec.cwd: must be an absolute path, not \"tmp\"");
  valid = ValidateProcess(*relative, "");
  ASSERT_FALSE(valid);
  EXPECT_EQ(valid.error(), "cwd: must be an absolute path, not \"tmp\"");

  auto not_object = ParseProcess("\"sh\"");
  ASSERT_FALSE(not_object);
  EXPECT_EQ(not_object.error(), "expected an object");
}

TEST(ConfigTest, ParseResources) {
  auto r = ParseResources(R"json({"memory": {"limit": -1, "swap": 1073741824},
                                  "cpu": {"quota": 50000, "period": 100000, "cpus": "1"},
                                  "pids": {"limit": 64},
                                  "unified": {"memory.max": "max"}})json");
  ASSERT_TRUE(r) << r.error();
  ASSERT_TRUE(r->memory);
  EXPECT_EQ(r->memory->limit, -1);
  EXPECT_EQ(r->memory->swap, 1073741824);
  ASSERT_TRUE(r->cpu);
  EXPECT_EQ(r->cpu->quota, 50000);
  EXPECT_EQ(r->cpu->cpus, "1");
  ASSERT_TRUE(r->pids);
  EXPECT_EQ(r->pids->limit, 64);
  EXPECT_EQ(r->unified.at("memory.max"), "max");
  EXPECT_FALSE(r->block_io);

  auto bad = ParseResources(R"json({"cpu": {"shares": -2}})json");
  ASSERT_FALSE(bad);
  EXPECT_EQ(bad.error(), "cpu.shares: expected an unsigned integer");

  auto rdma = ParseResources(R"json({"rdma": {"mlx5_1": {"hcaObjects": 2}}})json");
  ASSERT_FALSE(rdma);
  EXPECT_EQ(rdma.error(), "rdma: not supported by runw");

  auto syntax = ParseResources("{\"memory\": ");
  ASSERT_FALSE(syntax);
  EXPECT_TRUE(syntax.error().starts_with("invalid JSON: ")) << syntax.error();
}

}  // namespace
}  // namespace runw::oci
