// Inclusion and consistency proofs against vectors we did not make, then properties over every small tree.
// The known answers are the RFC 6962 reference tree of google/certificate-transparency
// cpp/merkletree/merkle_tree_test.cc (kInputs, kSHA256Roots, kSHA256Paths, kSHA256Proofs), as
// transparency-dev/merkle cmd/proofgen/main.go restates them with 0-based leaf indices, and every inclusion
// and consistency probe transparency-dev/merkle publishes in testdata/ (tests/journal/data/, one per line).
#include "meso/journal/merkle_proof.hpp"

#include <gtest/gtest.h>

#include <algorithm>
#include <fstream>
#include <nlohmann/json.hpp>
#include <stdexcept>
#include <string>
#include <vector>

#include "meso/journal/base64.hpp"
#include "meso/journal/hashing.hpp"
#include "meso/journal/merkle.hpp"

namespace meso::journal {
namespace {

Digest digest(const std::string& hex) {
  Digest out{};
  EXPECT_TRUE(from_hex(hex, out)) << hex;
  return out;
}

std::vector<Digest> digests(const std::vector<std::string>& hexes) {
  std::vector<Digest> out;
  out.reserve(hexes.size());
  for (const std::string& hex : hexes)
    out.push_back(digest(hex));
  return out;
}

// The eight leaf inputs of the RFC 6962 reference tree, hashed.
MemoryTree reference_tree() {
  MemoryTree tree;
  for (const std::string hex :
       {"", "00", "10", "2021", "3031", "40414243", "5051525354555657", "606162636465666768696a6b6c6d6e6f"}) {
    std::vector<std::uint8_t> data(hex.size() / 2);
    EXPECT_TRUE(from_hex(hex, data));
    tree.append(merkle_leaf_hash(data));
  }
  return tree;
}

TEST(MerkleProofTest, ReferenceTreeRootsAtEverySize) {
  const std::vector<std::string> roots = {
      "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855",  // the empty tree
      "6e340b9cffb37a989ca544e6bb780a2c78901d3fb33738768511a30617afa01d",
      "fac54203e7cc696cf0dfcb42c92a1d9dbaf70ad9e621f4bd8d98662f00e3c125",
      "aeb6bcfe274b70a14fb067a5e5578264db0fa9b51af5e0ba159158f329e06e77",
      "d37ee418976dd95753c1c73862b9398fa2a2cf9b4ff0fdfe8b30cd95209614b7",
      "4e3bbb1f7b478dcfe71fb631631519a3bca12c9aefca1612bfce4c13a86264d4",
      "76e67dadbcdf1e10e1b74ddc608abd2f98dfb16fbce75277b5232a127f2087ef",
      "ddb89be403809e325750d3d263cd78929c2942b7942a34b77e122c9594a74c8c",
      "5dc9da79a70659a9ad559cb701ded9a2ab9d823aad2f4960cfe370eff4604328",
  };
  const MemoryTree tree = reference_tree();
  for (std::uint64_t size = 0; size <= 8; ++size)
    EXPECT_EQ(to_hex(tree.root_at(size)), roots[size]) << size << " leaves";
  EXPECT_EQ(tree.root(), tree.root_at(8));
}

TEST(MerkleProofTest, ReferenceTreeInclusionProofs) {
  struct Vector {
    std::uint64_t index;
    std::uint64_t size;
    std::vector<std::string> proof;
  };
  const std::vector<Vector> vectors = {
      {0, 1, {}},
      {0,
       8,
       {"96a296d224f285c67bee93c30f8a309157f0daa35dc5b87e410b78630a09cfc7",
        "5f083f0a1a33ca076a95279832580db3e0ef4584bdff1f54c8a360f50de3031e",
        "6b47aaf29ee3c2af9af889bc1fb9254dabd31177f16232dd6aab035ca39bf6e4"}},
      {5,
       8,
       {"bc1a0643b12e4d2d7c77918f44e0f4f79a838b6cf9ec5b5c283e1f4d88599e6b",
        "ca854ea128ed050b41b35ffc1b87b8eb2bde461e9e3b5596ece6b9d5975a0ae0",
        "d37ee418976dd95753c1c73862b9398fa2a2cf9b4ff0fdfe8b30cd95209614b7"}},
      {2, 3, {"fac54203e7cc696cf0dfcb42c92a1d9dbaf70ad9e621f4bd8d98662f00e3c125"}},
      {1,
       5,
       {"6e340b9cffb37a989ca544e6bb780a2c78901d3fb33738768511a30617afa01d",
        "5f083f0a1a33ca076a95279832580db3e0ef4584bdff1f54c8a360f50de3031e",
        "bc1a0643b12e4d2d7c77918f44e0f4f79a838b6cf9ec5b5c283e1f4d88599e6b"}},
  };
  const MemoryTree tree = reference_tree();
  for (const Vector& v : vectors) {
    const std::vector<Digest> want = digests(v.proof);
    EXPECT_EQ(inclusion_proof(v.index, v.size, tree.subtree_hash()), want) << v.index << " of " << v.size;
    EXPECT_TRUE(verify_inclusion(tree.leaf_hash(v.index), v.index, v.size, want, tree.root_at(v.size)));
  }
}

TEST(MerkleProofTest, ReferenceTreeConsistencyProofs) {
  struct Vector {
    std::uint64_t old_size;
    std::uint64_t new_size;
    std::vector<std::string> proof;
  };
  const std::vector<Vector> vectors = {
      {1, 1, {}},
      {1,
       8,
       {"96a296d224f285c67bee93c30f8a309157f0daa35dc5b87e410b78630a09cfc7",
        "5f083f0a1a33ca076a95279832580db3e0ef4584bdff1f54c8a360f50de3031e",
        "6b47aaf29ee3c2af9af889bc1fb9254dabd31177f16232dd6aab035ca39bf6e4"}},
      {6,
       8,
       {"0ebc5d3437fbe2db158b9f126a1d118e308181031d0a949f8dededebc558ef6a",
        "ca854ea128ed050b41b35ffc1b87b8eb2bde461e9e3b5596ece6b9d5975a0ae0",
        "d37ee418976dd95753c1c73862b9398fa2a2cf9b4ff0fdfe8b30cd95209614b7"}},
      {2,
       5,
       {"5f083f0a1a33ca076a95279832580db3e0ef4584bdff1f54c8a360f50de3031e",
        "bc1a0643b12e4d2d7c77918f44e0f4f79a838b6cf9ec5b5c283e1f4d88599e6b"}},
      {6,
       7,
       {"0ebc5d3437fbe2db158b9f126a1d118e308181031d0a949f8dededebc558ef6a",
        "b08693ec2e721597130641e8211e7eedccb4c26413963eee6c1e2ed16ffb1a5f",
        "d37ee418976dd95753c1c73862b9398fa2a2cf9b4ff0fdfe8b30cd95209614b7"}},
  };
  const MemoryTree tree = reference_tree();
  for (const Vector& v : vectors) {
    const std::vector<Digest> want = digests(v.proof);
    EXPECT_EQ(consistency_proof(v.old_size, v.new_size, tree.subtree_hash()), want)
        << v.old_size << " to " << v.new_size;
    EXPECT_TRUE(
        verify_consistency(v.old_size, v.new_size, tree.root_at(v.old_size), tree.root_at(v.new_size), want));
  }
}

// transparency-dev's probes carry byte strings of any length where we take 32-byte digests. Those of another
// length are all meant to fail (the tests check) and reach our verifier zero-padded or cut, which keeps
// equal values equal and different ones different in every probe.
Digest probe_digest(const nlohmann::json& value, bool& exact) {
  const std::optional<std::vector<std::uint8_t>> bytes =
      from_base64(value.is_null() ? "" : value.get<std::string>());
  if (!bytes) throw std::runtime_error("probe value is not base64: " + value.dump());
  Digest out{};
  std::copy_n(bytes->begin(), std::min(bytes->size(), out.size()), out.begin());
  exact = exact && bytes->size() == out.size();
  return out;
}

std::vector<Digest> probe_proof(const nlohmann::json& proof, bool& exact) {
  std::vector<Digest> out;
  if (proof.is_null()) return out;
  for (const nlohmann::json& element : proof)
    out.push_back(probe_digest(element, exact));
  return out;
}

nlohmann::json probes() {
  std::ifstream in(std::string(JOURNAL_TEST_DATA) + "/transparency_dev_merkle_probes.json");
  return nlohmann::json::parse(in);
}

TEST(MerkleProofTest, AgreesWithEveryTransparencyDevInclusionProbe) {
  const nlohmann::json all = probes()["inclusion"];
  ASSERT_EQ(all.size(), 98U);
  int accepted = 0;
  for (const nlohmann::json& probe : all) {
    bool exact = true;
    bool exact_leaf = true;
    const Digest root = probe_digest(probe["root"], exact);
    const Digest leaf = probe_digest(probe["leafHash"], exact_leaf);
    const std::vector<Digest> proof = probe_proof(probe["proof"], exact);
    const bool want = !probe["wantErr"].get<bool>();
    EXPECT_TRUE((exact && exact_leaf) || !want) << probe["file"];
    // transparency-dev refuses a leaf hash of another length before anything else ("empty root and leaf"
    // would otherwise prove itself): a Digest cannot be one, so the probe has nothing to ask us.
    if (!exact_leaf) continue;
    EXPECT_EQ(verify_inclusion(leaf, probe["leafIdx"].get<std::uint64_t>(),
                               probe["treeSize"].get<std::uint64_t>(), proof, root),
              want)
        << probe["file"];
    accepted += want ? 1 : 0;
  }
  EXPECT_EQ(accepted, 6);  // a happy path per reference proof, and the single-entry tree
}

TEST(MerkleProofTest, AgreesWithEveryTransparencyDevConsistencyProbe) {
  const nlohmann::json all = probes()["consistency"];
  ASSERT_EQ(all.size(), 98U);
  int accepted = 0;
  for (const nlohmann::json& probe : all) {
    bool exact = true;
    const Digest root1 = probe_digest(probe["root1"], exact);
    const Digest root2 = probe_digest(probe["root2"], exact);
    const std::vector<Digest> proof = probe_proof(probe["proof"], exact);
    const bool want = !probe["wantErr"].get<bool>();
    // One accepted probe has equal 12-byte roots at equal sizes: what matters there is only that they match.
    EXPECT_TRUE(exact || !want || probe["size1"] == probe["size2"]) << probe["file"];
    EXPECT_EQ(verify_consistency(probe["size1"].get<std::uint64_t>(), probe["size2"].get<std::uint64_t>(),
                                 root1, root2, proof),
              want)
        << probe["file"];
    accepted += want ? 1 : 0;
  }
  EXPECT_EQ(accepted, 6);
}

// Leaves that differ in content and length, so that no two hash alike.
MemoryTree numbered_tree(std::uint64_t size) {
  MemoryTree tree;
  for (std::uint64_t i = 0; i < size; ++i) {
    const std::string text = "leaf " + std::to_string(i * 7919);
    tree.append(merkle_leaf_hash({reinterpret_cast<const std::uint8_t*>(text.data()), text.size()}));
  }
  return tree;
}

Digest flipped(Digest value, std::size_t byte = 17) {
  value[byte] ^= 0x40U;
  return value;
}

constexpr std::uint64_t kMaxPropertySize = 70;

// Every root of the tree, computed once: the properties below compare against other sizes' roots often.
std::vector<Digest> all_roots(const MemoryTree& tree) {
  std::vector<Digest> roots;
  for (std::uint64_t size = 0; size <= tree.size(); ++size)
    roots.push_back(tree.root_at(size));
  return roots;
}

TEST(MerkleProofTest, EveryInclusionProofVerifiesAndNoAlteredOneDoes) {
  const MemoryTree tree = numbered_tree(2 * kMaxPropertySize + 2);
  const std::vector<Digest> roots = all_roots(tree);
  for (std::uint64_t size = 1; size <= kMaxPropertySize; ++size) {
    const Digest& root = roots[size];
    for (std::uint64_t index = 0; index < size; ++index) {
      SCOPED_TRACE("leaf " + std::to_string(index) + " of " + std::to_string(size));
      const Digest& leaf = tree.leaf_hash(index);
      const std::vector<Digest> proof = inclusion_proof(index, size, tree.subtree_hash());
      ASSERT_TRUE(verify_inclusion(leaf, index, size, proof, root));
      EXPECT_FALSE(verify_inclusion(flipped(leaf), index, size, proof, root));
      EXPECT_FALSE(verify_inclusion(leaf, index, size, proof, flipped(root, 0)));
      for (std::size_t i = 0; i < proof.size(); ++i) {
        std::vector<Digest> altered = proof;
        altered[i] = flipped(altered[i], i % 32);
        EXPECT_FALSE(verify_inclusion(leaf, index, size, altered, root)) << "element " << i;
      }
      for (std::uint64_t other = 0; other <= size; ++other) {
        if (other != index) {
          EXPECT_FALSE(verify_inclusion(leaf, other, size, proof, root)) << "index " << other;
        }
      }
      // Each size signs its own root: the proof must not fit another size's head.
      for (std::uint64_t other = index + 1; other <= 2 * size + 1; ++other) {
        if (other != size) {
          EXPECT_FALSE(verify_inclusion(leaf, index, other, proof, roots[other])) << "size " << other;
        }
      }
      std::vector<Digest> longer = proof;
      longer.push_back(root);
      EXPECT_FALSE(verify_inclusion(leaf, index, size, longer, root));
      if (!proof.empty()) {
        EXPECT_FALSE(verify_inclusion(leaf, index, size, std::span(proof).first(proof.size() - 1), root));
      }
    }
  }
}

TEST(MerkleProofTest, EveryConsistencyProofVerifiesAndNoAlteredOneDoes) {
  const MemoryTree tree = numbered_tree(kMaxPropertySize + 2);
  const std::vector<Digest> roots = all_roots(tree);
  for (std::uint64_t new_size = 1; new_size <= kMaxPropertySize; ++new_size) {
    const Digest& new_root = roots[new_size];
    for (std::uint64_t old_size = 1; old_size <= new_size; ++old_size) {
      SCOPED_TRACE(std::to_string(old_size) + " to " + std::to_string(new_size));
      const Digest& old_root = roots[old_size];
      const std::vector<Digest> proof = consistency_proof(old_size, new_size, tree.subtree_hash());
      ASSERT_TRUE(verify_consistency(old_size, new_size, old_root, new_root, proof));
      EXPECT_EQ(proof.empty(), old_size == new_size);
      EXPECT_FALSE(verify_consistency(old_size, new_size, flipped(old_root), new_root, proof));
      EXPECT_FALSE(verify_consistency(old_size, new_size, old_root, flipped(new_root), proof));
      if (old_size != new_size) {
        EXPECT_FALSE(verify_consistency(old_size, new_size, new_root, old_root, proof));
      }
      for (std::size_t i = 0; i < proof.size(); ++i) {
        std::vector<Digest> altered = proof;
        altered[i] = flipped(altered[i], i % 32);
        EXPECT_FALSE(verify_consistency(old_size, new_size, old_root, new_root, altered)) << "element " << i;
      }
      for (std::uint64_t other = 1; other <= kMaxPropertySize + 1; ++other) {
        if (other != old_size && other <= new_size) {
          EXPECT_FALSE(verify_consistency(other, new_size, roots[other], new_root, proof))
              << "old size " << other;
        }
        if (other != new_size && other >= old_size) {
          EXPECT_FALSE(verify_consistency(old_size, other, old_root, roots[other], proof))
              << "new size " << other;
        }
      }
      std::vector<Digest> longer = proof;
      longer.push_back(new_root);
      EXPECT_FALSE(verify_consistency(old_size, new_size, old_root, new_root, longer));
      if (!proof.empty()) {
        EXPECT_FALSE(verify_consistency(old_size, new_size, old_root, new_root,
                                        std::span(proof).first(proof.size() - 1)));
      }
    }
  }
}

TEST(MerkleProofTest, VerifiersRefuseMalformedInputsWithoutThrowing) {
  const MemoryTree tree = numbered_tree(8);
  const Digest leaf = tree.leaf_hash(3);
  const std::vector<Digest> proof = inclusion_proof(3, 8, tree.subtree_hash());
  EXPECT_FALSE(verify_inclusion(leaf, 8, 8, proof, tree.root()));
  EXPECT_FALSE(verify_inclusion(leaf, 0, 0, {}, tree.root_at(0)));
  EXPECT_FALSE(verify_inclusion(leaf, UINT64_MAX, UINT64_MAX, proof, tree.root()));
  const std::vector<Digest> huge(100000, leaf);
  EXPECT_FALSE(verify_inclusion(leaf, 3, 8, huge, tree.root()));
  EXPECT_FALSE(verify_inclusion(leaf, 3, UINT64_MAX, huge, tree.root()));

  const std::vector<Digest> consistency = consistency_proof(3, 8, tree.subtree_hash());
  EXPECT_FALSE(verify_consistency(8, 3, tree.root_at(8), tree.root_at(3), consistency));
  EXPECT_FALSE(verify_consistency(0, 8, tree.root_at(0), tree.root(), {}));
  EXPECT_FALSE(verify_consistency(0, 0, tree.root_at(0), tree.root_at(0), {}));
  EXPECT_FALSE(verify_consistency(3, 8, tree.root_at(3), tree.root(), {}));
  EXPECT_FALSE(verify_consistency(3, 8, tree.root_at(3), tree.root(), huge));
  EXPECT_FALSE(verify_consistency(3, UINT64_MAX, tree.root_at(3), tree.root(), huge));
  EXPECT_FALSE(verify_consistency(UINT64_MAX - 1, UINT64_MAX, tree.root_at(3), tree.root(), consistency));
  EXPECT_FALSE(verify_consistency(8, 8, tree.root(), tree.root(), consistency));
  EXPECT_TRUE(verify_consistency(8, 8, tree.root(), tree.root(), {}));
}

TEST(MerkleProofTest, ProducersRefuseImpossibleRequests) {
  const MemoryTree tree = numbered_tree(8);
  EXPECT_THROW(inclusion_proof(8, 8, tree.subtree_hash()), std::invalid_argument);
  EXPECT_THROW(inclusion_proof(0, 0, tree.subtree_hash()), std::invalid_argument);
  EXPECT_THROW(consistency_proof(0, 8, tree.subtree_hash()), std::invalid_argument);
  EXPECT_THROW(consistency_proof(5, 4, tree.subtree_hash()), std::invalid_argument);
  EXPECT_THROW(tree.root_at(9), std::invalid_argument);
  EXPECT_THROW(tree.subtree(5, 4), std::invalid_argument);
  EXPECT_THROW(tree.subtree(5, 9), std::invalid_argument);
  // A storage that cannot answer stops the proof; nothing half-built comes back.
  EXPECT_THROW(inclusion_proof(9, 12, tree.subtree_hash()), std::invalid_argument);
}

// The stored subtrees only start at 2^8 leaves: across several levels of them, every range the tree
// answers must be the plain RFC 6962 hash of those leaves.
TEST(MemoryTreeTest, StoredSubtreesGiveThePlainTreeHash) {
  const std::uint64_t size = 5 * 1024 + 77;
  const MemoryTree tree = numbered_tree(size);
  std::vector<Digest> leaves;
  for (std::uint64_t i = 0; i < size; ++i)
    leaves.push_back(tree.leaf_hash(i));
  const auto plain = [&leaves](std::uint64_t begin, std::uint64_t end) {
    return merkle_root(std::span<const Digest>(leaves).subspan(begin, end - begin));
  };
  std::vector<std::uint64_t> sizes = {0,    1,    255,  256,  257,  511,  512,  513,
                                      1023, 1024, 1025, 2048, 4095, 4096, 4097, size};
  for (std::uint64_t n = 3; n < size; n += 311)
    sizes.push_back(n);
  for (const std::uint64_t n : sizes) {
    EXPECT_EQ(tree.root_at(n), plain(0, n)) << n;
    // Ranges that start off the stored grid still answer, the slow way.
    if (n > 300) {
      EXPECT_EQ(tree.subtree(37, n), plain(37, n)) << n;
    }
  }
  const SubtreeHash slow = plain;
  for (const std::uint64_t n : std::vector<std::uint64_t>{257, 1024, 3000, size}) {
    for (const std::uint64_t index : std::vector<std::uint64_t>{0, 255, 256, n / 2, n - 1}) {
      EXPECT_EQ(inclusion_proof(index, n, tree.subtree_hash()), inclusion_proof(index, n, slow)) << index;
    }
    for (const std::uint64_t old_size : std::vector<std::uint64_t>{1, 255, 256, 700, n - 1}) {
      if (old_size > n) continue;
      EXPECT_EQ(consistency_proof(old_size, n, tree.subtree_hash()), consistency_proof(old_size, n, slow));
    }
  }
}

}  // namespace
}  // namespace meso::journal
