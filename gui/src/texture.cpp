#include "texture.hpp"

#include <GL/gl.h>

namespace meso::gui {

Texture::~Texture() {
  if (id_ != 0) {
    const auto name = static_cast<GLuint>(id_);
    glDeleteTextures(1, &name);
  }
}

void Texture::upload(const cv::Mat& rgba) {
  if (rgba.empty() || rgba.type() != CV_8UC4 || !rgba.isContinuous()) return;
  if (id_ == 0) {
    GLuint name = 0;
    glGenTextures(1, &name);
    id_ = name;
  }
  glBindTexture(GL_TEXTURE_2D, static_cast<GLuint>(id_));
  glPixelStorei(GL_UNPACK_ALIGNMENT, 1);
  if (rgba.cols != width_ || rgba.rows != height_) {
    glTexParameteri(GL_TEXTURE_2D, GL_TEXTURE_MIN_FILTER, GL_LINEAR);
    glTexParameteri(GL_TEXTURE_2D, GL_TEXTURE_MAG_FILTER, GL_LINEAR);
    glTexParameteri(GL_TEXTURE_2D, GL_TEXTURE_WRAP_S, GL_CLAMP_TO_EDGE);
    glTexParameteri(GL_TEXTURE_2D, GL_TEXTURE_WRAP_T, GL_CLAMP_TO_EDGE);
    glTexImage2D(GL_TEXTURE_2D, 0, GL_RGBA, rgba.cols, rgba.rows, 0, GL_RGBA, GL_UNSIGNED_BYTE, rgba.data);
    width_ = rgba.cols;
    height_ = rgba.rows;
  } else {
    glTexSubImage2D(GL_TEXTURE_2D, 0, 0, 0, width_, height_, GL_RGBA, GL_UNSIGNED_BYTE, rgba.data);
  }
}

}  // namespace meso::gui
