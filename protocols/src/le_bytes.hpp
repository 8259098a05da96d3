// Little-endian field writer and reader over fixed buffers; internal to the protocols library.
#pragma once

#include <cstddef>
#include <cstdint>
#include <span>

namespace meso::protocols::detail {

class LeWriter {
 public:
  explicit LeWriter(std::span<std::uint8_t> out) : out_(out) {}
  void u8(std::uint8_t v) { out_[size_++] = v; }
  void u16(std::uint16_t v) {
    u8(static_cast<std::uint8_t>(v));
    u8(static_cast<std::uint8_t>(v >> 8U));
  }
  void u32(std::uint32_t v) {
    u16(static_cast<std::uint16_t>(v));
    u16(static_cast<std::uint16_t>(v >> 16U));
  }
  void i16(std::int16_t v) { u16(static_cast<std::uint16_t>(v)); }
  std::size_t size() const { return size_; }

 private:
  std::span<std::uint8_t> out_;
  std::size_t size_ = 0;
};

// Reads past the end give zeros and set overrun(); callers check lengths first, this is the backstop.
class LeReader {
 public:
  explicit LeReader(std::span<const std::uint8_t> in) : in_(in) {}
  std::uint8_t u8() {
    if (pos_ >= in_.size()) {
      overrun_ = true;
      return 0;
    }
    return in_[pos_++];
  }
  std::uint16_t u16() {
    const auto lo = u8();
    const auto hi = u8();
    return static_cast<std::uint16_t>(lo | (hi << 8U));
  }
  std::uint32_t u32() {
    const std::uint32_t lo = u16();
    const std::uint32_t hi = u16();
    return lo | (hi << 16U);
  }
  std::int16_t i16() { return static_cast<std::int16_t>(u16()); }
  std::span<const std::uint8_t> bytes(std::size_t n) {
    if (n > in_.size() - pos_) {
      overrun_ = true;
      pos_ = in_.size();
      return {};
    }
    auto out = in_.subspan(pos_, n);
    pos_ += n;
    return out;
  }
  std::size_t remaining() const { return in_.size() - pos_; }
  bool overrun() const { return overrun_; }

 private:
  std::span<const std::uint8_t> in_;
  std::size_t pos_ = 0;
  bool overrun_ = false;
};

}  // namespace meso::protocols::detail
