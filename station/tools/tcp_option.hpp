// The --tcp HOST:PORT option's check, shared by `run` and `probe`: a bad endpoint is a usage error before
// anything is opened, worded as hal::parse_tcp_endpoint words it.
#pragma once

#include <CLI/CLI.hpp>
#include <stdexcept>
#include <string>

#include "meso/hal/tcp_endpoint.hpp"

namespace meso::station {

inline CLI::Validator tcp_endpoint_check() {
  return {[](const std::string& text) {
            try {
              hal::parse_tcp_endpoint(text);
              return std::string();
            } catch (const std::invalid_argument& e) {
              return std::string(e.what());
            }
          },
          "HOST:PORT"};
}

}  // namespace meso::station
