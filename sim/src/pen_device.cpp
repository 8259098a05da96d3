#include "meso/sim/pen_device.hpp"

#include <type_traits>

namespace meso::sim {

namespace pen = protocols::pen;

namespace {

// The kind of a sentence whose checksum was good but whose fields were not: "$PMSN,DEP,abc*hh\r\n" -> DEP.
std::optional<pen::Kind> kind_of_sentence(std::string_view sentence) {
  constexpr std::string_view kPrefix = "$PMSN,";
  if (sentence.substr(0, kPrefix.size()) != kPrefix) return std::nullopt;
  const std::string_view rest = sentence.substr(kPrefix.size());
  return protocols::enum_from_name<pen::Kind>(rest.substr(0, rest.find_first_of(",*")));
}

}  // namespace

PenDevice::PenDevice(PenModelConfig config, TimePoint now) : model_(std::move(config), now) {}

void PenDevice::receive(std::span<const std::uint8_t> bytes, TimePoint now) {
  if (model_.booting(now)) return;
  for (const std::uint8_t byte : bytes) {
    if (byte == '$') sentence_.clear();
    if (sentence_.size() < pen::kMaxSentence + 1) sentence_.push_back(static_cast<char>(byte));
    if (auto result = decoder_.push(byte)) handle(*result, now);
  }
  flush();
}

void PenDevice::handle(const pen::DecodeResult& result, TimePoint now) {
  if (const auto* message = std::get_if<pen::Message>(&result)) {
    model_.on_sentence(*message, now);
    return;
  }
  const auto& failure = std::get<pen::DecodeFailure>(result);
  if (failure.error != pen::DecodeError::bad_field) return;  // not understood: no answer (B.1)
  if (const auto kind = kind_of_sentence(sentence_)) model_.on_malformed(*kind, now);
}

void PenDevice::poll(TimePoint now) {
  model_.tick(now);
  flush();
}

void PenDevice::flush() {
  for (const auto& message : model_.take_outgoing()) {
    const std::string sentence = pen::encode(message);
    output_.insert(output_.end(), sentence.begin(), sentence.end());
  }
}

std::vector<std::uint8_t> PenDevice::take_output() {
  std::vector<std::uint8_t> out;
  out.swap(output_);
  return out;
}

void PenDevice::reboot(TimePoint now) {
  flush();
  model_.reboot(now);
  decoder_ = pen::SentenceDecoder{};
  sentence_.clear();
}

bool PenDevice::supports(const ScenarioAction& action) const {
  return std::holds_alternative<action::PenAlarm>(action) || std::holds_alternative<action::Reboot>(action) ||
         is_line_action(action);
}

void PenDevice::apply(const ScenarioAction& action, TimePoint now) {
  if (apply_to_line(action, now)) return;
  if (const auto* alarm = std::get_if<action::PenAlarm>(&action)) {
    model_.set_alarm(alarm->code, alarm->active, now);
  } else if (std::holds_alternative<action::Reboot>(action)) {
    reboot(now);
  }
  poll(now);
}

}  // namespace meso::sim
