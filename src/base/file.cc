#include "base/file.h"

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>

namespace runw {

Result<std::vector<uint8_t>> ReadFile(const std::string& path) {
  int fd = ::open(path.c_str(), O_RDONLY | O_CLOEXEC);
  if (fd < 0) return Fail(ErrorCode::kFileOpen, 0, static_cast<uint32_t>(errno));
  std::vector<uint8_t> bytes;
  struct stat st{};
  if (::fstat(fd, &st) == 0 && S_ISDIR(st.st_mode)) {
    ::close(fd);
    return Fail(ErrorCode::kFileRead, 0, EISDIR);
  }
  // Modules are at most 4 GiB by construction (offsets are u32).
  if (st.st_size > static_cast<off_t>(UINT32_MAX)) {
    ::close(fd);
    return Fail(ErrorCode::kFileTooLarge, 0);
  }
  if (st.st_size > 0) bytes.reserve(static_cast<size_t>(st.st_size));
  uint8_t buf[65536];
  for (;;) {
    ssize_t n = ::read(fd, buf, sizeof buf);
    if (n < 0) {
      if (errno == EINTR) continue;
      int err = errno;
      ::close(fd);
      return Fail(ErrorCode::kFileRead, 0, static_cast<uint32_t>(err));
    }
    if (n == 0) break;
    bytes.insert(bytes.end(), buf, buf + n);
    if (bytes.size() > UINT32_MAX) {
      ::close(fd);
      return Fail(ErrorCode::kFileTooLarge, 0);
    }
  }
  ::close(fd);
  return bytes;
}

}  // namespace runw
