// Key indices as ImGui 1.86 sees them: the GLFW backend fills io.KeysDown[] by GLFW key code, so these
// are GLFW's codes (app.cpp checks them against GLFW's header). Tests press them without a window.
#pragma once

namespace meso::gui::keys {

constexpr int space = 32;
constexpr int a = 65;
constexpr int c = 67;
constexpr int d = 68;
constexpr int f = 70;
constexpr int h = 72;
constexpr int k = 75;
constexpr int l = 76;
constexpr int n = 78;
constexpr int p = 80;
constexpr int r = 82;
constexpr int t = 84;
constexpr int escape = 256;
constexpr int enter = 257;
constexpr int pause = 284;
constexpr int f1 = 290;
constexpr int f2 = 291;
constexpr int f3 = 292;
constexpr int f4 = 293;
constexpr int f5 = 294;
constexpr int f6 = 295;
constexpr int f7 = 296;
constexpr int f12 = 301;
constexpr int left_control = 341;
constexpr int right_control = 345;

}  // namespace meso::gui::keys
