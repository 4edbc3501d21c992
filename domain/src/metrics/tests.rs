use chrono::TimeZone;

use super::*;

fn at(y: i32, m: u32, d: u32, h: u32) -> DateTime<Utc> {
    Utc.with_ymd_and_hms(y, m, d, h, 0, 0).unwrap()
}

#[test]
fn a_trend_has_one_entry_per_month_clipped_to_the_period() {
    let day = |m, d| NaiveDate::from_ymd_opt(2026, m, d).unwrap();
    let year = Period::parse("2026").unwrap().months();
    assert_eq!(year.len(), 12);
    assert_eq!((year[1].from, year[1].to), (day(2, 1), day(2, 28)));
    let range = Period::between(day(1, 20), day(3, 5)).unwrap().months();
    let bounds: Vec<_> = range.iter().map(|p| (p.from, p.to)).collect();
    assert_eq!(bounds, vec![(day(1, 20), day(1, 31)), (day(2, 1), day(2, 28)), (day(3, 1), day(3, 5))]);
}

fn appeal(status: Status) -> AppealFacts {
    AppealFacts {
        received_at: at(2026, 3, 2, 8),
        executor_id: 7,
        category_id: Some(3),
        status,
        answered_at: None,
        due_at: at(2026, 3, 31, 21),
        extended_due_at: None,
        overdue_at: None,
        forwarded_count: 0,
        rework_count: 0,
        rating: None,
    }
}

fn d(y: i32, m: u32, day: u32) -> NaiveDate {
    NaiveDate::from_ymd_opt(y, m, day).unwrap()
}

#[test]
fn periods_parse_as_years_quarters_months_and_days() {
    assert_eq!(Period::parse("2026").unwrap(), Period { from: d(2026, 1, 1), to: d(2026, 12, 31) });
    assert_eq!(Period::parse("2026-Q1").unwrap(), Period { from: d(2026, 1, 1), to: d(2026, 3, 31) });
    assert_eq!(Period::parse("2024-Q4").unwrap(), Period { from: d(2024, 10, 1), to: d(2024, 12, 31) });
    assert_eq!(Period::parse("2024-02").unwrap(), Period { from: d(2024, 2, 1), to: d(2024, 2, 29) });
    assert_eq!(Period::parse("2026-12").unwrap(), Period { from: d(2026, 12, 1), to: d(2026, 12, 31) });
    assert_eq!(Period::parse("2026-07-15").unwrap(), Period { from: d(2026, 7, 15), to: d(2026, 7, 15) });
    for bad in ["", "26", "2026-Q5", "2026-13", "2026-02-30", "2026-7", "x", "2026-Q1-01"] {
        assert!(Period::parse(bad).is_err(), "{bad}");
    }
    assert!(Period::between(d(2026, 2, 1), d(2026, 1, 1)).is_err());
    assert_eq!(Period::trailing(d(2026, 11, 22), 365).from, d(2025, 11, 23));
    assert_eq!(Period::parse("2026").unwrap().label(), "2026");
    assert_eq!(Period::parse("2026-Q3").unwrap().label(), "2026-07-01..2026-09-30");
}

#[test]
fn periods_split_into_whole_months_and_the_days_around_them() {
    let p = |a: NaiveDate, b: NaiveDate| Period { from: a, to: b };
    let year = Period::parse("2026").unwrap();
    assert_eq!(year.split_by_months(), (vec![], Some(p(d(2026, 1, 1), d(2026, 12, 1)))));
    let trailing = Period::trailing(d(2026, 11, 22), 365);
    assert_eq!(
        trailing.split_by_months(),
        (
            vec![p(d(2025, 11, 23), d(2025, 11, 30)), p(d(2026, 11, 1), d(2026, 11, 22))],
            Some(p(d(2025, 12, 1), d(2026, 10, 1)))
        )
    );
    let inside = p(d(2026, 3, 5), d(2026, 3, 20));
    assert_eq!(inside.split_by_months(), (vec![inside], None));
    let across = p(d(2026, 3, 5), d(2026, 4, 20));
    assert_eq!(across.split_by_months(), (vec![across], None), "no whole month inside");
    let one = p(d(2026, 2, 1), d(2026, 2, 28));
    assert_eq!(one.split_by_months(), (vec![], Some(p(d(2026, 2, 1), d(2026, 2, 1)))));
    let tail = p(d(2026, 2, 1), d(2026, 3, 2));
    assert_eq!(tail.split_by_months(), (vec![p(d(2026, 3, 1), d(2026, 3, 2))], Some(p(d(2026, 2, 1), d(2026, 2, 1)))));
    // Every day of a range is covered exactly once.
    for (from, to) in
        [(d(2025, 12, 31), d(2026, 3, 1)), (d(2026, 1, 1), d(2026, 1, 31)), (d(2024, 2, 29), d(2025, 3, 1))]
    {
        let (days, months) = p(from, to).split_by_months();
        let mut covered: Vec<NaiveDate> =
            days.iter().flat_map(|r| r.from.iter_days().take_while(move |x| *x <= r.to)).collect();
        if let Some(m) = months {
            let mut month = m.from;
            while month <= m.to {
                let end = next_month(month).unwrap();
                covered.extend(month.iter_days().take_while(|x| *x < end));
                month = end;
            }
        }
        covered.sort();
        let all: Vec<NaiveDate> = from.iter_days().take_while(|x| *x <= to).collect();
        assert_eq!(covered, all, "{from}..{to}");
    }
}

#[test]
fn daily_changes_add_up_into_their_months() {
    let key = |day: u32, executor_id: i32| TallyKey { received_on: d(2026, 3, day), executor_id, category_id: 1 };
    let one = Tally { received: 1, ..Tally::default() };
    let minus = Tally { received: -1, ..Tally::default() };
    let months =
        monthly(&[(key(2, 7), one.clone()), (key(20, 7), one.clone()), (key(3, 9), one.clone()), (key(4, 9), minus)]);
    assert_eq!(months, vec![(key(1, 7), Tally { received: 2, ..Tally::default() })], "the +1 and −1 of org 9 cancel");
}

#[test]
fn an_appeal_answered_before_its_deadline_counts_as_on_time_with_its_days_to_answer() {
    let mut a = appeal(Status::Answered);
    a.answered_at = Some(at(2026, 3, 12, 10));
    let (key, t) = contribution(&a);
    assert_eq!(key, TallyKey { received_on: d(2026, 3, 2), executor_id: 7, category_id: 3 });
    assert_eq!((t.received, t.answered, t.answered_on_time), (1, 1, 1));
    assert_eq!(t.answer_days, BTreeMap::from([(10, 1)]));
    a.answered_at = Some(a.due_at);
    assert_eq!(contribution(&a).1.answered_on_time, 0, "at the deadline is late");
}

#[test]
fn an_appeal_extended_after_its_deadline_is_answered_late_even_within_the_extension() {
    let mut a = appeal(Status::Answered);
    let missed = a.due_at;
    (a.due_at, a.extended_due_at, a.overdue_at) = (at(2026, 4, 15, 21), Some(at(2026, 4, 15, 21)), Some(missed));
    a.answered_at = Some(at(2026, 4, 10, 10));
    let t = contribution(&a).1;
    assert_eq!((t.answered, t.answered_on_time, t.extended), (1, 0, 1));
    assert!(!answered_on_time(at(2026, 4, 10, 10), a.due_at, a.overdue_at));
    assert!(answered_on_time(at(2026, 4, 10, 10), a.due_at, None), "extended in time: on time");
}

#[test]
fn the_kyiv_date_decides_the_day_of_receipt() {
    let mut a = appeal(Status::Received);
    a.received_at = at(2026, 3, 1, 22) + chrono::Duration::minutes(30); // 00:30 on 2 March in Kyiv
    assert_eq!(contribution(&a).0.received_on, d(2026, 3, 2));
}

#[test]
fn a_returned_answer_no_longer_counts_until_answered_again() {
    let mut answered = appeal(Status::Answered);
    answered.answered_at = Some(at(2026, 3, 10, 10));
    let mut returned = answered.clone();
    returned.status = Status::Rework;
    returned.rework_count = 1;
    let delta = tally_delta(Some(&answered), &returned);
    assert_eq!(delta.len(), 1);
    let t = &delta[0].1;
    assert_eq!((t.received, t.answered, t.answered_on_time, t.returned_for_rework), (0, -1, -1, 1));
    assert_eq!(t.answer_days, BTreeMap::from([(8, -1)]));
}

#[test]
fn forwarding_moves_the_appeal_to_the_new_executors_tally() {
    let before = appeal(Status::Received);
    let mut after = before.clone();
    after.executor_id = 9;
    after.forwarded_count = 1;
    let delta = tally_delta(Some(&before), &after);
    assert_eq!(delta.len(), 2);
    assert_eq!(delta[0].1.received, -1);
    assert_eq!((delta[1].0.executor_id, delta[1].1.received, delta[1].1.forwarded), (9, 1, 1));
    assert!(tally_delta(Some(&before), &before).is_empty(), "a reminder changes no figure");
}

#[test]
fn duplicates_count_only_as_received_and_duplicates() {
    let mut dup = appeal(Status::Duplicate);
    dup.rating = Some(4);
    let t = contribution(&dup).1;
    assert_eq!(t, Tally { received: 1, duplicates: 1, ..Tally::default() });
}

#[test]
fn histograms_survive_storage_and_percentiles_use_the_nearest_rank() {
    let mut t = Tally::default();
    for days in [1, 2, 2, 3, 4, 5, 6, 7, 8, 30] {
        t.add(&Tally { answer_days: BTreeMap::from([(days, 1)]), ..Tally::default() }, 1);
    }
    let stored = t.encode_answer_days();
    assert_eq!(stored, "1:1,2:2,3:1,4:1,5:1,6:1,7:1,8:1,30:1");
    assert_eq!(Tally::decode_answer_days(&stored), t.answer_days);
    assert_eq!(Tally::decode_answer_days("x,2:1,:3,4:0"), BTreeMap::from([(2, 1)]));
    assert_eq!(percentile(&t.answer_days, 0.5), Some(4), "rank 5 of 10");
    assert_eq!(percentile(&t.answer_days, 0.9), Some(8), "rank 9 of 10");
    assert_eq!(percentile(&BTreeMap::from([(3, 1)]), 0.9), Some(3));
    assert_eq!(percentile(&BTreeMap::new(), 0.5), None);
}

#[test]
fn figures_split_open_appeals_into_pending_and_overdue() {
    let t = Tally {
        received: 20,
        duplicates: 2,
        answered: 12,
        answered_on_time: 9,
        rated: 4,
        rating_sum: 15,
        answer_days: BTreeMap::from([(3, 6), (10, 6)]),
        ..Tally::default()
    };
    let f = figures(&t, 3);
    assert_eq!((f.open, f.pending, f.overdue, f.answered_late), (6, 3, 3, 3));
    assert_eq!(f.on_time_share, Some(0.6), "9 of 12 answered + 3 overdue");
    assert_eq!((f.median_days_to_answer, f.p90_days_to_answer), (Some(3), Some(10)));
    assert_eq!(f.satisfaction, Some(3.75));
    assert_eq!(figures(&Tally::default(), 0).on_time_share, None);
}

#[test]
fn scores_follow_the_configured_bands_and_refuse_small_samples() {
    let s = Scoring::default();
    assert!(s.validate().is_ok());
    assert_eq!(s.score(10, 10), Score::Estimated { compliant: 10, cases: 10, share: 1.0, points: 1.0 });
    assert_eq!(s.score(5, 10), Score::Estimated { compliant: 5, cases: 10, share: 0.5, points: 0.5 });
    assert_eq!(s.score(49, 100), Score::Estimated { compliant: 49, cases: 100, share: 0.49, points: 0.0 });
    assert_eq!(s.score(9, 9), Score::InsufficientData { cases: 9, min_sample: 10 });
    let strict = Scoring {
        bands: vec![Band { min_share: 0.9, points: 2.0 }, Band { min_share: 0.0, points: 0.0 }],
        min_sample: 1,
    };
    assert_eq!(strict.score(9, 10), Score::Estimated { compliant: 9, cases: 10, share: 0.9, points: 2.0 });
    assert!(Scoring { bands: vec![Band { min_share: 0.5, points: 1.0 }], min_sample: 10 }.validate().is_err());
    assert!(Scoring { bands: vec![Band { min_share: 1.5, points: 1.0 }], min_sample: 10 }.validate().is_err());
}

#[test]
fn a07_counts_moderation_consideration_and_appeal_cases_but_not_pending_ones() {
    let f = PetitionFigures {
        submitted: 9,
        awaiting_moderation: 1,
        moderation_overdue: 1,
        moderated_within_term: 5,
        moderated_late: 2,
        considered_within_term: 2,
        considered_late: 1,
        consideration_pending: 3,
        consideration_overdue: 1,
        became_appeals_answered_on_time: 1,
        became_appeals_late_or_overdue: 1,
        ..PetitionFigures::default()
    };
    assert_eq!(a07_cases(&f), (8, 14));
}

#[test]
fn rankings_order_by_the_mean_share_and_leave_small_samples_unranked() {
    let t = |answered: i64, on_time: i64, confirmed: i64, reworked: i64| Tally {
        received: answered,
        answered,
        answered_on_time: on_time,
        confirmed,
        returned_for_rework: reworked,
        ..Tally::default()
    };
    let list =
        vec![(1, figures(&t(10, 5, 5, 5), 0)), (2, figures(&t(10, 10, 10, 0), 0)), (3, figures(&t(4, 4, 4, 0), 0))];
    let ranked = rank(&list, 10);
    assert_eq!(ranked.iter().map(|e| e.organisation_id).collect::<Vec<_>>(), vec![2, 1, 3]);
    assert_eq!(ranked[0].score, Some(1.0));
    assert_eq!(ranked[1].score, Some(0.5));
    assert_eq!((ranked[0].rank, ranked[1].rank, ranked[2].rank), (Some(1), Some(2), None));
    assert_eq!(ranked[2].sample, 4);
}

fn petition(status: petitions::Status) -> PetitionFacts {
    PetitionFacts {
        council_id: 1,
        status,
        // 23:30 UTC on 1 March is already 2 March in Kyiv.
        submitted_at: at(2026, 3, 1, 23),
        publication_due_at: at(2026, 3, 4, 22),
        moderated_at: None,
        published_at: None,
        threshold_reached_at: None,
        notice_at: None,
        consideration_due_at: None,
        answered_at: None,
        decision: None,
        closed_at: None,
        appeal_id: None,
    }
}

#[test]
fn a_petition_counts_on_its_kyiv_submission_date_and_moves_through_its_counters() {
    use petitions::{Decision, Status as P};
    let submitted = petition(P::Moderation);
    let (key, tally) = submitted.contribution();
    assert_eq!(key, PetitionTallyKey { submitted_on: d(2026, 3, 2), council_id: 1 });
    assert_eq!((tally.submitted, tally.unmoderated, tally.moderated_within_term), (1, 1, 0));

    let published = PetitionFacts {
        status: P::Collecting,
        moderated_at: Some(at(2026, 3, 3, 9)),
        published_at: Some(at(2026, 3, 3, 9)),
        ..submitted.clone()
    };
    let change = tally_delta(Some(&submitted), &published);
    assert_eq!(change.len(), 1);
    let (_, change) = &change[0];
    assert_eq!((change.unmoderated, change.moderated_within_term, change.published, change.submitted), (-1, 1, 1, 0));

    // Threshold on 10 March, the notice 3 Kyiv days later, answered after its term.
    let answered = PetitionFacts {
        status: P::Answered,
        threshold_reached_at: Some(at(2026, 3, 10, 12)),
        notice_at: Some(at(2026, 3, 13, 12)),
        consideration_due_at: Some(at(2026, 3, 26, 22)),
        answered_at: Some(at(2026, 3, 27, 9)),
        decision: Some(Decision::PartlySupported),
        ..published.clone()
    };
    let (_, t) = answered.contribution();
    assert_eq!((t.reached_threshold, t.notices_published, t.awaiting_notice), (1, 1, 0));
    assert_eq!((t.answers_published, t.considered_within_term, t.considered_late), (1, 0, 1));
    assert_eq!(t.unanswered_after_notice, 0);
    assert_eq!(t.days_to_notice, BTreeMap::from([(3, 1)]));
    assert_eq!(t.decisions, BTreeMap::from([("partly_supported".to_owned(), 1)]));

    // Before and after through the same delta: the sum of the steps is the last state's contribution.
    let mut sum = PetitionTally::default();
    for (before, after) in [(None, &submitted), (Some(&submitted), &published), (Some(&published), &answered)] {
        for (_, change) in tally_delta(before, after) {
            sum.add(&change, 1);
        }
    }
    assert_eq!(sum, t);
}

#[test]
fn a_petition_closed_short_and_one_refused_count_as_such() {
    use petitions::Status as P;
    let closed = PetitionFacts {
        status: P::Closed,
        moderated_at: Some(at(2026, 3, 5, 9)),
        published_at: Some(at(2026, 3, 5, 9)),
        closed_at: Some(at(2026, 5, 5, 9)),
        appeal_id: Some(44),
        ..petition(P::Moderation)
    };
    let (_, t) = closed.contribution();
    assert_eq!((t.closed_short, t.became_appeals, t.moderated_late, t.published), (1, 1, 1, 1));
    let refused =
        PetitionFacts { status: P::Refused, moderated_at: Some(at(2026, 3, 2, 9)), ..petition(P::Moderation) };
    let (_, t) = refused.contribution();
    assert_eq!((t.refused, t.published, t.moderated_within_term, t.unmoderated), (1, 0, 1, 0));
}

#[test]
fn petition_figures_split_the_unmoderated_and_the_unanswered_by_the_live_counts() {
    let tally = PetitionTally {
        submitted: 10,
        unmoderated: 3,
        notices_published: 4,
        unanswered_after_notice: 2,
        days_to_notice: BTreeMap::from([(1, 2), (5, 1), (9, 1)]),
        ..PetitionTally::default()
    };
    let live = PetitionLive {
        moderation_overdue: 1,
        consideration_overdue: 5, // more than can be: clamped to the unanswered ones
        became_appeals_answered_on_time: 1,
        became_appeals_late_or_overdue: 0,
    };
    let f = petition_figures(&tally, &live);
    assert_eq!((f.awaiting_moderation, f.moderation_overdue), (2, 1));
    assert_eq!((f.consideration_pending, f.consideration_overdue), (0, 2));
    assert_eq!((f.median_days_threshold_to_notice, f.p90_days_threshold_to_notice), (Some(1), Some(9)));
    assert_eq!(f.became_appeals_answered_on_time, 1);
}
