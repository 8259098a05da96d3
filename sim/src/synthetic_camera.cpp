#include "meso/sim/synthetic_camera.hpp"

#include <algorithm>
#include <array>
#include <cmath>
#include <cstdio>
#include <fstream>
#include <nlohmann/json.hpp>
#include <numbers>
#include <opencv2/aruco.hpp>
#include <opencv2/imgcodecs.hpp>
#include <opencv2/imgproc.hpp>
#include <sstream>
#include <stdexcept>
#include <string_view>
#include <utility>

#include "meso/sim/seeding.hpp"

namespace meso::sim {

namespace {

// Random streams of the camera, apart from the device streams of seeding.hpp.
constexpr std::uint64_t kStreamScene = 101;
constexpr std::uint64_t kStreamMotion = 102;
constexpr std::uint64_t kStreamNoise = 103;

constexpr double kTexturePxPerMm = 4;  // the plane texture; finer than the image so warping it stays sharp
constexpr double kHandpiecePxPerMm = 8;
constexpr int kMarkerCellPx = 8;             // source resolution of a marker: 8 px per ArUco cell
constexpr double kQuietZoneFraction = 0.25;  // white border around each marker, as a fraction of its side
constexpr double kHeadMarginMm = 16;         // head outline beyond the outermost marker centres
constexpr double kTextureMarginMm = 30;
constexpr int kNoiseBankMargin = 97;  // noise is cut from a larger seeded field at a random offset

cv::Vec3d skin_bgr() {
  return {150, 172, 208};
}
cv::Vec3d hair_bgr() {
  return {28, 34, 44};
}
cv::Vec3d background_bgr() {
  return {92, 78, 62};
}  // the drape around the head
cv::Scalar band_bgr() {
  return {88, 64, 52};
}
cv::Scalar handpiece_bgr() {
  return {110, 108, 112};
}
constexpr double kHairOpacity = 0.75;

using Matx23 = cv::Matx23d;
using Matx33 = cv::Matx33d;

Matx33 translation(double x, double y) {
  return {1, 0, x, 0, 1, y, 0, 0, 1};
}
Matx33 scaling(double s) {
  return {s, 0, 0, 0, s, 0, 0, 0, 1};
}
Matx33 rotation(double radians) {
  const double c = std::cos(radians);
  const double s = std::sin(radians);
  return {c, -s, 0, s, c, 0, 0, 0, 1};
}

cv::Point2d project(const Matx33& h, cv::Point2d p) {
  const cv::Vec3d v = h * cv::Vec3d(p.x, p.y, 1.0);
  return {v[0] / v[2], v[1] / v[2]};
}

// For OpenCV's drawing functions, whose `shift` argument takes fractional bits.
cv::Point fixed_point(cv::Point2d p, double fixed) {
  return {static_cast<int>(std::lround(p.x * fixed)), static_cast<int>(std::lround(p.y * fixed))};
}

std::vector<cv::Point2d> project(const Matx33& h, const std::vector<cv::Point2d>& points) {
  std::vector<cv::Point2d> out;
  out.reserve(points.size());
  for (const auto& p : points)
    out.push_back(project(h, p));
  return out;
}

// The 4x4 ... 7x7 predefined dictionaries are numbered 4 per marker size, in the order 50, 100, 250, 1000.
cv::Ptr<cv::aruco::Dictionary> dictionary_by_name(const std::string& name) {
  if (name == "DICT_ARUCO_ORIGINAL")
    return cv::aruco::getPredefinedDictionary(cv::aruco::DICT_ARUCO_ORIGINAL);
  static constexpr std::array<std::string_view, 4> kCounts{"50", "100", "250", "1000"};
  for (int bits = 4; bits <= 7; ++bits) {
    for (std::size_t i = 0; i < kCounts.size(); ++i) {
      const std::string known =
          "DICT_" + std::to_string(bits) + "X" + std::to_string(bits) + "_" + std::string(kCounts[i]);
      if (known == name) return cv::aruco::getPredefinedDictionary((bits - 4) * 4 + static_cast<int>(i));
    }
  }
  throw std::invalid_argument("layout.dictionary: unknown ArUco dictionary \"" + name + "\"");
}

// An image with an alpha mask and the map from its pixels (centre convention: pixel (i, j) centred on
// (i, j)) to its own millimetres.
struct Sprite {
  cv::Mat bgr;
  cv::Mat alpha;  // 8-bit, 255 = opaque
  Matx33 mm_from_px;
};

// A marker of side `size_mm` centred on its own origin, on a white quiet zone. The black square's outer
// edge falls exactly on +-size_mm/2.
Sprite marker_sprite(const cv::aruco::Dictionary& dictionary, int id, double size_mm) {
  const int cells = dictionary.markerSize + 2;
  const int side_px = cells * kMarkerCellPx;
  const int quiet_px = static_cast<int>(std::lround(side_px * kQuietZoneFraction));
  cv::Mat gray;
  dictionary.drawMarker(id, side_px, gray, 1);
  cv::copyMakeBorder(gray, gray, quiet_px, quiet_px, quiet_px, quiet_px, cv::BORDER_CONSTANT, 255);
  Sprite sprite;
  cv::cvtColor(gray, sprite.bgr, cv::COLOR_GRAY2BGR);
  sprite.alpha = cv::Mat(gray.size(), CV_8UC1, cv::Scalar(255));
  // Pixel edge quiet_px (centre coordinate quiet_px - 0.5) is the square's edge at -size_mm/2.
  const double mm_per_px = size_mm / side_px;
  const double offset = -size_mm / 2 - (quiet_px - 0.5) * mm_per_px;
  sprite.mm_from_px = translation(offset, offset) * scaling(mm_per_px);
  return sprite;
}

// Warps the sprite into `dst` under `dst_from_sprite` and blends it by its alpha. Only the bounding box of
// its footprint is touched, so a small sprite costs little whatever the size of `dst`.
void paste(cv::Mat& dst, const cv::Mat& bgr, const cv::Mat& alpha, const Matx33& dst_from_sprite) {
  const double w = bgr.cols - 0.5;
  const double h = bgr.rows - 0.5;
  const auto corners =
      project(dst_from_sprite, std::vector<cv::Point2d>{{-0.5, -0.5}, {w, -0.5}, {w, h}, {-0.5, h}});
  double min_x = corners[0].x, max_x = corners[0].x, min_y = corners[0].y, max_y = corners[0].y;
  for (const auto& c : corners) {
    min_x = std::min(min_x, c.x);
    max_x = std::max(max_x, c.x);
    min_y = std::min(min_y, c.y);
    max_y = std::max(max_y, c.y);
  }
  const cv::Rect box(
      cv::Point(static_cast<int>(std::floor(min_x)) - 1, static_cast<int>(std::floor(min_y)) - 1),
      cv::Point(static_cast<int>(std::ceil(max_x)) + 2, static_cast<int>(std::ceil(max_y)) + 2));
  const cv::Rect roi = box & cv::Rect(0, 0, dst.cols, dst.rows);
  if (roi.empty()) return;
  const cv::Mat roi_from_sprite(translation(-roi.x, -roi.y) * dst_from_sprite);
  cv::Mat colour;
  cv::Mat weight;
  // Replicated edges keep the colour true up to the rim; the alpha alone fades it out.
  cv::warpPerspective(bgr, colour, roi_from_sprite, roi.size(), cv::INTER_LINEAR, cv::BORDER_REPLICATE);
  cv::warpPerspective(alpha, weight, roi_from_sprite, roi.size(), cv::INTER_LINEAR, cv::BORDER_CONSTANT, 0);
  cv::Mat w_sprite;
  weight.convertTo(w_sprite, CV_32F, 1.0 / 255);
  const cv::Mat w_dst = 1.0 - w_sprite;
  cv::Mat blended;
  cv::blendLinear(colour, dst(roi), w_sprite, w_dst, blended);
  blended.copyTo(dst(roi));
}

// ---- the plane texture ----

struct HeadShape {
  cv::Point2d centre_mm;
  double band_a_mm = 0;  // semi-axes of the ellipse through the markers
  double band_b_mm = 0;
  double head_a_mm() const { return band_a_mm + kHeadMarginMm; }
  double head_b_mm() const { return band_b_mm + kHeadMarginMm; }
};

HeadShape head_shape(const vision::HeadbandLayout& layout) {
  double min_x = 0, max_x = 0, min_y = 0, max_y = 0;
  for (std::size_t i = 0; i < layout.markers.size(); ++i) {
    const auto& c = layout.markers[i].center_mm;
    min_x = i == 0 ? c.x : std::min(min_x, c.x);
    max_x = i == 0 ? c.x : std::max(max_x, c.x);
    min_y = i == 0 ? c.y : std::min(min_y, c.y);
    max_y = i == 0 ? c.y : std::max(max_y, c.y);
  }
  constexpr double kSmallestHeadMm = 60;
  return {{(min_x + max_x) / 2, (min_y + max_y) / 2},
          std::max((max_x - min_x) / 2, kSmallestHeadMm),
          std::max((max_y - min_y) / 2, kSmallestHeadMm)};
}

struct PlaneTexture {
  cv::Mat bgr;
  Matx33 mm_from_px;
  Matx33 px_from_mm;
};

double density_factor_at(const std::vector<ThinningRegion>& thinning, vision::PointMm p) {
  double factor = 1;
  for (const auto& region : thinning)
    if (vision::contains(region.polygon_mm, p)) factor = std::min(factor, region.density_factor);
  return factor;
}

// Hairs as short anti-aliased strokes on a coverage mask; they grow away from a whorl behind the crown, with
// some scatter, as they do on a real scalp.
cv::Mat hair_mask(const SyntheticCameraOptions& options, const HeadShape& head, const PlaneTexture& texture,
                  cv::RNG& rng) {
  cv::Mat mask(texture.bgr.size(), CV_8UC1, cv::Scalar(0));
  const double a = head.head_a_mm();
  const double b = head.head_b_mm();
  const double trials = options.hairs_per_cm2 / 100.0 * (4 * a * b);
  const cv::Point2d whorl = head.centre_mm + cv::Point2d(0, 0.45 * b);
  constexpr int kShift = 4;  // sub-pixel stroke ends
  const double fixed = 1 << kShift;
  for (long i = 0; i < std::lround(trials); ++i) {
    const cv::Point2d p(rng.uniform(head.centre_mm.x - a, head.centre_mm.x + a),
                        rng.uniform(head.centre_mm.y - b, head.centre_mm.y + b));
    const cv::Point2d d = p - head.centre_mm;
    const double keep = rng.uniform(0.0, 1.0);
    if ((d.x * d.x) / (a * a) + (d.y * d.y) / (b * b) > 1) continue;
    if (keep >= density_factor_at(options.thinning, {p.x, p.y})) continue;
    const double angle = std::atan2(p.y - whorl.y, p.x - whorl.x) + 0.5 + rng.gaussian(0.35);
    const double length = rng.uniform(1.0, 2.0);
    const cv::Point2d q = p + length * cv::Point2d(std::cos(angle), std::sin(angle));
    cv::line(mask, fixed_point(project(texture.px_from_mm, p), fixed),
             fixed_point(project(texture.px_from_mm, q), fixed), cv::Scalar(255), 1, cv::LINE_AA, kShift);
  }
  return mask;
}

// Skin with a mild, blotchy variation of tone, hair over it, all inside the head outline; the drape outside.
void paint_scalp(PlaneTexture& texture, const cv::Mat& hair, const HeadShape& head, cv::RNG& rng) {
  cv::Mat blotches(9, 9, CV_32FC1);
  rng.fill(blotches, cv::RNG::NORMAL, 0.0, 1.0);
  cv::resize(blotches, blotches, texture.bgr.size(), 0, 0, cv::INTER_CUBIC);
  cv::Mat head_mask(texture.bgr.size(), CV_8UC1, cv::Scalar(0));
  constexpr int kShift = 4;
  const double fixed = 1 << kShift;
  const cv::Point2d c = project(texture.px_from_mm, head.centre_mm);
  cv::ellipse(
      head_mask,
      cv::Point(static_cast<int>(std::lround(c.x * fixed)), static_cast<int>(std::lround(c.y * fixed))),
      cv::Size(static_cast<int>(std::lround(head.head_a_mm() * kTexturePxPerMm * fixed)),
               static_cast<int>(std::lround(head.head_b_mm() * kTexturePxPerMm * fixed))),
      0, 0, 360, cv::Scalar(255), cv::FILLED, cv::LINE_AA, kShift);
  for (int y = 0; y < texture.bgr.rows; ++y) {
    auto* out = texture.bgr.ptr<cv::Vec3b>(y);
    const auto* tone = blotches.ptr<float>(y);
    const auto* in_head = head_mask.ptr<std::uint8_t>(y);
    const auto* hair_cover = hair.ptr<std::uint8_t>(y);
    for (int x = 0; x < texture.bgr.cols; ++x) {
      const double h = kHairOpacity * hair_cover[x] / 255.0;
      const double a = in_head[x] / 255.0;
      const cv::Vec3d scalp = skin_bgr() * (1 + 0.05 * tone[x]) * (1 - h) + hair_bgr() * h;
      out[x] = cv::Vec3b(scalp * a + background_bgr() * (1 - a));
    }
  }
}

void paint_band(PlaneTexture& texture, const HeadShape& head, double width_mm) {
  constexpr int kShift = 4;
  const double fixed = 1 << kShift;
  const cv::Point2d c = project(texture.px_from_mm, head.centre_mm);
  cv::ellipse(
      texture.bgr,
      cv::Point(static_cast<int>(std::lround(c.x * fixed)), static_cast<int>(std::lround(c.y * fixed))),
      cv::Size(static_cast<int>(std::lround(head.band_a_mm * kTexturePxPerMm * fixed)),
               static_cast<int>(std::lround(head.band_b_mm * kTexturePxPerMm * fixed))),
      0, 0, 360, band_bgr(), static_cast<int>(std::lround(width_mm * kTexturePxPerMm)), cv::LINE_AA, kShift);
}

PlaneTexture plane_texture(const SyntheticCameraOptions& options, const cv::aruco::Dictionary& dictionary) {
  const HeadShape head = head_shape(options.layout);
  const double half_w = head.head_a_mm() + kTextureMarginMm;
  const double half_h = head.head_b_mm() + kTextureMarginMm;
  PlaneTexture texture;
  texture.bgr = cv::Mat(cv::Size(static_cast<int>(std::ceil(2 * half_w * kTexturePxPerMm)),
                                 static_cast<int>(std::ceil(2 * half_h * kTexturePxPerMm))),
                        CV_8UC3);
  // Texture pixel (i, j) covers [origin + i / s, origin + (i + 1) / s) mm; its centre is coordinate (i, j).
  const cv::Point2d origin = head.centre_mm - cv::Point2d(half_w, half_h);
  texture.mm_from_px = translation(origin.x + 0.5 / kTexturePxPerMm, origin.y + 0.5 / kTexturePxPerMm) *
                       scaling(1 / kTexturePxPerMm);
  texture.px_from_mm = texture.mm_from_px.inv();

  cv::RNG rng(derive_seed(options.seed, kStreamScene));
  paint_scalp(texture, hair_mask(options, head, texture, rng), head, rng);
  const double largest = [&] {
    double s = 0;
    for (const auto& m : options.layout.markers)
      s = std::max(s, m.size_mm);
    return s;
  }();
  paint_band(texture, head, largest * (1 + 2 * kQuietZoneFraction) + 6);
  for (const auto& marker : options.layout.markers) {
    if (options.hidden_markers.contains(marker.id)) continue;  // covered: the band shows instead
    const Sprite sprite = marker_sprite(dictionary, marker.id, marker.size_mm);
    paste(texture.bgr, sprite.bgr, sprite.alpha,
          texture.px_from_mm * translation(marker.center_mm.x, marker.center_mm.y) * sprite.mm_from_px);
  }
  return texture;
}

// ---- the handpiece ----

// A grey handpiece body in the marker's own axes (mm): a block carrying the marker on its quiet zone, a
// handle away from the tip and a nozzle narrowing to the needle tip.
std::vector<cv::Point2d> handpiece_outline_mm(const vision::HandpieceMarker& handpiece) {
  const double half = handpiece.size_mm * (0.5 + kQuietZoneFraction) + 1.5;
  const cv::Point2d tip(handpiece.tip_offset_mm.x, handpiece.tip_offset_mm.y);
  const double tip_length = std::hypot(tip.x, tip.y);
  const cv::Point2d along = tip_length > 0 ? tip / tip_length : cv::Point2d(0, 1);
  const cv::Point2d across(-along.y, along.x);
  const cv::Point2d handle_end = -along * (half + 2.5 * handpiece.size_mm);
  const std::vector<cv::Point2d> points{{-half, -half},
                                        {half, -half},
                                        {half, half},
                                        {-half, half},
                                        tip + across * 0.8,
                                        tip - across * 0.8,
                                        handle_end + across * 0.6 * half,
                                        handle_end - across * 0.6 * half};
  std::vector<int> hull_index;
  cv::convexHull(std::vector<cv::Point2f>(points.begin(), points.end()), hull_index);
  std::vector<cv::Point2d> hull;
  hull.reserve(hull_index.size());
  for (const int i : hull_index)
    hull.push_back(points[static_cast<std::size_t>(i)]);
  return hull;
}

struct HandpieceSprite {
  Sprite sprite;
  std::vector<cv::Point2d> outline_mm;    // convex, in the marker's own axes
  std::array<cv::Point2d, 4> quiet_mm{};  // the marker's quiet zone corners
};

HandpieceSprite handpiece_sprite(const vision::HandpieceMarker& handpiece,
                                 const cv::aruco::Dictionary& dictionary) {
  HandpieceSprite out;
  out.outline_mm = handpiece_outline_mm(handpiece);
  const double q = handpiece.size_mm * (0.5 + kQuietZoneFraction);
  out.quiet_mm = {cv::Point2d(-q, -q), cv::Point2d(q, -q), cv::Point2d(q, q), cv::Point2d(-q, q)};
  cv::Point2d low = out.outline_mm.front();
  cv::Point2d high = low;
  for (const auto& p : out.outline_mm) {
    low = {std::min(low.x, p.x), std::min(low.y, p.y)};
    high = {std::max(high.x, p.x), std::max(high.y, p.y)};
  }
  const cv::Rect2d box(low, high);
  constexpr double kPadMm = 1;
  const Matx33 px_from_mm = translation(-0.5, -0.5) * scaling(kHandpiecePxPerMm) *
                            translation(-(box.x - kPadMm), -(box.y - kPadMm));
  const cv::Size size(static_cast<int>(std::ceil((box.width + 2 * kPadMm) * kHandpiecePxPerMm)),
                      static_cast<int>(std::ceil((box.height + 2 * kPadMm) * kHandpiecePxPerMm)));
  out.sprite.bgr = cv::Mat(size, CV_8UC3, handpiece_bgr());
  out.sprite.alpha = cv::Mat(size, CV_8UC1, cv::Scalar(0));
  constexpr int kShift = 4;
  std::vector<cv::Point> polygon;
  for (const auto& p : project(px_from_mm, out.outline_mm))
    polygon.emplace_back(static_cast<int>(std::lround(p.x * (1 << kShift))),
                         static_cast<int>(std::lround(p.y * (1 << kShift))));
  cv::fillConvexPoly(out.sprite.alpha, polygon, cv::Scalar(255), cv::LINE_AA, kShift);
  const Sprite marker = marker_sprite(dictionary, handpiece.id, handpiece.size_mm);
  paste(out.sprite.bgr, marker.bgr, marker.alpha, px_from_mm * marker.mm_from_px);
  out.sprite.mm_from_px = px_from_mm.inv();
  return out;
}

// The tip's timetable: a dwell at each waypoint, then a straight move to the next one.
struct Leg {
  double start_s = 0;
  double end_s = 0;
  cv::Point2d from;
  cv::Point2d to;
};

struct Timetable {
  std::vector<Leg> legs;
  std::vector<double> shots_s;  // the middle of each dwell, within one pass
  double pass_s = 0;
  bool loop = false;

  cv::Point2d tip_at(double t) const;
  bool fires_in_frame(std::uint64_t index, double fps) const;
};

cv::Point2d Timetable::tip_at(double t) const {
  if (loop && pass_s > 0) t = std::fmod(t, pass_s);
  for (const auto& leg : legs) {
    if (t < leg.end_s) {
      const double u =
          leg.end_s > leg.start_s ? std::clamp((t - leg.start_s) / (leg.end_s - leg.start_s), 0.0, 1.0) : 1;
      return leg.from + u * (leg.to - leg.from);
    }
  }
  return legs.back().to;
}

// Whether a shot belongs to frame `index`: each shot to the one frame nearest its time, by whole frame
// numbers, so that no shot is lost or doubled when its time falls on the edge between two frames.
bool Timetable::fires_in_frame(std::uint64_t index, double fps) const {
  const auto frame = static_cast<long long>(index);
  const double t = static_cast<double>(index) / fps;
  return std::any_of(shots_s.begin(), shots_s.end(), [&](double shot) {
    if (loop && pass_s > 0) shot += std::max(0.0, std::round((t - shot) / pass_s)) * pass_s;  // this round's
    return std::llround(shot * fps) == frame;
  });
}

Timetable timetable(const HandpiecePath& path) {
  Timetable table;
  table.loop = path.loop;
  double t = 0;
  const auto n = path.waypoints_mm.size();
  for (std::size_t i = 0; i < n; ++i) {
    const cv::Point2d here(path.waypoints_mm[i].x, path.waypoints_mm[i].y);
    table.legs.push_back({t, t + path.dwell_s, here, here});
    table.shots_s.push_back(t + path.dwell_s / 2);
    t += path.dwell_s;
    if (i + 1 == n && !path.loop) break;
    const auto& next = path.waypoints_mm[(i + 1) % n];
    const cv::Point2d there(next.x, next.y);
    const double travel_s = cv::norm(there - here) / path.speed_mm_s;
    table.legs.push_back({t, t + travel_s, here, there});
    t += travel_s;
  }
  table.pass_s = t;
  return table;
}

// ---- motion and lighting ----

// Slow smooth drift: each term a sine of seeded frequency and phase.
struct Wave {
  double amplitude = 0;
  double hz = 0;
  double phase = 0;
  double at(double t) const { return amplitude * std::sin(2 * std::numbers::pi * hz * t + phase); }
};

Wave random_wave(cv::RNG& rng, double amplitude) {
  return {amplitude, rng.uniform(0.04, 0.15), rng.uniform(0.0, 2 * std::numbers::pi)};
}

struct Drift {
  Wave dx_mm, dy_mm, turn_deg;              // head motion
  Wave brightness, gradient_x, gradient_y;  // lighting, as fractions of the level
};

void check_options(const SyntheticCameraOptions& o) {
  auto fail = [](const std::string& what) { throw std::invalid_argument("synthetic camera: " + what); };
  if (o.size.width < 16 || o.size.height < 16) fail("size: must be at least 16x16 px");
  if (!(o.fps > 0)) fail("fps: must be above 0");
  if (!(o.px_per_mm > 0)) fail("px_per_mm: must be above 0");
  if (!(o.hairs_per_cm2 >= 0) || o.hairs_per_cm2 > 2000) fail("hairs_per_cm2: must be from 0 to 2000");
  if (!(o.blur_sigma_px >= 0)) fail("blur_sigma_px: must be 0 or more");
  if (!(o.noise_sigma >= 0)) fail("noise_sigma: must be 0 or more");
  if (o.layout.markers.empty()) fail("layout: has no headband markers");
  for (const auto& region : o.thinning)
    if (!(region.density_factor >= 0 && region.density_factor <= 1))
      fail("thinning.density_factor: must be from 0 to 1");
  if (!o.handpiece) return;
  if (!o.layout.handpiece) fail("handpiece: the layout has no handpiece marker");
  if (o.handpiece->waypoints_mm.empty()) fail("handpiece.waypoints_mm: needs at least one waypoint");
  if (!(o.handpiece->speed_mm_s > 0)) fail("handpiece.speed_mm_s: must be above 0");
  if (!(o.handpiece->dwell_s >= 0)) fail("handpiece.dwell_s: must be 0 or more");
  if (o.handpiece->loop && !(o.handpiece->dwell_s > 0) && o.handpiece->waypoints_mm.size() < 2)
    fail("handpiece: a loop over one waypoint needs dwell_s above 0");
}

bool inside_image(const std::vector<cv::Point2d>& points, cv::Size size) {
  return std::all_of(points.begin(), points.end(), [&](const cv::Point2d& p) {
    return p.x >= 0 && p.y >= 0 && p.x <= size.width - 1 && p.y <= size.height - 1;
  });
}

bool overlaps(const std::vector<cv::Point2d>& a, const std::vector<cv::Point2d>& b) {
  std::vector<cv::Point2f> fa(a.begin(), a.end());
  std::vector<cv::Point2f> fb(b.begin(), b.end());
  std::vector<cv::Point2f> common;
  return cv::intersectConvexConvex(fa, fb, common, true) > 0;
}

}  // namespace

struct SyntheticCamera::Scene {
  PlaneTexture texture;
  std::optional<HandpieceSprite> handpiece;
  std::optional<Timetable> path;
  Drift drift;
  Matx33 view;         // image px from plane mm with the head at rest
  cv::Mat noise_bank;  // CV_16SC3, larger than a frame by kNoiseBankMargin
};

namespace {

Drift random_drift(const SyntheticCameraOptions& options) {
  cv::RNG rng(derive_seed(options.seed, kStreamMotion));
  Drift d;
  const double motion = options.head_motion ? 1 : 0;
  const double light = options.lighting_changes ? 1 : 0;
  d.dx_mm = random_wave(rng, 3 * motion);
  d.dy_mm = random_wave(rng, 3 * motion);
  d.turn_deg = random_wave(rng, 2 * motion);
  d.brightness = random_wave(rng, 0.06 * light);
  d.gradient_x = random_wave(rng, 0.08 * light);
  d.gradient_y = random_wave(rng, 0.08 * light);
  return d;
}

Matx33 base_view(const SyntheticCameraOptions& o) {
  const Matx33 tilt(1, 0, 0, 0, 1, 0, 0.3 * o.perspective, o.perspective, 1);
  return translation((o.size.width - 1) / 2.0, (o.size.height - 1) / 2.0) * scaling(o.px_per_mm) * tilt;
}

Matx33 head_pose(const Drift& d, double t) {
  return translation(d.dx_mm.at(t), d.dy_mm.at(t)) * rotation(d.turn_deg.at(t) * std::numbers::pi / 180);
}

Matx33 handpiece_pose(const SyntheticCameraOptions& o, const cv::Point2d& tip) {
  const double angle = o.handpiece->angle_deg * std::numbers::pi / 180;
  const auto& offset = o.layout.handpiece->tip_offset_mm;
  const Matx33 turn = rotation(angle);
  const cv::Point2d centre = tip - project(turn, cv::Point2d(offset.x, offset.y));
  return translation(centre.x, centre.y) * turn;
}

// Multiplies by a slowly changing brightness and linear gradient, then adds sensor noise cut from the bank.
void light_and_noise(cv::Mat& image, const Drift& drift, double t, const cv::Mat& noise_bank, cv::RNG& rng) {
  const double level = 1 + drift.brightness.at(t);
  const double gx = drift.gradient_x.at(t) * 2 / image.cols;
  const double gy = drift.gradient_y.at(t) * 2 / image.rows;
  const int ox = rng.uniform(0, kNoiseBankMargin);
  const int oy = rng.uniform(0, kNoiseBankMargin);
  std::vector<float> column_gain(static_cast<std::size_t>(image.cols) * 3);
  for (int x = 0; x < image.cols; ++x) {  // one gain per channel, to walk the row's bytes in step
    const auto gain = static_cast<float>(gx * (x - image.cols / 2.0));
    std::fill_n(column_gain.begin() + std::ptrdiff_t{3} * x, 3, gain);
  }
  for (int y = 0; y < image.rows; ++y) {
    auto* px = image.ptr<std::uint8_t>(y);
    const auto* noise = noise_bank.empty() ? nullptr : noise_bank.ptr<std::int16_t>(y + oy, ox);
    const auto row_gain = static_cast<float>(level + gy * (y - image.rows / 2.0));
    for (std::size_t i = 0; i < column_gain.size(); ++i) {
      const float n = noise != nullptr ? static_cast<float>(noise[i]) : 0.0F;
      px[i] = cv::saturate_cast<std::uint8_t>(static_cast<float>(px[i]) * (row_gain + column_gain[i]) + n);
    }
  }
}

}  // namespace

SyntheticCamera::SyntheticCamera(SyntheticCameraOptions options)
    : options_(std::move(options)), noise_rng_(derive_seed(options_.seed, kStreamNoise)) {
  check_options(options_);
  const auto dictionary = dictionary_by_name(options_.layout.dictionary);
  auto scene = std::make_shared<Scene>();
  scene->texture = plane_texture(options_, *dictionary);
  if (options_.handpiece) {
    scene->handpiece = handpiece_sprite(*options_.layout.handpiece, *dictionary);
    scene->path = timetable(*options_.handpiece);
  }
  scene->drift = random_drift(options_);
  scene->view = base_view(options_);
  if (options_.noise_sigma > 0) {
    scene->noise_bank =
        cv::Mat(options_.size.height + kNoiseBankMargin, options_.size.width + kNoiseBankMargin, CV_16SC3);
    cv::RNG bank_rng(derive_seed(options_.seed, kStreamNoise + 1));
    bank_rng.fill(scene->noise_bank, cv::RNG::NORMAL, 0.0, options_.noise_sigma);
  }
  scene_ = std::move(scene);
}

std::string SyntheticCamera::describe() const {
  std::ostringstream out;
  out << "synthetic camera " << options_.size.width << 'x' << options_.size.height << " at " << options_.fps
      << " fps, seed " << options_.seed << ", " << options_.hairs_per_cm2 << " hairs/cm2";
  return out.str();
}

bool SyntheticCamera::next(vision::Frame& out) {
  const Scene& scene = *scene_;
  const std::uint64_t index = next_index_++;
  const double t = static_cast<double>(index) / options_.fps;
  const Matx33 px_from_mm = scene.view * head_pose(scene.drift, t);
  const cv::Size size = options_.size;

  cv::Mat image;
  cv::warpPerspective(scene.texture.bgr, image, cv::Mat(px_from_mm * scene.texture.mm_from_px), size,
                      cv::INTER_LINEAR, cv::BORDER_CONSTANT, cv::Scalar(background_bgr()));

  SyntheticTruth truth;
  truth.index = index;
  truth.time_s = t;
  truth.H_px_from_mm = px_from_mm;
  std::vector<cv::Point2d> handpiece_px;
  if (scene.handpiece) {
    const cv::Point2d tip = scene.path->tip_at(t);
    const Matx33 px_from_local = px_from_mm * handpiece_pose(options_, tip);
    paste(image, scene.handpiece->sprite.bgr, scene.handpiece->sprite.alpha,
          px_from_local * scene.handpiece->sprite.mm_from_px);
    handpiece_px = project(px_from_local, scene.handpiece->outline_mm);
    const std::vector<cv::Point2d> quiet(scene.handpiece->quiet_mm.begin(), scene.handpiece->quiet_mm.end());
    if (inside_image(project(px_from_local, quiet), size)) truth.tip_mm = vision::PointMm{tip.x, tip.y};
    truth.fired = scene.path->fires_in_frame(index, options_.fps);
  }
  for (const auto& m : options_.layout.markers) {
    if (options_.hidden_markers.contains(m.id)) continue;
    const double q = m.size_mm * (0.5 + kQuietZoneFraction);
    const auto corners = project(px_from_mm * translation(m.center_mm.x, m.center_mm.y),
                                 std::vector<cv::Point2d>{{-q, -q}, {q, -q}, {q, q}, {-q, q}});
    if (!inside_image(corners, size)) continue;
    if (!handpiece_px.empty() && overlaps(corners, handpiece_px)) continue;
    truth.visible_markers.push_back(m.id);
  }
  std::sort(truth.visible_markers.begin(), truth.visible_markers.end());

  if (options_.blur_sigma_px > 0) cv::GaussianBlur(image, image, cv::Size(), options_.blur_sigma_px);
  if (options_.lighting_changes || options_.noise_sigma > 0)
    light_and_noise(image, scene.drift, t, scene.noise_bank, noise_rng_);

  truth_ = std::move(truth);
  out.image = image;
  out.time_s = t;
  out.index = index;
  return true;
}

namespace {

nlohmann::json truth_json(const SyntheticTruth& truth, const std::string& file) {
  nlohmann::json h = nlohmann::json::array();
  for (int r = 0; r < 3; ++r)
    h.push_back({truth.H_px_from_mm(r, 0), truth.H_px_from_mm(r, 1), truth.H_px_from_mm(r, 2)});
  nlohmann::json line{{"index", truth.index},
                      {"time_s", truth.time_s},
                      {"file", file},
                      {"H_px_from_mm", h},
                      {"visible_markers", truth.visible_markers},
                      {"tip_mm", nullptr},
                      {"fired", truth.fired}};
  if (truth.tip_mm) line["tip_mm"] = {truth.tip_mm->x, truth.tip_mm->y};
  return line;
}

}  // namespace

void write_synthetic_frames(SyntheticCamera& camera, int frames, const std::filesystem::path& dir) {
  if (frames < 0) throw std::invalid_argument("write_synthetic_frames: frames must be 0 or more");
  std::filesystem::create_directories(dir);
  std::ofstream truth_file(dir / "truth.jsonl", std::ios::trunc);
  if (!truth_file) throw std::runtime_error("cannot write " + (dir / "truth.jsonl").string());
  vision::Frame frame;
  for (int i = 0; i < frames; ++i) {
    camera.next(frame);
    std::array<char, 32> name{};
    std::snprintf(name.data(), name.size(), "frame_%06d.png", i);
    const auto path = dir / name.data();
    if (!cv::imwrite(path.string(), frame.image)) throw std::runtime_error("cannot write " + path.string());
    truth_file << truth_json(camera.truth(), name.data()).dump() << '\n';
  }
  truth_file.flush();
  if (!truth_file) throw std::runtime_error("cannot write " + (dir / "truth.jsonl").string());
}

}  // namespace meso::sim
