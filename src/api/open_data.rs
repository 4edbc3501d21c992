//! Open data over HTTP: the schema and the exports of `service::open_data`, as CSV and JSON files.
use poem::{Body, web::Data};
use poem_openapi::{ApiResponse, Object, OpenApi, param::Query, payload::Binary, payload::Json};

use super::{ApiTags, AppState};
pub use crate::service::open_data::DownloadSlots;
use crate::{
    error::ApiResult,
    service::open_data::{self as use_case, Dataset, Download, Format},
};

#[derive(ApiResponse)]
pub enum CsvFile {
    /// RFC 4180 CSV in UTF-8 with a header line; empty fields are nulls. Streamed.
    #[oai(status = 200, content_type = "text/csv; charset=utf-8")]
    Ok(Binary<Body>, #[oai(header = "Content-Disposition")] String),
}

/// A streamed file.
#[derive(ApiResponse)]
pub enum JsonFile {
    /// A JSON array of objects, one per row, keyed by the column names of `/open-data/schema`. Streamed.
    #[oai(status = 200, content_type = "application/json; charset=utf-8")]
    Ok(JsonRows, #[oai(header = "Content-Disposition")] String),
}

/// A streamed JSON array of row objects: the spec says so (not "a binary string"), the body is
/// written as it is read.
pub struct JsonRows(Body);

impl poem_openapi::payload::Payload for JsonRows {
    const CONTENT_TYPE: &'static str = "application/json; charset=utf-8";

    fn schema_ref() -> poem_openapi::registry::MetaSchemaRef {
        use poem_openapi::registry::{MetaSchema, MetaSchemaRef};
        let mut rows = MetaSchema::new("array");
        let mut row = MetaSchema::new("object");
        row.additional_properties = Some(Box::new(MetaSchemaRef::Inline(Box::new(MetaSchema::ANY))));
        rows.items = Some(Box::new(MetaSchemaRef::Inline(Box::new(row))));
        MetaSchemaRef::Inline(Box::new(rows))
    }
}

impl poem::IntoResponse for JsonRows {
    fn into_response(self) -> poem::Response {
        poem::Response::builder().content_type(<Self as poem_openapi::payload::Payload>::CONTENT_TYPE).body(self.0)
    }
}

#[derive(Debug, Object)]
#[oai(remote = "use_case::ColumnDoc")]
pub struct ColumnDoc {
    pub name: String,
    /// `integer`, `number`, `boolean`, `string` or `timestamp` (RFC 3339, UTC, microseconds).
    #[oai(rename = "type")]
    pub column_type: String,
    pub nullable: bool,
    pub description: String,
}

#[derive(Debug, Object)]
pub struct DatasetDoc {
    pub name: String,
    pub description: String,
    pub csv: String,
    pub json: String,
    /// The column that `from` and `to` filter on.
    pub period_column: String,
    pub columns: Vec<ColumnDoc>,
}

#[derive(Debug, Object)]
#[oai(remote = "use_case::Exclusion")]
pub struct Exclusion {
    pub dataset: String,
    pub fields: Vec<String>,
    pub why: String,
}

#[derive(Debug, Object)]
pub struct OpenDataSchema {
    pub datasets: Vec<DatasetDoc>,
    /// How `author_pseudonym` is made.
    pub pseudonym: String,
    /// What is left out, and why.
    pub excluded: Vec<Exclusion>,
    /// How values are written.
    pub formats: String,
    /// What `from` and `to` mean.
    pub period: String,
}

impl From<use_case::OpenDataSchema> for OpenDataSchema {
    fn from(s: use_case::OpenDataSchema) -> Self {
        OpenDataSchema {
            datasets: s.datasets.into_iter().map(DatasetDoc::from).collect(),
            pseudonym: s.pseudonym,
            excluded: s.excluded.into_iter().map(Exclusion::from).collect(),
            formats: s.formats,
            period: s.period,
        }
    }
}

impl From<use_case::DatasetDoc> for DatasetDoc {
    fn from(d: use_case::DatasetDoc) -> Self {
        DatasetDoc {
            name: d.name,
            description: d.description,
            csv: d.csv,
            json: d.json,
            period_column: d.period_column,
            columns: d.columns.into_iter().map(ColumnDoc::from).collect(),
        }
    }
}

fn disposition(download: &Download) -> String {
    format!("attachment; filename=\"{}\"", download.filename)
}

async fn csv_file(
    state: &AppState,
    dataset: Dataset,
    from: Query<Option<String>>,
    to: Query<Option<String>>,
) -> ApiResult<CsvFile> {
    let download = use_case::export(state, dataset, Format::Csv, from.0.as_deref(), to.0.as_deref()).await?;
    let disposition = disposition(&download);
    Ok(CsvFile::Ok(Binary(Body::from_bytes_stream(download.body)), disposition))
}

async fn json_file(
    state: &AppState,
    dataset: Dataset,
    from: Query<Option<String>>,
    to: Query<Option<String>>,
) -> ApiResult<JsonFile> {
    let download = use_case::export(state, dataset, Format::Json, from.0.as_deref(), to.0.as_deref()).await?;
    let disposition = disposition(&download);
    Ok(JsonFile::Ok(JsonRows(Body::from_bytes_stream(download.body)), disposition))
}

#[derive(Default)]
pub struct OpenDataApi;

#[OpenApi(prefix_path = "/", tag = "ApiTags::OpenData")]
impl OpenDataApi {
    /// The open-data schema
    ///
    /// Every dataset with its columns (name, type, nullable, meaning), how author pseudonyms are made, and what
    /// is left out and why.
    #[oai(path = "/open-data/schema", method = "get")]
    async fn schema(&self) -> Json<OpenDataSchema> {
        Json(use_case::schema().into())
    }

    /// Petitions as CSV
    ///
    /// Every petition with its dates, terms and signature count; the title only for published ones.
    /// `from`/`to`: Kyiv dates (YYYY-MM-DD, inclusive) of submission.
    #[oai(path = "/open-data/petitions.csv", method = "get")]
    async fn petitions_csv(
        &self,
        state: Data<&AppState>,
        /// The first Kyiv date (YYYY-MM-DD) to include, from 2015-01-01 to 2100-12-31 (the dates the working-day calendar supports; others are refused with 422).
        from: Query<Option<String>>,
        /// The last Kyiv date (YYYY-MM-DD) to include, from 2015-01-01 to 2100-12-31 (the dates the working-day calendar supports; others are refused with 422).
        to: Query<Option<String>>,
    ) -> ApiResult<CsvFile> {
        csv_file(&state, Dataset::Petitions, from, to).await
    }

    /// Petitions as JSON
    ///
    /// The same rows and columns as the CSV. `from`/`to`: Kyiv dates (inclusive) of submission.
    #[oai(path = "/open-data/petitions.json", method = "get")]
    async fn petitions_json(
        &self,
        state: Data<&AppState>,
        /// The first Kyiv date (YYYY-MM-DD) to include, from 2015-01-01 to 2100-12-31 (the dates the working-day calendar supports; others are refused with 422).
        from: Query<Option<String>>,
        /// The last Kyiv date (YYYY-MM-DD) to include, from 2015-01-01 to 2100-12-31 (the dates the working-day calendar supports; others are refused with 422).
        to: Query<Option<String>>,
    ) -> ApiResult<JsonFile> {
        json_file(&state, Dataset::Petitions, from, to).await
    }

    /// Appeals and issue reports as CSV
    ///
    /// Every appeal with its executor, deadlines, answer dates and outcome, and a pseudonym of its author;
    /// no names, contacts or text. `from`/`to`: Kyiv dates (inclusive) of receipt.
    #[oai(path = "/open-data/appeals.csv", method = "get")]
    async fn appeals_csv(
        &self,
        state: Data<&AppState>,
        /// The first Kyiv date (YYYY-MM-DD) to include, from 2015-01-01 to 2100-12-31 (the dates the working-day calendar supports; others are refused with 422).
        from: Query<Option<String>>,
        /// The last Kyiv date (YYYY-MM-DD) to include, from 2015-01-01 to 2100-12-31 (the dates the working-day calendar supports; others are refused with 422).
        to: Query<Option<String>>,
    ) -> ApiResult<CsvFile> {
        csv_file(&state, Dataset::Appeals, from, to).await
    }

    /// Appeals and issue reports as JSON
    ///
    /// The same rows and columns as the CSV. `from`/`to`: Kyiv dates (inclusive) of receipt.
    #[oai(path = "/open-data/appeals.json", method = "get")]
    async fn appeals_json(
        &self,
        state: Data<&AppState>,
        /// The first Kyiv date (YYYY-MM-DD) to include, from 2015-01-01 to 2100-12-31 (the dates the working-day calendar supports; others are refused with 422).
        from: Query<Option<String>>,
        /// The last Kyiv date (YYYY-MM-DD) to include, from 2015-01-01 to 2100-12-31 (the dates the working-day calendar supports; others are refused with 422).
        to: Query<Option<String>>,
    ) -> ApiResult<JsonFile> {
        json_file(&state, Dataset::Appeals, from, to).await
    }

    /// Transitions as CSV
    ///
    /// Every step of every appeal and petition with its time, oldest first; no actor, no details.
    /// `from`/`to`: Kyiv dates (inclusive) on which it occurred.
    #[oai(path = "/open-data/transitions.csv", method = "get")]
    async fn transitions_csv(
        &self,
        state: Data<&AppState>,
        /// The first Kyiv date (YYYY-MM-DD) to include, from 2015-01-01 to 2100-12-31 (the dates the working-day calendar supports; others are refused with 422).
        from: Query<Option<String>>,
        /// The last Kyiv date (YYYY-MM-DD) to include, from 2015-01-01 to 2100-12-31 (the dates the working-day calendar supports; others are refused with 422).
        to: Query<Option<String>>,
    ) -> ApiResult<CsvFile> {
        csv_file(&state, Dataset::Transitions, from, to).await
    }

    /// Transitions as JSON
    ///
    /// The same rows and columns as the CSV. `from`/`to`: Kyiv dates (inclusive) on which it occurred.
    #[oai(path = "/open-data/transitions.json", method = "get")]
    async fn transitions_json(
        &self,
        state: Data<&AppState>,
        /// The first Kyiv date (YYYY-MM-DD) to include, from 2015-01-01 to 2100-12-31 (the dates the working-day calendar supports; others are refused with 422).
        from: Query<Option<String>>,
        /// The last Kyiv date (YYYY-MM-DD) to include, from 2015-01-01 to 2100-12-31 (the dates the working-day calendar supports; others are refused with 422).
        to: Query<Option<String>>,
    ) -> ApiResult<JsonFile> {
        json_file(&state, Dataset::Transitions, from, to).await
    }
}
