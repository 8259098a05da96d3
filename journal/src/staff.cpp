#include "meso/journal/staff.hpp"

#include <algorithm>
#include <cctype>

namespace meso::journal {

namespace {

std::string lower(std::string_view text) {
  std::string out(text);
  std::transform(out.begin(), out.end(), out.begin(),
                 [](unsigned char c) { return static_cast<char>(std::tolower(c)); });
  return out;
}

}  // namespace

std::string password_problem(std::string_view name, std::string_view password) {
  if (password.size() < kMinPasswordLength)
    return "a password needs at least " + std::to_string(kMinPasswordLength) + " characters (this one has " +
           std::to_string(password.size()) + ")";
  const std::string user = lower(name);
  if (!user.empty() && lower(password).find(user) != std::string::npos)
    return "a password must not contain the user's name (" + std::string(name) + ")";
  return {};
}

std::chrono::seconds login_wait_after(int failed_logins) {
  if (failed_logins < kFreeFailedLogins) return std::chrono::seconds(0);
  constexpr int kMaxDoublings = 5;  // 30 s * 2^5 = 16 min, over the cap already
  const int doublings = std::min(failed_logins - kFreeFailedLogins, kMaxDoublings);
  return std::min(std::chrono::seconds(30L << doublings), std::chrono::seconds(15 * 60));
}

}  // namespace meso::journal
