#include "meso/journal/export.hpp"

#include <nlohmann/json.hpp>

#include "export_detail.hpp"
#include "meso/journal/hashing.hpp"
#include "meso/journal/result.hpp"

namespace meso::journal {

namespace {

nlohmann::json payload_json(const std::string& payload) {
  auto parsed = nlohmann::json::parse(payload, nullptr, false);
  return parsed.is_discarded() ? nlohmann::json(payload) : parsed;  // a damaged row is shown as stored
}

// What a third party needs to check the session with the station's public key alone (docs/journal.md,
// "Checking an export"): the signed checkpoint and each event's leaf index and inclusion path.
nlohmann::json log_json(const SessionExport& data) {
  return data.inclusion ? inclusion_json(*data.inclusion) : nlohmann::json();
}

// A session's verification checks its own chain and seal, not the whole station's log: no log figures.
nlohmann::json session_integrity_json(const VerifyReport& report) {
  nlohmann::json out = to_json(report);
  out["log"] = nullptr;
  return out;
}

std::string export_json(const SessionExport& data) {
  const SessionInfo& s = data.session;
  nlohmann::json events = nlohmann::json::array();
  for (const Event& e : data.events) {
    events.push_back({{"seq", e.seq},
                      {"utc", e.utc},
                      {"mono_ns", e.mono_ns},
                      {"user_id", e.user},
                      {"user", e.user_name},
                      {"role", e.role},
                      {"tag", e.tag},
                      {"kind", e.kind},
                      {"corrects", e.corrects ? nlohmann::json(*e.corrects) : nlohmann::json()},
                      {"payload", payload_json(e.payload)},
                      {"payload_text", e.payload},  // the bytes hashed, for checking without the database
                      {"prev_hash", to_hex(e.prev_hash)},
                      {"hash", to_hex(e.hash)}});
  }
  nlohmann::json seal;
  if (data.seal) {
    seal = {{"event_count", data.seal->event_count},
            {"merkle_root", to_hex(data.seal->merkle_root)},
            {"sealed_utc", data.seal->sealed_utc},
            {"public_key", to_hex(data.seal->public_key)},
            {"key_fingerprint", key_fingerprint(data.seal->public_key)},
            {"signature", to_hex(data.seal->signature)}};
  }
  const nlohmann::json out = {
      {"log", log_json(data)},
      {"session",
       {{"id", s.id},
        {"patient_id", s.patient},
        {"patient", s.patient_pseudonym},
        {"opened_by", s.user_name},
        {"plan_id", s.plan ? nlohmann::json(*s.plan) : nlohmann::json()},
        {"tag", to_string(s.tag)},
        {"state", to_string(s.state)},
        {"opened_utc", s.opened_utc},
        {"closed_utc", s.closed_utc ? nlohmann::json(*s.closed_utc) : nlohmann::json()}}},
      {"integrity", session_integrity_json(data.integrity)},
      {"seal_key_fingerprint", seal_key_text(data)},
      {"seal", seal},
      {"events", events}};
  return out.dump(2) + "\n";
}

// RFC 4180: a field holding a comma, quote, CR or LF is quoted, and its quotes are doubled.
std::string csv_field(std::string_view text) {
  if (text.find_first_of(",\"\r\n") == std::string_view::npos) return std::string(text);
  std::string quoted = "\"";
  for (const char c : text) {
    if (c == '"') quoted += '"';
    quoted += c;
  }
  return quoted + "\"";
}

// The seal key's fingerprint is a column of every row, so that any row, copied out alone, still says
// which key vouches for it.
std::string export_csv(const SessionExport& data) {
  std::string out =
      "session,seq,utc,mono_ns,user,role,tag,kind,corrects,payload,prev_hash,hash,seal_key_fingerprint\r\n";
  const std::string seal_key = seal_key_text(data);
  for (const Event& e : data.events) {
    const std::string fields[] = {std::to_string(e.session),
                                  std::to_string(e.seq),
                                  e.utc,
                                  std::to_string(e.mono_ns),
                                  e.user_name,
                                  e.role,
                                  e.tag,
                                  e.kind,
                                  e.corrects ? std::to_string(*e.corrects) : std::string(),
                                  e.payload,
                                  to_hex(e.prev_hash),
                                  to_hex(e.hash),
                                  seal_key};
    bool first = true;
    for (const std::string& field : fields) {
      if (!first) out += ',';
      out += csv_field(field);
      first = false;
    }
    out += "\r\n";
  }
  return out;
}

}  // namespace

SessionExport load_export(const JournalReader& reader, SessionId session) {
  auto info = reader.session(session);
  if (!info) throw JournalError(Errc::unknown_session, "no session " + std::to_string(session));
  VerifyOptions options;
  options.session = session;
  return SessionExport{*info, reader.timeline(session), reader.seal(session), reader.verify(options),
                       reader.prove_session(session)};
}

std::string integrity_text(const SessionExport& data) {
  if (!data.integrity.ok()) return "FAILED: " + describe(data.integrity);
  if (data.session.state == SessionState::sealed) {
    return "intact and sealed (" + std::to_string(data.events.size()) + " events, signed " +
           (data.seal ? data.seal->sealed_utc : std::string()) + ")";
  }
  return "intact so far, open: not sealed yet, so its tail is not protected";
}

std::string seal_key_text(const SessionExport& data) {
  return data.seal ? key_fingerprint(data.seal->public_key) : std::string("not sealed");
}

std::optional<ExportFormat> parse_export_format(std::string_view text) {
  if (text == "json") return ExportFormat::json;
  if (text == "csv") return ExportFormat::csv;
  if (text == "html") return ExportFormat::html;
  return std::nullopt;
}

nlohmann::json inclusion_json(const SessionInclusion& proof) {
  nlohmann::json events = nlohmann::json::array();
  for (const EventInclusion& event : proof.events) {
    nlohmann::json path = nlohmann::json::array();
    for (const Digest& node : event.path)
      path.push_back(to_hex(node));
    events.push_back(
        {{"seq", event.seq}, {"index", event.index}, {"leaf", to_hex(event.leaf)}, {"path", path}});
  }
  return {{"checkpoint", proof.checkpoint.note},
          {"public_key", to_hex(proof.checkpoint.public_key)},
          {"key_fingerprint", key_fingerprint(proof.checkpoint.public_key)},
          {"tree_size", proof.checkpoint.tree_size},
          {"root", to_hex(proof.checkpoint.root)},
          {"events", events},
          {"unproven", proof.unproven}};
}

std::string export_session(const JournalReader& reader, SessionId session, ExportFormat format) {
  const SessionExport data = load_export(reader, session);
  switch (format) {
    case ExportFormat::json:
      return export_json(data);
    case ExportFormat::csv:
      return export_csv(data);
    case ExportFormat::html:
      return export_html(data);
  }
  return {};
}

}  // namespace meso::journal
