//! Every link a mail carries, built in one place from `public_url`, so the pages they open can move
//! without hunting `format!` calls. They point at the web pages people use (docs/mail.md lists them).
//!
//! Tokens are opaque random strings (hex): nothing personal is ever in a mailed URL.

/// The configured public URL without its trailing slash.
fn base(public_url: &str) -> &str {
    public_url.trim_end_matches('/')
}

/// A petition's public page.
pub fn petition(public_url: &str, id: i32) -> String {
    format!("{}/petitions/{id}", base(public_url))
}

/// The page that confirms an e-mail signature (GET shows a button, POST confirms).
pub fn signature_confirmation(public_url: &str, token: &str) -> String {
    format!("{}/petitions/signatures/confirm?token={token}", base(public_url))
}

/// The page that confirms a newly registered address.
pub fn email_confirmation(public_url: &str, token: &str) -> String {
    format!("{}/account/confirm-email?token={token}", base(public_url))
}

/// The page where a mailed reset token sets a new password.
pub fn password_reset(public_url: &str, token: &str) -> String {
    format!("{}/account/password-reset/new?token={token}", base(public_url))
}

/// The page where a person asks for a password reset mail.
pub fn password_reset_request(public_url: &str) -> String {
    format!("{}/account/password-reset", base(public_url))
}

/// A person's settings, where the mail preferences are chosen.
pub fn account_settings(public_url: &str) -> String {
    format!("{}/account", base(public_url))
}

/// The one-click unsubscribe of one kind of optional mail (RFC 8058 target, and a page with a button).
pub fn unsubscribe(public_url: &str, token: &str) -> String {
    format!("{}/unsubscribe?token={token}", base(public_url))
}

/// The author's own page of an appeal or report: status, deadlines, history, answers and what they
/// can do about the answer.
pub fn my_appeal(public_url: &str, id: i32) -> String {
    format!("{}/my/appeals/{id}", base(public_url))
}

/// A report's public page, for the people who follow it.
pub fn report(public_url: &str, id: i32) -> String {
    format!("{}/reports/{id}", base(public_url))
}

/// The case page of the executor's staff on the desk.
pub fn desk_appeal(public_url: &str, id: i32) -> String {
    format!("{}/desk/appeals/{id}", base(public_url))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn links_open_the_agreed_web_pages_under_the_public_url() {
        let url = "https://hromada.example.org/";
        assert_eq!(petition(url, 7), "https://hromada.example.org/petitions/7");
        assert_eq!(
            signature_confirmation(url, "ab12"),
            "https://hromada.example.org/petitions/signatures/confirm?token=ab12"
        );
        assert_eq!(email_confirmation(url, "ab12"), "https://hromada.example.org/account/confirm-email?token=ab12");
        assert_eq!(password_reset(url, "ab12"), "https://hromada.example.org/account/password-reset/new?token=ab12");
        assert_eq!(password_reset_request(url), "https://hromada.example.org/account/password-reset");
        assert_eq!(account_settings(url), "https://hromada.example.org/account");
        assert_eq!(unsubscribe(url, "ab12"), "https://hromada.example.org/unsubscribe?token=ab12");
        assert_eq!(my_appeal(url, 3), "https://hromada.example.org/my/appeals/3");
        assert_eq!(report(url, 3), "https://hromada.example.org/reports/3");
        assert_eq!(desk_appeal(url, 3), "https://hromada.example.org/desk/appeals/3");
    }
}
