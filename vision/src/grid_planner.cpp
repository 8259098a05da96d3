// The injection-grid planner. Point and nappage plans start from one hexagonal lattice shared by every zone
// (touching zones then agree along their common border), cropped to each zone's treatable area; the lattice
// alone leaves holes along the margin, so the holes are then filled greedily, deepest first, wherever a point
// fits without coming closer than 0.9 x spacing to another. Only the lattice cells near the margin are
// sampled for holes, so the work is proportional to the border, not to the area. A hole that stays (no
// point fits without moving its neighbours) sends a small zone to border_relaxation.hpp, which moves them;
// in a bigger zone, only the few points around each hole move, within a window.
#include "meso/vision/grid_planner.hpp"

#include <algorithm>
#include <cmath>
#include <cstdio>
#include <limits>
#include <optional>
#include <set>
#include <string>
#include <utility>
#include <vector>

#include "border_relaxation.hpp"
#include "boundary_seed.hpp"
#include "farthest_point.hpp"
#include "treatable_area.hpp"
#include "zone_tasks.hpp"

namespace meso::vision {

namespace {

using planning::floor_of;
using planning::kInside;
using planning::TreatableArea;

constexpr double kSqrt3 = 1.7320508075688772;

struct Limits {
  double min_spacing, max_spacing, default_spacing;
  int min_depth, max_depth, default_depth;
  int min_dose, max_dose, default_dose;
};

Limits limits_of(Technique t) {
  switch (t) {
    case Technique::nappage:
      return {2, 4, 3, 1000, 2000, 1500, 10000, 50000, 10000};
    case Technique::pen:
      return {2, 20, 8, 250, 2500, 1000, 0, 0, 0};
    case Technique::point:
      break;
  }
  return {5, 20, 10, 1000, 4000, 4000, 10000, 50000, 50000};
}

std::string decimals(double value, int places) {
  std::string text(64, '\0');
  const int n = std::snprintf(text.data(), text.size(), "%.*f", places, value);
  text.resize(static_cast<std::size_t>(std::max(n, 0)));
  return text;
}

std::string ml(std::int64_t nl) {
  return decimals(static_cast<double>(nl) / 1e6, 2) + " ml";
}

struct Settings {
  Technique technique = Technique::point;
  double spacing = 0;
  double margin = 0;
  int depth = 0;
  int dose = 0;
  std::int64_t cap = 0;
  bool border_fills = true;
};

Settings resolve(const PlanRequest& r) {
  const Limits l = limits_of(r.technique);
  const std::string tech = std::string(to_string(r.technique)) + " technique";
  Settings s{r.technique,
             r.spacing_mm == 0 ? l.default_spacing : r.spacing_mm,
             r.margin_mm,
             r.depth_um == 0 ? l.default_depth : r.depth_um,
             r.dose_nl == 0 ? l.default_dose : r.dose_nl,
             r.session_cap_nl,
             r.border_fills};
  if (!std::isfinite(s.spacing) || s.spacing < l.min_spacing || s.spacing > l.max_spacing)
    throw PlanRefused("spacing " + decimals(s.spacing, 1) + " mm is outside the " + tech + "'s range " +
                      decimals(l.min_spacing, 0) + " to " + decimals(l.max_spacing, 0) +
                      " mm: choose a spacing in that range, or 0 for the default " +
                      decimals(l.default_spacing, 0) + " mm");
  if (!std::isfinite(s.margin) || s.margin < 0 || s.margin > 50)
    throw PlanRefused("margin " + decimals(s.margin, 1) + " mm is not usable: choose 0 to 50 mm");
  if (s.depth < l.min_depth || s.depth > l.max_depth)
    throw PlanRefused("depth " + std::to_string(s.depth) + " um is outside the " + tech + "'s range " +
                      std::to_string(l.min_depth) + " to " + std::to_string(l.max_depth) +
                      " um: choose a depth in that range, or 0 for the default " +
                      std::to_string(l.default_depth) + " um");
  if (r.technique == Technique::pen && r.dose_nl != 0)
    throw PlanRefused("the pen technique delivers no dose: leave the dose at 0");
  if (s.dose < l.min_dose || s.dose > l.max_dose)
    throw PlanRefused("dose " + std::to_string(s.dose) + " nl per point is outside the " + tech +
                      "'s range " + std::to_string(l.min_dose) + " to " + std::to_string(l.max_dose) +
                      " nl: choose a dose in that range, or 0 for the default " +
                      std::to_string(l.default_dose) + " nl");
  if (s.cap <= 0) throw PlanRefused("the session cap must be positive: set it in nl (10 ml = 10000000 nl)");
  return s;
}

double cross(PointMm o, PointMm a, PointMm b) {
  return (a.x - o.x) * (b.y - o.y) - (a.y - o.y) * (b.x - o.x);
}

// Edges ab and cd cross at a point inside both (touching at an end does not count).
bool edges_cross(PointMm a, PointMm b, PointMm c, PointMm d) {
  const double d1 = cross(c, d, a), d2 = cross(c, d, b), d3 = cross(a, b, c), d4 = cross(a, b, d);
  return ((d1 > 0 && d2 < 0) || (d1 < 0 && d2 > 0)) && ((d3 > 0 && d4 < 0) || (d3 < 0 && d4 > 0));
}

// A dragged vertex can fold a zone over itself; the inside of such an outline means nothing clinically.
bool crosses_itself(const PolygonMm& polygon) {
  const std::size_t n = polygon.size();
  for (std::size_t i = 0; i < n; ++i)
    for (std::size_t j = i + 2; j < n; ++j) {
      if (i == 0 && j == n - 1) continue;  // neighbours through the closing edge
      if (edges_cross(polygon[i], polygon[i + 1], polygon[j], polygon[(j + 1) % n])) return true;
    }
  return false;
}

void check_zones(const std::vector<Zone>& zones) {
  if (zones.empty()) throw PlanRefused("no zones to plan: draw, suggest or load at least one treatment zone");
  std::set<std::string> names;
  for (std::size_t i = 0; i < zones.size(); ++i) {
    const Zone& z = zones[i];
    if (z.name.empty()) throw PlanRefused("zone #" + std::to_string(i + 1) + " has no name: name every zone");
    if (!names.insert(z.name).second)
      throw PlanRefused("two zones are named '" + z.name + "': give each zone its own name");
    if (z.polygon_mm.size() < 3)
      throw PlanRefused("zone '" + z.name + "' has " + std::to_string(z.polygon_mm.size()) +
                        " vertices: a zone needs at least 3");
    for (const PointMm& p : z.polygon_mm)
      if (!std::isfinite(p.x) || !std::isfinite(p.y))
        throw PlanRefused("zone '" + z.name + "' has a vertex that is not a finite number: redraw it");
    if (crosses_itself(z.polygon_mm))
      throw PlanRefused("zone '" + z.name +
                        "' crosses itself: move its vertices so that its outline does not cross");
  }
}

long ceil_of(double v) {
  return static_cast<long>(std::ceil(v));
}

int parity(long row) {
  return static_cast<int>(((row % 2) + 2) % 2);
}

// The hexagonal lattice shared by every zone: rows `spacing x sqrt(3)/2` apart, odd rows shifted by half.
struct Lattice {
  double s;
  double h;
  PointMm at(long row, long col) const {
    return {(static_cast<double>(col) + 0.5 * parity(row)) * s, static_cast<double>(row) * h};
  }
  std::pair<long, long> nearest(PointMm q) const {
    const long r0 = floor_of(q.y / h);
    std::pair<long, long> best{r0, 0};
    double best_d = std::numeric_limits<double>::infinity();
    for (long r = r0; r <= r0 + 1; ++r) {
      const long c = floor_of(q.x / s - 0.5 * parity(r) + 0.5);  // lround, inlined
      const PointMm v = at(r, c);
      const double d = (q.x - v.x) * (q.x - v.x) + (q.y - v.y) * (q.y - v.y);  // squared
      if (d < best_d) best_d = d, best = {r, c};
    }
    return best;
  }
  // Whether q lies in the cell of vertex v (at `own`). Where q is clear of the cell's sides this is the
  // hexagon's three pairs of sides, a few products; on a side, nearest() decides, so that a point there
  // still belongs to one cell only.
  bool in_cell(std::pair<long, long> own, PointMm v, PointMm q) const {
    const double dx = q.x - v.x, dy = q.y - v.y;
    const double across = std::max({std::abs(dx), std::abs(0.5 * dx + kSqrt3 / 2 * dy),
                                    std::abs(-0.5 * dx + kSqrt3 / 2 * dy)});  // towards the 6 neighbours
    if (across < s / 2 - 1e-9 * s) return true;
    if (across > s / 2 + 1e-9 * s) return false;
    return nearest(q) == own;
  }
};

// The planned points a zone's planning sees: those of the earlier zones near it, then its own; or, for the
// final measure, every zone's.
struct Sites {
  std::vector<PointMm> pos;

  std::size_t size() const { return pos.size(); }
  void add(PointMm p) { pos.push_back(p); }
};

// A bucket grid over the planning box; queries reach one cell around, so radii up to the cell size.
class PointIndex {
 public:
  PointIndex(const BoxMm& box, double cell)
      : box_(box),
        cell_(cell),
        cols_(static_cast<long>(std::ceil(box.width() / cell)) + 1),
        rows_(static_cast<long>(std::ceil(box.height() / cell)) + 1) {}

  void rebuild(const Sites& sites) {
    cells_.assign(static_cast<std::size_t>(cols_ * rows_), {});
    for (std::size_t i = 0; i < sites.size(); ++i)
      add(sites, i);
  }
  void add(const Sites& sites, std::size_t i) { cells_[slot(sites.pos[i])].push_back(i); }
  // Before point i leaves `from` (moved or renumbered).
  void remove(std::size_t i, PointMm from) {
    auto& cell = cells_[slot(from)];
    const auto it = std::find(cell.begin(), cell.end(), i);
    if (it == cell.end()) return;
    *it = cell.back();
    cell.pop_back();
  }

  // Calls f(i) for each indexed point within `radius` of p.
  template <class F>
  void within(const Sites& sites, PointMm p, double radius, F f) const {
    const auto [x0, y0] = cell_of({p.x - radius, p.y - radius});
    const auto [x1, y1] = cell_of({p.x + radius, p.y + radius});
    for (long y = y0; y <= y1; ++y)
      for (long x = x0; x <= x1; ++x)
        for (const std::size_t i : cells_[static_cast<std::size_t>(y * cols_ + x)]) {
          const double dx = p.x - sites.pos[i].x, dy = p.y - sites.pos[i].y;
          if (dx * dx + dy * dy <= radius * radius) f(i);
        }
  }

  // Distance to the nearest indexed point, or infinity when none lies within one cell.
  double nearest(const Sites& sites, PointMm p) const {
    double best = std::numeric_limits<double>::infinity();  // squared
    const auto [cx, cy] = cell_of(p);
    for (long y = std::max(cy - 1, 0L); y <= std::min(cy + 1, rows_ - 1); ++y)
      for (long x = std::max(cx - 1, 0L); x <= std::min(cx + 1, cols_ - 1); ++x)
        for (const std::size_t i : cells_[static_cast<std::size_t>(y * cols_ + x)]) {
          const double dx = p.x - sites.pos[i].x, dy = p.y - sites.pos[i].y;
          best = std::min(best, dx * dx + dy * dy);
        }
    return std::sqrt(best);  // hypot's care for overflow costs most of this loop's time
  }

 private:
  std::pair<long, long> cell_of(PointMm p) const {
    const long x = floor_of((p.x - box_.min_x) / cell_);
    const long y = floor_of((p.y - box_.min_y) / cell_);
    return {std::clamp(x, 0L, cols_ - 1), std::clamp(y, 0L, rows_ - 1)};
  }
  std::size_t slot(PointMm p) const {
    const auto [x, y] = cell_of(p);
    return static_cast<std::size_t>(y * cols_ + x);
  }

  BoxMm box_;
  double cell_;
  long cols_, rows_;
  std::vector<std::vector<std::size_t>> cells_;
};

// What one zone's planning needs to know.
struct ZoneJob {
  const TreatableArea& area;
  double spacing;
  double min_gap;  // no two points closer
  double reach;    // every sample within this of a point
  double sample_step;
};

// The lattice points of the area, less those too close to an earlier zone's points (the earlier zone holds
// the area they share). Returns the lattice vertices near the area that got no point: only their cells
// can hold holes, since a placed vertex covers its own cell.
std::vector<PointMm> seed_lattice(Sites& sites, PointIndex& index, const Lattice& lattice, const ZoneJob& job,
                                  bool& any_inside) {
  std::vector<PointMm> open;
  const BoxMm& b = job.area.box();
  const double cell_radius = lattice.s / kSqrt3;
  const double outside = cell_radius + job.sample_step;  // beyond this, a vertex's cell lies wholly outside
  for (long r = floor_of((b.min_y - cell_radius) / lattice.h);
       r <= ceil_of((b.max_y + cell_radius) / lattice.h); ++r) {
    // phi changes by at most the distance moved: from the last vertex probed, the bounds `low` and `high`
    // widen by a spacing per vertex along the row, and settle the vertices deep inside or far outside
    // without a probe.
    double low = -std::numeric_limits<double>::infinity(), high = std::numeric_limits<double>::infinity();
    for (long c = floor_of((b.min_x - cell_radius) / lattice.s) - 1;
         c <= ceil_of((b.max_x + cell_radius) / lattice.s); ++c, low -= lattice.s, high += lattice.s) {
      const PointMm v = lattice.at(r, c);
      if (high > -kInside && low <= outside) low = high = job.area.phi(v);
      if (low > outside) continue;
      const bool inside = high <= -kInside;
      if (inside) any_inside = true;
      if (inside && index.nearest(sites, v) >= job.min_gap) {
        sites.add(v);
        index.add(sites, sites.size() - 1);  // a spacing from its lattice neighbours: it crowds none of them
      } else {
        open.push_back(v);
      }
    }
  }
  return open;
}

// Calls f(q, x, y) for each point q = (x * h, y * h) of the grid of step h in the cells of the open lattice
// vertices. A point in a placed vertex's cell is within spacing/sqrt(3) of it, so only these can be holes.
template <class F>
void for_open_cells(const Lattice& lattice, const std::vector<PointMm>& open, double h, F f) {
  const double cell_radius = lattice.s / kSqrt3;
  for (const PointMm v : open) {
    const auto own = lattice.nearest(v);
    for (long y = floor_of((v.y - cell_radius) / h); y <= ceil_of((v.y + cell_radius) / h); ++y)
      for (long x = floor_of((v.x - lattice.s / 2) / h); x <= ceil_of((v.x + lattice.s / 2) / h); ++x) {
        const PointMm q{static_cast<double>(x) * h, static_cast<double>(y) * h};
        if (lattice.in_cell(own, v, q)) f(q, x, y);
      }
  }
}

// The samples of the open cells, within the area or a sliver around it (so that every point of the area is
// near a sample).
std::vector<PointMm> border_samples(const Lattice& lattice, const std::vector<PointMm>& open,
                                    const ZoneJob& job, bool& any_inside) {
  std::vector<PointMm> out;
  const double slack = 0.71 * job.sample_step;
  for_open_cells(lattice, open, job.sample_step, [&](PointMm q, long, long) {
    if (job.area.phi(q) <= 0) {
      any_inside = true;
      out.push_back(q);
    } else if (job.area.within(q, slack)) {
      out.push_back(q);
    }
  });
  return out;
}

// The samples that the points placed so far leave farther than `reach` from any point: the holes, deepest
// first.
std::vector<PointMm> holes(const Sites& sites, const PointIndex& index, const std::vector<PointMm>& samples,
                           double reach) {
  std::vector<std::pair<double, PointMm>> ranked;
  for (const PointMm& q : samples)
    if (const double d = index.nearest(sites, q); d > reach) ranked.emplace_back(d, q);
  std::stable_sort(ranked.begin(), ranked.end(),
                   [](const auto& a, const auto& b) { return a.first > b.first; });
  std::vector<PointMm> out;
  out.reserve(ranked.size());
  for (const auto& hole : ranked)
    out.push_back(hole.second);
  return out;
}

// Greedy hole filling, deepest first: a point goes at the hole (pulled inside the area) unless it would come
// closer than the minimum gap to another point. The spacing always holds; a hole whose neighbours leave no
// room stays (see the header).
void fill_holes(Sites& sites, PointIndex& index, const std::vector<PointMm>& deepest, const ZoneJob& job) {
  for (const PointMm& q : deepest) {
    if (index.nearest(sites, q) <= job.reach) continue;  // a point added meanwhile covers it
    const auto p = job.area.pull_inside(q);
    if (!p || index.nearest(sites, *p) < job.min_gap) continue;
    sites.add(*p);
    index.add(sites, sites.size() - 1);
  }
}

// How a zone's coverage is known: from samples along the margin only (the lattice cells that got no point;
// every other cell is within spacing/sqrt(3) of its vertex, unless a window moved it), measured once every
// zone is placed, and the bound that each window that met its goal checked over its samples (a window checks
// every sample its moving points covered, so the last window over a sample bounds it; a window that only
// gained leaves its samples to be measured with the rest); or, once all its points moved, from the
// relaxation's own measure over all of its area.
struct ZoneCoverage {
  std::vector<PointMm> margin_samples;
  double step = 0;           // of the margin's sample grid
  double bounded_worst = 0;  // over the samples bounded whole: settled squares, windows that met the goal
  std::optional<double> relaxed_worst;  // over samples kRelaxedSampleStep apart
};

// Relaxing a zone as a whole costs time in proportion to its area, mending its holes one window at a time
// in proportion to its border. Up to this many points a zone is relaxed as a whole, which covers best: about
// 1.5 s at most. At 3 mm nappage a 90 x 70 mm crown has about 560 points, the whole top of a scalp
// (150 x 110 mm) about 1,600. Bigger zones are mended window by window.
constexpr std::size_t kRelaxMaxPoints = 2000;
// The relaxation checks its goal on a finer grid than the margin's samples: the goal it aims at is the
// guarantee less this grid's half-diagonal, so a finer grid leaves the points more room.
constexpr double kRelaxedSampleStep = 0.125;
// A hole is mended by relaxing the zone's points within one of these radii (in spacings) of it, the smallest
// that mends it; a window's samples reach the goal's radius (and a little) beyond its moving points.
constexpr double kWindowRadii[] = {1.0, 2.0, 3.0, 4.0};
constexpr double kGain = 1e-3;  // mm: what a window that does not mend its hole must gain to be kept

// A window's disc: its moving points, and the goal's reach (and a little) beyond them.
double window_radius(double radius_spacings, double spacing) {
  return radius_spacings * spacing + coverage_goal_mm(spacing) + 0.3;
}
// The points that can matter to a window's samples: those near enough to cover one, or to crowd a point
// that moves.
double window_fixed_reach(double window_radius_mm, double spacing) {
  return window_radius_mm + spacing + coverage_goal_mm(spacing);
}

// Every point within a sample grid's cell lies within this of one of its corners.
double half_diagonal(double step) {
  return step * std::sqrt(0.5);
}

double relaxed_reach(double spacing) {
  return coverage_goal_mm(spacing) - half_diagonal(kRelaxedSampleStep);
}

planning::CoverageGoal relaxed_goal(const ZoneJob& job) {
  return {job.spacing, job.min_gap, relaxed_reach(job.spacing), kRelaxedSampleStep};
}

double worst_of(const Sites& sites, const PointIndex& index, const std::vector<PointMm>& samples) {
  double worst = 0;
  for (const PointMm& q : samples)
    worst = std::max(worst, index.nearest(sites, q));
  return worst;
}

// The finer grid's samples of the open cells, but only where the points placed so far leave them in doubt.
// The grid is walked in squares of 3 x 3 samples: a square whose centre lies within reach of a point, with
// the square's half-diagonal to spare, is settled whole (the bound is added to `settled`, the samples are
// left out); most of the border is. The windows that later move points check every sample those covered,
// so a settled square stays bounded by its own bound or by a window's.
std::vector<PointMm> doubtful_samples(const Lattice& lattice, const std::vector<PointMm>& open,
                                      planning::SampleGrid& grid, const Sites& sites, const PointIndex& index,
                                      double reach, double& settled) {
  std::vector<PointMm> out;
  const double h = grid.step();
  const double cell_radius = lattice.s / kSqrt3;
  const double corner = h * std::sqrt(2.0);  // from a square's centre to its farthest sample
  for (const PointMm v : open) {
    const auto own = lattice.nearest(v);
    for (long y = floor_of((v.y - cell_radius) / (3 * h)); y <= ceil_of((v.y + cell_radius) / (3 * h)); ++y)
      for (long x = floor_of((v.x - cell_radius) / (3 * h)); x <= ceil_of((v.x + cell_radius) / (3 * h));
           ++x) {
        long in_cell[9][2];
        int count = 0;
        for (long j = 3 * y - 1; j <= 3 * y + 1; ++j)
          for (long i = 3 * x - 1; i <= 3 * x + 1; ++i)
            if (lattice.in_cell(own, v, {static_cast<double>(i) * h, static_cast<double>(j) * h}))
              in_cell[count][0] = i, in_cell[count++][1] = j;
        if (count == 0) continue;
        const double bound =
            index.nearest(sites, {static_cast<double>(3 * x) * h, static_cast<double>(3 * y) * h}) + corner;
        if (bound <= reach) {
          settled = std::max(settled, bound);
          continue;
        }
        for (int k = 0; k < count; ++k)
          if (grid.holds(in_cell[k][0], in_cell[k][1]))
            out.push_back({static_cast<double>(in_cell[k][0]) * h, static_cast<double>(in_cell[k][1]) * h});
      }
  }
  return out;
}

// Puts `points` in place of the zone's points at `slots` (ascending), keeping the index in step. The zone's
// points follow the other zones' in `sites`, and their order within the zone does not matter, so a point
// left over is replaced by the last one.
void replace_points(Sites& sites, PointIndex& index, const std::vector<std::size_t>& slots,
                    const std::vector<PointMm>& points) {
  for (std::size_t k = 0; k < std::min(slots.size(), points.size()); ++k) {
    index.remove(slots[k], sites.pos[slots[k]]);
    sites.pos[slots[k]] = points[k];
    index.add(sites, slots[k]);
  }
  for (std::size_t k = slots.size(); k < points.size(); ++k) {
    sites.add(points[k]);
    index.add(sites, sites.size() - 1);
  }
  for (std::size_t k = slots.size(); k-- > points.size();) {  // from the back: the last point is never one
    const std::size_t gone = slots[k], last = sites.size() - 1;
    index.remove(gone, sites.pos[gone]);
    if (gone != last) {
      index.remove(last, sites.pos[last]);
      sites.pos[gone] = sites.pos[last];
      index.add(sites, gone);
    }
    sites.pos.pop_back();
  }
}

// What a window whose points moved leaves to the zone's coverage: the bound it checked over its samples,
// or, when it did not meet the goal, the samples.
struct Mended {
  double bound = 0;
  std::vector<PointMm> samples;
};

// Relaxes the zone's points around hole h, in the smallest window that mends it (or, failing that, in the
// widest, if that brings its worst sample nearer).
std::optional<Mended> mend_hole(Sites& sites, PointIndex& index, std::size_t first,
                                planning::SampleGrid& grid, PointMm h, const ZoneJob& job) {
  const planning::CoverageGoal goal = relaxed_goal(job);
  for (const double radius : kWindowRadii) {
    const double free_reach = radius * job.spacing;
    const planning::Disc window{h, window_radius(radius, job.spacing)};
    std::vector<PointMm> fixed, own;
    std::vector<std::size_t> own_at;
    index.within(sites, h, window_fixed_reach(window.radius, job.spacing), [&](std::size_t i) {
      if (i >= first && distance(sites.pos[i], h) <= free_reach)
        own_at.push_back(i);
      else
        fixed.push_back(sites.pos[i]);
    });
    std::sort(own_at.begin(), own_at.end());
    for (const std::size_t i : own_at)
      own.push_back(sites.pos[i]);
    // The widest window keeps what it gained: the windows of the holes next to this one may finish the work.
    const bool widest = radius == kWindowRadii[std::size(kWindowRadii) - 1];
    planning::RelaxedPoints relaxed =
        planning::relax_window(job.area, grid, fixed, own, goal, window, widest);
    const bool gained = !relaxed.points.empty() && relaxed.worst_gap < relaxed.start_worst - kGain;
    if (!relaxed.met && !(widest && gained)) continue;
    replace_points(sites, index, own_at, relaxed.points);
    if (relaxed.met) return Mended{relaxed.worst_gap, {}};
    return Mended{0, std::move(relaxed.samples)};
  }
  return std::nullopt;
}

// The holes that the lattice and the fill leave, deepest first, each mended in a window of its own
// (mend_hole); returns the worst bound of the windows that met the goal, and adds to the samples those of
// the windows that only gained.
double mend_holes(Sites& sites, PointIndex& index, std::size_t first, planning::SampleGrid& grid,
                  std::vector<PointMm>& samples, const ZoneJob& job) {
  const double reach = relaxed_reach(job.spacing);
  std::vector<PointMm> unmended, gained;
  double windows_worst = 0;
  for (const PointMm& h : holes(sites, index, samples, reach)) {
    if (index.nearest(sites, h) <= reach) continue;  // a window before mended it
    if (std::any_of(unmended.begin(), unmended.end(),
                    [&](PointMm u) { return distance(u, h) <= job.spacing; }))
      continue;  // the windows that failed there would fail here
    if (auto mended = mend_hole(sites, index, first, grid, h, job)) {
      windows_worst = std::max(windows_worst, mended->bound);
      gained.insert(gained.end(), mended->samples.begin(), mended->samples.end());
    } else {
      unmended.push_back(h);
    }
  }
  samples.insert(samples.end(), gained.begin(), gained.end());
  return windows_worst;
}

// When the lattice and the greedy fill leave a hole, a zone of up to kRelaxMaxPoints is relaxed as a whole
// (border_relaxation.hpp), and the relaxed points replace its own when they cover better. A zone that the
// relaxation still leaves short is relaxed once more from points on its corners and sides
// (boundary_seed.hpp), restarting whatever its size: on rectangles of 20 to 100 mm at 10 mm spacing that
// second try brought the zones short of the goal from 12 of 180 to 1 (docs/vision.md).
std::optional<double> relax_if_holed(Sites& sites, std::size_t first, const PointIndex& index,
                                     const std::vector<PointMm>& samples, const ZoneJob& job) {
  const double worst = worst_of(sites, index, samples);
  if (worst <= job.reach) return std::nullopt;
  const std::vector<PointMm> fixed(sites.pos.begin(), sites.pos.begin() + static_cast<long>(first));
  const std::vector<PointMm> own(sites.pos.begin() + static_cast<long>(first), sites.pos.end());
  planning::RelaxedPoints relaxed = planning::relax_zone(job.area, fixed, own, relaxed_goal(job));
  if (!relaxed.met) {
    const auto seed = planning::boundary_seed(job.area, fixed, own, job.spacing, job.min_gap);
    planning::RelaxedPoints second =
        planning::relax_zone(job.area, fixed, seed, relaxed_goal(job), planning::Restarts::any_size);
    if (!second.points.empty() && (relaxed.points.empty() || second.worst_gap < relaxed.worst_gap))
      relaxed = std::move(second);
  }
  if (relaxed.points.empty() ||
      relaxed.worst_gap + half_diagonal(kRelaxedSampleStep) >= worst + half_diagonal(job.sample_step))
    return std::nullopt;
  sites.pos.resize(first);
  for (const PointMm& p : relaxed.points)
    sites.add(p);
  return relaxed.worst_gap;
}

// Plans one zone into `sites`; returns how its coverage is known, or nullopt when the zone has no treatable
// area.
std::optional<ZoneCoverage> plan_zone(Sites& sites, const BoxMm& box, const Lattice& lattice,
                                      const ZoneJob& job) {
  const std::size_t first = sites.size();
  PointIndex index(box, job.spacing);
  index.rebuild(sites);
  bool any_inside = false;
  const auto open = seed_lattice(sites, index, lattice, job, any_inside);
  auto samples = border_samples(lattice, open, job, any_inside);
  fill_holes(sites, index, holes(sites, index, samples, job.reach), job);
  if (!any_inside) return std::nullopt;
  if (sites.size() - first <= kRelaxMaxPoints) {
    if (const auto relaxed = relax_if_holed(sites, first, index, samples, job))
      return ZoneCoverage{{}, 0, 0, relaxed};
    return ZoneCoverage{std::move(samples), job.sample_step, 0, {}};
  }
  if (worst_of(sites, index, samples) <= job.reach)
    return ZoneCoverage{std::move(samples), job.sample_step, 0, {}};
  // Too big to relax as a whole: its holes are mended one by one, and measured on the finer grid.
  planning::SampleGrid grid(job.area, kRelaxedSampleStep);
  double settled = 0;
  auto fine_samples =
      doubtful_samples(lattice, open, grid, sites, index, relaxed_reach(job.spacing), settled);
  const double windows_worst = mend_holes(sites, index, first, grid, fine_samples, job);
  return ZoneCoverage{std::move(fine_samples), kRelaxedSampleStep, std::max(settled, windows_worst), {}};
}

// The distance from q to the nearest planned point of any zone.
double nearest_of_all(const Sites& sites, const PointIndex& index, PointMm q) {
  double d = index.nearest(sites, q);
  if (!std::isfinite(d))  // no point within one bucket: look at them all
    for (const PointMm& p : sites.pos)
      d = std::min(d, distance(p, q));
  return d;
}

// The farthest a point of the zone's treatable area lies from a planned point of any zone (an upper bound):
// the worst sample, or a lattice cell's circumradius when only the margin's cells were sampled, plus the
// sample grid's half-diagonal.
double coverage_radius(const Sites& sites, const PointIndex& index, const ZoneCoverage& zone,
                       double spacing) {
  if (zone.relaxed_worst) return *zone.relaxed_worst + half_diagonal(kRelaxedSampleStep);
  double worst = zone.bounded_worst;
  for (const PointMm& q : zone.margin_samples)
    worst = std::max(worst, nearest_of_all(sites, index, q));
  // A point of the area lies within the half-diagonal of a grid point: a sample, or a grid point in a placed
  // vertex's cell, which lies within spacing/sqrt(3) of that vertex.
  return std::max(spacing / kSqrt3, worst) + half_diagonal(zone.step);
}

BoxMm padded(const BoxMm& b, double pad) {
  return {b.min_x - pad, b.min_y - pad, b.max_x + pad, b.max_y + pad};
}

BoxMm union_box(const std::vector<Zone>& zones, double pad) {
  BoxMm all = bounds(zones.front().polygon_mm);
  for (const Zone& z : zones) {
    const BoxMm b = bounds(z.polygon_mm);
    all = {std::min(all.min_x, b.min_x), std::min(all.min_y, b.min_y), std::max(all.max_x, b.max_x),
           std::max(all.max_y, b.max_y)};
  }
  return padded(all, pad);
}

std::string no_area(const Zone& zone, double margin) {
  return "zone '" + zone.name + "' has no treatable area inside its " + decimals(margin, 1) +
         " mm margin: enlarge the zone or reduce the margin";
}

// Grid sample step: fine enough that covering the samples within `reach` covers every point within the
// guaranteed spacing/sqrt(3) + 0.5 mm, coarse enough to stay fast for nappage.
double sample_step_for(double spacing) {
  return spacing <= 4 ? 0.375 : 0.25;
}

// How far beyond a zone's treatable area its planning looks at other zones' points: the widest window's
// reach from a hole, which lies at most a sample's slack outside the area. Zones farther apart than this are
// planned independently.
double interaction_mm(double spacing) {
  return window_fixed_reach(window_radius(kWindowRadii[std::size(kWindowRadii) - 1], spacing), spacing) +
         half_diagonal(kRelaxedSampleStep);
}

// For each zone, the earlier zones whose points its planning can meet (their polygons' boxes are closer than
// interaction_mm; the treatable areas lie within them).
std::vector<std::vector<std::size_t>> earlier_neighbours(const std::vector<Zone>& zones, double spacing) {
  const double reach = interaction_mm(spacing);
  std::vector<BoxMm> box(zones.size());
  for (std::size_t z = 0; z < zones.size(); ++z)
    box[z] = bounds(zones[z].polygon_mm);
  std::vector<std::vector<std::size_t>> after(zones.size());
  for (std::size_t z = 0; z < zones.size(); ++z)
    for (std::size_t y = 0; y < z; ++y) {
      const double gap_x = std::max(box[y].min_x, box[z].min_x) - std::min(box[y].max_x, box[z].max_x);
      const double gap_y = std::max(box[y].min_y, box[z].min_y) - std::min(box[y].max_y, box[z].max_y);
      if (std::max(gap_x, gap_y) <= reach) after[z].push_back(y);
    }
  return after;
}

struct PlacedPoints {
  std::vector<std::vector<PointMm>> per_zone;
  std::vector<std::vector<std::size_t>> order;  // per zone: the treatment order of its points
  std::vector<double> coverage_mm;              // per zone
  std::vector<std::size_t> first_fill;          // per zone: its points from this index on are border fills
};

// At most this many fills a zone: a gap the lattice, the fills and the relaxation left is a hair's breadth
// wide, and each fill closes the widest one.
constexpr int kMaxBorderFills = 64;

// Closes what coverage the zone still lacks by adding points where its treatable area lies farthest from
// every planned point, until it is covered: each such point may come closer than 0.9 x spacing to others
// (never closer than the coverage goal less 0.01 mm, since it goes only where a point is that far from
// them). Returns the zone's coverage, measured to 0.0001 mm.
double fill_border_gaps(std::size_t z, const std::vector<Zone>& zones, const Settings& st, Sites& sites,
                        PointIndex& index, PlacedPoints& out) {
  const TreatableArea area(zones[z].polygon_mm, st.margin);
  const double goal = coverage_goal_mm(st.spacing);
  const auto farthest = [&](double tolerance) {
    return planning::farthest_point(
        area, [&](PointMm q) { return nearest_of_all(sites, index, q); }, st.spacing / 2, tolerance);
  };
  // Each fill is found to 0.01 mm (to 0.0001 mm the search costs ten times more), the last measure is tight.
  constexpr double kSearch = 0.01;
  for (int k = 0; k < kMaxBorderFills; ++k) {
    const planning::Farthest gap = farthest(kSearch);
    if (gap.bound <= goal || gap.found + kSearch <= goal) break;
    std::optional<PointMm> fill = gap.where;
    if (area.phi(*fill) > -planning::kInside) fill = area.pull_inside(*fill);
    if (!fill || area.phi(*fill) > -planning::kInside) break;
    sites.add(*fill);
    index.add(sites, sites.size() - 1);
    out.per_zone[z].push_back(*fill);
  }
  return farthest(1e-4).bound;
}

// Each zone is planned after the earlier zones near it, with their points fixed, and ordered; zones apart
// are planned at once, on up to `threads` threads. Every zone sees the same points whatever the threads,
// so the plan does not depend on them.
PlacedPoints place_points(const std::vector<Zone>& zones, const Settings& st, unsigned threads) {
  const Lattice lattice{st.spacing, st.spacing * kSqrt3 / 2};
  const BoxMm box = union_box(zones, st.spacing);
  const double step = sample_step_for(st.spacing);
  const std::vector<std::vector<std::size_t>> after = earlier_neighbours(zones, st.spacing);
  PlacedPoints out{std::vector<std::vector<PointMm>>(zones.size()),
                   std::vector<std::vector<std::size_t>>(zones.size()),
                   {},
                   {}};
  std::vector<ZoneCoverage> samples(zones.size());
  planning::run_zone_tasks(after, threads, [&](std::size_t z) {
    Sites sites;
    for (const std::size_t y : after[z])
      for (const PointMm& p : out.per_zone[y])
        sites.add(p);
    const std::size_t first = sites.size();
    const TreatableArea area(zones[z].polygon_mm, st.margin);
    const ZoneJob job{area, st.spacing, 0.9 * st.spacing + 1e-9, coverage_goal_mm(st.spacing) - 0.71 * step,
                      step};
    // The zone's own index covers the zone and the reach of its planning (a point outside a bucket grid goes
    // to its edge bucket, where the queries near it still find it).
    const BoxMm zone_box = padded(bounds(zones[z].polygon_mm), interaction_mm(st.spacing) + st.spacing);
    auto zone_samples = plan_zone(sites, zone_box, lattice, job);
    if (!zone_samples) throw PlanRefused(no_area(zones[z], st.margin));
    samples[z] = std::move(*zone_samples);
    out.per_zone[z].assign(sites.pos.begin() + static_cast<long>(first), sites.pos.end());
    out.order[z] = order_points(out.per_zone[z], lattice.h);
  });
  // Measured once every zone is placed: a later zone's points may cover an earlier zone's border.
  Sites sites;
  for (std::size_t z = 0; z < zones.size(); ++z)
    for (const PointMm& p : out.per_zone[z])
      sites.add(p);
  PointIndex index(box, st.spacing);
  index.rebuild(sites);
  out.coverage_mm.resize(zones.size());
  planning::run_zone_tasks(std::vector<std::vector<std::size_t>>(zones.size()), threads, [&](std::size_t z) {
    out.coverage_mm[z] = coverage_radius(sites, index, samples[z], st.spacing);
    // A sampled bound adds its grid's half-diagonal (0.09 mm once relaxed), so a zone it puts just past the
    // goal may meet it: such a zone is measured again, to 0.0001 mm, before the plan is refused for it.
    if (out.coverage_mm[z] > coverage_goal_mm(st.spacing)) {
      const TreatableArea area(zones[z].polygon_mm, st.margin);
      const double tight = planning::farthest_from_points(
          area, [&](PointMm q) { return nearest_of_all(sites, index, q); }, st.spacing / 2, 1e-4);
      out.coverage_mm[z] = std::min(out.coverage_mm[z], tight);
    }
  });
  // A zone still short is short by a hair's breadth along its border: filled there, one zone after
  // another, so that each fill sees the fills before it.
  for (std::size_t z = 0; z < zones.size(); ++z) {
    out.first_fill.push_back(out.per_zone[z].size());
    if (!st.border_fills || out.coverage_mm[z] <= coverage_goal_mm(st.spacing)) continue;
    out.coverage_mm[z] = fill_border_gaps(z, zones, st, sites, index, out);
    if (out.per_zone[z].size() > out.first_fill[z]) out.order[z] = order_points(out.per_zone[z], lattice.h);
  }
  return out;
}

// The stretches of row y inside the area, refined to 0.01 mm.
std::vector<std::pair<double, double>> row_runs(const TreatableArea& area, double y) {
  const BoxMm& b = area.box();
  const double step = 0.5;
  auto inside = [&](double x) { return area.phi({x, y}) <= -kInside; };
  auto edge = [&](double in, double out) {
    for (int k = 0; k < 20 && std::abs(out - in) > 0.005; ++k) {
      const double mid = (in + out) / 2;
      (inside(mid) ? in : out) = mid;
    }
    return in;
  };
  std::vector<std::pair<double, double>> runs;
  bool open = false;
  double start = 0;
  double prev = b.min_x - step;
  const auto steps = static_cast<long>(std::ceil(b.width() / step)) + 3;
  for (long k = 0; k <= steps; ++k) {
    const double x = b.min_x + static_cast<double>(k) * step;
    const bool in = inside(x);
    if (in && !open) start = edge(x, prev), open = true;
    if (!in && open) runs.emplace_back(start, edge(prev, x)), open = false;
    prev = x;
  }
  return runs;
}

PenPass pen_pass(const Zone& zone, const Settings& st) {
  const TreatableArea area(zone.polygon_mm, st.margin);
  PenPass pass{zone.name, {}, st.depth};
  const BoxMm& b = area.box();
  if (b.height() < 0 || b.width() < 0) return pass;
  const auto rows = std::max(1, static_cast<int>(std::ceil(b.height() / st.spacing)));
  const double pitch = b.height() / rows;
  bool forward = true;
  for (int r = 0; r < rows; ++r) {
    const double y = b.min_y + (r + 0.5) * pitch;
    auto runs = row_runs(area, y);
    if (runs.empty()) continue;
    if (!forward) {
      std::reverse(runs.begin(), runs.end());
      for (auto& run : runs)
        std::swap(run.first, run.second);
    }
    for (const auto& [from, to] : runs) {
      pass.path.push_back({from, y});
      pass.path.push_back({to, y});
    }
    forward = !forward;
  }
  return pass;
}

GridPlan plan_pen(const std::vector<Zone>& zones, const Settings& st) {
  GridPlan plan{st.technique, st.spacing, st.margin, {}, {}, {}, 0};
  for (const Zone& zone : zones) {
    plan.passes.push_back(pen_pass(zone, st));
    if (plan.passes.back().path.empty()) throw PlanRefused(no_area(zone, st.margin));
    plan.zones.push_back({zone.name, 0, 0, area_mm2(zone.polygon_mm)});
  }
  return plan;
}

// The distance from p to the nearest other of `points` (a fill is few, the points a few thousand).
double nearest_other(const std::vector<PointMm>& points, PointMm p) {
  double best = std::numeric_limits<double>::infinity();
  for (const PointMm& q : points)
    if (q.x != p.x || q.y != p.y) best = std::min(best, distance(p, q));
  return best;
}

GridPlan plan_points(const std::vector<Zone>& zones, const Settings& st, unsigned threads) {
  const auto [per_zone, zone_order, coverage_mm, first_fill] = place_points(zones, st, threads);
  GridPlan plan{st.technique, st.spacing, st.margin, {}, {}, {}, 0};
  std::vector<PointMm> all;
  for (const auto& points : per_zone)
    all.insert(all.end(), points.begin(), points.end());
  for (std::size_t z = 0; z < zones.size(); ++z) {
    const auto count = static_cast<std::int64_t>(per_zone[z].size());
    ZoneTotals totals{zones[z].name, static_cast<int>(count), count * st.dose, area_mm2(zones[z].polygon_mm),
                      coverage_mm[z]};
    totals.border_fills = static_cast<int>(per_zone[z].size() - first_fill[z]);
    double gap = std::numeric_limits<double>::infinity();
    for (std::size_t i = first_fill[z]; i < per_zone[z].size(); ++i)
      gap = std::min(gap, nearest_other(all, per_zone[z][i]));
    if (totals.border_fills > 0) totals.border_fill_gap_mm = gap;
    plan.zones.push_back(std::move(totals));
    plan.volume_nl += count * st.dose;
    for (const std::size_t i : zone_order[z]) {
      const int order = static_cast<int>(plan.points.size()) + 1;
      plan.points.push_back({order, per_zone[z][i], zones[z].name, st.depth, st.dose, i >= first_fill[z]});
    }
  }
  return plan;
}

// Each zone whose points leave part of it beyond the coverage goal, as "'name' (radius mm)".
std::vector<std::string> zones_short_of_coverage(const GridPlan& plan) {
  const double goal = coverage_goal_mm(plan.spacing_mm);
  std::vector<std::string> out;
  for (const ZoneTotals& z : plan.zones)
    if (z.coverage_mm > goal) out.push_back("'" + z.name + "' (" + decimals(z.coverage_mm, 2) + " mm)");
  return out;
}

// The clinician chose the spacing, so the planner does not narrow it by itself: a refusal names the widest
// spacing, in steps of 0.5 mm and at most 2 mm narrower, at which every zone is covered (nullopt: none).
// This plans the zones again up to four times, which a refusal can afford.
std::optional<double> covering_spacing(const std::vector<Zone>& zones, const Settings& st, unsigned threads) {
  const double narrowest = limits_of(st.technique).min_spacing;
  for (int k = 1; k <= 4; ++k) {
    Settings narrower = st;
    narrower.spacing = st.spacing - 0.5 * k;
    if (narrower.spacing < narrowest - 1e-9) break;
    if (zones_short_of_coverage(plan_points(zones, narrower, threads)).empty()) return narrower.spacing;
  }
  return std::nullopt;
}

std::string coverage_refusal(const GridPlan& plan, const std::vector<std::string>& short_zones,
                             std::optional<double> covering) {
  std::string names;
  for (std::size_t i = 0; i < short_zones.size(); ++i)
    names += (i == 0 ? "" : i + 1 == short_zones.size() ? " and " : ", ") + short_zones[i];
  const bool one = short_zones.size() == 1;
  return std::string(one ? "zone " : "zones ") + names + (one ? " is" : " are") + " not covered at " +
         decimals(plan.spacing_mm, 1) + " mm spacing: the best plan found leaves part of " +
         (one ? "it" : "each") + " that far from every planned point, beyond the " +
         decimals(coverage_goal_mm(plan.spacing_mm), 2) + " mm goal (spacing/sqrt(3) + 0.5 mm); " +
         (covering
              ? "at " + decimals(*covering, 1) + " mm spacing every zone is covered: plan at that spacing"
              : "plan a smaller spacing") +
         ", or draw the zone wider or rounder";
}

void check_volume(std::int64_t volume_nl, std::int64_t cap_nl) {
  if (volume_nl > cap_nl)
    throw PlanOverVolumeCap(
        "the plan needs " + ml(volume_nl) + ", " + ml(volume_nl - cap_nl) + " over the " + ml(cap_nl) +
            " session cap: widen the spacing, lower the dose or plan fewer or smaller zones",
        volume_nl);
}

}  // namespace

const char* to_string(Technique t) {
  switch (t) {
    case Technique::nappage:
      return "nappage";
    case Technique::pen:
      return "pen";
    case Technique::point:
      break;
  }
  return "point";
}

double coverage_goal_mm(double spacing_mm) {
  return spacing_mm / kSqrt3 + 0.5;
}

Technique technique_from_string(const std::string& name) {
  for (const Technique t : {Technique::point, Technique::nappage, Technique::pen})
    if (name == to_string(t)) return t;
  throw PlanRefused("unknown technique '" + name + "': expected point, nappage or pen");
}

GridPlan plan_grid(const std::vector<Zone>& zones, const PlanRequest& request) {
  const Settings st = resolve(request);
  check_zones(zones);
  if (st.technique == Technique::pen) return plan_pen(zones, st);
  GridPlan plan = plan_points(zones, st, request.threads);
  check_volume(plan.volume_nl, st.cap);
  const std::vector<std::string> short_zones = zones_short_of_coverage(plan);
  if (!short_zones.empty()) {
    const auto covering =
        request.name_covering_spacing ? covering_spacing(zones, st, request.threads) : std::nullopt;
    std::string why = coverage_refusal(plan, short_zones, covering);
    throw PlanShortOfCoverage(why, std::move(plan));
  }
  return plan;
}

}  // namespace meso::vision
