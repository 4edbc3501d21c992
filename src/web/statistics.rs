//! The watchdog's pages: statistics for a period, an organisation, A07 and C03, rankings, petitions,
//! open data, the audit chain and the embeddable widgets. Each handler reads the period, calls one use
//! case of `service::metrics` / `service::audit` (the same the JSON API calls) and renders; the figures
//! on a page are the API's figures.
use chrono::{DateTime, Utc};
use minijinja::{Value, context};
use poem::{
    Response, handler,
    http::{StatusCode, header},
    web::{Path, Query},
};
use serde::{Deserialize, Serialize};

use super::context::Ctx;
use crate::{
    domain::metrics::Period,
    error::AppError,
    service::{
        audit as audit_use_case,
        metrics::{self as use_case, PeriodQuery},
        open_data as open_data_use_case, widgets,
    },
};

/// The period form of every statistics page: a year, quarter, month or day, or a range.
#[derive(Debug, Default, Deserialize, Serialize)]
pub struct PeriodForm {
    period: Option<String>,
    from: Option<String>,
    to: Option<String>,
    /// Which column the table is sorted by (overview), and `csv` for the numbers as a file.
    sort: Option<String>,
    format: Option<String>,
}

impl PeriodForm {
    fn query(&self) -> PeriodQuery {
        PeriodQuery { period: self.period.clone(), from: self.from.clone(), to: self.to.clone() }
    }

    /// The query string that selects the same period (for links to the other pages and the CSV).
    fn query_string(&self, period: Period) -> String {
        format!("from={}&to={}", period.from, period.to)
    }
}

/// A page's answer when a use case fails: the period form with the error for a bad period, else the
/// error page.
/// The page at the request's path, or what [`failed`] makes of the use case's error.
fn shown(ctx: &Ctx<'_>, template: &str, form: &PeriodForm, page: Result<Value, AppError>) -> Response {
    match page {
        Ok(page) => ctx.page(ctx.path(), template, page),
        Err(e) => failed(ctx, template, form, e),
    }
}

/// A use case's result for the period the form names (now: the period's end when it is open).
async fn for_period<T>(
    form: &PeriodForm,
    use_case: impl AsyncFnOnce(Period, DateTime<Utc>) -> Result<T, AppError>,
) -> Result<T, AppError> {
    let now = Utc::now();
    let period = form.query().resolve(now)?;
    use_case(period, now).await
}

fn failed(ctx: &Ctx<'_>, template: &str, form: &PeriodForm, error: AppError) -> Response {
    let (site, lang, path) = (ctx.site, ctx.lang, ctx.path());
    match error {
        AppError::Validation { field, .. } => {
            let field = field.unwrap_or_else(|| "period".into());
            let page = context! { form => Value::from_serialize(form), errors => vec![field] };
            site.render(StatusCode::UNPROCESSABLE_ENTITY, lang, path, template, page)
        }
        AppError::NotFound(_) => site.error(lang, path, StatusCode::NOT_FOUND),
        other => {
            tracing::error!(error = %other, path, "a statistics page failed");
            site.error(lang, path, StatusCode::INTERNAL_SERVER_ERROR)
        }
    }
}

fn period_context(form: &PeriodForm, period: Period) -> Value {
    context! {
        form => Value::from_serialize(form),
        period => Value::from_serialize(period),
        period_label => period.label(),
        period_query => form.query_string(period),
    }
}

/// `GET /statistics`: appeals per organisation (table, chart, CSV) and petitions, for a period.
#[handler]
pub async fn overview(ctx: Ctx<'_>, Query(form): Query<PeriodForm>) -> Response {
    let template = "statistics/overview.html";
    let mut overview =
        match for_period(&form, async |period, now| use_case::overview(ctx.state, period, now).await).await {
            Ok(o) => o,
            Err(e) => return failed(&ctx, template, &form, e),
        };
    let sort = Sort::parse(form.sort.as_deref());
    sort.apply(&mut overview.appeals.rows);
    if form.format.as_deref() == Some("csv") {
        return csv_response(&organisation_csv(&overview.appeals.rows), "statistics.csv");
    }
    let page = context! {
        sort => sort.0,
        overview => Value::from_serialize(&overview),
        definitions => Value::from_serialize(use_case::definitions(ctx.state).0),
        ..period_context(&form, overview.appeals.period)
    };
    ctx.page(ctx.path(), template, page)
}

/// The columns the overview table can be sorted by (a link per column header, no script needed).
struct Sort(&'static str);

impl Sort {
    const COLUMNS: [&'static str; 5] = ["name", "received", "on_time_share", "overdue", "median_days"];

    fn parse(text: Option<&str>) -> Sort {
        Sort(Self::COLUMNS.into_iter().find(|c| Some(*c) == text).unwrap_or("name"))
    }

    fn apply(&self, rows: &mut [use_case::AppealRow]) {
        let key = |r: &use_case::AppealRow| -> (i64, String) {
            let f = &r.figures;
            let number = match self.0 {
                "received" => -f.received,
                // Worst first for the shares, most first for the counts: what a watchdog looks for.
                "on_time_share" => f.on_time_share.map_or(i64::MAX, |s| (s * 10_000.0) as i64),
                "overdue" => -f.overdue,
                "median_days" => -f.median_days_to_answer.unwrap_or(-1),
                _ => 0,
            };
            (number, r.organisation_name.clone().unwrap_or_default())
        };
        rows.sort_by_key(key);
    }
}

fn organisation_csv(rows: &[use_case::AppealRow]) -> String {
    let mut out = String::from(
        "organisation_id,organisation_name,received,answered,answered_on_time,overdue,on_time_share,median_days_to_answer\n",
    );
    for r in rows {
        let f = &r.figures;
        let name = r.organisation_name.clone().unwrap_or_default().replace('"', "\"\"");
        let opt = |v: Option<String>| v.unwrap_or_default();
        out.push_str(&format!(
            "{},\"{}\",{},{},{},{},{},{}\n",
            r.organisation_id.unwrap_or_default(),
            name,
            f.received,
            f.answered,
            f.answered_on_time,
            f.overdue,
            opt(f.on_time_share.map(|s| s.to_string())),
            opt(f.median_days_to_answer.map(|d| d.to_string())),
        ));
    }
    out
}

fn csv_response(body: &str, file: &str) -> Response {
    Response::builder()
        .header(header::CONTENT_TYPE, "text/csv; charset=utf-8")
        .header(header::CONTENT_DISPOSITION, format!("attachment; filename=\"{file}\""))
        .body(body.to_owned())
}

/// `GET /statistics/organisations/{id}`: one organisation's figures, trend and C03 card.
#[handler]
pub async fn organisation(ctx: Ctx<'_>, Path(id): Path<i32>, Query(form): Query<PeriodForm>) -> Response {
    let report = for_period(&form, async |period, now| use_case::organisation(ctx.state, id, period, now).await).await;
    if let Ok(report) = &report
        && form.format.as_deref() == Some("csv")
    {
        return csv_response(&months_csv(&report.months), "organisation-months.csv");
    }
    let page = report
        .map(|report| context! { report => Value::from_serialize(&report), ..period_context(&form, report.period) });
    shown(&ctx, "statistics/organisation.html", &form, page)
}

fn months_csv(months: &[use_case::MonthFigures]) -> String {
    let mut out = String::from("month,received,answered_on_time,answered_late,overdue\n");
    for m in months {
        let f = &m.figures;
        out.push_str(&format!("{},{},{},{},{}\n", m.label, f.received, f.answered_on_time, f.answered_late, f.overdue));
    }
    out
}

/// The pages that show one use case's result for a period as it is: A07, C03, rankings, petitions.
macro_rules! period_page {
    ($name:ident, $use_case:path, $template:literal) => {
        #[handler]
        pub async fn $name(ctx: Ctx<'_>, Query(form): Query<PeriodForm>) -> Response {
            let result = for_period(&form, async |period, now| $use_case(ctx.state, period, now).await).await;
            let page = result.map(|data| {
                context! {
                    data => Value::from_serialize(&data),
                    definitions => Value::from_serialize(use_case::definitions(ctx.state).0),
                    open_data => use_case::open_data_files(),
                    ..period_context(&form, data.period)
                }
            });
            shown(&ctx, $template, &form, page)
        }
    };
}

period_page!(a07, use_case::indicators, "statistics/a07.html");
period_page!(c03, use_case::indicators, "statistics/c03.html");
period_page!(rankings, use_case::rankings, "statistics/rankings.html");
period_page!(petitions, use_case::petitions, "statistics/petitions.html");

/// `GET /open-data`: every download, with the period filled in when one is chosen.
#[handler]
pub fn open_data(ctx: Ctx<'_>, Query(form): Query<PeriodForm>) -> Response {
    let chosen = form.from.as_deref().is_some_and(|f| !f.trim().is_empty());
    let page = form.query().resolve(Utc::now()).map(|period| {
        context! {
            files => Value::from_serialize(open_data_use_case::downloads()),
            filtered => chosen,
            api => crate::api::API_PREFIX,
            ..period_context(&form, period)
        }
    });
    shown(&ctx, "statistics/open-data.html", &form, page)
}

#[derive(Debug, Deserialize)]
pub struct AuditForm {
    verify: Option<String>,
}

/// `GET /audit`: the head of the chain; with `?verify=1`, a full verification explained.
#[handler]
pub async fn audit(ctx: Ctx<'_>, Query(form): Query<AuditForm>) -> Response {
    let page = if form.verify.is_some() {
        audit_use_case::verify(ctx.state)
            .await
            .map(|v| context! { verification => Value::from_serialize(&v), head => Value::from_serialize(&v.head) })
    } else {
        audit_use_case::head(ctx.state).await.map(|h| context! { head => Value::from_serialize(&h) })
    };
    shown(&ctx, "statistics/audit.html", &PeriodForm::default(), page)
}

/// The widget's own address, for the snippet a news site copies.
fn embed_src(ctx: &Ctx<'_>) -> String {
    format!("{}{}", ctx.state.settings.public_url.trim_end_matches('/'), ctx.path())
}

/// `GET /widgets/organisations/{id}`: an organisation's on-time share this year, to embed.
#[handler]
pub async fn organisation_widget(ctx: Ctx<'_>, Path(id): Path<i32>) -> Response {
    let page = widgets::organisation(ctx.state, id, Utc::now()).await.map(|widget| {
        context! {
            widget => Value::from_serialize(&widget),
            period_label => widget.period.label(),
            embed_src => embed_src(&ctx),
        }
    });
    shown(&ctx, "statistics/widget-organisation.html", &PeriodForm::default(), page)
}

/// `GET /widgets/petitions/{id}`: a published petition's progress, to embed.
#[handler]
pub async fn petition_widget(ctx: Ctx<'_>, Path(id): Path<i32>) -> Response {
    let page =
        widgets::petition(ctx.state, id).await.map(|widget| context! { widget => Value::from_serialize(&widget) });
    shown(&ctx, "statistics/widget-petition.html", &PeriodForm::default(), page)
}

#[cfg(test)]
mod tests {
    use super::super::i18n::Lang;
    use crate::domain::metrics::DEFINITIONS;

    /// The key of a figure's definition in `locales/*/statistics.ftl`.
    fn key(figure: &str) -> String {
        format!("definition-{}", figure.replace('.', "-"))
    }

    #[test]
    fn every_definition_is_written_in_ukrainian_and_the_english_is_the_apis() {
        for d in DEFINITIONS {
            let key = key(d.figure);
            assert_eq!(Lang::En.text(&key, None), d.definition, "{key}: the English page says what the API says");
            let uk = Lang::Uk.text(&key, None);
            assert!(uk != key && uk != d.definition, "{key} has no Ukrainian text");
            assert!(uk.chars().any(|c| ('а'..='я').contains(&c)), "{key}: {uk}");
        }
    }
}
