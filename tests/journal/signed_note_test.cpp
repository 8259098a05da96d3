// Signed notes against golang.org/x/mod's sumdb/note (note_test.go: TestNewVerifier, TestSign, TestOpen),
// the example of c2sp.org/signed-note, and the key pairs of transparency-dev/formats log/note_test.go and
// golang.org/x/mod sumdb/client_test.go: the same bytes out of our code as out of theirs.
#include <gtest/gtest.h>

#include <algorithm>
#include <array>
#include <initializer_list>
#include <stdexcept>
#include <string>
#include <string_view>
#include <vector>

#include "meso/journal/base64.hpp"
#include "meso/journal/checkpoint.hpp"

namespace meso::journal {
namespace {

constexpr std::string_view kPeterKey = "PeterNeumann+c74f20a3+ARpc2QcUPDhMQegwxbzhKqiBfsVkmqq/LDE4izWy10TW";
constexpr std::string_view kPeterPrivateKey =
    "PRIVATE+KEY+PeterNeumann+c74f20a3+AYEKFALVFGyNhPJEMzD1QIDr+Y7hfZx09iUvxdXHKDFz";
constexpr std::string_view kEnochKey = "EnochRoot+af0cfe78+ATtqJ7zOtqQtYqOo0CpvDXNlMhV3HeJDpjrASKGLWdop";
constexpr std::string_view kText =
    "If you think cryptography is the answer to your problem,\n"
    "then you don't know what your problem is.\n";
constexpr std::string_view kPeterSig =
    "— PeterNeumann "
    "x08go/ZJkuBS9UG/SffcvIAQxVBtiFupLLr8pAcElZInNIuGUgYN1FFYC2pZSNXgKvqfqdngotpRZb6KE6RyyBwJnAM=\n";
constexpr std::string_view kEnochSig =
    "— EnochRoot "
    "rwz+eBzmZa0SO3NbfRGzPCpDckykFXSdeX+MNtCOXm2/5n2tiOHp+vAF1aGrQ5ovTG01oOTGwnWLox33WWd1RvMc+QQ=\n";

std::string cat(std::initializer_list<std::string_view> parts) {
  std::string out;
  for (const std::string_view part : parts)
    out += part;
  return out;
}

NoteVerifierKey verifier(std::string_view vkey) {
  std::string why;
  const std::optional<NoteVerifierKey> parsed = parse_note_verifier_key(vkey, &why);
  EXPECT_TRUE(parsed) << vkey << ": " << why;
  return parsed.value_or(NoteVerifierKey{});
}

// "PRIVATE+KEY+<name>+<8 hex ID>+base64(0x01 || seed)", sumdb/note's signer key. Names hold no '+', the
// base64 may.
StationKey key_from_private(std::string_view skey) {
  constexpr std::string_view kPrefix = "PRIVATE+KEY+";
  const std::string_view rest = skey.substr(kPrefix.size());
  const std::optional<std::vector<std::uint8_t>> typed = from_base64(rest.substr(rest.find('+') + 1 + 8 + 1));
  std::array<std::uint8_t, 32> seed{};
  EXPECT_TRUE(skey.starts_with(kPrefix) && typed && typed->size() == 33 && typed->front() == 0x01) << skey;
  if (typed && typed->size() == 33) std::copy(typed->begin() + 1, typed->end(), seed.begin());
  return StationKey::from_seed_for_test(seed);
}

std::optional<OpenedNote> open(std::string_view note, const NoteVerifierKey& key,
                               std::string* why = nullptr) {
  return open_note(note, key.name, key.key, why);
}

TEST(SignedNoteTest, OpensSumdbNotesExampleNote) {
  std::string why;
  const std::optional<OpenedNote> opened = open(cat({kText, "\n", kPeterSig}), verifier(kPeterKey), &why);
  ASSERT_TRUE(opened) << why;
  EXPECT_TRUE(opened->signed_by_key);
  EXPECT_EQ(opened->body, kText);
  EXPECT_TRUE(opened->other_signers.empty());
}

TEST(SignedNoteTest, DerivesSumdbNotesKeyIdAndVerifierKey) {
  const NoteVerifierKey peter = verifier(kPeterKey);
  EXPECT_EQ(peter.name, "PeterNeumann");
  EXPECT_EQ(note_key_id("PeterNeumann", peter.key), 0xc74f20a3U);
  EXPECT_EQ(note_verifier_key("PeterNeumann", peter.key), kPeterKey);
  const StationKey key = key_from_private(kPeterPrivateKey);
  EXPECT_EQ(key.public_key(), peter.key);
}

TEST(SignedNoteTest, SignsLikeSumdbNote) {
  const StationKey key = key_from_private(kPeterPrivateKey);
  EXPECT_EQ(sign_note(kText, "PeterNeumann", key), cat({kText, "\n", kPeterSig}));
}

TEST(SignedNoteTest, DerivesTheVerifierKeysOfPublishedKeyPairs) {
  const std::vector<std::pair<std::string, std::string>> pairs = {
      // transparency-dev/formats log/note_test.go
      {"Log+2271c621+AemuH5ooBpEPcr+W8onrjA1NfuzBVHdezakU81Ekarvs",
       "PRIVATE+KEY+Log+2271c621+AdEIq9FLRQni54Wg68T96VJO+iayOaulswav2DUMKgvQ"},
      {"Known+451c786d+AXAQ0T7lbwuY4ABJ9/MYY9bWV3hmSyOGVt2x42NkmdUH",
       "PRIVATE+KEY+Known+451c786d+AQPRoE2+Z+Ed1HaHBA9F/FfracvcZ2rDU39kCecMEoci"},
      {"KnownAgain+4893b26c+AQ+LR7BFF/F/dkpIBjBpSvT0crkteizuUkavAoGeaYMj",
       "PRIVATE+KEY+KnownAgain+4893b26c+ARhZda/l25zjGZswYLDZsLNRzNpmv5wYTN9IoTr1OJ2+"},
      {"Unknown+fdbb2e08+AWgRIYZ+8x1Vl+1Q+sR8zciNHiYI1SdlBjNw+RV0rots",
       "PRIVATE+KEY+Unknown+fdbb2e08+Aav2knTC6orbhXX8pMWuNiWgO+Wwk2DB+h1eU2Q1W1nU"},
      // golang.org/x/mod sumdb/client_test.go: an ID with leading zeros
      {"localhost.localdev/sumdb+00000c67+AcTrnkbUA+TU4heY3hkjiSES/DSQniBqIeQ/YppAUtK6",
       "PRIVATE+KEY+localhost.localdev/sumdb+00000c67+AXu6+oaVaOYuQOFrf1V59JK1owcFlJcHwwXHDfDGxSPk"},
  };
  for (const auto& [vkey, skey] : pairs) {
    const NoteVerifierKey parsed = verifier(vkey);
    const StationKey key = key_from_private(skey);
    EXPECT_EQ(key.public_key(), parsed.key) << vkey;
    EXPECT_EQ(note_verifier_key(parsed.name, key.public_key()), vkey);
    // And what we sign with it, we open with its published verifier key.
    const std::optional<OpenedNote> opened = open(sign_note(kText, parsed.name, key), parsed);
    ASSERT_TRUE(opened) << vkey;
    EXPECT_TRUE(opened->signed_by_key) << vkey;
  }
}

TEST(SignedNoteTest, OpensTheSignedNoteSpecExample) {
  std::string why;
  const std::optional<OpenedNote> opened = open(
      "This is an example message.\n\n"
      "— example.com/foo "
      "Uw2QOkn8srV1yJGh2VYRlL1Tnagv1YEq6TfXppzi2ONncAlTgK7Ztg1ERYNZXsYjOBH3mFXmRKuwHjG1Yu72IneyaQM=\n",
      verifier("example.com/foo+530d903a+AekyeRrm56hApGFkyQR4ZCbV54Id2LKaANYcrnKv3U2k"), &why);
  ASSERT_TRUE(opened) << why;
  EXPECT_TRUE(opened->signed_by_key);
  EXPECT_EQ(opened->body, "This is an example message.\n");
}

TEST(SignedNoteTest, ReportsOtherSignersOnceEach) {
  const std::string note = cat({kText, "\n", kPeterSig, kEnochSig});
  const std::optional<OpenedNote> by_peter = open(note, verifier(kPeterKey));
  ASSERT_TRUE(by_peter);
  EXPECT_TRUE(by_peter->signed_by_key);
  EXPECT_EQ(by_peter->other_signers, std::vector<std::string>{"EnochRoot+af0cfe78"});
  const std::optional<OpenedNote> by_enoch = open(note, verifier(kEnochKey));
  ASSERT_TRUE(by_enoch);
  EXPECT_TRUE(by_enoch->signed_by_key);
  EXPECT_EQ(by_enoch->other_signers, std::vector<std::string>{"PeterNeumann+c74f20a3"});
  // TestOpen's duplicated signatures, one of Enoch's altered: Enoch's key is unknown here, so not checked.
  const std::string altered_enoch = cat({kEnochSig.substr(0, 60), "ABCD", kEnochSig.substr(60)});
  const std::optional<OpenedNote> duplicated = open(
      cat({kText, "\n", kPeterSig, kPeterSig, kEnochSig, kEnochSig, altered_enoch}), verifier(kPeterKey));
  ASSERT_TRUE(duplicated);
  EXPECT_TRUE(duplicated->signed_by_key);
  EXPECT_EQ(duplicated->other_signers, std::vector<std::string>{"EnochRoot+af0cfe78"});
}

TEST(SignedNoteTest, IgnoresSignaturesSharingOnlyTheNameOrOnlyTheId) {
  std::string misnamed(kPeterSig);
  misnamed.replace(misnamed.find("PeterNeumann"), 12, "CarmenSandiego");
  std::string other_id(kPeterSig);
  other_id.replace(other_id.find("x08g"), 4, "xxxx");
  for (const std::string& line : {misnamed, other_id}) {
    std::string why;
    const std::optional<OpenedNote> opened = open(cat({kText, "\n", line}), verifier(kPeterKey), &why);
    ASSERT_TRUE(opened) << why;
    EXPECT_FALSE(opened->signed_by_key) << line;
    ASSERT_EQ(opened->other_signers.size(), 1U);
  }
  EXPECT_EQ(open(cat({kText, "\n", misnamed}), verifier(kPeterKey))->other_signers[0],
            "CarmenSandiego+c74f20a3");
}

TEST(SignedNoteTest, RefusesAForgedSignatureByTheKey) {
  std::string why;
  const std::string forged = cat({kPeterSig.substr(0, 60), "ABCD", kPeterSig.substr(60)});
  EXPECT_FALSE(open(cat({kText, "\n", forged}), verifier(kPeterKey), &why));
  EXPECT_NE(why.find("does not verify"), std::string::npos) << why;
  std::string changed_text(kText);
  changed_text[3] = 'Y';
  EXPECT_FALSE(open(cat({changed_text, "\n", kPeterSig}), verifier(kPeterKey)));
  // Even next to a good one: one bad signature by the key condemns the note.
  EXPECT_FALSE(open(cat({kText, "\n", kPeterSig, forged}), verifier(kPeterKey)));
}

TEST(SignedNoteTest, RefusesMalformedNotes) {
  std::string many;
  for (int i = 0; i < 101; ++i)
    many += kPeterSig;
  const std::vector<std::string> notes = {
      // golang.org/x/mod sumdb/note TestOpen's badMsgs, and its 101 signatures:
      std::string(kText),
      cat({kText, "\n"}),
      cat({kText, "\n", kPeterSig.substr(0, kPeterSig.size() - 1)}),
      cat({"\x01", kText, "\n", kPeterSig}),
      cat({"\xff", kText, "\n", kPeterSig}),
      cat({kText, "\n",
           "— Bad Name "
           "x08go/ZJkuBS9UG/SffcvIAQxVBtiFupLLr8pAcElZInNIuGUgYN1FFYC2pZSNXgKvqfqdngotpRZb6KE6RyyBwJnAM="}),
      cat({kText, "\n", kPeterSig, "Unexpected line.\n"}),
      cat({kText, "\n", many}),
      // Ours: a name with '+', a signature too short for an ID, no signature at all, not base64, CR.
      cat({kText, "\n",
           "— Peter+Neumann "
           "x08go/ZJkuBS9UG/SffcvIAQxVBtiFupLLr8pAcElZInNIuGUgYN1FFYC2pZSNXgKvqfqdngotpRZb6KE6RyyBwJnAM=\n"}),
      cat({kText, "\n", "— PeterNeumann x08go/Y=\n"}),
      cat({kText, "\n", "— PeterNeumann\n"}),
      cat({kText, "\n", "— PeterNeumann \n"}),
      cat({kText, "\n",
           "— PeterNeumann "
           "x08go/ZJkuBS9UG/SffcvIAQxVBtiFupLLr8pAcElZInNIuGUgYN1FFYC2pZSNXgKvqfqdngotpRZb6KE6RyyBwJnAM\n"}),
      cat({kText, "\n", kPeterSig.substr(0, kPeterSig.size() - 1), "\r\n"}),
      "",
  };
  for (const std::string& note : notes) {
    std::string why;
    EXPECT_FALSE(open(note, verifier(kPeterKey), &why)) << note;
    EXPECT_FALSE(why.empty()) << note;
  }
}

TEST(SignedNoteTest, RefusesManglingsOfAVerifierKey) {
  // golang.org/x/mod sumdb/note TestNewVerifier: every proper substring, and every byte incremented.
  for (std::size_t i = 0; i <= kPeterKey.size(); ++i) {
    for (std::size_t j = i + 1; j <= kPeterKey.size(); ++j) {
      if (i == 0 && j == kPeterKey.size()) continue;
      EXPECT_FALSE(parse_note_verifier_key(kPeterKey.substr(i, j - i), nullptr))
          << kPeterKey.substr(i, j - i);
    }
  }
  for (std::size_t i = 0; i < kPeterKey.size(); ++i) {
    std::string mangled(kPeterKey);
    ++mangled[i];
    EXPECT_FALSE(parse_note_verifier_key(mangled, nullptr)) << mangled;
  }
  std::string why;
  // Go decodes "BADKEY==" leniently and refuses the length; we refuse its non-zero trailing bits first.
  EXPECT_FALSE(parse_note_verifier_key(
      "PeterNeumann+cc469956+ARpc2QcUPDhMQegwxbzhKqiBfsVkmqq/LDE4izWy10TWBADKEY==", &why));
  EXPECT_FALSE(why.empty());
  EXPECT_FALSE(
      parse_note_verifier_key("PeterNeumann+173116ae+ZRpc2QcUPDhMQegwxbzhKqiBfsVkmqq/LDE4izWy10TW", &why));
  EXPECT_NE(why.find("Ed25519"), std::string::npos) << why;
}

TEST(SignedNoteTest, SignsOnlyWhatItCanOpen) {
  const StationKey key = key_from_private(kPeterPrivateKey);
  EXPECT_THROW(sign_note("no final newline", "PeterNeumann", key), std::invalid_argument);
  EXPECT_THROW(sign_note("", "PeterNeumann", key), std::invalid_argument);
  EXPECT_THROW(sign_note("a\tb\n", "PeterNeumann", key), std::invalid_argument);
  EXPECT_THROW(sign_note("\xc3\n", "PeterNeumann", key), std::invalid_argument);
  for (const std::string name :
       {"", "Peter Neumann", "Peter+Neumann", "Peter\xc2\xa0Neumann", "Peter\xe3\x80\x80"}) {
    EXPECT_THROW(sign_note(kText, name, key), std::invalid_argument) << name;
    EXPECT_THROW(note_verifier_key(name, key.public_key()), std::invalid_argument) << name;
  }
  // A body may hold blank lines of its own: the signatures start after the last one.
  const std::string body = "first\n\nthird\n\n";
  const std::optional<OpenedNote> opened = open(sign_note(body, "PeterNeumann", key), verifier(kPeterKey));
  ASSERT_TRUE(opened);
  EXPECT_TRUE(opened->signed_by_key);
  EXPECT_EQ(opened->body, body);
}

TEST(SignedNoteTest, ACheckpointSignedByOneStationIsNotSignedByAnother) {
  const StationKey station = key_from_private(kPeterPrivateKey);
  const Checkpoint checkpoint{"meso.example/station-7", 1234, Digest{9, 8, 7}, {}};
  const std::string note = sign_note(checkpoint_body(checkpoint), "meso.example/station-7", station);
  const NoteVerifierKey ours{"meso.example/station-7", station.public_key()};
  std::string why;
  ASSERT_TRUE(open(note, ours, &why)) << why;
  EXPECT_TRUE(open(note, ours)->signed_by_key);
  const NoteVerifierKey enoch = verifier(kEnochKey);
  const std::optional<OpenedNote> elsewhere = open_note(note, "meso.example/station-7", enoch.key, &why);
  ASSERT_TRUE(elsewhere) << why;
  EXPECT_FALSE(elsewhere->signed_by_key);
  EXPECT_EQ(elsewhere->other_signers,
            std::vector<std::string>{note_verifier_key("meso.example/station-7", station.public_key())
                                         .substr(0, std::string("meso.example/station-7+").size() + 8)});
}

}  // namespace
}  // namespace meso::journal
