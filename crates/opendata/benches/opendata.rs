//! The portal under load: `package_search` over 5,000 datasets (in-process and through HTTP
//! with concurrent clients), and `datastore_search` over a 1,000,000-row CSV resource.
//! Run: `cargo bench -p tinhso-opendata --bench opendata` (figures in docs/performance.md).
//! Goals from issue 6: package_search p99 under 10 ms on this 2-core machine; the
//! million-row query under 200 ms.
#![allow(clippy::unwrap_used, clippy::expect_used)]
use axum::extract::FromRef;
use sea_orm::TransactionTrait;
use serde_json::{Map, Value, json};
use std::sync::Arc;
use std::time::{Duration, Instant};
use tinhso_opendata::index::{SearchParams, Viewer};
use tinhso_opendata::model::{Dataset, Resource};
use tinhso_opendata::{Actor, OpenData, Settings, Upload};

const DATASETS: usize = 5000;
const ROWS: usize = 1_000_000;
const WORKERS: usize = 32;
const LOAD: Duration = Duration::from_secs(10);
const UNITS: &str = include_str!("../../../data/org_units.csv");

const TOPICS: &[&str] = &["trường học", "bệnh viện", "giao thông", "ngân sách", "dân số", "du lịch", "nông nghiệp", "đất đai", "môi trường", "doanh nghiệp", "thủ tục", "lao động", "khí tượng", "chợ", "xây dựng", "văn hóa", "thể thao", "điện", "nước sạch", "wifi"];
const KINDS: &[&str] = &["Danh sách", "Số liệu", "Thống kê", "Bản đồ", "Báo cáo", "Danh mục"];
const THEMES: &[&str] = &["giao-duc", "y-te", "giao-thong", "tai-chinh-ngan-sach", "dan-so-lao-dong", "van-hoa-du-lich", "nong-nghiep", "dat-dai-xay-dung", "moi-truong", "kinh-te"];
const FORMATS: &[&str] = &["CSV", "JSON", "XLSX", "PDF", "GEOJSON"];

#[derive(Clone, FromRef)]
struct State {
    od: Arc<OpenData>,
    db: sea_orm::DatabaseConnection,
}

fn pct(mut v: Vec<Duration>, q: f64) -> f64 {
    v.sort_unstable();
    v.get(((v.len() as f64 * q).ceil() as usize).saturating_sub(1)).map(|d| d.as_secs_f64() * 1e3).unwrap_or(0.0)
}

fn line(what: &str, lat: &[Duration], wall: Duration, errors: usize) {
    println!(
        "{what}: {} requests, {errors} errors, median {:.2} ms, p99 {:.2} ms, max {:.2} ms, {:.0} req/s",
        lat.len(),
        pct(lat.to_vec(), 0.5),
        pct(lat.to_vec(), 0.99),
        pct(lat.to_vec(), 1.0),
        lat.len() as f64 / wall.as_secs_f64()
    );
}

async fn seed(db: &sea_orm::DatabaseConnection, codes: &[String]) {
    let now = chrono::Utc::now();
    let tx = db.begin().await.unwrap();
    for i in 0..DATASETS {
        let topic = TOPICS[i % TOPICS.len()];
        let kind = KINDS[(i / TOPICS.len()) % KINDS.len()];
        let mut d = Dataset::blank(now - chrono::Duration::minutes(i as i64));
        d.name = format!("bo-du-lieu-{i:05}");
        d.title = format!("{kind} {topic} năm {} (bộ {i})", 2015 + i % 11);
        d.notes = format!("{kind} về {topic} của tỉnh Quảng Ngãi, cập nhật định kỳ; nguồn số liệu của cơ quan chuyên ngành. Mã {i}.");
        d.owner_org = codes[i % codes.len()].clone();
        d.license_id = ["cc-by", "cc-zero", "odc-odbl", "vn-ogl-1.0"][i % 4].into();
        d.tags = vec![topic.into(), kind.to_lowercase(), format!("năm {}", 2015 + i % 11)];
        d.theme = THEMES[i % THEMES.len()].into();
        d.frequency = "annual".into();
        let format = FORMATS[i % FORMATS.len()];
        d.resources.push(Resource {
            id: uuid::Uuid::now_v7(), package_id: d.id, position: 0, name: format!("Tệp {format}"), description: String::new(), format: format.into(),
            url: format!("https://dulieu.example/{i}.{}", format.to_lowercase()), url_type: String::new(), blob_hash: None, mimetype: String::new(),
            size: None, schema: None, report: None, state: "active".into(), created_at: now, modified_at: now,
        });
        tinhso_opendata::store::save(&tx, &d, true).await.unwrap();
    }
    tx.commit().await.unwrap();
}

fn queries() -> Vec<SearchParams> {
    let facets: Vec<String> = ["organization", "groups", "tags", "res_format", "license_id"].iter().map(|s| (*s).to_owned()).collect();
    let mut out = Vec::new();
    for (i, t) in TOPICS.iter().enumerate() {
        let q = tinhso_core::text::fold(t);
        out.push(SearchParams { q: q.clone(), rows: 10, facet_fields: facets.clone(), facet_limit: 50, ..Default::default() });
        out.push(SearchParams { q: format!("{} {q}", tinhso_core::text::fold(KINDS[i % KINDS.len()])), rows: 10, sort: "metadata_modified desc".into(), ..Default::default() });
        out.push(SearchParams { fq: format!("groups:{} res_format:CSV", THEMES[i % THEMES.len()]), rows: 20, facet_fields: facets.clone(), facet_limit: 50, ..Default::default() });
    }
    out.push(SearchParams { rows: 10, facet_fields: facets, facet_limit: 50, ..Default::default() });
    out
}

fn query_string(p: &SearchParams) -> String {
    let mut pairs = vec![("rows".to_owned(), p.rows.to_string())];
    for (k, v) in [("q", &p.q), ("fq", &p.fq), ("sort", &p.sort)] {
        if !v.is_empty() {
            pairs.push((k.to_owned(), v.clone()));
        }
    }
    if !p.facet_fields.is_empty() {
        pairs.push(("facet.field".into(), serde_json::to_string(&p.facet_fields).unwrap()));
    }
    serde_urlencoded::to_string(pairs).unwrap()
}

/// `workers` clients GETting the URLs round-robin for `dur`.
async fn load(base: &str, paths: Arc<Vec<String>>, workers: usize, dur: Duration) -> (Vec<Duration>, Duration, usize) {
    let client = reqwest::Client::builder().pool_max_idle_per_host(workers).build().unwrap();
    let start = Instant::now();
    let deadline = start + dur;
    let tasks: Vec<_> = (0..workers)
        .map(|w| {
            let (client, paths, base) = (client.clone(), paths.clone(), base.to_owned());
            tokio::spawn(async move {
                let (mut lat, mut errors, mut i) = (Vec::new(), 0usize, w * 7);
                while Instant::now() < deadline {
                    let t = Instant::now();
                    let ok = match client.get(format!("{base}{}", paths[i % paths.len()])).send().await {
                        Ok(r) => r.status().is_success() && r.bytes().await.is_ok(),
                        Err(_) => false,
                    };
                    lat.push(t.elapsed());
                    errors += usize::from(!ok);
                    i += 1;
                }
                (lat, errors)
            })
        })
        .collect();
    let (mut all, mut errors) = (Vec::new(), 0);
    for t in tasks {
        let (l, e) = t.await.unwrap();
        all.extend(l);
        errors += e;
    }
    (all, start.elapsed(), errors)
}

fn big_csv() -> Vec<u8> {
    let units: Vec<&str> = UNITS.lines().skip(1).filter_map(|l| l.split(',').nth(1)).map(|n| n.trim_matches('"')).collect();
    let mut out = String::with_capacity(ROWS * 48);
    out.push_str("ma,don_vi,thang,so_ho_so,ty_le_dung_han\n");
    let mut x: u64 = 0x2545F4914F6CDD1D;
    for i in 0..ROWS {
        x ^= x << 13;
        x ^= x >> 7;
        x ^= x << 17;
        out.push_str(&format!("{i},{},{}-{:02},{},{:.3}\n", units[(x % units.len() as u64) as usize].replace(',', " "), 2020 + (x >> 8) % 6, 1 + (x >> 16) % 12, (x >> 24) % 5000, ((x >> 40) % 1000) as f64 / 1000.0));
    }
    out.into_bytes()
}

fn load_average() -> String {
    std::fs::read_to_string("/proc/loadavg").map(|l| l.split_whitespace().take(3).collect::<Vec<_>>().join(" ")).unwrap_or_default()
}

#[tokio::main]
async fn main() {
    println!("load average before: {}", load_average());
    let (db, url) = tinhso_db::testing::fresh_db().await.unwrap();
    println!("database: {}", url.split(':').next().unwrap_or_default());
    tinhso_identity::org_units::import(&db, "bench", tinhso_identity::org_units::parse_csv(UNITS.as_bytes()).unwrap()).await.unwrap();
    let codes: Vec<String> = tinhso_identity::org_units::list(&db).await.unwrap().into_iter().map(|u| u.code).collect();
    let t = Instant::now();
    seed(&db, &codes).await;
    println!("seeded {DATASETS} datasets in {:.1} s", t.elapsed().as_secs_f64());
    let dir = std::env::temp_dir().join(format!("tinhso-od-bench-{}", uuid::Uuid::now_v7()));
    let blobs = tinhso_db::blobs::BlobStore::local(&dir).unwrap();
    let t = Instant::now();
    let od = OpenData::open(db.clone(), blobs, Settings { public_url: "http://127.0.0.1".into(), max_upload_bytes: 128 << 20 }).await.unwrap();
    println!("index of {} datasets built in {:.0} ms", od.index().docs.len(), t.elapsed().as_secs_f64() * 1e3);

    // package_search in-process: the index alone.
    let qs = queries();
    let index = od.index();
    let mut lat = Vec::new();
    let t = Instant::now();
    for _ in 0..20 {
        for p in &qs {
            let s = Instant::now();
            let found = index.search(p, &Viewer::default()).unwrap();
            std::hint::black_box(found.count);
            lat.push(s.elapsed());
        }
    }
    line("package_search in-process, 1 thread", &lat, t.elapsed(), 0);

    // package_search over HTTP: the whole CKAN action (parsing, envelope, JSON of 10 packages).
    let app = tinhso_opendata::api::router().with_state(State { od: od.clone(), db: db.clone() });
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let base = format!("http://{}", listener.local_addr().unwrap());
    tokio::spawn(async move { axum::serve(listener, app).await });
    let paths: Arc<Vec<String>> = Arc::new(qs.iter().map(|p| format!("/api/3/action/package_search?{}", query_string(p))).collect());
    let (lat, wall, errors) = load(&base, paths.clone(), 1, Duration::from_secs(3)).await;
    line("package_search HTTP, 1 client", &lat, wall, errors);
    // Two clients per core (concurrent, not saturating), then WORKERS, where the 2 cores are
    // saturated and the latency is mostly queueing.
    for clients in [4, WORKERS] {
        let (lat, wall, errors) = load(&base, paths.clone(), clients, LOAD).await;
        line(&format!("package_search HTTP, {clients} concurrent clients"), &lat, wall, errors);
    }

    // A million-row resource: uploaded as a CSV, read once, then queried without download.
    let csv = big_csv();
    println!("CSV of {ROWS} rows: {:.1} MB", csv.len() as f64 / 1e6);
    let steward = Actor::System("bench");
    let t = Instant::now();
    let created = od.create(&steward, json!({"name": "trieu-dong", "owner_org": codes[0], "license_id": "cc-by"}).as_object().unwrap()).await.unwrap();
    println!("package_create with {DATASETS} datasets indexed (write, audit, re-index): {:.0} ms", t.elapsed().as_secs_f64() * 1e3);
    let t = Instant::now();
    let input: Map<String, Value> = json!({"package_id": created.id.to_string(), "format": "CSV"}).as_object().unwrap().clone();
    let (_, r) = od.add_resource(&steward, &input, Some(Upload { file_name: "trieu-dong.csv".into(), bytes: csv })).await.unwrap();
    println!("upload with schema inference and quality report: {:.1} s", t.elapsed().as_secs_f64());
    let rid = r.id.to_string();
    let table = od.table(&r).await.unwrap();
    let unit = table.text(0, 1).to_owned();
    let cases: Vec<(&str, tinhso_opendata::table::Query)> = vec![
        ("filter one unit, sort so_ho_so desc, first 100", tinhso_opendata::table::Query { filters: vec![("don_vi".into(), vec![unit.clone()])], sort: vec![("so_ho_so".into(), true)], limit: 100, ..Default::default() }),
        ("sort all rows by ty_le_dung_han, page 500 (offset 50,000)", tinhso_opendata::table::Query { sort: vec![("ty_le_dung_han".into(), false)], limit: 100, offset: 50_000, ..Default::default() }),
        ("filter thang = 2024-06, file order, first 100", tinhso_opendata::table::Query { filters: vec![("thang".into(), vec!["2024-06".into()])], limit: 100, ..Default::default() }),
    ];
    for (what, q) in &cases {
        let mut lat = Vec::new();
        let t = Instant::now();
        for _ in 0..10 {
            let s = Instant::now();
            let page = table.query(q);
            std::hint::black_box(page.total);
            lat.push(s.elapsed());
        }
        line(&format!("table query in-process: {what}"), &lat, t.elapsed(), 0);
    }
    let filters = serde_urlencoded::to_string([("filters", json!({"don_vi": unit}).to_string())]).unwrap();
    let paths = Arc::new(vec![
        format!("/api/3/action/datastore_search?resource_id={rid}&{filters}&sort=so_ho_so%20desc&limit=100"),
        format!("/api/3/action/datastore_search?resource_id={rid}&sort=ty_le_dung_han&limit=100&offset=50000"),
    ]);
    let (lat, wall, errors) = load(&base, paths.clone(), 1, Duration::from_secs(5)).await;
    line("datastore_search HTTP over 1,000,000 rows, 1 client", &lat, wall, errors);
    let (lat, wall, errors) = load(&base, paths, 4, Duration::from_secs(5)).await;
    line("datastore_search HTTP over 1,000,000 rows, 4 concurrent clients", &lat, wall, errors);
    let _ = std::fs::remove_dir_all(&dir);
    println!("load average after: {}", load_average());
}
