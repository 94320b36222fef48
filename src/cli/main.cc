// runw's command line. The wasm developer commands live under `runw wasm`.
#include <CLI/CLI.hpp>

#include <cstdio>
#include <string>
#include <string_view>

#include "cli/commands.h"

namespace {

constexpr const char* kVersion = "0.1.0";

int Main(int argc, char** argv) {
  CLI::App app{"runw: an OCI runtime for WebAssembly (WASI) and native containers", "runw"};
  app.require_subcommand(1);
  app.set_version_flag("-v,--version", std::string("runw version ") + kVersion);

  CLI::App* wasm = app.add_subcommand("wasm", "Work with WebAssembly modules directly");
  wasm->require_subcommand(1);

  std::string validate_path;
  CLI::App* validate = wasm->add_subcommand(
      "validate", "Decode and validate a binary module; print FILE:0xOFFSET: message if invalid");
  validate->add_option("file", validate_path, "the .wasm file")->required();

  std::string spec_path;
  bool spec_verbose = false;
  CLI::App* spec = wasm->add_subcommand(
      "spec-test", "Run one spec testsuite file converted by wast2json; print the tally");
  spec->add_option("file", spec_path, "the .json file written by wast2json")->required();
  spec->add_flag("--verbose", spec_verbose, "print every command's outcome");

  runw::cli::WasmRunOptions run_opts;
  CLI::App* run =
      wasm->add_subcommand("run", "Run a module: its `_start`, or the export --invoke names");
  run->add_option("--invoke", run_opts.invoke, "call this exported function and print its results");
  run->add_option("--dir", run_opts.dirs,
                  "preopen host directory HOST for the guest, as GUEST (default: HOST)")
      ->type_name("HOST[::GUEST]")
      ->allow_extra_args(false);
  run->add_option("--env", run_opts.env, "set an environment variable for the guest")
      ->type_name("KEY=VALUE")
      ->allow_extra_args(false);
  run->add_option("--tcplisten", run_opts.tcplisten,
                  "listen on this TCP address and hand the socket to the guest (fd 3 onwards, "
                  "before the preopens)")
      ->type_name("HOST:PORT")
      ->allow_extra_args(false);
  run->add_flag("--inherit-env", run_opts.inherit_env,
                "give the guest runw's own environment (before --env)");
  run->add_option("file", run_opts.module_path, "the .wasm file")->required();
  run->footer("ARGS...: after FILE, the function's arguments (--invoke) or the guest's argv");

  // Arguments after the module belong to it, even when they look like options
  // (`runw wasm run app.wasm --help` passes --help to the guest): cut them off
  // before CLI11 sees the command line.
  int parsed_argc = argc;
  if (argc > 2 && std::string_view(argv[1]) == "wasm" && std::string_view(argv[2]) == "run") {
    for (int i = 3; i < argc; ++i) {
      std::string_view a = argv[i];
      if (a == "--") {
        i += 1;
      } else if (a.starts_with("-")) {
        bool takes_value = a == "--invoke" || a == "--dir" || a == "--env" || a == "--tcplisten";
        if (takes_value) ++i;
        continue;
      }
      if (i >= argc) break;
      run_opts.args.assign(argv + i + 1, argv + argc);
      parsed_argc = i + 1;
      break;
    }
  }

  try {
    app.parse(parsed_argc, argv);
  } catch (const CLI::ParseError& e) {
    return app.exit(e);
  }
  if (validate->parsed()) return runw::cli::WasmValidate(validate_path);
  if (spec->parsed()) return runw::cli::WasmSpecTest(spec_path, spec_verbose);
  if (run->parsed()) {
    if (run_opts.module_path.empty()) {
      std::fprintf(stderr, "runw: wasm run: a .wasm file is required\n");
      return 1;
    }
    return runw::cli::WasmRun(run_opts);
  }
  return 1;
}

}  // namespace

int main(int argc, char** argv) {
  try {
    // `runw wasm ...` is the developer interface; everything else is the OCI
    // runtime's runc-compatible command line.
    if (argc < 2 || std::string_view(argv[1]) != "wasm") return runw::cli::RuncMain(argc, argv);
    return Main(argc, argv);
  } catch (const std::exception& e) {
    std::fprintf(stderr, "runw: internal error: %s\n", e.what());
    return 125;
  }
}
