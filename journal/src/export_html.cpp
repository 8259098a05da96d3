// The auditor's page: one self-contained HTML file (inline CSS, no scripts, nothing fetched), readable
// printed. Every value from the database is escaped: payloads are free text typed at the chair.
#include <map>
#include <nlohmann/json.hpp>
#include <set>
#include <string>
#include <vector>

#include "export_detail.hpp"
#include "meso/journal/hashing.hpp"

namespace meso::journal {

namespace {

std::string escape(std::string_view text) {
  std::string out;
  out.reserve(text.size());
  for (const char c : text) {
    switch (c) {
      case '&':
        out += "&amp;";
        break;
      case '<':
        out += "&lt;";
        break;
      case '>':
        out += "&gt;";
        break;
      case '"':
        out += "&quot;";
        break;
      case '\'':
        out += "&#39;";
        break;
      default:
        out += c;
    }
  }
  return out;
}

// A payload field as text: strings bare, anything else as JSON; empty when absent.
std::string field_text(const nlohmann::json& payload, const char* name) {
  if (!payload.is_object() || !payload.contains(name)) return {};
  const auto& value = payload.at(name);
  return value.is_string() ? value.get<std::string>() : value.dump();
}

nlohmann::json parse(const std::string& payload) {
  return nlohmann::json::parse(payload, nullptr, false);
}

std::string cell(std::string_view text) {
  return "<td>" + escape(text) + "</td>";
}

void summary(const SessionExport& data, std::string& out) {
  const SessionInfo& s = data.session;
  out += "<table class=\"summary\">";
  const auto row = [&out](std::string_view name, std::string_view value) {
    out += "<tr><th>" + escape(name) + "</th>" + cell(value) + "</tr>";
  };
  row("Patient (pseudonym)", s.patient_pseudonym);
  row("Data", to_string(s.tag));
  row("State", to_string(s.state));
  row("Opened (UTC)", s.opened_utc);
  row("Closed (UTC)", s.closed_utc.value_or("-"));
  row("Opened by", s.user_name);
  row("Plan", s.plan ? std::to_string(*s.plan) : "-");
  row("Events", std::to_string(data.events.size()));
  row("Seal key (fingerprint)", seal_key_text(data));
  out += "</table>\n";
}

void staff(const SessionExport& data, std::string& out) {
  std::map<std::string, std::set<std::string>> roles;
  for (const Event& e : data.events)
    roles[e.user_name].insert(e.role);
  out += "<h2>Staff</h2><table><tr><th>User</th><th>Role</th></tr>";
  for (const auto& [name, role_set] : roles) {
    std::string joined;
    for (const std::string& role : role_set)
      joined += (joined.empty() ? "" : ", ") + role;
    out += "<tr>" + cell(name) + cell(joined) + "</tr>";
  }
  out += "</table>\n";
}

void timeline(const SessionExport& data, std::string& out) {
  out +=
      "<h2>Timeline</h2><table><tr><th>Seq</th><th>UTC</th><th>Who</th><th>What</th><th>Why</th>"
      "<th>Details</th></tr>";
  for (const Event& e : data.events) {
    const nlohmann::json payload = parse(e.payload);
    std::string what = e.kind;
    if (e.corrects) what += " (corrects seq " + std::to_string(*e.corrects) + ")";
    out += "<tr>" + cell(std::to_string(e.seq)) + cell(e.utc) + cell(e.user_name + " (" + e.role + ")") +
           cell(what) + cell(field_text(payload, "reason")) + "<td><code>" + escape(e.payload) +
           "</code></td></tr>";
  }
  out += "</table>\n";
}

void doses(const SessionExport& data, std::string& out) {
  static constexpr const char* kColumns[] = {"shot_counter", "command_id", "dose_nl", "depth_um", "zone"};
  out += "<h2>Doses</h2><table><tr><th>Seq</th><th>UTC</th>";
  for (const char* column : kColumns)
    out += "<th>" + escape(column) + "</th>";
  out += "</tr>";
  double total_nl = 0;
  std::size_t shots = 0;
  for (const Event& e : data.events) {
    if (e.kind != "shot.recorded") continue;
    const nlohmann::json payload = parse(e.payload);
    ++shots;
    if (payload.is_object() && payload.contains("dose_nl") && payload["dose_nl"].is_number()) {
      total_nl += payload["dose_nl"].get<double>();
    }
    out += "<tr>" + cell(std::to_string(e.seq)) + cell(e.utc);
    for (const char* column : kColumns)
      out += cell(field_text(payload, column));
    out += "</tr>";
  }
  out += "</table><p>" + std::to_string(shots) + " shots recorded, total dose " +
         escape(nlohmann::json(total_nl).dump()) + " nl.</p>\n";
}

void alarms(const SessionExport& data, std::string& out) {
  out += "<h2>Alarms</h2><table><tr><th>Seq</th><th>UTC</th><th>Alarm</th><th>Details</th></tr>";
  for (const Event& e : data.events) {
    if (!e.kind.starts_with("alarm.")) continue;
    out += "<tr>" + cell(std::to_string(e.seq)) + cell(e.utc) + cell(e.kind) + "<td><code>" +
           escape(e.payload) + "</code></td></tr>";
  }
  out += "</table>\n";
}

}  // namespace

std::string export_html(const SessionExport& data) {
  const SessionInfo& s = data.session;
  std::string out =
      "<!DOCTYPE html>\n<html lang=\"en\"><head><meta charset=\"utf-8\">"
      "<title>Session " +
      std::to_string(s.id) + " - " + escape(s.patient_pseudonym) +
      "</title><style>"
      "body{font-family:sans-serif;margin:2em;color:#222}table{border-collapse:collapse;margin:.5em 0}"
      "th,td{border:1px solid #bbb;padding:.25em .5em;text-align:left;vertical-align:top}"
      "code{font-size:.85em;white-space:pre-wrap}.ok{color:#063}.bad{color:#a00;font-weight:bold}"
      ".banner{background:#fe3;padding:.5em;font-weight:bold}"
      "</style></head><body>\n<h1>Session " +
      std::to_string(s.id) + "</h1>\n";
  if (s.tag != Tag::real) {
    out += "<p class=\"banner\">" + escape(std::string(to_string(s.tag))) +
           " data: not part of any real patient's record</p>\n";
  }
  out += "<p>Integrity: <span class=\"" + std::string(data.integrity.ok() ? "ok" : "bad") + "\">" +
         escape(integrity_text(data)) + "</span></p>\n";
  summary(data, out);
  staff(data, out);
  timeline(data, out);
  doses(data, out);
  alarms(data, out);
  if (data.seal) {
    out +=
        "<h2>Seal</h2><p>Merkle root <code>" + to_hex(data.seal->merkle_root) + "</code> over " +
        std::to_string(data.seal->event_count) + " events, Ed25519 key <code>" +
        to_hex(data.seal->public_key) + "</code>, fingerprint <code>" +
        escape(key_fingerprint(data.seal->public_key)) +
        "</code>. The seal proves only that it matches this key: compare the fingerprint with the "
        "station's (<code>mesostation key export</code> prints it, the console's About box shows it).</p>\n";
  }
  out += "</body></html>\n";
  return out;
}

}  // namespace meso::journal
