#include "meso/protocols/crc32c.hpp"

#include <boost/crc.hpp>

namespace meso::protocols {

std::uint32_t crc32c(std::span<const std::uint8_t> data) {
  // Boost.CRC's table-driven engine with the Castagnoli parameters; reflected in and out.
  boost::crc_optimal<32, 0x1EDC6F41, 0xFFFFFFFF, 0xFFFFFFFF, true, true> crc;
  crc.process_bytes(data.data(), data.size());
  return crc.checksum();
}

}  // namespace meso::protocols
