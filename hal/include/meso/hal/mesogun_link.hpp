// One side of a mesogun link (docs/protocol.md A.5, A.6): sequencing, acknowledgement, adaptive
// retransmission, heartbeats, link-loss detection and the HELLO/IDENTITY handshake.
//
// Sans-I/O: bytes and the current time go in, bytes to write, events and the next deadline come out. The
// same core runs the host (station) and the device (simulator) side, under real Asio timers or under a
// test's simulated clock.
#pragma once

#include <chrono>
#include <cstdint>
#include <deque>
#include <optional>
#include <span>
#include <variant>
#include <vector>

#include "meso/protocols/lease.hpp"
#include "meso/protocols/mesogun_codec.hpp"

namespace meso::hal {

using SteadyClock = std::chrono::steady_clock;
using TimePoint = SteadyClock::time_point;
using std::chrono::milliseconds;

struct LinkTiming {
  milliseconds heartbeat_period{50};
  // Host: while an ARM's lease may run, a frame at least every lease / this (A.6: at least 3; 6 here).
  int frames_per_lease = protocols::kFramesPerLease;
  milliseconds link_loss_after{250};
  milliseconds rto_min{20};
  milliseconds rto_initial{100};
  milliseconds rto_max{1000};
  milliseconds ack_delay{5};
  milliseconds hello_period{200};
  milliseconds handshake_timeout{2000};
  milliseconds nak_min_interval{20};
  std::size_t window = 8;
  std::size_t max_queued = 64;  // reliable messages waiting for the window
};

// Cumulative counters: a rising retransmit or CRC-error rate warns of a failing cable before it fails.
struct LinkCounters {
  std::uint64_t frames_sent = 0;
  std::uint64_t frames_received = 0;  // good CRC
  std::uint64_t bytes_received = 0;
  std::uint64_t retransmits = 0;
  std::uint64_t crc_errors = 0;
  std::uint64_t resyncs = 0;         // frames discarded for framing: COBS, too short, too long
  std::uint64_t refused_frames = 0;  // good CRC, content refused
  std::uint64_t other_version = 0;   // good CRC, another protocol version: discarded silently (A.2)
  std::uint64_t duplicates = 0;
  std::uint64_t naks_sent = 0;
  std::uint64_t naks_received = 0;
  std::uint64_t link_losses = 0;
  std::chrono::microseconds last_rtt{0};
  std::chrono::microseconds srtt{0};
  std::chrono::microseconds rttvar{0};
  std::chrono::microseconds rto{0};
};

enum class LinkRole : std::uint8_t { host, device };
enum class LinkState : std::uint8_t { idle, handshaking, up, lost };

namespace link_event {
struct Delivered {  // a message for the application: reliable ones exactly once and in order
  protocols::mesogun::Message message;
  bool reliable = false;
  std::uint16_t ack = 0;  // the frame's own ack: what the peer had received when it built this message
};
struct Up {  // host: the handshake completed; device: a HELLO started a session
  protocols::mesogun::Message hello_or_identity;
  // Device: a repeat of the HELLO that started the current session (same nonce, nothing else from the host
  // since, A.6). The session goes on, nothing was reset; the device answers it as it answered the first.
  bool repeat = false;
};
struct Lost {};      // no valid frame for link_loss_after
struct Restored {};  // valid frames of the same session again after Lost
struct HandshakeFailed {
  // Host: no IDENTITY within handshake_timeout, or (true here) the device answered that it speaks no
  // version this host does (ERROR unsupported_version, A.6).
  bool unsupported_version = false;
};
// Device: a frame with a good CRC and the ESTOP type byte arrived. Emitted before anything else is checked
// (version, length, sequence, session): the stop wins (A.4). The frame is then handled as any other.
struct StopNow {};
struct Refused {  // a peer's reliable frame, in sequence, whose content was refused
  protocols::mesogun::FrameHeader header;
  protocols::mesogun::DecodeError error;
};
}  // namespace link_event

using LinkEvent = std::variant<link_event::Delivered, link_event::Up, link_event::Lost, link_event::Restored,
                               link_event::HandshakeFailed, link_event::Refused, link_event::StopNow>;

class MesogunLink {
 public:
  MesogunLink(LinkRole role, LinkTiming timing, TimePoint now);

  // Host: start (or restart) a session: HELLO now and every hello_period until IDENTITY answers.
  void start_handshake(std::uint32_t hello_nonce, TimePoint now);

  // Bytes read from the port.
  void receive(std::span<const std::uint8_t> bytes, TimePoint now);

  // Queue a message. Reliable ones take the next seq at once and wait for the window; false when the queue
  // is full or no session is up (nothing was queued).
  bool send(protocols::mesogun::Message message, TimePoint now);
  // The seq given to the last reliable message queued by send(), so a caller can match the peer's ERROR
  // (refused_seq) or tell whether a later frame from the peer was sent after it received that message.
  std::uint16_t last_queued_seq() const { return queued_seq_; }
  // Drops the reliable messages queued behind a full window (never sent) and returns their seqs, so an
  // E-STOP goes out next instead of waiting behind them.
  std::vector<std::uint16_t> drop_queued();
  // True once the peer has acknowledged the reliable frame `seq` of this session.
  bool acknowledged(std::uint16_t seq) const;

  // Run the timers; call at next_deadline() or later.
  void poll(TimePoint now);
  TimePoint next_deadline() const;

  // Bytes to write to the port, in order; the caller writes them all.
  std::vector<std::uint8_t> take_output();
  bool has_output() const { return !output_.empty(); }
  std::optional<LinkEvent> next_event();

  LinkState state() const { return state_; }
  const LinkCounters& counters() const { return counters_; }
  std::size_t in_flight() const { return in_flight_.size(); }
  std::size_t queued() const { return queued_.size(); }
  // Host: how long the link may stay silent now: the heartbeat period, or less while an ARM's lease may be
  // running (from the ARM until a DISARM or ESTOP sent after it is acknowledged): lease / 6 (A.6).
  milliseconds silence_allowed() const;

 private:
  struct InFlight {
    std::uint16_t seq = 0;
    protocols::mesogun::Message message;
    TimePoint first_sent;
    bool retransmitted = false;
  };

  void reset_sequencing();
  void handle_frame(const protocols::mesogun::Frame& frame, TimePoint now);
  void handle_refused(const protocols::mesogun::DecodeFailure& failure, TimePoint now);
  void handle_ack(std::uint16_t ack, TimePoint now);
  enum class Arrival : std::uint8_t { in_order, duplicate, gap };
  Arrival accept_in_sequence(std::uint16_t seq, TimePoint now);
  void take_rtt_sample(std::chrono::microseconds sample);
  void fill_window(TimePoint now);
  void retransmit_all(TimePoint now);
  void send_nak(protocols::mesogun::NakReason reason, TimePoint now);
  void transmit(std::uint16_t seq, const protocols::mesogun::Message& message, TimePoint now);
  // HELLO, IDENTITY and the ERROR refusing a HELLO's version: seq 0, ack 0, never retransmitted (A.6).
  void transmit_handshake(const protocols::mesogun::Message& message, TimePoint now);
  bool unsupported_version_answer(const protocols::mesogun::Frame& frame) const;
  void track_lease(const protocols::mesogun::Message& message, std::uint16_t seq);
  void emit(LinkEvent event) { events_.push_back(std::move(event)); }

  // Ordered by size, largest first, so the class carries no padding
  // (clang-analyzer-optin.performance.Padding).
  TimePoint created_;
  std::chrono::microseconds rto_;
  TimePoint rto_deadline_{};
  TimePoint last_sent_{};
  TimePoint last_valid_rx_{};
  TimePoint ack_due_{};
  TimePoint last_nak_{};
  TimePoint handshake_started_{};
  TimePoint next_hello_{};
  // Host: the lease of the last ARM sent, while it may be running; the seq of the DISARM or ESTOP that ends
  // it once acknowledged (0: none sent yet).
  std::optional<milliseconds> lease_;

  std::vector<std::uint8_t> output_;
  std::deque<InFlight> in_flight_;
  std::deque<InFlight> queued_;  // seq assigned, not yet sent
  std::deque<LinkEvent> events_;
  LinkTiming timing_;
  LinkCounters counters_;
  protocols::mesogun::FrameDecoder decoder_;

  std::uint32_t hello_nonce_ = 0;  // host: the current handshake's; device: the current session's
  std::uint16_t tx_seq_ = 0;
  std::uint16_t rx_seq_ = 0;
  std::uint16_t queued_seq_ = 0;  // the last seq handed out; tx_seq_ <= queued_seq_
  std::uint16_t acked_seq_ = 0;   // the peer's highest acknowledgement
  std::uint16_t lease_end_seq_ = 0;

  LinkRole role_;
  LinkState state_ = LinkState::idle;
  bool have_rtt_ = false;
  bool ack_owed_ = false;
  bool nak_sent_ = false;
  bool heard_in_session_ = false;  // device: a frame other than HELLO arrived since the session started
};

// Serial-number arithmetic over 1..65535 (RFC 1982): the next sequence number, and whether a is newer than b.
std::uint16_t next_seq(std::uint16_t seq);
bool seq_newer(std::uint16_t a, std::uint16_t b);

}  // namespace meso::hal
