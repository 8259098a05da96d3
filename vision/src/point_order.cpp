// Treatment order: rows in boustrophedon order (the hand sweeps one row, steps to the next, sweeps back),
// then 2-opt on the open path. The 2-opt only tries to join each point to one of its few nearest
// neighbours and runs a bounded number of passes, so 10,000 points order in milliseconds; it only accepts
// moves that shorten the path, so it never does worse than the boustrophedon it starts from.
#include <algorithm>
#include <cmath>
#include <limits>
#include <numeric>
#include <utility>
#include <vector>

#include "meso/vision/grid_planner.hpp"

namespace meso::vision {

namespace {

constexpr std::size_t kNeighbours = 8;
constexpr int kMaxPasses = 3;
// Longer reversals are skipped: they cost as much as a whole pass and rows rarely need them.
constexpr std::size_t kMaxReversal = 1000;

std::vector<std::size_t> rows_back_and_forth(const std::vector<PointMm>& points, double row_height) {
  double min_y = std::numeric_limits<double>::infinity();
  for (const PointMm& p : points)
    min_y = std::min(min_y, p.y);
  std::vector<long> row(points.size());
  for (std::size_t i = 0; i < points.size(); ++i)
    row[i] = std::lround((points[i].y - min_y) / row_height);
  std::vector<std::size_t> order(points.size());
  std::iota(order.begin(), order.end(), std::size_t{0});
  std::sort(order.begin(), order.end(), [&](std::size_t a, std::size_t b) {
    if (row[a] != row[b]) return row[a] < row[b];
    const bool leftwards = row[a] % 2 != 0;  // every other row runs back
    if (points[a].x != points[b].x) return leftwards ? points[a].x > points[b].x : points[a].x < points[b].x;
    return a < b;
  });
  return order;
}

// std::hypot is several times slower, and this runs in the inner loops.
double length(PointMm a, PointMm b) {
  return std::sqrt((a.x - b.x) * (a.x - b.x) + (a.y - b.y) * (a.y - b.y));
}

// About k nearest neighbours of every point, k apiece in one array (fewer where there are fewer): the
// nearest among the 3 x 3 cells around it, on a bucket grid of about two points a cell. Exactness does not
// matter: they are only the moves 2-opt tries.
std::vector<std::size_t> nearest_neighbours(const std::vector<PointMm>& points, std::size_t k) {
  const BoxMm box = bounds(points);
  const double area = std::max(box.width() * box.height(), 1e-6);
  const double cell = std::max(std::sqrt(2 * area / static_cast<double>(points.size())), 1e-6);
  const auto cols = static_cast<long>(box.width() / cell) + 1;
  const auto rows = static_cast<long>(box.height() / cell) + 1;
  auto cell_of = [&](PointMm p) {
    return std::pair{static_cast<long>((p.x - box.min_x) / cell),
                     static_cast<long>((p.y - box.min_y) / cell)};
  };
  std::vector<std::vector<std::size_t>> buckets(static_cast<std::size_t>(cols * rows));
  for (std::size_t i = 0; i < points.size(); ++i) {
    const auto [cx, cy] = cell_of(points[i]);
    buckets[static_cast<std::size_t>(cy * cols + cx)].push_back(i);
  }
  std::vector<std::size_t> result(points.size() * k, points.size());  // points.size(): none
  std::vector<std::pair<double, std::size_t>> found;
  for (std::size_t i = 0; i < points.size(); ++i) {
    const auto [cx, cy] = cell_of(points[i]);
    found.clear();
    for (long y = std::max(cy - 1, 0L); y <= std::min(cy + 1, rows - 1); ++y)
      for (long x = std::max(cx - 1, 0L); x <= std::min(cx + 1, cols - 1); ++x)
        for (const std::size_t j : buckets[static_cast<std::size_t>(y * cols + x)])
          if (j != i) found.emplace_back(length(points[i], points[j]), j);
    const auto take = static_cast<long>(std::min(k, found.size()));
    std::nth_element(found.begin(), found.begin() + take, found.end());  // then only the few are sorted
    std::sort(found.begin(), found.begin() + take);
    for (long n = 0; n < take; ++n)
      result[i * k + static_cast<std::size_t>(n)] = found[static_cast<std::size_t>(n)].second;
  }
  return result;
}

class TwoOpt {
 public:
  TwoOpt(const std::vector<PointMm>& points, std::vector<std::size_t>& order)
      : points_(points), order_(order), position_(order.size()), next_(order.size()) {
    for (std::size_t p = 0; p < order_.size(); ++p)
      position_[order_[p]] = p;
    for (std::size_t p = 0; p + 1 < order_.size(); ++p)
      next_[p] = join(p, p + 1);
  }

  void run() {
    const auto neighbours = nearest_neighbours(points_, kNeighbours);
    for (int pass = 0; pass < kMaxPasses; ++pass) {
      bool improved = false;
      for (std::size_t a = 0; a < order_.size(); ++a)
        for (std::size_t n = a * kNeighbours; n < (a + 1) * kNeighbours && neighbours[n] < order_.size(); ++n)
          improved = try_join(a, neighbours[n]) || improved;
      if (!improved) break;
    }
  }

 private:
  // The length of a join between the points at positions p and q; none past either end of the open path.
  double join(std::size_t p, std::size_t q) const {
    if (p >= order_.size() || q >= order_.size()) return 0;
    return length(points_[order_[p]], points_[order_[q]]);
  }
  // The path's edge from position p to p + 1, kept as the path changes; none past either end.
  double edge(std::size_t p) const { return p < order_.size() && p + 1 < order_.size() ? next_[p] : 0; }
  // The gain of reversing positions lo..hi: edges (lo-1, lo) and (hi, hi+1) become (lo-1, hi), (lo, hi+1).
  double gain(std::size_t lo, std::size_t hi) const {
    const std::size_t before = lo - 1;  // wraps past the start: no edge there
    return edge(before) + edge(hi) - join(before, hi) - join(lo, hi + 1);
  }
  // Tries the two reversals that make points a and c neighbours in the path; applies the better one.
  bool try_join(std::size_t a, std::size_t c) {
    const std::size_t i = position_[a];
    const std::size_t j = position_[c];
    const auto [lo1, hi1] = i < j ? std::pair{i + 1, j} : std::pair{j + 1, i};
    const auto [lo2, hi2] = i < j ? std::pair{i, j - 1} : std::pair{j, i - 1};
    const double g1 = lo1 <= hi1 && hi1 - lo1 < kMaxReversal ? gain(lo1, hi1) : 0;
    const double g2 = lo2 <= hi2 && hi2 - lo2 < kMaxReversal ? gain(lo2, hi2) : 0;
    if (std::max(g1, g2) <= 1e-9) return false;
    if (g1 >= g2)
      reverse(lo1, hi1);
    else
      reverse(lo2, hi2);
    return true;
  }
  void reverse(std::size_t lo, std::size_t hi) {
    std::reverse(order_.begin() + static_cast<long>(lo), order_.begin() + static_cast<long>(hi) + 1);
    std::reverse(next_.begin() + static_cast<long>(lo), next_.begin() + static_cast<long>(hi));
    for (std::size_t p = lo; p <= hi; ++p)
      position_[order_[p]] = p;
    if (lo > 0) next_[lo - 1] = join(lo - 1, lo);
    if (hi + 1 < order_.size()) next_[hi] = join(hi, hi + 1);
  }

  const std::vector<PointMm>& points_;
  std::vector<std::size_t>& order_;
  std::vector<std::size_t> position_;
  std::vector<double> next_;  // next_[p]: the edge from position p to p + 1
};

}  // namespace

std::vector<std::size_t> boustrophedon_order(const std::vector<PointMm>& points, double row_height_mm) {
  if (points.empty()) return {};
  return rows_back_and_forth(points, row_height_mm > 0 ? row_height_mm : 1.0);
}

std::vector<std::size_t> order_points(const std::vector<PointMm>& points, double row_height_mm) {
  std::vector<std::size_t> order = boustrophedon_order(points, row_height_mm);
  if (points.size() >= 4) TwoOpt(points, order).run();
  return order;
}

double path_length_mm(const std::vector<PointMm>& points, const std::vector<std::size_t>& order) {
  double total = 0;
  for (std::size_t k = 1; k < order.size(); ++k)
    total += distance(points[order[k - 1]], points[order[k]]);
  return total;
}

}  // namespace meso::vision
