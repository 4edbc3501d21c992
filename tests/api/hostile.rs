//! Hostile input (issue 16): races on limits, floods of filings, what photos are served as.
use serde_json::json;

use crate::{
    appeals::{PNG, broken_bench},
    city,
    helpers::TestAppBuilder,
};

#[tokio::test]
async fn twelve_parallel_uploads_store_exactly_the_five_photos_a_report_may_carry() {
    let photos_dir = std::env::temp_dir().join(format!("hromada-photos-{}", uuid::Uuid::new_v4().simple()));
    let dir = photos_dir.clone();
    let app = TestAppBuilder::new().await.with_smtp().configure(move |s| s.photos.dir = dir).spawn().await;
    let city = city::build(&app).await;
    let report = app.post("/api/v1/appeals", Some(&city.citizen), broken_bench(&city)).await;
    let id = report.body["id"].as_i64().unwrap();
    let uploads = (0..12).map(|_| {
        let request = app
            .client
            .post(app.url(&format!("/api/v1/appeals/{id}/photos")))
            .bearer_auth(&city.citizen)
            .header("content-type", "image/png")
            .body(PNG.to_vec());
        async move { request.send().await.unwrap().status().as_u16() }
    });
    let mut statuses = futures::future::join_all(uploads).await;
    statuses.sort_unstable();
    assert_eq!(statuses, [[201; 5].as_slice(), [409; 7].as_slice()].concat(), "{statuses:?}");
    let stored = app.get(&format!("/api/v1/appeals/{id}"), None).await.body["photo_ids"].as_array().unwrap().len();
    assert_eq!(stored, 5);
    let files = std::fs::read_dir(&photos_dir).unwrap().count();
    assert_eq!(files, 5, "the refused uploads leave no file behind");
}

#[tokio::test]
async fn an_account_filing_appeals_in_a_row_is_slowed_down_with_retry_after() {
    let app = TestAppBuilder::new().await.with_smtp().configure(|s| s.rate_limits.appeals_per_hour = 3).spawn().await;
    let city = city::build(&app).await;
    let report = json!({"kind": "issue_report", "subject": "Pothole on Myru", "text": "A deep pothole by the bus stop.",
                        "category_id": city.pothole, "address": "Myru 10"});
    for _ in 0..3 {
        assert_eq!(app.post("/api/v1/appeals", Some(&city.citizen), report.clone()).await.status, 201);
    }
    let response =
        app.client.post(app.url("/api/v1/appeals")).bearer_auth(&city.citizen).json(&report).send().await.unwrap();
    assert_eq!(response.status(), 429);
    let retry_after: u64 = response.headers()["retry-after"].to_str().unwrap().parse().unwrap();
    assert!((1..=3600).contains(&retry_after), "{retry_after}");
    // Another account is not affected.
    assert_eq!(app.post("/api/v1/appeals", Some(&city.roads_officer), report).await.status, 201);
}
