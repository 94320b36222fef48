// libsystemd, loaded only when it is used.
//
// Only `--systemd-cgroup` on a host where systemd runs talks D-Bus (systemd.cc).
// Linked normally, libsystemd and what it pulls in (libgcrypt, liblzma, libzstd,
// liblz4, libgpg-error) would be mapped into every runw process, and a wasm
// container's process is a runw process for its whole life: their relocated data
// cost each idle container about 0.3 MiB of RSS (bench/memory). So the sd-bus
// functions systemd.cc calls are defined here, with the prototypes of
// <systemd/sd-bus.h>, and each forwards to libsystemd.so.0, opened with dlopen on
// the first call. Without the library, sd_bus_open_system fails with ELIBACC, which
// systemd.cc treats like a host without systemd; the other functions are only
// reached with a bus from it, or are harmless on empty values.
#include <dlfcn.h>
#include <systemd/sd-bus.h>

#include <cerrno>
#include <cstdarg>
#include <cstring>
#include <mutex>

namespace {

void* Library() {
  static void* handle = nullptr;
  static std::once_flag once;
  std::call_once(once, [] { handle = dlopen("libsystemd.so.0", RTLD_NOW | RTLD_LOCAL); });
  return handle;
}

// The library's definition of `name`, as a pointer of type F, or null.
template <typename F>
F Resolve(const char* name) {
  void* lib = Library();
  return lib ? reinterpret_cast<F>(dlsym(lib, name)) : nullptr;
}

}  // namespace

// Each forwarder resolves its function once; `fallback` is returned without the
// library.
#define RUNW_SD_FORWARD(ret, name, params, args, fallback) \
  extern "C" ret name params {                             \
    static const auto fn = Resolve<ret(*) params>(#name);  \
    if (!fn) return fallback;                              \
    return fn args;                                        \
  }

RUNW_SD_FORWARD(int, sd_bus_open_system, (sd_bus * *ret), (ret), -ELIBACC)
RUNW_SD_FORWARD(sd_bus*, sd_bus_flush_close_unref, (sd_bus * bus), (bus), nullptr)
RUNW_SD_FORWARD(int, sd_bus_set_method_call_timeout, (sd_bus * bus, uint64_t usec), (bus, usec),
                -ELIBACC)
RUNW_SD_FORWARD(int, sd_bus_process, (sd_bus * bus, sd_bus_message** r), (bus, r), -ELIBACC)
RUNW_SD_FORWARD(int, sd_bus_wait, (sd_bus * bus, uint64_t timeout_usec), (bus, timeout_usec),
                -ELIBACC)
RUNW_SD_FORWARD(int, sd_bus_call,
                (sd_bus * bus, sd_bus_message* m, uint64_t usec, sd_bus_error* ret_error,
                 sd_bus_message** reply),
                (bus, m, usec, ret_error, reply), -ELIBACC)
RUNW_SD_FORWARD(int, sd_bus_call_methodv,
                (sd_bus * bus, const char* destination, const char* path, const char* interface,
                 const char* member, sd_bus_error* ret_error, sd_bus_message** reply,
                 const char* types, va_list ap),
                (bus, destination, path, interface, member, ret_error, reply, types, ap), -ELIBACC)
RUNW_SD_FORWARD(int, sd_bus_get_property_string,
                (sd_bus * bus, const char* destination, const char* path, const char* interface,
                 const char* member, sd_bus_error* ret_error, char** ret),
                (bus, destination, path, interface, member, ret_error, ret), -ELIBACC)
RUNW_SD_FORWARD(int, sd_bus_match_signal,
                (sd_bus * bus, sd_bus_slot** ret, const char* sender, const char* path,
                 const char* interface, const char* member, sd_bus_message_handler_t callback,
                 void* userdata),
                (bus, ret, sender, path, interface, member, callback, userdata), -ELIBACC)
RUNW_SD_FORWARD(sd_bus_slot*, sd_bus_slot_unref, (sd_bus_slot * slot), (slot), nullptr)
RUNW_SD_FORWARD(int, sd_bus_message_new_method_call,
                (sd_bus * bus, sd_bus_message** m, const char* destination, const char* path,
                 const char* interface, const char* member),
                (bus, m, destination, path, interface, member), -ELIBACC)
RUNW_SD_FORWARD(sd_bus_message*, sd_bus_message_unref, (sd_bus_message * m), (m), nullptr)
RUNW_SD_FORWARD(int, sd_bus_message_appendv, (sd_bus_message * m, const char* types, va_list ap),
                (m, types, ap), -ELIBACC)
RUNW_SD_FORWARD(int, sd_bus_message_append_array,
                (sd_bus_message * m, char type, const void* ptr, size_t size), (m, type, ptr, size),
                -ELIBACC)
RUNW_SD_FORWARD(int, sd_bus_message_open_container,
                (sd_bus_message * m, char type, const char* contents), (m, type, contents),
                -ELIBACC)
RUNW_SD_FORWARD(int, sd_bus_message_close_container, (sd_bus_message * m), (m), -ELIBACC)
RUNW_SD_FORWARD(int, sd_bus_message_readv, (sd_bus_message * m, const char* types, va_list ap),
                (m, types, ap), -ELIBACC)

// Errors are plain structs: these work on them without the library (the library
// is what fills them in, so there is nothing to free without it).
RUNW_SD_FORWARD(void, sd_bus_error_free, (sd_bus_error * e), (e), void())
extern "C" int sd_bus_error_is_set(const sd_bus_error* e) {
  return e != nullptr && e->name != nullptr;
}
extern "C" int sd_bus_error_has_name(const sd_bus_error* e, const char* name) {
  return sd_bus_error_is_set(e) && name != nullptr && std::strcmp(e->name, name) == 0;
}

// The variadic entry points, through their va_list forms.
extern "C" int sd_bus_call_method(sd_bus* bus, const char* destination, const char* path,
                                  const char* interface, const char* member,
                                  sd_bus_error* ret_error, sd_bus_message** reply,
                                  const char* types, ...) {
  va_list ap;
  va_start(ap, types);
  const int r =
      sd_bus_call_methodv(bus, destination, path, interface, member, ret_error, reply, types, ap);
  va_end(ap);
  return r;
}
extern "C" int sd_bus_message_append(sd_bus_message* m, const char* types, ...) {
  va_list ap;
  va_start(ap, types);
  const int r = sd_bus_message_appendv(m, types, ap);
  va_end(ap);
  return r;
}
extern "C" int sd_bus_message_read(sd_bus_message* m, const char* types, ...) {
  va_list ap;
  va_start(ap, types);
  const int r = sd_bus_message_readv(m, types, ap);
  va_end(ap);
  return r;
}
