// Proofs over the RFC 6962 tree of merkle.hpp: that a leaf is in a log of a given size (inclusion, RFC 6962
// section 2.1.1 PATH), and that a log of a given size is an earlier state of a larger one (consistency,
// section 2.1.2 PROOF). With a signed root of each, anyone can check one event, or that nothing was
// rewritten between two checkpoints, without reading the rest of the log. The verifiers follow RFC 9162
// sections 2.1.3.2 and 2.1.4.2, and agree with transparency-dev/merkle on every published probe
// (tests/journal/merkle_proof_test.cpp).
#pragma once

#include <cstdint>
#include <functional>
#include <span>
#include <vector>

#include "meso/journal/types.hpp"

namespace meso::journal {

// MTH of the leaves [begin, end) of the log, supplied by the storage (it may keep complete subtrees).
using SubtreeHash = std::function<Digest(std::uint64_t begin, std::uint64_t end)>;

// The sibling hashes from leaf `index` up to the root of the first tree_size leaves, lowest first.
// Throws std::invalid_argument unless index < tree_size.
std::vector<Digest> inclusion_proof(std::uint64_t index, std::uint64_t tree_size, const SubtreeHash& mth);
// What rebuilds both roots from the old tree's subtrees, lowest first; empty when the sizes are equal.
// Throws std::invalid_argument unless 0 < old_size <= new_size: every log extends the empty one, so there is
// nothing to prove from size 0 and verify_consistency refuses it.
std::vector<Digest> consistency_proof(std::uint64_t old_size, std::uint64_t new_size, const SubtreeHash& mth);

// These answer false, never throw, for whatever does not prove the claim: index >= tree_size, a proof of the
// wrong length, hashes that do not chain to the root.
bool verify_inclusion(const Digest& leaf_hash, std::uint64_t index, std::uint64_t tree_size,
                      std::span<const Digest> proof, const Digest& root);
// Equal sizes need an empty proof and equal roots. An old_size of 0 is refused, as transparency-dev/merkle
// refuses it: a proof from the empty tree would accept any new root.
bool verify_consistency(std::uint64_t old_size, std::uint64_t new_size, const Digest& old_root,
                        const Digest& new_root, std::span<const Digest> proof);

// Answers SubtreeHash from leaf hashes held in memory, keeping the hash of every aligned perfect subtree of
// at least kStoredSubtreeLeaves leaves (about one stored node per 128 leaves). A proof then reads O(log n)
// stored nodes and hashes at most a few hundred leaves: the subtrees below 2^8 leaves, and the ragged right
// edge of the tree.
class MemoryTree {
 public:
  static constexpr std::uint64_t kStoredSubtreeLeaves = 256;

  void reserve(std::uint64_t leaves);
  void append(const Digest& leaf_hash);
  std::uint64_t size() const { return leaves_.size(); }
  const Digest& leaf_hash(std::uint64_t index) const;  // throws std::out_of_range past size()

  Digest root() const;
  Digest root_at(std::uint64_t size) const;  // throws std::invalid_argument past size()
  // MTH(D[begin:end]); SHA-256 of nothing when begin == end. Throws std::invalid_argument unless
  // begin <= end <= size().
  Digest subtree(std::uint64_t begin, std::uint64_t end) const;
  // Reads this tree, which must outlive it; leaves appended later are seen.
  SubtreeHash subtree_hash() const;

 private:
  Digest range_hash(std::uint64_t begin, std::uint64_t end) const;

  std::vector<Digest> leaves_;
  // perfect_[k][i]: MTH of the leaves [i * w, (i + 1) * w) with w = kStoredSubtreeLeaves << k.
  std::vector<std::vector<Digest>> perfect_;
};

}  // namespace meso::journal
