//! The account pages as a browser without JavaScript uses them: forms posted with their CSRF token,
//! 303 to the next page, errors summarised and linked to their fields, the session in a cookie.
use std::collections::BTreeMap;

use reqwest::header::{COOKIE, LOCATION, SET_COOKIE};

use crate::helpers::{TestApp, TestAppBuilder, spawn_app_with_smtp};

/// A browser with JavaScript off: keeps its cookies, follows no redirect by itself.
pub struct Browser<'a> {
    app: &'a TestApp,
    client: reqwest::Client,
    cookies: BTreeMap<String, String>,
    /// The raw `Set-Cookie` headers of the last answer.
    pub set_cookies: Vec<String>,
}

/// A page as the browser got it.
pub struct Page {
    pub status: u16,
    pub location: Option<String>,
    pub html: String,
}

impl Page {
    /// The form token the page carries.
    pub fn csrf_token(&self) -> String {
        let start = self.html.find("name=\"csrf_token\" value=\"").expect("a form with a CSRF token") + 25;
        // The page escapes `/` as `&#x2f;`, as HTML may; a browser reads it back.
        self.html[start..].split('"').next().unwrap().replace("&#x2f;", "/").replace("&amp;", "&")
    }

    pub fn title(&self) -> &str {
        let start = self.html.find("<title>").unwrap() + 7;
        &self.html[start..start + self.html[start..].find("</title>").unwrap()]
    }
}

impl<'a> Browser<'a> {
    pub fn new(app: &'a TestApp) -> Browser<'a> {
        let client = reqwest::Client::builder().redirect(reqwest::redirect::Policy::none()).build().unwrap();
        Browser { app, client, cookies: BTreeMap::new(), set_cookies: vec![] }
    }

    pub fn cookie_header(&self) -> String {
        self.cookies.iter().map(|(k, v)| format!("{k}={v}")).collect::<Vec<_>>().join("; ")
    }

    async fn read(&mut self, response: reqwest::Response) -> Page {
        self.set_cookies =
            response.headers().get_all(SET_COOKIE).iter().map(|v| v.to_str().unwrap().to_owned()).collect();
        for cookie in &self.set_cookies {
            let pair = cookie.split(';').next().unwrap();
            let (name, value) = pair.split_once('=').unwrap();
            if value.is_empty() || cookie.contains("Max-Age=0") {
                self.cookies.remove(name);
            } else {
                self.cookies.insert(name.to_owned(), value.to_owned());
            }
        }
        let status = response.status().as_u16();
        let location = response.headers().get(LOCATION).map(|v| v.to_str().unwrap().to_owned());
        Page { status, location, html: response.text().await.unwrap() }
    }

    pub async fn get(&mut self, path: &str) -> Page {
        let response = self
            .client
            .get(self.app.url(path))
            .header(COOKIE, self.cookie_header())
            .header("accept-language", "en")
            .send()
            .await
            .unwrap();
        self.read(response).await
    }

    /// Posts `fields` as a form would, with no CSRF token unless one is among them.
    pub async fn post(&mut self, path: &str, fields: &[(&str, &str)]) -> Page {
        let response = self
            .client
            .post(self.app.url(path))
            .header(COOKIE, self.cookie_header())
            .header("accept-language", "en")
            .form(fields)
            .send()
            .await
            .unwrap();
        self.read(response).await
    }

    /// The size of `path` as sent gzip-compressed (the client does not unpack it).
    pub async fn gzipped_size(&mut self, path: &str) -> usize {
        let response = self
            .client
            .get(self.app.url(path))
            .header(COOKIE, self.cookie_header())
            .header("accept-encoding", "gzip")
            .send()
            .await
            .unwrap();
        assert_eq!(response.headers()["content-encoding"], "gzip", "{path} is compressed");
        response.bytes().await.unwrap().len()
    }

    /// Posts `fields` and files (`(field, file name, content)`) as a `multipart/form-data` form would.
    pub async fn post_multipart(&mut self, path: &str, fields: &[(&str, &str)], files: &[(&str, &str, &str)]) -> Page {
        let files: Vec<_> = files
            .iter()
            .map(|(name, file, content)| (*name, *file, "application/geo+json", content.as_bytes()))
            .collect();
        self.post_files(path, fields, &files).await
    }

    /// Posts `fields` and binary files (`(field, file name, content type, bytes)`) as a
    /// `multipart/form-data` form would.
    pub async fn post_files(
        &mut self,
        path: &str,
        fields: &[(&str, &str)],
        files: &[(&str, &str, &str, &[u8])],
    ) -> Page {
        let boundary = "hromada-test-boundary-7d3a";
        let mut body = Vec::new();
        for (name, value) in fields {
            body.extend(
                format!("--{boundary}\r\nContent-Disposition: form-data; name=\"{name}\"\r\n\r\n{value}\r\n").bytes(),
            );
        }
        for (name, file_name, content_type, content) in files {
            body.extend(format!(
                "--{boundary}\r\nContent-Disposition: form-data; name=\"{name}\"; filename=\"{file_name}\"\r\nContent-Type: {content_type}\r\n\r\n"
            ).bytes());
            body.extend_from_slice(content);
            body.extend(b"\r\n");
        }
        body.extend(format!("--{boundary}--\r\n").bytes());
        let response = self
            .client
            .post(self.app.url(path))
            .header(COOKIE, self.cookie_header())
            .header("accept-language", "en")
            .header("content-type", format!("multipart/form-data; boundary={boundary}"))
            .body(body)
            .send()
            .await
            .unwrap();
        self.read(response).await
    }

    /// Posts `fields` with the cookies of `other` (the same browser sending from a second tab).
    pub async fn post_as(mut self, other: &Browser<'_>, path: &str, fields: &[(&str, &str)]) -> Page {
        self.cookies = other.cookies.clone();
        self.post(path, fields).await
    }

    /// Opens the form at `path`, then posts `fields` with the form's token.
    pub async fn submit(&mut self, path: &str, fields: &[(&str, &str)]) -> Page {
        let token = self.get(path).await.csrf_token();
        let mut all = vec![("csrf_token", token.as_str())];
        all.extend_from_slice(fields);
        self.post(path.split('?').next().unwrap(), &all).await
    }

    pub fn has_cookie(&self, name: &str) -> bool {
        self.cookies.contains_key(name)
    }
}

/// Registers and confirms an account through the pages.
pub async fn register_and_confirm(browser: &mut Browser<'_>, name: &str, email: &str, password: &str) {
    let registered =
        browser.submit("/account/register", &[("full_name", name), ("email", email), ("password", password)]).await;
    assert_eq!(registered.status, 303, "{}", registered.html);
    let token = browser.app.smtp().nth_mail_to(email, 1).await.token();
    let confirmed = browser.submit(&format!("/account/confirm-email?token={token}"), &[("token", &token)]).await;
    assert_eq!((confirmed.status, confirmed.location.as_deref()), (303, Some("/account/login?confirmed=1")));
}

#[tokio::test]
async fn a_citizen_registers_confirms_by_the_mailed_link_logs_in_and_out_with_forms() {
    let app = spawn_app_with_smtp().await;
    let mut browser = Browser::new(&app);

    // Mariia registers and is told to check her mail.
    let registered = browser
        .submit(
            "/account/register",
            &[("full_name", "Mariia Kovalenko"), ("email", "mariia@example.org"), ("password", "sunflower fields 7")],
        )
        .await;
    assert_eq!((registered.status, registered.location.as_deref()), (303, Some("/account/register/check-email")));
    let check = browser.get("/account/register/check-email").await;
    assert!(check.html.contains("Check your email"), "{}", check.html);

    // The mailed link opens a page with a button; opening it confirms nothing by itself.
    let mail = app.smtp().nth_mail_to("mariia@example.org", 1).await;
    let link = mail.body().lines().find(|l| l.contains("/account/confirm-email?token=")).unwrap().trim().to_owned();
    let path = link.trim_start_matches("http://127.0.0.1:8080").to_owned();
    let page = browser.get(&path).await;
    assert_eq!(page.status, 200);
    assert!(page.html.contains("Confirm my address"));
    let early =
        browser.submit("/account/login", &[("email", "mariia@example.org"), ("password", "sunflower fields 7")]).await;
    assert_eq!(early.status, 200, "not confirmed yet: the form again");
    assert!(early.html.contains("Confirm your email address first"), "{}", early.html);

    let token = mail.token();
    let confirmed = browser.submit(&path, &[("token", &token)]).await;
    assert_eq!(confirmed.location.as_deref(), Some("/account/login?confirmed=1"));
    assert!(browser.get("/account/login?confirmed=1").await.html.contains("Your email address is confirmed"));

    // She logs in: the session is a cookie scripts cannot read.
    let login =
        browser.submit("/account/login", &[("email", "mariia@example.org"), ("password", "sunflower fields 7")]).await;
    assert_eq!((login.status, login.location.as_deref()), (303, Some("/account")));
    let cookie = browser.set_cookies.iter().find(|c| c.starts_with("hromada-session=")).expect("a session cookie");
    assert!(cookie.contains("HttpOnly") && cookie.contains("SameSite=Lax") && !cookie.contains("Secure"), "{cookie}");

    // Every page now offers her account and a way out.
    let account = browser.get("/account").await;
    assert_eq!(account.status, 200);
    assert!(account.html.contains("Mariia Kovalenko") && account.html.contains("mariia@example.org"));
    let help = browser.get("/help").await;
    assert!(help.html.contains("Log out") && !help.html.contains("href=\"/account/login\""), "{}", help.html);

    // She logs out: the session ends, the cookie goes, the account page asks her to log in.
    let token = account.csrf_token();
    let out = browser.post("/account/logout", &[("csrf_token", &token)]).await;
    assert_eq!((out.status, out.location.as_deref()), (303, Some("/")));
    assert!(!browser.has_cookie("hromada-session"));
    let after = browser.get("/account").await;
    assert_eq!((after.status, after.location.as_deref()), (303, Some("/account/login")));
}

#[tokio::test]
async fn a_form_posted_without_its_csrf_token_gets_the_forbidden_page_and_changes_nothing() {
    let app = spawn_app_with_smtp().await;
    let mut browser = Browser::new(&app);
    browser.get("/account/register").await;
    let fields = [("full_name", "Petro Bondar"), ("email", "petro@example.org"), ("password", "long enough password")];
    for (path, fields) in [
        ("/account/register", &fields[..]),
        ("/account/login", &fields[1..]),
        ("/account/password-reset", &fields[1..2]),
        ("/account/confirm-email", &[("token", "abc")][..]),
        ("/account/password-reset/new", &[("token", "abc"), ("new_password", "long enough password")][..]),
        ("/account/logout", &[][..]),
        ("/account", &[("language", "en")][..]),
    ] {
        let page = browser.post(path, fields).await;
        assert_eq!(page.status, 403, "{path}");
        assert!(page.html.contains("<html"), "{path}: a page, not a bare status");
        let forged = browser.post(path, &[&[("csrf_token", "forged")][..], fields].concat()).await;
        assert_eq!(forged.status, 403, "{path} with a forged token");
    }
    tokio::time::sleep(std::time::Duration::from_millis(300)).await;
    assert!(app.smtp().mails_to("petro@example.org").is_empty(), "no account was registered");
}

#[tokio::test]
async fn errors_are_summarised_at_the_top_linked_to_their_fields_and_what_was_typed_is_kept() {
    let app = spawn_app_with_smtp().await;
    let mut browser = Browser::new(&app);
    let page = browser
        .submit(
            "/account/register",
            &[("full_name", "Mariia <Kovalenko>"), ("email", "not an address"), ("password", "short")],
        )
        .await;
    assert_eq!(page.status, 200);
    assert!(page.title().starts_with("Error: "), "{}", page.title());
    assert!(page.html.contains("govuk-error-summary") && page.html.contains("autofocus"));
    assert!(page.html.contains("<a href=\"#email\">Enter an email address in the correct format"), "{}", page.html);
    assert!(page.html.contains("id=\"email-error\""), "the error also stands beside its field");
    assert!(page.html.contains("value=\"not an address\""), "the typed address is kept");
    assert!(page.html.contains("value=\"Mariia &lt;Kovalenko&gt;\""), "the typed name is kept, escaped");
    assert!(!page.html.contains("value=\"short\""), "a password is never sent back");

    // A wrong password does not tell whether the address is registered.
    let wrong =
        browser.submit("/account/login", &[("email", "nobody@example.org"), ("password", "whatever it is")]).await;
    assert!(wrong.title().starts_with("Error: "));
    assert!(wrong.html.contains("The email address or the password is wrong"));
    assert!(wrong.html.contains("value=\"nobody@example.org\""));

    // In Ukrainian the title starts with «Помилка:».
    let client = reqwest::Client::new();
    let html = client.get(app.url("/account/login")).send().await.unwrap().text().await.unwrap();
    assert!(html.contains("<h1 class=\"govuk-heading-l\">Увійти</h1>"));
}

#[tokio::test]
async fn a_forgotten_password_is_reset_with_the_mailed_code_through_the_pages() {
    let app = spawn_app_with_smtp().await;
    let mut browser = Browser::new(&app);
    register_and_confirm(&mut browser, "Oksana Melnyk", "oksana@example.org", "first password 1").await;

    let asked = browser.submit("/account/password-reset", &[("email", "oksana@example.org")]).await;
    assert_eq!(asked.location.as_deref(), Some("/account/password-reset?sent=1"));
    let code = app.smtp().nth_mail_to("oksana@example.org", 2).await.token();

    let short = browser.submit("/account/password-reset/new", &[("token", &code), ("new_password", "short")]).await;
    assert!(short.html.contains("<a href=\"#new_password\">"), "{}", short.html);
    let reset =
        browser.submit("/account/password-reset/new", &[("token", &code), ("new_password", "second password 2")]).await;
    assert_eq!(reset.location.as_deref(), Some("/account/login?reset=1"));

    let old =
        browser.submit("/account/login", &[("email", "oksana@example.org"), ("password", "first password 1")]).await;
    assert_eq!(old.status, 200);
    let new =
        browser.submit("/account/login", &[("email", "oksana@example.org"), ("password", "second password 2")]).await;
    assert_eq!(new.location.as_deref(), Some("/account"));
}

#[tokio::test]
async fn a_signed_in_citizen_chooses_the_language_of_mails_and_the_session_cookie_is_secure_on_https() {
    let app = spawn_app_with_smtp().await;
    let mut browser = Browser::new(&app);
    register_and_confirm(&mut browser, "Andrii Shevchuk", "andrii@example.org", "a long password 3").await;
    browser.submit("/account/login", &[("email", "andrii@example.org"), ("password", "a long password 3")]).await;
    let saved = browser.submit("/account", &[("language", "uk")]).await;
    assert_eq!(saved.location.as_deref(), Some("/account?saved=1"));
    let page = browser.get("/account?saved=1").await;
    assert!(page.html.contains("Your settings are saved") && page.html.contains("value=\"uk\" checked"));
    let bad = browser.submit("/account", &[("language", "xx")]).await;
    assert!(bad.html.contains("<a href=\"#language\">Choose Ukrainian or English</a>"), "{}", bad.html);

    let https = TestAppBuilder::new()
        .await
        .with_smtp()
        .configure(|s| s.public_url = "https://rada.example.org".into())
        .spawn()
        .await;
    https.verified_citizen("Iryna Tkachenko", "iryna@example.org").await;
    let mut browser = Browser::new(&https);
    browser.submit("/account/login", &[("email", "iryna@example.org"), ("password", "a long enough password")]).await;
    let cookie = browser.set_cookies.iter().find(|c| c.starts_with("hromada-session=")).expect("a session cookie");
    assert!(cookie.contains("Secure"), "{cookie}");
}
