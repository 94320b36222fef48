// config.json parsing and validation (see config.h).
#include "oci/config.h"

namespace runw::oci {

std::string_view NamespaceName(NamespaceType type) {
  switch (type) {
    case NamespaceType::kPid:
      return "pid";
    case NamespaceType::kNetwork:
      return "network";
    case NamespaceType::kMount:
      return "mount";
    case NamespaceType::kIpc:
      return "ipc";
    case NamespaceType::kUts:
      return "uts";
    case NamespaceType::kUser:
      return "user";
    case NamespaceType::kCgroup:
      return "cgroup";
    case NamespaceType::kTime:
      return "time";
  }
  return "unknown";
}

std::optional<std::string> EnvLookup(const std::vector<std::string>& env, std::string_view key) {
  // The last assignment wins, as with execve's environment and getenv in libc.
  std::optional<std::string> found;
  for (const std::string& kv : env) {
    if (kv.size() > key.size() && kv[key.size()] == '=' && kv.starts_with(key)) {
      found = kv.substr(key.size() + 1);
    }
  }
  return found;
}

}  // namespace runw::oci
