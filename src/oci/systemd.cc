// systemd's D-Bus API through libsystemd's sd-bus (see systemd.h).
//
// A job-returning Manager call (StartTransientUnit, StopUnit) only queues a
// job; the unit is started or stopped when systemd broadcasts JobRemoved for
// that job's object path with its result. The signal may arrive before the
// method's reply has been read (sd-bus then queues it), so the match is added
// before the call and records every JobRemoved it sees; the job path from the
// reply is then looked up among them, and only afterwards waited for.
//
// Resource properties and old systemd versions: a manager that does not know
// a property fails the whole call with InvalidArgs (or PropertyReadOnly),
// naming only that property. Two cases are avoided up front: the recent
// properties (CPUQuotaPeriodUSec since v242, AllowedCPUs and
// AllowedMemoryNodes since v244) are left out for a manager whose Version
// property says it is older (ForSystemdVersion). Whatever else an old or
// unusual manager refuses, StartScope handles with one retry: the scope is
// started once more with the base properties alone and a warning is logged.
// The scope then exists, and runw's cgroupfs writes still put every limit in
// force; only systemd's knowledge of them (what systemd.h says the
// properties are for) is lost on such a host. The refused call leaves at most a half-made unit
// of that name, with no job and nothing referring to it, which systemd's
// garbage collection removes before it handles the next call; should it not
// have, the retry fails with UnitExists, naming the unit.
#include "oci/systemd.h"

#include <systemd/sd-bus.h>

#include <cerrno>
#include <chrono>
#include <cstdint>
#include <cstdlib>
#include <memory>
#include <optional>
#include <string_view>
#include <utility>
#include <variant>
#include <vector>

#include "oci/log.h"
#include "oci/util.h"

namespace runw::oci::systemd {
namespace {

constexpr const char* kService = "org.freedesktop.systemd1";
constexpr const char* kManagerPath = "/org/freedesktop/systemd1";
constexpr const char* kManager = "org.freedesktop.systemd1.Manager";
constexpr const char* kNoSuchUnit = "org.freedesktop.systemd1.NoSuchUnit";
// What a manager answers to a property it does not know or cannot set.
constexpr const char* kInvalidArgs = "org.freedesktop.DBus.Error.InvalidArgs";
constexpr const char* kPropertyReadOnly = "org.freedesktop.DBus.Error.PropertyReadOnly";
// How long a method call or a job may take. systemd answers in milliseconds;
// this bounds a wedged bus or manager, after which create fails rather than
// hangs its caller (conmon, the shim) indefinitely.
constexpr std::chrono::seconds kTimeout{10};

struct BusClose {
  void operator()(sd_bus* bus) const { sd_bus_flush_close_unref(bus); }
};
using Bus = std::unique_ptr<sd_bus, BusClose>;

struct MessageUnref {
  void operator()(sd_bus_message* m) const { sd_bus_message_unref(m); }
};
using Message = std::unique_ptr<sd_bus_message, MessageUnref>;

struct SlotUnref {
  void operator()(sd_bus_slot* s) const { sd_bus_slot_unref(s); }
};
using Slot = std::unique_ptr<sd_bus_slot, SlotUnref>;

// sd_bus_error with its destructor.
struct BusError {
  sd_bus_error e = SD_BUS_ERROR_NULL;
  BusError() = default;
  BusError(const BusError&) = delete;
  BusError& operator=(const BusError&) = delete;
  ~BusError() { sd_bus_error_free(&e); }
  bool Is(const char* name) const { return sd_bus_error_has_name(&e, name) > 0; }
  // "Unit x.scope already exists. (org.freedesktop.systemd1.UnitExists)",
  // or the errno text when the failure was local.
  std::string Text(int r) const {
    if (!sd_bus_error_is_set(&e)) return ErrnoText(-r);
    std::string text = e.message != nullptr ? e.message : "";
    return text + (text.empty() ? "" : " ") + "(" + e.name + ")";
  }
};

Expected<Bus> OpenBus() {
  sd_bus* raw = nullptr;
  int r = sd_bus_open_system(&raw);
  if (r < 0) return Fail("connect to the system bus: " + ErrnoText(-r));
  Bus bus(raw);
  r = sd_bus_set_method_call_timeout(
      raw, std::chrono::duration_cast<std::chrono::microseconds>(kTimeout).count());
  if (r < 0) return Fail("set the system bus timeout: " + ErrnoText(-r));
  return bus;
}

// Every JobRemoved(id, job, unit, result) seen on the connection.
struct JobWatch {
  std::vector<std::pair<std::string, std::string>> removed;  // job path, result
};

int OnJobRemoved(sd_bus_message* m, void* userdata, sd_bus_error* /*error*/) {
  uint32_t id = 0;
  const char* job = nullptr;
  const char* unit = nullptr;
  const char* result = nullptr;
  if (sd_bus_message_read(m, "uoss", &id, &job, &unit, &result) < 0) return 0;
  static_cast<JobWatch*>(userdata)->removed.emplace_back(job, result);
  return 0;
}

// Subscribes to the manager's signals and watches JobRemoved; the returned
// slot ends the watch.
Expected<Slot> WatchJobs(sd_bus* bus, JobWatch* watch) {
  sd_bus_slot* slot = nullptr;
  // No sender filter: on a bus, the daemon has already resolved who sent a
  // signal, and a job path is unique to the manager that issued it.
  int r = sd_bus_match_signal(bus, &slot, nullptr, kManagerPath, kManager, "JobRemoved",
                              OnJobRemoved, watch);
  if (r < 0) return Fail("systemd: watch JobRemoved: " + ErrnoText(-r));
  Slot owned(slot);
  // systemd emits job signals only while some client is subscribed.
  BusError error;
  r = sd_bus_call_method(bus, kService, kManagerPath, kManager, "Subscribe", &error.e, nullptr, "");
  if (r < 0) return Fail("systemd: subscribe: " + error.Text(r));
  return owned;
}

// Waits for JobRemoved of `job` and returns its result ("done", "failed",
// "canceled", "timeout", "dependency", "skipped").
Expected<std::string> WaitForJob(sd_bus* bus, const JobWatch& watch, const std::string& job,
                                 const std::string& what) {
  auto deadline = std::chrono::steady_clock::now() + kTimeout;
  for (;;) {
    for (const auto& [path, result] : watch.removed) {
      if (path == job) return result;
    }
    int r = sd_bus_process(bus, nullptr);
    if (r < 0) return Fail(what + ": " + ErrnoText(-r));
    if (r > 0) continue;  // something was dispatched; look again
    auto left = std::chrono::duration_cast<std::chrono::microseconds>(
        deadline - std::chrono::steady_clock::now());
    if (left.count() <= 0) {
      return Fail(what + ": timed out after " + std::to_string(kTimeout.count()) +
                  "s waiting for systemd job " + job);
    }
    r = sd_bus_wait(bus, static_cast<uint64_t>(left.count()));
    if (r < 0 && r != -EINTR) return Fail(what + ": " + ErrnoText(-r));
  }
}

// Sends `call`, a Manager method whose reply is a job object path, and waits
// for the job. A D-Bus error named `tolerated` (or none, when nullptr) is not
// a failure: the result is then "" and there is no job. When the call itself
// fails with a D-Bus error, its name goes to `call_error` (if not nullptr).
Expected<std::string> RunJob(sd_bus* bus, sd_bus_message* call, const std::string& what,
                             const char* tolerated, std::string* call_error = nullptr) {
  JobWatch watch;
  Slot slot = RUNW_OCI_TRY(WatchJobs(bus, &watch));
  BusError error;
  sd_bus_message* raw_reply = nullptr;
  int r = sd_bus_call(bus, call, 0, &error.e, &raw_reply);
  Message reply(raw_reply);
  if (r < 0) {
    if (tolerated != nullptr && error.Is(tolerated)) return std::string();
    if (call_error != nullptr && sd_bus_error_is_set(&error.e)) *call_error = error.e.name;
    return Fail(what + ": " + error.Text(r));
  }
  const char* job = nullptr;
  r = sd_bus_message_read(reply.get(), "o", &job);
  if (r < 0) return Fail(what + ": read the job path: " + ErrnoText(-r));
  return WaitForJob(bus, watch, job, what);
}

// The error text of a failed sd_bus_message_append and friends.
Expected<void> Built(int r, const std::string& what) {
  if (r < 0) return Fail(what + ": build the request: " + ErrnoText(-r));
  return {};
}

// Appends `property` to an open a(sv) array.
Expected<void> AppendProperty(sd_bus_message* m, const UnitProperty& property,
                              const std::string& what) {
  if (const auto* number = std::get_if<uint64_t>(&property.value)) {
    return Built(sd_bus_message_append(m, "(sv)", property.name.c_str(), "t", *number), what);
  }
  const auto& bytes = std::get<std::vector<uint8_t>>(property.value);
  RUNW_OCI_CHECK(Built(sd_bus_message_open_container(m, 'r', "sv"), what));
  RUNW_OCI_CHECK(Built(sd_bus_message_append(m, "s", property.name.c_str()), what));
  RUNW_OCI_CHECK(Built(sd_bus_message_open_container(m, 'v', "ay"), what));
  RUNW_OCI_CHECK(Built(sd_bus_message_append_array(m, 'y', bytes.data(), bytes.size()), what));
  RUNW_OCI_CHECK(Built(sd_bus_message_close_container(m), what));
  return Built(sd_bus_message_close_container(m), what);
}

// `properties` less those the manager's version does not know (see the top
// of this file). A version that cannot be read keeps them all.
std::vector<UnitProperty> ForManager(sd_bus* bus, std::span<const UnitProperty> properties) {
  std::vector<UnitProperty> kept(properties.begin(), properties.end());
  if (kept.empty()) return kept;
  BusError error;
  char* raw = nullptr;
  int r =
      sd_bus_get_property_string(bus, kService, kManagerPath, kManager, "Version", &error.e, &raw);
  std::unique_ptr<char, decltype(&free)> text(raw, &free);
  std::optional<unsigned> version;
  if (r >= 0 && text) version = ParseSystemdVersion(text.get());
  if (!version) {
    LogDebug("systemd: read the manager's Version: " +
             (r < 0 ? error.Text(r) : "\"" + std::string(text ? text.get() : "") + "\""));
    return kept;
  }
  size_t before = kept.size();
  kept = ForSystemdVersion(std::move(kept), *version);
  if (kept.size() != before) {
    LogDebug("systemd " + std::to_string(*version) + " does not know " +
             std::to_string(before - kept.size()) + " of the resource properties; left out");
  }
  return kept;
}

// One StartTransientUnit of `request`'s scope with the base properties and
// `resources`, up to the job's result (see RunJob for `call_error`).
Expected<std::string> StartTransient(sd_bus* bus, const ScopeRequest& request,
                                     std::span<const UnitProperty> resources,
                                     const std::string& what, std::string* call_error) {
  sd_bus_message* raw_call = nullptr;
  RUNW_OCI_CHECK(Built(sd_bus_message_new_method_call(bus, &raw_call, kService, kManagerPath,
                                                      kManager, "StartTransientUnit"),
                       what));
  Message call(raw_call);
  sd_bus_message* m = call.get();
  RUNW_OCI_CHECK(Built(sd_bus_message_append(m, "ss", request.unit.c_str(), "replace"), what));
  RUNW_OCI_CHECK(Built(sd_bus_message_open_container(m, 'a', "(sv)"), what));
  RUNW_OCI_CHECK(Built(
      sd_bus_message_append(m, "(sv)", "Description", "s", request.description.c_str()), what));
  RUNW_OCI_CHECK(
      Built(sd_bus_message_append(m, "(sv)", "Slice", "s", request.slice.c_str()), what));
  // Delegate: the scope's subtree is the container's (runw writes its limits
  // there, and a nested runtime may make sub-cgroups); systemd does not
  // reorganise or clean up below it.
  RUNW_OCI_CHECK(Built(sd_bus_message_append(m, "(sv)", "Delegate", "b", 1), what));
  RUNW_OCI_CHECK(Built(
      sd_bus_message_append(m, "(sv)", "PIDs", "au", 1, static_cast<uint32_t>(request.pid)), what));
  // Accounting on, so that the controllers the limits need are enabled for
  // the scope (on cgroup v2 systemd enables a controller only for units that
  // account with it).
  for (const char* accounting : {"MemoryAccounting", "CPUAccounting", "TasksAccounting"}) {
    RUNW_OCI_CHECK(Built(sd_bus_message_append(m, "(sv)", accounting, "b", 1), what));
  }
  for (const UnitProperty& property : resources)
    RUNW_OCI_CHECK(AppendProperty(m, property, what));
  RUNW_OCI_CHECK(Built(sd_bus_message_close_container(m), what));
  RUNW_OCI_CHECK(Built(sd_bus_message_append(m, "a(sa(sv))", 0), what));
  return RunJob(bus, m, what, nullptr, call_error);
}

}  // namespace

bool Available() {
  auto bus = OpenBus();
  if (!bus) {
    LogDebug("systemd: " + bus.error());
    return false;
  }
  BusError error;
  sd_bus_message* raw_reply = nullptr;
  int r = sd_bus_call_method(bus->get(), "org.freedesktop.DBus", "/org/freedesktop/DBus",
                             "org.freedesktop.DBus", "NameHasOwner", &error.e, &raw_reply, "s",
                             kService);
  Message reply(raw_reply);
  if (r < 0) {
    // A bus that is there but does not answer is not normal (no bus at all
    // is, on a host without systemd): worth a line in the log.
    LogWarning("systemd: ask the system bus for " + std::string(kService) + ": " + error.Text(r));
    return false;
  }
  int has_owner = 0;
  if (sd_bus_message_read(reply.get(), "b", &has_owner) < 0) return false;
  return has_owner != 0;
}

Expected<std::string> StartScope(const ScopeRequest& request) {
  const std::string what = "systemd: start transient unit `" + request.unit + "`";
  Bus bus = RUNW_OCI_TRY(OpenBus());
  std::vector<UnitProperty> resources = ForManager(bus.get(), request.resources);
  std::string call_error;
  auto started = StartTransient(bus.get(), request, resources, what, &call_error);
  if (!started && !resources.empty() &&
      (call_error == kInvalidArgs || call_error == kPropertyReadOnly)) {
    // An older systemd that does not know one of the resource properties
    // (see the top of this file).
    LogWarning(started.error() +
               "; starting it without resource properties (runw still writes the limits "
               "through cgroupfs, but systemd will not know them)");
    started = StartTransient(bus.get(), request, {}, what, nullptr);
  }
  std::string result = RUNW_OCI_TRY(std::move(started));
  if (result != "done") return Fail(what + ": job finished with result \"" + result + "\"");

  // Where systemd put it: the slice layout is systemd's business, so ask
  // rather than recompute it.
  BusError error;
  sd_bus_message* raw_reply = nullptr;
  int r = sd_bus_call_method(bus.get(), kService, kManagerPath, kManager, "GetUnit", &error.e,
                             &raw_reply, "s", request.unit.c_str());
  Message reply(raw_reply);
  if (r < 0) return Fail("systemd: get unit `" + request.unit + "`: " + error.Text(r));
  const char* unit_path = nullptr;
  r = sd_bus_message_read(reply.get(), "o", &unit_path);
  if (r < 0) return Fail("systemd: get unit `" + request.unit + "`: " + ErrnoText(-r));
  char* raw_group = nullptr;
  r = sd_bus_get_property_string(bus.get(), kService, unit_path, "org.freedesktop.systemd1.Scope",
                                 "ControlGroup", &error.e, &raw_group);
  std::unique_ptr<char, decltype(&free)> group(raw_group, &free);
  if (r < 0) {
    return Fail("systemd: read ControlGroup of `" + request.unit + "`: " + error.Text(r));
  }
  std::string path = group ? group.get() : "";
  if (path.empty() || path.front() != '/') {
    return Fail("systemd: unit `" + request.unit + "` has no cgroup (ControlGroup \"" + path +
                "\")");
  }
  return path;
}

Expected<void> SetUnitProperties(const std::string& unit,
                                 std::span<const UnitProperty> properties) {
  const std::string what = "systemd: set properties of unit `" + unit + "`";
  if (properties.empty()) return {};
  auto bus = OpenBus();
  if (!bus) return Fail(what + ": " + bus.error());
  std::vector<UnitProperty> known = ForManager(bus->get(), properties);
  if (known.empty()) return {};
  sd_bus_message* raw_call = nullptr;
  RUNW_OCI_CHECK(Built(sd_bus_message_new_method_call(bus->get(), &raw_call, kService, kManagerPath,
                                                      kManager, "SetUnitProperties"),
                       what));
  Message call(raw_call);
  sd_bus_message* m = call.get();
  // runtime=true: the change is kept under /run and ends with the boot, as
  // the scope does; false would leave a drop-in under /etc for a unit that
  // will never exist again.
  RUNW_OCI_CHECK(Built(sd_bus_message_append(m, "sb", unit.c_str(), 1), what));
  RUNW_OCI_CHECK(Built(sd_bus_message_open_container(m, 'a', "(sv)"), what));
  for (const UnitProperty& property : known)
    RUNW_OCI_CHECK(AppendProperty(m, property, what));
  RUNW_OCI_CHECK(Built(sd_bus_message_close_container(m), what));
  BusError error;
  int r = sd_bus_call(bus->get(), m, 0, &error.e, nullptr);
  if (r < 0) return Fail(what + ": " + error.Text(r));
  return {};
}

Expected<void> StopUnit(const std::string& unit) {
  const std::string what = "systemd: stop unit `" + unit + "`";
  if (!Available()) {
    // No systemd to stop the unit with (it went away since create, or the
    // container came from a runw that fell back to cgroupfs): delete still
    // removes the directories.
    LogWarning(what + ": systemd is not reachable on the system bus");
    return {};
  }
  auto bus = OpenBus();
  if (!bus) return Fail(what + ": " + bus.error());
  sd_bus_message* raw_call = nullptr;
  RUNW_OCI_CHECK(Built(sd_bus_message_new_method_call(bus->get(), &raw_call, kService, kManagerPath,
                                                      kManager, "StopUnit"),
                       what));
  Message call(raw_call);
  RUNW_OCI_CHECK(Built(sd_bus_message_append(call.get(), "ss", unit.c_str(), "replace"), what));
  std::string result = RUNW_OCI_TRY(RunJob(bus->get(), call.get(), what, kNoSuchUnit));
  if (!result.empty() && result != "done") {
    return Fail(what + ": job finished with result \"" + result + "\"");
  }
  // A scope whose start failed stays loaded as "failed" and would make the
  // next StartTransientUnit of the same name fail; forget it. Errors here are
  // not worth failing delete for (most often: no such unit).
  BusError error;
  (void)sd_bus_call_method(bus->get(), kService, kManagerPath, kManager, "ResetFailedUnit",
                           &error.e, nullptr, "s", unit.c_str());
  return {};
}

}  // namespace runw::oci::systemd
