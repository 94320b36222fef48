// The per-process half of the container setup (see linux.h): hostname, sysctl,
// rlimits, OOM score, and FinalizeProcess — credentials, capabilities,
// no_new_privs and the seccomp filter.
//
// FinalizeProcess's order matters, because each step can take away what a
// later one needs:
//   1. bounding set drop   needs CAP_SETPCAP in the effective set, which a
//                          switch to a non-root uid clears — so it goes first
//   2. groups, gid, uid    with PR_SET_KEEPCAPS, so the permitted set survives
//                          the uid switch and step 4 can pick from it
//   3. umask
//   4. seccomp, when no_new_privileges is false: loading a filter without
//      no_new_privs needs CAP_SYS_ADMIN, so it happens while the process still
//      has it (effective raised back to permitted). The filter is then already
//      active for the capset/prctl calls of step 5; a profile that denies
//      those makes FinalizeProcess fail (runc has the same constraint).
//   5. capabilities        effective/permitted/inheritable, then ambient
//   6. no_new_privs
//   7. seccomp, when no_new_privileges is true: as late as possible, so the
//      filter need not allow the setup's own system calls.
//
// `process.capabilities` absent means "leave the capabilities alone": a root
// container keeps what the init has, and a switch to another uid loses them as
// the kernel's setuid rules say.
#include <fcntl.h>
#include <grp.h>
#include <seccomp.h>
#include <sys/capability.h>
#include <sys/prctl.h>
#include <sys/resource.h>
#include <sys/stat.h>
#include <unistd.h>

#include <algorithm>
#include <cctype>
#include <cerrno>
#include <cstring>
#include <map>
#include <set>

#include "oci/linux.h"
#include "oci/state.h"
#include "oci/util.h"

namespace runw::oci {
namespace {

// ---- small file helpers -------------------------------------------------------

Expected<void> WriteProcFile(const std::string& path, const std::string& value,
                             const std::string& what) {
  if (int err = WriteOnce(path, value, O_NOFOLLOW)) return Fail(what + ": " + ErrnoText(err));
  return {};
}

// ---- rlimits ------------------------------------------------------------------

std::optional<int> RlimitResource(std::string_view name) {
  static constexpr std::pair<std::string_view, int> kLimits[] = {
      {"RLIMIT_AS", RLIMIT_AS},
      {"RLIMIT_CORE", RLIMIT_CORE},
      {"RLIMIT_CPU", RLIMIT_CPU},
      {"RLIMIT_DATA", RLIMIT_DATA},
      {"RLIMIT_FSIZE", RLIMIT_FSIZE},
      {"RLIMIT_LOCKS", RLIMIT_LOCKS},
      {"RLIMIT_MEMLOCK", RLIMIT_MEMLOCK},
      {"RLIMIT_MSGQUEUE", RLIMIT_MSGQUEUE},
      {"RLIMIT_NICE", RLIMIT_NICE},
      {"RLIMIT_NOFILE", RLIMIT_NOFILE},
      {"RLIMIT_NPROC", RLIMIT_NPROC},
      {"RLIMIT_RSS", RLIMIT_RSS},
      {"RLIMIT_RTPRIO", RLIMIT_RTPRIO},
      {"RLIMIT_RTTIME", RLIMIT_RTTIME},
      {"RLIMIT_SIGPENDING", RLIMIT_SIGPENDING},
      {"RLIMIT_STACK", RLIMIT_STACK},
  };
  for (const auto& [n, v] : kLimits) {
    if (n == name) return v;
  }
  return std::nullopt;
}

// ---- capabilities -------------------------------------------------------------

// A capability name as the spec writes it ("CAP_NET_RAW") to its number.
// libcap also accepts bare numbers and lower case; the spec does not, so the
// prefix is required here and the case folded for libcap.
Expected<cap_value_t> CapabilityValue(const std::string& name) {
  if (!name.starts_with("CAP_")) return Fail("unknown capability \"" + name + "\"");
  std::string lower = name;
  for (char& c : lower)
    c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  cap_value_t value = 0;
  if (cap_from_name(lower.c_str(), &value) != 0) {
    return Fail("unknown capability \"" + name + "\"");
  }
  return value;
}

// The set's capabilities that this kernel knows. A name libcap knows but the
// running kernel does not (an older kernel) cannot be granted anyway; it is
// left out rather than failing every container written for newer kernels.
Expected<std::vector<cap_value_t>> CapabilitySet(const std::vector<std::string>& names) {
  std::vector<cap_value_t> values;
  int kernel_caps = static_cast<int>(cap_max_bits());
  for (const std::string& name : names) {
    cap_value_t v = RUNW_OCI_TRY(CapabilityValue(name));
    if (v < kernel_caps) values.push_back(v);
  }
  return values;
}

Expected<void> CheckCapabilities(const Capabilities& caps) {
  for (const auto* set :
       {&caps.bounding, &caps.effective, &caps.inheritable, &caps.permitted, &caps.ambient}) {
    for (const std::string& name : *set)
      RUNW_OCI_CHECK(CapabilityValue(name));
  }
  return {};
}

Expected<void> DropBoundingSet(const Capabilities& caps) {
  std::vector<cap_value_t> keep = RUNW_OCI_TRY(CapabilitySet(caps.bounding));
  int kernel_caps = static_cast<int>(cap_max_bits());
  for (cap_value_t v = 0; v < kernel_caps; ++v) {
    if (std::find(keep.begin(), keep.end(), v) != keep.end()) continue;
    if (CAP_IS_SUPPORTED(v) == 0) continue;
    if (cap_drop_bound(v) != 0) {
      char* name = cap_to_name(v);
      std::string text = name != nullptr ? name : std::to_string(v);
      cap_free(name);
      return Fail(SysError("drop " + text + " from the bounding set"));
    }
  }
  return {};
}

Expected<void> SetCapabilitySets(const Capabilities& caps) {
  cap_t state = cap_init();  // all clear
  if (state == nullptr) return Fail(SysError("cap_init"));
  struct Free {
    cap_t c;
    ~Free() { cap_free(c); }
  } free_state{state};
  for (auto [flag, names] :
       {std::pair{CAP_EFFECTIVE, &caps.effective}, std::pair{CAP_PERMITTED, &caps.permitted},
        std::pair{CAP_INHERITABLE, &caps.inheritable}}) {
    std::vector<cap_value_t> values = RUNW_OCI_TRY(CapabilitySet(*names));
    if (values.empty()) continue;
    if (cap_set_flag(state, flag, static_cast<int>(values.size()), values.data(), CAP_SET) != 0) {
      return Fail(SysError("cap_set_flag"));
    }
  }
  if (cap_set_proc(state) != 0) return Fail(SysError("set the process capabilities"));

  // Ambient capabilities must be both permitted and inheritable; the kernel
  // refuses anything else with EPERM, which names the culprit below.
  if (CAP_AMBIENT_SUPPORTED()) {
    if (cap_reset_ambient() != 0) return Fail(SysError("clear the ambient capabilities"));
  } else if (!caps.ambient.empty()) {
    return Fail("ambient capabilities are not supported by this kernel");
  }
  for (const std::string& name : caps.ambient) {
    cap_value_t v = RUNW_OCI_TRY(CapabilityValue(name));
    if (v >= static_cast<int>(cap_max_bits())) continue;
    if (cap_set_ambient(v, CAP_SET) != 0) return Fail(SysError("raise ambient " + name));
  }
  return {};
}

// Makes the effective set equal the permitted set, which a switch away from
// uid 0 clears even with PR_SET_KEEPCAPS.
Expected<void> RaiseEffective() {
  cap_t state = cap_get_proc();
  if (state == nullptr) return Fail(SysError("cap_get_proc"));
  struct Free {
    cap_t c;
    ~Free() { cap_free(c); }
  } free_state{state};
  if (cap_fill(state, CAP_EFFECTIVE, CAP_PERMITTED) != 0) return Fail(SysError("cap_fill"));
  if (cap_set_proc(state) != 0) return Fail(SysError("raise the effective capabilities"));
  return {};
}

Expected<void> ClearCapabilities() {
  cap_t state = cap_init();
  if (state == nullptr) return Fail(SysError("cap_init"));
  int rc = cap_set_proc(state);
  int err = errno;
  cap_free(state);
  if (rc != 0) return Fail("clear the process capabilities: " + ErrnoText(err));
  return {};
}

// ---- credentials --------------------------------------------------------------

Expected<void> SetCredentials(const User& user, bool keep_caps) {
  bool switch_uid = geteuid() != user.uid;
  if (switch_uid && keep_caps && prctl(PR_SET_KEEPCAPS, 1, 0, 0, 0) != 0) {
    return Fail(SysError("prctl PR_SET_KEEPCAPS"));
  }
  std::vector<gid_t> groups(user.additional_gids.begin(), user.additional_gids.end());
  if (setgroups(groups.size(), groups.empty() ? nullptr : groups.data()) != 0) {
    // In a user namespace whose setgroups file says "deny", clearing the list
    // is impossible; with no groups requested there is nothing to apply.
    bool denied =
        errno == EPERM && ReadSmallFile("/proc/self/setgroups").value_or("").starts_with("deny");
    if (!groups.empty() || !denied) return Fail(SysError("setgroups"));
  }
  if (setresgid(user.gid, user.gid, user.gid) != 0) {
    return Fail(SysError("setgid " + std::to_string(user.gid)));
  }
  if (setresuid(user.uid, user.uid, user.uid) != 0) {
    return Fail(SysError("setuid " + std::to_string(user.uid)));
  }
  if (switch_uid && keep_caps && prctl(PR_SET_KEEPCAPS, 0, 0, 0, 0) != 0) {
    return Fail(SysError("prctl PR_SET_KEEPCAPS"));
  }
  return {};
}

// ---- seccomp ------------------------------------------------------------------

Expected<uint32_t> SeccompAction(const std::string& name, std::optional<uint32_t> errno_ret) {
  uint32_t err = errno_ret.value_or(EPERM);
  if (name == "SCMP_ACT_KILL" || name == "SCMP_ACT_KILL_THREAD") return SCMP_ACT_KILL_THREAD;
  if (name == "SCMP_ACT_KILL_PROCESS") return SCMP_ACT_KILL_PROCESS;
  if (name == "SCMP_ACT_TRAP") return SCMP_ACT_TRAP;
  if (name == "SCMP_ACT_ERRNO") return SCMP_ACT_ERRNO(err);
  if (name == "SCMP_ACT_TRACE") return SCMP_ACT_TRACE(err);
  if (name == "SCMP_ACT_ALLOW") return SCMP_ACT_ALLOW;
  if (name == "SCMP_ACT_LOG") return SCMP_ACT_LOG;
  if (name == "SCMP_ACT_NOTIFY") return Fail("seccomp action SCMP_ACT_NOTIFY is not supported");
  return Fail("unknown seccomp action \"" + name + "\"");
}

Expected<scmp_compare> SeccompOperator(const std::string& name) {
  static constexpr std::pair<std::string_view, scmp_compare> kOps[] = {
      {"SCMP_CMP_NE", SCMP_CMP_NE},
      {"SCMP_CMP_LT", SCMP_CMP_LT},
      {"SCMP_CMP_LE", SCMP_CMP_LE},
      {"SCMP_CMP_EQ", SCMP_CMP_EQ},
      {"SCMP_CMP_GE", SCMP_CMP_GE},
      {"SCMP_CMP_GT", SCMP_CMP_GT},
      {"SCMP_CMP_MASKED_EQ", SCMP_CMP_MASKED_EQ},
  };
  for (const auto& [n, v] : kOps) {
    if (n == name) return v;
  }
  return Fail("unknown seccomp operator \"" + name + "\"");
}

// "SCMP_ARCH_X86_64" -> libseccomp's token for "x86_64".
Expected<uint32_t> SeccompArch(const std::string& name) {
  if (!name.starts_with("SCMP_ARCH_")) return Fail("unknown seccomp architecture \"" + name + "\"");
  std::string lower = name.substr(10);
  for (char& c : lower)
    c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  uint32_t arch = lower.empty() ? 0 : seccomp_arch_resolve_name(lower.c_str());
  if (arch == 0) return Fail("unknown seccomp architecture \"" + name + "\"");
  return arch;
}

Expected<std::optional<scmp_filter_attr>> SeccompFlag(const std::string& name) {
  if (name == "SECCOMP_FILTER_FLAG_TSYNC") return SCMP_FLTATR_CTL_TSYNC;
  if (name == "SECCOMP_FILTER_FLAG_LOG") return SCMP_FLTATR_CTL_LOG;
  if (name == "SECCOMP_FILTER_FLAG_SPEC_ALLOW") return SCMP_FLTATR_CTL_SSB;
  return Fail("seccomp flag \"" + name + "\" is not supported");
}

Expected<void> CheckSeccomp(const Seccomp& seccomp) {
  if (!seccomp.listener_path.empty()) {
    return Fail("seccomp notify (listenerPath) is not supported");
  }
  RUNW_OCI_CHECK(SeccompAction(seccomp.default_action, seccomp.default_errno_ret));
  for (const std::string& arch : seccomp.architectures)
    RUNW_OCI_CHECK(SeccompArch(arch));
  for (const std::string& flag : seccomp.flags)
    RUNW_OCI_CHECK(SeccompFlag(flag));
  for (const SeccompSyscall& sc : seccomp.syscalls) {
    RUNW_OCI_CHECK(SeccompAction(sc.action, sc.errno_ret));
    for (const SeccompArg& arg : sc.args) {
      RUNW_OCI_CHECK(SeccompOperator(arg.op));
      if (arg.index >= 6) {
        return Fail("seccomp argument index " + std::to_string(arg.index) + " is out of range");
      }
    }
  }
  return {};
}

std::string SeccompText(std::string_view what, int rc) {
  return std::string(what) + ": " + ErrnoText(-rc);
}

Expected<void> LoadSeccomp(const Seccomp& seccomp) {
  RUNW_OCI_CHECK(CheckSeccomp(seccomp));
  uint32_t default_action =
      RUNW_OCI_TRY(SeccompAction(seccomp.default_action, seccomp.default_errno_ret));
  scmp_filter_ctx ctx = seccomp_init(default_action);
  if (ctx == nullptr) return Fail("seccomp_init: could not create the seccomp filter");
  struct Release {
    scmp_filter_ctx c;
    ~Release() { seccomp_release(c); }
  } release{ctx};

  for (const std::string& name : seccomp.architectures) {
    uint32_t arch = RUNW_OCI_TRY(SeccompArch(name));
    int rc = seccomp_arch_add(ctx, arch);
    if (rc != 0 && rc != -EEXIST) return Fail(SeccompText("add seccomp architecture " + name, rc));
  }
  for (const std::string& name : seccomp.flags) {
    auto attr = RUNW_OCI_TRY(SeccompFlag(name));
    if (!attr) continue;
    int rc = seccomp_attr_set(ctx, *attr, 1);
    if (rc != 0) return Fail(SeccompText("set seccomp flag " + name, rc));
  }
  // Whether no_new_privs is wanted is FinalizeProcess's decision, not
  // libseccomp's (which would set it by default).
  if (int rc = seccomp_attr_set(ctx, SCMP_FLTATR_CTL_NNP, 0); rc != 0) {
    return Fail(SeccompText("seccomp_attr_set", rc));
  }

  for (const SeccompSyscall& sc : seccomp.syscalls) {
    uint32_t action = RUNW_OCI_TRY(SeccompAction(sc.action, sc.errno_ret));
    // libseccomp refuses a rule that repeats the default action; such a rule
    // changes nothing anyway.
    if (action == default_action) continue;
    std::vector<scmp_arg_cmp> args;
    std::set<uint32_t> indexes;
    bool repeated_index = false;
    for (const SeccompArg& a : sc.args) {
      scmp_compare op = RUNW_OCI_TRY(SeccompOperator(a.op));
      args.push_back(scmp_arg_cmp{a.index, op, a.value, a.value_two});
      repeated_index |= !indexes.insert(a.index).second;
    }
    for (const std::string& name : sc.names) {
      int nr = seccomp_syscall_resolve_name(name.c_str());
      // Profiles list system calls of many kernels and architectures; a name
      // this libseccomp does not know cannot be called here either.
      if (nr == __NR_SCMP_ERROR) continue;
      auto add = [&](const scmp_arg_cmp* first, unsigned count) -> Expected<void> {
        int rc = seccomp_rule_add_array(ctx, action, nr, count, first);
        if (rc != 0) return Fail(SeccompText("add seccomp rule for " + name, rc));
        return {};
      };
      // libseccomp takes one comparison per argument in a rule; several for
      // the same argument become one rule each (any of them matches).
      if (repeated_index) {
        for (const scmp_arg_cmp& a : args)
          RUNW_OCI_CHECK(add(&a, 1));
      } else {
        RUNW_OCI_CHECK(add(args.data(), static_cast<unsigned>(args.size())));
      }
    }
  }
  if (int rc = seccomp_load(ctx); rc != 0) return Fail(SeccompText("load the seccomp filter", rc));
  return {};
}

}  // namespace

Expected<void> SetHostname(const Spec& spec) {
  if (spec.hostname.empty() && spec.domainname.empty()) return {};
  // Without a UTS namespace of its own the container would rename the host.
  bool uts =
      spec.linux && std::any_of(spec.linux->namespaces.begin(), spec.linux->namespaces.end(),
                                [](const Namespace& ns) { return ns.type == NamespaceType::kUts; });
  if (!uts) return Fail("unable to set hostname without a private UTS namespace");
  if (!spec.hostname.empty() && sethostname(spec.hostname.data(), spec.hostname.size()) != 0) {
    return Fail(SysError("sethostname " + spec.hostname));
  }
  if (!spec.domainname.empty() &&
      setdomainname(spec.domainname.data(), spec.domainname.size()) != 0) {
    return Fail(SysError("setdomainname " + spec.domainname));
  }
  return {};
}

Expected<void> ApplySysctl(const Spec& spec) {
  if (!spec.linux) return {};
  auto has_ns = [&](NamespaceType type) {
    return std::any_of(spec.linux->namespaces.begin(), spec.linux->namespaces.end(),
                       [&](const Namespace& ns) { return ns.type == type; });
  };
  for (const auto& [key, value] : spec.linux->sysctl) {
    if (key.empty() || key.find('/') != std::string::npos || key.find("..") != std::string::npos ||
        key.front() == '.' || key.back() == '.') {
      return Fail("sysctl \"" + key + "\" is not a valid key");
    }
    // Only namespaced keys may be set: anything else would change the host.
    bool ipc = key.starts_with("fs.mqueue.") || key == "kernel.msgmax" || key == "kernel.msgmnb" ||
               key == "kernel.msgmni" || key == "kernel.sem" || key == "kernel.shmall" ||
               key == "kernel.shmmax" || key == "kernel.shmmni" || key == "kernel.shm_rmid_forced";
    bool allowed =
        (ipc && has_ns(NamespaceType::kIpc)) ||
        (key.starts_with("net.") && has_ns(NamespaceType::kNetwork)) ||
        ((key == "kernel.hostname" || key == "kernel.domainname") && has_ns(NamespaceType::kUts));
    if (!allowed) return Fail("sysctl \"" + key + "\" is not in a separate kernel namespace");
    std::string path = "/proc/sys/" + key;
    std::replace(path.begin() + 10, path.end(), '.', '/');
    RUNW_OCI_CHECK(WriteProcFile(path, value, "write sysctl " + key));
  }
  return {};
}

Expected<void> ApplyRlimits(const std::vector<Rlimit>& rlimits) {
  for (const Rlimit& r : rlimits) {
    std::optional<int> resource = RlimitResource(r.type);
    if (!resource) return Fail("unknown rlimit \"" + r.type + "\"");
    rlimit value{static_cast<rlim_t>(r.soft), static_cast<rlim_t>(r.hard)};
    if (setrlimit(static_cast<__rlimit_resource_t>(*resource), &value) != 0) {
      return Fail(SysError("setrlimit " + r.type));
    }
  }
  return {};
}

Expected<void> ApplyOomScoreAdj(const Process& process) {
  if (!process.oom_score_adj) return {};
  return WriteProcFile("/proc/self/oom_score_adj", std::to_string(*process.oom_score_adj),
                       "write /proc/self/oom_score_adj");
}

Expected<void> CheckProcessSettings(const Process& process, const std::optional<Seccomp>& seccomp) {
  if (process.capabilities) RUNW_OCI_CHECK(CheckCapabilities(*process.capabilities));
  if (seccomp) RUNW_OCI_CHECK(CheckSeccomp(*seccomp));
  return {};
}

Expected<void> FinalizeProcess(const Process& process, const std::optional<Seccomp>& seccomp) {
  RUNW_OCI_CHECK(CheckProcessSettings(process, seccomp));
  const std::optional<Capabilities>& caps = process.capabilities;
  bool leaves_root = geteuid() == 0 && process.user.uid != 0;
  bool early_seccomp = seccomp.has_value() && !process.no_new_privileges;

  if (caps) RUNW_OCI_CHECK(DropBoundingSet(*caps));
  // Keep the permitted set across the uid switch when a later step needs it:
  // the capability sets from the config, or CAP_SYS_ADMIN for the filter.
  RUNW_OCI_CHECK(SetCredentials(process.user, caps.has_value() || early_seccomp));
  if (process.user.umask) umask(static_cast<mode_t>(*process.user.umask & 07777));

  if (early_seccomp) {
    RUNW_OCI_CHECK(RaiseEffective());
    RUNW_OCI_CHECK(LoadSeccomp(*seccomp));
  }
  if (caps) {
    RUNW_OCI_CHECK(SetCapabilitySets(*caps));
  } else if (leaves_root && early_seccomp) {
    // What the uid switch would have done without PR_SET_KEEPCAPS.
    RUNW_OCI_CHECK(ClearCapabilities());
  }
  if (process.no_new_privileges && prctl(PR_SET_NO_NEW_PRIVS, 1, 0, 0, 0) != 0) {
    return Fail(SysError("prctl PR_SET_NO_NEW_PRIVS"));
  }
  if (seccomp && !early_seccomp) RUNW_OCI_CHECK(LoadSeccomp(*seccomp));
  return {};
}

}  // namespace runw::oci
