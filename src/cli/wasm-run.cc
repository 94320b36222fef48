// `runw wasm run [--invoke NAME] FILE [ARGS...]`: runs a module directly.
//
// With --invoke, calls the named export with ARGS parsed by its parameter types and
// prints each result on its own line (i32/i64 as signed decimal, floats in the
// shortest form that reads back exactly, v128 as 32 hex digits, references as
// `null` or their kind). Without it, runs the command module's `_start` with WASI
// preview 1: ARGS become the guest's argv after the module path, and the exit
// status is the guest's proc_exit code.
#include <cerrno>
#include <charconv>
#include <cinttypes>
#include <cmath>
#include <cstdio>
#include <cstring>

#include <netdb.h>
#include <sys/socket.h>
#include <unistd.h>

#include "cli/commands.h"
#include "wasi/command.h"
#include "wasi/wasi.h"
#include "wasm/instance.h"

namespace runw::cli {
namespace {

using wasm::Slot;
using wasm::ValType;

bool ParseArg(ValType t, const std::string& text, std::vector<Slot>& out) {
  const char* b = text.data();
  const char* e = text.data() + text.size();
  switch (t) {
    case ValType::kI32: {
      int64_t v;
      auto [p, ec] = std::from_chars(b, e, v);
      if (ec != std::errc() || p != e || v < INT32_MIN || v > UINT32_MAX) return false;
      out.push_back(static_cast<uint32_t>(v));
      return true;
    }
    case ValType::kI64: {
      int64_t v;
      auto [p, ec] = std::from_chars(b, e, v);
      if (ec == std::errc() && p == e) {
        out.push_back(static_cast<uint64_t>(v));
        return true;
      }
      uint64_t u;
      auto [p2, ec2] = std::from_chars(b, e, u);
      if (ec2 != std::errc() || p2 != e) return false;
      out.push_back(u);
      return true;
    }
    case ValType::kF32: {
      float v;
      auto [p, ec] = std::from_chars(b, e, v);
      if (ec != std::errc() || p != e) return false;
      out.push_back(std::bit_cast<uint32_t>(v));
      return true;
    }
    case ValType::kF64: {
      double v;
      auto [p, ec] = std::from_chars(b, e, v);
      if (ec != std::errc() || p != e) return false;
      out.push_back(std::bit_cast<uint64_t>(v));
      return true;
    }
    default:
      return false;  // v128 and references cannot be written on a command line
  }
}

std::string FormatResult(ValType t, const Slot* s) {
  char buf[80];
  switch (t) {
    case ValType::kI32:
      std::snprintf(buf, sizeof buf, "%" PRId32, static_cast<int32_t>(s[0]));
      break;
    case ValType::kI64:
      std::snprintf(buf, sizeof buf, "%" PRId64, static_cast<int64_t>(s[0]));
      break;
    case ValType::kF32: {
      auto r = std::to_chars(buf, buf + sizeof buf - 1,
                             std::bit_cast<float>(static_cast<uint32_t>(s[0])));
      *r.ptr = '\0';
      break;
    }
    case ValType::kF64: {
      auto r = std::to_chars(buf, buf + sizeof buf - 1, std::bit_cast<double>(s[0]));
      *r.ptr = '\0';
      break;
    }
    case ValType::kV128:
      std::snprintf(buf, sizeof buf, "0x%016" PRIx64 "%016" PRIx64, s[1], s[0]);
      break;
    case ValType::kFuncRef:
    case ValType::kExternRef:
      std::snprintf(buf, sizeof buf, "%s",
                    s[0] == 0 ? "null" : std::string(wasm::ValTypeName(t)).c_str());
      break;
  }
  return buf;
}

/// A listening TCP socket on `addr` ("127.0.0.1:8080", "[::1]:8080",
/// "localhost:0"), or -1 with `*error` set.
int ListenTcp(const std::string& addr, std::string* error) {
  size_t colon = addr.rfind(':');
  if (colon == std::string::npos || colon == 0 || colon + 1 == addr.size()) {
    *error = "expected HOST:PORT";
    return -1;
  }
  std::string host = addr.substr(0, colon);
  std::string port = addr.substr(colon + 1);
  if (host.size() >= 2 && host.front() == '[' && host.back() == ']')
    host = host.substr(1, host.size() - 2);
  addrinfo hints{};
  hints.ai_socktype = SOCK_STREAM;
  hints.ai_flags = AI_PASSIVE | AI_NUMERICSERV;
  addrinfo* res = nullptr;
  if (int rc = getaddrinfo(host.c_str(), port.c_str(), &hints, &res); rc != 0) {
    *error = gai_strerror(rc);
    return -1;
  }
  int fd = -1;
  for (addrinfo* ai = res; ai != nullptr && fd < 0; ai = ai->ai_next) {
    fd = socket(ai->ai_family, ai->ai_socktype | SOCK_CLOEXEC, ai->ai_protocol);
    if (fd < 0) continue;
    int one = 1;
    setsockopt(fd, SOL_SOCKET, SO_REUSEADDR, &one, sizeof one);
    if (bind(fd, ai->ai_addr, ai->ai_addrlen) != 0 || listen(fd, SOMAXCONN) != 0) {
      *error = std::strerror(errno);
      close(fd);
      fd = -1;
    }
  }
  freeaddrinfo(res);
  return fd;
}

}  // namespace

int WasmRun(const WasmRunOptions& opts) {
  auto compiled = wasi::LoadModuleFile(opts.module_path);
  if (!compiled) {
    std::fprintf(stderr, "runw: %s\n", compiled.error().c_str());
    return 1;
  }

  // The guest's argv: the module path as given, then ARGS (for _start only; with
  // --invoke the ARGS are the function's parameters).
  std::vector<std::string> guest_args{opts.module_path};
  if (opts.invoke.empty()) guest_args.insert(guest_args.end(), opts.args.begin(), opts.args.end());
  std::vector<std::string> guest_env;
  if (opts.inherit_env)
    for (char** e = environ; *e != nullptr; ++e)
      guest_env.emplace_back(*e);
  for (const std::string& kv : opts.env) {
    if (kv.find('=') == std::string::npos || kv.front() == '=') {
      std::fprintf(stderr, "runw: --env `%s` is not KEY=VALUE\n", kv.c_str());
      return 1;
    }
    guest_env.push_back(kv);
  }
  wasi::WasiContext wasi_ctx(std::move(guest_args), std::move(guest_env));
  // Listening sockets first, so that the guest finds them at fd 3 onwards as it
  // does under wasmtime's --tcplisten.
  for (const std::string& addr : opts.tcplisten) {
    std::string error;
    int fd = ListenTcp(addr, &error);
    if (fd < 0 || !wasi_ctx.AddSocket(fd, &error)) {
      std::fprintf(stderr, "runw: --tcplisten `%s`: %s\n", addr.c_str(), error.c_str());
      if (fd >= 0) close(fd);
      return 1;
    }
  }
  for (const std::string& d : opts.dirs) {
    size_t sep = d.find("::");
    std::string host = sep == std::string::npos ? d : d.substr(0, sep);
    std::string guest = sep == std::string::npos ? d : d.substr(sep + 2);
    std::string error;
    if (host.empty() || guest.empty() || !wasi_ctx.AddPreopen(host, guest, &error)) {
      std::fprintf(stderr, "runw: --dir `%s`: %s\n", d.c_str(),
                   error.empty() ? "expected HOST[::GUEST]" : error.c_str());
      return 1;
    }
  }

  if (opts.invoke.empty()) return wasi::RunCommand(*compiled, wasi_ctx, wasm::EngineLimits{});

  wasm::Store store;
  wasm::Thread thread(store);
  std::string import_error;
  std::vector<wasm::ExternVal> imports =
      wasi::ResolveImports(store, wasi_ctx, (*compiled)->module, &import_error);
  if (!import_error.empty()) {
    std::fprintf(stderr, "runw: %s\n", import_error.c_str());
    return 1;
  }
  auto inst = wasm::Instantiate(thread, *compiled, imports);
  if (inst.link_error) {
    std::fprintf(stderr, "runw: %s\n", inst.link_error->c_str());
    return 1;
  }
  if (inst.trap == wasm::TrapCode::kExit) return thread.exit_code();
  if (inst.trap != wasm::TrapCode::kOk) {
    wasi::PrintTrap(thread, inst.trap);
    return wasi::kTrapExitCode;
  }

  const std::string& name = opts.invoke;
  auto it = inst.instance->exports.find(name);
  if (it == inst.instance->exports.end() || it->second.kind != wasm::ExternKind::kFunc) {
    std::fprintf(stderr, "runw: `%s` has no exported function `%s`\n", opts.module_path.c_str(),
                 name.c_str());
    return 1;
  }
  const wasm::FuncInst& f = *it->second.func();
  if (opts.args.size() != f.type->params.size()) {
    std::fprintf(stderr, "runw: `%s` takes %zu arguments, %zu given\n", name.c_str(),
                 f.type->params.size(), opts.args.size());
    return 1;
  }
  std::vector<Slot> args;
  for (size_t i = 0; i < opts.args.size(); ++i) {
    if (!ParseArg(f.type->params[i], opts.args[i], args)) {
      std::fprintf(stderr, "runw: argument %zu `%s` is not a valid %s\n", i + 1,
                   opts.args[i].c_str(), std::string(wasm::ValTypeName(f.type->params[i])).c_str());
      return 1;
    }
  }
  std::vector<Slot> results(f.result_slots);
  wasm::TrapCode trap = thread.Invoke(f, args, results);
  if (trap == wasm::TrapCode::kExit) return thread.exit_code();
  if (trap != wasm::TrapCode::kOk) {
    wasi::PrintTrap(thread, trap);
    return wasi::kTrapExitCode;
  }
  size_t slot = 0;
  for (ValType t : f.type->results) {
    std::printf("%s\n", FormatResult(t, results.data() + slot).c_str());
    slot += wasm::SlotsOf(t);
  }
  std::fflush(stdout);
  return 0;
}

}  // namespace runw::cli
