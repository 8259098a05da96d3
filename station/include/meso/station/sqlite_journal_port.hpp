// The station's journal port onto the SQLite journal: appends go to the journal's writer thread, and each
// "durable" answer comes back to the station thread through its io_context.
#pragma once

#include "meso/hal/asio.hpp"
#include "meso/journal/writer.hpp"
#include "meso/station/journal_port.hpp"

namespace meso::station {

class SqliteJournalPort final : public JournalPort {
 public:
  SqliteJournalPort(asio::io_context& io, journal::JournalWriter& writer) : io_(io), writer_(writer) {}

  void append(JournalDraft draft, Durable on_durable) override;
  void seal(std::int64_t session, std::int64_t user_id, std::string reason, Durable on_durable) override;

 private:
  template <class T>
  journal::Callback<T> back_on_station_thread(Durable on_durable) {
    return [&io = io_, cb = std::move(on_durable)](const journal::Result<T>& result) {
      std::string error = result.ok() ? std::string{} : result.error().message;
      asio::post(io, [cb, error = std::move(error)] {
        if (cb) cb(error);
      });
    };
  }

  asio::io_context& io_;
  journal::JournalWriter& writer_;
};

}  // namespace meso::station
