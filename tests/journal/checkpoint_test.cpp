// Checkpoint bodies (c2sp.org/tlog-checkpoint): the spec's own example, a checkpoint sum.golang.org signed,
// the malformed bodies of transparency-dev/formats log/checkpoint_test.go (TestUnmarshalLogState), and the
// edges of the size and root lines.
#include "meso/journal/checkpoint.hpp"

#include <gtest/gtest.h>

#include <stdexcept>
#include <string>

#include "meso/journal/base64.hpp"
#include "meso/journal/hashing.hpp"

namespace meso::journal {
namespace {

Digest root_from_base64(std::string_view text) {
  const std::optional<std::vector<std::uint8_t>> bytes = from_base64(text);
  Digest root{};
  EXPECT_TRUE(bytes && bytes->size() == root.size()) << text;
  if (bytes && bytes->size() == root.size()) std::copy(bytes->begin(), bytes->end(), root.begin());
  return root;
}

TEST(CheckpointTest, ParsesAndRewritesTheSpecExample) {
  const std::string body =
      "example.com/behind-the-sofa\n20852163\nCsUYapGGPo4dkMgIAUqom/Xajj7h2fB2MPA3j2jxq2I=\n";
  std::string why;
  const std::optional<Checkpoint> checkpoint = parse_checkpoint_body(body, &why);
  ASSERT_TRUE(checkpoint) << why;
  EXPECT_EQ(checkpoint->origin, "example.com/behind-the-sofa");
  EXPECT_EQ(checkpoint->size, 20852163U);
  EXPECT_EQ(checkpoint->root, root_from_base64("CsUYapGGPo4dkMgIAUqom/Xajj7h2fB2MPA3j2jxq2I="));
  EXPECT_TRUE(checkpoint->extensions.empty());
  EXPECT_EQ(checkpoint_body(*checkpoint), body);
}

// transparency-dev/formats log/note_test.go (TestSumDBNoteParsing): a checkpoint of the Go checksum
// database, signed by its production key.
TEST(CheckpointTest, OpensARealSumGolangOrgCheckpoint) {
  const std::string note =
      "go.sum database tree\n6476701\nmb8QLQIs0Z0yP5Cstq6guj87oXWeC9gEM8oVikmm9Wk=\n\n"
      "— sum.golang.org "
      "Az3grsLX85Gz+s1SiTbgkuqxgItqFq7gsMUEyVnrsa9LM7Us9S+1xbFIGu95949rj4nPRYfvimWEPWL+o3GeoWwOoAw=\n";
  std::string why;
  const std::optional<NoteVerifierKey> vkey =
      parse_note_verifier_key("sum.golang.org+033de0ae+Ac4zctda0e5eza+HJyk9SxEdh+s3Ux18htTTAD8OuAn8", &why);
  ASSERT_TRUE(vkey) << why;
  const std::optional<OpenedNote> opened = open_note(note, vkey->name, vkey->key, &why);
  ASSERT_TRUE(opened) << why;
  EXPECT_TRUE(opened->signed_by_key);
  const std::optional<Checkpoint> checkpoint = parse_checkpoint_body(opened->body, &why);
  ASSERT_TRUE(checkpoint) << why;
  EXPECT_EQ(checkpoint->origin, "go.sum database tree");
  EXPECT_EQ(checkpoint->size, 6476701U);
  EXPECT_EQ(checkpoint->root, root_from_base64("mb8QLQIs0Z0yP5Cstq6guj87oXWeC9gEM8oVikmm9Wk="));
  EXPECT_EQ(checkpoint_body(*checkpoint), opened->body);
}

TEST(CheckpointTest, KeepsExtensionLinesInOrder) {
  const Checkpoint checkpoint{"meso.example/station-7", 42, Digest{1, 2, 3}, {"first extension", "second"}};
  const std::string body = checkpoint_body(checkpoint);
  EXPECT_EQ(
      body,
      "meso.example/station-7\n42\nAQIDAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA=\nfirst extension\nsecond\n");
  const std::optional<Checkpoint> parsed = parse_checkpoint_body(body, nullptr);
  ASSERT_TRUE(parsed);
  EXPECT_EQ(parsed->origin, checkpoint.origin);
  EXPECT_EQ(parsed->size, checkpoint.size);
  EXPECT_EQ(parsed->root, checkpoint.root);
  EXPECT_EQ(parsed->extensions, checkpoint.extensions);
}

TEST(CheckpointTest, SizesAtTheEdges) {
  const std::string root = "\nCsUYapGGPo4dkMgIAUqom/Xajj7h2fB2MPA3j2jxq2I=\n";
  EXPECT_EQ(parse_checkpoint_body("log\n0" + root, nullptr)->size, 0U);
  EXPECT_EQ(parse_checkpoint_body("log\n18446744073709551615" + root, nullptr)->size, UINT64_MAX);
  for (const std::string size : {"18446744073709551616", "007", "+7", "-0", " 7", "7 ", "0x10", "", "1e3"}) {
    std::string why;
    std::string body = "log\n";
    body += size;
    body += root;
    EXPECT_FALSE(parse_checkpoint_body(body, &why)) << size;
    EXPECT_NE(why.find("size"), std::string::npos) << why;
  }
}

TEST(CheckpointTest, RefusesMalformedBodies) {
  const std::string root = "CsUYapGGPo4dkMgIAUqom/Xajj7h2fB2MPA3j2jxq2I=";
  const std::vector<std::string> bodies = {
      // transparency-dev/formats log/checkpoint_test.go, TestUnmarshalLogState's invalid cases:
      "Head\n9944\n",
      "\n9944\ndGhlIHZpZXcgZnJvbSB0aGUgdHJlZSB0b3BzIGlzIGdyZWF0IQ==\n",
      "Log\n123\nYmFuYW5hcw==",
      "Log\nbananas\ndGhlIHZpZXcgZnJvbSB0aGUgdHJlZSB0b3BzIGlzIGdyZWF0IQ==\n",
      "Log\n-34\ndGhlIHZpZXcgZnJvbSB0aGUgdHJlZSB0b3BzIGlzIGdyZWF0IQ==\n",
      "Log\n3438945738945739845734895735\ndGhlIHZpZXcgZnJvbSB0aGUgdHJlZSB0b3BzIGlzIGdyZWF0IQ==\n",
      "Log\n123\nThisIsn'tBase64\n",
      // Its valid ones carry roots that are not SHA-256 digests, which ours always are.
      "Log\n123\nYmFuYW5hcw==\n",
      // Ours: what tlog-checkpoint and signed-note forbid, and what base64 may not re-spell.
      "log\n1\n" + root + "\n\n",
      "log\n1\n" + root + "\nextension\n\n",
      "log\n1\n" + root.substr(0, root.size() - 1) + "\n",
      "log\n1\n" + root + "=\n",
      "log\n1\n CsUYapGGPo4dkMgIAUqom/Xajj7h2fB2MPA3j2jxq2I=\n",
      "log\n1\nCsUYapGGPo4dkMgIAUqom/Xajj7h2fB2MPA3j2jxq2J=\n",  // non-zero trailing bits
      "log\r\n1\n" + root + "\n",
      "lo\xffg\n1\n" + root + "\n",
      "",
  };
  for (const std::string& body : bodies) {
    std::string why;
    EXPECT_FALSE(parse_checkpoint_body(body, &why)) << body;
    EXPECT_FALSE(why.empty()) << body;
  }
}

TEST(CheckpointTest, RefusesToWriteABodyItCouldNotReadBack) {
  EXPECT_THROW(checkpoint_body({"", 1, {}, {}}), std::invalid_argument);
  EXPECT_THROW(checkpoint_body({"two\nlines", 1, {}, {}}), std::invalid_argument);
  EXPECT_THROW(checkpoint_body({"tab\tbed", 1, {}, {}}), std::invalid_argument);
  EXPECT_THROW(checkpoint_body({"log", 1, {}, {""}}), std::invalid_argument);
  EXPECT_THROW(checkpoint_body({"log", 1, {}, {"a\nb"}}), std::invalid_argument);
  EXPECT_THROW(checkpoint_body({"bad \xc0\x80 utf8", 1, {}, {}}), std::invalid_argument);
}

}  // namespace
}  // namespace meso::journal
