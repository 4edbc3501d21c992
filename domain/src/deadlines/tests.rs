use std::collections::BTreeMap;

use chrono::{TimeZone, Timelike};

use super::super::calendar::{DayOverride, MartialLaw};
use super::*;

fn date(y: i32, m: u32, d: u32) -> NaiveDate {
    NaiveDate::from_ymd_opt(y, m, d).unwrap()
}

/// An instant given as Kyiv wall-clock time.
fn kyiv(y: i32, m: u32, d: u32, h: u32, min: u32) -> DateTime<Utc> {
    KYIV.with_ymd_and_hms(y, m, d, h, min, 0).single().unwrap().with_timezone(&Utc)
}

fn utc(y: i32, m: u32, d: u32, h: u32, min: u32) -> DateTime<Utc> {
    Utc.with_ymd_and_hms(y, m, d, h, min, 0).unwrap()
}

fn martial() -> Calendar {
    Calendar::default()
}

/// Martial law ended at the start of 2024.
fn peacetime() -> Calendar {
    Calendar::new(MartialLaw::ended_on(date(2024, 1, 1)), BTreeMap::new())
}

fn ending_on(end: NaiveDate) -> Calendar {
    Calendar::new(MartialLaw::ended_on(end), BTreeMap::new())
}

fn due_date(rule: DeadlineRule, at: DateTime<Utc>, cal: &Calendar) -> NaiveDate {
    compute(&rule, at, cal).due_date
}

#[test]
fn a_month_term_from_31_january_ends_on_the_last_day_of_february() {
    let d = compute(&DeadlineRule::AppealStandard, kyiv(2025, 1, 31, 10, 0), &martial());
    assert_eq!(d.nominal_last_day, date(2025, 2, 28));
    assert_eq!(d.due_date, date(2025, 2, 28));
    assert!(d.steps.iter().any(|s| s.contains("February has no 31st")));
}

#[test]
fn in_a_leap_year_a_month_from_31_january_ends_on_29_february() {
    let d = compute(&DeadlineRule::AppealStandard, kyiv(2028, 1, 31, 10, 0), &martial());
    assert_eq!(d.nominal_last_day, date(2028, 2, 29));
    assert_eq!(d.due_date, date(2028, 2, 29));
}

#[test]
fn a_month_from_30_november_ends_on_30_december() {
    assert_eq!(due_date(DeadlineRule::AppealStandard, kyiv(2025, 11, 30, 12, 0), &martial()), date(2025, 12, 30));
}

#[test]
fn a_month_from_31_march_ends_on_30_april() {
    assert_eq!(due_date(DeadlineRule::AppealStandard, kyiv(2025, 3, 31, 12, 0), &martial()), date(2025, 4, 30));
}

#[test]
fn fifteen_days_across_29_february_2028_counts_the_leap_day() {
    let d = compute(&DeadlineRule::AppealNoStudy, kyiv(2028, 2, 20, 9, 0), &martial());
    assert_eq!(d.nominal_last_day, date(2028, 3, 6));
    assert_eq!(d.due_date, date(2028, 3, 6));
}

#[test]
fn the_explanation_of_a_month_term_reads_step_by_step() {
    let d = compute(&DeadlineRule::AppealStandard, kyiv(2025, 2, 28, 15, 0), &martial());
    assert_eq!(
        d.steps[..4],
        [
            "Received on Friday 28 February 2025 (Europe/Kyiv).",
            "The term starts the next day, 1 March 2025 (Civil Code art. 253).",
            "A term of 1 month ends on the same date of the last month: 28 March 2025 (art. 254).",
            "28 March 2025 is a working day, so the answer is due by the end of that day.",
        ]
    );
    assert_eq!(d.start_date, date(2025, 3, 1));
    assert_eq!(d.legal_basis, "Law of Ukraine 'On Citizens' Appeals' art. 20");
    assert!(!d.capped);
}

#[test]
fn a_due_date_on_saturday_rolls_to_monday() {
    let d = compute(&DeadlineRule::AppealNoStudy, kyiv(2025, 3, 14, 11, 0), &martial());
    assert_eq!(d.nominal_last_day, date(2025, 3, 29));
    assert_eq!(d.due_date, date(2025, 3, 31));
    assert!(
        d.steps.iter().any(|s| { s.contains("Saturday 29 March 2025 (weekend) and Sunday 30 March 2025 (weekend)") })
    );
}

#[test]
fn fifteen_days_landing_on_independence_day_roll_forward_only_in_peacetime() {
    let at = kyiv(2026, 8, 9, 10, 0);
    let peace = compute(&DeadlineRule::AppealNoStudy, at, &peacetime());
    assert_eq!(peace.nominal_last_day, date(2026, 8, 24));
    assert_eq!(peace.due_date, date(2026, 8, 25));
    assert!(peace.steps.iter().any(|s| s.contains("(Independence Day)")));

    let war = compute(&DeadlineRule::AppealNoStudy, at, &martial());
    assert_eq!(war.due_date, date(2026, 8, 24));
    assert!(war.steps.iter().any(|s| s.contains("Law 2136-IX art. 6")));
}

#[test]
fn a_due_date_declared_a_day_off_moves_to_the_next_working_day() {
    let mut overrides = BTreeMap::new();
    overrides.insert(date(2025, 3, 28), DayOverride { working: false, note: "Cabinet resolution".to_owned() });
    let cal = Calendar::new(MartialLaw::in_force(), overrides);
    let d = compute(&DeadlineRule::AppealStandard, kyiv(2025, 2, 28, 15, 0), &cal);
    assert_eq!(d.nominal_last_day, date(2025, 3, 28));
    assert_eq!(d.due_date, date(2025, 3, 31));
}

#[test]
fn forwarding_takes_five_days_and_a_return_ten_days() {
    let at = kyiv(2025, 3, 3, 9, 0);
    assert_eq!(due_date(DeadlineRule::Forwarding, at, &martial()), date(2025, 3, 10));
    assert_eq!(due_date(DeadlineRule::ReturnNonConforming, at, &martial()), date(2025, 3, 13));
    assert_eq!(
        compute(&DeadlineRule::Forwarding, at, &martial()).legal_basis,
        "Law of Ukraine 'On Citizens' Appeals' art. 7"
    );
}

#[test]
fn a_petition_submitted_on_friday_is_published_by_tuesday() {
    let d = compute(&DeadlineRule::PetitionPublication, kyiv(2025, 2, 28, 18, 0), &martial());
    assert_eq!(d.due_date, date(2025, 3, 4));
    assert_eq!(d.nominal_last_day, date(2025, 3, 4));
    assert_eq!(d.term, Term::WorkingDays(2));
}

#[test]
fn independence_day_is_counted_as_a_working_day_only_under_martial_law() {
    let friday = kyiv(2026, 8, 21, 12, 0);
    assert_eq!(due_date(DeadlineRule::PetitionPublication, friday, &martial()), date(2026, 8, 25));
    assert_eq!(due_date(DeadlineRule::PetitionPublication, friday, &peacetime()), date(2026, 8, 26));
    let war = compute(&DeadlineRule::PetitionPublication, friday, &martial());
    assert!(war.steps.iter().any(|s| s.starts_with("Counted as working days") && s.contains("Monday 24 August 2026")));
}

#[test]
fn ten_working_days_of_consideration_span_two_weekends() {
    // Announced Wednesday 5 March 2025; 6, 7, 10–14, 17, 18, 19 March.
    let d = compute(&DeadlineRule::PetitionConsideration, kyiv(2025, 3, 5, 12, 0), &martial());
    assert_eq!(d.due_date, date(2025, 3, 19));
    assert!(
        d.steps.iter().any(|s| { s.starts_with("Not counted, as non-working days: Saturday 8 March 2025 (weekend)") })
    );
}

#[test]
fn in_peacetime_working_days_skip_the_transferred_days_off_after_easter() {
    // Friday 30 April 2021: Sat 1 May, Easter Sun 2 May, Mon 3 and Tue 4 May off; 2021 was peacetime.
    let at = kyiv(2021, 4, 30, 12, 0);
    assert_eq!(due_date(DeadlineRule::PetitionPublication, at, &martial()), date(2021, 5, 6));
    // The same weekend in 2027, in peace and under martial law.
    let at = kyiv(2027, 4, 30, 12, 0);
    assert_eq!(due_date(DeadlineRule::PetitionPublication, at, &peacetime()), date(2027, 5, 6));
    assert_eq!(due_date(DeadlineRule::PetitionPublication, at, &martial()), date(2027, 5, 4));
}

#[test]
fn an_extension_beyond_45_days_is_capped_at_45_days_from_receipt() {
    let received = kyiv(2025, 3, 3, 10, 0);
    let current = compute(&DeadlineRule::AppealStandard, received, &martial());
    assert_eq!(current.due_date, date(2025, 4, 3));
    let d = extend(received, current.due_at, ExtensionRequest::TotalDays(60), &martial()).unwrap();
    assert_eq!(d.due_date, date(2025, 4, 17));
    assert_eq!(d.term, Term::Days(45));
    assert!(d.capped);
    assert!(d.steps.iter().any(|s| s.contains("capped at 45 days")));
    assert!(d.steps[1].contains("a total of 60 days"), "{:?}", d.steps);
}

#[test]
fn an_extension_within_45_days_rolls_over_a_weekend_and_is_not_capped() {
    let received = kyiv(2025, 3, 3, 10, 0);
    let current = compute(&DeadlineRule::AppealStandard, received, &martial());
    let d = extend(received, current.due_at, ExtensionRequest::TotalDays(40), &martial()).unwrap();
    assert_eq!(d.nominal_last_day, date(2025, 4, 12));
    assert_eq!(d.due_date, date(2025, 4, 14));
    assert!(!d.capped);
}

#[test]
fn an_extension_to_a_date_after_the_cap_ends_at_the_cap() {
    let received = kyiv(2025, 3, 3, 10, 0);
    let current = compute(&DeadlineRule::AppealStandard, received, &martial());
    let d = extend(received, current.due_at, ExtensionRequest::NewDueDate(date(2025, 5, 1)), &martial()).unwrap();
    assert_eq!(d.due_date, date(2025, 4, 17));
    assert!(d.capped);
    let within = extend(received, current.due_at, ExtensionRequest::NewDueDate(date(2025, 4, 10)), &martial()).unwrap();
    assert_eq!(within.due_date, date(2025, 4, 10));
    assert_eq!(within.rule, DeadlineRule::AppealExtension { total_days: 38 });
}

#[test]
fn an_extension_that_does_not_move_the_deadline_later_is_refused() {
    let received = kyiv(2025, 3, 3, 10, 0);
    let current = compute(&DeadlineRule::AppealStandard, received, &martial());
    let earlier = extend(received, current.due_at, ExtensionRequest::TotalDays(20), &martial());
    assert!(matches!(earlier, Err(ExtensionError::NotLater { capped: false, .. })));
    assert_eq!(
        extend(received, current.due_at, ExtensionRequest::TotalDays(0), &martial()),
        Err(ExtensionError::ZeroDays)
    );

    let at_cap = extend(received, current.due_at, ExtensionRequest::TotalDays(45), &martial()).unwrap();
    let again = extend(received, at_cap.due_at, ExtensionRequest::TotalDays(90), &martial()).unwrap_err();
    assert!(again.to_string().contains("may not exceed 45 days"), "{again}");
}

#[test]
fn six_urgency_hours_across_the_spring_clock_change_are_six_real_hours() {
    let at = kyiv(2026, 3, 29, 0, 30);
    assert_eq!(at, utc(2026, 3, 28, 22, 30));
    let d = compute(&DeadlineRule::UrgencyHours(6), at, &martial());
    assert_eq!(d.due_at - at, Duration::hours(6));
    let local = d.due_at.with_timezone(&KYIV);
    assert_eq!((local.hour(), local.minute()), (7, 30));
    assert_eq!(local.format("%:z").to_string(), "+03:00");
    assert_eq!(d.due_date, date(2026, 3, 29));
    assert!(!d.capped);
    assert!(d.steps.iter().any(|s| s.contains("UTC+02:00 to UTC+03:00")));
}

#[test]
fn urgency_hours_longer_than_a_month_are_capped_at_the_standard_term() {
    let at = kyiv(2025, 2, 28, 15, 0);
    let d = compute(&DeadlineRule::UrgencyHours(2000), at, &martial());
    assert!(d.capped);
    assert_eq!(d.due_date, date(2025, 3, 28));
    assert_eq!(d.due_at, kyiv(2025, 3, 29, 0, 0));
}

#[test]
fn urgency_days_above_30_are_clamped_and_never_outlast_a_month() {
    let d = compute(&DeadlineRule::UrgencyDays(40), kyiv(2025, 3, 3, 10, 0), &martial());
    assert_eq!(d.term, Term::Days(30));
    assert_eq!(d.due_date, date(2025, 4, 2));
    assert!(d.capped);

    // 30 days from 31 January would be 2 March, past the month term of 28 February.
    let feb = compute(&DeadlineRule::UrgencyDays(30), kyiv(2025, 1, 31, 10, 0), &martial());
    assert_eq!(feb.due_date, date(2025, 2, 28));
    assert!(feb.capped);

    let short = compute(&DeadlineRule::UrgencyDays(3), kyiv(2025, 3, 3, 10, 0), &martial());
    assert_eq!(short.due_date, date(2025, 3, 6));
    assert!(!short.capped);
}

#[test]
fn an_instant_at_22_30_utc_on_30_june_is_received_on_1_july_in_kyiv() {
    let d = compute(&DeadlineRule::Forwarding, utc(2026, 6, 30, 22, 30), &martial());
    assert_eq!(d.start_date, date(2026, 7, 2));
    assert_eq!(d.nominal_last_day, date(2026, 7, 6));
    assert!(d.steps[0].contains("Wednesday 1 July 2026"));
}

#[test]
fn due_at_is_kyiv_midnight_at_plus_two_in_winter_and_plus_three_in_summer() {
    let winter = compute(&DeadlineRule::AppealNoStudy, kyiv(2026, 1, 5, 10, 0), &martial());
    assert_eq!(winter.due_date, date(2026, 1, 20));
    assert_eq!(winter.due_at, utc(2026, 1, 20, 22, 0));

    let summer = compute(&DeadlineRule::AppealNoStudy, kyiv(2026, 7, 1, 10, 0), &martial());
    assert_eq!(summer.due_date, date(2026, 7, 16));
    assert_eq!(summer.due_at, utc(2026, 7, 16, 21, 0));
}

#[test]
fn deadlines_either_side_of_the_autumn_clock_change_end_at_the_matching_kyiv_midnight() {
    // Clocks go back on Sunday 25 October 2026.
    let friday = compute(&DeadlineRule::Forwarding, kyiv(2026, 10, 18, 10, 0), &martial());
    assert_eq!(friday.due_date, date(2026, 10, 23));
    assert_eq!(friday.due_at, utc(2026, 10, 23, 21, 0));

    // 10 days from 14 October is Saturday 24 October, rolled to Monday 26 October.
    let monday = compute(&DeadlineRule::ReturnNonConforming, kyiv(2026, 10, 14, 10, 0), &martial());
    assert_eq!(monday.nominal_last_day, date(2026, 10, 24));
    assert_eq!(monday.due_date, date(2026, 10, 26));
    assert_eq!(monday.due_at, utc(2026, 10, 26, 22, 0));
}

#[test]
fn rules_serialize_as_snake_case_and_deadlines_round_trip_through_json() {
    let rule = serde_json::to_string(&DeadlineRule::UrgencyHours(6)).unwrap();
    assert_eq!(rule, r#"{"urgency_hours":6}"#);
    assert_eq!(serde_json::to_string(&DeadlineRule::AppealNoStudy).unwrap(), r#""appeal_no_study""#);
    let d = compute(&DeadlineRule::AppealStandard, kyiv(2025, 2, 28, 15, 0), &martial());
    let json = serde_json::to_string(&d).unwrap();
    assert!(json.contains(r#""due_at":"2025-03-28T22:00:00Z""#), "{json}");
    assert_eq!(serde_json::from_str::<Deadline>(&json).unwrap(), d);
}

#[test]
fn rules_and_terms_describe_themselves() {
    assert_eq!(DeadlineRule::AppealStandard.term(), Term::Months(1));
    assert_eq!(Term::WorkingDays(2).to_string(), "2 working days");
    assert_eq!(Term::Days(1).to_string(), "1 day");
    assert_eq!(ordinal(21), "21st");
    assert_eq!(ordinal(12), "12th");
}

// --- Terms that cross a change of the law -------------------------------------------------

#[test]
fn fifteen_days_from_18_december_2021_end_on_tuesday_4_january_2022() {
    let d = compute(&DeadlineRule::AppealNoStudy, kyiv(2021, 12, 18, 12, 0), &martial());
    assert_eq!(d.nominal_last_day, date(2022, 1, 2));
    assert_eq!(d.due_date, date(2022, 1, 4));
    assert!(
        d.steps.iter().any(|s| s.contains("Monday 3 January 2022 (day off transferred from New Year)")),
        "{:?}",
        d.steps
    );
    assert!(
        d.steps.iter().any(|s| s.contains("Law 2211-VIII") && s.contains("Statehood Day on 28 July")),
        "{:?}",
        d.steps
    );
}

#[test]
fn two_working_days_over_christmas_2017_skip_the_new_holiday_of_25_december() {
    // Friday 22 December 2017: Saturday, Sunday, Monday 25 December (Law 2211-VIII) are not counted.
    let d = compute(&DeadlineRule::PetitionPublication, kyiv(2017, 12, 22, 12, 0), &martial());
    assert_eq!(d.due_date, date(2017, 12, 27));
    assert!(d.steps.iter().any(|s| {
        s.contains("Each day was judged by the holiday list of Labour Code art. 73 as amended by Law 2211-VIII")
    }));
}

#[test]
fn fifteen_days_to_easter_2022_are_not_moved_past_monday_under_law_2136() {
    // 15 days from 9 April 2022 end on Sunday 24 April (Easter); Monday 25 April is a working day.
    let d = compute(&DeadlineRule::AppealNoStudy, kyiv(2022, 4, 9, 12, 0), &martial());
    assert_eq!(d.due_date, date(2022, 4, 25));
    // From 4 March 2022 ten working days skip 8 March, still a day off before Law 2136-IX applied.
    let p = compute(&DeadlineRule::PetitionConsideration, kyiv(2022, 3, 4, 12, 0), &martial());
    assert_eq!(p.due_date, date(2022, 3, 21));
    assert!(p.steps.iter().any(|s| s.contains("before Law 2136-IX applied")), "{:?}", p.steps);
}

#[test]
fn a_day_term_straddling_the_end_of_martial_law_counts_each_day_by_its_own_rule() {
    let at = kyiv(2026, 8, 9, 10, 0);
    // Ends before 24 August: Independence Day is a day off again.
    let ended = compute(&DeadlineRule::AppealNoStudy, at, &ending_on(date(2026, 8, 20)));
    assert_eq!(ended.due_date, date(2026, 8, 25));
    assert!(ended.steps.iter().any(|s| s.starts_with("The law changed during the term")), "{:?}", ended.steps);
    // Ends the day after: 24 August was still under martial law.
    assert_eq!(compute(&DeadlineRule::AppealNoStudy, at, &ending_on(date(2026, 8, 25))).due_date, date(2026, 8, 24));
}

#[test]
fn a_month_term_straddling_the_end_of_martial_law_rolls_over_the_holiday_of_peace() {
    let at = kyiv(2026, 7, 24, 10, 0);
    assert_eq!(compute(&DeadlineRule::AppealStandard, at, &martial()).due_date, date(2026, 8, 24));
    assert_eq!(compute(&DeadlineRule::AppealStandard, at, &ending_on(date(2026, 8, 1))).due_date, date(2026, 8, 25));
}

#[test]
fn working_days_straddling_the_end_of_martial_law_skip_the_holiday_after_it() {
    let friday = kyiv(2026, 8, 21, 12, 0);
    assert_eq!(due_date(DeadlineRule::PetitionPublication, friday, &ending_on(date(2026, 8, 24))), date(2026, 8, 26));
    assert_eq!(due_date(DeadlineRule::PetitionPublication, friday, &ending_on(date(2026, 8, 25))), date(2026, 8, 25));
}

#[test]
fn time_left_counts_working_days_then_today_then_days_overdue() {
    // Due at the end of Tuesday 14 January 2025 (martial law: Monday to Friday are working days).
    let due = kyiv_end_of_day(date(2025, 1, 14));
    let left = |at| time_left(due, at, &martial());
    // From Friday 10 January: Monday and Tuesday are left; the weekend does not count.
    assert_eq!(left(kyiv(2025, 1, 10, 9, 0)), TimeLeft::WorkingDaysLeft { working_days: 2 });
    assert_eq!(left(kyiv(2025, 1, 13, 23, 0)), TimeLeft::WorkingDaysLeft { working_days: 1 });
    assert_eq!(left(kyiv(2025, 1, 14, 0, 1)), TimeLeft::DueToday);
    assert_eq!(left(kyiv(2025, 1, 14, 23, 59)), TimeLeft::DueToday);
    assert_eq!(left(kyiv(2025, 1, 15, 0, 0)), TimeLeft::Overdue { days: 1 });
    assert_eq!(left(kyiv(2025, 1, 20, 12, 0)), TimeLeft::Overdue { days: 6 });
}
