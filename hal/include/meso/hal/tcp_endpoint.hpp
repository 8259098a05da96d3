// HOST:PORT as every tool takes it (`mesostation run --tcp`, `mesostation probe --tcp`, `mesosim --tcp`):
// one parser, so a port out of range is refused the same way everywhere instead of being truncated.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>

namespace meso::hal {

struct TcpEndpoint {
  std::string host;        // a name, an IPv4 address, or an IPv6 address (written in brackets: [::1]:5000)
  std::uint16_t port = 0;  // 0 only where a listener may pick any free port
};

enum class PortZero : std::uint8_t { refused, any_free_port };

// Throws std::invalid_argument naming what is wrong and giving an example: no colon, an empty host, a port
// that is not a decimal number, or one outside 1..65535 (0..65535 with PortZero::any_free_port).
TcpEndpoint parse_tcp_endpoint(std::string_view text, PortZero zero = PortZero::refused);

std::string to_string(const TcpEndpoint& endpoint);

}  // namespace meso::hal
