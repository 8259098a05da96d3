// Staff passwords: Argon2id through libsodium's crypto_pwhash_str (the string carries its own salt and
// limits). INTERACTIVE limits (64 MiB, 2 passes): a login at the chair must not take a second, and the
// station runs on two shared cores; MODERATE (256 MiB) took about a second here.
#pragma once

#include <string>
#include <string_view>

namespace meso::journal {

std::string hash_password(std::string_view password);
bool verify_password(std::string_view stored_hash, std::string_view password);

}  // namespace meso::journal
