#include "meso/journal/merkle_proof.hpp"

#include <algorithm>
#include <bit>
#include <stdexcept>
#include <string>

#include "meso/journal/merkle.hpp"

namespace meso::journal {

namespace {

// RFC 6962 splits a list of n > 1 leaves after the largest power of two smaller than n.
std::uint64_t split_point(std::uint64_t n) {
  return std::bit_floor(n - 1);
}

bool lowest_bit(std::uint64_t value) {
  return (value & 1U) != 0;
}

}  // namespace

std::vector<Digest> inclusion_proof(std::uint64_t index, std::uint64_t tree_size, const SubtreeHash& mth) {
  if (index >= tree_size) {
    throw std::invalid_argument("inclusion proof: leaf " + std::to_string(index) + " is not in a tree of " +
                                std::to_string(tree_size));
  }
  // PATH(m, D[n]) recurses into the half holding the leaf and appends the other half's hash after the
  // deeper ones: collected from the root down, then reversed.
  std::vector<Digest> path;
  std::uint64_t begin = 0;
  std::uint64_t end = tree_size;
  while (end - begin > 1) {
    const std::uint64_t middle = begin + split_point(end - begin);
    if (index < middle) {
      path.push_back(mth(middle, end));
      end = middle;
    } else {
      path.push_back(mth(begin, middle));
      begin = middle;
    }
  }
  std::reverse(path.begin(), path.end());
  return path;
}

std::vector<Digest> consistency_proof(std::uint64_t old_size, std::uint64_t new_size,
                                      const SubtreeHash& mth) {
  if (old_size == 0 || old_size > new_size) {
    throw std::invalid_argument("consistency proof: no proof from size " + std::to_string(old_size) +
                                " to size " + std::to_string(new_size));
  }
  // SUBPROOF(m, D[n], b), unrolled the same way as PATH. `whole_old_tree` is b: while the old tree is the
  // left part of the range, the verifier already has its root and the proof leaves it out.
  std::vector<Digest> proof;
  std::uint64_t begin = 0;
  std::uint64_t end = new_size;
  std::uint64_t m = old_size;
  bool whole_old_tree = true;
  while (m != end - begin) {
    const std::uint64_t k = split_point(end - begin);
    if (m <= k) {
      proof.push_back(mth(begin + k, end));
      end = begin + k;
    } else {
      proof.push_back(mth(begin, begin + k));
      begin += k;
      m -= k;
      whole_old_tree = false;
    }
  }
  if (!whole_old_tree) proof.push_back(mth(begin, end));
  std::reverse(proof.begin(), proof.end());
  return proof;
}

bool verify_inclusion(const Digest& leaf_hash, std::uint64_t index, std::uint64_t tree_size,
                      std::span<const Digest> proof, const Digest& root) {
  if (index >= tree_size) return false;
  std::uint64_t fn = index;
  std::uint64_t sn = tree_size - 1;
  Digest r = leaf_hash;
  for (const Digest& p : proof) {
    // A proof longer than the path runs out of levels here: no hashing beyond 64 steps.
    if (sn == 0) return false;
    if (lowest_bit(fn) || fn == sn) {
      r = merkle_node_hash(p, r);
      // Levels where the leaf's subtree is the whole right edge have no sibling in the proof.
      while (!lowest_bit(fn) && fn != 0) {
        fn >>= 1U;
        sn >>= 1U;
      }
    } else {
      r = merkle_node_hash(r, p);
    }
    fn >>= 1U;
    sn >>= 1U;
  }
  return sn == 0 && r == root;
}

bool verify_consistency(std::uint64_t old_size, std::uint64_t new_size, const Digest& old_root,
                        const Digest& new_root, std::span<const Digest> proof) {
  if (old_size == 0 || old_size > new_size) return false;
  if (old_size == new_size) return proof.empty() && old_root == new_root;
  if (proof.empty()) return false;
  // RFC 9162 prepends the old root when the old tree is perfect (the proof leaves out what the verifier has);
  // starting from it instead of copying the proof does the same.
  const bool old_tree_perfect = std::has_single_bit(old_size);
  Digest fr = old_tree_perfect ? old_root : proof.front();
  Digest sr = fr;
  std::uint64_t fn = old_size - 1;
  std::uint64_t sn = new_size - 1;
  while (lowest_bit(fn)) {
    fn >>= 1U;
    sn >>= 1U;
  }
  for (const Digest& c : proof.subspan(old_tree_perfect ? 0 : 1)) {
    if (sn == 0) return false;
    if (lowest_bit(fn) || fn == sn) {
      fr = merkle_node_hash(c, fr);
      sr = merkle_node_hash(c, sr);
      while (!lowest_bit(fn) && fn != 0) {
        fn >>= 1U;
        sn >>= 1U;
      }
    } else {
      sr = merkle_node_hash(sr, c);
    }
    fn >>= 1U;
    sn >>= 1U;
  }
  return sn == 0 && fr == old_root && sr == new_root;
}

}  // namespace meso::journal
