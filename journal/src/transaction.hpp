// What the writer's whole-request operations share: a refusal, a request run in its own transaction, and
// telling a constraint failure from any other.
#pragma once

#include <string>
#include <utility>

#include "meso/journal/result.hpp"
#include "sqlite.hpp"

namespace meso::journal::detail {

inline Error refuse(Errc code, std::string message) {
  return Error{code, std::move(message)};
}

// Runs `body` in a transaction of its own: committed when it returns a value, rolled back otherwise.
template <typename T, typename Body>
Result<T> in_transaction(sqlite::Connection& connection, Body&& body) {
  try {
    sqlite::Transaction transaction(connection);
    Result<T> result = body();
    if (result.ok()) transaction.commit();
    return result;
  } catch (const sqlite::SqliteError& e) {
    return Error{Errc::storage_failure,
                 std::string("journal storage failed, nothing was written: ") + e.what()};
  } catch (const std::exception& e) {
    return Error{Errc::storage_failure,
                 std::string("journal request failed, nothing was written: ") + e.what()};
  }
}

inline bool is_constraint(const sqlite::SqliteError& e) {
  return (e.code() & 0xFF) == SQLITE_CONSTRAINT;
}

}  // namespace meso::journal::detail
