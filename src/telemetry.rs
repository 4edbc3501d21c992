//! Structured logs through `tracing`: human-readable text by default, JSON lines on request.
use tracing_subscriber::{EnvFilter, fmt, prelude::*};

use crate::config::LogFormat;

/// Installs the global subscriber once; later calls (tests spawn many apps) are ignored.
pub fn init(format: LogFormat, filter: &str) {
    let filter = EnvFilter::try_new(filter).unwrap_or_else(|_| EnvFilter::new("info"));
    let registry = tracing_subscriber::registry().with(filter);
    let _ = match format {
        LogFormat::Json => registry.with(fmt::layer().json().with_current_span(true)).try_init(),
        LogFormat::Text => registry.with(fmt::layer()).try_init(),
    };
}

/// Prometheus metrics of one running application (not global, so several apps can share a process).
pub mod prometheus {
    use std::sync::{Arc, atomic::AtomicI64};

    use prometheus_client::{
        encoding::{EncodeLabelSet, text::encode},
        metrics::{counter::Counter, family::Family, gauge::Gauge, histogram::Histogram},
        registry::Registry,
    };

    #[derive(Clone, Debug, Hash, PartialEq, Eq, EncodeLabelSet)]
    pub struct RequestLabels {
        pub method: String,
        /// The path with numeric ids replaced by `:id` (bounded cardinality).
        pub route: String,
        pub status: u16,
    }

    #[derive(Clone, Debug, Hash, PartialEq, Eq, EncodeLabelSet)]
    pub struct RouteLabels {
        pub method: String,
        pub route: String,
    }

    type Latencies = Family<RouteLabels, Histogram, fn() -> Histogram>;

    pub struct Metrics {
        registry: Registry,
        requests: Family<RequestLabels, Counter>,
        latencies: Latencies,
        pub outbox_backlog: Gauge<i64, AtomicI64>,
        pub outbox_oldest_queued_seconds: Gauge<i64, AtomicI64>,
        /// Counted by this instance's mail worker.
        pub mails: crate::mail::MailCounters,
        pub appeals_open: Gauge<i64, AtomicI64>,
        pub appeals_overdue: Gauge<i64, AtomicI64>,
        pub petitions_collecting: Gauge<i64, AtomicI64>,
    }

    fn latency_histogram() -> Histogram {
        // 1 ms … ~16 s.
        Histogram::new(prometheus_client::metrics::histogram::exponential_buckets(0.001, 2.0, 15))
    }

    impl Metrics {
        pub fn new() -> Arc<Metrics> {
            let mut registry = Registry::with_prefix("hromada");
            let requests = Family::<RequestLabels, Counter>::default();
            let latencies: Latencies = Family::new_with_constructor(latency_histogram);
            let outbox_backlog = Gauge::<i64, AtomicI64>::default();
            let outbox_oldest_queued_seconds = Gauge::<i64, AtomicI64>::default();
            let mails = crate::mail::MailCounters::default();
            let appeals_open = Gauge::<i64, AtomicI64>::default();
            let appeals_overdue = Gauge::<i64, AtomicI64>::default();
            let petitions_collecting = Gauge::<i64, AtomicI64>::default();
            registry.register("http_requests", "HTTP requests answered", requests.clone());
            registry.register("http_request_duration_seconds", "Time to answer an HTTP request", latencies.clone());
            registry.register("outbox_backlog", "Mails waiting to be delivered", outbox_backlog.clone());
            registry.register(
                "outbox_oldest_queued_seconds",
                "Age of the oldest mail waiting to be delivered (0 when none)",
                outbox_oldest_queued_seconds.clone(),
            );
            registry.register("mails_sent", "Mails the SMTP server accepted (this instance)", mails.sent.clone());
            registry.register(
                "mails_failed",
                "Mails given up on: refused with 5xx, unusable address, or deferred too often (this instance)",
                mails.failed.clone(),
            );
            registry.register(
                "mails_deferred",
                "Delivery attempts deferred for a retry: 4xx or a broken connection (this instance)",
                mails.deferred.clone(),
            );
            registry.register("appeals_open", "Appeals and reports awaiting an answer", appeals_open.clone());
            registry.register(
                "appeals_overdue",
                "Appeals awaiting an answer past their deadline",
                appeals_overdue.clone(),
            );
            registry.register("petitions_collecting", "Petitions collecting signatures", petitions_collecting.clone());
            Arc::new(Metrics {
                registry,
                requests,
                latencies,
                outbox_backlog,
                outbox_oldest_queued_seconds,
                mails,
                appeals_open,
                appeals_overdue,
                petitions_collecting,
            })
        }

        /// Counts one answered request. `route` is the template the router matched (`/api/v1/appeals/:id`),
        /// never the raw path: the raw path of a bad request may be anything (an e-mail address…).
        pub fn observe(&self, method: &str, route: Option<&str>, status: u16, seconds: f64) {
            // The web pages are nested at `/`, so every path "matches" there: a 404 or 405 that matched
            // nothing more specific matched no route.
            let catch_all = matches!(status, 404 | 405) && route.is_some_and(|r| r.trim_end_matches('/').is_empty());
            let route = route_label(route.filter(|_| !catch_all));
            self.requests
                .get_or_create(&RequestLabels { method: method.to_owned(), route: route.clone(), status })
                .inc();
            self.latencies.get_or_create(&RouteLabels { method: method.to_owned(), route }).observe(seconds);
        }

        /// The text exposition format.
        pub fn render(&self) -> String {
            let mut out = String::new();
            // Writing to a String cannot fail.
            let _ = encode(&mut out, &self.registry);
            out
        }
    }

    /// The label of a matched route template; a request no route matched is one label, so scanners cannot
    /// blow up the series.
    /// Parameters are shown as `:id` whatever the router calls them (poem-openapi numbers them).
    pub fn route_label(route: Option<&str>) -> String {
        let Some(route) = route else { return "unmatched".to_owned() };
        route
            .split('/')
            .map(|segment| if segment.starts_with(':') { ":id" } else { segment })
            .collect::<Vec<_>>()
            .join("/")
    }

    /// The route template the router matched, from a response (or an error turned into one).
    pub fn matched_route(response: &poem::Response) -> Option<&str> {
        response.data::<poem::PathPattern>().map(|p| &*p.0)
    }

    /// Turns an error into a response with `render`, keeping the matched route template for the metrics.
    pub fn render_error(err: poem::Error, render: impl FnOnce(poem::Error) -> poem::Response) -> poem::Response {
        let route = err.data::<poem::PathPattern>().cloned();
        let mut response = render(err);
        if let Some(route) = route {
            response.set_data(route);
        }
        response
    }

    #[cfg(test)]
    mod tests {
        use super::*;

        #[test]
        fn ids_are_folded_and_unknown_paths_are_one_series() {
            assert_eq!(route_label(None), "unmatched");
            let m = Metrics::new();
            m.observe("GET", Some("/"), 404, 0.001);
            assert!(m.render().contains(r#"route="unmatched",status="404""#));
            assert_eq!(route_label(Some("/api/v1/appeals/:param0/answer")), "/api/v1/appeals/:id/answer");
            let m = Metrics::new();
            m.observe("GET", Some("/api/v1/appeals/:id"), 200, 0.004);
            let text = m.render();
            assert!(
                text.contains(
                    r#"hromada_http_requests_total{method="GET",route="/api/v1/appeals/:id",status="200"} 1"#
                ),
                "{text}"
            );
            assert!(text.contains("hromada_http_request_duration_seconds_bucket"));
        }
    }
}
