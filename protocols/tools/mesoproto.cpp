// mesoproto: encode, decode and explain mesogun and pen frames, for QA and for debugging captures.
// Exit codes: 0 all good, 1 a capture held errors (decode, explain), 2 the tool was called or fed wrongly.

#include <unistd.h>

#include <CLI/CLI.hpp>
#include <iostream>
#include <iterator>
#include <stdexcept>
#include <string>
#include <vector>

#include "demo.hpp"
#include "explain.hpp"
#include "meso/protocols/mesogun_codec.hpp"
#include "meso/protocols/mesogun_json.hpp"
#include "meso/protocols/pen_codec.hpp"
#include "meso/protocols/pen_json.hpp"
#include "stream_scan.hpp"
#include "tool_io.hpp"

namespace meso::mesoproto {

namespace {

namespace mg = protocols::mesogun;
namespace pen = protocols::pen;

struct Options {
  std::string protocol_name;
  std::string json;  // encode
  bool raw = false;  // encode
  std::string hex;   // decode, explain: one of these four sources
  std::string in;
  std::string hex_in;
};

// Which capture source the command line named, so that an explicit empty --hex is not taken for stdin.
struct Sources {
  CLI::Option* hex = nullptr;
  CLI::Option* in = nullptr;
  CLI::Option* hex_in = nullptr;
};

void add_protocol_option(CLI::App& command, std::string& protocol) {
  command.add_option("--protocol,-p", protocol, "mesogun (binary, COBS) or pen (NMEA text)")
      ->required()
      ->check(CLI::IsMember({"mesogun", "pen"}));
}

Sources add_capture_options(CLI::App& command, Options& options) {
  Sources sources;
  sources.hex = command.add_option("--hex", options.hex, "the capture as hex digits; whitespace is ignored");
  sources.in = command.add_option("--in", options.in, "a binary capture file (for pen: the raw text)")
                   ->check(CLI::ExistingFile);
  sources.hex_in =
      command.add_option("--hex-in", options.hex_in, "a text file of hex digits; '#' starts a comment")
          ->check(CLI::ExistingFile);
  sources.hex->excludes(sources.in)->excludes(sources.hex_in);
  sources.in->excludes(sources.hex_in);
  return sources;
}

Bytes load_capture(const Options& options, const Sources& sources) {
  if (sources.hex->count() > 0) return parse_hex(options.hex, "--hex");
  if (sources.in->count() > 0) return read_file(options.in);
  if (sources.hex_in->count() > 0) return parse_hex(as_text(read_file(options.hex_in)), options.hex_in);
  if (isatty(STDIN_FILENO) != 0) {
    std::cerr << "mesoproto: reading a binary capture from stdin until end of file (or use --hex, --in, "
                 "--hex-in)\n";
  }
  return read_stdin();
}

Protocol protocol(const Options& options) {
  return options.protocol_name == "pen" ? Protocol::pen : Protocol::mesogun;
}

Bytes encode_one(Protocol protocol, const nlohmann::json& json) {
  if (protocol == Protocol::mesogun) return mg::encode(mg::frame_from_json(json));
  const std::string sentence = pen::encode(pen::message_from_json(json));
  return {sentence.begin(), sentence.end()};
}

// Every message is checked before anything is printed, so a bad message never leaves half an output.
int run_encode(const Options& options, std::ostream& out) {
  const std::string text = options.json.empty() ? as_text(read_stdin()) : options.json;
  const auto messages = parse_json_messages(text);
  std::vector<Bytes> frames;
  for (std::size_t i = 0; i < messages.size(); ++i) {
    try {
      frames.push_back(encode_one(protocol(options), messages[i]));
    } catch (const std::invalid_argument& e) {  // the library's words, naming the field
      const std::string where = messages.size() > 1 ? "message " + std::to_string(i + 1) + ": " : "";
      throw UsageError(where + e.what());
    }
  }
  for (const auto& frame : frames) {
    if (options.raw) {
      out.write(reinterpret_cast<const char*>(frame.data()), static_cast<std::streamsize>(frame.size()));
    } else {
      out << hex(frame) << '\n';
    }
  }
  return 0;
}

template <class ScanT>
int print_scan(const ScanT& scan, Protocol protocol, std::ostream& out) {
  bool ok = true;
  for (const auto& event : scan.events) {
    out << to_json_line(event).dump() << '\n';
    ok = ok && !is_error(event.result);
  }
  if (scan.pending > 0) {
    out << incomplete_json_line(protocol, scan.pending, scan.total).dump() << '\n';
    ok = false;
  }
  return ok ? 0 : 1;
}

int run_decode(Protocol protocol, const Bytes& capture, std::ostream& out) {
  if (protocol == Protocol::mesogun) return print_scan(scan_mesogun(capture), protocol, out);
  return print_scan(scan_pen(capture), protocol, out);
}

int run_explain(Protocol protocol, const Bytes& capture, std::ostream& out) {
  const bool ok = protocol == Protocol::mesogun ? explain_mesogun(capture, out) : explain_pen(capture, out);
  return ok ? 0 : 1;
}

constexpr std::string_view kExamples = R"(
Examples:
  mesoproto encode -p mesogun '{"type":"FIRE","seq":7,"ack":3,"command_id":42}'
  mesoproto decode -p mesogun --hex 040113070203022a0101050a8ecc1400
  mesoproto explain -p mesogun --hex-in examples/captures/mesogun-session.hex
  mesoproto explain -p pen --in examples/captures/pen-session.txt
  mesoproto demo
Exit codes: 0 all good; 1 the capture held errors (decode, explain); 2 bad usage or input.)";

int run(int argc, char** argv) {
  CLI::App app{"mesoproto: encode, decode and explain mesogun and pen frames"};
  app.footer(std::string(kExamples));
  app.require_subcommand(1);
  Options options;

  auto* encode = app.add_subcommand("encode", "JSON messages to wire bytes, as hex (one frame a line)");
  add_protocol_option(*encode, options.protocol_name);
  encode->add_option("json", options.json,
                     "a JSON object, an array of them, or one per line; stdin when absent. Mesogun "
                     "objects may carry \"seq\" and \"ack\"");
  encode->add_flag("--raw", options.raw, "write the binary wire bytes instead of hex");

  auto* decode = app.add_subcommand(
      "decode", "a capture (--hex, --in, --hex-in, or binary on stdin) to one JSON line per frame or error");
  add_protocol_option(*decode, options.protocol_name);
  const Sources decode_sources = add_capture_options(*decode, options);

  auto* explain =
      app.add_subcommand("explain", "a capture (as for decode), byte by byte, with advice on each error");
  add_protocol_option(*explain, options.protocol_name);
  const Sources explain_sources = add_capture_options(*explain, options);

  auto* demo = app.add_subcommand("demo", "explain a built-in session of each protocol, errors included");

  try {
    app.parse(argc, argv);
  } catch (const CLI::ParseError& e) {
    return app.exit(e) == 0 ? 0 : 2;
  }
  const CLI::App* command = app.get_subcommands().front();
  try {
    if (command == encode) return run_encode(options, std::cout);
    if (command == decode)
      return run_decode(protocol(options), load_capture(options, decode_sources), std::cout);
    if (command == explain) {
      return run_explain(protocol(options), load_capture(options, explain_sources), std::cout);
    }
    if (command == demo) return run_demo(std::cout);
  } catch (const UsageError& e) {
    std::cerr << "mesoproto " << command->get_name() << ": " << e.what() << '\n';
    return 2;
  }
  return 2;
}

}  // namespace

}  // namespace meso::mesoproto

int main(int argc, char** argv) {
  try {
    return meso::mesoproto::run(argc, argv);
  } catch (const std::exception& e) {  // not the input's fault, as far as the tool can tell
    std::cerr << "mesoproto: unexpected error: " << e.what() << '\n';
  } catch (...) {
    std::cerr << "mesoproto: unexpected error\n";
  }
  return 2;
}
