#include "meso/journal/merkle.hpp"

#include <bit>

#include "sha256.hpp"

namespace meso::journal {

Digest merkle_leaf_hash(std::span<const std::uint8_t> data) {
  constexpr std::uint8_t kLeafPrefix = 0x00;
  return detail::sha256_of({{&kLeafPrefix, 1}, data});
}

Digest merkle_node_hash(const Digest& left, const Digest& right) {
  constexpr std::uint8_t kNodePrefix = 0x01;
  return detail::sha256_of({{&kNodePrefix, 1}, left, right});
}

Digest merkle_root(std::span<const Digest> leaf_hashes) {
  const std::size_t n = leaf_hashes.size();
  if (n == 0) return detail::sha256_of({});
  if (n == 1) return leaf_hashes[0];
  // RFC 6962: k is the largest power of two smaller than n.
  const std::size_t k = std::bit_floor(n - 1);
  return merkle_node_hash(merkle_root(leaf_hashes.first(k)), merkle_root(leaf_hashes.subspan(k)));
}

}  // namespace meso::journal
