// The one place the project includes Boost.Asio. Boost 1.74's asio/awaitable.hpp uses std::exchange without
// including <utility>; g++ 12 in C++20 mode then fails to compile it, so <utility> comes first, here, once.
#pragma once

// clang-format off
#include <utility>
#include <boost/asio.hpp>
// clang-format on

namespace meso {
namespace asio = boost::asio;
}  // namespace meso
