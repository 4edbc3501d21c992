use std::collections::BTreeMap;

use chrono::{NaiveDate, TimeZone};

use super::*;
use crate::calendar::kyiv_start_of_day;

fn calendar() -> Calendar {
    Calendar::default()
}

fn at(y: i32, m: u32, d: u32, h: u32) -> DateTime<Utc> {
    Utc.with_ymd_and_hms(y, m, d, h, 0, 0).unwrap()
}

fn appeal() -> Appeal {
    let (appeal, _) = Appeal::received(
        AppealKind::IssueReport,
        Some(100),
        1,
        DeadlineRule::AppealNoStudy,
        at(2026, 11, 2, 9),
        &calendar(),
    );
    Appeal { id: 7, ..appeal }
}

fn officer() -> Actor {
    Actor {
        account_id: Some(5),
        is_author: false,
        executor_role: Some(OrganisationRole::Officer),
        administrator: false,
        system: false,
    }
}

fn head() -> Actor {
    Actor { account_id: Some(6), executor_role: Some(OrganisationRole::Head), ..officer() }
}

fn author() -> Actor {
    Actor { account_id: Some(100), is_author: true, executor_role: None, administrator: false, system: false }
}

fn stranger() -> Actor {
    Actor { account_id: Some(999), is_author: false, executor_role: None, administrator: false, system: false }
}

fn run(a: &Appeal, actor: Actor, command: Command, now: DateTime<Utc>) -> Result<Transition, TransitionError> {
    apply(a, actor, command, now, &calendar())
}

fn answer(text: &str) -> Command {
    Command::Answer { resolution: Resolution::Resolved, text: text.into(), competent_body: None }
}

#[test]
fn the_statuses_that_owe_an_answer_are_those_the_open_appeals_index_holds() {
    // migration m0012 spells them in its partial index predicate; the overdue count relies on it.
    assert_eq!(Status::awaiting_answer_codes(), ["received", "in_progress", "rework"]);
}

#[test]
fn an_appeal_without_a_full_name_is_refused_as_anonymous() {
    let draft = IntakeDraft {
        kind: Some(AppealKind::Complaint),
        author_name: "Anonymous",
        author_address: "Kramatorsk, Shkilna 1",
        author_email: "x@example.org",
        subject: "Noise",
        text: "Loud music every night at the bar.",
        electronic: true,
        ..Default::default()
    };
    let refusal = check_intake(&draft).unwrap_err();
    assert_eq!(refusal.code, RefusalCode::Anonymous);
    assert_eq!(refusal.field, "author_name");
    assert!(refusal.reason.contains("art"));
}

#[test]
fn an_appeal_needs_an_address_but_an_issue_report_needs_a_category_and_a_place() {
    let mut draft = IntakeDraft {
        kind: Some(AppealKind::Application),
        author_name: "Петренко Олена",
        author_address: "",
        author_email: "o@example.org",
        subject: "Street lights",
        text: "The lights on our street are off.",
        electronic: true,
        ..Default::default()
    };
    assert_eq!(check_intake(&draft).unwrap_err().field, "author_address");
    draft.kind = Some(AppealKind::IssueReport);
    assert_eq!(check_intake(&draft).unwrap_err().field, "category_id");
    draft.has_category = true;
    assert_eq!(check_intake(&draft).unwrap_err().field, "location");
    draft.has_place = true;
    assert_eq!(check_intake(&draft), Ok(()));
    draft.author_email = "";
    assert_eq!(check_intake(&draft).unwrap_err().field, "author_email");
    draft.electronic = false;
    assert_eq!(check_intake(&draft), Ok(()), "a paper appeal is answered by post");
}

#[test]
fn the_intake_rule_follows_the_urgency_class() {
    assert_eq!(intake_rule(Some(UrgencyClass::Emergency { hours: 24 })), DeadlineRule::UrgencyHours(24));
    assert_eq!(intake_rule(Some(UrgencyClass::Normal)), DeadlineRule::AppealNoStudy);
    assert_eq!(intake_rule(Some(UrgencyClass::Complex)), DeadlineRule::AppealStandard);
    assert_eq!(intake_rule(None), DeadlineRule::AppealStandard);
}

#[test]
fn the_whole_loop_acknowledge_answer_return_answer_confirm_rate() {
    let a = appeal();
    let t = run(&a, officer(), Command::Acknowledge, at(2026, 11, 2, 10)).unwrap();
    assert_eq!((t.from, t.to), (Status::Received, Status::InProgress));
    assert_eq!(t.appeal.assignee_account_id, Some(5));
    assert!(t.notify.author);
    let t = run(&t.appeal, officer(), answer("The pothole was filled."), at(2026, 11, 5, 10)).unwrap();
    assert_eq!(t.to, Status::Answered);
    assert_eq!(t.details["answered_within_term"], true);
    let t =
        run(&t.appeal, author(), Command::ReturnForRework { reason: "It is still there.".into() }, at(2026, 11, 6, 10))
            .unwrap();
    assert_eq!(t.to, Status::Rework);
    assert_eq!(t.appeal.rework_count, 1);
    assert!(t.appeal.due_at > a.due_at, "rework gets a fresh term");
    assert_eq!(t.appeal.original_due_at, a.original_due_at);
    assert!(t.notify.executor);
    let t = run(&t.appeal, officer(), answer("Filled again, properly."), at(2026, 11, 9, 10)).unwrap();
    let t = run(&t.appeal, author(), Command::Confirm, at(2026, 11, 10, 10)).unwrap();
    assert_eq!(t.to, Status::Confirmed);
    let t = run(&t.appeal, author(), Command::Rate { score: 5, comment: None }, at(2026, 11, 10, 11)).unwrap();
    assert_eq!(t.appeal.rating, Some(5));
}

#[test]
fn nothing_closes_without_a_written_answer() {
    let a = appeal();
    let err = run(&a, officer(), answer("ok"), at(2026, 11, 3, 9)).unwrap_err();
    assert!(matches!(err, TransitionError::Invalid { field: "text", .. }));
    let err = run(
        &a,
        officer(),
        Command::Answer { resolution: Resolution::NotCompetent, text: "Not ours at all.".into(), competent_body: None },
        at(2026, 11, 3, 9),
    )
    .unwrap_err();
    assert!(matches!(err, TransitionError::Invalid { field: "competent_body", .. }));
    assert!(run(&a, author(), Command::Confirm, at(2026, 11, 3, 9)).is_err(), "nothing to confirm yet");
}

#[test]
fn only_the_right_people_may_act() {
    let a = appeal();
    assert!(matches!(
        run(&a, stranger(), Command::Acknowledge, at(2026, 11, 3, 9)),
        Err(TransitionError::Forbidden(_))
    ));
    assert!(matches!(
        run(&a, author(), answer("I answer myself"), at(2026, 11, 3, 9)),
        Err(TransitionError::Forbidden(_))
    ));
    let extend = Command::Extend { request: ExtensionRequest::TotalDays(45), reason: "Needs a survey.".into() };
    assert!(matches!(run(&a, officer(), extend.clone(), at(2026, 11, 3, 9)), Err(TransitionError::Forbidden(_))));
    assert!(run(&a, head(), extend, at(2026, 11, 3, 9)).is_ok());
    assert!(matches!(
        run(&a, officer(), Command::MarkOverdue, at(2026, 12, 30, 9)),
        Err(TransitionError::Forbidden(_))
    ));
}

#[test]
fn an_officer_takes_an_unassigned_appeal_but_only_the_head_reassigns() {
    let a = appeal();
    let take = Command::Assign { officer_account_id: 5, officer_is_member: true };
    let t = run(&a, officer(), take, at(2026, 11, 3, 9)).unwrap();
    assert_eq!(t.appeal.assignee_account_id, Some(5));
    let reassign = Command::Assign { officer_account_id: 8, officer_is_member: true };
    assert!(matches!(
        run(&t.appeal, officer(), reassign.clone(), at(2026, 11, 3, 9)),
        Err(TransitionError::Forbidden(_))
    ));
    assert_eq!(run(&t.appeal, head(), reassign, at(2026, 11, 3, 9)).unwrap().appeal.assignee_account_id, Some(8));
    let outsider = Command::Assign { officer_account_id: 9, officer_is_member: false };
    assert!(matches!(run(&t.appeal, head(), outsider, at(2026, 11, 3, 9)), Err(TransitionError::Invalid { .. })));
}

#[test]
fn forwarding_moves_the_appeal_restarts_the_term_and_records_the_five_day_rule() {
    let a = appeal();
    let cmd = Command::Forward { to_organisation_id: 2, reason: "Lifts are the housing enterprise's.".into() };
    let t = run(&a, officer(), cmd.clone(), at(2026, 11, 4, 9)).unwrap();
    assert_eq!(t.appeal.executor_id, 2);
    assert_eq!(t.appeal.status, Status::Received);
    assert_eq!(t.appeal.forwarded_count, 1);
    assert_eq!(t.details["forwarded_within_term"], true);
    assert!(t.appeal.due_at > a.due_at);
    assert_eq!(t.appeal.original_due_at, a.original_due_at);
    assert!(t.notify.author && t.notify.executor);
    let late = run(&a, officer(), cmd, at(2026, 11, 12, 9)).unwrap();
    assert_eq!(late.details["forwarded_within_term"], false);
    let same = Command::Forward { to_organisation_id: 1, reason: "Back to ourselves".into() };
    assert!(matches!(run(&a, officer(), same, at(2026, 11, 4, 9)), Err(TransitionError::Invalid { .. })));
}

#[test]
fn an_extension_never_passes_45_days_from_receipt() {
    let a = appeal();
    let cmd = |days| Command::Extend { request: ExtensionRequest::TotalDays(days), reason: "Needs a survey.".into() };
    let t = run(&a, head(), cmd(60), at(2026, 11, 5, 9)).unwrap();
    // Received 2 Nov (Kyiv): 45 days end on 17 Dec, a Thursday.
    assert_eq!(t.deadline.as_ref().unwrap().due_date, NaiveDate::from_ymd_opt(2026, 12, 17).unwrap());
    assert_eq!(t.appeal.extended_due_at, Some(t.appeal.due_at));
    assert_eq!(t.appeal.original_due_at, a.original_due_at);
    let again = run(&t.appeal, head(), cmd(45), at(2026, 11, 6, 9)).unwrap_err();
    assert!(matches!(again, TransitionError::Invalid { .. }), "already at the cap: {again:?}");
}

#[test]
fn the_head_extends_an_overdue_item_but_it_stays_overdue_and_never_on_time() {
    let a = appeal();
    let cmd = |days| Command::Extend { request: ExtensionRequest::TotalDays(days), reason: "Needs a survey.".into() };
    let late = run(&a, head(), cmd(30), a.due_at).unwrap();
    assert!(late.appeal.due_at > a.due_at);
    assert_eq!(late.appeal.overdue_at, Some(a.due_at), "the missed term stays on record");
    assert_eq!(late.details["after_deadline"], true);
    let marked = run(&a, Actor::system(), Command::MarkOverdue, a.due_at).unwrap().appeal;
    let later = a.due_at + chrono::Duration::days(2);
    let extended = run(&marked, head(), cmd(45), later).unwrap();
    assert_eq!(extended.appeal.overdue_at, marked.overdue_at, "the watcher's mark is kept");
    assert!(run(&extended.appeal, Actor::system(), Command::MarkOverdue, later).is_err(), "not marked twice");
    let in_time = run(&a, head(), cmd(30), a.due_at - chrono::Duration::hours(1)).unwrap();
    assert_eq!((in_time.appeal.overdue_at, &in_time.details["after_deadline"]), (None, &json!(false)));
}

fn extend_by(days: u32) -> Command {
    Command::Extend { request: ExtensionRequest::TotalDays(days), reason: "Needs a survey.".into() }
}

#[test]
fn a_late_extension_the_watcher_had_not_seen_records_the_missed_term_and_escalates_it_first() {
    let a = appeal();
    let later = a.due_at + chrono::Duration::hours(3);
    let t = run(&a, head(), extend_by(45), later).unwrap();
    let owed = t.preceding.as_deref().expect("the missed term is recorded with the extension");
    assert_eq!((owed.action, owed.notify.escalation), ("overdue", true));
    assert_eq!(owed.details["due_at"], json!(a.due_at), "the escalation names the missed deadline");
    assert_eq!(owed.appeal.escalated_due_at, Some(a.due_at));
    assert_eq!((t.action, t.from, t.to), ("extended", a.status, a.status));
    assert_eq!(t.appeal.overdue_at, Some(a.due_at), "the first missed term is the overdue mark");
    assert_eq!(t.appeal.escalated_due_at, Some(a.due_at));
    assert!(!t.notify.escalation, "the extension itself tells the author only");
    // Once the watcher has recorded the miss, an extension owes nothing more.
    let marked = run(&a, Actor::system(), Command::MarkOverdue, later).unwrap().appeal;
    assert!(run(&marked, head(), extend_by(45), later).unwrap().preceding.is_none());
    // Nor does one within the term, or a refused one.
    assert!(run(&a, head(), extend_by(45), a.due_at - chrono::Duration::hours(1)).unwrap().preceding.is_none());
    assert!(run(&a, officer(), extend_by(45), later).is_err(), "an officer may not extend, nor mark anything");
}

#[test]
fn an_extended_deadline_missed_in_its_turn_is_escalated_once_and_the_first_miss_stays_the_mark() {
    let a = appeal();
    let late = run(&a, head(), extend_by(45), a.due_at + chrono::Duration::hours(3)).unwrap().appeal;
    assert!(run(&late, Actor::system(), Command::MarkOverdue, late.due_at - chrono::Duration::seconds(1)).is_err());
    let missed = run(&late, Actor::system(), Command::MarkOverdue, late.due_at + chrono::Duration::minutes(1));
    let missed = missed.expect("the extended deadline passed: escalated");
    assert!(missed.notify.escalation);
    assert_eq!((&missed.details["due_at"], &missed.details["extended"]), (&json!(late.due_at), &json!(true)));
    assert_eq!(missed.appeal.overdue_at, Some(a.due_at), "the figures keep the first missed term");
    assert_eq!(missed.appeal.escalated_due_at, Some(late.due_at));
    let again = run(&missed.appeal, Actor::system(), Command::MarkOverdue, late.due_at + chrono::Duration::days(1));
    assert!(again.is_err(), "once per deadline");

    // Extended in time and then missed: the extended deadline is the first missed term.
    let in_time = run(&a, head(), extend_by(45), a.due_at - chrono::Duration::hours(1)).unwrap().appeal;
    assert!(run(&in_time, Actor::system(), Command::MarkOverdue, a.due_at).is_err(), "not due yet");
    let missed = run(&in_time, Actor::system(), Command::MarkOverdue, in_time.due_at).unwrap();
    assert_eq!(missed.appeal.overdue_at, Some(in_time.due_at));
}

#[test]
fn an_extension_that_would_end_in_the_past_is_refused() {
    let a = appeal();
    let cmd = Command::Extend { request: ExtensionRequest::TotalDays(45), reason: "Needs a survey.".into() };
    let after_the_cap = a.received_at + chrono::Duration::days(60);
    let err = run(&a, head(), cmd, after_the_cap).unwrap_err();
    assert!(matches!(err, TransitionError::Invalid { field: "total_days", .. }), "{err:?}");
}

#[test]
fn the_watcher_marks_overdue_once_and_reminds_once_per_level() {
    let a = appeal();
    assert!(run(&a, Actor::system(), Command::MarkOverdue, a.due_at - chrono::Duration::seconds(1)).is_err());
    let t = run(&a, Actor::system(), Command::MarkOverdue, a.due_at).unwrap();
    assert_eq!(t.appeal.overdue_at, Some(a.due_at));
    assert!(t.notify.escalation);
    assert!(run(&t.appeal, Actor::system(), Command::MarkOverdue, a.due_at).is_err(), "only once");
    let r = run(&a, Actor::system(), Command::Remind { working_days_before: 3 }, at(2026, 11, 12, 9)).unwrap();
    assert_eq!(r.appeal.reminder_level, Some(3));
    assert!(run(&r.appeal, Actor::system(), Command::Remind { working_days_before: 3 }, at(2026, 11, 12, 9)).is_err());
    assert!(run(&r.appeal, Actor::system(), Command::Remind { working_days_before: 1 }, at(2026, 11, 14, 9)).is_ok());
}

#[test]
fn reminders_fall_due_by_working_days_before_the_due_date() {
    let cal = calendar();
    // Due by the end of Tuesday 17 Nov 2026: 3 working days before is Thursday 12 Nov, 1 is Monday 16 Nov.
    let due_at = kyiv_start_of_day(NaiveDate::from_ymd_opt(2026, 11, 18).unwrap());
    let offsets = [3, 1];
    let kyiv_noon = |d| kyiv_start_of_day(NaiveDate::from_ymd_opt(2026, 11, d).unwrap()) + chrono::Duration::hours(12);
    assert_eq!(reminder_due(due_at, None, &offsets, kyiv_noon(11), &cal), None);
    assert_eq!(reminder_due(due_at, None, &offsets, kyiv_noon(12), &cal), Some(3));
    assert_eq!(reminder_due(due_at, Some(3), &offsets, kyiv_noon(13), &cal), None);
    assert_eq!(reminder_due(due_at, Some(3), &offsets, kyiv_noon(16), &cal), Some(1));
    assert_eq!(reminder_due(due_at, Some(1), &offsets, kyiv_noon(17), &cal), None);
    assert_eq!(reminder_due(due_at, None, &offsets, kyiv_noon(17), &cal), Some(1), "late items get the nearest");
    assert_eq!(reminder_due(due_at, None, &offsets, due_at, &cal), None, "overdue, not reminded");
}

#[test]
fn a_duplicate_follows_the_report_it_duplicates() {
    let a = appeal();
    let t = run(
        &a,
        officer(),
        Command::MarkDuplicate { of_appeal_id: 3, of_status: Status::InProgress },
        at(2026, 11, 3, 9),
    )
    .unwrap();
    assert_eq!(t.appeal.status, Status::Duplicate);
    assert_eq!(t.appeal.public_status(Some(Status::Answered)), Status::Answered);
    let chain = Command::MarkDuplicate { of_appeal_id: 3, of_status: Status::Duplicate };
    assert!(run(&a, officer(), chain, at(2026, 11, 3, 9)).is_err());
}

#[test]
fn a_refusal_needs_reasons_and_ends_handling() {
    let a = appeal();
    let t = run(
        &a,
        officer(),
        Command::Refuse { code: RefusalCode::Repeated, reason: "Decided on 1 Oct, answer no. 12.".into() },
        at(2026, 11, 3, 9),
    )
    .unwrap();
    assert_eq!(t.to, Status::Refused);
    assert_eq!(t.details["legal_basis"], "Law 'On Citizens' Appeals' art. 8");
    assert!(run(&t.appeal, officer(), answer("Now answering anyway."), at(2026, 11, 3, 10)).is_err());
}

#[test]
fn codes_round_trip() {
    for s in Status::ALL {
        assert_eq!(Status::parse(s.code()), Some(*s));
    }
    for k in AppealKind::ALL {
        assert_eq!(AppealKind::parse(k.code()), Some(*k));
        assert_eq!(serde_json::to_value(k).unwrap(), k.code());
    }
    assert_eq!(RefusalCode::parse("nope"), None);
}

#[test]
fn public_history_details_name_no_account() {
    let details = json!({"assignee_account_id": 7, "reason": "x", "nested": {"officer_account_id": 3, "n": 1}});
    assert_eq!(public_details(details), json!({"reason": "x", "nested": {"n": 1}}));
}

fn received_on_9_august_2026() -> Appeal {
    let (appeal, _) = Appeal::received(
        AppealKind::Application,
        Some(100),
        1,
        DeadlineRule::AppealNoStudy,
        at(2026, 8, 9, 9),
        &calendar(),
    );
    Appeal { id: 8, ..appeal }
}

fn peace_from(y: i32, m: u32, d: u32) -> Calendar {
    let end = NaiveDate::from_ymd_opt(y, m, d).unwrap();
    Calendar::new(crate::calendar::MartialLaw::ended_on(end), BTreeMap::new())
}

fn recalculate_command() -> Command {
    Command::RecalculateDeadline { reason: "martial law ends on 2026-08-20".into() }
}

#[test]
fn when_martial_law_ends_an_open_deadline_on_independence_day_moves_to_the_next_working_day() {
    let a = received_on_9_august_2026();
    assert_eq!(a.due_at, kyiv_start_of_day(NaiveDate::from_ymd_opt(2026, 8, 25).unwrap()));
    let t = apply(&a, Actor::system(), recalculate_command(), at(2026, 8, 12, 9), &peace_from(2026, 8, 20)).unwrap();
    assert_eq!(t.action, "deadline_recalculated");
    assert_eq!(t.appeal.due_at, kyiv_start_of_day(NaiveDate::from_ymd_opt(2026, 8, 26).unwrap()));
    assert_eq!(t.details["previous_due_at"], json!(a.due_at));
    assert_eq!(t.details["reason"], "martial law ends on 2026-08-20");
    assert_eq!(t.to, a.status);
    assert!(t.deadline.unwrap().steps.iter().any(|s| s.starts_with("The law changed during the term")));
}

#[test]
fn only_the_service_recalculates_and_an_unchanged_or_extended_deadline_stays() {
    let a = received_on_9_august_2026();
    let later = at(2026, 8, 12, 9);
    assert!(matches!(
        apply(&a, head(), recalculate_command(), later, &peace_from(2026, 8, 20)),
        Err(TransitionError::Forbidden(_))
    ));
    // Martial law ending after the term changes nothing.
    assert!(matches!(
        apply(&a, Actor::system(), recalculate_command(), later, &peace_from(2026, 9, 1)),
        Err(TransitionError::Conflict(_))
    ));
    let extend = Command::Extend { request: ExtensionRequest::TotalDays(40), reason: "needs a site visit".into() };
    let extended = run(&a, head(), extend, later).unwrap().appeal;
    let t = apply(&extended, Actor::system(), recalculate_command(), later, &peace_from(2026, 8, 20));
    // The forwarding term (5 days, 14 August) is unaffected too, so nothing changes at all.
    assert!(matches!(t, Err(TransitionError::Conflict(_))), "{t:?}");
}
