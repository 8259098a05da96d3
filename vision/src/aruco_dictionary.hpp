// The OpenCV id of a predefined ArUco dictionary, by the name layouts use.
#pragma once

#include <opencv2/aruco/dictionary.hpp>
#include <string>

namespace meso::vision {

cv::aruco::PREDEFINED_DICTIONARY_NAME aruco_dictionary_id(const std::string& name);  // throws when unknown

}  // namespace meso::vision
