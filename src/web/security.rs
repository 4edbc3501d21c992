//! Headers every page and asset carries. The CSP allows no inline script or style and only this
//! origin's files; pages may not be framed, except the watchdog widgets under [`WIDGET_PREFIX`], which
//! news sites embed in an iframe.
use poem::{Endpoint, IntoResponse, Middleware, Request, Response, Result, http::HeaderValue};

pub const CONTENT_SECURITY_POLICY: &str = "default-src 'self'; script-src 'self'; style-src 'self'; \
img-src 'self' data:; font-src 'self'; connect-src 'self'; object-src 'none'; base-uri 'self'; \
form-action 'self'; frame-ancestors 'none'";

/// The same policy for the widgets: any site may frame them (they show only public figures).
pub const WIDGET_CONTENT_SECURITY_POLICY: &str = "default-src 'self'; script-src 'self'; style-src 'self'; \
img-src 'self' data:; font-src 'self'; connect-src 'self'; object-src 'none'; base-uri 'self'; \
form-action 'self'; frame-ancestors *";

/// The paths that may be framed by other sites.
pub const WIDGET_PREFIX: &str = "/widgets/";

/// The headers; the policies allow images from the configured map tile server too, if any.
pub struct SecurityHeaders {
    pages: HeaderValue,
    widgets: HeaderValue,
}

impl SecurityHeaders {
    pub fn new(tile_origin: Option<&str>) -> SecurityHeaders {
        let with_tiles = |policy: &str| {
            let policy = match tile_origin {
                Some(origin) => policy.replacen("img-src 'self' data:", &format!("img-src 'self' data: {origin}"), 1),
                None => policy.to_owned(),
            };
            HeaderValue::from_str(&policy).unwrap_or_else(|_| HeaderValue::from_static(CONTENT_SECURITY_POLICY))
        };
        SecurityHeaders {
            pages: with_tiles(CONTENT_SECURITY_POLICY),
            widgets: with_tiles(WIDGET_CONTENT_SECURITY_POLICY),
        }
    }
}

impl<E: Endpoint> Middleware<E> for SecurityHeaders {
    type Output = SecurityHeadersEndpoint<E>;

    fn transform(&self, ep: E) -> Self::Output {
        SecurityHeadersEndpoint { ep, pages: self.pages.clone(), widgets: self.widgets.clone() }
    }
}

pub struct SecurityHeadersEndpoint<E> {
    ep: E,
    pages: HeaderValue,
    widgets: HeaderValue,
}

impl<E: Endpoint> Endpoint for SecurityHeadersEndpoint<E> {
    type Output = Response;

    async fn call(&self, req: Request) -> Result<Self::Output> {
        let widget = req.uri().path().starts_with(WIDGET_PREFIX);
        let mut response = self.ep.call(req).await?.into_response();
        let headers = response.headers_mut();
        let csp = if widget { &self.widgets } else { &self.pages };
        headers.insert("content-security-policy", csp.clone());
        let fixed = [
            ("x-content-type-options", "nosniff"),
            ("referrer-policy", "same-origin"),
            ("permissions-policy", "camera=(), microphone=(), geolocation=(self)"),
        ];
        for (name, value) in fixed {
            headers.insert(name, HeaderValue::from_static(value));
        }
        // X-Frame-Options has no "anyone" value: a widget simply goes without it.
        if !widget {
            headers.insert("x-frame-options", HeaderValue::from_static("DENY"));
        }
        Ok(response)
    }
}
