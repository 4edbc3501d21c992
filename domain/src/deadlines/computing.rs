//! Computing a deadline from an event and a rule, with the explanation of every step.
use super::*;

/// Computes the deadline of `rule` for an event at `event_at`.
pub fn compute(rule: &DeadlineRule, event_at: DateTime<Utc>, calendar: &Calendar) -> Deadline {
    let event_date = kyiv_date(event_at);
    let mut steps = Vec::new();

    if let Term::Hours(hours) = rule.term() {
        return compute_hours(rule, hours, event_at, calendar);
    }

    steps.push(format!("{} on {} (Europe/Kyiv).", rule.event_verb(), long(event_date)));
    let start_date = plus_days(event_date, 1);
    steps.push(format!("The term starts the next day, {} (Civil Code art. 253).", medium(start_date)));

    let (term, capped) = capped_term(rule, &mut steps);
    let Some((nominal_last_day, due_date)) = last_day(rule, term, event_date, calendar, &mut steps) else {
        return compute_hours(rule, rule_hours(term), event_at, calendar);
    };

    let mut deadline = Deadline {
        rule: *rule,
        term,
        legal_basis: rule.legal_basis(),
        event_at,
        start_date,
        nominal_last_day,
        due_date,
        due_at: kyiv_end_of_day(due_date),
        capped,
        steps,
    };

    if matches!(rule, DeadlineRule::UrgencyDays(_)) {
        let standard = compute(&DeadlineRule::AppealStandard, event_at, calendar);
        if deadline.due_date > standard.due_date {
            deadline.capped = true;
            deadline.steps.push(format!(
                "That is later than the standard 1-month term of art. 20, which ends on {}, so \
                 the deadline is capped there.",
                medium(standard.due_date)
            ));
            deadline.nominal_last_day = standard.nominal_last_day;
            deadline.due_date = standard.due_date;
            deadline.due_at = standard.due_at;
        }
    }

    deadline.steps.push(law_applied(calendar, start_date, deadline.due_date));
    deadline.steps.push(format!(
        "Due before {} (Kyiv time), i.e. {}.",
        deadline.due_at.with_timezone(&KYIV).format("%H:%M on %A %-d %B %Y"),
        deadline.due_at.format("%Y-%m-%d %H:%M UTC")
    ));
    deadline
}

/// The rule's term, shortened to what the law allows (an extension to 45 days, an urgency class to 30);
/// `true` when it was shortened.
fn capped_term(rule: &DeadlineRule, steps: &mut Vec<String>) -> (Term, bool) {
    let mut capped = false;
    let term = match rule.term() {
        Term::Days(0) => {
            steps.push("A term cannot be shorter than 1 day, so 1 day is used.".to_owned());
            Term::Days(1)
        }
        Term::Days(n) if matches!(rule, DeadlineRule::AppealExtension { .. }) && n > EXTENSION_MAX_DAYS => {
            capped = true;
            steps.push(format!(
                "The requested total of {n} days exceeds the {EXTENSION_MAX_DAYS}-day maximum \
                 of art. 20, so the term is capped at {EXTENSION_MAX_DAYS} days from receipt."
            ));
            Term::Days(EXTENSION_MAX_DAYS)
        }
        Term::Days(n) if matches!(rule, DeadlineRule::UrgencyDays(_)) && n > URGENCY_MAX_DAYS => {
            capped = true;
            steps.push(format!(
                "The category's {n} days are more than the law allows for an urgent \
                 category, so the term is clamped to {URGENCY_MAX_DAYS} days (art. 20 sets \
                 1 month as the standard term)."
            ));
            Term::Days(URGENCY_MAX_DAYS)
        }
        other => other,
    };
    (term, capped)
}

/// The last day of a term counted in days, months or working days — before and after moving off a day
/// off — with the steps that explain it; `None` for a term in hours.
fn last_day(
    rule: &DeadlineRule,
    term: Term,
    event_date: NaiveDate,
    calendar: &Calendar,
    steps: &mut Vec<String>,
) -> Option<(NaiveDate, NaiveDate)> {
    let days = match term {
        Term::Days(n) => {
            let nominal = plus_days(event_date, u64::from(n));
            steps.push(format!(
                "A term of {term} ends on its {} day: {} (Civil Code art. 254).",
                ordinal(n),
                medium(nominal)
            ));
            (nominal, rollover(rule, nominal, calendar, steps))
        }
        Term::Months(n) => {
            let nominal = plus_months(event_date, n);
            if nominal.day() == event_date.day() {
                steps.push(format!(
                    "A term of {term} ends on the same date of the last month: {} (art. 254).",
                    medium(nominal)
                ));
            } else {
                steps.push(format!(
                    "A term of {term} ends on the same date of the last month, but {} has no \
                     {}, so it ends on that month's last day: {} (art. 254).",
                    nominal.format("%B"),
                    ordinal(event_date.day()),
                    medium(nominal)
                ));
            }
            (nominal, rollover(rule, nominal, calendar, steps))
        }
        Term::WorkingDays(n) => {
            let due = count_working_days(rule, event_date, n, calendar, steps);
            (due, due)
        }
        // Counted in hours by `compute_hours`, not in days.
        Term::Hours(_) => return None,
    };
    Some(days)
}

/// The hours of a term in hours (only reached when the rule's term is one).
fn rule_hours(term: Term) -> u32 {
    match term {
        Term::Hours(hours) => hours,
        _ => 0,
    }
}

/// Names the law each day of the term was judged by: the version of the art. 73 holiday list and
/// the martial-law period, one run of days per change.
fn law_applied(calendar: &Calendar, from: NaiveDate, to: NaiveDate) -> String {
    let spans = calendar.regimes_between(from, to);
    match spans.as_slice() {
        [one] => format!("Each day was judged by {}.", one.regime.describe()),
        _ => {
            let parts: Vec<String> = spans
                .iter()
                .map(|s| format!("from {} to {} by {}", medium(s.from), medium(s.to), s.regime.describe()))
                .collect();
            format!(
                "The law changed during the term, so each day was judged by the law of that day: {}.",
                parts.join("; ")
            )
        }
    }
}

/// Elapsed hours: no calendar rounding and no rollover, so a DST change in
/// between shifts the local clock reading but not the elapsed time.
fn compute_hours(rule: &DeadlineRule, hours: u32, event_at: DateTime<Utc>, calendar: &Calendar) -> Deadline {
    let mut steps = Vec::new();
    let mut capped = false;
    let local_event = event_at.with_timezone(&KYIV);
    steps.push(format!(
        "{} at {} (Europe/Kyiv, UTC{}).",
        rule.event_verb(),
        local_event.format("%H:%M on %A %-d %B %Y"),
        local_event.format("%:z")
    ));
    let hours = if hours == 0 {
        steps.push("A term cannot be shorter than 1 hour, so 1 hour is used.".to_owned());
        1
    } else {
        hours
    };
    let term = Term::Hours(hours);
    steps.push(format!(
        "A term of {term} runs in elapsed clock hours from that moment, without rounding to \
         whole days (Civil Code art. 252)."
    ));

    let standard = compute(&DeadlineRule::AppealStandard, event_at, calendar);
    let raw = event_at.checked_add_signed(Duration::hours(i64::from(hours)));
    let nominal_last_day = raw.map_or(NaiveDate::MAX, day_containing);

    let due_at = match raw {
        Some(at) if at <= standard.due_at => {
            let local = at.with_timezone(&KYIV);
            let offset_note = if local.offset() != local_event.offset() {
                format!(
                    "; the clocks changed in between (UTC{} to UTC{}), which does not change the \
                     elapsed time",
                    local_event.format("%:z"),
                    local.format("%:z")
                )
            } else {
                String::new()
            };
            steps.push(format!(
                "It ends at {} Kyiv time ({}){offset_note}.",
                local.format("%H:%M on %A %-d %B %Y"),
                at.format("%Y-%m-%d %H:%M UTC")
            ));
            at
        }
        _ => {
            capped = true;
            steps.push(format!(
                "That would be later than the standard 1-month term of art. 20, so the \
                 deadline is capped at the end of {} (Kyiv time), i.e. {}.",
                medium(standard.due_date),
                standard.due_at.format("%Y-%m-%d %H:%M UTC")
            ));
            standard.due_at
        }
    };

    Deadline {
        rule: *rule,
        term,
        legal_basis: rule.legal_basis(),
        event_at,
        start_date: local_event.date_naive(),
        nominal_last_day,
        due_date: day_containing(due_at),
        due_at,
        capped,
        steps,
    }
}
