#include "meso/hal/device_probe.hpp"

#include <random>

#include "meso/hal/mesogun_link.hpp"
#include "meso/protocols/pen_codec.hpp"

namespace meso::hal {

namespace mg = protocols::mesogun;
namespace pen = protocols::pen;

namespace {

constexpr milliseconds kAskEvery{200};

std::chrono::microseconds since(TimePoint from) {
  return std::chrono::duration_cast<std::chrono::microseconds>(SteadyClock::now() - from);
}

}  // namespace

struct DeviceProbe::State : std::enable_shared_from_this<State> {
  State(asio::io_context& io, ByteStream& s, milliseconds limit,
        std::function<void(const ProbeResult&)> on_done)
      : stream(s),
        timer(io),
        started(SteadyClock::now()),
        per_protocol(limit / 2),
        done(std::move(on_done)),
        link(LinkRole::host, LinkTiming{.hello_period = kAskEvery, .handshake_timeout = per_protocol},
             started) {}

  void start() {
    auto self = shared_from_this();
    std::weak_ptr<State> weak = self;
    stream.start(
        [weak](std::span<const std::uint8_t> bytes) {
          if (auto s = weak.lock()) s->on_bytes(bytes);
        },
        [weak](const std::string& reason) {
          if (auto s = weak.lock()) s->finish({}, "the port closed: " + reason);
        });
    attempt = ProbeAttempt{DeviceKind::mesogun, false, {}, "no answer"};
    attempt_started = started;
    link.start_handshake(std::random_device{}(), started);
    flush();
    tick();
  }

  void start_pen() {
    end_attempt();
    attempt = ProbeAttempt{DeviceKind::pen, false, {}, "no answer"};
    attempt_started = SteadyClock::now();
    asking_pen = true;
    ask_pen();
    next_pen_ask = attempt_started + kAskEvery;
  }

  void end_attempt() {
    attempt.elapsed = since(attempt_started);
    result.attempts.push_back(attempt);
  }

  void ask_pen() {
    const std::string idq = pen::encode(pen::Identify{});
    stream.write(std::span(reinterpret_cast<const std::uint8_t*>(idq.data()), idq.size()));
  }

  void flush() {
    const auto bytes = link.take_output();
    if (!bytes.empty()) stream.write(bytes);
  }

  void tick() {
    const TimePoint now = SteadyClock::now();
    if (!asking_pen) {
      link.poll(now);  // repeats HELLO; gives up after its half of the time
      flush();
      handle_link_events();
      if (finished) return;
    } else if (now - attempt_started >= per_protocol) {
      finish({}, "nothing answered (mesogun HELLO for " + std::to_string(per_protocol.count()) +
                     " ms, then pen IDQ for " + std::to_string(per_protocol.count()) +
                     " ms): check the path, the cable, the baud rate, and that the device is switched on");
      return;
    } else if (now >= next_pen_ask) {
      ask_pen();
      next_pen_ask = now + kAskEvery;
    }
    timer.expires_after(milliseconds(10));
    timer.async_wait([weak = weak_from_this()](const boost::system::error_code& ec) {
      if (auto s = weak.lock(); s && !ec) s->tick();
    });
  }

  void handle_link_events() {
    while (auto event = link.next_event()) {
      if (const auto* up = std::get_if<link_event::Up>(&*event)) {
        attempt.answered = true;
        attempt.note = "IDENTITY";
        finish(to_identity(std::get<mg::Identity>(up->hello_or_identity)), "");
        return;
      }
      if (const auto* failed = std::get_if<link_event::HandshakeFailed>(&*event)) {
        if (failed->unsupported_version) {
          attempt.answered = true;
          attempt.note = "ERROR unsupported_version";
          finish({},
                 "a mesogun answered that it speaks no protocol version this station does: update its "
                 "firmware or the station");
          return;
        }
        start_pen();  // no IDENTITY in the mesogun's half: the other protocol's turn
        return;
      }
    }
  }

  void on_bytes(std::span<const std::uint8_t> bytes) {
    if (finished) return;
    if (!asking_pen) {
      link.receive(bytes, SteadyClock::now());
      handle_link_events();
      return;
    }
    sentences.feed(bytes, [this](const pen::DecodeResult& r) {
      if (const auto* m = std::get_if<pen::Message>(&r)) {
        if (const auto* id = std::get_if<pen::Identity>(m)) identity = to_identity(*id);
      }
    });
    if (identity) {
      attempt.answered = true;
      attempt.note = "IDR";
      finish(identity, "");
    }
  }

  void finish(std::optional<DeviceIdentity> found, const std::string& error) {
    if (finished) return;
    finished = true;
    timer.cancel();
    end_attempt();
    result.identity = std::move(found);
    result.error = error;
    result.handshake_time = result.identity ? attempt.elapsed : since(started);
    done(result);
  }

  ByteStream& stream;
  asio::steady_timer timer;
  TimePoint started;
  milliseconds per_protocol;
  std::function<void(const ProbeResult&)> done;
  MesogunLink link;
  pen::SentenceDecoder sentences;
  ProbeResult result;
  ProbeAttempt attempt;
  TimePoint attempt_started;
  TimePoint next_pen_ask;
  bool asking_pen = false;
  std::optional<DeviceIdentity> identity;
  bool finished = false;
};

DeviceProbe::DeviceProbe(asio::io_context& io, ByteStream& stream, std::chrono::milliseconds timeout,
                         std::function<void(const ProbeResult&)> done)
    : state_(std::make_shared<State>(io, stream, timeout, std::move(done))) {
  state_->start();
}

DeviceProbe::~DeviceProbe() {
  state_->finished = true;
  try {
    state_->timer.cancel();
  } catch (const std::exception&) {  // NOLINT(bugprone-empty-catch): nothing more to do in a destructor
  }
}

}  // namespace meso::hal
