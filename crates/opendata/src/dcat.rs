//! DCAT-AP descriptions of the catalogue and its datasets, written from one list of triples to
//! JSON-LD (expanded form), Turtle and RDF/XML, each with its own escaping. The catalogue is
//! paged with Hydra's PagedCollection, as ckanext-dcat does.
use crate::ckan::{self, Orgs};
use crate::model::Dataset;
use crate::service::OpenData;
use crate::vocab;
use axum::extract::{Query, State};
use axum::http::header;
use axum::response::{IntoResponse, Response};
use std::sync::Arc;

pub const PAGE_SIZE: usize = 100;

pub fn namespaces() -> &'static [(&'static str, &'static str)] {
    NS
}

const NS: &[(&str, &str)] = &[
    ("rdf", "http://www.w3.org/1999/02/22-rdf-syntax-ns#"),
    ("dcat", "http://www.w3.org/ns/dcat#"),
    ("dct", "http://purl.org/dc/terms/"),
    ("foaf", "http://xmlns.com/foaf/0.1/"),
    ("vcard", "http://www.w3.org/2006/vcard/ns#"),
    ("skos", "http://www.w3.org/2004/02/skos/core#"),
    ("spdx", "http://spdx.org/rdf/terms#"),
    ("hydra", "http://www.w3.org/ns/hydra/core#"),
    ("xsd", "http://www.w3.org/2001/XMLSchema#"),
];

#[derive(Debug, Clone, PartialEq)]
pub enum Term {
    Iri(String),
    Blank(String),
    Lit { value: String, datatype: Option<&'static str>, lang: Option<&'static str> },
}

fn expand(q: &str) -> String {
    match q.split_once(':') {
        Some((p, local)) => NS.iter().find(|(n, _)| *n == p).map(|(_, ns)| format!("{ns}{local}")).unwrap_or_else(|| q.to_owned()),
        None => q.to_owned(),
    }
}

#[derive(Default)]
pub struct Graph {
    pub triples: Vec<(Term, String, Term)>,
    blanks: usize,
}

impl Graph {
    fn add(&mut self, s: &Term, p: &str, o: Term) {
        self.triples.push((s.clone(), expand(p), o));
    }
    fn iri(&mut self, s: &Term, p: &str, iri: &str) {
        if !iri.is_empty() {
            self.add(s, p, Term::Iri(iri.to_owned()));
        }
    }
    fn text(&mut self, s: &Term, p: &str, v: &str) {
        if !v.is_empty() {
            self.add(s, p, Term::Lit { value: v.to_owned(), datatype: None, lang: Some("vi") });
        }
    }
    fn typed(&mut self, s: &Term, p: &str, v: String, dt: &'static str) {
        self.add(s, p, Term::Lit { value: v, datatype: Some(dt), lang: None });
    }
    fn blank(&mut self) -> Term {
        self.blanks += 1;
        Term::Blank(format!("b{}", self.blanks))
    }
}

const XSD_DATETIME: &str = "http://www.w3.org/2001/XMLSchema#dateTime";
const XSD_DATE: &str = "http://www.w3.org/2001/XMLSchema#date";
const XSD_INT: &str = "http://www.w3.org/2001/XMLSchema#nonNegativeInteger";

fn absolute(base: &str, url: &str) -> String {
    if url.starts_with('/') { format!("{base}{url}") } else { url.to_owned() }
}

fn describe(g: &mut Graph, base: &str, d: &Dataset, orgs: &Orgs) -> Term {
    let ds = Term::Iri(format!("{base}/dataset/{}", d.name));
    g.iri(&ds, "rdf:type", &expand("dcat:Dataset"));
    g.typed(&ds, "dct:identifier", d.id.to_string(), "http://www.w3.org/2001/XMLSchema#string");
    g.text(&ds, "dct:title", &d.title);
    g.text(&ds, "dct:description", &d.notes);
    for t in &d.tags {
        g.text(&ds, "dcat:keyword", t);
    }
    g.typed(&ds, "dct:issued", d.created_at.to_rfc3339_opts(chrono::SecondsFormat::Secs, true), XSD_DATETIME);
    g.typed(&ds, "dct:modified", d.modified_at.to_rfc3339_opts(chrono::SecondsFormat::Secs, true), XSD_DATETIME);
    g.iri(&ds, "dcat:landingPage", &format!("{base}/dataset/{}", d.name));
    if let Some(f) = vocab::frequency(&d.frequency) {
        g.iri(&ds, "dct:accrualPeriodicity", &format!("http://publications.europa.eu/resource/authority/frequency/{}", f.eu));
    }
    if !d.theme.is_empty() {
        g.iri(&ds, "dcat:theme", &format!("{base}/du-lieu-mo?groups={}", d.theme));
    }
    if let Some(o) = orgs.by_code.get(&d.owner_org) {
        let org = Term::Iri(format!("{base}/organization/{}", o.name()));
        g.add(&ds, "dct:publisher", org.clone());
        g.iri(&org, "rdf:type", &expand("foaf:Organization"));
        g.text(&org, "foaf:name", &o.title);
    }
    if !d.spatial.is_empty() {
        let loc = g.blank();
        g.add(&ds, "dct:spatial", loc.clone());
        g.iri(&loc, "rdf:type", &expand("dct:Location"));
        g.text(&loc, "skos:prefLabel", &d.spatial);
    }
    if !d.temporal_start.is_empty() || !d.temporal_end.is_empty() {
        let period = g.blank();
        g.add(&ds, "dct:temporal", period.clone());
        g.iri(&period, "rdf:type", &expand("dct:PeriodOfTime"));
        for (p, v) in [("dcat:startDate", &d.temporal_start), ("dcat:endDate", &d.temporal_end)] {
            if !v.is_empty() {
                g.typed(&period, p, v.clone(), XSD_DATE);
            }
        }
    }
    if !d.maintainer.is_empty() || !d.maintainer_email.is_empty() {
        let c = g.blank();
        g.add(&ds, "dcat:contactPoint", c.clone());
        g.iri(&c, "rdf:type", &expand("vcard:Kind"));
        g.text(&c, "vcard:fn", &d.maintainer);
        if d.maintainer_email.contains('@') && !d.maintainer_email.contains(char::is_whitespace) {
            g.iri(&c, "vcard:hasEmail", &format!("mailto:{}", d.maintainer_email));
        }
    }
    let licence = vocab::licence(&d.license_id).map(|l| absolute(base, l.url)).unwrap_or_default();
    for r in d.active_resources() {
        let dist = Term::Iri(format!("{base}/dataset/{}/resource/{}", d.name, r.id));
        g.add(&ds, "dcat:distribution", dist.clone());
        g.iri(&dist, "rdf:type", &expand("dcat:Distribution"));
        g.text(&dist, "dct:title", &r.name);
        g.text(&dist, "dct:description", &r.description);
        let url = ckan::resource_url(base, d, r);
        g.iri(&dist, "dcat:accessURL", &url);
        if r.is_upload() {
            g.iri(&dist, "dcat:downloadURL", &url);
        }
        g.add(&dist, "dct:format", Term::Lit { value: r.format.clone(), datatype: None, lang: None });
        g.iri(&dist, "dcat:mediaType", &format!("https://www.iana.org/assignments/media-types/{}", vocab::mimetype_of(&r.format)));
        g.iri(&dist, "dct:license", &licence);
        if let Some(size) = r.size {
            g.typed(&dist, "dcat:byteSize", size.to_string(), XSD_INT);
        }
        if let Some(h) = &r.blob_hash {
            let c = g.blank();
            g.add(&dist, "spdx:checksum", c.clone());
            g.iri(&c, "rdf:type", &expand("spdx:Checksum"));
            g.iri(&c, "spdx:algorithm", &expand("spdx:checksumAlgorithm_sha256"));
            g.typed(&c, "spdx:checksumValue", h.clone(), "http://www.w3.org/2001/XMLSchema#hexBinary");
        }
    }
    ds
}

/// The catalogue's page `page` (1-based): the catalogue node, its datasets and paging links.
pub fn catalog_graph(base: &str, datasets: &[Dataset], orgs: &Orgs, page: usize, ext: &str) -> Graph {
    let mut g = Graph::default();
    let cat = Term::Iri(format!("{base}/catalog"));
    g.iri(&cat, "rdf:type", &expand("dcat:Catalog"));
    g.text(&cat, "dct:title", "Cổng dữ liệu mở tỉnh Quảng Ngãi");
    g.text(&cat, "dct:description", "Dữ liệu mở của các cơ quan nhà nước tỉnh Quảng Ngãi");
    g.iri(&cat, "foaf:homepage", &format!("{base}/du-lieu-mo"));
    g.iri(&cat, "dct:language", "http://publications.europa.eu/resource/authority/language/VIE");
    if let Some(o) = orgs.by_code.get(crate::selfpub::PUBLISHER) {
        g.iri(&cat, "dct:publisher", &format!("{base}/organization/{}", o.name()));
    }
    let total = datasets.len();
    let last = total.div_ceil(PAGE_SIZE).max(1);
    for d in datasets.iter().skip((page - 1) * PAGE_SIZE).take(PAGE_SIZE) {
        let ds = describe(&mut g, base, d, orgs);
        g.add(&cat, "dcat:dataset", ds);
    }
    let pager = Term::Iri(format!("{base}/catalog.{ext}?page={page}"));
    g.iri(&pager, "rdf:type", &expand("hydra:PagedCollection"));
    g.typed(&pager, "hydra:totalItems", total.to_string(), XSD_INT);
    g.typed(&pager, "hydra:itemsPerPage", PAGE_SIZE.to_string(), XSD_INT);
    let link = |p: usize| format!("{base}/catalog.{ext}?page={p}");
    g.iri(&pager, "hydra:firstPage", &link(1));
    g.iri(&pager, "hydra:lastPage", &link(last));
    if page < last {
        g.iri(&pager, "hydra:nextPage", &link(page + 1));
    }
    if page > 1 {
        g.iri(&pager, "hydra:previousPage", &link(page - 1));
    }
    g
}

pub fn dataset_graph(base: &str, d: &Dataset, orgs: &Orgs) -> Graph {
    let mut g = Graph::default();
    describe(&mut g, base, d, orgs);
    g
}

fn reply(g: &Graph, ext: &str) -> Response {
    match ext {
        "ttl" => ([(header::CONTENT_TYPE, "text/turtle; charset=utf-8")], crate::dcat_write::turtle(g)).into_response(),
        "rdf" => ([(header::CONTENT_TYPE, "application/rdf+xml; charset=utf-8")], crate::dcat_write::rdf_xml(g)).into_response(),
        _ => ([(header::CONTENT_TYPE, "application/ld+json")], axum::Json(crate::dcat_write::json_ld(g))).into_response(),
    }
}

pub fn dataset_response(od: &OpenData, d: &Dataset, ext: &str) -> Response {
    reply(&dataset_graph(od.base(), d, &od.orgs()), ext)
}

#[derive(Debug, serde::Deserialize)]
pub struct PageParam {
    page: Option<usize>,
}

async fn catalog(od: &OpenData, page: Option<usize>, ext: &str) -> Response {
    let all = match crate::store::all(od.db()).await {
        Ok(all) => all,
        Err(e) => return tinhso_web::ApiError(e).into_response(),
    };
    let public: Vec<Dataset> = all.into_iter().filter(|d| d.state == "active" && !d.private).collect();
    let page = page.unwrap_or(1).clamp(1, public.len().div_ceil(PAGE_SIZE).max(1));
    reply(&catalog_graph(od.base(), &public, &od.orgs(), page, ext), ext)
}

pub async fn catalog_jsonld(State(od): State<Arc<OpenData>>, Query(p): Query<PageParam>) -> Response {
    catalog(&od, p.page, "jsonld").await
}

pub async fn catalog_ttl(State(od): State<Arc<OpenData>>, Query(p): Query<PageParam>) -> Response {
    catalog(&od, p.page, "ttl").await
}

pub async fn catalog_rdf(State(od): State<Arc<OpenData>>, Query(p): Query<PageParam>) -> Response {
    catalog(&od, p.page, "rdf").await
}
