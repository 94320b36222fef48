// `runw exec`: another process in a container that is already set up.
//
// Processes:
//
//   runw exec (parent)
//     └─ joiner: enters every namespace of the container's init through
//        │       /proc/<init>/ns/* (user first, so that the others are joined
//        │       with its privileges; mount last of the usual ones), then forks
//        │       the exec process — it has to fork, because joining a pid
//        │       namespace only places the *children* in it
//        └─ exec process: waits until the parent has put it in the container's
//                  cgroup, then sets up the console, cwd, rlimits, and checks
//                  the program (PrepareWorkload); drops privileges
//                  (FinalizeProcess: user, capabilities, no_new_privs,
//                  seccomp) and runs the workload: a WASI module in this
//                  process, or a native program by execve.
//
// In the foreground the joiner stays, waits for the exec process and exits with
// its status (128+N when signal N ended it), so `runw exec` can wait for the
// joiner; runw forwards the signals it gets to the exec process. PDEATHSIG links
// the chain, so that killing `runw exec` (CRI-O does, to end an exec) ends the
// process too. With --detach the joiner exits as soon as the exec process is
// forked: the process is re-parented to the caller's subreaper (conmon, the
// shim), which reaps it and takes its status, as after `create`.
//
// The parent and its children talk over one SOCK_SEQPACKET socketpair with
// close-on-exec set: a type byte and a payload per message. The exec process
// reports any setup error there, so that `runw exec` prints it as its one error
// line and exits 1 without a pid file (conmon tells "runtime failed" from
// "command failed" by the pid file). A native program's execve closes the
// socket; an execve that fails reports on it instead.
//
// A terminal goes to --console-socket; in the foreground without one, to a
// private socket of runw's, which then relays the pty (terminal-relay.h) until
// the joiner exits.
#include "oci/exec.h"

#include <fcntl.h>
#include <sched.h>
#include <signal.h>
#include <sys/prctl.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cctype>
#include <cerrno>
#include <charconv>
#include <climits>
#include <cstdio>
#include <cstdlib>
#include <utility>

#include "oci/cgroups.h"
#include "oci/console.h"
#include "oci/linux.h"
#include "oci/log.h"
#include "oci/terminal-relay.h"
#include "oci/util.h"
#include "oci/workload.h"

namespace runw::oci {
namespace {

// Message types on the sync socket.
enum Msg : char {
  kExecPid = 'P',          // joiner -> parent: the exec process's pid (payload: decimal)
  kGo = 'G',               // parent -> exec process: you are in the cgroup
  kRunning = 'O',          // exec process -> parent: the wasm module is about to start
  kExecve = 'X',           // exec process -> parent: execve next; end of file means it worked
  kError = kErrorMessage,  // child -> parent (payload: the message)
};

// The entry of /proc/<pid>/ns for a namespace type.
std::string_view ProcNsName(NamespaceType type) {
  switch (type) {
    case NamespaceType::kNetwork:
      return "net";
    case NamespaceType::kMount:
      return "mnt";
    default:
      return NamespaceName(type);
  }
}

// The order namespaces are joined in: user first (it grants the capabilities
// the other setns calls need when the container has its own user namespace),
// mount last, because joining it changes the root and working directory and
// /proc (where the fds came from) may no longer be the host's afterwards.
int JoinRank(NamespaceType type) {
  if (type == NamespaceType::kUser) return 0;
  if (type == NamespaceType::kMount) return 2;
  return 1;
}

struct NamespaceFd {
  NamespaceType type;
  int fd;
};

// Closes the namespace fds the parent opened when it leaves Exec.
struct NamespaceFds {
  std::vector<NamespaceFd> fds;
  ~NamespaceFds() {
    for (const NamespaceFd& n : fds)
      close(n.fd);
  }
};

bool SameNamespace(int fd, const char* own) {
  struct stat a = {}, b = {};
  return fstat(fd, &a) == 0 && stat(own, &b) == 0 && a.st_dev == b.st_dev && a.st_ino == b.st_ino;
}

// Opens the namespaces of the init for each type the container's config names
// (whether the init made it or joined it by path, it is in it now).
Expected<void> OpenNamespaces(pid_t init, const Spec& spec, NamespaceFds& out) {
  if (!spec.linux) return {};
  for (int rank = 0; rank <= 2; ++rank) {
    for (const Namespace& ns : spec.linux->namespaces) {
      if (JoinRank(ns.type) != rank) continue;
      std::string path =
          "/proc/" + std::to_string(init) + "/ns/" + std::string(ProcNsName(ns.type));
      int fd = open(path.c_str(), O_RDONLY | O_CLOEXEC);
      if (fd < 0) return Fail(SysError("open " + path));
      // setns refuses (EINVAL) to "join" the user namespace the caller is
      // already in, which is the case when the config names the host's.
      if (ns.type == NamespaceType::kUser && SameNamespace(fd, "/proc/self/ns/user")) {
        close(fd);
        continue;
      }
      out.fds.push_back({ns.type, fd});
    }
  }
  return {};
}

Expected<uint32_t> ParseId(std::string_view text, std::string_view what) {
  uint32_t value = 0;
  auto [end, ec] = std::from_chars(text.data(), text.data() + text.size(), value);
  if (text.empty() || ec != std::errc() || end != text.data() + text.size()) {
    return Fail("parsing " + std::string(text) + " as int for " + std::string(what) + " failed");
  }
  return value;
}

// Sets KEY=VALUE in `env`, replacing an earlier value of KEY: getenv and WASI's
// environ_get readers take the first match, so an appended duplicate would be
// ignored.
void SetEnv(std::vector<std::string>& env, const std::string& entry) {
  size_t eq = entry.find('=');
  if (eq != std::string::npos) {
    std::string_view key(entry.data(), eq + 1);
    for (std::string& e : env) {
      if (std::string_view(e).starts_with(key)) {
        e = entry;
        return;
      }
    }
  }
  env.push_back(entry);
}

// The process to run: the --process file as given, or the container's own
// process with the command and the flags applied (runc's rules).
Expected<Process> BuildProcess(const Spec& spec, const ExecOptions& options) {
  if (!options.process_file.empty()) {
    std::string text = RUNW_OCI_TRY(ReadSmallFile(options.process_file));
    auto process = ParseProcess(text);
    if (!process) return Fail(options.process_file + ": " + process.error());
    if (auto valid = ValidateProcess(*process, "process"); !valid) {
      return Fail(options.process_file + ": " + valid.error());
    }
    return process;
  }
  if (options.args.empty()) return Fail("exec args cannot be empty");
  Process process = spec.process.value_or(Process{});
  process.args = options.args;
  for (const std::string& e : options.env)
    SetEnv(process.env, e);
  if (!options.cwd.empty()) process.cwd = options.cwd;
  if (process.cwd.empty()) process.cwd = "/";
  process.terminal = options.tty;
  if (!options.user.empty()) {
    std::string_view user = options.user;
    size_t colon = user.find(':');
    process.user.uid = RUNW_OCI_TRY(ParseId(user.substr(0, colon), "uid"));
    if (colon != std::string_view::npos) {
      process.user.gid = RUNW_OCI_TRY(ParseId(user.substr(colon + 1), "gid"));
    }
  }
  if (!options.cap.empty()) {
    if (!process.capabilities) process.capabilities.emplace();
    Capabilities& caps = *process.capabilities;
    for (std::string name : options.cap) {
      for (char& ch : name)
        ch = static_cast<char>(std::toupper(static_cast<unsigned char>(ch)));
      if (!name.starts_with("CAP_")) name = "CAP_" + name;
      caps.bounding.push_back(name);
      caps.effective.push_back(name);
      caps.permitted.push_back(name);
      // An ambient capability must also be inheritable; --cap adds none to the
      // inheritable set, so ambient only grows when the config already uses it.
      if (!caps.inheritable.empty()) {
        caps.inheritable.push_back(name);
        caps.ambient.push_back(name);
      }
    }
  }
  if (options.no_new_privs) process.no_new_privileges = true;
  RUNW_OCI_CHECK(ValidateProcess(process, "process"));
  return process;
}

// Everything the children need, prepared before the fork.
struct ExecContext {
  const Spec* spec = nullptr;
  const Process* process = nullptr;
  std::map<std::string, std::string> annotations;
  const NamespaceFds* namespaces = nullptr;
  bool detach = false;
  int preserve_fds = 0;
  int sync_fd = -1;     // the children's end of the socketpair
  int console_fd = -1;  // connected console socket, or -1
  pid_t parent = 0;     // `runw exec` itself
};

// execve, with a failure reported to the parent instead of the container's
// stderr (RunWorkload would print it there).
[[noreturn]] void ExecNative(const Workload& workload, const Process& process, int sync_fd) {
  std::vector<char*> argv = CStringArray(process.args);
  std::vector<char*> envp = CStringArray(process.env);
  SendMessage(sync_fd, kExecve);
  execve(workload.path.c_str(), argv.data(), envp.data());
  SendErrorAndExit(sync_fd, SysError("exec " + workload.path));
}

[[noreturn]] void RunExecProcess(ExecContext& c) {
  const Process& process = *c.process;
  // The joiner ignores the terminal's signals (below); this process takes the
  // defaults, as a freshly exec'd program would, so that a wasm module ends
  // the way a native one would.
  struct sigaction dfl = {};
  dfl.sa_handler = SIG_DFL;
  for (int sig = 1; sig < NSIG; ++sig)
    sigaction(sig, &dfl, nullptr);
  sigset_t none;
  sigemptyset(&none);
  sigprocmask(SIG_SETMASK, &none, nullptr);
  if (!c.detach) prctl(PR_SET_PDEATHSIG, SIGKILL);

  auto go = ReceiveMessage(c.sync_fd);
  if (!go || go->first != kGo) _exit(1);

  if (c.console_fd >= 0) {
    // The pty becomes the controlling terminal of a session of its own.
    setsid();
    if (auto r = SetupConsole(c.console_fd, process.console_size); !r) {
      SendErrorAndExit(c.sync_fd, r.error());
    }
  }
  // Joining the mount namespace left this process at the container's root.
  if (chdir(process.cwd.c_str()) != 0) {
    SendErrorAndExit(c.sync_fd, "chdir to cwd (\"" + process.cwd +
                                    "\") set in config.json failed: " + ErrnoText(errno));
  }
  if (auto r = ApplyRlimits(process.rlimits); !r) SendErrorAndExit(c.sync_fd, r.error());
  if (auto r = ApplyOomScoreAdj(process); !r) SendErrorAndExit(c.sync_fd, r.error());
  const Spec& spec = *c.spec;
  std::optional<Seccomp> seccomp = spec.linux ? spec.linux->seccomp : std::nullopt;
  if (auto r = CheckProcessSettings(process, seccomp); !r) SendErrorAndExit(c.sync_fd, r.error());
  auto workload = PrepareWorkload(process, c.annotations);
  if (!workload) SendErrorAndExit(c.sync_fd, workload.error());

  CloexecFrom(3 + c.preserve_fds);
  if (auto r = FinalizeProcess(process, seccomp); !r) SendErrorAndExit(c.sync_fd, r.error());
  if (!workload->wasm) ExecNative(*workload, process, c.sync_fd);
  SendMessage(c.sync_fd, kRunning);
  close(c.sync_fd);
  int status = RunWorkload(*workload, process, WasmLimitsFor(spec), c.preserve_fds);
  std::fflush(nullptr);
  _exit(status);
}

[[noreturn]] void RunJoiner(ExecContext& c) {
  // Tied to `runw exec` in the foreground; in both modes a parent that died
  // before the exec process started means nobody wants it any more.
  prctl(PR_SET_PDEATHSIG, SIGKILL);
  if (getppid() != c.parent) _exit(1);
  // A terminal's ^C reaches the whole foreground process group; the joiner
  // must outlive it to pass the exec process's status on (runw forwards it).
  for (int sig : kForwardedSignals)
    signal(sig, SIG_IGN);

  for (const NamespaceFd& ns : c.namespaces->fds) {
    if (setns(ns.fd, CloneFlag(ns.type)) != 0) {
      SendErrorAndExit(c.sync_fd, SysError("join the " + std::string(NamespaceName(ns.type)) +
                                           " namespace of the container"));
    }
    close(ns.fd);
  }
  pid_t child = fork();
  if (child < 0) SendErrorAndExit(c.sync_fd, SysError("fork the exec process"));
  if (child == 0) RunExecProcess(c);
  if (c.console_fd >= 0) close(c.console_fd);
  SendMessage(c.sync_fd, kExecPid, std::to_string(child));
  // Only the exec process may hold the children's end now: the parent sees end
  // of file when its execve closes it.
  close(c.sync_fd);
  if (c.detach) _exit(0);
  int status = 0;
  while (waitpid(child, &status, 0) < 0) {
    if (errno != EINTR) _exit(1);
  }
  _exit(WIFEXITED(status) ? WEXITSTATUS(status) : 128 + WTERMSIG(status));
}

}  // namespace

Expected<int> Exec(const RuntimeOptions& rt, const ExecOptions& options) {
  RUNW_OCI_CHECK(ValidateId(options.id));
  std::string dir = ContainerDir(rt.root, options.id);
  std::optional<ContainerState> loaded = RUNW_OCI_TRY(LoadState(dir));
  if (!loaded) return Fail("container does not exist");
  const ContainerState& state = *loaded;
  switch (DeriveStatus(dir, state)) {
    case Status::kStopped:
      return Fail("cannot exec in a stopped container");
    case Status::kPaused:
      return Fail("cannot exec in a paused container");
    default:
      break;
  }

  std::string config_text = RUNW_OCI_TRY(ReadSmallFile(dir + "/config.json"));
  auto parsed = ParseSpec(config_text);
  if (!parsed) return Fail("config.json: " + parsed.error());
  const Spec& spec = *parsed;
  Process process = RUNW_OCI_TRY(BuildProcess(spec, options));
  if (process.terminal && options.detach && options.console_socket.empty()) {
    return Fail("cannot allocate tty if runw will detach without setting console socket");
  }
  if (!process.terminal && !options.console_socket.empty()) {
    return Fail("cannot use console socket if runw will not detach or allocate tty");
  }
  std::string cgroup_text = RUNW_OCI_TRY(ReadSmallFile(dir + "/cgroup.json"));
  Cgroup cgroup = RUNW_OCI_TRY(Cgroup::FromJson(cgroup_text));

  NamespaceFds namespaces;
  RUNW_OCI_CHECK(OpenNamespaces(state.init_pid, spec, namespaces));
  // The fds must be the init's namespaces, not those of a process that took
  // its pid after it exited.
  std::optional<ProcStat> st = ReadProcStat(state.init_pid);
  if (!st || st->state == 'Z' || st->start_time != state.init_start_time) {
    return Fail("cannot exec in a stopped container");
  }

  ExecContext ctx;
  ctx.spec = &spec;
  ctx.process = &process;
  ctx.annotations = spec.annotations;
  ctx.namespaces = &namespaces;
  ctx.detach = options.detach;
  ctx.preserve_fds = options.preserve_fds;
  ctx.parent = getpid();
  struct CloseFd {
    int fd;
    ~CloseFd() {
      if (fd >= 0) close(fd);
    }
  };
  // With a terminal and no socket in the foreground, runw serves the terminal
  // itself (terminal-relay.h): the process gets a private socket in place of
  // the caller's, and its pty has runw's window size from the start.
  CloseFd relay_socket{-1};
  if (process.terminal && !options.console_socket.empty()) {
    ctx.console_fd = RUNW_OCI_TRY(ConnectConsoleSocket(options.console_socket));
  } else if (process.terminal) {
    LocalConsoleSocket local = RUNW_OCI_TRY(MakeLocalConsoleSocket());
    relay_socket.fd = local.runw_end;
    ctx.console_fd = local.container_end;
    if (std::optional<ConsoleSize> size = OuterTerminalSize()) process.console_size = size;
  }
  CloseFd close_console{ctx.console_fd};

  int sv[2];
  if (socketpair(AF_UNIX, SOCK_SEQPACKET | SOCK_CLOEXEC, 0, sv) != 0) {
    return Fail(SysError("socketpair"));
  }
  ctx.sync_fd = sv[1];
  std::fflush(nullptr);
  pid_t joiner = fork();
  if (joiner < 0) {
    close(sv[0]);
    close(sv[1]);
    return Fail(SysError("fork"));
  }
  if (joiner == 0) {
    close(sv[0]);
    RunJoiner(ctx);
  }
  close(sv[1]);
  CloseFd close_sync{sv[0]};
  int sync = sv[0];
  // Only the children may hold the console socket now: a relay then sees end
  // of file, not a hang, if the process dies before sending the master.
  if (ctx.console_fd >= 0) close(std::exchange(close_console.fd, -1));
  auto reap_joiner = [&] {
    int status = 0;
    while (waitpid(joiner, &status, 0) < 0 && errno == EINTR) {
    }
    return status;
  };

  pid_t child = 0;
  auto msg = ReceiveMessage(sync);
  if (msg && msg->first == kExecPid) {
    child = std::atoi(msg->second.c_str());
  } else {
    reap_joiner();
    if (msg && msg->first == kError) return Fail(msg->second);
    return Fail("exec: the process ended while joining the container");
  }
  // Undoes a failed start: the process is not reported, so it must not run.
  auto abandon = [&](std::string message) -> Expected<int> {
    kill(child, SIGKILL);
    reap_joiner();
    return Fail(std::move(message));
  };
  if (auto r = cgroup.AddProcess(child); !r) return abandon(r.error());

  if (!options.detach) ForwardSignalsTo(child);
  if (!SendMessage(sync, kGo)) return abandon("exec: the process ended during setup");
  bool started = false;
  for (;;) {
    msg = ReceiveMessage(sync);
    if (!msg) break;  // end of file: execve succeeded, or the process died
    if (msg->first == kError) {
      ForwardSignalsTo(0);
      reap_joiner();
      return Fail(msg->second);
    }
    if (msg->first == kRunning || msg->first == kExecve) started = true;
  }
  if (!started) {
    ForwardSignalsTo(0);
    reap_joiner();
    return Fail("exec: the process ended during setup");
  }
  if (!options.pid_file.empty()) {
    if (auto r = WriteFileAtomic(AbsolutePath(options.pid_file), std::to_string(child), 0644); !r) {
      ForwardSignalsTo(0);
      return abandon(r.error());
    }
  }
  LogDebug("exec in container " + options.id + ": pid " + std::to_string(child));
  if (options.detach) {
    reap_joiner();
    return 0;
  }
  if (relay_socket.fd >= 0) {
    // The process sent the master before it reported that it started.
    auto master = ReceiveConsoleMaster(relay_socket.fd, true);
    if (!master || !*master) {
      ForwardSignalsTo(0);
      return abandon(master ? "exec: the process sent no terminal" : master.error());
    }
    CloseFd close_master{**master};
    if (auto relayed = RelayTerminal(**master, joiner); !relayed) {
      // Nobody can serve the process's terminal any more.
      kill(child, SIGKILL);
      LogError(relayed.error());
    }
  }
  int status = reap_joiner();
  ForwardSignalsTo(0);
  return WIFEXITED(status) ? WEXITSTATUS(status) : 128 + WTERMSIG(status);
}

}  // namespace runw::oci
