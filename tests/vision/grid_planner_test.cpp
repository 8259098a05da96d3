// The planner's guarantees, checked on random zone shapes: every point of each zone's treatable area (the
// zone less its margin) lies within spacing/sqrt(3) + 0.5 mm of a planned point or the plan is refused, no
// two planned points are closer than 0.9 x spacing unless one is a border fill (then no closer than the
// coverage goal), and every planned point lies in its zone's treatable area. The checker is shown to catch a
// plain lattice cropped to the area, which leaves holes along the margin.
#include "meso/vision/grid_planner.hpp"

#include <gtest/gtest.h>

#include <algorithm>
#include <cmath>
#include <map>
#include <numbers>
#include <optional>
#include <random>
#include <set>
#include <string>
#include <vector>

namespace meso::vision {
namespace {

constexpr double kSqrt3 = 1.7320508075688772;

PolygonMm rectangle(double x0, double y0, double x1, double y1) {
  return {{x0, y0}, {x1, y0}, {x1, y1}, {x0, y1}};
}

// A star-shaped polygon (concave unless `convex`), 3 to 14 vertices, 14 to 40 mm (times `scale`) around a
// random centre.
PolygonMm random_shape(std::mt19937& rng, bool convex, double scale = 1) {
  std::uniform_real_distribution<double> unit(0, 1);
  const int n = 3 + static_cast<int>(unit(rng) * 12);
  const double radius = (14 + unit(rng) * 26) * scale;
  const PointMm centre{unit(rng) * 100 - 50, unit(rng) * 100 - 50};
  std::vector<double> angles;
  angles.reserve(static_cast<std::size_t>(n));
  for (int i = 0; i < n; ++i)
    angles.push_back(unit(rng) * 2 * std::numbers::pi);
  std::sort(angles.begin(), angles.end());
  PolygonMm polygon;
  const double aspect = 0.6 + unit(rng) * 0.8;
  for (const double a : angles) {
    const double r = convex ? radius : radius * (0.35 + 0.65 * unit(rng));
    polygon.push_back({centre.x + r * std::cos(a) * aspect, centre.y + r * std::sin(a)});
  }
  return polygon;
}

bool treatable(const PolygonMm& polygon, double margin, PointMm p) {
  return contains(polygon, p) && distance_to_boundary(polygon, p) >= margin;
}

double nearest(const std::vector<PointMm>& points, PointMm q) {
  double best = 1e18;
  for (const PointMm& p : points)
    best = std::min(best, distance(p, q));
  return best;
}

// The worst distance from a point of the treatable area (sampled every 0.25 mm) to the nearest of `points`.
double worst_gap(const PolygonMm& polygon, double margin, const std::vector<PointMm>& points) {
  const BoxMm b = bounds(polygon);
  double worst = 0;
  const auto y0 = static_cast<long>(std::floor(b.min_y * 4));
  const auto x0 = static_cast<long>(std::floor(b.min_x * 4));
  for (long iy = y0; static_cast<double>(iy) / 4 <= b.max_y; ++iy)
    for (long ix = x0; static_cast<double>(ix) / 4 <= b.max_x; ++ix) {
      const PointMm q{static_cast<double>(ix) / 4, static_cast<double>(iy) / 4};
      if (treatable(polygon, margin, q)) worst = std::max(worst, nearest(points, q));
    }
  return worst;
}

std::vector<PointMm> positions(const GridPlan& plan) {
  std::vector<PointMm> out;
  for (const auto& p : plan.points)
    out.push_back(p.mm);
  return out;
}

// No two planned points nearer than 0.9 x spacing, unless one is a border fill: that one is no nearer to
// any point than the coverage goal less the 0.01 mm its search allows (it went only where every point was
// that far).
void expect_spacing_kept(const GridPlan& plan, double spacing) {
  double closest = 1e18, closest_to_fill = 1e18;
  for (std::size_t i = 0; i < plan.points.size(); ++i)
    for (std::size_t j = i + 1; j < plan.points.size(); ++j) {
      const double d = distance(plan.points[i].mm, plan.points[j].mm);
      double& kind = plan.points[i].border_fill || plan.points[j].border_fill ? closest_to_fill : closest;
      kind = std::min(kind, d);
    }
  EXPECT_GE(closest, 0.9 * spacing);
  EXPECT_GE(closest_to_fill, coverage_goal_mm(spacing) - 0.01 - 1e-9);
}

// What the planner must beat: the hexagonal lattice, cropped to the treatable area.
std::vector<PointMm> cropped_lattice(const PolygonMm& polygon, double margin, double spacing) {
  const BoxMm b = bounds(polygon);
  const double h = spacing * kSqrt3 / 2;
  std::vector<PointMm> points;
  for (auto r = static_cast<long>(std::floor(b.min_y / h)); static_cast<double>(r) * h <= b.max_y; ++r)
    for (auto c = static_cast<long>(std::floor(b.min_x / spacing));
         static_cast<double>(c) * spacing <= b.max_x; ++c) {
      const PointMm p{(static_cast<double>(c) + (r % 2 != 0 ? 0.5 : 0)) * spacing,
                      static_cast<double>(r) * h};
      if (treatable(polygon, margin, p)) points.push_back(p);
    }
  return points;
}

struct Case {
  PolygonMm polygon;
  Technique technique;
  double spacing;
  double margin;
};

Case random_case(std::mt19937& rng, int i) {
  std::uniform_real_distribution<double> unit(0, 1);
  const bool nappage = i % 4 == 3;
  const double spacing = nappage ? 2 + 2 * unit(rng) : 5 + 15 * unit(rng);
  const double margin = i % 5 == 0 ? 0.0 : 3 * unit(rng);
  return {random_shape(rng, i % 2 == 0), nappage ? Technique::nappage : Technique::point, spacing, margin};
}

PlanRequest request_for(const Case& c) {
  PlanRequest r;
  r.name_covering_spacing = false;  // a refusal's radius is what these tests check
  r.technique = c.technique;
  r.spacing_mm = c.spacing;
  r.margin_mm = c.margin;
  r.session_cap_nl = 1'000'000'000;
  return r;
}

// Whether two edges that share no vertex meet, solving each pair's parametric intersection.
bool crosses(const PolygonMm& p) {
  const std::size_t n = p.size();
  for (std::size_t i = 0; i < n; ++i)
    for (std::size_t j = 0; j < n; ++j) {
      const std::size_t i2 = (i + 1) % n, j2 = (j + 1) % n;
      if (i == j || i2 == j || j2 == i) continue;
      const double rx = p[i2].x - p[i].x, ry = p[i2].y - p[i].y;
      const double sx = p[j2].x - p[j].x, sy = p[j2].y - p[j].y;
      const double den = rx * sy - ry * sx;
      if (std::abs(den) < 1e-12) continue;
      const double t = ((p[j].x - p[i].x) * sy - (p[j].y - p[i].y) * sx) / den;
      const double u = ((p[j].x - p[i].x) * ry - (p[j].y - p[i].y) * rx) / den;
      if (t > 0 && t < 1 && u > 0 && u < 1) return true;
    }
  return false;
}

struct RandomPlan {
  Case c;
  std::optional<GridPlan> plan;
  bool short_of_coverage = false;  // refused for its coverage: `plan` is the refused plan
  std::string refusal;
};

// The 200 random cases, planned once for every test here (a small zone's relaxation takes its time).
const std::vector<RandomPlan>& random_plans() {
  static const std::vector<RandomPlan> plans = [] {
    std::vector<RandomPlan> out;
    std::mt19937 rng(20240517);
    for (int i = 0; i < 200; ++i) {
      RandomPlan r{random_case(rng, i), std::nullopt, false, {}};
      try {
        r.plan = plan_grid({{"z", r.c.polygon}}, request_for(r.c));
      } catch (const PlanShortOfCoverage& e) {
        r.plan = e.plan;
        r.short_of_coverage = true;
        r.refusal = e.what();
      } catch (const PlanRefused& e) {
        r.refusal = e.what();
      }
      out.push_back(std::move(r));
    }
    return out;
  }();
  return plans;
}

// Runs `check` on each random case's plan, and on the plan refused for its coverage; returns how many were
// planned or refused so.
template <class Check>
int plan_random_cases(Check check) {
  int planned = 0;
  int i = 0;
  for (const RandomPlan& r : random_plans()) {
    const Case& c = r.c;
    SCOPED_TRACE("case " + std::to_string(i++) + ", spacing " + std::to_string(c.spacing) + ", margin " +
                 std::to_string(c.margin));
    if (!r.plan) {
      // Only refused when nothing of the zone is treatable, or when the random outline crosses itself (a
      // star around its centre whose vertices leave a gap wider than half a turn can).
      if (r.refusal.find("crosses itself") != std::string::npos) {
        EXPECT_TRUE(crosses(c.polygon)) << r.refusal;
      } else {
        EXPECT_NE(r.refusal.find("no treatable area"), std::string::npos) << r.refusal;
        EXPECT_EQ(worst_gap(c.polygon, c.margin, {{1e9, 1e9}}), 0.0);
      }
      continue;
    }
    ++planned;
    check(r);
  }
  return planned;
}

// One test over the random zones, so that they are planned once per process (ctest runs each test in its
// own, and a small zone's relaxation takes its time, most of all under the sanitizers):
// - every planned point lies in the treatable area, and no two are closer than 0.9 x spacing;
// - each zone states the radius it covers: never less than the gap the independent 0.25 mm checker finds,
//   and not more than a sample grid's worth above it (the planner samples every 0.25 mm, 0.375 mm for
//   nappage, 0.125 mm once relaxed, and adds the half-diagonal), or than a lattice cell's circumradius,
//   spacing/sqrt(3), which bounds the cells it does not sample;
// - every plan made covers its zone within spacing/sqrt(3) + 0.5 mm, by its statement and the checker. The
//   lattice and greedy fill alone cover 7 of the 197 zones; relaxing the zones that kept a hole brings that
//   to 194; border fills cover the last 3 (small zones at 17.7 to 19.1 mm spacing, 2 to 4 points, which no
//   plan the relaxation found keeps 0.9 x spacing and covers), so none is refused.
TEST(GridPlanner, RandomShapesAreCoveredOrRefusedKeepTheSpacingAndStayInsideTheArea) {
  int refused = 0;
  const int planned = plan_random_cases([&](const RandomPlan& r) {
    const Case& c = r.c;
    const GridPlan& plan = *r.plan;
    const auto points = positions(plan);
    ASSERT_FALSE(points.empty());
    for (const PointMm& p : points)
      EXPECT_TRUE(treatable(c.polygon, c.margin, p)) << p.x << ", " << p.y;
    expect_spacing_kept(plan, c.spacing);

    ASSERT_EQ(plan.zones.size(), 1U);
    const double stated = plan.zones[0].coverage_mm;
    const double measured = worst_gap(c.polygon, c.margin, points);
    EXPECT_GE(stated, measured);
    const double step = c.technique == Technique::nappage ? 0.375 : 0.25;
    EXPECT_LE(stated, std::max(measured + 2 * 0.71 * step + 0.2, c.spacing / kSqrt3 + 0.71 * step + 1e-9));
    const double goal = coverage_goal_mm(c.spacing);
    if (r.short_of_coverage) {
      ++refused;
      EXPECT_GT(stated, goal);
      EXPECT_NE(r.refusal.find("zone 'z' ("), std::string::npos) << r.refusal;
    } else {
      EXPECT_LE(stated, goal);
      EXPECT_LE(measured, goal);
    }
  });
  EXPECT_GE(planned, 190);
  EXPECT_EQ(refused, 0) << refused << " of " << planned << " zones refused as not covered";
}

PolygonMm ellipse(double a, double b, int vertices) {
  PolygonMm polygon;
  for (int i = 0; i < vertices; ++i) {
    const double t = 2 * std::numbers::pi * i / vertices;
    polygon.push_back({3 + a * std::cos(t), 7 + b * std::sin(t)});
  }
  return polygon;
}

// Zones as a clinician draws them: smooth outlines from a 30 x 22 mm temple to a 120 x 90 mm crown, at
// spacings across the point technique's range and at nappage, with the default 2 mm margin. Each meets the
// coverage goal, by the planner's own statement and by the independent checker. (docs/vision.md lists the
// sizes that do not: 180 mm wide at 10 and 20 mm, 30 mm wide at 20 mm.)
TEST(GridPlanner, SmoothZonesOfClinicalSizesMeetTheCoverageGoal) {
  struct Sized {
    Technique technique;
    double spacing;
    double half_width;
  };
  const std::vector<Sized> cases{
      {Technique::point, 5, 30},   {Technique::point, 5, 60},    {Technique::point, 7.5, 30},
      {Technique::point, 7.5, 60}, {Technique::point, 10, 15},   {Technique::point, 10, 30},
      {Technique::point, 10, 60},  {Technique::point, 12.5, 30}, {Technique::point, 12.5, 60},
      {Technique::point, 15, 30},  {Technique::point, 15, 60},   {Technique::point, 20, 30},
      {Technique::point, 20, 60},  {Technique::nappage, 3, 15},  {Technique::nappage, 3, 30},
      {Technique::nappage, 4, 30}};
  for (const Sized& c : cases) {
    SCOPED_TRACE(std::string(to_string(c.technique)) + " at " + std::to_string(c.spacing) + " mm, " +
                 std::to_string(2 * c.half_width) + " mm wide");
    const PolygonMm zone = ellipse(c.half_width, 0.75 * c.half_width, 32);
    PlanRequest r;
    r.technique = c.technique;
    r.spacing_mm = c.spacing;
    r.session_cap_nl = 1'000'000'000;
    const GridPlan plan = plan_grid({{"z", zone}}, r);
    const auto points = positions(plan);
    const double goal = c.spacing / kSqrt3 + 0.5;
    EXPECT_LE(plan.zones[0].coverage_mm, goal);
    EXPECT_LE(worst_gap(zone, 2, points), goal);
    expect_spacing_kept(plan, c.spacing);
  }
}

// worst_gap for many points: each sample looks at the points in its own and the neighbouring cells, which
// holds every point within one cell size (the spacing) of it; the test asks for less than that.
double worst_gap_bucketed(const PolygonMm& polygon, double margin, const std::vector<PointMm>& points,
                          double cell) {
  std::map<std::pair<long, long>, std::vector<PointMm>> cells;
  const auto key = [&](PointMm p) {
    return std::pair<long, long>{static_cast<long>(std::floor(p.x / cell)),
                                 static_cast<long>(std::floor(p.y / cell))};
  };
  for (const PointMm& p : points)
    cells[key(p)].push_back(p);
  const BoxMm b = bounds(polygon);
  double worst = 0;
  for (auto iy = static_cast<long>(std::floor(b.min_y * 4)); static_cast<double>(iy) / 4 <= b.max_y; ++iy)
    for (auto ix = static_cast<long>(std::floor(b.min_x * 4)); static_cast<double>(ix) / 4 <= b.max_x; ++ix) {
      const PointMm q{static_cast<double>(ix) / 4, static_cast<double>(iy) / 4};
      if (!treatable(polygon, margin, q)) continue;
      const auto [cx, cy] = key(q);
      double best = cell;  // anything farther is reported as one cell, which fails the test anyway
      for (long y = cy - 1; y <= cy + 1; ++y)
        for (long x = cx - 1; x <= cx + 1; ++x)
          if (const auto it = cells.find({x, y}); it != cells.end())
            for (const PointMm& p : it->second)
              best = std::min(best, distance(p, q));
      worst = std::max(worst, best);
    }
  return worst;
}

// A zone of over 2,000 points is too big to relax as a whole in good time: the holes that the lattice and the
// fill leave along its border are mended one window at a time. Two whole-scalp nappage zones (2,324 and
// 2,869 points at 3 mm), whose borders cross the lattice at every angle.
TEST(GridPlanner, ZonesTooBigToRelaxAsAWholeMeetTheCoverageGoalWindowByWindow) {
  for (const double half_width : {90.0, 100.0}) {
    SCOPED_TRACE(std::to_string(2 * half_width) + " mm wide");
    const PolygonMm zone = ellipse(half_width, 0.75 * half_width, 32);
    PlanRequest r;
    r.technique = Technique::nappage;
    r.session_cap_nl = 1'000'000'000;
    const GridPlan plan = plan_grid({{"z", zone}}, r);
    const auto points = positions(plan);
    ASSERT_GT(points.size(), 2000U);
    const double goal = 3 / kSqrt3 + 0.5;
    EXPECT_LE(plan.zones[0].coverage_mm, goal);
    EXPECT_LE(worst_gap_bucketed(zone, 2, points, 3), goal);
    expect_spacing_kept(plan, 3);
  }
}

// The same on random shapes scaled to 50 to 140 mm, convex and concave, with their corners, at random nappage
// spacings and margins: the first six of over 2,300 points (by area) that the seeded generator draws.
TEST(GridPlanner, RandomZonesTooBigToRelaxAsAWholeMeetTheCoverageGoal) {
  std::mt19937 rng(7);
  std::uniform_real_distribution<double> unit(0, 1);
  int planned = 0;
  for (int i = 0; planned < 6 && i < 40; ++i) {
    const bool convex = unit(rng) < 0.5;
    const PolygonMm zone = random_shape(rng, convex, 3.5);
    const double spacing = 2 + unit(rng) * 2;
    const double margin = unit(rng) * 3;
    if (area_mm2(zone) / (spacing * spacing * kSqrt3 / 2) < 2300) continue;
    SCOPED_TRACE("case " + std::to_string(i) + ", spacing " + std::to_string(spacing) + " mm, margin " +
                 std::to_string(margin) + " mm");
    PlanRequest r;
    r.technique = Technique::nappage;
    r.spacing_mm = spacing;
    r.margin_mm = margin;
    r.session_cap_nl = 1'000'000'000'000;
    const GridPlan plan = plan_grid({{"z", zone}}, r);
    const auto points = positions(plan);
    ++planned;
    EXPECT_GT(points.size(), 2000U);
    const double goal = spacing / kSqrt3 + 0.5;
    const double measured = worst_gap_bucketed(zone, margin, points, spacing);
    EXPECT_LE(plan.zones[0].coverage_mm, goal);
    EXPECT_LE(measured, plan.zones[0].coverage_mm);  // the stated radius is an upper bound
    expect_spacing_kept(plan, spacing);
    for (const PointMm& p : points)
      ASSERT_TRUE(treatable(zone, margin, p)) << p.x << ", " << p.y;
  }
  EXPECT_EQ(planned, 6);
}

// A half-ring between radii 8.2 and 8.99 mm around (x, 0): too thin for two points 18 mm apart.
PolygonMm thin_half_ring(double x) {
  PolygonMm ring;
  constexpr int kSteps = 24;
  for (int i = 0; i <= kSteps; ++i) {
    const double t = std::numbers::pi * i / kSteps;
    ring.push_back({x + 8.99 * std::cos(t), 8.99 * std::sin(t)});
  }
  for (int i = kSteps; i >= 0; --i) {
    const double t = std::numbers::pi * i / kSteps;
    ring.push_back({x + 8.2 * std::cos(t), 8.2 * std::sin(t)});
  }
  return ring;
}

// A zone no plan can cover is refused: a thin half-ring between radii 8.2 and 8.99 mm at 20 mm spacing. No
// two of its points are 18 mm (0.9 x spacing) apart, so it holds one point p at radius r; its two ends e1, e2
// (at radius 8.99 mm, 17.98 mm apart) then lie at least sqrt((|p-e1|^2 + |p-e2|^2) / 2) = sqrt(r^2 + 8.99^2)
// >= 12.16 mm from it, beyond the goal of 20/sqrt(3) + 0.5 = 12.05 mm. The refusal names the zone and the
// radius its best plan reaches, to a micrometre; at 12 mm, the zone is covered.
TEST(GridPlanner, AZoneNoPlanCanCoverIsRefusedWithTheRadiusItReaches) {
  const PolygonMm ring = thin_half_ring(0);
  PlanRequest r;
  r.spacing_mm = 20;
  r.margin_mm = 0;
  r.name_covering_spacing = false;
  r.border_fills = false;
  try {
    plan_grid({{"hairline", ring}}, r);
    FAIL() << "a plan was made";
  } catch (const PlanShortOfCoverage& e) {
    const GridPlan& plan = e.plan;
    ASSERT_EQ(plan.points.size(), 1U);
    const PointMm p = plan.points[0].mm;
    const double from_ends = std::max(distance(p, {8.99, 0}), distance(p, {-8.99, 0}));
    EXPECT_GE(from_ends, 12.16);
    // The area's farthest point from p is one of its outline's vertices (its corners), and a refused zone's
    // radius is measured to a micrometre.
    double farthest = 0;
    for (const PointMm& v : ring)
      farthest = std::max(farthest, distance(p, v));
    EXPECT_GE(plan.zones[0].coverage_mm, farthest);
    EXPECT_LE(plan.zones[0].coverage_mm, farthest + 0.002);
    const std::string what = e.what();
    EXPECT_NE(what.find("zone 'hairline' (1"), std::string::npos) << what;
    EXPECT_NE(what.find("not covered at 20.0 mm spacing"), std::string::npos) << what;
    EXPECT_NE(what.find("beyond the 12.05 mm goal"), std::string::npos) << what;
    EXPECT_NE(what.find("plan a smaller spacing"), std::string::npos) << what;
  }
  r.spacing_mm = 12;
  const GridPlan covered = plan_grid({{"hairline", ring}}, r);
  EXPECT_EQ(covered.points.size(), 2U);
  EXPECT_LE(worst_gap(ring, 0, positions(covered)), coverage_goal_mm(12));
}

// The same zone at 20 mm with border fills, as a clinician plans by default: covered, by a second point
// nearer than 0.9 x spacing to the first, and the plan says so.
TEST(GridPlanner, ABorderFillCoversTheZoneTheSpacingAloneCannot) {
  const PolygonMm ring = thin_half_ring(0);
  PlanRequest r;
  r.spacing_mm = 20;
  r.margin_mm = 0;
  const GridPlan plan = plan_grid({{"hairline", ring}}, r);
  ASSERT_EQ(plan.points.size(), 2U);
  EXPECT_EQ(plan.zones[0].border_fills, 1);
  EXPECT_EQ(plan.points[0].border_fill + plan.points[1].border_fill, 1);
  const double gap = distance(plan.points[0].mm, plan.points[1].mm);
  EXPECT_LT(gap, 0.9 * 20);
  EXPECT_NEAR(plan.zones[0].border_fill_gap_mm, gap, 1e-9);
  EXPECT_LE(plan.zones[0].coverage_mm, coverage_goal_mm(20));
  EXPECT_LE(worst_gap(ring, 0, positions(plan)), coverage_goal_mm(20));
  expect_spacing_kept(plan, 20);
}

// Zones that fall short are all named, and the plan refused holds every zone's statement.
TEST(GridPlanner, EveryZoneShortOfCoverageIsNamed) {
  const PolygonMm ring = thin_half_ring(0);
  const PolygonMm shifted = thin_half_ring(200);
  PlanRequest r;
  r.spacing_mm = 20;
  r.margin_mm = 0;
  r.name_covering_spacing = false;
  r.border_fills = false;
  r.session_cap_nl = 1'000'000'000;
  try {
    plan_grid({{"left", ring}, {"crown", rectangle(60, 0, 140, 60)}, {"right", shifted}}, r);
    FAIL() << "a plan was made";
  } catch (const PlanShortOfCoverage& e) {
    const std::string what = e.what();
    EXPECT_NE(what.find("zones 'left' ("), std::string::npos) << what;
    EXPECT_NE(what.find(" and 'right' ("), std::string::npos) << what;
    EXPECT_EQ(what.find("crown"), std::string::npos) << what;
    ASSERT_EQ(e.plan.zones.size(), 3U);
    EXPECT_LE(e.plan.zones[1].coverage_mm, coverage_goal_mm(20));
  }
}

TEST(GridPlanner, TheCoverageCheckCatchesALatticeCroppedToTheArea) {
  std::mt19937 rng(20240517);
  int holes = 0;
  for (int i = 0; i < 40; ++i) {
    const Case c = random_case(rng, i);
    const auto points = cropped_lattice(c.polygon, c.margin, c.spacing);
    if (!points.empty() && worst_gap(c.polygon, c.margin, points) > c.spacing / kSqrt3 + 0.5) ++holes;
  }
  EXPECT_GE(holes, 10);
}

// The plan, or the plan refused for its coverage: the spacing and the zones' shares hold in both.
GridPlan plan_even_if_short(const std::vector<Zone>& zones, PlanRequest r) {
  r.name_covering_spacing = false;
  try {
    return plan_grid(zones, r);
  } catch (const PlanShortOfCoverage& e) {
    return e.plan;
  }
}

TEST(GridPlanner, TouchingZonesKeepTheSpacingAcrossTheirCommonBorder) {
  std::mt19937 rng(7);
  std::uniform_real_distribution<double> unit(0, 1);
  for (int i = 0; i < 12; ++i) {
    const double split = 20 + 40 * unit(rng);
    const double spacing = 5 + 10 * unit(rng);
    const double margin = i % 2 == 0 ? 0.0 : 2 * unit(rng);
    const std::vector<Zone> zones{{"left", rectangle(0, 0, split, 50)},
                                  {"right", rectangle(split, 0, 80, 50)}};
    PlanRequest r;
    r.spacing_mm = spacing;
    r.margin_mm = margin;
    r.session_cap_nl = 1'000'000'000;
    const GridPlan plan = plan_even_if_short(zones, r);
    const auto points = positions(plan);
    SCOPED_TRACE("case " + std::to_string(i));
    expect_spacing_kept(plan, spacing);
    ASSERT_EQ(plan.zones.size(), 2U);
    EXPECT_GT(plan.zones[0].points, 0);
    EXPECT_GT(plan.zones[1].points, 0);
  }
}

TEST(GridPlanner, OverlappingZonesLeaveTheSharedAreaToTheFirstZone) {
  const std::vector<Zone> zones{{"crown", rectangle(0, 0, 60, 60)}, {"vertex", rectangle(30, 30, 90, 90)}};
  PlanRequest r;
  r.margin_mm = 1;
  r.session_cap_nl = 1'000'000'000;
  const GridPlan plan = plan_even_if_short(zones, r);
  const auto points = positions(plan);
  expect_spacing_kept(plan, 10);
  for (const auto& p : plan.points) {
    // The second zone's points stay clear of the first zone's treatable area, which the first one covers.
    if (p.zone == "vertex") {
      EXPECT_FALSE(p.mm.x < 59 - 5 && p.mm.y < 59 - 5) << p.mm.x << ", " << p.mm.y;
    }
  }
}

TEST(GridPlanner, ZoneTotalsAndVolumeAddUp) {
  const std::vector<Zone> zones{{"crown", rectangle(0, 0, 50, 40)}, {"temple", rectangle(100, 0, 130, 30)}};
  PlanRequest r;
  r.technique = Technique::nappage;
  r.dose_nl = 20000;
  r.session_cap_nl = 1'000'000'000;
  const GridPlan plan = plan_grid(zones, r);
  EXPECT_EQ(plan.spacing_mm, 3);
  EXPECT_EQ(plan.margin_mm, 2);
  ASSERT_EQ(plan.zones.size(), 2U);
  int crown = 0;
  for (const auto& p : plan.points) {
    crown += p.zone == "crown" ? 1 : 0;
    EXPECT_EQ(p.depth_um, 1500);
    EXPECT_EQ(p.dose_nl, 20000);
  }
  EXPECT_EQ(plan.zones[0].points, crown);
  EXPECT_EQ(plan.zones[0].volume_nl, crown * 20000LL);
  EXPECT_EQ(plan.zones[0].area_mm2, 2000);
  EXPECT_EQ(plan.zones[0].points + plan.zones[1].points, static_cast<int>(plan.points.size()));
  EXPECT_EQ(plan.volume_nl, static_cast<std::int64_t>(plan.points.size()) * 20000);
  // The zones come one after the other in the treatment order.
  EXPECT_EQ(plan.points.front().zone, "crown");
  EXPECT_EQ(plan.points.back().zone, "temple");
}

TEST(GridPlanner, DefaultsPerTechnique) {
  const std::vector<Zone> zones{{"crown", rectangle(0, 0, 40, 40)}};
  PlanRequest r;
  r.session_cap_nl = 1'000'000'000;
  const GridPlan point = plan_grid(zones, r);
  EXPECT_EQ(point.spacing_mm, 10);
  EXPECT_EQ(point.points.front().depth_um, 4000);
  EXPECT_EQ(point.points.front().dose_nl, 50000);
  r.technique = Technique::nappage;
  const GridPlan nappage = plan_grid(zones, r);
  EXPECT_EQ(nappage.spacing_mm, 3);
  EXPECT_EQ(nappage.points.front().dose_nl, 10000);
  r.technique = Technique::pen;
  const GridPlan pen = plan_grid(zones, r);
  EXPECT_EQ(pen.spacing_mm, 8);
  EXPECT_TRUE(pen.points.empty());
  ASSERT_EQ(pen.passes.size(), 1U);
  EXPECT_EQ(pen.passes[0].depth_um, 1000);
  EXPECT_EQ(pen.volume_nl, 0);
}

TEST(GridPlanner, PlanNumbersItsPointsInTreatmentOrder) {
  PlanRequest r;
  r.session_cap_nl = 1'000'000'000;
  const GridPlan plan =
      plan_grid({{"crown", rectangle(0, 0, 70, 50)}, {"left", rectangle(-60, 0, -10, 40)}}, r);
  for (std::size_t i = 0; i < plan.points.size(); ++i)
    EXPECT_EQ(plan.points[i].order, static_cast<int>(i) + 1);
}

TEST(GridPlanner, PenPassesSerpentineInsideTheArea) {
  PlanRequest r;
  r.technique = Technique::pen;
  r.spacing_mm = 5;
  r.margin_mm = 2;
  r.depth_um = 750;
  const PolygonMm polygon{{0, 0}, {60, 0}, {60, 40}, {30, 15}, {0, 40}};  // a notch: some rows break in two
  const GridPlan plan = plan_grid({{"crown", polygon}}, r);
  ASSERT_EQ(plan.passes.size(), 1U);
  const auto& path = plan.passes[0].path;
  EXPECT_EQ(plan.passes[0].depth_um, 750);
  ASSERT_GE(path.size(), 4U);
  ASSERT_EQ(path.size() % 2, 0U);  // strokes: pairs of points on one row
  for (const PointMm& p : path)
    EXPECT_TRUE(treatable(polygon, 2 - 0.02, p)) << p.x << ", " << p.y;
  std::set<double> rows;
  for (std::size_t k = 0; k < path.size(); k += 2) {
    EXPECT_EQ(path[k].y, path[k + 1].y);
    rows.insert(path[k].y);
  }
  // Rows at most the spacing apart, and alternate rows run the other way.
  for (auto it = std::next(rows.begin()); it != rows.end(); ++it)
    EXPECT_LE(*it - *std::prev(it), 5.0 + 1e-9);
  EXPECT_LT(path[0].x, path[1].x);
  const auto second_row = std::find_if(path.begin(), path.end(), [&](PointMm p) { return p.y != path[0].y; });
  ASSERT_NE(second_row, path.end());
  EXPECT_GT(second_row->x, std::next(second_row)->x);
  EXPECT_GT(rows.size(), 6U);
}

TEST(GridPlanner, RefusesAPlanOverTheSessionCapSayingByHowMuch) {
  const std::vector<Zone> zones{{"crown", rectangle(0, 0, 150, 120)}};
  PlanRequest r;
  r.spacing_mm = 9;  // covers it (see the next test)
  r.session_cap_nl = 1'000'000'000;
  const std::int64_t needed = plan_grid(zones, r).volume_nl;
  r.session_cap_nl = needed;
  EXPECT_NO_THROW(plan_grid(zones, r));
  r.session_cap_nl = needed - 2'400'000;
  char expected[160];
  std::snprintf(expected, sizeof expected, "the plan needs %.2f ml, 2.40 ml over the %.2f ml session cap",
                static_cast<double>(needed) / 1e6, static_cast<double>(needed - 2'400'000) / 1e6);
  try {
    plan_grid(zones, r);
    ADD_FAILURE() << "not refused";
  } catch (const PlanRefused& e) {
    EXPECT_EQ(std::string(e.what()).rfind(expected, 0), 0U) << e.what();
  }
}

// Rectangles at the default 10 mm spacing, each of which the relaxation from the lattice alone left 0.01 to
// 0.38 mm short of the goal at its corners or sides: relaxed again from points on the corners and sides
// (boundary_seed.hpp), they are covered.
TEST(GridPlanner, RectanglesAtTheDefaultSpacingAreCovered) {
  struct Sized {
    double width, height, margin;
  };
  for (const Sized& c :
       std::vector<Sized>{{90, 60, 0}, {100, 60, 0}, {70, 70, 1}, {100, 70, 1}, {80, 80, 3}}) {
    SCOPED_TRACE(std::to_string(c.width) + " x " + std::to_string(c.height) + " mm, margin " +
                 std::to_string(c.margin) + " mm");
    const PolygonMm zone = rectangle(0, 0, c.width, c.height);
    PlanRequest r;
    r.margin_mm = c.margin;
    r.session_cap_nl = 1'000'000'000;
    const GridPlan plan = plan_grid({{"crown", zone}}, r);
    const auto points = positions(plan);
    EXPECT_LE(plan.zones[0].coverage_mm, coverage_goal_mm(10));
    EXPECT_LE(worst_gap_bucketed(zone, c.margin, points, 10), coverage_goal_mm(10));
    expect_spacing_kept(plan, 10);
    for (const PointMm& p : points)
      ASSERT_TRUE(treatable(zone, c.margin, p)) << p.x << ", " << p.y;
  }
}

// A 150 x 120 mm rectangle at the default 10 mm, with no border fills: its corners and long sides leave spots
// 6.40 mm from every point, beyond the 6.27 mm goal. The refusal says at which spacing it is covered, and it
// is. With border fills (the default), it is planned at 10 mm, and the plan says how many points were added
// and how near they come.
TEST(GridPlanner, ARefusalForCoverageNamesASpacingThatCovers) {
  const PolygonMm crown = rectangle(0, 0, 150, 120);
  PlanRequest r;
  r.session_cap_nl = 1'000'000'000;
  const GridPlan filled = plan_grid({{"crown", crown}}, r);
  EXPECT_GT(filled.zones[0].border_fills, 0);
  EXPECT_LE(worst_gap_bucketed(crown, 2, positions(filled), 10), coverage_goal_mm(10));
  expect_spacing_kept(filled, 10);
  r.border_fills = false;
  try {
    plan_grid({{"crown", crown}}, r);
    FAIL() << "a plan was made";
  } catch (const PlanShortOfCoverage& e) {
    const std::string what = e.what();
    EXPECT_NE(what.find("zone 'crown' (6.40 mm) is not covered at 10.0 mm spacing"), std::string::npos)
        << what;
    EXPECT_NE(what.find("at 9.0 mm spacing every zone is covered: plan at that spacing"), std::string::npos)
        << what;
    EXPECT_GE(e.plan.zones[0].coverage_mm, worst_gap_bucketed(crown, 2, positions(e.plan), 10));
  }
  r.spacing_mm = 9;
  const GridPlan plan = plan_grid({{"crown", crown}}, r);
  EXPECT_LE(worst_gap_bucketed(crown, 2, positions(plan), 9), coverage_goal_mm(9));
  expect_spacing_kept(plan, 9);
}

std::string refusal(const std::vector<Zone>& zones, const PlanRequest& r) {
  try {
    plan_grid(zones, r);
  } catch (const PlanRefused& e) {
    return e.what();
  }
  return "(accepted)";
}

PlanRequest with(Technique t, double spacing, int depth, int dose) {
  PlanRequest r;
  r.technique = t;
  r.spacing_mm = spacing;
  r.depth_um = depth;
  r.dose_nl = dose;
  return r;
}

TEST(GridPlanner, RefusesSpacingDepthAndDoseOutsideTheTechniquesRange) {
  const std::vector<Zone> zones{{"crown", rectangle(0, 0, 40, 40)}};
  EXPECT_NE(refusal(zones, with(Technique::point, 4.9, 0, 0)).find("spacing 4.9 mm is outside the point"),
            std::string::npos);
  EXPECT_NE(refusal(zones, with(Technique::point, 21, 0, 0)).find("range 5 to 20 mm"), std::string::npos);
  EXPECT_NE(refusal(zones, with(Technique::nappage, 5, 0, 0)).find("range 2 to 4 mm"), std::string::npos);
  EXPECT_NE(refusal(zones, with(Technique::nappage, 1.5, 0, 0)).find("spacing 1.5 mm"), std::string::npos);
  EXPECT_NE(refusal(zones, with(Technique::point, 0, 999, 0)).find("depth 999 um"), std::string::npos);
  EXPECT_NE(refusal(zones, with(Technique::point, 0, 4001, 0)).find("1000 to 4000 um"), std::string::npos);
  EXPECT_NE(refusal(zones, with(Technique::nappage, 0, 2500, 0)).find("1000 to 2000 um"), std::string::npos);
  EXPECT_NE(refusal(zones, with(Technique::pen, 0, 200, 0)).find("250 to 2500 um"), std::string::npos);
  EXPECT_NE(refusal(zones, with(Technique::pen, 0, 2600, 0)).find("depth 2600 um"), std::string::npos);
  EXPECT_NE(refusal(zones, with(Technique::point, 0, 0, 9999)).find("dose 9999 nl"), std::string::npos);
  EXPECT_NE(refusal(zones, with(Technique::nappage, 0, 0, 50001)).find("10000 to 50000 nl"),
            std::string::npos);
  EXPECT_NE(refusal(zones, with(Technique::pen, 0, 0, 10000)).find("delivers no dose"), std::string::npos);
  PlanRequest r;
  r.margin_mm = -1;
  EXPECT_NE(refusal(zones, r).find("margin -1.0 mm"), std::string::npos);
  // The edges of each range are allowed.
  PlanRequest edge = with(Technique::point, 5, 1000, 10000);
  edge.session_cap_nl = 1'000'000'000;
  EXPECT_EQ(refusal(zones, edge), "(accepted)");
  edge = with(Technique::nappage, 4, 2000, 50000);
  edge.session_cap_nl = 1'000'000'000;
  EXPECT_EQ(refusal(zones, edge), "(accepted)");
  EXPECT_EQ(refusal(zones, with(Technique::pen, 20, 2500, 0)), "(accepted)");
}

TEST(GridPlanner, RefusesBadZoneLists) {
  const PlanRequest r;
  EXPECT_NE(refusal({}, r).find("no zones to plan"), std::string::npos);
  EXPECT_NE(refusal({{"crown", rectangle(0, 0, 40, 40)}, {"crown", rectangle(50, 0, 90, 40)}}, r)
                .find("two zones are named 'crown'"),
            std::string::npos);
  EXPECT_NE(refusal({{"", rectangle(0, 0, 40, 40)}}, r).find("zone #1 has no name"), std::string::npos);
  EXPECT_NE(refusal({{"line", {{0, 0}, {10, 0}}}}, r).find("'line' has 2 vertices"), std::string::npos);
  // A bow tie: a vertex dragged across the opposite edge. Its mirror image is a plain quadrilateral.
  EXPECT_EQ(refusal({{"crown", {{0, 0}, {40, 40}, {40, 0}, {0, 40}}}}, r),
            "zone 'crown' crosses itself: move its vertices so that its outline does not cross");
  EXPECT_NO_THROW(plan_grid({{"crown", {{0, 0}, {40, 0}, {40, 40}, {0, 40}}}}, r));
  // 3 mm wide: nothing left inside a 2 mm margin; the zone is named.
  EXPECT_EQ(refusal({{"crown", rectangle(0, 0, 40, 40)}, {"hairline", rectangle(0, 50, 80, 53)}}, r),
            "zone 'hairline' has no treatable area inside its 2.0 mm margin: enlarge the zone or reduce the "
            "margin");
  PlanRequest pen = r;
  pen.technique = Technique::pen;
  EXPECT_NE(refusal({{"hairline", rectangle(0, 50, 80, 53)}}, pen).find("'hairline' has no treatable area"),
            std::string::npos);
}

TEST(GridPlanner, TechniqueNames) {
  for (const Technique t : {Technique::point, Technique::nappage, Technique::pen})
    EXPECT_EQ(technique_from_string(to_string(t)), t);
  EXPECT_THROW(technique_from_string("laser"), PlanRefused);
}

std::vector<PointMm> random_points(std::mt19937& rng, int n, double jitter) {
  std::uniform_real_distribution<double> unit(-1, 1);
  std::vector<PointMm> points;
  points.reserve(static_cast<std::size_t>(n));
  const int side = static_cast<int>(std::sqrt(n)) + 1;
  for (int i = 0; i < n; ++i) {
    const int row_index = i / side;  // whole rows
    const auto col = static_cast<double>(i % side);
    const auto row = static_cast<double>(row_index);
    points.push_back({col * 3.0 + jitter * unit(rng), row * 2.6 + jitter * unit(rng)});
  }
  std::shuffle(points.begin(), points.end(), rng);
  return points;
}

TEST(GridPlanner, OrderIsAPermutationAndTwoOptNeverLengthensTheBoustrophedon) {
  std::mt19937 rng(99);
  int shorter = 0;
  for (int trial = 0; trial < 60; ++trial) {
    const int n = trial < 5 ? trial : 5 + trial * 13;
    const auto points = random_points(rng, n, trial % 3 == 0 ? 0.0 : 1.5 * (trial % 4));
    const auto order = order_points(points, 2.6);
    const auto rows = boustrophedon_order(points, 2.6);
    ASSERT_EQ(order.size(), points.size());
    std::vector<std::size_t> sorted = order;
    std::sort(sorted.begin(), sorted.end());
    for (std::size_t i = 0; i < sorted.size(); ++i)
      ASSERT_EQ(sorted[i], i) << "trial " << trial;
    EXPECT_LE(path_length_mm(points, order), path_length_mm(points, rows) + 1e-9) << "trial " << trial;
    shorter += path_length_mm(points, order) < path_length_mm(points, rows) - 1e-6 ? 1 : 0;
  }
  EXPECT_GE(shorter, 20);  // 2-opt does something on jittered rows
}

TEST(GridPlanner, BoustrophedonSweepsRowsBackAndForth) {
  const std::vector<PointMm> points{{0, 10}, {10, 0}, {0, 0}, {10, 10}, {20, 0}, {20, 10}};
  const auto rows = boustrophedon_order(points, 10);
  EXPECT_EQ(rows, (std::vector<std::size_t>{2, 1, 4, 5, 3, 0}));
  EXPECT_DOUBLE_EQ(path_length_mm(points, rows), 50);
  EXPECT_EQ(path_length_mm(points, order_points(points, 10)), 50);  // already optimal: 2-opt keeps it
}

// Zones apart are planned at once on several threads; a zone near an earlier one waits for it. Neither may
// change the plan: two big zones apart (mended window by window) and a strip touching the first.
TEST(GridPlanner, ThePlanIsTheSameWhateverTheNumberOfThreads) {
  PolygonMm apart = ellipse(90, 70, 32);
  for (PointMm& p : apart)
    p.x += 220;
  const std::vector<Zone> zones{
      {"crown", ellipse(90, 70, 32)}, {"vertex", apart}, {"hairline", rectangle(-30, 70, 30, 90)}};
  PlanRequest r;
  r.technique = Technique::nappage;
  r.margin_mm = 0;
  r.session_cap_nl = 1'000'000'000;
  r.threads = 1;
  const GridPlan one = plan_grid(zones, r);
  for (const unsigned threads : {2U, 3U}) {
    r.threads = threads;
    const GridPlan several = plan_grid(zones, r);
    ASSERT_EQ(several.points.size(), one.points.size()) << threads << " threads";
    for (std::size_t i = 0; i < one.points.size(); ++i) {
      EXPECT_EQ(several.points[i].mm.x, one.points[i].mm.x) << "point " << i << ", " << threads << " threads";
      EXPECT_EQ(several.points[i].mm.y, one.points[i].mm.y) << "point " << i << ", " << threads << " threads";
      EXPECT_EQ(several.points[i].zone, one.points[i].zone) << "point " << i << ", " << threads << " threads";
    }
    for (std::size_t z = 0; z < zones.size(); ++z)
      EXPECT_EQ(several.zones[z].coverage_mm, one.zones[z].coverage_mm) << zones[z].name;
  }
  expect_spacing_kept(one, 3);
  for (const ZoneTotals& zone : one.zones)
    EXPECT_LE(zone.coverage_mm, coverage_goal_mm(3)) << zone.name;
}

}  // namespace
}  // namespace meso::vision
