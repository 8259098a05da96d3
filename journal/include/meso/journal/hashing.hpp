// The bytes each event hash covers (docs/journal.md, "Event hash"), so an auditor can re-implement them.
// An event's hash is its RFC 6962 Merkle leaf hash, SHA-256(0x00 || record): the chain and the seal's tree
// share one hash per event, which keeps verification at one record hash plus one tree node per event.
#pragma once

#include <cstdint>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "meso/journal/types.hpp"

namespace meso::journal {

// What an event hash covers: every stored column of the event except the hash itself.
struct EventFields {
  SessionId session = 0;
  Seq seq = 0;
  std::string_view utc;
  std::int64_t mono_ns = 0;
  UserId user = 0;
  std::string_view role;
  std::string_view tag;
  std::string_view kind;
  std::optional<Seq> corrects;
  std::string_view payload;
  Digest prev_hash{};
};

Digest sha256(std::span<const std::uint8_t> bytes);
// What the first event of a session chains from: SHA-256("meso.journal.genesis.v1" || u64be(session)).
Digest genesis_hash(SessionId session);

// Writes 0x00 || record into `out` (cleared first), the exact input of the event hash.
void serialize_event(const EventFields& fields, std::vector<std::uint8_t>& out);
Digest event_hash(const EventFields& fields);

// Hashes many events reusing one buffer: verification runs this once per stored row.
class EventHasher {
 public:
  Digest hash(const EventFields& fields);

 private:
  std::vector<std::uint8_t> buffer_;
};

std::string to_hex(std::span<const std::uint8_t> bytes);
// Exactly 2 * out.size() hex digits, either case; false otherwise.
bool from_hex(std::string_view hex, std::span<std::uint8_t> out);

}  // namespace meso::journal
