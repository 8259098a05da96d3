// RAII over the SQLite C API (after SQLiteCpp): a connection, statements prepared once and finalised in
// their destructor, a transaction that rolls back unless committed. Failures throw SqliteError.
#pragma once

#include <sqlite3.h>

#include <cstdint>
#include <optional>
#include <span>
#include <stdexcept>
#include <string>
#include <string_view>

namespace meso::journal::sqlite {

class SqliteError : public std::runtime_error {
 public:
  SqliteError(int code, const std::string& message) : std::runtime_error(message), code_(code) {}
  int code() const { return code_; }  // the extended result code

 private:
  int code_;
};

class Connection {
 public:
  // `flags` as sqlite3_open_v2 takes them; `uri` names the file as a URI when SQLITE_OPEN_URI is set.
  Connection(const std::string& uri, int flags);
  ~Connection();
  Connection(const Connection&) = delete;
  Connection& operator=(const Connection&) = delete;
  Connection(Connection&& other) noexcept;
  Connection& operator=(Connection&& other) noexcept;

  void exec(const char* sql);
  std::int64_t query_int(const char* sql);
  std::string query_text(const char* sql);
  std::int64_t last_insert_rowid() const { return sqlite3_last_insert_rowid(db_); }
  sqlite3* get() const { return db_; }
  [[noreturn]] void fail(int code, std::string_view what) const;

 private:
  sqlite3* db_ = nullptr;
};

class Statement {
 public:
  Statement(const Connection& connection, const char* sql);
  ~Statement();
  Statement(const Statement&) = delete;
  Statement& operator=(const Statement&) = delete;
  Statement(Statement&& other) noexcept;
  Statement& operator=(Statement&&) = delete;

  // Binding a new set of values starts the statement over.
  Statement& reset();
  Statement& bind(int index, std::int64_t value);
  Statement& bind(int index, std::string_view text);  // copied by SQLite
  Statement& bind(int index, std::span<const std::uint8_t> blob);
  Statement& bind_null(int index);
  Statement& bind_double(int index, double value);  // named apart: an int argument must not be ambiguous
  Statement& bind(int index, const std::optional<std::int64_t>& value);

  // True while there is a row; false when done. Throws on an error.
  bool step();
  void run();  // one step that must finish (INSERT, UPDATE)

  std::int64_t column_int(int column) const { return sqlite3_column_int64(stmt_, column); }
  double column_double(int column) const { return sqlite3_column_double(stmt_, column); }
  bool column_is_null(int column) const { return sqlite3_column_type(stmt_, column) == SQLITE_NULL; }
  std::optional<std::int64_t> column_optional_int(int column) const;
  // Views into SQLite's row buffer, valid until the next step or reset.
  std::string_view column_text(int column) const;
  std::span<const std::uint8_t> column_blob(int column) const;

 private:
  const Connection* connection_;
  sqlite3_stmt* stmt_ = nullptr;
};

// BEGIN IMMEDIATE on construction (the writer takes the write lock up front, so a busy database fails
// here and not half-way); ROLLBACK in the destructor unless commit() ran.
class Transaction {
 public:
  explicit Transaction(Connection& connection);
  ~Transaction();
  Transaction(const Transaction&) = delete;
  Transaction& operator=(const Transaction&) = delete;
  Transaction(Transaction&&) = delete;
  Transaction& operator=(Transaction&&) = delete;
  void commit();

 private:
  Connection& connection_;
  bool done_ = false;
};

}  // namespace meso::journal::sqlite
