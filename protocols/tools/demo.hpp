// `mesoproto demo`: a short session of each protocol, built in memory and explained, errors included.
#pragma once

#include <ostream>

namespace meso::mesoproto {

int run_demo(std::ostream& out);

}  // namespace meso::mesoproto
