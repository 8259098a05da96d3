// How the journal says no. Refusals the caller can act on (a role that may not write, a tag that would mix
// test data into a real record, a sealed session) come back as a Result; a database that cannot be opened
// or is newer than this program throws JournalError from the constructor, since nothing can go on then.
#pragma once

#include <stdexcept>
#include <string>
#include <utility>
#include <variant>

namespace meso::journal {

enum class Errc {
  role_refused,  // the user's role may not do this (auditor writes, QA outside test data, non-admin)
  tag_refused,   // test or demo data would enter a real record (or the other way round)
  unknown_user,
  unknown_patient,
  unknown_session,
  unknown_plan,
  session_sealed,   // appends and seals need an open session
  bad_request,      // a malformed draft: empty kind, a payload that is not a JSON object, a bad correction
  bad_password,     // authentication failed
  duplicate,        // a user name or patient pseudonym already taken
  storage_failure,  // SQLite failed (disk full, I/O error): nothing of this request was committed
  schema_too_new,   // the database was written by a newer program
  wal_unread,       // committed transactions in the "-wal" file could not be read (a read-only folder)
  key_file,         // the station key could not be read, created or trusted
  writer_stopped,   // the writer was being destroyed
  log_altered,      // the station's log does not extend its last signed checkpoint: nothing is written
};

const char* to_string(Errc code);

struct Error {
  Errc code = Errc::storage_failure;
  std::string message;  // what was wrong and what to do, for the operator and the journal
};

// A value or an Error; a small stand-in for C++23 std::expected.
template <typename T>
class Result {
 public:
  Result(T value) : state_(std::move(value)) {}      // NOLINT(google-explicit-constructor)
  Result(Error error) : state_(std::move(error)) {}  // NOLINT(google-explicit-constructor)

  bool ok() const { return std::holds_alternative<T>(state_); }
  explicit operator bool() const { return ok(); }
  // Precondition: ok() (value) or !ok() (error); std::bad_variant_access otherwise.
  const T& value() const& { return std::get<T>(state_); }
  T& value() & { return std::get<T>(state_); }
  T&& value() && { return std::get<T>(std::move(state_)); }
  const Error& error() const { return std::get<Error>(state_); }

 private:
  std::variant<T, Error> state_;
};

// Thrown where no Result can be returned: opening a database, a schema newer than the code.
class JournalError : public std::runtime_error {
 public:
  JournalError(Errc code, const std::string& message) : std::runtime_error(message), code_(code) {}
  Errc code() const { return code_; }

 private:
  Errc code_;
};

}  // namespace meso::journal
