// The station's signed tree heads, in the formats other transparency tools read: a checkpoint body
// (https://c2sp.org/tlog-checkpoint) signed as an Ed25519 note (https://c2sp.org/signed-note, the format of
// golang.org/x/mod/sumdb/note). A witness or an auditor with the station's verifier key can then check
// them with off-the-shelf code, and we check ours against that code's published vectors.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "meso/journal/station_key.hpp"
#include "meso/journal/types.hpp"

namespace meso::journal {

struct Checkpoint {
  std::string origin;  // the log's identity, e.g. "meso.example/station-7"
  std::uint64_t size = 0;
  Digest root{};
  std::vector<std::string> extensions;  // optional further body lines, each non-empty
};

// "origin\n<size decimal>\n<base64 root>\n" then one line per extension. Throws std::invalid_argument for an
// empty origin or extension, or one holding a newline, another control character or invalid UTF-8: such a
// body could not be read back, or signed.
std::string checkpoint_body(const Checkpoint& checkpoint);
// The inverse, and nothing else: std::nullopt with the reason in *why (when given) for a missing line, a size
// with a sign, leading zero or overflow, a root that is not 32 bytes in canonical base64, an empty extension.
std::optional<Checkpoint> parse_checkpoint_body(std::string_view body, std::string* why);

// SHA-256(key_name || 0x0A || 0x01 || public key), first 4 bytes big-endian: the ID in each signature line,
// so a verifier can tell which of several keys of one name signed.
std::uint32_t note_key_id(std::string_view key_name, const PublicKey& key);
// body, a blank line, then "— <key_name> <base64(key ID || Ed25519 signature of body)>\n" (U+2014, em dash).
// Throws std::invalid_argument for a body that open_note would refuse (not ending in a newline, control
// characters, invalid UTF-8) or a key name that is empty or holds a space or '+'.
std::string sign_note(std::string_view body, std::string_view key_name, const StationKey& key);
// "<name>+<key ID as 8 hex digits>+<base64(0x01 || public key)>", what a verifier is configured with.
// Throws std::invalid_argument for a key name sign_note would refuse.
std::string note_verifier_key(std::string_view key_name, const PublicKey& key);

struct NoteVerifierKey {
  std::string name;
  PublicKey key{};
};
// The inverse of note_verifier_key; std::nullopt with *why for another algorithm, a bad name or encoding,
// or a key ID that does not match the name and key.
std::optional<NoteVerifierKey> parse_note_verifier_key(std::string_view vkey, std::string* why);

struct OpenedNote {
  std::string body;                        // the signed text, ending in a newline
  bool signed_by_key = false;              // a signature line by key_name with this key's ID verified
  std::vector<std::string> other_signers;  // "<name>+<8 hex ID>" of each other signature, once each, in order
};
// Parses a note and checks the signature line(s) for key_name and key. A note signed only by other keys is
// returned with signed_by_key false: the caller decides what it trusts. std::nullopt with *why for a
// malformed note, and for one whose signature line by this very key does not verify: the signed-note spec
// has verifiers reject the whole note then, since it was forged or damaged.
std::optional<OpenedNote> open_note(std::string_view note, std::string_view key_name, const PublicKey& key,
                                    std::string* why);

}  // namespace meso::journal
