//! What we tell people by mail, rendered from the templates in `templates/mail/{uk,en}/`.
//!
//! A template's first line is the subject; the rest is the plain-text body. The HTML alternative is drawn
//! from that text by one layout (`templates/mail/layout.html`: paragraphs, links made clickable, all of it
//! escaped), so the two parts can never say different things. Rendering is pure; queueing (the outbox, in
//! the same transaction as the change that causes the mail) is `storage::notify`.
use std::sync::LazyLock;

use minijinja::{Environment, context};

use super::accounts::{Email, Language};
use crate::DomainError;

/// A mail to send, before it is queued.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Mail {
    /// Template name, kept with the queued mail for operators and tests.
    pub kind: &'static str,
    /// `Full Name <address>`.
    pub recipient: String,
    pub subject: String,
    pub body: String,
    /// Set when this mail must go out at most once ever (see `outbox_mails.dedupe_key`).
    pub dedupe_key: Option<String>,
    /// The recipient's language (the HTML part's `lang` and footer).
    pub language: Language,
    /// The one-click unsubscribe URL of an optional mail; mandatory mails have none.
    pub list_unsubscribe: Option<String>,
}

impl Mail {
    /// The HTML alternative of the text body, with an unsubscribe footer on optional mail.
    pub fn html(&self) -> Result<String, DomainError> {
        let paragraphs: Vec<Vec<Vec<Piece>>> = self
            .body
            .split("\n\n")
            .map(|paragraph| paragraph.trim_matches('\n'))
            .filter(|paragraph| !paragraph.trim().is_empty())
            .map(|paragraph| paragraph.lines().map(pieces).collect())
            .collect();
        let ctx = context! {
            lang => self.language.code(),
            subject => self.subject,
            paragraphs,
            unsubscribe => self.list_unsubscribe.as_deref().map(escape_url),
        };
        HTML.get_template("layout")
            .and_then(|t| t.render(ctx))
            .map_err(|e| DomainError::Internal(format!("rendering the HTML mail layout: {e}")))
    }
}

/// A run of text in a line of the HTML part, or a link (`href`, already attribute-escaped: the
/// template's escaper would also turn every `/` into `&#x2f;`).
#[derive(serde::Serialize)]
struct Piece {
    text: String,
    href: Option<String>,
}

/// Escapes what could end an attribute or start markup; a URL's slashes stay readable.
fn escape_url(url: &str) -> String {
    url.replace('&', "&amp;").replace('"', "&quot;").replace('\'', "&#39;").replace('<', "&lt;").replace('>', "&gt;")
}

/// Splits a line into text and the `http(s)://` addresses in it (a trailing full stop or comma stays text).
fn pieces(line: &str) -> Vec<Piece> {
    let mut out: Vec<Piece> = Vec::new();
    let mut text = String::new();
    for (i, word) in line.split(' ').enumerate() {
        if i > 0 {
            text.push(' ');
        }
        if word.starts_with("https://") || word.starts_with("http://") {
            let href = word.trim_end_matches(['.', ',', ';', ')']);
            out.push(Piece { text: std::mem::take(&mut text), href: None });
            out.push(Piece { text: href.to_owned(), href: Some(escape_url(href)) });
            text.push_str(&word[href.len()..]);
        } else {
            text.push_str(word);
        }
    }
    out.push(Piece { text, href: None });
    out.retain(|p| !p.text.is_empty());
    out
}

/// The HTML layout, escaping everything it is given.
static HTML: LazyLock<Environment<'static>> = LazyLock::new(|| {
    let mut env = Environment::new();
    env.set_auto_escape_callback(|_| minijinja::AutoEscape::Html);
    env.add_template("layout", include_str!("../../templates/mail/layout.html")).expect("the mail layout is valid");
    env
});

/// The reasons we write to a person.
#[derive(Debug, Clone)]
pub enum Notification {
    VerifyEmail {
        link: String,
        code: String,
        valid_hours: u32,
    },
    PasswordReset {
        code: String,
        /// The page where the code sets a new password.
        link: String,
        valid_minutes: u32,
    },
    /// To the owner of an address someone tried to register again (the answer to the registration does
    /// not say whether the address was known).
    AlreadyRegistered {
        /// The page to ask for a password reset.
        link: String,
    },
    /// To the author of an appeal: it was received or changed.
    AppealUpdate(AppealMail),
    /// To the organisation handling an appeal: something arrived or the citizen acted.
    AppealForExecutor(AppealMail),
    /// To the executor before the deadline.
    DeadlineReminder(AppealMail),
    /// To the head of the executor and the administrators after the deadline.
    DeadlineEscalation(AppealMail),
    /// To a petition's author or signers; also the signature confirmation link.
    PetitionUpdate(PetitionMail),
}

/// What petition mails say.
#[derive(Debug, Clone, Default, serde::Serialize)]
pub struct PetitionMail {
    pub petition_id: i32,
    /// `published`, `refused`, `threshold_reached`, `consideration_started`, `answered`, `closed`,
    /// `confirm_signature`, or `already_signed` (to an address whose mailbox signed the petition already).
    pub action: String,
    pub title: String,
    pub to_signer: bool,
    pub signatures: i64,
    pub threshold: Option<i64>,
    pub reason: Option<String>,
    pub decision: Option<String>,
    pub answer: Option<String>,
    pub due_date: Option<String>,
    pub code: Option<String>,
    /// How long the confirmation link works.
    pub valid_hours: Option<i64>,
    pub link: String,
}

/// What the appeal mails say; fields a mail does not use stay empty. No personal data of the author
/// goes to executors beyond what the appeal itself is about.
#[derive(Debug, Clone, Default, serde::Serialize)]
pub struct AppealMail {
    pub appeal_id: i32,
    /// The transition: `received`, `forwarded`, `answered`…
    pub action: String,
    pub subject: String,
    pub kind: String,
    pub privileged: bool,
    pub executor: String,
    pub previous_executor: Option<String>,
    pub reason: Option<String>,
    pub received_date: String,
    pub due_date: String,
    /// The executor still owes an answer.
    pub open: bool,
    pub resolution: Option<String>,
    pub answer: Option<String>,
    pub competent_body: Option<String>,
    pub legal_basis: Option<String>,
    pub how_to_challenge: Option<String>,
    pub duplicate_of: Option<i32>,
    pub routing: Option<String>,
    pub score: Option<i32>,
    /// Working days left (reminders).
    pub days: Option<i32>,
    /// Written to someone who follows a public report, not to its author.
    pub to_follower: bool,
    pub link: String,
}

impl Notification {
    fn template(&self) -> &'static str {
        match self {
            Notification::VerifyEmail { .. } => "verify_email",
            Notification::PasswordReset { .. } => "password_reset",
            Notification::AlreadyRegistered { .. } => "already_registered",
            Notification::AppealUpdate(_) => "appeal_update",
            Notification::AppealForExecutor(_) => "appeal_for_executor",
            Notification::DeadlineReminder(_) => "deadline_reminder",
            Notification::DeadlineEscalation(_) => "deadline_escalation",
            Notification::PetitionUpdate(_) => "petition_update",
        }
    }
}

static TEMPLATES: LazyLock<Environment<'static>> = LazyLock::new(|| {
    let mut env = Environment::new();
    // Plain-text mail: nothing to escape, and escaping would mangle links.
    env.set_auto_escape_callback(|_| minijinja::AutoEscape::None);
    for (name, source) in [
        ("uk/verify_email", include_str!("../../templates/mail/uk/verify_email.txt")),
        ("en/verify_email", include_str!("../../templates/mail/en/verify_email.txt")),
        ("uk/password_reset", include_str!("../../templates/mail/uk/password_reset.txt")),
        ("en/password_reset", include_str!("../../templates/mail/en/password_reset.txt")),
        ("uk/already_registered", include_str!("../../templates/mail/uk/already_registered.txt")),
        ("en/already_registered", include_str!("../../templates/mail/en/already_registered.txt")),
        ("uk/appeal_update", include_str!("../../templates/mail/uk/appeal_update.txt")),
        ("en/appeal_update", include_str!("../../templates/mail/en/appeal_update.txt")),
        ("uk/appeal_for_executor", include_str!("../../templates/mail/uk/appeal_for_executor.txt")),
        ("en/appeal_for_executor", include_str!("../../templates/mail/en/appeal_for_executor.txt")),
        ("uk/deadline_reminder", include_str!("../../templates/mail/uk/deadline_reminder.txt")),
        ("en/deadline_reminder", include_str!("../../templates/mail/en/deadline_reminder.txt")),
        ("uk/deadline_escalation", include_str!("../../templates/mail/uk/deadline_escalation.txt")),
        ("en/deadline_escalation", include_str!("../../templates/mail/en/deadline_escalation.txt")),
        ("uk/petition_update", include_str!("../../templates/mail/uk/petition_update.txt")),
        ("en/petition_update", include_str!("../../templates/mail/en/petition_update.txt")),
    ] {
        env.add_template(name, source).expect("mail templates are valid");
    }
    env
});

/// Renders `notification` in `language` for the person named `full_name` at `to`.
pub fn render(
    notification: &Notification,
    language: Language,
    full_name: &str,
    to: &Email,
) -> Result<Mail, DomainError> {
    let name = format!("{}/{}", language.code(), notification.template());
    let template =
        TEMPLATES.get_template(&name).map_err(|e| DomainError::Internal(format!("mail template {name}: {e}")))?;
    let ctx = match notification {
        Notification::VerifyEmail { link, code, valid_hours } => {
            context! { full_name, link, code, valid_hours }
        }
        Notification::PasswordReset { code, link, valid_minutes } => {
            context! { full_name, code, link, valid_minutes }
        }
        Notification::AlreadyRegistered { link } => context! { full_name, link },
        Notification::AppealUpdate(mail)
        | Notification::AppealForExecutor(mail)
        | Notification::DeadlineReminder(mail)
        | Notification::DeadlineEscalation(mail) => {
            context! { full_name, ..minijinja::Value::from_serialize(mail) }
        }
        Notification::PetitionUpdate(mail) => context! { full_name, ..minijinja::Value::from_serialize(mail) },
    };
    let text =
        template.render(ctx).map_err(|e| DomainError::Internal(format!("rendering mail template {name}: {e}")))?;
    let (subject, body) = text.split_once('\n').unwrap_or((text.as_str(), ""));
    Ok(Mail {
        kind: notification.template(),
        recipient: mailbox(full_name, to),
        subject: subject.trim().to_owned(),
        body: body.trim_start_matches('\n').to_owned(),
        dedupe_key: None,
        language,
        list_unsubscribe: None,
    })
}

/// `"Full Name" <address>` with the name quoted, so commas or dots in names cannot break the header.
fn mailbox(full_name: &str, to: &Email) -> String {
    let name = full_name.replace(['"', '\\', '<', '>'], "");
    format!("\"{name}\" <{to}>")
}

/// Why a delivery attempt did not end with the server accepting the mail.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum DeliveryFailure {
    /// The relay could not be reached, greeted, secured or logged in to: nothing about this mail.
    RelayUnavailable(String),
    /// A 4xx reply, or the connection broke during the transaction: the server may take it later.
    Deferred(String),
    /// A 5xx reply, or an address that cannot be used: it will never be taken.
    Rejected(String),
}

/// What the outbox does with a mail after a failed attempt.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum AfterFailure {
    /// Back in the queue as it was, due at once: the relay was down, not the mail's fault, so the
    /// attempt is not counted and queued mail goes out as soon as the relay is back.
    Requeue { error: String },
    /// Counted, and tried again after `delay_ms`.
    Retry { delay_ms: u64, error: String },
    /// Counted, and marked failed for an operator.
    GiveUp { error: String },
}

/// How often and how patiently a mail is retried.
#[derive(Debug, Clone, Copy)]
pub struct RetryPolicy {
    /// First retry delay, doubled per counted attempt up to `max_ms`.
    pub base_ms: u64,
    pub max_ms: u64,
    /// Counted attempts after which a deferred mail is given up on.
    pub max_attempts: u32,
}

impl RetryPolicy {
    /// The step after `failure`, for a mail that had `attempts` counted attempts before this one.
    pub fn after(&self, attempts: u32, failure: DeliveryFailure) -> AfterFailure {
        match failure {
            DeliveryFailure::RelayUnavailable(error) => AfterFailure::Requeue { error },
            DeliveryFailure::Rejected(error) => AfterFailure::GiveUp { error },
            DeliveryFailure::Deferred(error) if attempts + 1 >= self.max_attempts => AfterFailure::GiveUp { error },
            DeliveryFailure::Deferred(error) => AfterFailure::Retry { delay_ms: self.backoff_ms(attempts + 1), error },
        }
    }

    /// `base · 2^(attempts-1)`, capped.
    pub fn backoff_ms(&self, attempts: u32) -> u64 {
        let factor = 1u64 << attempts.saturating_sub(1).min(20);
        self.base_ms.saturating_mul(factor).min(self.max_ms)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn olena() -> Email {
        Email::parse("olena@example.org").unwrap()
    }

    #[test]
    fn the_verification_mail_carries_the_link_and_code_in_the_persons_language() {
        let n =
            Notification::VerifyEmail { link: "http://x/verify?token=abc".into(), code: "abc".into(), valid_hours: 48 };
        let uk = render(&n, Language::Uk, "Петренко Олена", &olena()).unwrap();
        assert!(uk.subject.starts_with("Підтвердіть"));
        assert!(uk.body.contains("http://x/verify?token=abc"));
        assert!(uk.body.contains("Петренко Олена"));
        let en = render(&n, Language::En, "Olena Petrenko", &olena()).unwrap();
        assert_eq!(en.subject, "Confirm your e-mail address for Hromada");
        assert!(en.body.contains("valid for 48 hours"));
        assert_eq!(en.recipient, "\"Olena Petrenko\" <olena@example.org>");
    }

    #[test]
    fn an_answer_mail_carries_the_answer_and_a_refusal_says_how_to_challenge_it() {
        let answered = AppealMail {
            appeal_id: 12,
            action: "answered".into(),
            subject: "Pothole".into(),
            executor: "Roads department".into(),
            resolution: Some("resolved".into()),
            answer: Some("Filled on 3 Nov.".into()),
            link: "http://x/appeals/12".into(),
            ..Default::default()
        };
        let mail = render(&Notification::AppealUpdate(answered.clone()), Language::En, "Olena", &olena()).unwrap();
        assert_eq!(mail.subject, "Your appeal No. 12: answered");
        assert!(mail.body.contains("Filled on 3 Nov."), "{}", mail.body);
        assert!(!mail.body.contains("competent body"));
        let refused = AppealMail {
            action: "refused".into(),
            reason: Some("Anonymous".into()),
            legal_basis: Some("art. 8".into()),
            how_to_challenge: Some("Complain to the higher body.".into()),
            ..answered
        };
        let mail = render(&Notification::AppealUpdate(refused), Language::Uk, "Олена", &olena()).unwrap();
        assert!(mail.subject.ends_with("не розглядатиметься"), "{}", mail.subject);
        assert!(mail.body.contains("Complain to the higher body."));
    }

    #[test]
    fn the_html_part_says_what_the_text_says_with_clickable_links_and_escaped_text() {
        let n = Notification::PasswordReset {
            code: "c0de".into(),
            link: "https://x/reset?token=c0de".into(),
            valid_minutes: 60,
        };
        let mut mail = render(&n, Language::En, "<b>Olena</b> & co", &olena()).unwrap();
        let html = mail.html().unwrap();
        assert!(html.starts_with("<!DOCTYPE html>") && html.contains("<html lang=\"en\">"), "{html}");
        assert!(html.contains("<a href=\"https://x/reset?token=c0de\""), "{html}");
        assert!(html.contains("&lt;b&gt;Olena&lt;&#x2f;b&gt; &amp; co"), "names are escaped: {html}");
        assert!(!html.contains("Unsubscribe"), "mandatory mail has no unsubscribe: {html}");
        mail.list_unsubscribe = Some("https://x/unsubscribe?token=ab".into());
        mail.language = Language::Uk;
        let html = mail.html().unwrap();
        assert!(html.contains("<a href=\"https://x/unsubscribe?token=ab\""), "{html}");
        assert!(html.contains("Відписатися"), "{html}");
    }

    #[test]
    fn a_name_cannot_inject_into_the_recipient_header() {
        let n = Notification::PasswordReset { code: "c".into(), link: "/r".into(), valid_minutes: 60 };
        let mail = render(&n, Language::En, "Evil\" <x@y.z>", &olena()).unwrap();
        assert_eq!(mail.recipient, "\"Evil x@y.z\" <olena@example.org>");
    }

    #[test]
    fn a_deferred_mail_backs_off_a_rejected_one_fails_and_a_relay_outage_costs_nothing() {
        let policy = RetryPolicy { base_ms: 1000, max_ms: 5000, max_attempts: 4 };
        let deferred = || DeliveryFailure::Deferred("451 try later".into());
        assert_eq!(policy.after(0, deferred()), AfterFailure::Retry { delay_ms: 1000, error: "451 try later".into() });
        assert_eq!(policy.after(2, deferred()), AfterFailure::Retry { delay_ms: 4000, error: "451 try later".into() });
        assert!(
            matches!(policy.after(3, deferred()), AfterFailure::GiveUp { .. }),
            "the 4th counted attempt is the last"
        );
        assert_eq!(policy.backoff_ms(30), 5000, "capped");
        let rejected = policy.after(0, DeliveryFailure::Rejected("550 no such user".into()));
        assert_eq!(rejected, AfterFailure::GiveUp { error: "550 no such user".into() });
        let down = policy.after(11, DeliveryFailure::RelayUnavailable("connection refused".into()));
        assert_eq!(down, AfterFailure::Requeue { error: "connection refused".into() });
    }
}
