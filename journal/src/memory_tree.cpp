#include <bit>
#include <stdexcept>
#include <string>

#include "meso/journal/merkle.hpp"
#include "meso/journal/merkle_proof.hpp"

namespace meso::journal {

void MemoryTree::reserve(std::uint64_t leaves) {
  leaves_.reserve(leaves);
}

void MemoryTree::append(const Digest& leaf_hash) {
  leaves_.push_back(leaf_hash);
  const std::uint64_t n = leaves_.size();
  if (n % kStoredSubtreeLeaves != 0) return;
  // A run of kStoredSubtreeLeaves leaves just closed: hash it once, then each perfect subtree it completes,
  // one pair per level, as a binary counter carries.
  if (perfect_.empty()) perfect_.emplace_back();
  perfect_[0].push_back(
      merkle_root(std::span<const Digest>(leaves_).last(static_cast<std::size_t>(kStoredSubtreeLeaves))));
  for (std::size_t level = 0; perfect_[level].size() % 2 == 0; ++level) {
    if (level + 1 == perfect_.size()) perfect_.emplace_back();
    const std::vector<Digest>& below = perfect_[level];
    perfect_[level + 1].push_back(merkle_node_hash(below[below.size() - 2], below.back()));
  }
}

const Digest& MemoryTree::leaf_hash(std::uint64_t index) const {
  return leaves_.at(index);
}

Digest MemoryTree::root() const {
  return range_hash(0, size());
}

Digest MemoryTree::root_at(std::uint64_t size) const {
  if (size > this->size()) {
    throw std::invalid_argument("Merkle tree of " + std::to_string(this->size()) + " leaves has no root at " +
                                std::to_string(size));
  }
  return range_hash(0, size);
}

Digest MemoryTree::subtree(std::uint64_t begin, std::uint64_t end) const {
  if (begin > end || end > size()) {
    throw std::invalid_argument("Merkle tree of " + std::to_string(size()) + " leaves has no range [" +
                                std::to_string(begin) + ", " + std::to_string(end) + ")");
  }
  return range_hash(begin, end);
}

SubtreeHash MemoryTree::subtree_hash() const {
  return [this](std::uint64_t begin, std::uint64_t end) { return subtree(begin, end); };
}

Digest MemoryTree::range_hash(std::uint64_t begin, std::uint64_t end) const {
  const std::uint64_t n = end - begin;
  if (n >= kStoredSubtreeLeaves && std::has_single_bit(n) && begin % n == 0) {
    const auto level = static_cast<std::size_t>(std::countr_zero(n / kStoredSubtreeLeaves));
    return perfect_[level][static_cast<std::size_t>(begin / n)];
  }
  if (n <= kStoredSubtreeLeaves) {
    return merkle_root(std::span<const Digest>(leaves_).subspan(static_cast<std::size_t>(begin),
                                                                static_cast<std::size_t>(n)));
  }
  // Split as RFC 6962 does: the left part is a perfect subtree, stored when aligned (always, for the ranges
  // proofs ask for); the right part recurses down the tree's ragged edge.
  const std::uint64_t middle = begin + std::bit_floor(n - 1);
  return merkle_node_hash(range_hash(begin, middle), range_hash(middle, end));
}

}  // namespace meso::journal
