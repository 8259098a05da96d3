#include "border_relaxation.hpp"

#include <algorithm>
#include <cmath>
#include <limits>
#include <optional>
#include <random>
#include <span>

namespace meso::vision::planning {

namespace {

constexpr int kLloydSteps = 10;    // per round: even the points out
constexpr int kMinimaxSteps = 20;  // per round: then shrink each cell's farthest distance
constexpr int kRounds = 25;        // each followed by one point added or removed
constexpr int kWindowRounds = 2;   // a window's few points settle in one or two
constexpr int kWindowLloydSteps = 3;
constexpr int kWindowMinimaxSteps = 6;
constexpr std::size_t kScanMaxPoints = 16;  // up to this many moving points, a scan beats the buckets
constexpr double kCellSamples = 10;  // relaxation samples per spacing (the goal is checked on the finer grid)
// A small zone whose own points do not settle starts again from points spread over it, one to two more than
// it had; its few points leave the relaxation few ways out, and a restart there is cheap. The restarts stop
// when the zone has used its budget of relaxation work (samples x steps), so that a zone that cannot settle
// costs at most about a second.
constexpr std::size_t kRestartMaxPoints = 60;
constexpr int kRestarts = 200;
constexpr double kRestartBudget = 40e6;  // sample-steps
constexpr double kPushSlack =
    1.02;  // points are pushed this much beyond the minimum gap, so rounding keeps it

// Squared distance: the hot loops compare distances, and std::hypot's care for overflow costs most of
// their time.
double dist2(PointMm a, PointMm b) {
  const double dx = a.x - b.x, dy = a.y - b.y;
  return dx * dx + dy * dy;
}

// Points bucketed by a square grid over a box; nearest queries widen ring by ring. The points are kept in
// bucket order, row by row, so the buckets of one grid row around a query are one stretch of memory.
class Buckets {
 public:
  Buckets(const BoxMm& box, double cell, const std::vector<PointMm>& points)
      : box_(box),
        cell_(cell),
        cols_(static_cast<long>(std::ceil(box.width() / cell)) + 1),
        rows_(static_cast<long>(std::ceil(box.height() / cell)) + 1),
        start_(static_cast<std::size_t>(cols_ * rows_) + 1, 0),
        index_(points.size()),
        sorted_(points.size()) {
    std::vector<std::size_t> slots(points.size());
    for (std::size_t i = 0; i < points.size(); ++i)
      ++start_[(slots[i] = slot(points[i])) + 1];
    for (std::size_t c = 1; c < start_.size(); ++c)
      start_[c] += start_[c - 1];
    std::vector<std::size_t> next(start_.begin(), start_.end() - 1);
    for (std::size_t i = 0; i < points.size(); ++i) {
      const std::size_t k = next[slots[i]]++;
      index_[k] = i;
      sorted_[k] = points[i];
    }
  }

  // Calls f(i, p_i) for each point in the cells within `ring` cells of p's.
  template <class F>
  void near(PointMm p, long ring, F f) const {
    const long x = col(p), y = row(p);
    const long x0 = std::max(0L, x - ring), x1 = std::min(cols_ - 1, x + ring);
    for (long yy = std::max(0L, y - ring); yy <= std::min(rows_ - 1, y + ring); ++yy) {
      const auto row_start = static_cast<std::size_t>(yy * cols_);
      for (std::size_t k = start_[row_start + static_cast<std::size_t>(x0)];
           k < start_[row_start + static_cast<std::size_t>(x1) + 1]; ++k)
        f(index_[k], sorted_[k]);
    }
  }

  // The nearest point's index and distance. A point found within `ring` cells is the nearest once its
  // distance is at most `ring` cells (nothing farther out can be nearer).
  std::pair<std::size_t, double> nearest(PointMm p) const {
    std::size_t best = 0;
    double best_d2 = std::numeric_limits<double>::infinity();
    for (long ring = 1; ring <= std::max(cols_, rows_); ++ring) {
      near(p, ring, [&](std::size_t i, PointMm q) {
        const double d2 = dist2(p, q);
        if (d2 < best_d2) best_d2 = d2, best = i;
      });
      const double reach = static_cast<double>(ring) * cell_;
      if (best_d2 <= reach * reach) break;
    }
    return {best, std::sqrt(best_d2)};
  }

 private:
  long col(PointMm p) const { return std::clamp(floor_of((p.x - box_.min_x) / cell_), 0L, cols_ - 1); }
  long row(PointMm p) const { return std::clamp(floor_of((p.y - box_.min_y) / cell_), 0L, rows_ - 1); }
  std::size_t slot(PointMm p) const { return static_cast<std::size_t>(row(p) * cols_ + col(p)); }

  BoxMm box_;
  double cell_;
  long cols_, rows_;
  std::vector<std::size_t> start_;  // cell c's points are [start_[c], start_[c + 1]) of the two below
  std::vector<std::size_t> index_;
  std::vector<PointMm> sorted_;
};

PointMm midpoint(PointMm a, PointMm b) {
  return {(a.x + b.x) / 2, (a.y + b.y) / 2};
}

// The centre of the circle through a, b and c; nullopt when they are collinear.
std::optional<PointMm> circumcentre(PointMm a, PointMm b, PointMm c) {
  const double bx = b.x - a.x, by = b.y - a.y, cx = c.x - a.x, cy = c.y - a.y;
  const double d = 2 * (bx * cy - by * cx);
  if (std::abs(d) < 1e-12) return std::nullopt;
  const double b2 = bx * bx + by * by, c2 = cx * cx + cy * cy;
  return PointMm{a.x + (cy * b2 - by * c2) / d, a.y + (bx * c2 - cx * b2) / d};
}

// The centre of the smallest circle around `points`, which it shuffles (Welzl's algorithm, iterative; the
// shuffle keeps its expected time linear, and the seeded generator keeps plans reproducible).
PointMm smallest_circle_centre(std::span<PointMm> points, std::mt19937& rng) {
  std::shuffle(points.begin(), points.end(), rng);
  constexpr double eps = 1e-9;
  PointMm c = points[0];
  double r2 = 0;  // squared radius, widened by eps so points on the circle count as inside
  const auto outside = [&](PointMm p) { return dist2(c, p) > r2; };
  const auto around = [&](PointMm centre, PointMm on) {
    c = centre;
    r2 = dist2(centre, on) + eps;
  };
  for (std::size_t i = 1; i < points.size(); ++i) {
    if (!outside(points[i])) continue;
    around(points[i], points[i]);
    for (std::size_t j = 0; j < i; ++j) {
      if (!outside(points[j])) continue;
      around(midpoint(points[i], points[j]), points[i]);
      for (std::size_t k = 0; k < j; ++k) {
        if (!outside(points[k])) continue;
        if (const auto o = circumcentre(points[i], points[j], points[k])) around(*o, points[i]);
      }
    }
  }
  return c;
}

// The goal's samples, grouped in square cells of the relaxation grid: a cell whose centre lies well within
// reach of a point (with the cell's half-diagonal to spare) needs none of its samples checked.
struct FineCells {
  std::vector<PointMm> centre;
  std::vector<std::size_t> begin;  // cell c's samples are samples[begin[c], begin[c + 1])
  std::vector<PointMm> samples;
  // A window's cells are its sample grid's blocks, whose samples are only listed when a check needs them:
  // most blocks are settled by their centre, and listing a sample means testing it against the area.
  SampleGrid* grid = nullptr;
  Disc disc;
  std::vector<std::pair<long, long>> blocks;
  mutable std::vector<std::optional<std::vector<PointMm>>> listed;

  std::size_t size() const { return centre.size(); }
  std::span<const PointMm> of(std::size_t c) const {
    if (grid == nullptr) return std::span(samples).subspan(begin[c], begin[c + 1] - begin[c]);
    if (!listed[c]) grid->block_samples(blocks[c], disc, listed[c].emplace());
    return *listed[c];
  }
  std::vector<PointMm> all() const {
    std::vector<PointMm> out;
    for (std::size_t c = 0; c < size(); ++c)
      out.insert(out.end(), of(c).begin(), of(c).end());
    return out;
  }
};

FineCells window_cells(SampleGrid& grid, const Disc& disc) {
  FineCells cells;
  cells.grid = &grid;
  cells.disc = disc;
  cells.blocks = grid.blocks_in_disc(disc);
  for (const auto& block : cells.blocks)
    cells.centre.push_back(grid.block_centre(block));
  cells.listed.resize(cells.blocks.size());
  return cells;
}

// Groups `items` by `group(k)` < `groups`, keeping their order within a group (a counting sort): one buffer
// instead of a vector per group, which the windows would otherwise allocate by the thousand.
template <class T, class G>
void group_by(const std::vector<T>& items, std::size_t groups, G group, std::vector<std::size_t>& begin,
              std::vector<T>& out) {
  begin.assign(groups + 1, 0);
  for (std::size_t k = 0; k < items.size(); ++k)
    if (const std::size_t g = group(k); g < groups) ++begin[g + 1];
  for (std::size_t g = 0; g < groups; ++g)
    begin[g + 1] += begin[g];
  out.resize(begin[groups]);
  std::vector<std::size_t> next(begin.begin(), begin.end() - 1);
  for (std::size_t k = 0; k < items.size(); ++k)
    if (const std::size_t g = group(k); g < groups) out[next[g]++] = items[k];
}

struct Job {
  const TreatableArea& area;
  const CoverageGoal& goal;
  BoxMm box;
  std::vector<PointMm> coarse;  // relaxation samples
  double cell = 0;              // of the fine cells
  FineCells fine;               // the goal's samples
  bool window = false;
  std::vector<double> coarse_fixed_d2;  // per relaxation sample: squared distance to the nearest fixed point
};

FineCells fine_cells(const std::vector<PointMm>& samples, const BoxMm& box, double cell) {
  const auto cols = static_cast<long>(std::ceil(box.width() / cell)) + 1;
  FineCells cells;
  std::vector<long> index(
      static_cast<std::size_t>(cols * (static_cast<long>(std::ceil(box.height() / cell)) + 1)), -1);
  std::vector<std::size_t> slot_of(samples.size());
  for (std::size_t k = 0; k < samples.size(); ++k) {
    const PointMm q = samples[k];
    const long x = floor_of((q.x - box.min_x) / cell), y = floor_of((q.y - box.min_y) / cell);
    long& slot = index[static_cast<std::size_t>(y * cols + x)];
    if (slot < 0) {
      slot = static_cast<long>(cells.centre.size());
      cells.centre.push_back({box.min_x + (static_cast<double>(x) + 0.5) * cell,
                              box.min_y + (static_cast<double>(y) + 0.5) * cell});
    }
    slot_of[k] = static_cast<std::size_t>(slot);
  }
  group_by(
      samples, cells.centre.size(), [&](std::size_t k) { return slot_of[k]; }, cells.begin, cells.samples);
  return cells;
}

// The first and last sample of each row of `samples` (grid points in rows, each row from left to right),
// moved to the front. A circle holds a row's samples if it holds its two ends, so the smallest circle around
// these is the smallest around all, from a fifth of the points.
std::span<PointMm> row_ends(std::span<PointMm> samples) {
  std::size_t kept = 0;
  for (std::size_t k = 0; k < samples.size(); ++k) {
    const bool row_start = k == 0 || samples[k - 1].y != samples[k].y;
    const bool row_end = k + 1 == samples.size() || samples[k + 1].y != samples[k].y;
    if (row_start || row_end) samples[kept++] = samples[k];
  }
  return samples.first(kept);
}

// points[0, first) are fixed; the rest move.
void relax_steps(std::vector<PointMm>& points, std::size_t first, const Job& job, std::mt19937& rng) {
  const double s = job.goal.spacing;
  const double push = job.goal.min_gap * kPushSlack;
  const int lloyd = job.window ? kWindowLloydSteps : kLloydSteps;
  const int minimax = job.window ? kWindowMinimaxSteps : kMinimaxSteps;
  std::vector<std::size_t> cell_begin;  // each moving point's relaxation samples (its Voronoi cell)
  std::vector<PointMm> cell_samples;
  for (int step = 0; step < lloyd + minimax; ++step) {
    {
      // Each sample goes to its nearest moving point unless a fixed one is nearer (known once for all steps).
      const std::vector<PointMm> moving(points.begin() + static_cast<long>(first), points.end());
      std::optional<Buckets> index;
      if (moving.size() > kScanMaxPoints) index.emplace(job.box, s, moving);
      std::vector<std::size_t> owner(job.coarse.size(), points.size());  // points.size(): a fixed point's
      for (std::size_t k = 0; k < job.coarse.size(); ++k) {
        const PointMm q = job.coarse[k];
        if (index) {
          const auto [i, d] = index->nearest(q);
          if (d * d < job.coarse_fixed_d2[k]) owner[k] = first + i;
          continue;
        }
        double nearest_d2 = job.coarse_fixed_d2[k];  // a moving point must be nearer than the fixed ones
        for (std::size_t i = 0; i < moving.size(); ++i)
          if (const double d2 = dist2(q, moving[i]); d2 < nearest_d2) nearest_d2 = d2, owner[k] = first + i;
      }
      if (step < lloyd) {  // each moving point to its cell's centroid
        std::vector<PointMm> sum(points.size());
        std::vector<std::size_t> count(points.size());
        for (std::size_t k = 0; k < job.coarse.size(); ++k)
          if (owner[k] < points.size()) sum[owner[k]] = sum[owner[k]] + job.coarse[k], ++count[owner[k]];
        for (std::size_t i = first; i < points.size(); ++i)
          if (count[i] > 0) points[i] = (1.0 / static_cast<double>(count[i])) * sum[i];
      } else {  // each to the centre of the smallest circle around its cell
        group_by(
            job.coarse, points.size(), [&](std::size_t k) { return owner[k]; }, cell_begin, cell_samples);
        for (std::size_t i = first; i < points.size(); ++i) {
          const std::span<PointMm> cell =
              std::span(cell_samples).subspan(cell_begin[i], cell_begin[i + 1] - cell_begin[i]);
          if (!cell.empty()) points[i] = smallest_circle_centre(row_ends(cell), rng);
        }
      }
    }
    for (int pass = 0; pass < 3; ++pass) {
      const auto apart = [&](std::size_t i, std::size_t j) {
        if (j == i) return;
        const double d2 = dist2(points[i], points[j]);
        if (d2 >= push * push) return;
        const double d = std::sqrt(d2);
        const PointMm away = d < 1e-9 ? PointMm{1, 0} : (1.0 / d) * (points[i] - points[j]);
        if (j < first) {
          points[i] = points[i] + (push - d) * away;
        } else {
          points[i] = points[i] + 0.5 * (push - d) * away;
          points[j] = points[j] - 0.5 * (push - d) * away;
        }
      };
      if (points.size() - first <= kScanMaxPoints) {  // few moving points: a scan beats building buckets
        for (std::size_t i = first; i < points.size(); ++i)
          for (std::size_t j = 0; j < points.size(); ++j)
            apart(i, j);
      } else {
        const Buckets buckets(job.box, s, points);
        for (std::size_t i = first; i < points.size(); ++i)
          buckets.near(points[i], 1, [&](std::size_t j, PointMm) { apart(i, j); });
      }
    }
    for (std::size_t i = first; i < points.size(); ++i)
      if (const auto p = job.area.pull_inside(points[i])) points[i] = *p;
  }
}

struct Check {
  double worst = 0;  // over the goal's samples; exact when beyond reach, else an upper bound
  PointMm worst_at;
  double closest = std::numeric_limits<double>::infinity();
  std::size_t crowded = 0;  // a moving point of the closest pair
};

Check check(const std::vector<PointMm>& points, std::size_t first, const Job& job) {
  const Buckets buckets(job.box, job.goal.spacing, points);
  Check c;
  const double half_diagonal = job.cell * std::sqrt(0.5);
  for (std::size_t f = 0; f < job.fine.size(); ++f) {
    const double bound = buckets.nearest(job.fine.centre[f]).second + half_diagonal;
    if (bound <= job.goal.reach) {
      c.worst = std::max(c.worst, bound);
      continue;
    }
    for (const PointMm& q : job.fine.of(f)) {
      const double d = buckets.nearest(q).second;
      if (d > c.worst) c.worst = d, c.worst_at = q;
    }
  }
  for (std::size_t i = first; i < points.size(); ++i) {
    if (job.area.phi(points[i]) > -kInside) c.closest = 0, c.crowded = i;  // stuck outside: drop it
    buckets.near(points[i], 1, [&](std::size_t j, PointMm) {
      if (j == i) return;
      const double d = std::sqrt(dist2(points[i], points[j]));
      if (d < c.closest) c.closest = d, c.crowded = i;
    });
  }
  return c;
}

double worst_sample(const std::vector<PointMm>& points, const Job& job) {
  const Buckets buckets(job.box, job.goal.spacing, points);
  double worst = 0;
  for (std::size_t f = 0; f < job.fine.size(); ++f)
    for (const PointMm& q : job.fine.of(f))
      worst = std::max(worst, buckets.nearest(q).second);
  return worst;
}

// `count` points spread over the area: farthest-point sampling from a random first sample.
std::vector<PointMm> spread_points(const std::vector<PointMm>& fixed, std::size_t count, const Job& job,
                                   std::mt19937& rng) {
  std::vector<PointMm> points = fixed;
  std::vector<double> gap(job.coarse.size(), std::numeric_limits<double>::infinity());
  for (const PointMm& f : fixed)
    for (std::size_t k = 0; k < job.coarse.size(); ++k)
      gap[k] = std::min(gap[k], dist2(f, job.coarse[k]));  // squared
  std::size_t next = std::uniform_int_distribution<std::size_t>(0, job.coarse.size() - 1)(rng);
  for (std::size_t n = 0; n < count; ++n) {
    const PointMm p = job.area.pull_inside(job.coarse[next]).value_or(job.coarse[next]);
    points.push_back(p);
    for (std::size_t k = 0; k < job.coarse.size(); ++k)
      gap[k] = std::min(gap[k], dist2(p, job.coarse[k]));
    next = static_cast<std::size_t>(std::max_element(gap.begin(), gap.end()) - gap.begin());
  }
  return points;
}

}  // namespace

std::vector<PointMm> area_samples(const TreatableArea& area, double step) {
  std::vector<PointMm> out;
  const BoxMm& b = area.box();
  for (long y = floor_of(b.min_y / step) - 1; static_cast<double>(y) * step <= b.max_y + step; ++y)
    for (long x = floor_of(b.min_x / step) - 1; static_cast<double>(x) * step <= b.max_x + step; ++x) {
      const PointMm q{static_cast<double>(x) * step, static_cast<double>(y) * step};
      if (area.within(q, 0.71 * step)) out.push_back(q);
    }
  return out;
}

namespace {

// A window: the disc, and the grid its samples are drawn from.
struct Window {
  const Disc& disc;
  SampleGrid& grid;
  bool measure_start;
};

// The whole zone, or only the part of it within `window`.
RelaxedPoints relax(const TreatableArea& area, const std::vector<PointMm>& fixed,
                    const std::vector<PointMm>& start, const CoverageGoal& goal,
                    const std::optional<Window>& window, Restarts restarts) {
  const double s = goal.spacing;
  BoxMm b = area.box();
  Job job{area, goal, {}, {}, 0, {}, window.has_value(), {}};
  if (window) {
    const PointMm c = window->disc.centre;
    const double r = window->disc.radius;
    b = {std::max(b.min_x, c.x - r), std::max(b.min_y, c.y - r), std::min(b.max_x, c.x + r),
         std::min(b.max_y, c.y + r)};
    const long stride = std::max(1L, std::lround(s / kCellSamples / window->grid.step()));
    job.coarse = window->grid.in_disc(window->disc, stride);
    job.fine = window_cells(window->grid, window->disc);
    // A block's samples lie in the square of this side around its centre.
    job.cell = static_cast<double>(SampleGrid::kBlock - 1) * window->grid.step();
  } else {
    job.coarse = area_samples(area, s / kCellSamples);
    job.cell = s / kCellSamples;
  }
  job.box = {b.min_x - 2 * s, b.min_y - 2 * s, b.max_x + 2 * s, b.max_y + 2 * s};
  if (!window) job.fine = fine_cells(area_samples(area, goal.sample_step), job.box, job.cell);
  RelaxedPoints best;
  best.worst_gap = std::numeric_limits<double>::infinity();
  if (job.coarse.empty() || job.fine.size() == 0) return best;
  std::vector<PointMm> near_fixed;  // only the fixed points that can matter
  for (const PointMm& p : fixed)
    if (p.x >= job.box.min_x && p.x <= job.box.max_x && p.y >= job.box.min_y && p.y <= job.box.max_y)
      near_fixed.push_back(p);
  const std::size_t first = near_fixed.size();
  job.coarse_fixed_d2.assign(job.coarse.size(), std::numeric_limits<double>::infinity());
  if (!near_fixed.empty()) {
    const Buckets fixed_index(job.box, s, near_fixed);
    for (std::size_t k = 0; k < job.coarse.size(); ++k) {
      const double d = fixed_index.nearest(job.coarse[k]).second;
      job.coarse_fixed_d2[k] = d * d;
    }
  }
  if (window) {
    // A sample nearer a fixed point than half the gap is nearer it than any moving point that keeps the gap:
    // it never joins a moving point's cell, and a window's ring is mostly such samples.
    const double held = 0.5 * goal.min_gap;
    std::size_t kept = 0;
    for (std::size_t k = 0; k < job.coarse.size(); ++k)
      if (job.coarse_fixed_d2[k] >= held * held) {
        job.coarse[kept] = job.coarse[k];
        job.coarse_fixed_d2[kept++] = job.coarse_fixed_d2[k];
      }
    job.coarse.resize(kept);
    job.coarse_fixed_d2.resize(kept);
  }
  std::optional<PointMm> seed;  // a point inside, for a zone left with none
  for (std::size_t k = job.coarse.size() / 2; k < job.coarse.size() && !seed; ++k)
    seed = area.pull_inside(job.coarse[k]);
  if (!seed) return best;
  if (window && window->measure_start) {
    std::vector<PointMm> before = near_fixed;
    before.insert(before.end(), start.begin(), start.end());
    best.start_worst = worst_sample(before, job);
  }
  std::mt19937 rng(1);
  const bool restart = !window && (restarts == Restarts::any_size || start.size() <= kRestartMaxPoints);
  const int attempts = restart ? 1 + kRestarts : 1;
  const int rounds = window ? kWindowRounds : kRounds;
  const auto round_cost = static_cast<double>((kLloydSteps + kMinimaxSteps) * job.coarse.size());
  double spent = 0;
  for (int attempt = 0; attempt < attempts && !best.met && (attempt == 0 || spent < kRestartBudget);
       ++attempt) {
    std::vector<PointMm> points = near_fixed;
    if (attempt == 0)
      points.insert(points.end(), start.begin(), start.end());
    else
      points =
          spread_points(near_fixed, start.size() + static_cast<std::size_t>((attempt - 1) % 3), job, rng);
    for (int round = 0; round < rounds && !best.met; ++round) {
      if (points.size() == first) points.push_back(*seed);  // the last one was crowded out
      relax_steps(points, first, job, rng);
      spent += round_cost;
      const Check c = check(points, first, job);
      const bool spaced = c.closest >= goal.min_gap;
      if (spaced && c.worst < best.worst_gap) {
        best.points.assign(points.begin() + static_cast<long>(first), points.end());
        best.worst_gap = c.worst;
        best.met = c.worst <= goal.reach;
      }
      if (!spaced)
        points.erase(points.begin() + static_cast<long>(c.crowded));
      else if (const auto p = area.pull_inside(c.worst_at))
        points.push_back(*p);
    }
  }
  // The checks stopped at the bound where they could: the exact figure, once. A window needs it only to
  // weigh its gain against its start (one that met its goal is taken, one that did not is dropped).
  if (!best.points.empty() && (!window || (!best.met && window->measure_start))) {
    std::vector<PointMm> kept = near_fixed;
    kept.insert(kept.end(), best.points.begin(), best.points.end());
    best.worst_gap = worst_sample(kept, job);
  }
  if (window && !best.met) best.samples = job.fine.all();
  return best;
}

}  // namespace

RelaxedPoints relax_zone(const TreatableArea& area, const std::vector<PointMm>& fixed,
                         const std::vector<PointMm>& start, const CoverageGoal& goal, Restarts restarts) {
  return relax(area, fixed, start, goal, std::nullopt, restarts);
}

RelaxedPoints relax_window(const TreatableArea& area, SampleGrid& grid, const std::vector<PointMm>& fixed,
                           const std::vector<PointMm>& start, const CoverageGoal& goal, const Disc& window,
                           bool measure_start) {
  return relax(area, fixed, start, goal, Window{window, grid, measure_start}, Restarts::small_zones);
}

SampleGrid::SampleGrid(const TreatableArea& area, double step)
    : area_(area),
      step_(step),
      x0_(floor_of(area.box().min_x / step) - 1),
      y0_(floor_of(area.box().min_y / step) - 1),
      cols_(floor_of(area.box().max_x / step) + 2 - x0_ + 1),
      rows_(floor_of(area.box().max_y / step) + 2 - y0_ + 1),
      state_(static_cast<std::size_t>(std::max(cols_ * rows_, 0L)), -1),
      block_(static_cast<std::size_t>(
                 std::max(((cols_ + kBlock - 1) / kBlock) * ((rows_ + kBlock - 1) / kBlock), 0L)),
             -1) {}

PointMm SampleGrid::at(long x, long y) const {
  return {static_cast<double>(x0_ + x) * step_, static_cast<double>(y0_ + y) * step_};
}

signed char SampleGrid::block_state(long bx, long by) {
  signed char& block = block_[static_cast<std::size_t>(by * ((cols_ + kBlock - 1) / kBlock) + bx)];
  if (block < 0) {
    // phi is 1-Lipschitz inside the polygon and never exceeds the distance outside it
    const double half = static_cast<double>(kBlock - 1) * step_ / 2;
    const PointMm c = at(bx * kBlock, by * kBlock) + PointMm{half, half};
    const double phi = area_.phi(c);
    const double reach = half * std::sqrt(2.0);
    block = static_cast<signed char>(phi <= -reach ? 1 : phi > reach + 0.71 * step_ ? 0 : 2);
  }
  return block;
}

bool SampleGrid::member(long x, long y) {
  if (x < 0 || y < 0 || x >= cols_ || y >= rows_) return false;
  const signed char block = block_state(x / kBlock, y / kBlock);
  if (block != 2) return block == 1;
  signed char& state = state_[static_cast<std::size_t>(y * cols_ + x)];
  if (state < 0) state = static_cast<signed char>(area_.within(at(x, y), 0.71 * step_) ? 1 : 0);
  return state == 1;
}

std::vector<PointMm> SampleGrid::in_disc(const Disc& disc, long stride) {
  std::vector<PointMm> out;
  const auto first = [&](double v, long origin) {
    const long k = static_cast<long>(std::ceil(v / step_)) - origin;
    return k - ((k % stride) + stride) % stride;  // on the coarser grid: multiples of stride from the origin
  };
  const double r2 = disc.radius * disc.radius;
  const long y1 = floor_of((disc.centre.y + disc.radius) / step_) - y0_;
  for (long y = first(disc.centre.y - disc.radius, y0_); y <= y1; y += stride) {
    const double dy = static_cast<double>(y0_ + y) * step_ - disc.centre.y;
    if (dy * dy > r2) continue;
    const double half = std::sqrt(r2 - dy * dy) + step_;  // the row's chord, and a grid point to spare
    const long x1 = floor_of((disc.centre.x + half) / step_) - x0_;
    for (long x = first(disc.centre.x - half, x0_); x <= x1; x += stride) {
      const PointMm q = at(x, y);
      if (dist2(q, disc.centre) <= r2 && member(x, y)) out.push_back(q);
    }
  }
  return out;
}

PointMm SampleGrid::block_centre(std::pair<long, long> block) const {
  const double half = static_cast<double>(kBlock - 1) * step_ / 2;
  return at(block.first, block.second) + PointMm{half, half};
}

std::vector<std::pair<long, long>> SampleGrid::blocks_in_disc(const Disc& disc) {
  std::vector<std::pair<long, long>> out;
  const double side = static_cast<double>(kBlock) * step_;
  const double reach = disc.radius + static_cast<double>(kBlock - 1) * step_ * std::sqrt(0.5);
  const long bx0 = std::max(0L, floor_of(((disc.centre.x - disc.radius) / step_ - static_cast<double>(x0_)) /
                                         static_cast<double>(kBlock)));
  const long by0 = std::max(0L, floor_of(((disc.centre.y - disc.radius) / step_ - static_cast<double>(y0_)) /
                                         static_cast<double>(kBlock)));
  const long bx1 =
      std::min((cols_ - 1) / kBlock, bx0 + static_cast<long>(std::ceil(2 * disc.radius / side)) + 1);
  const long by1 =
      std::min((rows_ - 1) / kBlock, by0 + static_cast<long>(std::ceil(2 * disc.radius / side)) + 1);
  for (long by = by0; by <= by1; ++by)
    for (long bx = bx0; bx <= bx1; ++bx) {
      const std::pair block{bx * kBlock, by * kBlock};
      if (dist2(block_centre(block), disc.centre) <= reach * reach && block_state(bx, by) != 0)
        out.push_back(block);
    }
  return out;
}

void SampleGrid::block_samples(std::pair<long, long> block, const Disc& disc, std::vector<PointMm>& out) {
  for (long y = block.second; y < block.second + kBlock; ++y)
    for (long x = block.first; x < block.first + kBlock; ++x) {
      const PointMm q = at(x, y);
      if (dist2(q, disc.centre) <= disc.radius * disc.radius && member(x, y)) out.push_back(q);
    }
}

}  // namespace meso::vision::planning
