//! `GET /statistics/map`: the map of reports — filters as a GET form, districts shaded by their on-time
//! share with a legend, clusters of reports, and a table of the same selection a page at a time for
//! those who cannot use a map. One use case (`service::report_map::report_map`) gives all of it.
use chrono::Utc;
use minijinja::{Value, context};
use poem::{Response, Route, handler, http::StatusCode, web::Query};
use serde::{Deserialize, Serialize};

use super::{
    context::Ctx,
    i18n::Lang,
    map::{MapWidget, Marker, MarkerKind, Picture, Shading},
    render::Site,
};
use crate::{
    domain::{appeals::Status, directory::GeoPoint},
    error::AppError,
    service::{
        metrics::PeriodQuery,
        report_map::{self as use_case, FilterText, ReportFilter, ReportMapQuery},
    },
};

pub(super) fn routes(route: Route) -> Route {
    route.at("/statistics/map", poem::get(map_page))
}

/// The filters as the form sends them; blank fields mean "all".
#[derive(Debug, Default, Deserialize, Serialize)]
pub struct MapForm {
    period: Option<String>,
    from: Option<String>,
    to: Option<String>,
    category_id: Option<String>,
    status: Option<String>,
    district_id: Option<String>,
    page: Option<String>,
}

impl MapForm {
    /// The selection asked for, on page `page`.
    fn query(&self, page: u64) -> Result<ReportMapQuery, AppError> {
        let filter = ReportFilter::read(FilterText {
            category_id: self.category_id.as_deref(),
            status: self.status.as_deref(),
            district_id: self.district_id.as_deref(),
        })?;
        let period = PeriodQuery { period: self.period.clone(), from: self.from.clone(), to: self.to.clone() };
        Ok(ReportMapQuery { period, filter, page })
    }

    /// The query string of the same selection without the page (for the pager's links).
    fn selection_query(&self) -> String {
        let pairs = [
            ("period", &self.period),
            ("from", &self.from),
            ("to", &self.to),
            ("category_id", &self.category_id),
            ("status", &self.status),
            ("district_id", &self.district_id),
        ];
        let mut out = url::form_urlencoded::Serializer::new(String::new());
        for (name, value) in pairs {
            if let Some(v) = value.as_deref().map(str::trim).filter(|v| !v.is_empty()) {
                out.append_pair(name, v);
            }
        }
        out.finish()
    }
}

#[handler]
async fn map_page(ctx: Ctx<'_>, Query(form): Query<MapForm>) -> Response {
    let (site, lang, path) = (ctx.site, ctx.lang, ctx.path());
    let template = "statistics/map.html";
    let now = Utc::now();
    let base = |choices: Option<&use_case::Choices>| {
        let named = |list: &[use_case::Choice]| -> Vec<(String, String)> {
            let name = |c: &use_case::Choice| if lang == Lang::En { c.name_en.clone() } else { c.name_uk.clone() };
            list.iter().map(|c| (c.id.to_string(), name(c))).collect()
        };
        let statuses: Vec<(String, String)> = Status::ALL
            .iter()
            .map(|s| (s.code().to_owned(), lang.text(&format!("report-status-{}", s.code()), None)))
            .collect();
        context! {
            category_options => choices.map(|c| named(&c.categories)).unwrap_or_default(),
            district_options => choices.map(|c| named(&c.districts)).unwrap_or_default(),
            status_options => statuses,
            form => Value::from_serialize(&form),
            selection_query => form.selection_query(),
        }
    };
    let Some(number) = super::paging::page_number(form.page.as_deref()) else {
        let query = form.selection_query();
        let first = if query.is_empty() { path.to_owned() } else { format!("{path}?{query}") };
        return super::paging::no_such_page(site, lang, path, &first);
    };
    let selected = match form.query(number) {
        Ok(query) => use_case::report_map(ctx.state, &query, now).await,
        Err(e) => Err(e),
    };
    match selected {
        Ok(selection) => {
            let page = context! {
                map => drawn(&selection, lang),
                leaflet_points => LEAFLET_POINTS,
                reports => Value::from_serialize(&selection),
                period_label => selection.period.label(),
                period_query => format!("from={}&to={}", selection.period.from, selection.period.to),
                ..base(Some(&selection.choices))
            };
            ctx.page(path, template, page)
        }
        // A refused filter: the form again, with its choices, and the error.
        Err(e) => match use_case::choices(ctx.state).await {
            Ok(choices) => failed(site, lang, path, e, base(Some(&choices))),
            Err(e) => failed(site, lang, path, e, base(None)),
        },
    }
}

/// The platform's map of the selection: districts shaded by their on-time share (in %, with its legend),
/// each cluster of reports a marker labelled with how many it holds.
fn drawn(selection: &use_case::ReportMap, lang: Lang) -> Option<MapWidget> {
    let values = selection.districts.iter().filter_map(|d| Some((d.district_id, d.on_time_share? * 100.0))).collect();
    let shading = Shading { title: lang.text("map-shading-title", None), values, decimals: 0 };
    let markers = selection
        .clusters
        .iter()
        .filter_map(|c| {
            let count = super::i18n::args_from([("count", fluent_bundle::FluentValue::from(c.reports))]);
            let label = lang.text("map-received", Some(&count));
            Some(Marker { point: GeoPoint::checked(c.lat, c.lon)?, label, kind: MarkerKind::Report })
        })
        .collect();
    let picture = Picture { title: lang.text("map-title", None), markers, shading: Some(shading) };
    let (from, to) = (Some(selection.period.from.to_string()), Some(selection.period.to.to_string()));
    let points = super::map::points_query(&selection.filter, &PeriodQuery { period: None, from, to }, LEAFLET_POINTS);
    MapWidget::new(&selection.areas, &picture).map(|w| w.with_points(&points))
}

/// With JavaScript, Leaflet clusters the newest reports of the selection (at most this many) itself.
pub const LEAFLET_POINTS: u64 = 1000;

fn failed(site: &Site, lang: Lang, path: &str, error: AppError, base: Value) -> Response {
    match error {
        AppError::Validation { field, .. } => {
            let field = field.unwrap_or_else(|| "period".into());
            let page = context! { errors => vec![field], ..base };
            site.render(StatusCode::UNPROCESSABLE_ENTITY, lang, path, "statistics/map.html", page)
        }
        other => {
            tracing::error!(error = %other, path, "the map of reports failed");
            site.error(lang, path, StatusCode::INTERNAL_SERVER_ERROR)
        }
    }
}
