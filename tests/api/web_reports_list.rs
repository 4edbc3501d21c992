//! The public list of reports (`/reports`) with its map, and what every list page does with a `page=`
//! that is no page of it.
use crate::{
    helpers::spawn_app,
    web_accounts::Browser,
    web_map::{category_id, example_city, filed_report},
};

/// The example city's district whose name starts with `prefix`.
async fn district_id(app: &crate::helpers::TestApp, prefix: &str) -> i64 {
    let districts = app.get("/api/v1/directory/districts", None).await.body;
    let all = districts.as_array().unwrap();
    all.iter().find(|d| d["name"].as_str().unwrap().starts_with(prefix)).unwrap()["id"].as_i64().unwrap()
}

/// The `data-points` address of the page's map, as a browser reads it.
fn points_url(html: &str) -> String {
    let start = html.find("data-points=\"").expect("the map fetches points") + 13;
    html[start..].split('"').next().unwrap().replace("&#x2f;", "/").replace("&amp;", "&")
}

/// A visitor narrows the list to a district and a category: the list, the picture of its map (the
/// markers drawn without JavaScript) and the points Leaflet fetches show the same reports.
#[tokio::test]
async fn the_list_its_map_and_its_points_narrow_by_the_same_district_and_category() {
    let app = example_city().await;
    let author = app.verified_citizen("Hanna Authorenko", "hanna@example.org").await;
    let (pothole, lighting) = (category_id(&app, "pothole").await, category_id(&app, "street_lighting").await);
    let north_hole = filed_report(&app, &author, pothole, "Pothole in the north", 48.77, 37.55).await;
    let south_hole = filed_report(&app, &author, pothole, "Pothole in the south", 48.70, 37.55).await;
    let north_dark = filed_report(&app, &author, lighting, "Dark street in the north", 48.78, 37.56).await;
    let north = district_id(&app, "Північний").await;
    let mut visitor = Browser::new(&app);

    let page = visitor.get(&format!("/reports?district_id={north}&category_id={pothole}")).await;
    assert_eq!(page.status, 200, "{}", page.html);
    let listed = |id: i64| page.html.contains(&format!("href=\"/reports/{id}\""));
    assert!(listed(north_hole) && !listed(south_hole) && !listed(north_dark), "the list: {}", page.html);
    let drawn = |subject: &str| page.html.contains(&format!("<title>{subject}</title>"));
    assert!(drawn("Pothole in the north"), "the map draws the listed report: {}", page.html);
    assert!(!drawn("Pothole in the south") && !drawn("Dark street in the north"), "and no other");
    let points = points_url(&page.html);
    assert!(points.contains(&format!("district_id={north}")) && points.contains(&format!("category_id={pothole}")));
    let fetched = app.get(&points, None).await;
    assert_eq!(fetched.status, 200, "{}", fetched.body);
    let ids: Vec<i64> =
        fetched.body["features"].as_array().unwrap().iter().map(|f| f["id"].as_i64().unwrap()).collect();
    assert_eq!(ids, vec![north_hole], "Leaflet's points are the list's: {points}");

    // Older links (`district=`) still narrow; a status narrows the map too.
    let old = visitor.get(&format!("/reports?district={north}")).await;
    assert!(
        old.html.contains(&format!("href=\"/reports/{north_dark}\""))
            && !old.html.contains("<title>Pothole in the south")
    );
    let answered = visitor.get("/reports?status=answered").await;
    assert!(!answered.html.contains("<title>Pothole") && points_url(&answered.html).contains("status=answered"));
}

/// A citizen files a report by its point and at once finds it in the list of its district, though the
/// district's map was drawn a moment before (the map's cells may be reused for 30 seconds; the list's not).
#[tokio::test]
async fn a_report_filed_just_now_is_listed_under_its_district_at_once() {
    let app = example_city().await;
    let author = app.verified_citizen("Hanna Authorenko", "hanna@example.org").await;
    let pothole = category_id(&app, "pothole").await;
    filed_report(&app, &author, pothole, "Pothole in the north", 48.77, 37.55).await;
    let north = district_id(&app, "Північний").await;
    let mut visitor = Browser::new(&app);
    let path = format!("/reports?district_id={north}");
    let before = visitor.get(&path).await;
    assert!(before.html.contains("Pothole in the north"), "{}", before.html);

    let new = filed_report(&app, &author, pothole, "A fresh pothole in the north", 48.775, 37.553).await;
    let after = visitor.get(&path).await;
    assert!(after.html.contains(&format!("href=\"/reports/{new}\"")), "listed at once: {}", after.html);
}

/// A `page=` that is no page of a list (a hand-edited or truncated address) gets the error page: its
/// summary links to the note beside a link to the list's first page, with the filters kept.
#[tokio::test]
async fn a_page_that_is_no_page_of_a_list_links_back_to_its_first_page() {
    let app = example_city().await;
    let mut visitor = Browser::new(&app);
    for (address, first) in [
        ("/reports?page=0", "/reports?page=1"),
        ("/reports?status=received&page=abc", "/reports?status=received&page=1"),
        ("/statistics/map?status=received&page=-1", "/statistics/map?status=received"),
    ] {
        let refused = visitor.get(address).await;
        assert_eq!(refused.status, 422, "{address}");
        assert!(refused.title().starts_with("Error:"), "{address}: {}", refused.title());
        let html = refused.html.replace("&#x2f;", "/").replace("&amp;", "&");
        assert!(html.contains("href=\"#page\"") && html.contains("id=\"page\""), "{address}: {html}");
        assert!(html.contains(&format!("href=\"{first}\"")), "{address}: a link to {first}: {html}");
        assert!(html.contains("Go to the first page of the list"), "{address}");
    }
}

#[tokio::test]
async fn a_page_that_is_no_page_of_the_petitions_list_links_back_to_its_first_page() {
    let app = spawn_app().await;
    let mut visitor = Browser::new(&app);
    for (address, first) in
        [("/petitions?q=park&page=x", "/petitions?q=park"), ("/petitions?page=99999999", "/petitions")]
    {
        let refused = visitor.get(address).await;
        assert_eq!(refused.status, 422, "{address}: {}", refused.html);
        let html = refused.html.replace("&#x2f;", "/").replace("&amp;", "&");
        assert!(html.contains("href=\"#page\"") && html.contains("id=\"page\""), "{address}: {html}");
        assert!(html.contains(&format!("href=\"{first}\"")), "{address}: {html}");
    }
    assert_eq!(visitor.get("/petitions?page=2").await.status, 200, "a page past the last is an empty page");
}

/// The list narrows by when reports were received (a year, quarter, month or day, or a range; blank:
/// any time), and its map's points by the same period; a period that is none is explained beside it.
#[tokio::test]
async fn the_list_and_its_points_narrow_by_the_period_received() {
    let app = example_city().await;
    let author = app.verified_citizen("Hanna Authorenko", "hanna@example.org").await;
    let pothole = category_id(&app, "pothole").await;
    let hole = filed_report(&app, &author, pothole, "Pothole today", 48.77, 37.55).await;
    let today = hromada::domain::calendar::kyiv_date(chrono::Utc::now());
    let mut visitor = Browser::new(&app);

    let now = visitor.get(&format!("/reports?from={today}&to={today}")).await;
    assert!(now.html.contains(&format!("href=\"/reports/{hole}\"")), "{}", now.html);
    assert!(now.html.contains(&format!("value=\"{today}\"")), "the dates stay typed");
    let points = points_url(&now.html);
    assert!(points.contains(&format!("from={today}")) && points.contains(&format!("to={today}")), "{points}");
    assert_eq!(app.get(&points, None).await.body["features"].as_array().unwrap().len(), 1);

    let long_ago = visitor.get("/reports?period=2015").await;
    assert!(long_ago.html.contains("No reports match these choices"), "{}", long_ago.html);
    assert!(!long_ago.html.contains("<title>Pothole today</title>"), "nor on its map");
    let points = points_url(&long_ago.html);
    assert!(points.contains("period=2015"), "{points}");
    assert!(app.get(&points, None).await.body["features"].as_array().unwrap().is_empty());

    let refused = visitor.get("/reports?period=2026-13").await;
    assert_eq!(refused.status, 422);
    assert!(refused.html.contains("href=\"#period\"") && refused.html.contains("id=\"received-error\""));
    assert!(refused.html.contains("Enter a year like 2026"), "{}", refused.html);
}

/// An older link's `category=` beside the new `category_id=` (a bookmarked filter with one added) is
/// no error page: the new name wins.
#[tokio::test]
async fn a_list_address_with_both_the_old_and_the_new_filter_names_prefers_the_new_one() {
    let app = example_city().await;
    let author = app.verified_citizen("Hanna Authorenko", "hanna@example.org").await;
    let pothole = category_id(&app, "pothole").await;
    let hole = filed_report(&app, &author, pothole, "Pothole by the school", 48.77, 37.55).await;
    let mut visitor = Browser::new(&app);
    let page = visitor.get(&format!("/reports?category=nonsense&category_id={pothole}&district=x&district_id=")).await;
    assert_eq!(page.status, 200, "{}", page.html);
    assert!(page.html.contains(&format!("href=\"/reports/{hole}\"")), "the new name's filter: {}", page.html);
    // The old names alone still work.
    let old = visitor.get(&format!("/reports?category={pothole}")).await;
    assert_eq!(old.status, 200, "{}", old.html);
    assert!(old.html.contains(&format!("href=\"/reports/{hole}\"")), "{}", old.html);
}
