//! Definitions: what every published figure means and how to recompute it from the open data.
use super::*;

// Definitions

/// A published definition: the figure's name and exactly how it is computed from the exports.
#[derive(Debug, Clone, Copy, Serialize)]
pub struct Definition {
    pub figure: &'static str,
    pub definition: &'static str,
}

/// Served beside the figures; the recompute-from-export test follows these words.
pub const DEFINITIONS: &[Definition] = &[
    Definition {
        figure: "period",
        definition: "A closed range of Kyiv calendar dates. An appeal belongs to the period of the Kyiv date of its received_at (the day any organisation of the city first received it, also for paper, phone and e-mail appeals); a petition to that of its submitted_at.",
    },
    Definition {
        figure: "organisation",
        definition: "An appeal counts for its current executor_id (after forwarding: the organisation it was forwarded to) and its category_id (none: reported as category 0).",
    },
    Definition {
        figure: "received",
        definition: "Appeals of the period, all kinds and channels, duplicates included.",
    },
    Definition {
        figure: "duplicates",
        definition: "Appeals with status duplicate (an issue report linked to another report). They are answered through that report and count in no other figure.",
    },
    Definition {
        figure: "answered",
        definition: "Appeals with status answered, confirmed or refused: an answer in force. A refusal with reasons (art. 8, 15) is an answer. An answer returned for rework is no longer in force until the executor answers again.",
    },
    Definition {
        figure: "answered_on_time",
        definition: "Answered appeals whose answered_at is before due_at, the deadline in force when answering (the extended one after an extension; after forwarding or a return for rework, the new term), and whose deadline never passed unanswered: an extension the head granted after the deadline (art. 20 allows it within 45 days from receipt) leaves the appeal late. Extensions are reported separately in 'extended'.",
    },
    Definition { figure: "answered_late", definition: "answered − answered_on_time." },
    Definition { figure: "refused", definition: "Appeals with status refused." },
    Definition {
        figure: "open",
        definition: "Appeals with status received, in_progress or rework: the executor still owes an answer. open = received − duplicates − answered = pending + overdue.",
    },
    Definition {
        figure: "pending",
        definition: "Open appeals whose due_at is still ahead at the moment of the query: neither on time nor late yet, left out of every share.",
    },
    Definition { figure: "overdue", definition: "Open appeals whose due_at has passed at the moment of the query." },
    Definition {
        figure: "on_time_share",
        definition: "answered_on_time ÷ (answered + overdue), rounded to 4 places; pending appeals are left out. None when the divisor is 0.",
    },
    Definition {
        figure: "median_days_to_answer",
        definition: "Over answered appeals, the days to answer = Kyiv date of answered_at − Kyiv date of received_at (whole calendar days). The median is the value at rank ⌈0.5·n⌉ of the sorted values (nearest rank).",
    },
    Definition {
        figure: "p90_days_to_answer",
        definition: "The value at rank ⌈0.9·n⌉ of the same sorted days to answer.",
    },
    Definition {
        figure: "extended",
        definition: "Appeals (not duplicates) whose deadline in force was extended by the head (extended_due_at is set).",
    },
    Definition {
        figure: "forwarded",
        definition: "Appeals (not duplicates) forwarded at least once (forwarded_count > 0); they count for the organisation they were forwarded to.",
    },
    Definition {
        figure: "returned_for_rework",
        definition: "Appeals (not duplicates) the citizen returned for rework at least once (rework_count > 0).",
    },
    Definition {
        figure: "confirmed",
        definition: "Appeals with status confirmed: the citizen confirmed the answer or the fix.",
    },
    Definition { figure: "rated", definition: "Appeals (not duplicates) that the citizen rated (rating set)." },
    Definition {
        figure: "satisfaction",
        definition: "The mean of the ratings (1–5) given by citizens to appeals (not duplicates) of the set, rounded to 2 places; 'rated' is how many were rated.",
    },
    Definition {
        figure: "petitions.submitted",
        definition: "Petitions of the council whose submitted_at falls in the period.",
    },
    Definition {
        figure: "petitions.moderated_within_term",
        definition: "Petitions published or refused (moderated_at set) before publication_due_at, 2 working days after submission.",
    },
    Definition {
        figure: "petitions.moderated_late",
        definition: "Petitions moderated at or after publication_due_at.",
    },
    Definition {
        figure: "petitions.moderation_overdue",
        definition: "Petitions not yet moderated whose publication_due_at has passed; awaiting_moderation: not yet moderated, still within the term.",
    },
    Definition {
        figure: "petitions.published",
        definition: "Petitions published for signing (published_at set); refused: status refused in moderation.",
    },
    Definition {
        figure: "petitions.reached_threshold",
        definition: "Petitions with threshold_reached_at set. awaiting_notice: of those, without notice_at (no start-of-consideration notice yet). notices_published: notice_at set.",
    },
    Definition {
        figure: "petitions.days_threshold_to_notice",
        definition: "Kyiv date of notice_at − Kyiv date of threshold_reached_at; median and p90 by nearest rank over petitions with a notice.",
    },
    Definition {
        figure: "petitions.considered_within_term",
        definition: "Petitions answered (answered_at set) before consideration_due_at, 10 working days after the notice. considered_late: answered at or after it. consideration_overdue: a notice, no answer, consideration_due_at passed; consideration_pending: a notice, no answer, still within the term.",
    },
    Definition {
        figure: "petitions.answers_published",
        definition: "Petitions whose answer is published (answered_at set).",
    },
    Definition {
        figure: "petitions.closed_short",
        definition: "Petitions closed (closed_at set) without reaching the threshold.",
    },
    Definition {
        figure: "petitions.decisions",
        definition: "Answered petitions by decision: supported, partly_supported, not_supported.",
    },
    Definition {
        figure: "petitions.became_appeals",
        definition: "Petitions that closed short and that the author had filed as an appeal (appeal_id set); answered on time, late or overdue by that appeal's figures (answered_on_time / answered_late / overdue above); still pending ones in neither.",
    },
    Definition {
        figure: "a07",
        definition: "Estimated A07 (does the council consider petitions properly) for each council: compliant = moderated_within_term + considered_within_term + became_appeals_answered_on_time; cases = moderated_within_term + moderated_late + moderation_overdue + considered_within_term + considered_late + consideration_overdue + became_appeals_answered_on_time + became_appeals_late_or_overdue. Petitions awaiting a notice are shown as evidence but are not cases: the law sets no term for the notice.",
    },
    Definition {
        figure: "c03",
        definition: "Estimated C03 for each municipal enterprise with a community share of 50% or more (other enterprises are listed as out of scope): compliant = answered_on_time; cases = answered + overdue. Evidence also lists whether the enterprise has an online channel (categories routed to it) and that its statistics are published (the open-data exports).",
    },
    Definition {
        figure: "score",
        definition: "share = compliant ÷ cases; points = those of the highest configured band whose min_share ≤ share (default: 1 at 100%, 0.5 at ≥ 50%, 0 below). Fewer cases than the configured minimum sample (default 10): 'insufficient_data' instead of a score. Every score is an estimate: the indicators' exact sub-criteria were not published.",
    },
    Definition {
        figure: "ranking",
        definition: "Executors ranked by the mean of three shares: answered_on_time ÷ (answered + overdue), confirmed ÷ answered, (answered − returned_for_rework) ÷ answered; ties by larger sample, then by id. Executors with fewer than the minimum sample of cases (answered + overdue) are listed unranked.",
    },
];
