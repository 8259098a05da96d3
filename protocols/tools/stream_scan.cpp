#include "stream_scan.hpp"

#include <algorithm>
#include <string>

#include "meso/protocols/mesogun_json.hpp"
#include "meso/protocols/pen_json.hpp"
#include "tool_io.hpp"

namespace meso::mesoproto {

namespace mg = protocols::mesogun;
namespace pen = protocols::pen;

namespace {

// "type" first and "offset" last, so that a line reads like the message it stands for.
void append_message_fields(nlohmann::ordered_json& line, const nlohmann::json& message) {
  for (const auto& [key, value] : message.items()) {
    if (key != "type") line[key] = value;
  }
}

nlohmann::ordered_json header_json(const mg::FrameHeader& header) {
  const auto type = protocols::enum_from_value<mg::MessageType>(header.type);
  nlohmann::ordered_json out;
  out["version"] = header.version;
  out["type"] = type ? std::string(protocols::to_name(*type)) : hex(std::span(&header.type, 1));
  out["seq"] = header.seq;
  out["ack"] = header.ack;
  return out;
}

}  // namespace

MesogunScan scan_mesogun(std::span<const std::uint8_t> capture) {
  MesogunScan scan;
  scan.total = capture.size();
  mg::FrameDecoder decoder;
  std::size_t frame_start = 0;  // first byte after the last delimiter
  for (std::size_t i = 0; i < capture.size(); ++i) {
    if (auto result = decoder.push(capture[i])) {
      scan.events.push_back({frame_start, i + 1 - frame_start, std::move(*result)});
    }
    if (capture[i] == 0x00) frame_start = i + 1;
  }
  scan.pending = decoder.pending();
  return scan;
}

PenScan scan_pen(std::span<const std::uint8_t> capture) {
  PenScan scan;
  scan.total = capture.size();
  pen::SentenceDecoder decoder;
  std::size_t sentence_start = 0;  // the last '$'
  for (std::size_t i = 0; i < capture.size(); ++i) {
    const bool dollar = capture[i] == '$';
    if (auto result = decoder.push(capture[i])) {
      // A report made on '$' is about the bytes before it; any other ends with this byte.
      const std::size_t end = dollar ? i : i + 1;
      const auto* failure = std::get_if<pen::DecodeFailure>(&*result);
      const std::size_t length = failure ? std::min(failure->bytes, end) : end - sentence_start;
      scan.events.push_back({end - length, length, std::move(*result)});
    }
    if (dollar) sentence_start = i;
  }
  scan.pending = decoder.pending();
  return scan;
}

bool is_error(const mg::DecodeResult& result) {
  return std::holds_alternative<mg::DecodeFailure>(result);
}

bool is_error(const pen::DecodeResult& result) {
  return std::holds_alternative<pen::DecodeFailure>(result);
}

nlohmann::ordered_json to_json_line(const Event<mg::DecodeResult>& event) {
  nlohmann::ordered_json line;
  if (const auto* frame = std::get_if<mg::Frame>(&event.result)) {
    line["type"] = std::string(protocols::to_name(mg::type_of(frame->message)));
    line["seq"] = frame->seq;
    line["ack"] = frame->ack;
    append_message_fields(line, mg::to_json(frame->message));
    line["offset"] = event.offset;
    return line;
  }
  const auto& failure = std::get<mg::DecodeFailure>(event.result);
  line["error"] = std::string(mg::name_of(failure.error));
  line["detail"] = std::string(failure.detail);
  line["offset"] = event.offset;
  line["bytes"] = failure.wire_bytes;
  if (failure.header) line["header"] = header_json(*failure.header);
  return line;
}

nlohmann::ordered_json to_json_line(const Event<pen::DecodeResult>& event) {
  nlohmann::ordered_json line;
  if (const auto* message = std::get_if<pen::Message>(&event.result)) {
    line["type"] = std::string(protocols::to_name(pen::kind_of(*message)));
    append_message_fields(line, pen::to_json(*message));
    line["offset"] = event.offset;
    return line;
  }
  const auto& failure = std::get<pen::DecodeFailure>(event.result);
  line["error"] = std::string(pen::name_of(failure.error));
  line["detail"] = std::string(failure.detail);
  line["offset"] = event.offset;
  line["bytes"] = failure.bytes;
  return line;
}

nlohmann::ordered_json incomplete_json_line(Protocol protocol, std::size_t pending, std::size_t total) {
  nlohmann::ordered_json line;
  line["error"] = "incomplete";
  line["detail"] = protocol == Protocol::mesogun
                       ? "the capture ended inside a frame: no 0x00 delimiter after its last bytes"
                       : "the capture ended inside a sentence, or after bytes outside any sentence";
  line["offset"] = total - std::min(pending, total);
  line["bytes"] = pending;
  return line;
}

}  // namespace meso::mesoproto
