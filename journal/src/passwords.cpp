#include "meso/journal/passwords.hpp"

#include <sodium.h>

#include <array>

#include "meso/journal/result.hpp"

namespace meso::journal {

std::string hash_password(std::string_view password) {
  if (sodium_init() < 0) throw JournalError(Errc::storage_failure, "libsodium failed to initialise");
  std::array<char, crypto_pwhash_STRBYTES> text{};
  if (crypto_pwhash_str_alg(text.data(), password.data(), password.size(), crypto_pwhash_OPSLIMIT_INTERACTIVE,
                            crypto_pwhash_MEMLIMIT_INTERACTIVE, crypto_pwhash_ALG_ARGON2ID13) != 0) {
    throw JournalError(Errc::storage_failure, "Argon2id ran out of memory hashing a password");
  }
  return {text.data()};
}

bool verify_password(std::string_view stored_hash, std::string_view password) {
  if (sodium_init() < 0) return false;
  const std::string stored(stored_hash);  // crypto_pwhash_str_verify wants a NUL-terminated string
  return crypto_pwhash_str_verify(stored.c_str(), password.data(), password.size()) == 0;
}

}  // namespace meso::journal
