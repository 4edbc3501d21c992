//! SMTP connections we open ourselves, so each socket has `TCP_NODELAY` set: lettre 0.11 (up to
//! 0.11.23, the newest release) leaves Nagle's algorithm on, and the server's delayed ACK then holds the
//! end of every message for ~40 ms — about 22 mails/s per connection. lettre speaks SMTP over our socket:
//! greeting, EHLO, STARTTLS, AUTH and the mail transaction are all its own.
//!
//! `smtp://host[:25]` plain; `smtp://host[:587]?tls=required|opportunistic` STARTTLS;
//! `smtps://host[:465]` implicit TLS; `user:password@` logs in (PLAIN or LOGIN); a path names the EHLO
//! host (`smtp://relay/my.host.name`) — the same URLs lettre's `from_url` accepts.
use std::{path::Path, sync::Arc, time::Duration};

use lettre::transport::smtp::{
    authentication::{Credentials, DEFAULT_MECHANISMS},
    client::{AsyncSmtpConnection, Certificate, TlsParameters},
    extension::ClientId,
};
use tokio::net::TcpStream;

use crate::domain::notify::DeliveryFailure;
use tokio_rustls::rustls;

/// How the connection is secured.
#[derive(Clone)]
enum Security {
    None,
    /// STARTTLS after the greeting; `required` refuses a server that does not offer it.
    StartTls {
        parameters: TlsParameters,
        required: bool,
    },
    /// TLS from the first byte (port 465).
    Implicit(tokio_rustls::TlsConnector),
}

/// Where and how to reach the relay, parsed once from `smtp_url`.
#[derive(Clone)]
pub struct Endpoint {
    host: String,
    port: u16,
    security: Security,
    credentials: Option<Credentials>,
    hello: ClientId,
    timeout: Duration,
}

impl std::fmt::Debug for Endpoint {
    // By hand: the credentials are never printed.
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Endpoint").field("host", &self.host).field("port", &self.port).finish_non_exhaustive()
    }
}

impl Endpoint {
    /// Parses `url`; `ca_file` (PEM) adds a trusted root for TLS, e.g. a relay with a private CA.
    pub fn parse(url: &str, ca_file: Option<&Path>, timeout: Duration) -> anyhow::Result<Endpoint> {
        let parsed = url::Url::parse(url)?;
        let host = parsed.host_str().ok_or_else(|| anyhow::anyhow!("no host"))?.to_owned();
        let tls = parsed.query_pairs().find(|(k, _)| k == "tls").map(|(_, v)| v.into_owned());
        let ca = ca_file
            .map(|path| std::fs::read(path).map_err(|e| anyhow::anyhow!("cannot read {}: {e}", path.display())))
            .transpose()?;
        let starttls = |required| -> anyhow::Result<Security> {
            let mut builder = TlsParameters::builder(host.clone());
            if let Some(pem) = &ca {
                builder = builder.add_root_certificate(Certificate::from_pem(pem)?);
            }
            Ok(Security::StartTls { parameters: builder.build_rustls()?, required })
        };
        let (security, default_port) = match (parsed.scheme(), tls.as_deref()) {
            ("smtp", None) => (Security::None, 25),
            ("smtp", Some("required")) => (starttls(true)?, 587),
            ("smtp", Some("opportunistic")) => (starttls(false)?, 587),
            ("smtps", None) => (Security::Implicit(implicit_tls(ca.as_deref())?), 465),
            (scheme, tls) => anyhow::bail!("unknown scheme `{scheme}` or tls parameter {tls:?}"),
        };
        let decode = |s: &str| percent_encoding::percent_decode_str(s).decode_utf8_lossy().into_owned();
        let credentials =
            parsed.password().map(|password| Credentials::new(decode(parsed.username()), decode(password)));
        let name = parsed.path().trim_matches('/');
        let hello = if name.is_empty() { ClientId::default() } else { ClientId::Domain(name.to_owned()) };
        Ok(Endpoint { port: parsed.port().unwrap_or(default_port), host, security, credentials, hello, timeout })
    }

    /// Opens a connection ready to send: connected with `TCP_NODELAY`, greeted, secured, logged in.
    /// Any failure here is the relay's, not a mail's.
    pub async fn connect(&self) -> Result<AsyncSmtpConnection, String> {
        let tcp = tokio::time::timeout(self.timeout, TcpStream::connect((self.host.as_str(), self.port)))
            .await
            .map_err(|_| format!("connecting to {}:{} timed out", self.host, self.port))?
            .map_err(|e| format!("connecting to {}:{}: {e}", self.host, self.port))?;
        tcp.set_nodelay(true).map_err(|e| format!("setting TCP_NODELAY: {e}"))?;
        tokio::time::timeout(self.timeout, self.handshake(tcp))
            .await
            .map_err(|_| format!("the SMTP server {}:{} did not answer in time", self.host, self.port))?
    }

    async fn handshake(&self, tcp: TcpStream) -> Result<AsyncSmtpConnection, String> {
        let mut conn = match &self.security {
            Security::Implicit(connector) => {
                let name = rustls::pki_types::ServerName::try_from(self.host.clone()).map_err(|e| e.to_string())?;
                let tls = connector.connect(name, tcp).await.map_err(|e| format!("TLS: {e}"))?;
                AsyncSmtpConnection::connect_with_transport(Box::new(ImplicitTls(tls)), &self.hello).await
            }
            _ => AsyncSmtpConnection::connect_with_transport(Box::new(tcp), &self.hello).await,
        }
        .map_err(|e| e.to_string())?;
        if let Security::StartTls { parameters, required } = &self.security
            && (*required || conn.can_starttls())
        {
            conn.starttls(parameters.clone(), &self.hello).await.map_err(|e| format!("STARTTLS: {e}"))?;
        }
        if let Some(credentials) = &self.credentials {
            conn.auth(DEFAULT_MECHANISMS, credentials).await.map_err(|e| format!("AUTH: {e}"))?;
        }
        Ok(conn)
    }
}

/// The rustls client for implicit TLS: the web PKI roots (lettre's default) plus the configured CA.
fn implicit_tls(ca: Option<&[u8]>) -> anyhow::Result<tokio_rustls::TlsConnector> {
    use rustls::pki_types::{CertificateDer, pem::PemObject};
    let mut roots = rustls::RootCertStore::empty();
    roots.extend(webpki_roots::TLS_SERVER_ROOTS.iter().cloned());
    if let Some(pem) = ca {
        for cert in CertificateDer::pem_slice_iter(pem) {
            roots.add(cert?)?;
        }
    }
    let provider = Arc::new(rustls::crypto::ring::default_provider());
    let config = rustls::ClientConfig::builder_with_provider(provider)
        .with_safe_default_protocol_versions()?
        .with_root_certificates(roots)
        .with_no_client_auth();
    Ok(tokio_rustls::TlsConnector::from(Arc::new(config)))
}

/// A TLS stream lettre can talk SMTP over.
#[derive(Debug)]
struct ImplicitTls(tokio_rustls::client::TlsStream<TcpStream>);

impl lettre::transport::smtp::client::AsyncTokioStream for ImplicitTls {
    fn peer_addr(&self) -> std::io::Result<std::net::SocketAddr> {
        self.0.get_ref().0.peer_addr()
    }
}

impl tokio::io::AsyncRead for ImplicitTls {
    fn poll_read(
        mut self: std::pin::Pin<&mut Self>,
        cx: &mut std::task::Context<'_>,
        buf: &mut tokio::io::ReadBuf<'_>,
    ) -> std::task::Poll<std::io::Result<()>> {
        std::pin::Pin::new(&mut self.0).poll_read(cx, buf)
    }
}

impl tokio::io::AsyncWrite for ImplicitTls {
    fn poll_write(
        mut self: std::pin::Pin<&mut Self>,
        cx: &mut std::task::Context<'_>,
        buf: &[u8],
    ) -> std::task::Poll<std::io::Result<usize>> {
        std::pin::Pin::new(&mut self.0).poll_write(cx, buf)
    }

    fn poll_flush(
        mut self: std::pin::Pin<&mut Self>,
        cx: &mut std::task::Context<'_>,
    ) -> std::task::Poll<std::io::Result<()>> {
        std::pin::Pin::new(&mut self.0).poll_flush(cx)
    }

    fn poll_shutdown(
        mut self: std::pin::Pin<&mut Self>,
        cx: &mut std::task::Context<'_>,
    ) -> std::task::Poll<std::io::Result<()>> {
        std::pin::Pin::new(&mut self.0).poll_shutdown(cx)
    }
}

/// One SMTP connection kept open across mails: opened when first needed, reopened after an error
/// (lettre closes a connection on any failed command) or after `idle` unused — before a server's own
/// idle timeout would cut it under a mail.
#[derive(Default)]
pub struct Connection {
    open: Option<(AsyncSmtpConnection, std::time::Instant)>,
}

impl Connection {
    /// Makes sure a usable connection is open; an error is the relay's.
    pub async fn ready(&mut self, endpoint: &Endpoint, idle: Duration) -> Result<(), String> {
        if let Some((conn, last_used)) = &mut self.open {
            if !conn.has_broken() && last_used.elapsed() < idle {
                return Ok(());
            }
            if !conn.has_broken() {
                let _ = tokio::time::timeout(Duration::from_secs(1), conn.quit()).await;
            }
        }
        self.open = None;
        self.open = Some((endpoint.connect().await?, std::time::Instant::now()));
        Ok(())
    }

    /// Sends one mail over the open connection (call [`Connection::ready`] first).
    pub async fn send(&mut self, message: &lettre::Message, timeout: Duration) -> Result<(), DeliveryFailure> {
        let Some((conn, last_used)) = &mut self.open else {
            return Err(DeliveryFailure::RelayUnavailable("no SMTP connection".into()));
        };
        let result = tokio::time::timeout(timeout, conn.send(message.envelope(), &message.formatted())).await;
        match result {
            Ok(Ok(_)) => {
                *last_used = std::time::Instant::now();
                Ok(())
            }
            Ok(Err(e)) => {
                self.open = None;
                Err(if e.is_permanent() {
                    DeliveryFailure::Rejected(e.to_string())
                } else {
                    DeliveryFailure::Deferred(e.to_string())
                })
            }
            Err(_) => {
                // Cut mid-transaction: whether the server took it is unknown; try again later.
                self.open = None;
                Err(DeliveryFailure::Deferred(format!("no answer within {} s", timeout.as_secs())))
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn parse(url: &str) -> Endpoint {
        Endpoint::parse(url, None, Duration::from_secs(5)).unwrap()
    }

    #[test]
    fn the_smtp_urls_lettre_accepts_still_mean_the_same() {
        let plain = parse("smtp://relay.example.org");
        assert_eq!((plain.host.as_str(), plain.port), ("relay.example.org", 25));
        assert!(matches!(plain.security, Security::None) && plain.credentials.is_none());

        let submission = parse("smtp://mailer:s3cret%20p%40ss@relay.example.org?tls=required");
        assert_eq!(submission.port, 587);
        assert!(matches!(submission.security, Security::StartTls { required: true, .. }));
        assert!(submission.credentials == Some(Credentials::new("mailer".into(), "s3cret p@ss".into())));

        let opportunistic = parse("smtp://relay.example.org:2525?tls=opportunistic");
        assert!(matches!(opportunistic.security, Security::StartTls { required: false, .. }));
        assert_eq!(opportunistic.port, 2525);

        let implicit = parse("smtps://relay.example.org/hromada.example.org");
        assert_eq!(implicit.port, 465);
        assert!(matches!(implicit.security, Security::Implicit(_)));
        assert_eq!(implicit.hello, ClientId::Domain("hromada.example.org".into()));

        assert!(Endpoint::parse("smtp://relay?tls=sometimes", None, Duration::from_secs(5)).is_err());
        assert!(Endpoint::parse("http://relay", None, Duration::from_secs(5)).is_err());
    }
}
