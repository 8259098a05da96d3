#include "meso/journal/merkle.hpp"

#include <sodium.h>

#include <array>
#include <bit>

namespace meso::journal {

Digest merkle_leaf_hash(std::span<const std::uint8_t> data) {
  Digest digest{};
  crypto_hash_sha256_state state;
  crypto_hash_sha256_init(&state);
  const std::uint8_t prefix = 0x00;
  crypto_hash_sha256_update(&state, &prefix, 1);
  crypto_hash_sha256_update(&state, data.data(), data.size());
  crypto_hash_sha256_final(&state, digest.data());
  return digest;
}

Digest merkle_node_hash(const Digest& left, const Digest& right) {
  std::array<std::uint8_t, 65> input{};
  input[0] = 0x01;
  std::copy(left.begin(), left.end(), input.begin() + 1);
  std::copy(right.begin(), right.end(), input.begin() + 33);
  Digest digest{};
  crypto_hash_sha256(digest.data(), input.data(), input.size());
  return digest;
}

Digest merkle_root(std::span<const Digest> leaf_hashes) {
  const std::size_t n = leaf_hashes.size();
  if (n == 0) {
    Digest digest{};
    crypto_hash_sha256(digest.data(), nullptr, 0);
    return digest;
  }
  if (n == 1) return leaf_hashes[0];
  // RFC 6962: k is the largest power of two smaller than n.
  const std::size_t k = std::bit_floor(n - 1);
  return merkle_node_hash(merkle_root(leaf_hashes.first(k)), merkle_root(leaf_hashes.subspan(k)));
}

}  // namespace meso::journal
