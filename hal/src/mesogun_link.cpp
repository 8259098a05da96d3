#include "meso/hal/mesogun_link.hpp"

#include <algorithm>

namespace meso::hal {

namespace mg = protocols::mesogun;
using std::chrono::duration_cast;
using std::chrono::microseconds;

std::uint16_t next_seq(std::uint16_t seq) {
  return seq == 0xFFFF ? std::uint16_t{1} : static_cast<std::uint16_t>(seq + 1);
}

bool seq_newer(std::uint16_t a, std::uint16_t b) {
  if (a == 0) return false;
  if (b == 0) return true;       // anything is newer than "nothing yet"
  constexpr int kRing = 0xFFFF;  // 65535 values, 1..65535
  const int diff = ((a - 1) - (b - 1) + kRing) % kRing;
  return diff != 0 && diff < kRing / 2;
}

MesogunLink::MesogunLink(LinkRole role, LinkTiming timing, TimePoint now)
    : created_(now),
      rto_(timing.rto_initial),
      last_sent_(now),
      last_valid_rx_(now),
      timing_(timing),
      role_(role) {
  counters_.rto = rto_;
}

void MesogunLink::start_handshake(std::uint32_t hello_nonce, TimePoint now) {
  hello_nonce_ = hello_nonce;
  state_ = LinkState::handshaking;
  reset_sequencing();
  handshake_started_ = now;
  // A leading 0x00 ends whatever partial frame the device may hold from before.
  output_.push_back(0x00);
  transmit_handshake(mg::Hello{mg::kProtocolVersion, hello_nonce_}, now);
  next_hello_ = now + timing_.hello_period;
}

void MesogunLink::reset_sequencing() {
  tx_seq_ = 0;
  rx_seq_ = 0;
  queued_seq_ = 0;
  acked_seq_ = 0;
  in_flight_.clear();
  queued_.clear();
  ack_owed_ = false;
  nak_sent_ = false;
  lease_.reset();  // a new session: the device disarmed on its HELLO
  lease_end_seq_ = 0;
}

namespace {

// A frame with a good CRC and the ESTOP type byte, whatever else it holds (A.4).
bool is_estop(const mg::DecodeResult& result) {
  if (const auto* frame = std::get_if<mg::Frame>(&result))
    return mg::type_of(frame->message) == mg::MessageType::estop;
  const auto& failure = std::get<mg::DecodeFailure>(result);
  return failure.header && failure.header->type == static_cast<std::uint8_t>(mg::MessageType::estop);
}

}  // namespace

void MesogunLink::receive(std::span<const std::uint8_t> bytes, TimePoint now) {
  counters_.bytes_received += bytes.size();
  decoder_.feed(bytes, [&](const mg::DecodeResult& result) {
    // The stop wins: before the version, the length, the sequence or the session is looked at (A.4).
    if (role_ == LinkRole::device && is_estop(result)) emit(link_event::StopNow{});
    if (const auto* frame = std::get_if<mg::Frame>(&result)) {
      handle_frame(*frame, now);
      return;
    }
    const auto& failure = std::get<mg::DecodeFailure>(result);
    if (failure.header && failure.error == mg::DecodeError::bad_version) {
      // Another version's frame: nothing was corrupted, so no NAK, and its header may be laid out otherwise,
      // so its seq and ack mean nothing here (A.2).
      ++counters_.other_version;
      return;
    }
    if (failure.header) {
      handle_refused(failure, now);
      return;
    }
    if (failure.error == mg::DecodeError::bad_crc) {
      ++counters_.crc_errors;
    } else {
      ++counters_.resyncs;
    }
    if (state_ == LinkState::up || state_ == LinkState::lost) send_nak(mg::NakReason::corrupted_frame, now);
  });
}

void MesogunLink::handle_frame(const mg::Frame& frame, TimePoint now) {
  ++counters_.frames_received;
  const mg::MessageType type = mg::type_of(frame.message);

  if (type == mg::MessageType::hello) {
    if (role_ != LinkRole::device) return;
    const auto& hello = std::get<mg::Hello>(frame.message);
    if (hello.protocol_version < mg::kProtocolVersion) {
      // This device speaks no version at or below the host's: say so once, as a handshake frame the host can
      // read before any session, and start nothing (A.6).
      transmit_handshake(mg::Error{0, static_cast<std::uint8_t>(mg::MessageType::hello),
                                   mg::ErrorReason::unsupported_version},
                         now);
      return;
    }
    last_valid_rx_ = now;
    const auto nonce = hello.hello_nonce;
    const bool in_session = state_ == LinkState::up || state_ == LinkState::lost;
    if (in_session && nonce == hello_nonce_ && !heard_in_session_) {
      // The host repeats its HELLO until an IDENTITY reaches it; on a slow line a repeat arrives after the
      // host took the first answer and started the session. It sends nothing else until then, so a HELLO
      // with this session's nonce and nothing since is such a repeat: answered again, nothing reset (A.6).
      if (state_ == LinkState::lost) {
        state_ = LinkState::up;
        emit(link_event::Restored{});
      }
      emit(link_event::Up{frame.message, true});
      return;
    }
    hello_nonce_ = nonce;
    heard_in_session_ = false;
    reset_sequencing();
    state_ = LinkState::up;
    emit(link_event::Up{frame.message});
    return;
  }
  if (type == mg::MessageType::identity) {
    const auto& identity = std::get<mg::Identity>(frame.message);
    if (role_ != LinkRole::host || state_ != LinkState::handshaking || identity.hello_nonce != hello_nonce_)
      return;
    last_valid_rx_ = now;
    reset_sequencing();
    state_ = LinkState::up;
    emit(link_event::Up{frame.message});
    return;
  }
  if (role_ == LinkRole::host && state_ == LinkState::handshaking && unsupported_version_answer(frame)) {
    state_ = LinkState::idle;
    emit(link_event::HandshakeFailed{true});
    return;
  }
  // Frames from no session, or from one being replaced, mean nothing.
  if (state_ == LinkState::idle || state_ == LinkState::handshaking) return;

  last_valid_rx_ = now;
  heard_in_session_ = true;
  if (state_ == LinkState::lost) {
    state_ = LinkState::up;
    emit(link_event::Restored{});
  }
  handle_ack(frame.ack, now);

  if (mg::is_reliable(type)) {
    const Arrival arrival = accept_in_sequence(frame.seq, now);
    // (An ESTOP out of order already stopped the device: StopNow, above.)
    if (arrival == Arrival::in_order) emit(link_event::Delivered{frame.message, true, frame.ack});
    return;
  }
  if (seq_newer(frame.seq, rx_seq_)) send_nak(mg::NakReason::sequence_gap, now);  // a reliable frame was lost
  switch (type) {
    case mg::MessageType::nak:
      ++counters_.naks_received;
      retransmit_all(now);
      break;
    case mg::MessageType::ack:
      break;
    default:
      emit(link_event::Delivered{frame.message, false, frame.ack});
  }
}

void MesogunLink::handle_refused(const mg::DecodeFailure& failure, TimePoint now) {
  ++counters_.refused_frames;
  if (state_ != LinkState::up && state_ != LinkState::lost) return;
  const auto& header = *failure.header;
  last_valid_rx_ = now;
  heard_in_session_ = true;
  handle_ack(header.ack, now);
  const auto type = protocols::enum_from_value<mg::MessageType>(header.type);
  // An unknown type whose seq is the next expected must be a reliable frame of a newer version: unreliable
  // frames carry the last reliable seq, never the next one.
  const bool reliable = type ? mg::is_reliable(*type) : header.seq == next_seq(rx_seq_);
  if (!reliable) return;
  if (accept_in_sequence(header.seq, now) == Arrival::in_order)
    emit(link_event::Refused{header, failure.error});
}

MesogunLink::Arrival MesogunLink::accept_in_sequence(std::uint16_t seq, TimePoint now) {
  if (!ack_owed_) {
    ack_owed_ = true;
    ack_due_ = now + timing_.ack_delay;
  }
  if (seq == next_seq(rx_seq_)) {
    rx_seq_ = seq;
    return Arrival::in_order;
  }
  if (!seq_newer(seq, rx_seq_)) {
    ++counters_.duplicates;
    return Arrival::duplicate;
  }
  send_nak(mg::NakReason::sequence_gap, now);
  return Arrival::gap;
}

bool MesogunLink::unsupported_version_answer(const mg::Frame& frame) const {
  const auto* error = std::get_if<mg::Error>(&frame.message);
  return error != nullptr && frame.seq == 0 && error->reason == mg::ErrorReason::unsupported_version &&
         error->refused_type == static_cast<std::uint8_t>(mg::MessageType::hello);
}

void MesogunLink::handle_ack(std::uint16_t ack, TimePoint now) {
  if (ack == 0 || seq_newer(ack, tx_seq_)) return;  // nothing acknowledged, or a number never sent
  if (seq_newer(ack, acked_seq_)) acked_seq_ = ack;
  if (lease_end_seq_ != 0 && !seq_newer(lease_end_seq_, ack)) {
    lease_.reset();  // the device has the DISARM or ESTOP: no lease is running any more
    lease_end_seq_ = 0;
  }
  bool acked_any = false;
  std::optional<microseconds> sample;
  while (!in_flight_.empty() && !seq_newer(in_flight_.front().seq, ack)) {
    const InFlight& entry = in_flight_.front();
    // Karn: only frames acknowledged on their first transmission give an unambiguous round trip.
    if (!entry.retransmitted) sample = duration_cast<microseconds>(now - entry.first_sent);
    in_flight_.pop_front();
    acked_any = true;
  }
  if (!acked_any) return;
  if (sample) take_rtt_sample(*sample);
  rto_deadline_ = now + rto_;
  fill_window(now);
}

void MesogunLink::take_rtt_sample(microseconds sample) {
  counters_.last_rtt = sample;
  if (!have_rtt_) {
    counters_.srtt = sample;
    counters_.rttvar = sample / 2;
    have_rtt_ = true;
  } else {
    const microseconds error = counters_.srtt > sample ? counters_.srtt - sample : sample - counters_.srtt;
    counters_.rttvar = (3 * counters_.rttvar + error) / 4;
    counters_.srtt = (7 * counters_.srtt + sample) / 8;
  }
  rto_ = std::clamp<microseconds>(counters_.srtt + 4 * counters_.rttvar, timing_.rto_min, timing_.rto_max);
  counters_.rto = rto_;
}

bool MesogunLink::send(mg::Message message, TimePoint now) {
  if (state_ != LinkState::up && state_ != LinkState::lost) return false;
  const auto type = mg::type_of(message);
  if (type == mg::MessageType::identity) {
    transmit_handshake(message, now);
    return true;
  }
  if (!mg::is_reliable(type)) {
    transmit(tx_seq_, message, now);
    return true;
  }
  if (queued_.size() >= timing_.max_queued) return false;
  queued_seq_ = next_seq(queued_seq_);
  track_lease(message, queued_seq_);
  queued_.push_back(InFlight{queued_seq_, std::move(message), now, false});
  fill_window(now);
  return true;
}

void MesogunLink::track_lease(const mg::Message& message, std::uint16_t seq) {
  if (role_ != LinkRole::host) return;
  if (const auto* arm = std::get_if<mg::Arm>(&message)) {
    lease_ = milliseconds(arm->lease_ms);
    lease_end_seq_ = 0;
  } else if (lease_ &&
             (std::holds_alternative<mg::Disarm>(message) || std::holds_alternative<mg::EStop>(message))) {
    lease_end_seq_ = seq;
  }
}

milliseconds MesogunLink::silence_allowed() const {
  if (!lease_) return timing_.heartbeat_period;
  const auto lease_ms = static_cast<std::uint32_t>(lease_->count());
  return std::min(timing_.heartbeat_period, protocols::keepalive_period(lease_ms, timing_.frames_per_lease));
}

std::vector<std::uint16_t> MesogunLink::drop_queued() {
  std::vector<std::uint16_t> dropped;
  for (const InFlight& entry : queued_)
    dropped.push_back(entry.seq);
  queued_.clear();
  queued_seq_ = tx_seq_;
  return dropped;
}

bool MesogunLink::acknowledged(std::uint16_t seq) const {
  return seq != 0 && acked_seq_ != 0 && !seq_newer(seq, acked_seq_);
}

void MesogunLink::fill_window(TimePoint now) {
  while (in_flight_.size() < timing_.window && !queued_.empty()) {
    InFlight entry = std::move(queued_.front());
    queued_.pop_front();
    tx_seq_ = entry.seq;
    entry.first_sent = now;
    transmit(entry.seq, entry.message, now);
    if (in_flight_.empty()) rto_deadline_ = now + rto_;
    in_flight_.push_back(std::move(entry));
  }
}

void MesogunLink::retransmit_all(TimePoint now) {
  for (InFlight& entry : in_flight_) {
    transmit(entry.seq, entry.message, now);
    entry.retransmitted = true;
    ++counters_.retransmits;
  }
  if (!in_flight_.empty()) rto_deadline_ = now + rto_;
}

void MesogunLink::send_nak(mg::NakReason reason, TimePoint now) {
  if (nak_sent_ && now - last_nak_ < timing_.nak_min_interval) return;
  nak_sent_ = true;
  last_nak_ = now;
  ++counters_.naks_sent;
  transmit(tx_seq_, mg::Nak{reason}, now);
}

void MesogunLink::transmit(std::uint16_t seq, const mg::Message& message, TimePoint now) {
  mg::encode_to(mg::Frame{seq, rx_seq_, message}, output_);
  ++counters_.frames_sent;
  last_sent_ = now;
  ack_owed_ = false;  // every frame carries the current ack
}

void MesogunLink::transmit_handshake(const mg::Message& message, TimePoint now) {
  mg::encode_to(mg::Frame{0, 0, message}, output_);
  ++counters_.frames_sent;
  last_sent_ = now;
}

void MesogunLink::poll(TimePoint now) {
  if (state_ == LinkState::handshaking) {
    if (now - handshake_started_ >= timing_.handshake_timeout) {
      state_ = LinkState::idle;
      emit(link_event::HandshakeFailed{});
      return;
    }
    if (now >= next_hello_) {
      transmit_handshake(mg::Hello{mg::kProtocolVersion, hello_nonce_}, now);
      next_hello_ = now + timing_.hello_period;
    }
    return;
  }
  if (state_ == LinkState::idle) return;
  if (state_ == LinkState::up && now - last_valid_rx_ >= timing_.link_loss_after) {
    state_ = LinkState::lost;
    ++counters_.link_losses;
    emit(link_event::Lost{});
  }
  if (!in_flight_.empty() && now >= rto_deadline_) {
    rto_ = std::min<microseconds>(rto_ * 2, timing_.rto_max);
    counters_.rto = rto_;
    retransmit_all(now);
  }
  if (ack_owed_ && now >= ack_due_) transmit(tx_seq_, mg::Ack{}, now);
  if (now - last_sent_ >= silence_allowed()) {
    const auto uptime = std::chrono::duration_cast<milliseconds>(now - created_).count();
    transmit(tx_seq_, mg::Heartbeat{static_cast<std::uint32_t>(uptime)}, now);
  }
}

TimePoint MesogunLink::next_deadline() const {
  switch (state_) {
    case LinkState::idle:
      return TimePoint::max();
    case LinkState::handshaking:
      return std::min(next_hello_, handshake_started_ + timing_.handshake_timeout);
    case LinkState::up:
    case LinkState::lost:
      break;
  }
  TimePoint deadline = last_sent_ + silence_allowed();
  if (state_ == LinkState::up) deadline = std::min(deadline, last_valid_rx_ + timing_.link_loss_after);
  if (!in_flight_.empty()) deadline = std::min(deadline, rto_deadline_);
  if (ack_owed_) deadline = std::min(deadline, ack_due_);
  return deadline;
}

std::vector<std::uint8_t> MesogunLink::take_output() {
  std::vector<std::uint8_t> out;
  out.swap(output_);
  return out;
}

std::optional<LinkEvent> MesogunLink::next_event() {
  if (events_.empty()) return std::nullopt;
  LinkEvent event = std::move(events_.front());
  events_.pop_front();
  return event;
}

}  // namespace meso::hal
