// The pure rules of the workflow: the session state machine, screening, the course schedule, alarms.
#include <gtest/gtest.h>

#include <nlohmann/json.hpp>

#include "meso/station/alarm_board.hpp"
#include "meso/station/course_schedule.hpp"
#include "meso/station/screening.hpp"
#include "meso/station/session_state.hpp"

namespace meso::station {
namespace {

using S = SessionState;

TEST(SessionStateMachine, FollowsTheClinicalWorkflowAndNothingElse) {
  const std::vector<std::pair<S, S>> legal{
      {S::check_in, S::screening}, {S::screening, S::assessment}, {S::assessment, S::planning},
      {S::planning, S::ready},     {S::ready, S::treating},       {S::treating, S::paused},
      {S::paused, S::treating},    {S::treating, S::post_care},   {S::paused, S::post_care},
      {S::post_care, S::closed},   {S::planning, S::assessment},  {S::ready, S::planning},
      {S::paused, S::planning}};
  constexpr std::array all{S::check_in, S::screening, S::assessment, S::planning, S::ready,
                           S::treating, S::paused,    S::post_care,  S::closed,   S::aborted};
  for (const auto from : all) {
    for (const auto to : all) {
      const bool expected = std::find(legal.begin(), legal.end(), std::pair{from, to}) != legal.end() ||
                            (to == S::aborted && !is_final(from));
      EXPECT_EQ(transition_error(from, to).empty(), expected) << to_string(from) << " -> " << to_string(to);
    }
  }
}

TEST(SessionStateMachine, ARefusalSaysWhatIsAllowedInstead) {
  const auto why = transition_error(S::screening, S::treating);
  EXPECT_NE(why.find("cannot go to 'treating'"), std::string::npos) << why;
  EXPECT_NE(why.find("assessment"), std::string::npos) << why;
  EXPECT_NE(transition_error(S::closed, S::aborted).find("final"), std::string::npos);
}

TEST(SessionStateMachine, NamesRoundTrip) {
  for (const auto s : {S::check_in, S::treating, S::post_care, S::aborted})
    EXPECT_EQ(parse_session_state(to_string(s)), s);
  EXPECT_FALSE(parse_session_state("treatment"));
}

ScreeningAnswers cleared() {
  ScreeningAnswers a;
  a.patch_test = PatchTest::negative;
  a.consent_signed = true;
  return a;
}

TEST(Screening, EachContraindicationIsAnAbsoluteStop) {
  const std::vector<bool ScreeningAnswers::*> stops{
      &ScreeningAnswers::autoimmune_skin_condition, &ScreeningAnswers::scalp_infection,
      &ScreeningAnswers::uncontrolled_diabetes,     &ScreeningAnswers::chemotherapy_under_way,
      &ScreeningAnswers::pregnant_or_breastfeeding, &ScreeningAnswers::complete_baldness,
      &ScreeningAnswers::scarring_alopecia,         &ScreeningAnswers::non_viable_follicles};
  for (const auto field : stops) {
    auto a = cleared();
    a.*field = true;
    a.precautions_acknowledged_reason = "anything";  // an acknowledgement never lifts a stop
    const auto v = evaluate(a);
    EXPECT_FALSE(v.cleared());
    EXPECT_EQ(v.stops.size(), 1U);
  }
  auto a = cleared();
  a.patch_test = PatchTest::positive;
  EXPECT_EQ(evaluate(a).stops.size(), 1U);
  EXPECT_TRUE(evaluate(cleared()).cleared());
}

TEST(Screening, PrecautionsNeedAnAcknowledgementWithAReason) {
  auto a = cleared();
  a.aspirin_24h = true;
  auto v = evaluate(a);
  EXPECT_FALSE(v.cleared());
  EXPECT_TRUE(v.stops.empty());
  ASSERT_EQ(v.missing.size(), 1U);
  EXPECT_NE(v.missing[0].find("aspirin"), std::string::npos);
  a.precautions_acknowledged_reason = "low-dose aspirin, prescribed; clinician accepts the bleeding risk";
  v = evaluate(a);
  EXPECT_TRUE(v.cleared());
  EXPECT_EQ(v.precautions.size(), 1U);
}

TEST(Screening, PatchTestAndConsentMustBeRecorded) {
  ScreeningAnswers a;
  const auto v = evaluate(a);
  EXPECT_EQ(v.missing.size(), 2U);
  EXPECT_NE(v.summary().find("patch-test"), std::string::npos);
  EXPECT_NE(v.summary().find("consent"), std::string::npos);
}

TEST(Screening, AllergiesMeetTheFormulaCaseInsensitively) {
  auto a = cleared();
  a.allergies = {"Biotin", "latex"};
  EXPECT_EQ(allergy_conflicts(a, {"biotin", "dexpanthenol"}), std::vector<std::string>{"Biotin"});
  EXPECT_TRUE(allergy_conflicts(a, {"zinc"}).empty());
}

TEST(Screening, JsonIsStrictAndRoundTrips) {
  auto a = cleared();
  a.allergies = {"zinc"};
  a.alcohol_24h = true;
  a.precautions_acknowledged_reason = "one glass, 20 h ago";
  const auto back = screening_from_json(to_json(a));
  EXPECT_EQ(to_json(back), to_json(a));
  EXPECT_THROW(screening_from_json(nlohmann::json{{"pregnant", true}}), std::invalid_argument);
  try {
    screening_from_json(nlohmann::json{{"consent_signed", "yes"}});
    FAIL();
  } catch (const std::invalid_argument& e) {
    EXPECT_NE(std::string(e.what()).find("screening.consent_signed"), std::string::npos) << e.what();
  }
}

TEST(CourseSchedule, WeeklyInTheFirstMonthThenBiweeklyThenMaintenance) {
  const auto day = parse_date("2026-11-26");
  const auto next = propose_next(CourseRules{}, 1, day);
  ASSERT_EQ(next.size(), 6U);  // sessions 2..6 and the first maintenance visit
  EXPECT_EQ(to_string(next[0].date), "2026-12-03");
  EXPECT_EQ(to_string(next[2].date), "2026-12-17");  // session 4: still weekly
  EXPECT_EQ(to_string(next[3].date), "2026-12-31");  // session 5: two weeks later
  EXPECT_EQ(next[5].kind, "maintenance");
  EXPECT_EQ(to_string(next[5].date), to_string(add_days(next[4].date, 75)));
  const auto after = propose_next(CourseRules{}, 6, day);
  ASSERT_EQ(after.size(), 1U);
  EXPECT_EQ(after[0].kind, "maintenance");
  EXPECT_THROW(propose_next(CourseRules{.course_sessions = 12}, 1, day), std::invalid_argument);
}

TEST(Calendar, RefusesDatesThatDoNotExist) {
  EXPECT_THROW(parse_date("2026-02-30"), std::invalid_argument);
  EXPECT_THROW(parse_date("26-11-2026"), std::invalid_argument);
  EXPECT_THROW(parse_date("2026-11-26x"), std::invalid_argument);
  EXPECT_EQ(to_string(parse_date("2028-02-29")), "2028-02-29");
}

TEST(AlarmBoard, AnAlarmStaysLatchedUntilAcknowledgedEvenAfterItsCauseCleared) {
  AlarmBoard board;
  const auto id =
      board.raise("occlusion", AlarmPriority::high, AlarmCategory::technical, "line pressure high");
  EXPECT_TRUE(board.clear("occlusion"));
  ASSERT_EQ(board.entries().size(), 1U);
  EXPECT_TRUE(board.has_unacknowledged(AlarmPriority::high));
  EXPECT_FALSE(board.highest_active());
  EXPECT_TRUE(board.acknowledge(id));
  EXPECT_TRUE(board.entries().empty());
}

TEST(AlarmBoard, AnAcknowledgedAlarmWhoseCauseRemainsStaysVisibleAndReRaisesUnacknowledged) {
  AlarmBoard board;
  const auto id = board.raise("low_reservoir", AlarmPriority::medium, AlarmCategory::technical, "low");
  board.acknowledge(id);
  ASSERT_EQ(board.entries().size(), 1U);
  EXPECT_FALSE(board.has_unacknowledged(AlarmPriority::low));
  EXPECT_EQ(board.raise("low_reservoir", AlarmPriority::high, AlarmCategory::technical, "empty"), id);
  EXPECT_TRUE(board.has_unacknowledged(AlarmPriority::high));
  EXPECT_EQ(board.entries()[0].category, AlarmCategory::technical);
}

}  // namespace
}  // namespace meso::station
