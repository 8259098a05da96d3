#include "meso/journal/hashing.hpp"

#include <sodium.h>

#include <stdexcept>

namespace meso::journal {

namespace {

void put_u64(std::vector<std::uint8_t>& out, std::uint64_t value) {
  for (int shift = 56; shift >= 0; shift -= 8)
    out.push_back(static_cast<std::uint8_t>(value >> shift));
}

void put_u32(std::vector<std::uint8_t>& out, std::uint32_t value) {
  for (int shift = 24; shift >= 0; shift -= 8)
    out.push_back(static_cast<std::uint8_t>(value >> shift));
}

void put_text(std::vector<std::uint8_t>& out, std::string_view text) {
  if (text.size() > 0xFFFFFFFFU) throw std::length_error("journal field longer than 4 GiB");
  put_u32(out, static_cast<std::uint32_t>(text.size()));
  out.insert(out.end(), text.begin(), text.end());
}

}  // namespace

Digest sha256(std::span<const std::uint8_t> bytes) {
  Digest digest{};
  crypto_hash_sha256(digest.data(), bytes.data(), bytes.size());
  return digest;
}

Digest genesis_hash(SessionId session) {
  constexpr std::string_view kLabel = "meso.journal.genesis.v1";
  std::vector<std::uint8_t> input(kLabel.begin(), kLabel.end());
  put_u64(input, static_cast<std::uint64_t>(session));
  return sha256(input);
}

void serialize_event(const EventFields& fields, std::vector<std::uint8_t>& out) {
  out.clear();
  out.push_back(0x00);  // RFC 6962 leaf prefix: the event hash is the seal tree's leaf hash
  out.insert(out.end(), {'M', 'J', 'E', '1'});
  put_u64(out, static_cast<std::uint64_t>(fields.session));
  put_u64(out, static_cast<std::uint64_t>(fields.seq));
  put_text(out, fields.utc);
  put_u64(out, static_cast<std::uint64_t>(fields.mono_ns));
  put_u64(out, static_cast<std::uint64_t>(fields.user));
  put_text(out, fields.role);
  put_text(out, fields.tag);
  put_text(out, fields.kind);
  put_u64(out, static_cast<std::uint64_t>(fields.corrects.value_or(0)));
  put_text(out, fields.payload);
  out.insert(out.end(), fields.prev_hash.begin(), fields.prev_hash.end());
}

Digest event_hash(const EventFields& fields) {
  EventHasher hasher;
  return hasher.hash(fields);
}

Digest EventHasher::hash(const EventFields& fields) {
  serialize_event(fields, buffer_);
  return sha256(buffer_);
}

std::string to_hex(std::span<const std::uint8_t> bytes) {
  std::string hex(bytes.size() * 2 + 1, '\0');
  sodium_bin2hex(hex.data(), hex.size(), bytes.data(), bytes.size());
  hex.pop_back();
  return hex;
}

bool from_hex(std::string_view hex, std::span<std::uint8_t> out) {
  if (hex.size() != out.size() * 2) return false;
  std::size_t written = 0;
  const char* end = nullptr;
  return sodium_hex2bin(out.data(), out.size(), hex.data(), hex.size(), nullptr, &written, &end) == 0 &&
         written == out.size() && end == hex.data() + hex.size();
}

}  // namespace meso::journal
