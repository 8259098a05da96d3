#include "meso/journal/hashing.hpp"

#include <sodium.h>

#include <array>
#include <cstring>
#include <stdexcept>

#include "sha256.hpp"

namespace meso::journal {

namespace {

// The encoded size of str(text): a u32 length, then the bytes.
std::size_t text_size(std::string_view text) {
  if (text.size() > 0xFFFFFFFFU) throw std::length_error("journal field longer than 4 GiB");
  return 4 + text.size();
}

// Writes big-endian integers and length-prefixed texts into a buffer already sized for them (verification
// serializes every stored row: no growing the buffer byte by byte).
class RecordWriter {
 public:
  explicit RecordWriter(std::span<std::uint8_t> out) : out_(out) {}

  void bytes(std::span<const std::uint8_t> bytes) {
    if (bytes.empty()) return;  // an empty text may have no data pointer
    std::memcpy(out_.data() + at_, bytes.data(), bytes.size());
    at_ += bytes.size();
  }
  void u32(std::uint32_t value) {
    for (int shift = 24; shift >= 0; shift -= 8)
      out_[at_++] = static_cast<std::uint8_t>(value >> shift);
  }
  void u64(std::uint64_t value) {
    for (int shift = 56; shift >= 0; shift -= 8)
      out_[at_++] = static_cast<std::uint8_t>(value >> shift);
  }
  void text(std::string_view text) {  // str(x); text_size() has checked the length
    u32(static_cast<std::uint32_t>(text.size()));
    bytes({reinterpret_cast<const std::uint8_t*>(text.data()), text.size()});
  }

 private:
  std::span<std::uint8_t> out_;
  std::size_t at_ = 0;
};

}  // namespace

Digest sha256(std::span<const std::uint8_t> bytes) {
  return detail::sha256_of({bytes});
}

Digest genesis_hash(SessionId session) {
  constexpr std::string_view kLabel = "meso.journal.genesis.v1";
  std::array<std::uint8_t, kLabel.size() + 8> input{};
  RecordWriter writer(input);
  writer.bytes({reinterpret_cast<const std::uint8_t*>(kLabel.data()), kLabel.size()});
  writer.u64(static_cast<std::uint64_t>(session));
  return sha256(input);
}

void serialize_event(const EventFields& fields, std::vector<std::uint8_t>& out) {
  constexpr std::array<std::uint8_t, 5> kHead = {0x00, 'M', 'J', 'E', '1'};  // RFC 6962 leaf prefix, format
  const std::size_t size = kHead.size() + 8 + 8 + text_size(fields.utc) + 8 + 8 + text_size(fields.role) +
                           text_size(fields.tag) + text_size(fields.kind) + 8 + text_size(fields.payload) +
                           fields.prev_hash.size();
  out.resize(size);
  RecordWriter record(out);
  record.bytes(kHead);  // the leading 0x00 makes the event hash the seal tree's leaf hash
  record.u64(static_cast<std::uint64_t>(fields.session));
  record.u64(static_cast<std::uint64_t>(fields.seq));
  record.text(fields.utc);
  record.u64(static_cast<std::uint64_t>(fields.mono_ns));
  record.u64(static_cast<std::uint64_t>(fields.user));
  record.text(fields.role);
  record.text(fields.tag);
  record.text(fields.kind);
  record.u64(static_cast<std::uint64_t>(fields.corrects.value_or(0)));
  record.text(fields.payload);
  record.bytes(fields.prev_hash);
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
  if (bytes.empty()) return {};  // libsodium's arguments are declared non-null; an empty span may not be
  std::string hex(bytes.size() * 2 + 1, '\0');
  sodium_bin2hex(hex.data(), hex.size(), bytes.data(), bytes.size());
  hex.pop_back();
  return hex;
}

bool from_hex(std::string_view hex, std::span<std::uint8_t> out) {
  if (hex.size() != out.size() * 2) return false;
  if (out.empty()) return true;  // nothing to decode (and libsodium's arguments are declared non-null)
  std::size_t written = 0;
  const char* end = nullptr;
  return sodium_hex2bin(out.data(), out.size(), hex.data(), hex.size(), nullptr, &written, &end) == 0 &&
         written == out.size() && end == hex.data() + hex.size();
}

}  // namespace meso::journal
