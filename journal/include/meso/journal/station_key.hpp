// The station's Ed25519 signing key, kept in a file outside the database: whoever can rewrite the database
// cannot forge a seal without it. The file holds the 32-byte seed, mode 0600.
#pragma once

#include <array>
#include <cstdint>
#include <filesystem>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "meso/journal/types.hpp"

namespace meso::journal {

using PublicKey = std::array<std::uint8_t, 32>;
using Signature = std::array<std::uint8_t, 64>;

class StationKey {
 public:
  // Creates the file (0600, never overwriting) when it does not exist. Refuses, with JournalError
  // (Errc::key_file), a file of the wrong size or one readable by group or others.
  static StationKey load_or_create(const std::filesystem::path& path);
  // Never creates: a missing file is refused like a bad one (JournalError, Errc::key_file). For tools that
  // must not make a new station identity by accident, e.g. exporting the public key.
  static StationKey load(const std::filesystem::path& path);
  // Only for tests that sign published vectors again (Ed25519 is deterministic) and compare the bytes. A
  // station's key is random and lives in its file; one built from a known seed is no secret.
  static StationKey from_seed_for_test(std::array<std::uint8_t, 32> seed);

  StationKey(const StationKey&) = delete;
  StationKey& operator=(const StationKey&) = delete;
  StationKey(StationKey&& other) noexcept;
  StationKey& operator=(StationKey&&) = delete;
  ~StationKey();

  const PublicKey& public_key() const { return public_key_; }
  Signature sign(std::span<const std::uint8_t> message) const;

 private:
  StationKey() = default;
  static StationKey from_seed(std::array<std::uint8_t, 32>& seed);  // wipes the seed
  std::array<std::uint8_t, 64> secret_key_{};
  PublicKey public_key_{};
};

bool verify_signature(const PublicKey& key, std::span<const std::uint8_t> message,
                      const Signature& signature);

// The bytes a seal signs (docs/journal.md, "Seal"):
// "MJS1" || u64be(session) || u64be(event_count) || merkle_root || u32be(len) || sealed_utc.
std::vector<std::uint8_t> seal_message(SessionId session, std::int64_t event_count, const Digest& merkle_root,
                                       std::string_view sealed_utc);

// Public key files hold 64 hex digits, for `mesoaudit verify --public-key`: written lowercase with a newline;
// read in either case with spaces, tabs and line ends around them, anything else refused (Errc::key_file).
void write_public_key_file(const std::filesystem::path& path, const PublicKey& key);
PublicKey read_public_key_file(const std::filesystem::path& path);

// What a person compares by eye or reads over the phone: "SHA256:" and the first 16 bytes of the key's
// SHA-256 as lowercase hex, in 8 groups of 4 digits joined by ':' (e.g. "SHA256:3f2a:9c01:...").
std::string key_fingerprint(const PublicKey& key);

}  // namespace meso::journal
