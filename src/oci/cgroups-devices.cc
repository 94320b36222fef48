// Device access rules on cgroup v2 (see cgroups-devices.h).
//
// The program is generated here, instruction by instruction, rather than
// compiled from C with clang and libbpf: it is a short straight line of
// compares whose shape depends only on the rule list, and generating it keeps
// runw free of a BPF toolchain and of libbpf. bpf(2) is called directly.
#include "oci/cgroups-devices.h"

#include <fcntl.h>
#include <sys/syscall.h>
#include <unistd.h>

#include <cerrno>
#include <cstddef>
#include <cstring>
#include <limits>
#include <nlohmann/json.hpp>
#include <optional>
#include <utility>

#include "oci/util.h"

namespace runw::oci {
namespace {

// ---- The instruction emitter ----------------------------------------------------------
//
// Registers of the generated program:
//   r1  the context (struct bpf_cgroup_dev_ctx *), as the kernel passes it;
//   r2  the device type (BPF_DEVCG_DEV_BLOCK or BPF_DEVCG_DEV_CHAR);
//   r3  the access bits (BPF_DEVCG_ACC_*) asked for and not yet decided;
//   r4  the major number, r5 the minor number;
//   r6  scratch;
//   r0  the verdict: 1 allow, 0 deny.
constexpr uint8_t kCtx = 1, kType = 2, kPending = 3, kMajor = 4, kMinor = 5, kScratch = 6,
                  kResult = 0;

class Emitter {
 public:
  // A forward jump whose target is not known yet; Bind() fills it in.
  using Label = std::vector<size_t>;

  void LoadCtxWord(uint8_t dst, int16_t offset) {
    Emit(BPF_LDX | BPF_MEM | BPF_W, dst, kCtx, offset, 0);
  }
  void MovReg(uint8_t dst, uint8_t src) { Emit(BPF_ALU64 | BPF_MOV | BPF_X, dst, src, 0, 0); }
  void MovImm(uint8_t dst, int32_t imm) { Emit(BPF_ALU64 | BPF_MOV | BPF_K, dst, 0, 0, imm); }
  void AndImm(uint8_t dst, int32_t imm) { Emit(BPF_ALU64 | BPF_AND | BPF_K, dst, 0, 0, imm); }
  void RshImm(uint8_t dst, int32_t imm) { Emit(BPF_ALU64 | BPF_RSH | BPF_K, dst, 0, 0, imm); }
  void Exit() { Emit(BPF_JMP | BPF_EXIT, 0, 0, 0, 0); }

  // if (dst != value) goto label. `dst` holds a zero-extended 32-bit value.
  // Values up to INT32_MAX use the 64-bit compare every kernel with cgroup
  // device programs (4.15) has; larger ones would be sign-extended there, so
  // they compare the low 32 bits instead (BPF_JMP32, Linux 5.1).
  void JumpIfNot(uint8_t dst, uint32_t value, Label& label) {
    if (value <= static_cast<uint32_t>(std::numeric_limits<int32_t>::max())) {
      JumpImm(BPF_JMP | BPF_JNE | BPF_K, dst, static_cast<int32_t>(value), label);
    } else {
      JumpImm(BPF_JMP32 | BPF_JNE | BPF_K, dst, static_cast<int32_t>(value), label);
    }
  }
  // if (dst == imm) goto label; if (dst != imm) goto label.
  void JumpIfEq(uint8_t dst, int32_t imm, Label& label) {
    JumpImm(BPF_JMP | BPF_JEQ | BPF_K, dst, imm, label);
  }
  void JumpIfNe(uint8_t dst, int32_t imm, Label& label) {
    JumpImm(BPF_JMP | BPF_JNE | BPF_K, dst, imm, label);
  }

  // Points every jump recorded in `label` at the next instruction emitted.
  void Bind(Label& label) {
    for (size_t at : label) {
      // Offsets count from the instruction after the jump.
      code_[at].off = static_cast<int16_t>(code_.size() - at - 1);
    }
    label.clear();
  }

  std::vector<bpf_insn> Take() { return std::move(code_); }

 private:
  void Emit(uint8_t code, uint8_t dst, uint8_t src, int16_t off, int32_t imm) {
    bpf_insn insn = {};
    insn.code = code;
    insn.dst_reg = dst & 0xf;
    insn.src_reg = src & 0xf;
    insn.off = off;
    insn.imm = imm;
    code_.push_back(insn);
  }
  void JumpImm(uint8_t code, uint8_t dst, int32_t imm, Label& label) {
    label.push_back(code_.size());
    Emit(code, dst, 0, 0, imm);
  }

  std::vector<bpf_insn> code_;
};

// A rule reduced to what the program compares.
struct Match {
  bool allow = false;
  uint32_t type = 0;  // BPF_DEVCG_DEV_*; 0 for any
  std::optional<uint32_t> major, minor;
  uint32_t access = 0;  // BPF_DEVCG_ACC_*
};

constexpr uint32_t kAllAccess = BPF_DEVCG_ACC_MKNOD | BPF_DEVCG_ACC_READ | BPF_DEVCG_ACC_WRITE;

// nullopt for a rule that can match no device at all (a number beyond 32 bits).
std::optional<Match> Reduce(const DeviceRule& rule) {
  Match m;
  m.allow = rule.allow;
  if (rule.type == "c") m.type = BPF_DEVCG_DEV_CHAR;
  if (rule.type == "b") m.type = BPF_DEVCG_DEV_BLOCK;
  for (auto [from, to] : {std::pair{&rule.major, &m.major}, {&rule.minor, &m.minor}}) {
    if (!*from || **from < 0) continue;  // wildcard
    if (**from > std::numeric_limits<uint32_t>::max()) return std::nullopt;
    *to = static_cast<uint32_t>(**from);
  }
  for (char c : rule.access) {
    if (c == 'm') m.access |= BPF_DEVCG_ACC_MKNOD;
    if (c == 'r') m.access |= BPF_DEVCG_ACC_READ;
    if (c == 'w') m.access |= BPF_DEVCG_ACC_WRITE;
  }
  if (rule.access.empty()) m.access = kAllAccess;
  return m;
}

// ---- bpf(2) ---------------------------------------------------------------------------

// The license string of the program. The kernel reads it only to decide
// whether the program may call GPL-only helpers; this one calls no helper at
// all, so any string is accepted and nothing depends on its value.
constexpr char kProgramLicense[] = "Apache-2.0";

int Bpf(int cmd, bpf_attr& attr) {
  return static_cast<int>(syscall(__NR_bpf, cmd, &attr, sizeof attr));
}

uint64_t Pointer(const void* p) {
  return reinterpret_cast<uintptr_t>(p);
}

struct Fd {
  int fd = -1;
  Fd() = default;
  explicit Fd(int f) : fd(f) {}
  Fd(Fd&& o) noexcept : fd(std::exchange(o.fd, -1)) {}
  Fd& operator=(Fd&& o) noexcept {
    std::swap(fd, o.fd);
    return *this;
  }
  ~Fd() {
    if (fd >= 0) close(fd);
  }
};

// The last non-empty line of the verifier's log: the reason it refused.
std::string LastLogLine(const char* log) {
  std::string_view text(log);
  while (!text.empty() && text.back() == '\n')
    text.remove_suffix(1);
  size_t nl = text.rfind('\n');
  return std::string(nl == std::string_view::npos ? text : text.substr(nl + 1));
}

Expected<Fd> LoadProgram(const std::vector<bpf_insn>& insns) {
  bpf_attr attr = {};
  attr.prog_type = BPF_PROG_TYPE_CGROUP_DEVICE;
  attr.insns = Pointer(insns.data());
  attr.insn_cnt = static_cast<uint32_t>(insns.size());
  attr.license = Pointer(kProgramLicense);
  std::memcpy(attr.prog_name, kDeviceProgramName, sizeof kDeviceProgramName);
  int fd = Bpf(BPF_PROG_LOAD, attr);
  if (fd >= 0) return Fd(fd);
  int err = errno;
  std::string what = "load the device cgroup eBPF program: " + ErrnoText(err);
  if (err == ENOSYS) what += " (this kernel has no bpf(2))";
  if (err == EPERM) what += " (loading eBPF programs needs CAP_BPF or CAP_SYS_ADMIN)";
  if (err == EINVAL || err == EACCES) {
    // Ask again with the verifier's log, which says what it disliked.
    std::vector<char> log(64 * 1024);
    attr.log_level = 1;
    attr.log_buf = Pointer(log.data());
    attr.log_size = static_cast<uint32_t>(log.size());
    int again = Bpf(BPF_PROG_LOAD, attr);
    if (again >= 0) return Fd(again);
    log.back() = '\0';
    std::string line = LastLogLine(log.data());
    if (!line.empty()) what += " (verifier: " + line + ")";
  }
  return Fail(what);
}

// The ids of the device programs attached directly to the cgroup `dir_fd`.
Expected<std::vector<uint32_t>> AttachedPrograms(int dir_fd, const std::string& dir) {
  std::vector<uint32_t> ids(16);
  while (true) {
    bpf_attr attr = {};
    attr.query.target_fd = static_cast<uint32_t>(dir_fd);
    attr.query.attach_type = BPF_CGROUP_DEVICE;
    attr.query.prog_ids = Pointer(ids.data());
    attr.query.prog_cnt = static_cast<uint32_t>(ids.size());
    if (Bpf(BPF_PROG_QUERY, attr) == 0) {
      ids.resize(attr.query.prog_cnt);
      return ids;
    }
    // ENOSPC: more programs than room; prog_cnt now says how many.
    if (errno == ENOSPC && attr.query.prog_cnt > ids.size()) {
      ids.resize(attr.query.prog_cnt);
      continue;
    }
    return Fail(SysError("query the device cgroup programs of " + dir));
  }
}

// Fds of the programs among `ids` that runw attached (by name). A program that
// went away meanwhile, or that cannot be opened, is not runw's concern.
std::vector<Fd> OwnPrograms(const std::vector<uint32_t>& ids) {
  std::vector<Fd> own;
  for (uint32_t id : ids) {
    bpf_attr attr = {};
    attr.prog_id = id;
    Fd fd(Bpf(BPF_PROG_GET_FD_BY_ID, attr));
    if (fd.fd < 0) continue;
    bpf_prog_info info = {};
    bpf_attr get = {};
    get.info.bpf_fd = static_cast<uint32_t>(fd.fd);
    get.info.info_len = sizeof info;
    get.info.info = Pointer(&info);
    if (Bpf(BPF_OBJ_GET_INFO_BY_FD, get) != 0) continue;
    if (std::strncmp(info.name, kDeviceProgramName, sizeof info.name) == 0) {
      own.push_back(std::move(fd));
    }
  }
  return own;
}

}  // namespace

// The program: load the context into registers, then one block per rule, LAST
// rule first, each deciding the access bits it matches that no later rule
// decided:
//
//   r2 = ctx->access_type & 0xffff; r3 = ctx->access_type >> 16
//   r4 = ctx->major; r5 = ctx->minor
//   for each rule, from the last to the first:
//     if (type/major/minor differ) goto next
//     if ((r3 & rule.access) == 0) goto next   // decides nothing still open
//     deny:  return 0                          // a bit asked for is denied
//     allow: r3 &= ~rule.access                // those bits are allowed
//            if (r3 != 0) goto next
//            return 1                          // every bit asked for is allowed
//   next: ...
//   return 1                                   // bits no rule matched: allowed
//
// Scanning backwards, the first rule met that matches the device and carries a
// still-open bit is the last rule for that bit, which decides it; hence a deny
// can return at once and an allow only closes its bits. A rule that matches
// every device and every access (typically the leading "deny all") decides all
// that is still open, so the rules before it are never consulted and are not
// emitted.
std::vector<bpf_insn> BuildDeviceProgram(std::span<const DeviceRule> rules) {
  std::vector<Match> matches;
  for (const DeviceRule& rule : rules) {
    if (auto m = Reduce(rule)) matches.push_back(*m);
  }
  size_t first = 0;
  for (size_t i = matches.size(); i-- > 0;) {
    const Match& m = matches[i];
    if (m.type == 0 && !m.major && !m.minor && m.access == kAllAccess) {
      first = i;
      break;
    }
  }

  Emitter e;
  e.LoadCtxWord(kType, offsetof(bpf_cgroup_dev_ctx, access_type));
  e.MovReg(kPending, kType);
  e.AndImm(kType, 0xffff);
  e.RshImm(kPending, 16);
  e.LoadCtxWord(kMajor, offsetof(bpf_cgroup_dev_ctx, major));
  e.LoadCtxWord(kMinor, offsetof(bpf_cgroup_dev_ctx, minor));
  for (size_t i = matches.size(); i-- > first;) {
    const Match& m = matches[i];
    Emitter::Label next;
    if (m.type != 0) e.JumpIfNot(kType, m.type, next);
    if (m.major) e.JumpIfNot(kMajor, *m.major, next);
    if (m.minor) e.JumpIfNot(kMinor, *m.minor, next);
    e.MovReg(kScratch, kPending);
    e.AndImm(kScratch, static_cast<int32_t>(m.access));
    e.JumpIfEq(kScratch, 0, next);
    if (m.allow) {
      e.AndImm(kPending, static_cast<int32_t>(kAllAccess & ~m.access));
      e.JumpIfNe(kPending, 0, next);
      e.MovImm(kResult, 1);
    } else {
      e.MovImm(kResult, 0);
    }
    e.Exit();
    e.Bind(next);
  }
  e.MovImm(kResult, 1);
  e.Exit();
  return e.Take();
}

Expected<void> AttachDeviceProgram(const std::string& cgroup_dir,
                                   std::span<const DeviceRule> rules) {
  Fd dir(open(cgroup_dir.c_str(), O_RDONLY | O_DIRECTORY | O_CLOEXEC));
  if (dir.fd < 0) return Fail(SysError("open " + cgroup_dir));
  // Listed before the new program is attached, so that it is not among them.
  std::vector<uint32_t> ids = RUNW_OCI_TRY(AttachedPrograms(dir.fd, cgroup_dir));
  std::vector<Fd> old = OwnPrograms(ids);

  Fd prog = RUNW_OCI_TRY(LoadProgram(BuildDeviceProgram(rules)));
  bpf_attr attach = {};
  attach.target_fd = static_cast<uint32_t>(dir.fd);
  attach.attach_bpf_fd = static_cast<uint32_t>(prog.fd);
  attach.attach_type = BPF_CGROUP_DEVICE;
  // ALLOW_MULTI lets the program sit beside those others attached (a systemd
  // unit's own device policy, say); the kernel then requires all of them to
  // allow an access.
  attach.attach_flags = BPF_F_ALLOW_MULTI;
  if (Bpf(BPF_PROG_ATTACH, attach) != 0) {
    int err = errno;
    std::string what =
        "attach the device cgroup eBPF program to " + cgroup_dir + ": " + ErrnoText(err);
    if (err == EPERM && !ids.empty()) {
      what += " (a program attached there without BPF_F_ALLOW_MULTI admits no other)";
    }
    return Fail(what);
  }
  // Only now, with the new rules in force, the old ones go. In between both
  // apply (an access needs both to allow it), which is never looser than
  // either alone.
  for (const Fd& p : old) {
    bpf_attr detach = {};
    detach.target_fd = static_cast<uint32_t>(dir.fd);
    detach.attach_bpf_fd = static_cast<uint32_t>(p.fd);
    detach.attach_type = BPF_CGROUP_DEVICE;
    if (Bpf(BPF_PROG_DETACH, detach) != 0 && errno != ENOENT) {
      return Fail(SysError("detach the previous device cgroup eBPF program from " + cgroup_dir));
    }
  }
  return {};
}

void AddDefaultDeviceRules(const Linux& linux, std::vector<DeviceRule>& rules) {
  if (rules.empty()) return;
  auto allow = [&](std::string type, std::optional<int64_t> major, std::optional<int64_t> minor,
                   std::string access) {
    rules.push_back(DeviceRule{true, std::move(type), major, minor, std::move(access)});
  };
  allow("c", std::nullopt, std::nullopt, "m");
  allow("b", std::nullopt, std::nullopt, "m");
  for (auto [major, minor] :
       {std::pair{1, 3}, {1, 5}, {1, 7}, {1, 8}, {1, 9}, {5, 0}, {5, 1}, {5, 2}, {10, 200}}) {
    allow("c", major, minor, "rwm");
  }
  allow("c", 136, std::nullopt, "rwm");  // /dev/pts/*
  for (const Device& d : linux.devices) {
    if (d.type == "c" || d.type == "b") allow(d.type, d.major, d.minor, "rwm");
  }
}

std::string DeviceRulesToJson(std::span<const DeviceRule> rules) {
  nlohmann::json list = nlohmann::json::array();
  for (const DeviceRule& r : rules) {
    nlohmann::json j = {{"allow", r.allow}};
    if (!r.type.empty()) j["type"] = r.type;
    if (r.major) j["major"] = *r.major;
    if (r.minor) j["minor"] = *r.minor;
    if (!r.access.empty()) j["access"] = r.access;
    list.push_back(std::move(j));
  }
  return list.dump(-1, ' ', false, nlohmann::json::error_handler_t::replace);
}

Expected<std::vector<DeviceRule>> DeviceRulesFromJson(std::string_view json_text) {
  nlohmann::json list = nlohmann::json::parse(json_text, nullptr, false);
  if (list.is_discarded() || !list.is_array()) return Fail("device rules: not a JSON array");
  // The resources parser already knows the field names and types.
  nlohmann::json doc = {{"devices", std::move(list)}};
  Resources r = RUNW_OCI_TRY(ParseResources(doc.dump()));
  return std::move(r.devices);
}

}  // namespace runw::oci
