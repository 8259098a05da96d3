// CRC-32C (Castagnoli): reflected, polynomial 0x1EDC6F41, init and xorout 0xFFFFFFFF.
// Check value: crc32c("123456789") == 0xE3069283.
#pragma once

#include <cstdint>
#include <span>

namespace meso::protocols {

std::uint32_t crc32c(std::span<const std::uint8_t> data);

}  // namespace meso::protocols
