// SHA-256 for the journal's event hashes, Merkle nodes and genesis values, through OpenSSL's libcrypto,
// which uses the CPU's SHA extensions (SHA-NI) where it has them. The digest algorithm is fetched once per
// process and each thread reuses one EVP_MD_CTX: the one-shot SHA256() fetches the algorithm on every
// call and costs about twice as much on a 219-byte record.
#pragma once

#include <cstdint>
#include <initializer_list>
#include <span>

#include "meso/journal/types.hpp"

namespace meso::journal::detail {

// SHA-256 of the concatenation of `parts`. Thread-safe; throws std::runtime_error if libcrypto fails.
Digest sha256_of(std::initializer_list<std::span<const std::uint8_t>> parts);

}  // namespace meso::journal::detail
