// Shot accounting for one device, sans-I/O (docs/protocol.md A.7): every shot counter is reported exactly
// once, gaps are found and queried, and every host FIRE ends delivered, not delivered, or unknown — never
// "failed" when it may have happened.
#pragma once

#include <cstdint>
#include <deque>
#include <map>
#include <optional>
#include <set>
#include <string>
#include <vector>

#include "meso/hal/device.hpp"

namespace meso::hal {

class ShotLedger {
 public:
  // known_last_counter: the last shot counter the station has recorded for this device, if any. Without
  // one, the first IDENTITY sets the baseline: earlier shots were not ours.
  explicit ShotLedger(std::optional<std::uint32_t> known_last_counter = std::nullopt);

  // The device identified itself with its current counter.
  void on_identity(std::uint32_t device_counter);

  // A shot record from SHOT or SHOT_RECORDS; true when it is new and must be reported.
  bool record(const protocols::mesogun::ShotRecord& shot);

  // Records below `oldest_counter` are gone from the device: they can never be recovered.
  void records_lost_below(std::uint32_t oldest_counter);

  // The next counter to ask for with QUERY_SHOTS, or nullopt when every shot up to the device's counter
  // is accounted for (recorded or known lost).
  std::optional<std::uint32_t> next_missing() const;

  // Host FIREs.
  void fire_sent(std::uint32_t command_id);
  // A SHOT carrying a command id resolves that FIRE as delivered; an ERROR refusing it (or an E-STOP that
  // dropped it before it was sent) as not delivered.
  std::optional<device_event::FireResolved> resolve_by_shot(const protocols::mesogun::ShotRecord& shot);
  std::optional<device_event::FireResolved> resolve_not_delivered(std::uint32_t command_id,
                                                                  const std::string& why);
  // The link was lost: every FIRE without an answer has an uncertain outcome.
  void link_lost();
  // After reconciliation (next_missing() is nullopt), settle each uncertain FIRE from the records.
  std::vector<device_event::FireResolved> settle_uncertain();
  // A FIRE whose intent the journal holds without an outcome (the station was killed): uncertain from the
  // start, settled by the records above the known last counter like any other.
  void carry_uncertain(std::uint32_t command_id);
  // A clinician's attestation settles one uncertain FIRE.
  std::optional<device_event::FireResolved> attest(std::uint32_t command_id, FireOutcome outcome);

  bool dosing_locked() const { return !uncertain_.empty(); }
  std::size_t outstanding() const { return outstanding_.size(); }
  std::uint32_t contiguous() const { return contiguous_; }
  std::uint32_t device_counter() const { return device_counter_; }

 private:
  struct PendingFire {
    std::uint32_t command_id = 0;
    std::uint32_t counter_floor = 0;  // every shot at or below this was known when the FIRE was sent
  };

  void advance_contiguous();

  std::optional<std::uint32_t> baseline_;
  std::uint32_t contiguous_ = 0;      // every counter up to here is recorded or known lost
  std::uint32_t device_counter_ = 0;  // the highest counter the device has told us of
  std::set<std::uint32_t> ahead_;     // recorded counters above contiguous_
  std::set<std::uint32_t> lost_;      // counters known gone (they stay unknown)
  std::map<std::uint32_t, std::uint32_t> counter_of_command_;  // command id -> shot counter
  std::deque<PendingFire> outstanding_;
  std::vector<PendingFire> uncertain_;
};

}  // namespace meso::hal
