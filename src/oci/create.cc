// `runw create`: the container's init process and the parent that sets it up.
//
// Processes (the caller — conmon or containerd's shim — is a child subreaper):
//
//   runw create (parent)
//     └─ stage 1: joins the namespaces the config names by path, waits until the
//        │         parent has put it in the cgroup, makes the new namespaces
//        │         (user first, so the parent can write its id maps), forks
//        │         stage 2 and exits — so stage 2 lands in the new pid namespace
//        │         and is re-parented to the caller when `create` exits
//        └─ stage 2, the init: mounts, pivot_root, console, hostname, sysctl,
//                  rlimits; loads and validates the wasm module (or checks the
//                  native program) so that errors surface at create; then
//                  blocks opening exec.fifo until `start`; then runs the
//                  startContainer hooks, drops privileges (user, capabilities,
//                  no_new_privs, seccomp) and runs the workload. Its exit status
//                  is the container's.
//
// The parent and its children talk over one SOCK_SEQPACKET socketpair (one
// message per send: a type byte and a payload). The parent waits for the init's
// "ready", writes state.json and the pid file, then tells the init to go on; if
// the parent dies first, the init reads end-of-file and exits, so a `create`
// killed at any point leaves no process behind — `delete --force` removes the
// rest (directory and cgroup).
#include <fcntl.h>
#include <sched.h>
#include <signal.h>
#include <sys/prctl.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cerrno>
#include <climits>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <deque>

#include "oci/cgroups-devices.h"
#include "oci/cgroups.h"
#include "oci/console.h"
#include "oci/container.h"
#include "oci/hooks.h"
#include "oci/linux.h"
#include "oci/log.h"
#include "oci/util.h"
#include "oci/workload.h"

namespace runw::oci {
namespace {

// Message types on the sync socket.
enum Msg : char {
  kGo = 'G',               // parent -> stage 1: you are in the cgroup
  kMapsPlease = 'U',       // stage 1 -> parent: write my uid/gid maps
  kMapsDone = 'M',         // parent -> stage 1
  kInitPid = 'P',          // stage 1 -> parent: the init's pid (payload: decimal)
  kHooksPlease = 'H',      // init -> parent: run prestart and createRuntime hooks
  kHooksDone = 'h',        // parent -> init (payload: the state JSON for hooks)
  kReady = 'R',            // init -> parent (payload: "wasm" or "native")
  kCommit = 'C',           // parent -> init: state saved (payload: state JSON)
  kError = kErrorMessage,  // child -> parent (payload: the message)
};

// Which namespaces to make and which to join (by an fd opened in the parent).
struct NamespacePlan {
  int new_flags = 0;  // without CLONE_NEWUSER, which goes first on its own
  bool new_user = false;
  bool has_mount = false;
  std::vector<std::pair<NamespaceType, int>> join;
};

Expected<NamespacePlan> PlanNamespaces(const Spec& spec) {
  NamespacePlan plan;
  if (!spec.linux) return plan;
  for (const Namespace& ns : spec.linux->namespaces) {
    if (ns.type == NamespaceType::kMount) plan.has_mount = true;
    if (ns.path.empty()) {
      if (ns.type == NamespaceType::kUser) {
        plan.new_user = true;
      } else {
        plan.new_flags |= CloneFlag(ns.type);
      }
      continue;
    }
    int fd = open(ns.path.c_str(), O_RDONLY | O_CLOEXEC);
    if (fd < 0) {
      for (auto& [t, f] : plan.join)
        close(f);
      return Fail(
          SysError("open " + std::string(NamespaceName(ns.type)) + " namespace `" + ns.path + "`"));
    }
    plan.join.emplace_back(ns.type, fd);
  }
  return plan;
}

std::string IdMapText(const std::vector<IdMapping>& maps) {
  std::string text;
  for (const IdMapping& m : maps) {
    text += std::to_string(m.container_id) + " " + std::to_string(m.host_id) + " " +
            std::to_string(m.size) + "\n";
  }
  return text;
}

Expected<void> WriteIdMaps(pid_t pid, const Linux& linux) {
  std::string base = "/proc/" + std::to_string(pid);
  for (auto [file, maps] :
       {std::pair{"/uid_map", &linux.uid_mappings}, std::pair{"/gid_map", &linux.gid_mappings}}) {
    std::string text = IdMapText(*maps);
    if (text.empty()) continue;
    if (int err = WriteOnce(base + file, text)) {
      return Fail(std::string("write ") + file + ": " + ErrnoText(err));
    }
  }
  return {};
}

// Everything the child processes need, prepared by the parent before fork.
struct InitContext {
  const Spec* spec = nullptr;
  std::string bundle;  // absolute; relative bind sources are relative to it
  std::string rootfs;
  bool no_pivot = false;
  int preserve_fds = 0;
  int sync_fd = -1;       // the children's end of the socketpair
  int state_dir_fd = -1;  // for opening exec.fifo after pivot_root
  int console_fd = -1;    // connected console socket, or -1
  NamespacePlan plan;
};

[[noreturn]] void RunInit(InitContext& c) {
  const Spec& spec = *c.spec;
  const Process& process = *spec.process;
  InstallTerminationHandlers();
  // A session of its own: the caller's terminal signals stay out, and the
  // console (if any) can become this session's controlling terminal.
  setsid();

  // Relative bind-mount sources name files in the bundle, as with runc.
  if (chdir(c.bundle.c_str()) != 0) {
    SendErrorAndExit(c.sync_fd, "chdir " + c.bundle + ": " + ErrnoText(errno));
  }
  if (auto r = SetupMounts(spec, c.rootfs); !r) SendErrorAndExit(c.sync_fd, r.error());
  SendMessage(c.sync_fd, kHooksPlease);
  auto hooks_done = ReceiveMessage(c.sync_fd);
  if (!hooks_done || hooks_done->first != kHooksDone) _exit(1);
  if (auto r = RunHooks("createContainer", spec.hooks.create_container, hooks_done->second); !r) {
    SendErrorAndExit(c.sync_fd, r.error());
  }
  // Hostname and sysctls go in while the host's /proc is still reachable: once in
  // the root, /proc/sys is usually one of the read-only paths. The writes land in
  // this process's new UTS, IPC and network namespaces either way.
  if (auto r = SetHostname(spec); !r) SendErrorAndExit(c.sync_fd, r.error());
  if (auto r = ApplySysctl(spec); !r) SendErrorAndExit(c.sync_fd, r.error());
  if (auto r = EnterRoot(spec, c.rootfs, c.no_pivot); !r) SendErrorAndExit(c.sync_fd, r.error());
  if (process.terminal) {
    if (auto r = SetupConsole(c.console_fd, process.console_size); !r) {
      SendErrorAndExit(c.sync_fd, r.error());
    }
    c.console_fd = -1;
  }
  if (auto r = ApplyRlimits(process.rlimits); !r) SendErrorAndExit(c.sync_fd, r.error());
  if (auto r = ApplyOomScoreAdj(process); !r) SendErrorAndExit(c.sync_fd, r.error());
  std::optional<Seccomp> seccomp = spec.linux ? spec.linux->seccomp : std::nullopt;
  if (auto r = CheckProcessSettings(process, seccomp); !r) SendErrorAndExit(c.sync_fd, r.error());
  auto workload = PrepareWorkload(process, spec.annotations);
  if (!workload) SendErrorAndExit(c.sync_fd, workload.error());
  if (chdir(process.cwd.c_str()) != 0) {
    SendErrorAndExit(c.sync_fd, "chdir to cwd (\"" + process.cwd +
                                    "\") set in config.json failed: " + ErrnoText(errno));
  }

  SendMessage(c.sync_fd, kReady, workload->wasm ? "wasm" : "native");
  auto commit = ReceiveMessage(c.sync_fd);
  if (!commit || commit->first != kCommit) _exit(1);  // create failed or died
  close(c.sync_fd);

  // Blocks until `start` opens the fifo for reading. The directory fd still
  // reaches the state directory, outside the container's root.
  int fifo;
  do {
    fifo = openat(c.state_dir_fd, "exec.fifo", O_WRONLY | O_CLOEXEC);
  } while (fifo < 0 && errno == EINTR);
  if (fifo < 0) _exit(1);
  ssize_t written;
  do {
    written = write(fifo, "0", 1);
  } while (written < 0 && errno == EINTR);
  close(fifo);
  close(c.state_dir_fd);
  if (written != 1) _exit(1);

  // After the release: errors now go to the container's stderr.
  auto report = [](const std::string& message) {
    std::string line = "runw: " + message + "\n";
    (void)!write(STDERR_FILENO, line.data(), line.size());
  };
  if (auto r = RunHooks("startContainer", spec.hooks.start_container, commit->second); !r) {
    report(r.error());
    _exit(1);
  }
  CloexecFrom(3 + c.preserve_fds);
  if (auto r = FinalizeProcess(process, seccomp); !r) {
    report(r.error());
    _exit(1);
  }
  int status = RunWorkload(*workload, process, WasmLimitsFor(spec), c.preserve_fds);
  std::fflush(nullptr);
  _exit(status);
}

[[noreturn]] void RunStage1(InitContext& c) {
  // Joined namespaces first, the user namespace before the others so that the
  // rest are joined with its privileges.
  for (auto& [type, fd] : c.plan.join) {
    if (type == NamespaceType::kUser && setns(fd, CLONE_NEWUSER) != 0) {
      SendErrorAndExit(c.sync_fd, SysError("join the user namespace"));
    }
  }
  for (auto& [type, fd] : c.plan.join) {
    if (type != NamespaceType::kUser && setns(fd, CloneFlag(type)) != 0) {
      SendErrorAndExit(c.sync_fd,
                       SysError("join the " + std::string(NamespaceName(type)) + " namespace"));
    }
    close(fd);
  }
  auto go = ReceiveMessage(c.sync_fd);
  if (!go || go->first != kGo) _exit(1);
  if (c.plan.new_user) {
    if (unshare(CLONE_NEWUSER) != 0)
      SendErrorAndExit(c.sync_fd, SysError("create a user namespace"));
    SendMessage(c.sync_fd, kMapsPlease);
    auto done = ReceiveMessage(c.sync_fd);
    if (!done || done->first != kMapsDone) _exit(1);
    if (setresgid(0, 0, 0) != 0 || setresuid(0, 0, 0) != 0) {
      SendErrorAndExit(c.sync_fd, SysError("become root in the user namespace"));
    }
  }
  if (c.plan.new_flags != 0 && unshare(c.plan.new_flags) != 0) {
    SendErrorAndExit(c.sync_fd, SysError("create namespaces"));
  }
  pid_t init = fork();
  if (init < 0) SendErrorAndExit(c.sync_fd, SysError("fork the container init"));
  if (init == 0) RunInit(c);
  SendMessage(c.sync_fd, kInitPid, std::to_string(init));
  _exit(0);
}

// Undoes a failed create: the init (if any), the cgroup, the directory.
struct CreateCleanup {
  std::string dir;
  pid_t init = 0;
  std::optional<Cgroup> cgroup;
  bool armed = true;
  ~CreateCleanup() {
    if (!armed) return;
    if (init > 0) {
      kill(init, SIGKILL);
      WaitForExit(init, 5000);
    }
    if (cgroup) {
      (void)cgroup->KillAll(SIGKILL);
      (void)cgroup->Destroy();
    }
    if (!dir.empty()) (void)RemoveContainerDir(dir);
  }
};

Expected<Spec> LoadBundleSpec(const std::string& bundle) {
  std::string path = bundle + "/config.json";
  auto text = ReadSmallFile(path);
  if (!text) return Fail(text.error());
  auto spec = ParseSpec(*text);
  if (!spec) return Fail("config.json: " + spec.error());
  return spec;
}

}  // namespace

Expected<void> Create(const RuntimeOptions& rt, const CreateOptions& options) {
  RUNW_OCI_CHECK(ValidateId(options.id));
  std::string bundle = AbsolutePath(options.bundle.empty() ? "." : options.bundle);
  Spec spec = RUNW_OCI_TRY(LoadBundleSpec(bundle));
  if (auto valid = ValidateSpec(spec); !valid) return Fail("config.json: " + valid.error());
  if (!spec.process) return Fail("config.json: process is required to create a container");
  if (!spec.linux) return Fail("config.json: the linux section is required");
  // Socket activation (systemd's protocol, as runc implements it): the fds
  // 3..3+LISTEN_FDS-1 runw was started with go to the container before the
  // --preserve-fds ones, and its process is told about them.
  int listen_fds = 0;
  if (const char* v = std::getenv("LISTEN_FDS"); v != nullptr && *v != '\0') {
    listen_fds = std::atoi(v);
    if (listen_fds < 0 || listen_fds > 1024) listen_fds = 0;
    if (listen_fds > 0) {
      spec.process->env.push_back("LISTEN_FDS=" + std::to_string(listen_fds));
      spec.process->env.push_back("LISTEN_PID=1");
    }
  }
  const Process& process = *spec.process;

  std::string rootfs =
      spec.root.path.front() == '/' ? spec.root.path : bundle + "/" + spec.root.path;
  char real[PATH_MAX];
  if (realpath(rootfs.c_str(), real) == nullptr) {
    return Fail(SysError("rootfs (" + rootfs + ")"));
  }
  rootfs = real;

  NamespacePlan plan = RUNW_OCI_TRY(PlanNamespaces(spec));
  struct CloseJoined {
    NamespacePlan* plan;
    ~CloseJoined() {
      for (auto& [t, fd] : plan->join)
        close(fd);
    }
  } close_joined{&plan};
  if (!plan.has_mount) return Fail("config.json: runw needs a mount namespace (linux.namespaces)");
  if (process.terminal && options.console_socket.empty() && options.console_socket_fd < 0) {
    return Fail("cannot allocate tty if runw will detach without setting console socket");
  }
  if (!process.terminal && !options.console_socket.empty()) {
    return Fail("cannot use console socket if runw will not detach or allocate tty");
  }

  // The root may be several levels deep and new (containerd passes
  // <its state>/runw-root/<namespace>).
  for (size_t slash = 1; slash != std::string::npos;) {
    slash = rt.root.find('/', slash + 1);
    std::string prefix = rt.root.substr(0, slash);
    if (mkdir(prefix.c_str(), 0700) != 0 && errno != EEXIST) {
      return Fail(SysError("create the state root `" + prefix + "`"));
    }
  }
  std::string dir = ContainerDir(rt.root, options.id);
  if (mkdir(dir.c_str(), 0711) != 0) {
    if (errno == EEXIST) return Fail("container with given ID already exists");
    return Fail(SysError("create `" + dir + "`"));
  }
  CreateCleanup cleanup;
  cleanup.dir = dir;
  ContainerLock lock = RUNW_OCI_TRY(LockContainerDir(dir));

  auto config_text = ReadSmallFile(bundle + "/config.json");
  if (config_text) RUNW_OCI_CHECK(WriteFileAtomic(dir + "/config.json", *config_text, 0600));

  // The cgroup: recorded before it exists, so that a create killed half-way
  // can still be cleaned up by `delete --force` (for a systemd unit: the
  // unit's name, so that delete stops it).
  Cgroup cgroup =
      RUNW_OCI_TRY(Cgroup::Resolve(spec.linux->cgroups_path, options.id, rt.systemd_cgroup));
  RUNW_OCI_CHECK(WriteFileAtomic(dir + "/cgroup.json", cgroup.ToJson(), 0600));
  cleanup.cgroup = cgroup;
  std::optional<Resources> resources;
  if (spec.linux->resources) {
    resources = *spec.linux->resources;
    AddDefaultDeviceRules(*spec.linux, resources->devices);
  }
  // runw's own cgroup is made and limited before any process exists; a
  // systemd scope cannot exist without one, so it is started (and limited)
  // once stage 1 is there, before stage 1 is let go (see join_cgroup).
  const bool systemd_scope = !cgroup.SystemdUnit().empty();
  if (!systemd_scope) {
    RUNW_OCI_CHECK(cgroup.Create());
    if (resources) RUNW_OCI_CHECK(cgroup.Apply(*resources));
  }

  if (mkfifo((dir + "/exec.fifo").c_str(), 0622) != 0) return Fail(SysError("create exec.fifo"));
  // mkfifo honours the umask; the init may run as another user.
  chmod((dir + "/exec.fifo").c_str(), 0622);

  InitContext ctx;
  ctx.spec = &spec;
  ctx.bundle = bundle;
  ctx.rootfs = rootfs;
  ctx.no_pivot = options.no_pivot;
  ctx.preserve_fds = listen_fds + options.preserve_fds;
  ctx.plan = plan;
  ctx.state_dir_fd = open(dir.c_str(), O_PATH | O_DIRECTORY | O_CLOEXEC);
  if (ctx.state_dir_fd < 0) return Fail(SysError("open `" + dir + "`"));
  if (process.terminal && options.console_socket.empty()) {
    ctx.console_fd = fcntl(options.console_socket_fd, F_DUPFD_CLOEXEC, 3);
    if (ctx.console_fd < 0) return Fail(SysError("duplicate the terminal socket"));
  } else if (process.terminal) {
    ctx.console_fd = RUNW_OCI_TRY(ConnectConsoleSocket(options.console_socket));
  }

  int sv[2];
  if (socketpair(AF_UNIX, SOCK_SEQPACKET | SOCK_CLOEXEC, 0, sv) != 0) {
    return Fail(SysError("socketpair"));
  }
  ctx.sync_fd = sv[1];
  pid_t stage1 = fork();
  if (stage1 < 0) return Fail(SysError("fork"));
  if (stage1 == 0) {
    close(sv[0]);
    // The container lock is an flock on an open file description that fork
    // shares: an init still holding it would keep `start` and `delete` waiting
    // for as long as the container lives.
    close(lock.fd());
    RunStage1(ctx);
  }
  close(sv[1]);
  close(ctx.state_dir_fd);
  if (ctx.console_fd >= 0) close(ctx.console_fd);
  int sync = sv[0];
  struct CloseSync {
    int fd;
    ~CloseSync() { close(fd); }
  } close_sync{sync};
  auto reap_stage1 = [&] {
    int status;
    while (waitpid(stage1, &status, 0) < 0 && errno == EINTR) {
    }
  };

  // Stage 1 waits for kGo, so whatever joins it to the cgroup happens before
  // it makes namespaces (a cgroup namespace is rooted where it is) or runs
  // anything the limits are meant for. Its children, the init among them,
  // inherit the cgroup.
  auto join_cgroup = [&]() -> Expected<void> {
    if (!systemd_scope) return cgroup.AddProcess(stage1);
    auto started = cgroup.StartSystemdUnit(stage1, resources ? &*resources : nullptr);
    // Whether or not it fully started, the paths may have moved to where
    // systemd put the scope: cleanup and the state follow them.
    cleanup.cgroup = cgroup;
    RUNW_OCI_CHECK(WriteFileAtomic(dir + "/cgroup.json", cgroup.ToJson(), 0600));
    RUNW_OCI_CHECK(started);
    if (resources) RUNW_OCI_CHECK(cgroup.Apply(*resources));
    return {};
  };
  if (auto r = join_cgroup(); !r) {
    kill(stage1, SIGKILL);
    reap_stage1();
    return Fail(r.error());
  }
  SendMessage(sync, kGo);
  ContainerState state;
  state.id = options.id;
  state.bundle = bundle;
  state.rootfs = rootfs;
  state.annotations = spec.annotations;
  state.systemd_cgroup = rt.systemd_cgroup;
  // Stage 1 reports the init's pid, but the init itself writes to the same
  // socket and may already ask for the hooks before stage 1's message is sent:
  // such early messages wait in `early` for the loop below.
  std::deque<std::pair<char, std::string>> early;
  for (;;) {
    auto msg = ReceiveMessage(sync);
    if (!msg) {
      reap_stage1();
      return Fail("container init failed to start");
    }
    if (msg->first == kMapsPlease) {
      if (auto r = WriteIdMaps(stage1, *spec.linux); !r) {
        kill(stage1, SIGKILL);
        reap_stage1();
        return Fail(r.error());
      }
      SendMessage(sync, kMapsDone);
    } else if (msg->first == kInitPid) {
      state.init_pid = std::atoi(msg->second.c_str());
      cleanup.init = state.init_pid;
      break;
    } else if (msg->first == kError) {
      reap_stage1();
      return Fail(msg->second);
    } else {
      early.push_back(std::move(*msg));
    }
  }
  reap_stage1();

  bool wasm = false;
  for (;;) {
    std::optional<std::pair<char, std::string>> msg;
    if (!early.empty()) {
      msg = std::move(early.front());
      early.pop_front();
    } else {
      msg = ReceiveMessage(sync);
    }
    if (!msg) return Fail("container init exited during setup");
    if (msg->first == kError) return Fail(msg->second);
    if (msg->first == kHooksPlease) {
      std::string json = StateJsonAs(state, "creating", state.init_pid);
      RUNW_OCI_CHECK(RunHooks("prestart", spec.hooks.prestart, json));
      RUNW_OCI_CHECK(RunHooks("createRuntime", spec.hooks.create_runtime, json));
      SendMessage(sync, kHooksDone, json);
    } else if (msg->first == kReady) {
      wasm = msg->second == "wasm";
      break;
    }
  }

  std::optional<ProcStat> st = ReadProcStat(state.init_pid);
  if (!st) return Fail("container init exited during setup");
  state.init_start_time = st->start_time;
  state.created = Rfc3339NanoNow();
  state.wasm = wasm;
  RUNW_OCI_CHECK(SaveState(dir, state));
  if (!options.pid_file.empty()) {
    RUNW_OCI_CHECK(
        WriteFileAtomic(AbsolutePath(options.pid_file), std::to_string(state.init_pid), 0644));
  }
  if (!SendMessage(sync, kCommit, StateJsonAs(state, "created", state.init_pid))) {
    return Fail("container init exited during setup");
  }
  cleanup.armed = false;
  LogDebug("created container " + options.id + " (init " + std::to_string(state.init_pid) +
           (wasm ? ", wasm)" : ", native)"));
  return {};
}

}  // namespace runw::oci
