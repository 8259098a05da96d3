#include "meso/hal/shot_ledger.hpp"

#include <algorithm>

namespace meso::hal {

namespace mg = protocols::mesogun;

ShotLedger::ShotLedger(std::optional<std::uint32_t> known_last_counter) : baseline_(known_last_counter) {
  if (baseline_) contiguous_ = device_counter_ = *baseline_;
}

void ShotLedger::on_identity(std::uint32_t device_counter) {
  if (!baseline_) {
    baseline_ = device_counter;
    contiguous_ = device_counter;
  }
  device_counter_ = std::max(device_counter_, device_counter);
}

bool ShotLedger::record(const mg::ShotRecord& shot) {
  device_counter_ = std::max(device_counter_, shot.shot_counter);
  if (shot.shot_counter <= contiguous_ || ahead_.contains(shot.shot_counter)) return false;
  if (shot.command_id != 0) counter_of_command_[shot.command_id] = shot.shot_counter;
  ahead_.insert(shot.shot_counter);
  lost_.erase(shot.shot_counter);
  advance_contiguous();
  return true;
}

void ShotLedger::records_lost_below(std::uint32_t oldest_counter) {
  for (std::uint32_t c = contiguous_ + 1; c < oldest_counter; ++c) {
    if (!ahead_.contains(c)) lost_.insert(c);
  }
  advance_contiguous();
}

void ShotLedger::advance_contiguous() {
  while (true) {
    const std::uint32_t next = contiguous_ + 1;
    if (ahead_.erase(next) == 0 && !lost_.contains(next)) break;
    contiguous_ = next;
  }
}

std::optional<std::uint32_t> ShotLedger::next_missing() const {
  if (contiguous_ >= device_counter_) return std::nullopt;
  return contiguous_ + 1;
}

void ShotLedger::fire_sent(std::uint32_t command_id) {
  outstanding_.push_back(PendingFire{command_id, contiguous_});
}

std::optional<device_event::FireResolved> ShotLedger::resolve_by_shot(const mg::ShotRecord& shot) {
  if (shot.command_id == 0) return std::nullopt;
  const std::string how = "SHOT " + std::to_string(shot.shot_counter);
  const auto same_id = [&](const PendingFire& f) { return f.command_id == shot.command_id; };
  if (const auto it = std::find_if(outstanding_.begin(), outstanding_.end(), same_id);
      it != outstanding_.end()) {
    outstanding_.erase(it);
    return device_event::FireResolved{shot.command_id, FireOutcome::delivered, how};
  }
  if (const auto it = std::find_if(uncertain_.begin(), uncertain_.end(), same_id); it != uncertain_.end()) {
    uncertain_.erase(it);
    return device_event::FireResolved{shot.command_id, FireOutcome::delivered, how + " (recovered)"};
  }
  return std::nullopt;
}

std::optional<device_event::FireResolved> ShotLedger::resolve_not_delivered(std::uint32_t command_id,
                                                                            const std::string& why) {
  const auto it = std::find_if(outstanding_.begin(), outstanding_.end(),
                               [&](const PendingFire& f) { return f.command_id == command_id; });
  if (it == outstanding_.end()) return std::nullopt;
  outstanding_.erase(it);
  return device_event::FireResolved{command_id, FireOutcome::not_delivered, why};
}

void ShotLedger::link_lost() {
  uncertain_.insert(uncertain_.end(), outstanding_.begin(), outstanding_.end());
  outstanding_.clear();
}

void ShotLedger::carry_uncertain(std::uint32_t command_id) {
  uncertain_.push_back({command_id, baseline_.value_or(0)});
}

std::vector<device_event::FireResolved> ShotLedger::settle_uncertain() {
  std::vector<device_event::FireResolved> settled;
  if (next_missing()) return settled;  // not reconciled yet
  for (const PendingFire& fire : uncertain_) {
    if (const auto it = counter_of_command_.find(fire.command_id); it != counter_of_command_.end()) {
      settled.push_back(
          {fire.command_id, FireOutcome::delivered, "found as shot " + std::to_string(it->second)});
      continue;
    }
    const auto first_lost = lost_.upper_bound(fire.counter_floor);
    const std::string range = std::to_string(fire.counter_floor + 1) + ".." + std::to_string(device_counter_);
    if (first_lost == lost_.end()) {
      settled.push_back(
          {fire.command_id, FireOutcome::not_delivered, "absent from every record in " + range});
    } else {
      settled.push_back({fire.command_id, FireOutcome::unknown,
                         "device no longer holds record " + std::to_string(*first_lost) + " of " + range});
    }
  }
  // Unknown outcomes stay locked until a clinician attests; the others are settled.
  std::vector<PendingFire> still;
  for (const PendingFire& fire : uncertain_) {
    const auto it = std::find_if(settled.begin(), settled.end(),
                                 [&](const auto& s) { return s.command_id == fire.command_id; });
    if (it->outcome == FireOutcome::unknown) still.push_back(fire);
  }
  uncertain_ = std::move(still);
  return settled;
}

std::optional<device_event::FireResolved> ShotLedger::attest(std::uint32_t command_id, FireOutcome outcome) {
  const auto it = std::find_if(uncertain_.begin(), uncertain_.end(),
                               [&](const PendingFire& f) { return f.command_id == command_id; });
  if (it == uncertain_.end() || outcome == FireOutcome::unknown) return std::nullopt;
  uncertain_.erase(it);
  return device_event::FireResolved{command_id, outcome, "attested by a clinician"};
}

}  // namespace meso::hal
