// HOST:PORT, parsed once for every tool: ports outside 1..65535 are refused with the reason, never
// truncated (`run --tcp 127.0.0.1:70000` once connected to port 4464).
#include "meso/hal/tcp_endpoint.hpp"

#include <gtest/gtest.h>

#include <stdexcept>
#include <string>

namespace meso::hal {
namespace {

std::string endpoint_refusal(const std::string& text, PortZero zero = PortZero::refused) {
  try {
    parse_tcp_endpoint(text, zero);
  } catch (const std::invalid_argument& e) {
    return e.what();
  }
  return "";
}

TEST(TcpEndpoint, HostAndPortAreSplitAtTheLastColon) {
  const auto v4 = parse_tcp_endpoint("127.0.0.1:5000");
  EXPECT_EQ(v4.host, "127.0.0.1");
  EXPECT_EQ(v4.port, 5000);
  const auto v6 = parse_tcp_endpoint("[::1]:65535");
  EXPECT_EQ(v6.host, "::1");
  EXPECT_EQ(v6.port, 65535);
  EXPECT_EQ(to_string(v6), "[::1]:65535");
  EXPECT_EQ(parse_tcp_endpoint("station-7.local:1").port, 1);
  EXPECT_EQ(parse_tcp_endpoint("0.0.0.0:0", PortZero::any_free_port).port, 0);
}

TEST(TcpEndpoint, APortOutOfRangeIsRefusedNotTruncated) {
  EXPECT_NE(endpoint_refusal("127.0.0.1:70000")
                .find("\"70000\" in \"127.0.0.1:70000\" is not a port number from 1 to 65535"),
            std::string::npos)
      << endpoint_refusal("127.0.0.1:70000");
  EXPECT_NE(endpoint_refusal("127.0.0.1:65536").find("from 1 to 65535"), std::string::npos);
  EXPECT_NE(endpoint_refusal("127.0.0.1:0").find("from 1 to 65535"), std::string::npos)
      << "a client needs a port";
  EXPECT_NE(endpoint_refusal("127.0.0.1:65536", PortZero::any_free_port).find("from 0 to 65535"),
            std::string::npos);
  EXPECT_NE(endpoint_refusal("127.0.0.1:99999999999999999999").find("is not a port"), std::string::npos);
}

TEST(TcpEndpoint, WhatIsNotHostColonPortSaysWhatIsMissing) {
  EXPECT_NE(endpoint_refusal("127.0.0.1").find("is not HOST:PORT (e.g. 127.0.0.1:5000)"), std::string::npos);
  EXPECT_NE(endpoint_refusal(":5000").find("has no host"), std::string::npos);
  EXPECT_NE(endpoint_refusal("127.0.0.1:").find("is not a port"), std::string::npos);
  EXPECT_NE(endpoint_refusal("127.0.0.1:50a").find("is not a port"), std::string::npos);
  EXPECT_NE(endpoint_refusal("127.0.0.1:-1").find("is not a port"), std::string::npos);
  EXPECT_NE(endpoint_refusal("127.0.0.1: 80").find("is not a port"), std::string::npos);
}

}  // namespace
}  // namespace meso::hal
