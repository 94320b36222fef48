// Workload selection and execution (see workload.h).
#include "oci/workload.h"

#include <fcntl.h>
#include <signal.h>
#include <sys/stat.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <cstring>

#include "oci/util.h"
#include "wasi/command.h"
#include "wasi/wasi.h"

namespace runw::oci {
namespace {

constexpr std::string_view kDefaultPath =
    "/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin";

enum class Choice : uint8_t { kNative, kWasm, kByContent };

std::string AnnotationOr(const std::map<std::string, std::string>& a, const std::string& key) {
  auto it = a.find(key);
  return it == a.end() ? std::string() : it->second;
}

bool EndsWithWasm(const std::string& name) {
  return name.ends_with(".wasm") || name.ends_with(".wat");
}

Choice ChooseHandler(const Process& process, const std::map<std::string, std::string>& a) {
  if (AnnotationOr(a, "io.kubernetes.cri.container-type") == "sandbox" ||
      AnnotationOr(a, "io.kubernetes.cri-o.ContainerType") == "sandbox") {
    return Choice::kNative;
  }
  const std::string& arg0 = process.args.front();
  std::string handler = AnnotationOr(a, "run.oci.handler");
  if (handler == "wasm") return Choice::kWasm;
  if (handler == "wasm-smart") return EndsWithWasm(arg0) ? Choice::kWasm : Choice::kByContent;
  std::string variant = AnnotationOr(a, "module.wasm.image/variant");
  if (variant == "compat") return Choice::kWasm;
  if (variant == "compat-smart") return EndsWithWasm(arg0) ? Choice::kWasm : Choice::kByContent;
  return Choice::kByContent;
}

bool IsRegularFile(const std::string& path) {
  struct stat st = {};
  return stat(path.c_str(), &st) == 0 && S_ISREG(st.st_mode);
}

bool HasWasmMagic(const std::string& path) {
  int fd = open(path.c_str(), O_RDONLY | O_CLOEXEC);
  if (fd < 0) return false;
  char magic[4] = {};
  ssize_t n = read(fd, magic, sizeof magic);
  close(fd);
  return n == 4 && std::memcmp(magic, "\0asm", 4) == 0;
}

std::string JoinPath(const std::string& dir, const std::string& name) {
  if (dir.empty() || dir == ".") return name;
  return dir.back() == '/' ? dir + name : dir + "/" + name;
}

// Where args[0] is, before deciding anything about its contents: the first
// existing regular file of the resolution order, or empty.
std::string Locate(const std::string& arg0, const Process& process) {
  if (arg0.front() == '/') return IsRegularFile(arg0) ? arg0 : "";
  if (arg0.find('/') != std::string::npos) {
    std::string p = JoinPath(process.cwd, arg0);
    return IsRegularFile(p) ? p : "";
  }
  std::string path_var = EnvLookup(process.env, "PATH").value_or(std::string(kDefaultPath));
  size_t start = 0;
  while (start <= path_var.size()) {
    size_t end = path_var.find(':', start);
    if (end == std::string::npos) end = path_var.size();
    std::string dir = path_var.substr(start, end - start);
    if (dir.empty()) dir = process.cwd;  // an empty PATH entry means the cwd
    std::string p = JoinPath(dir, arg0);
    // A native candidate must be executable; a wasm module need not be.
    if (IsRegularFile(p) && (access(p.c_str(), X_OK) == 0 || HasWasmMagic(p))) return p;
    start = end + 1;
  }
  // A wasm image's CMD is often a bare file name in the working directory.
  std::string in_cwd = JoinPath(process.cwd, arg0);
  if (IsRegularFile(in_cwd) && HasWasmMagic(in_cwd)) return in_cwd;
  return "";
}

void TerminationHandler(int sig) {
  _exit(128 + sig);
}

}  // namespace

Expected<Workload> PrepareWorkload(const Process& process,
                                   const std::map<std::string, std::string>& annotations) {
  if (process.args.empty() || process.args.front().empty()) {
    return Fail("process.args must name the program to run");
  }
  const std::string& arg0 = process.args.front();
  Choice choice = ChooseHandler(process, annotations);
  std::string path = Locate(arg0, process);
  if (path.empty()) {
    if (arg0.find('/') == std::string::npos) {
      return Fail("exec: \"" + arg0 + "\": executable file not found in $PATH");
    }
    std::string shown = arg0.front() == '/' ? arg0 : JoinPath(process.cwd, arg0);
    return Fail("open " + shown + ": no such file or directory");
  }
  Workload w;
  w.path = path;
  w.wasm = choice == Choice::kWasm || (choice == Choice::kByContent && HasWasmMagic(path));
  if (w.wasm) {
    if (path.ends_with(".wat") && !HasWasmMagic(path)) {
      return Fail(path +
                  ": text-format (.wat) modules are not supported; assemble it with wat2wasm");
    }
    auto module = wasi::LoadModuleFile(path);
    if (!module) return Fail(module.error());
    w.module = std::move(*module);
    return w;
  }
  // Only a sandbox annotation forces native on a module; execve would refuse it
  // with ENOEXEC after `start`, when nobody is left to hear why. Say it now.
  if (HasWasmMagic(path)) {
    return Fail("exec " + path +
                ": a WebAssembly module cannot be the pod sandbox (infra) container, which runs "
                "natively");
  }
  if (access(path.c_str(), X_OK) != 0) return Fail(SysError("exec " + path));
  return w;
}

wasm::EngineLimits WasmLimitsFor(const Spec& spec) {
  wasm::EngineLimits limits;
  if (spec.linux && spec.linux->resources && spec.linux->resources->memory &&
      spec.linux->resources->memory->limit && *spec.linux->resources->memory->limit > 0) {
    // The cgroup limit covers runw itself too (its code, the compiled module,
    // the interpreter's stacks): leave it a quarter of the limit, at most 32 MiB,
    // so that the guest meets a refused memory.grow before the kernel's OOM
    // killer or reclaim thrashing meet the container.
    const uint64_t limit = static_cast<uint64_t>(*spec.linux->resources->memory->limit);
    const uint64_t headroom = std::min<uint64_t>(limit / 4, uint64_t{32} << 20);
    const uint64_t pages = (limit - headroom) / 65536;
    if (pages < limits.max_memory_pages) limits.max_memory_pages = static_cast<uint32_t>(pages);
  }
  return limits;
}

int RunWorkload(const Workload& workload, const Process& process, const wasm::EngineLimits& limits,
                int passed_fds) {
  if (!workload.wasm) {
    std::vector<char*> argv = CStringArray(process.args);
    std::vector<char*> envp = CStringArray(process.env);
    execve(workload.path.c_str(), argv.data(), envp.data());
    std::string msg = "runw: " + SysError("exec " + workload.path) + "\n";
    (void)!write(STDERR_FILENO, msg.data(), msg.size());
    return errno == ENOENT ? 127 : 126;
  }
  // WASI's view: `/` is the container's root (after pivot_root), so every mount
  // of the config is visible where it was mounted and read-only ones stay so.
  // Only `/` is preopened. Preview 1 has no working directory: wasi-libc starts
  // every program at `/` and resolves relative paths from there, and a second
  // preopen named `.` for process.cwd would tie with `/` in its prefix match and
  // capture absolute paths too. process.cwd still decides where args[0] is
  // found, and the init's own working directory.
  wasi::WasiContext ctx(process.args, process.env);
  std::string error;
  for (int fd = 3; fd < 3 + passed_fds; ++fd) {
    struct stat st;
    if (fstat(fd, &st) != 0 || !S_ISSOCK(st.st_mode)) continue;  // only sockets mean anything
    if (!ctx.AddSocket(fd, &error)) {
      std::fprintf(stderr, "runw: passing fd %d: %s\n", fd, error.c_str());
      return wasi::kStartFailureExitCode;
    }
  }
  if (!ctx.AddPreopen("/", "/", &error)) {
    std::fprintf(stderr, "runw: preopen `/`: %s\n", error.c_str());
    return wasi::kStartFailureExitCode;
  }
  return wasi::RunCommand(workload.module, ctx, limits);
}

void InstallTerminationHandlers() {
  static constexpr int kSignals[] = {SIGHUP,  SIGINT,  SIGQUIT, SIGUSR1,   SIGUSR2,
                                     SIGPIPE, SIGALRM, SIGTERM, SIGVTALRM, SIGPROF,
                                     SIGXCPU, SIGXFSZ, SIGPWR,  SIGSTKFLT};
  struct sigaction sa = {};
  sa.sa_handler = TerminationHandler;
  sigfillset(&sa.sa_mask);
  for (int sig : kSignals)
    sigaction(sig, &sa, nullptr);
}

}  // namespace runw::oci
