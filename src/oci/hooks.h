// OCI lifecycle hooks (runtime-spec config.md "POSIX-platform Hooks").
#pragma once

#include <string>
#include <vector>

#include "oci/config.h"

namespace runw::oci {

/// Runs `hooks` in order, each with exactly its own args and env, the state
/// JSON on stdin, and nothing else inherited. The first failure stops the list:
/// a non-zero exit, death by a signal, or running past its timeout (then it is
/// SIGKILLed). The message names the hook kind (`createRuntime`) and includes
/// what the hook printed.
Expected<void> RunHooks(std::string_view kind, const std::vector<Hook>& hooks,
                        const std::string& state_json);

}  // namespace runw::oci
