// RFC 6962 section 2.1 Merkle tree hash: leaf = SHA-256(0x00 || data), node = SHA-256(0x01 || left || right),
// and a list of n > 1 leaves splits at the largest power of two smaller than n.
#pragma once

#include <cstdint>
#include <span>

#include "meso/journal/types.hpp"

namespace meso::journal {

Digest merkle_leaf_hash(std::span<const std::uint8_t> data);
Digest merkle_node_hash(const Digest& left, const Digest& right);
// The tree hash over leaves already hashed with merkle_leaf_hash (event hashes are); SHA-256 of nothing
// for an empty list, as the RFC defines it.
Digest merkle_root(std::span<const Digest> leaf_hashes);

}  // namespace meso::journal
