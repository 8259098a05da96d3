#include "meso/hal/tcp_endpoint.hpp"

#include <charconv>
#include <stdexcept>

namespace meso::hal {

TcpEndpoint parse_tcp_endpoint(std::string_view text, PortZero zero) {
  const std::string quoted = "\"" + std::string(text) + "\"";
  const auto colon = text.rfind(':');
  if (colon == std::string_view::npos)
    throw std::invalid_argument(quoted + " is not HOST:PORT (e.g. 127.0.0.1:5000)");
  std::string_view host = text.substr(0, colon);
  if (host.size() > 2 && host.front() == '[' && host.back() == ']') host = host.substr(1, host.size() - 2);
  if (host.empty())
    throw std::invalid_argument(quoted + " has no host before the colon (e.g. 127.0.0.1:5000)");
  const std::string_view port_text = text.substr(colon + 1);
  const unsigned lowest = zero == PortZero::any_free_port ? 0 : 1;
  const std::string range = "a port number from " + std::to_string(lowest) + " to 65535";
  unsigned long port = 0;
  const auto [end, ec] = std::from_chars(port_text.data(), port_text.data() + port_text.size(), port);
  if (port_text.empty() || ec != std::errc{} || end != port_text.data() + port_text.size() || port < lowest ||
      port > 65535)
    throw std::invalid_argument("\"" + std::string(port_text) + "\" in " + quoted + " is not " + range);
  return TcpEndpoint{std::string(host), static_cast<std::uint16_t>(port)};
}

std::string to_string(const TcpEndpoint& endpoint) {
  const bool v6 = endpoint.host.find(':') != std::string::npos;
  return (v6 ? "[" + endpoint.host + "]" : endpoint.host) + ":" + std::to_string(endpoint.port);
}

}  // namespace meso::hal
