#include "fonts.hpp"

#include <imgui.h>

#include <filesystem>

namespace meso::gui {

namespace {

constexpr const char* kRegular = "/usr/share/fonts/truetype/dejavu/DejaVuSans.ttf";
constexpr const char* kBold = "/usr/share/fonts/truetype/dejavu/DejaVuSans-Bold.ttf";

ImFont* add(const char* path, float size) {
  ImGuiIO& io = ImGui::GetIO();
  if (std::filesystem::exists(path)) {
    if (ImFont* f = io.Fonts->AddFontFromFileTTF(path, size)) return f;
  }
  ImFontConfig config;
  config.SizePixels = size;
  return io.Fonts->AddFontDefault(&config);
}

}  // namespace

void load_fonts(float pixel_height) {
  ImGui::GetIO().Fonts->Clear();
  add(kRegular, pixel_height);
  add(kBold, pixel_height * 1.8f);
}

}  // namespace meso::gui
