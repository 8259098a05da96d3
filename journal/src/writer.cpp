#include "meso/journal/writer.hpp"

#include <condition_variable>
#include <cstdio>
#include <deque>
#include <future>
#include <mutex>
#include <thread>
#include <utility>
#include <variant>
#include <vector>

#include "log_writer.hpp"
#include "meso/journal/passwords.hpp"
#include "meso/journal/schema.hpp"
#include "write_store.hpp"

namespace meso::journal {

namespace {

constexpr int kStationLogSchema = 6;  // the version that starts the station's log

struct AppendJob {
  EventDraft draft;
  Callback<EventRef> done;
};
// A whole request that runs its own transaction and reports through its own callback.
using TaskJob = std::function<void(WriteStore&)>;
using Job = std::variant<AppendJob, TaskJob>;

// A throwing callback must not take the writer thread (and every later commit) down with it.
template <typename T>
void deliver(const Callback<T>& done, const Result<T>& result) noexcept {
  if (!done) return;
  try {
    done(result);
  } catch (...) {
    std::fputs("meso::journal: a journal callback threw; ignored\n", stderr);
  }
}

WriteStore open_store(const WriterOptions& options) {
  try {
    sqlite::Connection connection = open_for_writing(options.database);
    StationKey key = StationKey::load_or_create(options.key_file);
    migrate_connection(connection, kSchemaVersion, [&](sqlite::Connection& migrating, int version) {
      if (version == kStationLogSchema) detail::start_station_log(migrating, key, options.database);
    });
    detail::require_log_extends_last_checkpoint(connection, key, options.database);
    return {std::move(connection), std::move(key), options.checkpoint_interval};
  } catch (const sqlite::SqliteError& e) {
    throw JournalError(Errc::storage_failure, options.database.string() + ": " + e.what());
  }
}

}  // namespace

struct JournalWriter::State {
  explicit State(const WriterOptions& options) : store(open_store(options)), max_batch(options.max_batch) {
    if (max_batch == 0) max_batch = 1;
  }

  // False when the writer is stopping; an append's callback has then been told so.
  bool post(Job job) {
    {
      const std::lock_guard lock(mutex);
      if (!stopping) {
        queue.push_back(std::move(job));
        wake.notify_one();
        return true;
      }
    }
    refuse_stopped(job);
    return false;
  }

  static void refuse_stopped(Job& job) {
    const Error error{Errc::writer_stopped, "the journal writer is shutting down"};
    if (auto* append = std::get_if<AppendJob>(&job)) deliver(append->done, Result<EventRef>(error));
  }

  void run() {
    std::deque<Job> jobs;
    for (;;) {
      {
        std::unique_lock lock(mutex);
        wake.wait_for(lock, store.checkpoint_interval(), [this] { return stopping || !queue.empty(); });
        if (queue.empty()) {
          lock.unlock();
          // Idle, or stopping with everything queued before done: what was written is signed now.
          run_task([](WriteStore& writer_store) { writer_store.checkpoint_if_grown(); });
          if (stopping_now()) return;
          continue;
        }
        jobs.swap(queue);
      }
      while (!jobs.empty()) {
        if (std::holds_alternative<TaskJob>(jobs.front())) {
          run_task(std::get<TaskJob>(jobs.front()));
          jobs.pop_front();
        } else {
          run_append_batch(jobs);
        }
      }
      // After the batch's callbacks: the signature is never on an append's path.
      run_task([](WriteStore& writer_store) { writer_store.checkpoint_if_due(); });
    }
  }

  bool stopping_now() {
    const std::lock_guard lock(mutex);
    return stopping && queue.empty();
  }

  void run_task(const TaskJob& task) noexcept {
    try {
      task(store);
    } catch (const std::exception& e) {
      std::fprintf(stderr, "meso::journal: a journal request failed: %s\n", e.what());
    } catch (...) {
      std::fputs("meso::journal: a journal request failed\n", stderr);
    }
  }

  // Takes the appends at the front of `jobs` (up to max_batch) into one transaction; each runs under a
  // savepoint so a refused or failed one leaves the others in. Callbacks run after the COMMIT.
  void run_append_batch(std::deque<Job>& jobs) {
    std::vector<AppendJob> batch;
    while (!jobs.empty() && batch.size() < max_batch && std::holds_alternative<AppendJob>(jobs.front())) {
      batch.push_back(std::move(std::get<AppendJob>(jobs.front())));
      jobs.pop_front();
    }
    std::vector<Result<EventRef>> results;
    results.reserve(batch.size());
    try {
      sqlite::Transaction transaction(store.connection());
      for (const AppendJob& job : batch)
        results.push_back(append_in_savepoint(job.draft));
      transaction.commit();
    } catch (const sqlite::SqliteError& e) {
      store.forget_cached_heads();
      const Error error{Errc::storage_failure,
                        std::string("journal commit failed, not written: ") + e.what()};
      results.assign(batch.size(), Result<EventRef>(error));
    }
    for (std::size_t i = 0; i < batch.size(); ++i)
      deliver(batch[i].done, results[i]);
  }

  Result<EventRef> append_in_savepoint(const EventDraft& draft) {
    auto& connection = store.connection();
    connection.exec("SAVEPOINT append_one");
    try {
      Result<EventRef> result = store.append(draft);
      connection.exec(result.ok() ? "RELEASE append_one" : "ROLLBACK TO append_one; RELEASE append_one");
      return result;
    } catch (const sqlite::SqliteError& e) {
      connection.exec("ROLLBACK TO append_one; RELEASE append_one");
      store.forget_cached_heads();
      return Error{Errc::storage_failure, std::string("journal append failed, not written: ") + e.what()};
    }
  }

  template <typename T>
  Result<T> run_sync(std::function<Result<T>(WriteStore&)> work) {
    std::promise<Result<T>> promise;
    auto future = promise.get_future();
    const bool accepted = post(TaskJob([&promise, &work](WriteStore& writer_store) {
      try {
        promise.set_value(work(writer_store));
      } catch (const std::exception& e) {
        promise.set_value(Error{Errc::storage_failure, e.what()});
      }
    }));
    // An accepted job always runs: the thread drains the queue before it stops.
    if (!accepted) return Error{Errc::writer_stopped, "the journal writer is shutting down"};
    return future.get();
  }

  WriteStore store;
  std::size_t max_batch;
  std::mutex mutex;
  std::condition_variable wake;
  std::deque<Job> queue;
  bool stopping = false;
  std::thread thread;  // started last, stopped first
};

JournalWriter::JournalWriter(const WriterOptions& options) : state_(std::make_unique<State>(options)) {
  state_->thread = std::thread([state = state_.get()] { state->run(); });
}

JournalWriter::~JournalWriter() {
  {
    const std::lock_guard lock(state_->mutex);
    state_->stopping = true;
  }
  state_->wake.notify_one();
  state_->thread.join();
}

void JournalWriter::append(EventDraft draft, Callback<EventRef> done) {
  if (!draft.utc) draft.utc = utc_now_iso8601();  // when it happened, not when it was committed
  if (!draft.mono_ns) draft.mono_ns = monotonic_now_ns();
  state_->post(AppendJob{std::move(draft), std::move(done)});
}

void JournalWriter::create_session(SessionDraft draft, Callback<SessionId> done) {
  state_->post(TaskJob(
      [draft, done = std::move(done)](WriteStore& store) { deliver(done, store.create_session(draft)); }));
}

void JournalWriter::seal_session(SessionId session, UserId user, std::string reason,
                                 Callback<SealInfo> done) {
  state_->post(TaskJob([session, user, reason = std::move(reason), done = std::move(done)](
                           WriteStore& store) { deliver(done, store.seal_session(session, user, reason)); }));
}

Result<EventRef> JournalWriter::append_sync(EventDraft draft) {
  std::promise<Result<EventRef>> promise;
  auto future = promise.get_future();
  append(std::move(draft), [&promise](const Result<EventRef>& result) { promise.set_value(result); });
  return future.get();
}

Result<SessionId> JournalWriter::create_session_sync(SessionDraft draft) {
  return state_->run_sync<SessionId>([&draft](WriteStore& store) { return store.create_session(draft); });
}

Result<SealInfo> JournalWriter::seal_session_sync(SessionId session, UserId user, std::string reason) {
  return state_->run_sync<SealInfo>(
      [&](WriteStore& store) { return store.seal_session(session, user, reason); });
}

Result<UserId> JournalWriter::add_user(const NewUser& user, std::optional<UserId> by,
                                       const AccountNote& note) {
  if (user.password.empty()) return Error{Errc::bad_request, "a user needs a password"};
  // Argon2id takes a tenth of a second on purpose: on the caller's thread, not the writer's.
  const std::string password_hash = hash_password(user.password);
  return state_->run_sync<UserId>(
      [&](WriteStore& store) { return store.add_user(user, password_hash, by, note); });
}

Result<UserId> JournalWriter::commission(Tag kind, const NewUser& first_admin, const std::string& reason) {
  if (first_admin.password.empty())
    return Error{Errc::bad_request, "the first administrator needs a password"};
  const std::string password_hash = hash_password(first_admin.password);
  return state_->run_sync<UserId>(
      [&](WriteStore& store) { return store.commission(kind, first_admin, password_hash, reason); });
}

Result<Seq> JournalWriter::set_station_kind(Tag kind, std::optional<UserId> by) {
  return state_->run_sync<Seq>([&](WriteStore& store) { return store.set_station_kind(kind, by); });
}

Result<Seq> JournalWriter::disable_user(UserId target, UserId by, const std::string& reason) {
  return state_->run_sync<Seq>([&](WriteStore& store) { return store.disable_user(target, by, reason); });
}

Result<Seq> JournalWriter::reset_password(UserId target, const std::string& new_password, UserId by,
                                          const std::string& reason) {
  if (new_password.empty()) return Error{Errc::bad_request, "a reset needs a new password"};
  const std::string password_hash = hash_password(new_password);
  return state_->run_sync<Seq>(
      [&](WriteStore& store) { return store.set_password(target, password_hash, by, reason); });
}

Result<Seq> JournalWriter::change_password(UserId self, const std::string& new_password) {
  if (new_password.empty()) return Error{Errc::bad_request, "a password cannot be empty"};
  const std::string password_hash = hash_password(new_password);
  return state_->run_sync<Seq>(
      [&](WriteStore& store) { return store.set_password(self, password_hash, self, ""); });
}

Result<Seq> JournalWriter::set_role(UserId target, Role role, UserId by, const std::string& reason) {
  return state_->run_sync<Seq>([&](WriteStore& store) { return store.set_role(target, role, by, reason); });
}

Result<LoginRecord> JournalWriter::record_login(const std::string& name, bool password_matched) {
  return state_->run_sync<LoginRecord>(
      [&](WriteStore& store) { return store.record_login(name, password_matched); });
}

Result<Seq> JournalWriter::add_product(const FormularyProduct& product, UserId by,
                                       const std::string& reason) {
  return state_->run_sync<Seq>([&](WriteStore& store) { return store.add_product(product, by, reason); });
}

Result<Seq> JournalWriter::add_lot(const std::string& product, const FormularyLot& lot, UserId by,
                                   const std::string& reason) {
  return state_->run_sync<Seq>([&](WriteStore& store) { return store.add_lot(product, lot, by, reason); });
}

Result<Seq> JournalWriter::retire_lot(const std::string& product, const std::string& lot, UserId by,
                                      const std::string& reason) {
  return state_->run_sync<Seq>([&](WriteStore& store) { return store.retire_lot(product, lot, by, reason); });
}

Result<Seq> JournalWriter::import_formulary(const std::vector<FormularyProduct>& products, UserId by,
                                            const std::string& reason, const std::string& source) {
  return state_->run_sync<Seq>(
      [&](WriteStore& store) { return store.import_formulary(products, by, reason, source); });
}

Result<PatientId> JournalWriter::add_patient(const NewPatient& patient, UserId by) {
  return state_->run_sync<PatientId>([&](WriteStore& store) { return store.add_patient(patient, by); });
}

Result<PlanId> JournalWriter::add_plan(PatientId patient, const nlohmann::json& plan, UserId by) {
  if (!plan.is_object()) return Error{Errc::bad_request, "a plan must be a JSON object"};
  const std::string text = plan.dump();
  return state_->run_sync<PlanId>([&](WriteStore& store) { return store.add_plan(patient, text, by); });
}

DurabilitySettings JournalWriter::durability() {
  std::promise<DurabilitySettings> promise;
  auto future = promise.get_future();
  const bool accepted = state_->post(TaskJob([&promise](WriteStore& store) {
    try {
      promise.set_value(store.durability());
    } catch (...) {
      promise.set_exception(std::current_exception());
    }
  }));
  if (!accepted) throw JournalError(Errc::writer_stopped, "the journal writer is shutting down");
  return future.get();
}

const PublicKey& JournalWriter::public_key() const {
  return state_->store.public_key();
}

}  // namespace meso::journal
