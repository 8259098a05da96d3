// The headband layout file: the default parses, and each kind of mistake is refused with the field named.
#include <gtest/gtest.h>

#include <stdexcept>
#include <string>

#include "meso/vision/headband_layout.hpp"

namespace meso::vision {
namespace {

std::string layout_error_of(const std::string& text) {
  try {
    layout_from_json_text(text);
  } catch (const std::invalid_argument& e) {
    return e.what();
  }
  return "accepted";
}

constexpr const char* kThree = R"("markers": [{"id": 0, "center_mm": [0, 0], "size_mm": 10},
                                              {"id": 1, "center_mm": [50, 0], "size_mm": 10},
                                              {"id": 2, "center_mm": [0, 50], "size_mm": 10}])";

TEST(HeadbandLayout, TheDefaultLayoutHasEightMarkersAHandpieceAndTheSixRegions) {
  const HeadbandLayout layout = default_layout();
  EXPECT_EQ(layout.dictionary, "DICT_4X4_50");
  EXPECT_EQ(layout.markers.size(), 8u);
  ASSERT_TRUE(layout.handpiece.has_value());
  EXPECT_EQ(layout.find(layout.handpiece->id), nullptr);
  std::vector<std::string> names;
  for (const auto& r : layout.regions)
    names.push_back(r.name);
  EXPECT_EQ(names, (std::vector<std::string>{"frontal hairline", "left temple", "right temple", "left side",
                                             "right side", "crown"}));
  EXPECT_DOUBLE_EQ(layout.smallest_marker_mm(), 12.0);
}

TEST(HeadbandLayout, RoundTripsThroughItsJson) {
  const HeadbandLayout layout = default_layout();
  const HeadbandLayout again = layout_from_json_text(layout_to_json_text(layout));
  ASSERT_EQ(again.markers.size(), layout.markers.size());
  for (std::size_t i = 0; i < layout.markers.size(); ++i) {
    EXPECT_EQ(again.markers[i].id, layout.markers[i].id);
    EXPECT_EQ(again.markers[i].center_mm, layout.markers[i].center_mm);
    EXPECT_EQ(again.markers[i].size_mm, layout.markers[i].size_mm);
  }
  EXPECT_EQ(again.handpiece->tip_offset_mm, layout.handpiece->tip_offset_mm);
  EXPECT_EQ(again.regions.size(), layout.regions.size());
}

TEST(HeadbandLayout, EachMistakeIsRefusedNamingTheField) {
  EXPECT_NE(layout_error_of("{").find("not valid JSON"), std::string::npos);
  EXPECT_NE(layout_error_of(std::string(R"({"dictionary": "DICT_9X9_1", )") + kThree + "}")
                .find("unknown ArUco dictionary"),
            std::string::npos);
  EXPECT_NE(
      layout_error_of(
          R"({"dictionary": "DICT_4X4_50", "markers": [{"id": 0, "center_mm": [0, 0], "size_mm": 10}]})")
          .find("at least 3 markers"),
      std::string::npos);
  EXPECT_NE(layout_error_of(
                R"({"dictionary": "DICT_4X4_50", "markers": [{"id": 0, "center_mm": [0, 0], "size_mm": 10},
      {"id": 0, "center_mm": [50, 0], "size_mm": 10}, {"id": 2, "center_mm": [0, 50], "size_mm": 10}]})")
                .find("layout.markers[1].id: marker id 0 appears twice"),
            std::string::npos);
  EXPECT_NE(layout_error_of(
                R"({"dictionary": "DICT_4X4_50", "markers": [{"id": 60, "center_mm": [0, 0], "size_mm": 10},
      {"id": 1, "center_mm": [50, 0], "size_mm": 10}, {"id": 2, "center_mm": [0, 50], "size_mm": 10}]})")
                .find("not in DICT_4X4_50"),
            std::string::npos);
  EXPECT_NE(layout_error_of(
                R"({"dictionary": "DICT_4X4_50", "markers": [{"id": 0, "center_mm": [0, 0], "size_mm": 10},
      {"id": 1, "center_mm": [5, 0], "size_mm": 10}, {"id": 2, "center_mm": [0, 50], "size_mm": 10}]})")
                .find("marker 1 overlaps marker 0"),
            std::string::npos);
  EXPECT_NE(layout_error_of(
                R"({"dictionary": "DICT_4X4_50", "markers": [{"id": 0, "center_mm": [0, 0], "size_mm": 0},
      {"id": 1, "center_mm": [50, 0], "size_mm": 10}, {"id": 2, "center_mm": [0, 50], "size_mm": 10}]})")
                .find("layout.markers[0].size_mm: must be above 0"),
            std::string::npos);
  EXPECT_NE(layout_error_of(std::string(R"({"dictionary": "DICT_4X4_50", "colour": 1, )") + kThree + "}")
                .find("layout.colour: unknown field"),
            std::string::npos);
  EXPECT_NE(layout_error_of(std::string(R"({"dictionary": "DICT_4X4_50", "handpiece": {"id": 1, "size_mm": 5,
      "tip_offset_mm": [0, 10]}, )") +
                            kThree + "}")
                .find("also a headband marker"),
            std::string::npos);
  EXPECT_NE(layout_error_of(std::string(R"({"dictionary": "DICT_4X4_50", "regions": [{"name": "crown",
      "polygon_mm": [[0, 0], [1, 1]]}], )") +
                            kThree + "}")
                .find("layout.regions[0].polygon_mm: expected at least 3"),
            std::string::npos);
  EXPECT_EQ(layout_error_of(std::string(R"({"dictionary": "DICT_4X4_50", )") + kThree + "}"), "accepted");
}

TEST(HeadbandLayout, AMissingFileIsNamed) {
  try {
    load_layout("/nonexistent/band.json");
    FAIL() << "a missing file was accepted";
  } catch (const std::invalid_argument& e) {
    EXPECT_NE(std::string(e.what()).find("/nonexistent/band.json"), std::string::npos);
  }
}

}  // namespace
}  // namespace meso::vision
