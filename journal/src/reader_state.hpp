// The reader's private state, shared by reader.cpp and verify.cpp.
#pragma once

#include <filesystem>

#include "database.hpp"
#include "meso/journal/reader.hpp"

namespace meso::journal {

struct JournalReader::State {
  std::filesystem::path path;
  ReadOnlyConnection db;
};

}  // namespace meso::journal
