#include "meso/station/sqlite_journal_port.hpp"

#include <utility>

namespace meso::station {

void SqliteJournalPort::append(JournalDraft draft, Durable on_durable) {
  journal::EventDraft event;
  event.session = draft.session;
  event.user = draft.user_id;
  event.kind = std::move(draft.kind);
  event.payload =
      draft.payload.is_object() ? std::move(draft.payload) : nlohmann::json{{"value", draft.payload}};
  writer_.append(std::move(event), back_on_station_thread<journal::EventRef>(std::move(on_durable)));
}

void SqliteJournalPort::seal(std::int64_t session, std::int64_t user_id, std::string reason,
                             Durable on_durable) {
  writer_.seal_session(session, user_id, std::move(reason),
                       back_on_station_thread<journal::SealInfo>(std::move(on_durable)));
}

}  // namespace meso::station
