#include "meso/journal/log_checkpoint.hpp"

#include "meso/journal/checkpoint.hpp"
#include "meso/journal/hashing.hpp"

namespace meso::journal {

namespace {

constexpr std::string_view kUtcExtension = "utc ";

}  // namespace

std::string log_origin(const PublicKey& key) {
  const Digest hash = sha256(key);
  return "mesostation.local/" + to_hex(std::span<const std::uint8_t>(hash.data(), 16));
}

std::string sign_log_checkpoint(const LogCheckpoint& checkpoint, const StationKey& key) {
  Checkpoint body{checkpoint.origin,
                  checkpoint.tree_size,
                  checkpoint.root,
                  {std::string(kUtcExtension) + checkpoint.utc}};
  return sign_note(checkpoint_body(body), checkpoint.origin, key);
}

std::optional<LogCheckpoint> open_log_checkpoint(std::string_view note, const PublicKey& key,
                                                 std::string* why) {
  const std::string origin = log_origin(key);
  std::string problem;
  const auto opened = open_note(note, origin, key, &problem);
  if (!opened) {
    if (why != nullptr) *why = "not a signed note: " + problem;
    return std::nullopt;
  }
  if (!opened->signed_by_key) {
    if (why != nullptr)
      *why = "not signed by the station key " + key_fingerprint(key) + " (as " + origin + ")";
    return std::nullopt;
  }
  const auto body = parse_checkpoint_body(opened->body, &problem);
  if (!body) {
    if (why != nullptr) *why = "not a checkpoint: " + problem;
    return std::nullopt;
  }
  if (body->origin != origin) {
    if (why != nullptr) *why = "the checkpoint is for the log " + body->origin + ", not " + origin;
    return std::nullopt;
  }
  LogCheckpoint out{body->origin, body->size, body->root, {}};
  for (const std::string& line : body->extensions) {
    if (line.starts_with(kUtcExtension)) out.utc = line.substr(kUtcExtension.size());
  }
  if (out.utc.empty()) {
    if (why != nullptr) *why = "the checkpoint does not say when it was signed (no \"utc\" line)";
    return std::nullopt;
  }
  return out;
}

}  // namespace meso::journal
