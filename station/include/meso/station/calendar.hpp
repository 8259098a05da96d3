// Calendar dates for lots, appointments and journal days (std::chrono::year_month_day; g++ 12 has no
// std::chrono::parse, hence the small parser).
#pragma once

#include <chrono>
#include <string>
#include <string_view>

namespace meso::station {

using Date = std::chrono::year_month_day;

// "2026-11-26"; throws std::invalid_argument naming the text when it is not a real date.
Date parse_date(std::string_view text);
std::string to_string(Date date);
Date today_utc();
Date add_days(Date date, int days);

}  // namespace meso::station
