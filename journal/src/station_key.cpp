#include "meso/journal/station_key.hpp"

#include <fcntl.h>
#include <sodium.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <fstream>
#include <string>
#include <string_view>

#include "meso/journal/hashing.hpp"
#include "meso/journal/result.hpp"
#include "sha256.hpp"

namespace meso::journal {

namespace {

constexpr std::size_t kSeedSize = crypto_sign_SEEDBYTES;

[[noreturn]] void key_error(const std::filesystem::path& path, const std::string& what) {
  throw JournalError(Errc::key_file, "station key " + path.string() + ": " + what);
}

// Holds an open descriptor so the checks below and the read see the same file.
class Fd {
 public:
  explicit Fd(int fd) : fd_(fd) {}
  ~Fd() {
    if (fd_ >= 0) ::close(fd_);
  }
  Fd(const Fd&) = delete;
  Fd& operator=(const Fd&) = delete;
  Fd(Fd&&) = delete;
  Fd& operator=(Fd&&) = delete;
  int get() const { return fd_; }

 private:
  int fd_;
};

void write_all(int fd, const std::uint8_t* data, std::size_t size, const std::filesystem::path& path) {
  while (size > 0) {
    const ssize_t written = ::write(fd, data, size);
    if (written < 0 && errno == EINTR) continue;
    if (written <= 0) key_error(path, std::string("cannot write: ") + std::strerror(errno));
    data += written;
    size -= static_cast<std::size_t>(written);
  }
}

void create_seed_file(const std::filesystem::path& path, std::array<std::uint8_t, kSeedSize>& seed) {
  const Fd fd(::open(path.c_str(), O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0600));
  if (fd.get() < 0) key_error(path, std::string("cannot create: ") + std::strerror(errno));
  randombytes_buf(seed.data(), seed.size());
  write_all(fd.get(), seed.data(), seed.size(), path);
  // The key must outlive a power cut as surely as the seals it signs.
  if (::fsync(fd.get()) != 0) key_error(path, std::string("cannot sync: ") + std::strerror(errno));
}

void read_seed_file(const std::filesystem::path& path, std::array<std::uint8_t, kSeedSize>& seed) {
  const Fd fd(::open(path.c_str(), O_RDONLY | O_CLOEXEC));
  if (fd.get() < 0) key_error(path, std::string("cannot open: ") + std::strerror(errno));
  struct stat info {};
  if (::fstat(fd.get(), &info) != 0) key_error(path, std::string("cannot stat: ") + std::strerror(errno));
  if ((info.st_mode & 077) != 0) {
    key_error(path, "readable or writable by group or others; chmod 600 it (and consider the key leaked)");
  }
  if (info.st_size != static_cast<off_t>(kSeedSize)) {
    key_error(path,
              "expected " + std::to_string(kSeedSize) + " bytes, found " + std::to_string(info.st_size));
  }
  std::size_t done = 0;
  while (done < seed.size()) {
    const ssize_t got = ::read(fd.get(), seed.data() + done, seed.size() - done);
    if (got < 0 && errno == EINTR) continue;
    if (got <= 0) key_error(path, "short read");
    done += static_cast<std::size_t>(got);
  }
}

}  // namespace

StationKey StationKey::load_or_create(const std::filesystem::path& path) {
  std::error_code error;
  if (std::filesystem::exists(path, error)) return load(path);
  if (sodium_init() < 0) key_error(path, "libsodium failed to initialise");
  std::array<std::uint8_t, kSeedSize> seed{};
  create_seed_file(path, seed);
  return from_seed(seed);
}

StationKey StationKey::load(const std::filesystem::path& path) {
  if (sodium_init() < 0) key_error(path, "libsodium failed to initialise");
  std::array<std::uint8_t, kSeedSize> seed{};
  read_seed_file(path, seed);
  return from_seed(seed);
}

StationKey StationKey::from_seed_for_test(std::array<std::uint8_t, 32> seed) {
  if (sodium_init() < 0) throw JournalError(Errc::key_file, "libsodium failed to initialise");
  return from_seed(seed);
}

StationKey StationKey::from_seed(std::array<std::uint8_t, 32>& seed) {
  StationKey key;
  crypto_sign_seed_keypair(key.public_key_.data(), key.secret_key_.data(), seed.data());
  sodium_memzero(seed.data(), seed.size());
  return key;
}

StationKey::StationKey(StationKey&& other) noexcept
    : secret_key_(other.secret_key_), public_key_(other.public_key_) {
  sodium_memzero(other.secret_key_.data(), other.secret_key_.size());
}

StationKey::~StationKey() {
  sodium_memzero(secret_key_.data(), secret_key_.size());
}

Signature StationKey::sign(std::span<const std::uint8_t> message) const {
  Signature signature{};
  crypto_sign_detached(signature.data(), nullptr, message.data(), message.size(), secret_key_.data());
  return signature;
}

bool verify_signature(const PublicKey& key, std::span<const std::uint8_t> message,
                      const Signature& signature) {
  return crypto_sign_verify_detached(signature.data(), message.data(), message.size(), key.data()) == 0;
}

std::vector<std::uint8_t> seal_message(SessionId session, std::int64_t event_count, const Digest& merkle_root,
                                       std::string_view sealed_utc) {
  std::vector<std::uint8_t> message{'M', 'J', 'S', '1'};
  const auto put = [&message](std::uint64_t value, int bytes) {
    for (int shift = (bytes - 1) * 8; shift >= 0; shift -= 8) {
      message.push_back(static_cast<std::uint8_t>(value >> shift));
    }
  };
  put(static_cast<std::uint64_t>(session), 8);
  put(static_cast<std::uint64_t>(event_count), 8);
  message.insert(message.end(), merkle_root.begin(), merkle_root.end());
  put(sealed_utc.size(), 4);
  message.insert(message.end(), sealed_utc.begin(), sealed_utc.end());
  return message;
}

void write_public_key_file(const std::filesystem::path& path, const PublicKey& key) {
  std::ofstream out(path, std::ios::trunc);
  out << to_hex(key) << '\n';
  if (!out) key_error(path, "cannot write the public key");
}

PublicKey read_public_key_file(const std::filesystem::path& path) {
  std::ifstream in(path, std::ios::binary);
  if (!in) key_error(path, "cannot open the public key file");
  // A key file is tiny; reading a bounded amount keeps `--public-key /dev/zero` from eating the memory.
  constexpr std::size_t kLongest = 4096;
  std::string text(kLongest + 1, '\0');
  in.read(text.data(), static_cast<std::streamsize>(text.size()));
  text.resize(static_cast<std::size_t>(in.gcount()));
  if (in.bad()) key_error(path, "cannot read the public key file");
  if (text.size() > kLongest)
    key_error(path, "not a public key: expected 64 hex digits, found a longer file");
  // The whitespace editors and `echo` add around the digits (a newline, CRLF) is harmless; anything else,
  // such as a second key or a comment, would be ignored without a word, so it is refused.
  constexpr std::string_view kSpace = " \t\r\n";
  const std::size_t first = text.find_first_not_of(kSpace);
  const std::string_view hex =
      first == std::string::npos
          ? std::string_view()
          : std::string_view(text).substr(first, text.find_last_not_of(kSpace) - first + 1);
  PublicKey key{};
  if (!from_hex(hex, key)) {
    key_error(path, "not a public key: expected 64 hex digits and nothing else but whitespace around them");
  }
  return key;
}

std::string key_fingerprint(const PublicKey& key) {
  const Digest digest = detail::sha256_of({std::span<const std::uint8_t>(key)});
  static constexpr std::string_view kHex = "0123456789abcdef";
  std::string out = "SHA256:";
  for (std::size_t i = 0; i < 16; ++i) {
    if (i > 0 && i % 2 == 0) out += ':';
    out += kHex[digest[i] >> 4U];
    out += kHex[digest[i] & 0xFU];
  }
  return out;
}

}  // namespace meso::journal
