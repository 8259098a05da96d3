// One GL texture for the camera image, updated in place when a new frame arrives (render thread only).
#pragma once

#include <cstdint>
#include <opencv2/core.hpp>

namespace meso::gui {

class Texture {
 public:
  Texture() = default;
  Texture(const Texture&) = delete;
  Texture& operator=(const Texture&) = delete;
  Texture(Texture&&) = delete;
  Texture& operator=(Texture&&) = delete;
  ~Texture();

  void upload(const cv::Mat& rgba);  // 8-bit RGBA, continuous
  std::uintptr_t id() const { return id_; }
  int width() const { return width_; }
  int height() const { return height_; }

 private:
  std::uintptr_t id_ = 0;
  int width_ = 0;
  int height_ = 0;
};

}  // namespace meso::gui
