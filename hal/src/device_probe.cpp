#include "meso/hal/device_probe.hpp"

#include "meso/hal/mesogun_link.hpp"
#include "meso/protocols/pen_codec.hpp"

namespace meso::hal {

namespace mg = protocols::mesogun;
namespace pen = protocols::pen;

namespace {

constexpr milliseconds kAskEvery{200};

}  // namespace

struct DeviceProbe::State : std::enable_shared_from_this<State> {
  State(asio::io_context& io, ByteStream& s, milliseconds limit,
        std::function<void(const ProbeResult&)> on_done)
      : stream(s),
        timer(io),
        started(SteadyClock::now()),
        deadline(started + limit),
        done(std::move(on_done)),
        link(LinkRole::host, LinkTiming{.hello_period = kAskEvery, .handshake_timeout = limit}, started) {}

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
    link.start_handshake(0x50524F42, started);  // "PROB"
    ask_pen();
    flush();
    tick();
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
    if (now >= deadline) {
      finish({}, "nothing answered within " +
                     std::to_string(std::chrono::duration_cast<milliseconds>(deadline - started).count()) +
                     " ms: check the path, the cable, the baud rate, and that the device is switched on");
      return;
    }
    link.poll(now);  // repeats HELLO
    flush();
    if (now >= next_pen_ask) {
      ask_pen();
      next_pen_ask = now + kAskEvery;
    }
    timer.expires_after(milliseconds(10));
    timer.async_wait([weak = weak_from_this()](const boost::system::error_code& ec) {
      if (auto s = weak.lock(); s && !ec) s->tick();
    });
  }

  void on_bytes(std::span<const std::uint8_t> bytes) {
    const TimePoint now = SteadyClock::now();
    link.receive(bytes, now);
    while (auto event = link.next_event()) {
      if (const auto* up = std::get_if<link_event::Up>(&*event)) {
        finish(to_identity(std::get<mg::Identity>(up->hello_or_identity)), "");
        return;
      }
    }
    sentences.feed(bytes, [this](const pen::DecodeResult& result) {
      if (const auto* m = std::get_if<pen::Message>(&result)) {
        if (const auto* id = std::get_if<pen::Identity>(m)) identity = to_identity(*id);
      }
    });
    if (identity) finish(identity, "");
  }

  void finish(std::optional<DeviceIdentity> found, const std::string& error) {
    if (finished) return;
    finished = true;
    timer.cancel();
    ProbeResult result;
    result.identity = std::move(found);
    result.error = error;
    result.handshake_time =
        std::chrono::duration_cast<std::chrono::microseconds>(SteadyClock::now() - started);
    if (result.identity && result.identity->kind == DeviceKind::mesogun) {
      // Leave a mesogun with its session closed cleanly: nothing was armed, nothing is left queued.
      flush();
    }
    done(result);
  }

  ByteStream& stream;
  asio::steady_timer timer;
  TimePoint started;
  TimePoint deadline;
  TimePoint next_pen_ask = started + kAskEvery;
  std::function<void(const ProbeResult&)> done;
  MesogunLink link;
  pen::SentenceDecoder sentences;
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
