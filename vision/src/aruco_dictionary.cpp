#include "aruco_dictionary.hpp"

#include <array>
#include <stdexcept>
#include <string_view>
#include <utility>

#include "meso/vision/headband_layout.hpp"

namespace meso::vision {

cv::aruco::PREDEFINED_DICTIONARY_NAME aruco_dictionary_id(const std::string& name) {
  using D = cv::aruco::PREDEFINED_DICTIONARY_NAME;
  static constexpr std::array<std::pair<std::string_view, D>, 17> kIds{{
      {"DICT_4X4_50", D::DICT_4X4_50},
      {"DICT_4X4_100", D::DICT_4X4_100},
      {"DICT_4X4_250", D::DICT_4X4_250},
      {"DICT_4X4_1000", D::DICT_4X4_1000},
      {"DICT_5X5_50", D::DICT_5X5_50},
      {"DICT_5X5_100", D::DICT_5X5_100},
      {"DICT_5X5_250", D::DICT_5X5_250},
      {"DICT_5X5_1000", D::DICT_5X5_1000},
      {"DICT_6X6_50", D::DICT_6X6_50},
      {"DICT_6X6_100", D::DICT_6X6_100},
      {"DICT_6X6_250", D::DICT_6X6_250},
      {"DICT_6X6_1000", D::DICT_6X6_1000},
      {"DICT_7X7_50", D::DICT_7X7_50},
      {"DICT_7X7_100", D::DICT_7X7_100},
      {"DICT_7X7_250", D::DICT_7X7_250},
      {"DICT_7X7_1000", D::DICT_7X7_1000},
      {"DICT_ARUCO_ORIGINAL", D::DICT_ARUCO_ORIGINAL},
  }};
  for (const auto& [known, id] : kIds)
    if (known == name) return id;
  throw std::invalid_argument("unknown ArUco dictionary \"" + name + "\"");
}

int dictionary_size(const std::string& name) {
  try {
    return cv::aruco::getPredefinedDictionary(aruco_dictionary_id(name))->bytesList.rows;
  } catch (const std::invalid_argument&) {
    return 0;
  }
}

}  // namespace meso::vision
