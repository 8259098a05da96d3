// The hashes against vectors computed independently by tests/journal/reference_hashes.py (Python hashlib,
// from docs/journal.md): the RFC 6962 tree over the certificate-transparency test leaves, the genesis, two
// chained events and a seal message.
#include "meso/journal/merkle.hpp"

#include <gtest/gtest.h>

#include <string>
#include <vector>

#include "meso/journal/hashing.hpp"
#include "meso/journal/station_key.hpp"

namespace meso::journal {
namespace {

std::vector<std::uint8_t> bytes(const std::string& hex) {
  std::vector<std::uint8_t> out(hex.size() / 2);
  EXPECT_TRUE(from_hex(hex, out));
  return out;
}

TEST(MerkleTest, RootsMatchTheRfc6962VectorsForEveryTreeSizeUpToEight) {
  const std::vector<std::string> leaves = {
      "", "00", "10", "2021", "3031", "40414243", "5051525354555657", "606162636465666768696a6b6c6d6e6f"};
  const std::vector<std::string> roots = {
      "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855",
      "6e340b9cffb37a989ca544e6bb780a2c78901d3fb33738768511a30617afa01d",
      "fac54203e7cc696cf0dfcb42c92a1d9dbaf70ad9e621f4bd8d98662f00e3c125",
      "aeb6bcfe274b70a14fb067a5e5578264db0fa9b51af5e0ba159158f329e06e77",
      "d37ee418976dd95753c1c73862b9398fa2a2cf9b4ff0fdfe8b30cd95209614b7",
      "4e3bbb1f7b478dcfe71fb631631519a3bca12c9aefca1612bfce4c13a86264d4",
      "76e67dadbcdf1e10e1b74ddc608abd2f98dfb16fbce75277b5232a127f2087ef",
      "ddb89be403809e325750d3d263cd78929c2942b7942a34b77e122c9594a74c8c",
      "5dc9da79a70659a9ad559cb701ded9a2ab9d823aad2f4960cfe370eff4604328",
  };
  std::vector<Digest> hashed;
  hashed.reserve(leaves.size());
  for (const std::string& leaf : leaves)
    hashed.push_back(merkle_leaf_hash(bytes(leaf)));
  for (std::size_t n = 0; n <= leaves.size(); ++n) {
    EXPECT_EQ(to_hex(merkle_root(std::span(hashed).first(n))), roots[n]) << n << " leaves";
  }
}

TEST(MerkleTest, SplitsAtTheLargestPowerOfTwoBelowTheSize) {
  // Five leaves: RFC 6962 gives node(node(node(0,1), node(2,3)), 4), not a tree padded to eight.
  std::vector<Digest> leaves;
  for (std::uint8_t i = 0; i < 5; ++i)
    leaves.push_back(merkle_leaf_hash(std::vector<std::uint8_t>{i}));
  const Digest left =
      merkle_node_hash(merkle_node_hash(leaves[0], leaves[1]), merkle_node_hash(leaves[2], leaves[3]));
  EXPECT_EQ(merkle_root(leaves), merkle_node_hash(left, leaves[4]));
}

TEST(EventHashTest, MatchesTheIndependentReference) {
  EXPECT_EQ(to_hex(genesis_hash(7)), "78e8458ea8bccdfe7b3b9b690feaefaaec8d08e5359e9fc5ec7f1d96953391a7");
  EventFields first{7,
                    1,
                    "2025-11-26T10:14:38.123Z",
                    123456789,
                    2,
                    "clinician",
                    "real",
                    "session.opened",
                    std::nullopt,
                    R"({"patient":"P-0001"})",
                    genesis_hash(7)};
  const Digest e1 = event_hash(first);
  EXPECT_EQ(to_hex(e1), "6155b70e40c855e0b40f9b7b8998b7ebd4049e610eddc5374939942df98d860d");
  // A NULL corrects is hashed as u64be(0): the same bytes as 0, which no stored event holds (seqs start at
  // 1).
  EventFields first_with_zero = first;
  first_with_zero.corrects = 0;
  EXPECT_EQ(event_hash(first_with_zero), e1);
  EventFields second{7,    2,      "2025-11-26T10:14:39.001Z", -5, 3,
                     "qa", "real", "dose.corrected",           1,  R"({"reason":"typo","dose_nl":20})",
                     e1};
  const Digest e2 = event_hash(second);
  EXPECT_EQ(to_hex(e2), "75a44c661383ede61891d23ed9117be328f11f4915e19c2acb269fbaaedf9f31");
  // The event hash is the RFC 6962 leaf hash of the record, so the tree over two events is one node.
  const std::vector<Digest> events = {e1, e2};
  const Digest root = merkle_root(events);
  EXPECT_EQ(to_hex(root), "3de0b6a1bdc6d0c1f0a46e1c11ae124afc64dceb64df406a338436534ca8e802");
  EXPECT_EQ(to_hex(seal_message(7, 2, root, "2025-11-26T10:15:00.000Z")),
            "4d4a5331000000000000000700000000000000023de0b6a1bdc6d0c1f0a46e1c11ae124afc64dceb64df406a3384365"
            "34ca8e80200000018323032352d31312d32365431303a31353a30302e3030305a");
}

TEST(EventHashTest, EveryFieldChangesTheHash) {
  const EventFields base{1, 1, "t", 1, 1, "qa", "test", "k", std::nullopt, "{}", Digest{}};
  const Digest original = event_hash(base);
  std::vector<EventFields> variants(11, base);
  variants[0].session = 2;
  variants[1].seq = 2;
  variants[2].utc = "u";
  variants[3].mono_ns = 2;
  variants[4].user = 2;
  variants[5].role = "admin";
  variants[6].tag = "demo";
  variants[7].kind = "j";
  variants[8].corrects = 1;
  variants[9].payload = "{ }";
  variants[10].prev_hash[31] = 1;
  for (std::size_t i = 0; i < variants.size(); ++i)
    EXPECT_NE(event_hash(variants[i]), original) << "field " << i;
}

}  // namespace
}  // namespace meso::journal
