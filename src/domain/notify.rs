//! What we tell people by mail, rendered from the templates in `templates/mail/{uk,en}/`.
//!
//! A template's first line is the subject; the rest is the plain-text body. Rendering is pure; queueing
//! (the outbox, in the same transaction as the change that causes the mail) is `storage::notify`.
use std::sync::LazyLock;

use minijinja::{Environment, context};

use super::accounts::{Email, Language};
use crate::error::AppError;

/// A mail to send, before it is queued.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Mail {
    /// Template name, kept with the queued mail for operators and tests.
    pub kind: &'static str,
    /// `Full Name <address>`.
    pub recipient: String,
    pub subject: String,
    pub body: String,
    /// Set when this mail must go out at most once ever (see `outbox_mails.dedupe_key`).
    pub dedupe_key: Option<String>,
}

/// The reasons we write to a person.
#[derive(Debug, Clone)]
pub enum Notification {
    VerifyEmail { link: String, code: String, valid_hours: u32 },
    PasswordReset { code: String, reset_endpoint: String, valid_minutes: u32 },
}

impl Notification {
    fn template(&self) -> &'static str {
        match self {
            Notification::VerifyEmail { .. } => "verify_email",
            Notification::PasswordReset { .. } => "password_reset",
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
    ] {
        env.add_template(name, source).expect("mail templates are valid");
    }
    env
});

/// Renders `notification` in `language` for the person named `full_name` at `to`.
pub fn render(notification: &Notification, language: Language, full_name: &str, to: &Email) -> Result<Mail, AppError> {
    let name = format!("{}/{}", language.code(), notification.template());
    let template =
        TEMPLATES.get_template(&name).map_err(|e| AppError::Internal(anyhow::anyhow!("mail template {name}: {e}")))?;
    let ctx = match notification {
        Notification::VerifyEmail { link, code, valid_hours } => {
            context! { full_name, link, code, valid_hours }
        }
        Notification::PasswordReset { code, reset_endpoint, valid_minutes } => {
            context! { full_name, code, reset_endpoint, valid_minutes }
        }
    };
    let text =
        template.render(ctx).map_err(|e| AppError::Internal(anyhow::anyhow!("rendering mail template {name}: {e}")))?;
    let (subject, body) = text.split_once('\n').unwrap_or((text.as_str(), ""));
    Ok(Mail {
        kind: notification.template(),
        recipient: mailbox(full_name, to),
        subject: subject.trim().to_owned(),
        body: body.trim_start_matches('\n').to_owned(),
        dedupe_key: None,
    })
}

/// `"Full Name" <address>` with the name quoted, so commas or dots in names cannot break the header.
fn mailbox(full_name: &str, to: &Email) -> String {
    let name = full_name.replace(['"', '\\', '<', '>'], "");
    format!("\"{name}\" <{to}>")
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
    fn a_name_cannot_inject_into_the_recipient_header() {
        let n = Notification::PasswordReset { code: "c".into(), reset_endpoint: "/r".into(), valid_minutes: 60 };
        let mail = render(&n, Language::En, "Evil\" <x@y.z>", &olena()).unwrap();
        assert_eq!(mail.recipient, "\"Evil x@y.z\" <olena@example.org>");
    }
}
