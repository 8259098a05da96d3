// Signed notes (c2sp.org/signed-note) with Ed25519 keys, parsed as golang.org/x/mod/sumdb/note's Open does.
#include <algorithm>
#include <array>
#include <stdexcept>

#include "meso/journal/base64.hpp"
#include "meso/journal/checkpoint.hpp"
#include "meso/journal/hashing.hpp"
#include "note_text.hpp"
#include "sha256.hpp"

namespace meso::journal {

namespace {

constexpr std::uint8_t kEd25519 = 0x01;                         // the signature type byte of Ed25519 notes
constexpr std::string_view kSignaturePrefix = "\xE2\x80\x94 ";  // U+2014 EM DASH, then a space
// As Go's note.Open: more is refused before any is verified, so a huge note cannot make us verify forever.
constexpr std::size_t kMaxSignatures = 100;

std::span<const std::uint8_t> bytes_of(std::string_view text) {
  return {reinterpret_cast<const std::uint8_t*>(text.data()), text.size()};
}

// Key IDs travel big-endian, in signatures and (as hex) in verifier keys.
std::array<std::uint8_t, 4> id_bytes(std::uint32_t id) {
  return {static_cast<std::uint8_t>(id >> 24U), static_cast<std::uint8_t>(id >> 16U),
          static_cast<std::uint8_t>(id >> 8U), static_cast<std::uint8_t>(id)};
}

std::uint32_t read_id(std::span<const std::uint8_t> bytes) {
  return (std::uint32_t{bytes[0]} << 24U) | (std::uint32_t{bytes[1]} << 16U) |
         (std::uint32_t{bytes[2]} << 8U) | std::uint32_t{bytes[3]};
}

std::string hex8(std::uint32_t id) {
  return to_hex(id_bytes(id));
}

void require_key_name(std::string_view key_name) {
  if (!detail::is_key_name(key_name)) {
    throw std::invalid_argument("note key name must be non-empty printable UTF-8 without spaces or '+': " +
                                std::string(key_name));
  }
}

template <typename T>
std::optional<T> refuse(std::string* why, std::string reason) {
  if (why != nullptr) *why = std::move(reason);
  return std::nullopt;
}

}  // namespace

std::uint32_t note_key_id(std::string_view key_name, const PublicKey& key) {
  constexpr std::array<std::uint8_t, 2> kSeparator{'\n', kEd25519};
  const Digest digest = detail::sha256_of({bytes_of(key_name), kSeparator, key});
  return read_id(digest);
}

std::string sign_note(std::string_view body, std::string_view key_name, const StationKey& key) {
  if (body.empty() || body.back() != '\n' || !detail::is_note_text(body)) {
    throw std::invalid_argument("a note body must be UTF-8 free of control characters, ending in a newline");
  }
  require_key_name(key_name);
  const std::uint32_t id = note_key_id(key_name, key.public_key());
  const Signature signature = key.sign(bytes_of(body));
  const std::array<std::uint8_t, 4> id_prefix = id_bytes(id);
  std::vector<std::uint8_t> blob(id_prefix.begin(), id_prefix.end());
  blob.insert(blob.end(), signature.begin(), signature.end());
  std::string note(body);
  note += '\n';
  note += kSignaturePrefix;
  note += key_name;
  note += ' ';
  note += to_base64(blob);
  note += '\n';
  return note;
}

std::string note_verifier_key(std::string_view key_name, const PublicKey& key) {
  require_key_name(key_name);
  std::vector<std::uint8_t> typed{kEd25519};
  typed.insert(typed.end(), key.begin(), key.end());
  return std::string(key_name) + '+' + hex8(note_key_id(key_name, key)) + '+' + to_base64(typed);
}

std::optional<NoteVerifierKey> parse_note_verifier_key(std::string_view vkey, std::string* why) {
  // Split at the first two '+' only: base64 has '+' of its own.
  const std::size_t first = vkey.find('+');
  const std::size_t second = first == std::string_view::npos ? first : vkey.find('+', first + 1);
  if (second == std::string_view::npos) {
    return refuse<NoteVerifierKey>(why, "verifier key is not <name>+<id>+<key>");
  }
  const std::string_view name = vkey.substr(0, first);
  const std::string_view id_hex = vkey.substr(first + 1, second - first - 1);
  std::array<std::uint8_t, 4> id{};
  if (!detail::is_key_name(name)) return refuse<NoteVerifierKey>(why, "verifier key has a malformed name");
  if (!from_hex(id_hex, id)) return refuse<NoteVerifierKey>(why, "verifier key ID is not 8 hex digits");
  const std::optional<std::vector<std::uint8_t>> typed = from_base64(vkey.substr(second + 1));
  if (!typed || typed->empty()) return refuse<NoteVerifierKey>(why, "verifier key is not base64");
  if (typed->front() != kEd25519 || typed->size() != 1 + PublicKey{}.size()) {
    return refuse<NoteVerifierKey>(why, "verifier key is not an Ed25519 key");
  }
  NoteVerifierKey parsed{std::string(name), {}};
  std::copy(typed->begin() + 1, typed->end(), parsed.key.begin());
  if (read_id(id) != note_key_id(name, parsed.key)) {
    return refuse<NoteVerifierKey>(why, "verifier key ID does not match its name and key");
  }
  return parsed;
}

std::optional<OpenedNote> open_note(std::string_view note, std::string_view key_name, const PublicKey& key,
                                    std::string* why) {
  if (!detail::is_note_text(note)) {
    return refuse<OpenedNote>(why, "note is not UTF-8 free of control characters");
  }
  // The text ends at the last blank line: it may hold blank lines of its own, the signatures cannot.
  const std::size_t split = note.rfind("\n\n");
  if (split == std::string_view::npos)
    return refuse<OpenedNote>(why, "note has no blank line before signatures");
  const std::string_view text = note.substr(0, split + 1);
  std::string_view signatures = note.substr(split + 2);
  if (signatures.empty() || signatures.back() != '\n') {
    return refuse<OpenedNote>(why, "note's signature lines are missing or do not end in a newline");
  }
  const std::uint32_t key_id = note_key_id(key_name, key);
  OpenedNote opened{std::string(text), false, {}};
  for (std::size_t count = 1; !signatures.empty(); ++count) {
    const std::size_t newline = signatures.find('\n');
    std::string_view line = signatures.substr(0, newline);
    signatures.remove_prefix(newline + 1);
    if (count > kMaxSignatures) return refuse<OpenedNote>(why, "note has more than 100 signatures");
    if (!line.starts_with(kSignaturePrefix)) {
      return refuse<OpenedNote>(why, "note has a line after its blank line that is not a signature");
    }
    line.remove_prefix(kSignaturePrefix.size());
    const std::size_t space = line.find(' ');
    const std::string_view name = line.substr(0, space);
    const std::optional<std::vector<std::uint8_t>> blob =
        space == std::string_view::npos ? std::nullopt : from_base64(line.substr(space + 1));
    if (!detail::is_key_name(name) || !blob || blob->size() < 5) {
      return refuse<OpenedNote>(why, "note has a malformed signature line");
    }
    const std::uint32_t id = read_id(*blob);
    if (name == key_name && id == key_id) {
      Signature signature{};
      const bool ed25519_sized = blob->size() == 4 + signature.size();
      if (ed25519_sized) std::copy(blob->begin() + 4, blob->end(), signature.begin());
      if (!ed25519_sized || !verify_signature(key, bytes_of(text), signature)) {
        return refuse<OpenedNote>(why,
                                  "signature by " + std::string(name) + '+' + hex8(id) + " does not verify");
      }
      opened.signed_by_key = true;
      continue;
    }
    // Unknown keys are ignored, as the spec requires, even when they share our name or our ID.
    std::string signer = std::string(name) + '+' + hex8(id);
    if (std::find(opened.other_signers.begin(), opened.other_signers.end(), signer) ==
        opened.other_signers.end()) {
      opened.other_signers.push_back(std::move(signer));
    }
  }
  return opened;
}

}  // namespace meso::journal
