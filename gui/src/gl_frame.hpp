// The end of an ImGui frame on the GPU, shared by the console and its benchmark so that both measure and
// show the same work: ImGui's draw lists rendered into the window's framebuffer, over the console's
// background. The caller then swaps buffers (the console) or waits for the GPU (the benchmark).
#pragma once

struct GLFWwindow;

namespace meso::gui {

void draw_imgui_frame(GLFWwindow* window);

}  // namespace meso::gui
