// Standard base64 with padding (RFC 4648 section 4), the encoding of checkpoints, signed notes and verifier
// keys (c2sp.org/signed-note). Decoding is strict: no whitespace, exact padding and zero trailing bits, so
// each byte string has exactly one accepted spelling and a signed text cannot be re-spelled unnoticed.
#pragma once

#include <cstdint>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <vector>

namespace meso::journal {

std::string to_base64(std::span<const std::uint8_t> bytes);
std::optional<std::vector<std::uint8_t>> from_base64(std::string_view text);

}  // namespace meso::journal
