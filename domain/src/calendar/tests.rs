use super::*;

fn date(y: i32, m: u32, d: u32) -> NaiveDate {
    NaiveDate::from_ymd_opt(y, m, d).unwrap()
}

/// Martial law ended at the start of 2024, so 2024 onwards is peacetime.
fn peacetime() -> Calendar {
    Calendar::new(MartialLaw::ended_on(date(2024, 1, 1)), BTreeMap::new())
}

/// Martial law still in force.
fn martial() -> Calendar {
    Calendar::default()
}

fn ending_on(end: NaiveDate) -> Calendar {
    Calendar::new(MartialLaw::ended_on(end), BTreeMap::new())
}

fn with_override(martial_law: bool, on: NaiveDate, working: bool) -> Calendar {
    let mut overrides = BTreeMap::new();
    overrides.insert(on, DayOverride { working, note: "Cabinet resolution".to_owned() });
    let base = if martial_law { martial() } else { peacetime() };
    Calendar::new(base.martial_law(), overrides)
}

#[test]
fn orthodox_easter_matches_the_published_dates() {
    let known = [
        (2021, date(2021, 5, 2)),
        (2022, date(2022, 4, 24)),
        (2023, date(2023, 4, 16)),
        (2024, date(2024, 5, 5)),
        (2025, date(2025, 4, 20)),
        (2026, date(2026, 4, 12)),
        (2027, date(2027, 5, 2)),
    ];
    for (year, expected) in known {
        assert_eq!(orthodox_easter(year), expected, "Easter {year}");
        assert_eq!(orthodox_easter(year).weekday(), Weekday::Sun);
    }
}

#[test]
fn orthodox_easter_uses_a_fourteen_day_shift_after_2100() {
    // Julian 10 April 2101 + 14 days; with the 20th-century shift of 13 the
    // result would be a Saturday.
    assert_eq!(orthodox_easter(2101), date(2101, 4, 24));
    assert_eq!(orthodox_easter(2101).weekday(), Weekday::Sun);
}

#[test]
fn trinity_is_the_seventh_sunday_after_easter() {
    let trinity = |y| public_holidays(y).into_iter().find(|h| h.kind == HolidayKind::Trinity).unwrap().date;
    assert_eq!(trinity(2025), date(2025, 6, 8));
    assert_eq!(trinity(2026), date(2026, 5, 31));
    assert_eq!(trinity(2024), date(2024, 6, 23));
    assert_eq!(trinity(2026).weekday(), Weekday::Sun);
}

#[test]
fn a_year_has_eleven_public_holidays_in_date_order() {
    let list = public_holidays(2026);
    assert_eq!(list.len(), 11);
    assert!(list.windows(2).all(|w| w[0].date <= w[1].date));
    assert_eq!(list[0].kind.code(), "new_year");
    assert_eq!(list[10].date, date(2026, 12, 25));
    assert_eq!(list[10].kind.name_uk(), "Різдво Христове");
}

#[test]
fn in_peacetime_1_may_and_easter_on_a_weekend_move_days_off_to_monday_and_tuesday() {
    let cal = peacetime();
    let mon = cal.day(date(2021, 5, 3));
    let tue = cal.day(date(2021, 5, 4));
    assert!(!mon.working);
    assert!(!tue.working);
    assert_eq!(
        mon.reason,
        DayReason::TransferredDayOff { holiday: HolidayKind::LabourDay, holiday_date: date(2021, 5, 1) }
    );
    assert_eq!(
        tue.reason,
        DayReason::TransferredDayOff { holiday: HolidayKind::Easter, holiday_date: date(2021, 5, 2) }
    );
    assert!(cal.is_working_day(date(2021, 5, 5)));
}

#[test]
fn under_martial_law_nothing_is_transferred_after_a_weekend_holiday() {
    // 1 May 2027 is a Saturday and Easter 2 May 2027 a Sunday, as in 2021.
    let cal = martial();
    assert!(cal.is_working_day(date(2027, 5, 3)));
    assert_eq!(cal.day(date(2027, 5, 3)).reason, DayReason::Weekday);
    assert_eq!(cal.day(date(2027, 5, 1)).reason, DayReason::Weekend);
    assert!(!peacetime().is_working_day(date(2027, 5, 4)));
}

#[test]
fn under_martial_law_independence_day_2026_is_a_working_monday() {
    let info = martial().day(date(2026, 8, 24));
    assert_eq!(info.date.weekday(), Weekday::Mon);
    assert!(info.working);
    assert_eq!(info.reason, DayReason::HolidayWorkedUnderMartialLaw { holiday: HolidayKind::IndependenceDay });
    assert_eq!(
        info.explain(),
        "Working day: 24 August (Independence Day) is a public holiday, but under martial law \
         (Law 2136-IX art. 6) holidays are working days."
    );
}

#[test]
fn in_peacetime_independence_day_2026_is_a_day_off() {
    let info = peacetime().day(date(2026, 8, 24));
    assert!(!info.working);
    assert_eq!(info.reason, DayReason::Holiday { holiday: HolidayKind::IndependenceDay });
}

#[test]
fn a_christmas_on_saturday_gives_monday_off_and_new_year_on_saturday_gives_the_next_monday_off() {
    let cal = peacetime();
    assert_eq!(date(2027, 12, 25).weekday(), Weekday::Sat);
    assert!(!cal.is_working_day(date(2027, 12, 27)));
    assert!(cal.is_working_day(date(2027, 12, 28)));
    assert_eq!(date(2028, 1, 1).weekday(), Weekday::Sat);
    assert!(!cal.is_working_day(date(2028, 1, 3)));
    assert!(cal.is_working_day(date(2028, 1, 4)));
}

#[test]
fn an_override_declaring_a_weekday_off_wins_in_both_modes() {
    let wednesday = date(2025, 3, 12);
    for martial_law in [true, false] {
        let cal = with_override(martial_law, wednesday, false);
        let info = cal.day(wednesday);
        assert!(!info.working);
        assert!(matches!(info.reason, DayReason::Override { working: false, .. }));
        assert!(info.explain().contains("Cabinet resolution"));
    }
}

#[test]
fn an_override_declaring_a_saturday_or_a_peacetime_holiday_working_wins() {
    let saturday = date(2025, 3, 15);
    assert!(with_override(true, saturday, true).is_working_day(saturday));
    let independence = date(2026, 8, 24);
    assert!(with_override(false, independence, true).is_working_day(independence));
    assert!(!peacetime().is_working_day(independence));
}

#[test]
fn under_martial_law_2025_has_only_its_104_weekend_days_off() {
    let days = martial().non_working_days(2025);
    assert_eq!(days.len(), 104);
    assert!(days.iter().all(|d| d.reason == DayReason::Weekend));
    assert!(days.windows(2).all(|w| w[0].date < w[1].date));
}

#[test]
fn in_peacetime_2025_has_115_days_off_with_five_transfers() {
    let days = peacetime().non_working_days(2025);
    // 104 weekend days + 6 weekday holidays + 5 transfers (8 Mar, Easter,
    // Trinity, 28 Jun and 24 Aug fell on weekends).
    assert_eq!(days.len(), 115);
    let transfers: Vec<NaiveDate> =
        days.iter().filter(|d| matches!(d.reason, DayReason::TransferredDayOff { .. })).map(|d| d.date).collect();
    assert_eq!(
        transfers,
        vec![date(2025, 3, 10), date(2025, 4, 21), date(2025, 6, 9), date(2025, 6, 30), date(2025, 8, 25)]
    );
}

#[test]
fn an_override_adds_to_the_yearly_count_of_days_off() {
    let cal = with_override(true, date(2025, 12, 31), false);
    assert_eq!(cal.non_working_days(2025).len(), 105);
}

#[test]
fn two_working_days_after_a_friday_is_the_tuesday() {
    let friday = date(2025, 2, 28);
    assert_eq!(martial().add_working_days(friday, 2), date(2025, 3, 4));
    assert_eq!(martial().add_working_days(friday, 0), friday);
}

#[test]
fn the_next_working_day_after_a_peacetime_easter_weekend_is_wednesday() {
    assert_eq!(peacetime().next_working_day_on_or_after(date(2027, 5, 1)), date(2027, 5, 5));
    assert_eq!(martial().next_working_day_on_or_after(date(2027, 5, 1)), date(2027, 5, 3));
    // 2021 was peacetime whatever the calendar says about today.
    assert_eq!(martial().next_working_day_on_or_after(date(2021, 5, 1)), date(2021, 5, 5));
}

#[test]
fn an_instant_late_in_the_utc_evening_is_already_the_next_day_in_kyiv() {
    let instant = Utc.with_ymd_and_hms(2026, 6, 30, 22, 30, 0).unwrap();
    assert_eq!(kyiv_date(instant), date(2026, 7, 1));
}

#[test]
fn kyiv_midnight_is_22_00_utc_in_winter_and_21_00_utc_in_summer() {
    assert_eq!(kyiv_start_of_day(date(2026, 1, 15)), Utc.with_ymd_and_hms(2026, 1, 14, 22, 0, 0).unwrap());
    assert_eq!(kyiv_start_of_day(date(2026, 7, 15)), Utc.with_ymd_and_hms(2026, 7, 14, 21, 0, 0).unwrap());
    // The spring-forward Sunday starts at winter time, the fall-back one at summer time.
    assert_eq!(kyiv_end_of_day(date(2026, 3, 28)), Utc.with_ymd_and_hms(2026, 3, 28, 22, 0, 0).unwrap());
    assert_eq!(kyiv_end_of_day(date(2026, 10, 24)), Utc.with_ymd_and_hms(2026, 10, 24, 21, 0, 0).unwrap());
}

// --- The law as of any date: versions of art. 73 and martial-law periods -----------------

fn reason(cal: &Calendar, d: NaiveDate) -> DayReason {
    cal.day(d).reason
}

#[test]
fn the_2015_list_has_2_may_and_no_25_december_and_the_2017_law_swaps_them() {
    let cal = martial();
    // Tuesday 2 May 2017: a day off under the 2015 list.
    assert_eq!(reason(&cal, date(2017, 5, 2)), DayReason::Holiday { holiday: HolidayKind::LabourDaySecond });
    // The version boundary: 30 November 2017 (day before), 1 December (day of), 2 December (after).
    assert_eq!(cal.regime_on(date(2017, 11, 30)).version, HolidayVersionId::Art73As2015);
    assert_eq!(cal.regime_on(date(2017, 12, 1)).version, HolidayVersionId::Art73As2017);
    assert_eq!(cal.regime_on(date(2017, 12, 2)).version, HolidayVersionId::Art73As2017);
    // Monday 25 December 2017 was the first day off for 25 December; Wednesday 2 May 2018 was worked.
    assert_eq!(reason(&cal, date(2017, 12, 25)), DayReason::Holiday { holiday: HolidayKind::Christmas });
    assert_eq!(reason(&cal, date(2018, 5, 2)), DayReason::Weekday);
    assert_eq!(reason(&cal, date(2016, 12, 26)), DayReason::Weekday, "no 25 December in 2016");
}

#[test]
fn easter_on_1_may_2016_and_2_may_give_tuesday_3_may_off() {
    let cal = martial();
    assert_eq!(orthodox_easter(2016), date(2016, 5, 1));
    assert!(!cal.is_working_day(date(2016, 5, 2)));
    assert_eq!(
        reason(&cal, date(2016, 5, 3)),
        DayReason::TransferredDayOff { holiday: HolidayKind::Easter, holiday_date: date(2016, 5, 1) }
    );
    assert!(cal.is_working_day(date(2016, 5, 4)));
}

#[test]
fn new_year_2022_on_a_saturday_moved_the_day_off_to_monday_3_january() {
    let cal = martial();
    assert_eq!(
        reason(&cal, date(2022, 1, 3)),
        DayReason::TransferredDayOff { holiday: HolidayKind::NewYear, holiday_date: date(2022, 1, 1) }
    );
    // 25 December 2021 (Saturday) moved its day off to Monday 27 December.
    assert!(!cal.is_working_day(date(2021, 12, 27)));
    // 7 January 2022, a Friday, was still a day off: martial law was not yet declared.
    assert_eq!(reason(&cal, date(2022, 1, 7)), DayReason::Holiday { holiday: HolidayKind::OrthodoxChristmas });
    assert!(cal.is_working_day(date(2022, 1, 4)));
}

#[test]
fn statehood_day_is_28_july_from_2022_and_15_july_from_the_2023_law() {
    let cal = martial();
    assert_eq!(reason(&cal, date(2021, 7, 28)), DayReason::Weekday);
    assert_eq!(cal.regime_on(date(2021, 12, 31)).version, HolidayVersionId::Art73As2017);
    assert_eq!(cal.regime_on(date(2022, 1, 1)).version, HolidayVersionId::Art73As2022);
    let worked = |kind| DayReason::HolidayWorkedUnderMartialLaw { holiday: kind };
    assert_eq!(reason(&cal, date(2022, 7, 28)), worked(HolidayKind::StatehoodDay));
    // The 2023 boundary: Friday 28 July 2023 (day before), Saturday 29 (day of), Sunday 30 (after).
    assert_eq!(reason(&cal, date(2023, 7, 28)), worked(HolidayKind::StatehoodDay));
    assert_eq!(cal.regime_on(date(2023, 7, 28)).version, HolidayVersionId::Art73As2022);
    assert_eq!(cal.regime_on(date(2023, 7, 29)).version, HolidayVersionId::Art73As2023);
    assert_eq!(cal.regime_on(date(2023, 7, 30)).version, HolidayVersionId::Art73As2023);
    assert_eq!(reason(&cal, date(2024, 7, 15)), worked(HolidayKind::StatehoodDay));
    assert_eq!(reason(&cal, date(2024, 7, 29)), DayReason::Weekday);
}

#[test]
fn the_2023_list_drops_7_january_and_moves_9_may_and_14_october() {
    let cal = martial();
    let worked = |kind| DayReason::HolidayWorkedUnderMartialLaw { holiday: kind };
    assert_eq!(reason(&cal, date(2023, 5, 9)), worked(HolidayKind::VictoryDay));
    assert_eq!(reason(&cal, date(2024, 5, 8)), worked(HolidayKind::RemembranceAndVictoryDay));
    assert_eq!(reason(&cal, date(2024, 5, 9)), DayReason::Weekday);
    assert_eq!(reason(&cal, date(2024, 10, 1)), worked(HolidayKind::DefendersDay));
    assert_eq!(reason(&cal, date(2024, 10, 14)), DayReason::Weekday);
    assert_eq!(reason(&cal, date(2025, 1, 7)), DayReason::Weekday);
    let kinds: Vec<HolidayKind> = public_holidays(2023).iter().map(|h| h.kind).collect();
    assert!(kinds.contains(&HolidayKind::OrthodoxChristmas) && kinds.contains(&HolidayKind::VictoryDay));
    assert!(kinds.contains(&HolidayKind::DefendersDay) && !kinds.contains(&HolidayKind::RemembranceAndVictoryDay));
    assert_eq!(
        public_holidays(2023).iter().find(|h| h.kind == HolidayKind::DefendersDay).unwrap().date,
        date(2023, 10, 1)
    );
}

#[test]
fn martial_law_begins_on_24_february_2022_and_its_holiday_rule_on_24_march_2022() {
    let cal = martial();
    assert_eq!(cal.regime_on(date(2022, 2, 23)).period, Period::Peacetime);
    assert_eq!(cal.regime_on(date(2022, 2, 24)).period, Period::MartialLawBeforeLaw2136);
    assert_eq!(cal.regime_on(date(2022, 2, 25)).period, Period::MartialLawBeforeLaw2136);
    // 8 March 2022, a Tuesday, was still a day off.
    assert_eq!(reason(&cal, date(2022, 3, 8)), DayReason::Holiday { holiday: HolidayKind::WomensDay });
    assert_eq!(cal.regime_on(date(2022, 3, 23)).period, Period::MartialLawBeforeLaw2136);
    assert_eq!(cal.regime_on(date(2022, 3, 24)).period, Period::MartialLaw);
    assert_eq!(cal.regime_on(date(2022, 3, 25)).period, Period::MartialLaw);
    // Easter, Sunday 24 April 2022: no day off moved to Monday.
    assert_eq!(reason(&cal, date(2022, 4, 24)), DayReason::Weekend);
    assert_eq!(reason(&cal, date(2022, 4, 25)), DayReason::Weekday);
}

#[test]
fn when_martial_law_ends_holidays_are_days_off_again_from_that_day() {
    // Martial law ends on Monday 24 August 2026, Independence Day.
    let cal = ending_on(date(2026, 8, 24));
    assert_eq!(cal.regime_on(date(2026, 8, 23)).period, Period::MartialLaw);
    assert_eq!(cal.regime_on(date(2026, 8, 24)).period, Period::Peacetime);
    assert_eq!(reason(&cal, date(2026, 8, 24)), DayReason::Holiday { holiday: HolidayKind::IndependenceDay });
    assert!(cal.is_working_day(date(2026, 8, 25)));
    // Ending a day later leaves 24 August a worked holiday.
    let later = ending_on(date(2026, 8, 25));
    assert!(later.is_working_day(date(2026, 8, 24)));
    assert!(!later.is_working_day(date(2026, 8, 22)));
}

#[test]
fn a_holiday_on_a_weekend_under_martial_law_moves_nothing_into_the_peace_that_follows() {
    // 28 June 2026 is a Sunday; martial law ends on Monday 29 June.
    let cal = ending_on(date(2026, 6, 29));
    assert_eq!(reason(&cal, date(2026, 6, 28)), DayReason::Weekend);
    assert!(cal.is_working_day(date(2026, 6, 29)));
    // Had it ended on Saturday 27 June, Monday 29 June would be the transferred day off.
    let earlier = ending_on(date(2026, 6, 27));
    assert!(matches!(reason(&earlier, date(2026, 6, 29)), DayReason::TransferredDayOff { .. }));
}

#[test]
fn the_regimes_of_a_span_are_listed_in_order() {
    let cal = ending_on(date(2026, 8, 24));
    let spans = cal.regimes_between(date(2026, 8, 20), date(2026, 8, 26));
    assert_eq!(spans.len(), 2);
    assert_eq!(
        (spans[0].from, spans[0].to, spans[0].regime.period),
        (date(2026, 8, 20), date(2026, 8, 23), Period::MartialLaw)
    );
    assert_eq!(
        (spans[1].from, spans[1].to, spans[1].regime.period),
        (date(2026, 8, 24), date(2026, 8, 26), Period::Peacetime)
    );
    assert!(spans[1].regime.describe().contains("in peacetime"));
}

#[test]
fn the_supported_dates_run_from_2015_to_2100() {
    assert_eq!(SUPPORTED_FROM, date(2015, 1, 1));
    assert!(supported("from", date(2015, 1, 1)).is_ok());
    assert!(supported("from", date(2100, 12, 31)).is_ok());
    let refused = supported("received_at", date(2014, 12, 31)).unwrap_err();
    assert_eq!(refused.to_string(), format!("`received_at` is 2014-12-31; {}", supported_range_text()));
    assert!(supported("from", date(2101, 1, 1)).is_err());
    assert!(MartialLaw::check_end(date(2022, 2, 24)).is_err());
    assert!(MartialLaw::check_end(date(2026, 9, 1)).is_ok());
}
