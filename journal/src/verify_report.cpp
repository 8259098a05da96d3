#include "meso/journal/verify_report.hpp"

#include <array>
#include <utility>

#include "meso/journal/hashing.hpp"

namespace meso::journal {

namespace {

constexpr std::array<std::pair<Problem, std::string_view>, 18> kProblems{{
    {Problem::seq_gap, "seq_gap"},
    {Problem::hash_mismatch, "hash_mismatch"},
    {Problem::chain_broken, "chain_broken"},
    {Problem::seal_leaf_mismatch, "seal_leaf_mismatch"},
    {Problem::missing_events, "missing_events"},
    {Problem::extra_events, "extra_events"},
    {Problem::root_mismatch, "root_mismatch"},
    {Problem::bad_signature, "bad_signature"},
    {Problem::unexpected_key, "unexpected_key"},
    {Problem::header_mismatch, "header_mismatch"},
    {Problem::tag_mismatch, "tag_mismatch"},
    {Problem::state_mismatch, "state_mismatch"},
    {Problem::orphan_event, "orphan_event"},
    {Problem::staff_mismatch, "staff_mismatch"},
    {Problem::log_mismatch, "log_mismatch"},
    {Problem::checkpoint_mismatch, "checkpoint_mismatch"},
    {Problem::not_checkpointed, "not_checkpointed"},
    {Problem::not_extended, "not_extended"},
}};

nlohmann::json finding_json(const Finding& finding) {
  return {{"session", finding.session},
          {"seq", finding.seq ? nlohmann::json(*finding.seq) : nlohmann::json()},
          {"problem", to_string(finding.problem)},
          {"detail", finding.detail}};
}

std::string session_list(const std::vector<SessionId>& sessions) {
  if (sessions.empty()) return "checkpoints of the station's log";
  std::string text = sessions.size() == 1 ? "session " : "sessions ";
  for (std::size_t i = 0; i < sessions.size(); ++i)
    text += (i == 0 ? "" : ", ") + std::to_string(sessions[i]);
  return text;
}

nlohmann::json key_json(const PublicKey& key) {
  return {{"fingerprint", key_fingerprint(key)}, {"public_key", to_hex(key)}};
}

}  // namespace

std::string_view to_string(Problem problem) {
  for (const auto& [entry, name] : kProblems) {
    if (entry == problem) return name;
  }
  return "?";
}

std::vector<SessionId> VerifyReport::unsealed() const {
  std::vector<SessionId> open;
  for (const SessionVerdict& verdict : sessions) {
    if (verdict.state == SessionState::open) open.push_back(verdict.session);
  }
  return open;
}

nlohmann::json to_json(const VerifyReport& report) {
  nlohmann::json findings = nlohmann::json::array();
  for (const Finding& finding : report.findings)
    findings.push_back(finding_json(finding));
  nlohmann::json sessions = nlohmann::json::array();
  for (const SessionVerdict& verdict : report.sessions) {
    sessions.push_back({{"session", verdict.session},
                        {"state", to_string(verdict.state)},
                        {"events", verdict.events},
                        {"intact", verdict.intact}});
  }
  nlohmann::json seal_keys = nlohmann::json::array();
  for (const SealKey& seal_key : report.seal_keys) {
    nlohmann::json entry = key_json(seal_key.key);
    entry["sessions"] = seal_key.sessions;
    seal_keys.push_back(entry);
  }
  const Finding* first = report.first_problem();
  return {{"ok", report.ok()},
          {"signer_established", report.signer_established()},
          {"signer", describe_signer(report)},
          {"expected_key", report.expected_key ? key_json(*report.expected_key) : nlohmann::json()},
          {"seal_keys", seal_keys},
          {"sessions_checked", report.sessions.size()},
          {"events_checked", report.events_checked},
          {"unsealed", report.unsealed()},
          {"first_problem", first != nullptr ? finding_json(*first) : nlohmann::json()},
          {"findings", findings},
          {"sessions", sessions},
          {"log",
           {{"size", report.log.size},
            {"root", to_hex(report.log.root)},
            {"checkpoints", report.log.checkpoints},
            {"checkpointed", report.log.checkpointed},
            {"extends", report.log.extends ? nlohmann::json(*report.log.extends) : nlohmann::json()}}}};
}

std::string describe(const VerifyReport& report) {
  if (const Finding* first = report.first_problem()) {
    std::string text = "session " + std::to_string(first->session);
    if (first->seq) text += ", seq " + std::to_string(*first->seq);
    return text + ": " + std::string(to_string(first->problem)) + ": " + first->detail;
  }
  const auto open = report.unsealed().size();
  std::string text = "intact: " + std::to_string(report.sessions.size()) + " sessions, " +
                     std::to_string(report.events_checked) + " events";
  if (open > 0) text += "; " + std::to_string(open) + " open (not yet sealed: their tail is unprotected)";
  if (report.log.size > 0) {
    text += "; the station's log: " + std::to_string(report.log.size) + " entries, " +
            std::to_string(report.log.checkpoints) + " checkpoints, the latest covering " +
            std::to_string(report.log.checkpointed);
  }
  if (report.log.extends)
    text += "; it extends the checkpoint you kept (" + std::to_string(*report.log.extends) + " entries)";
  return text;
}

std::string describe_signer(const VerifyReport& report) {
  if (!report.ok()) return "signer not established: verification found a problem";
  if (report.seal_keys.empty()) {
    return "signer not established: no session here is sealed, so nothing is signed (open sessions are "
           "protected only by hash chains, which whoever can write the file can recompute); verify again "
           "once the sessions are sealed";
  }
  if (report.signer_established()) {
    return "signer established: every seal and checkpoint was signed by the station's key " +
           key_fingerprint(*report.expected_key);
  }
  if (report.seal_keys.size() == 1) {
    return "signer not established: compare the fingerprint " +
           key_fingerprint(report.seal_keys.front().key) + " with the station's, or give --public-key";
  }
  std::string text = "signer not established: the seals were signed by " +
                     std::to_string(report.seal_keys.size()) + " different keys, ";
  for (std::size_t i = 0; i < report.seal_keys.size(); ++i) {
    const SealKey& seal_key = report.seal_keys[i];
    text +=
        (i == 0 ? "" : "; ") + key_fingerprint(seal_key.key) + " (" + session_list(seal_key.sessions) + ")";
  }
  return text + ": compare the fingerprints with the station's, or give --public-key";
}

}  // namespace meso::journal
