// Staff passwords: Argon2id through libsodium's crypto_pwhash_str (the string carries its own salt and
// limits). INTERACTIVE limits (64 MiB, 2 passes): a login at the chair must not take a second, and the
// station runs on two shared cores; MODERATE (256 MiB) took about a second here.
#pragma once

#include <string>
#include <string_view>

namespace meso::journal {

std::string hash_password(std::string_view password);
bool verify_password(std::string_view stored_hash, std::string_view password);

// What a login under an unknown name is checked against: an Argon2id hash of 32 random bytes, made with the
// same limits as hash_password's (a test holds them equal), so it costs what a known name's check costs.
inline constexpr std::string_view kUnknownUserHash =
    "$argon2id$v=19$m=65536,t=2,p=1$92gaSkjX9+oSfA3NafMzvA$knRf480cr/CDtL2+0zcGme36NFap8Tzb4lZ/oxy/20c";

}  // namespace meso::journal
