//! Serialising a [`Graph`] to Turtle, RDF/XML and expanded JSON-LD, with each syntax's escaping.
use crate::dcat::{Graph, Term};
use serde_json::{Map, Value, json};

/// IRIs in Turtle may not hold spaces, `<>"{}|^\`` or controls: those are percent-encoded.
fn turtle_iri(iri: &str) -> String {
    let mut out = String::with_capacity(iri.len() + 2);
    out.push('<');
    for c in iri.chars() {
        if c.is_control() || c == ' ' || "<>\"{}|^`\\".contains(c) {
            let mut buf = [0u8; 4];
            for b in c.encode_utf8(&mut buf).bytes() {
                out.push_str(&format!("%{b:02X}"));
            }
        } else {
            out.push(c);
        }
    }
    out.push('>');
    out
}

fn turtle_string(s: &str) -> String {
    let mut out = String::with_capacity(s.len() + 2);
    out.push('"');
    for c in s.chars() {
        match c {
            '"' => out.push_str("\\\""),
            '\\' => out.push_str("\\\\"),
            '\n' => out.push_str("\\n"),
            '\r' => out.push_str("\\r"),
            '\t' => out.push_str("\\t"),
            c if c.is_control() => out.push_str(&format!("\\u{:04X}", c as u32)),
            c => out.push(c),
        }
    }
    out.push('"');
    out
}

fn turtle_term(t: &Term) -> String {
    match t {
        Term::Iri(i) => turtle_iri(i),
        Term::Blank(b) => format!("_:{b}"),
        Term::Lit { value, datatype: Some(dt), .. } => format!("{}^^{}", turtle_string(value), turtle_iri(dt)),
        Term::Lit { value, lang: Some(l), .. } => format!("{}@{l}", turtle_string(value)),
        Term::Lit { value, .. } => turtle_string(value),
    }
}

pub fn turtle(g: &Graph) -> String {
    let mut out = String::from("# DCAT-AP – Cổng dữ liệu mở tỉnh Quảng Ngãi\n");
    for (s, p, o) in &g.triples {
        out.push_str(&format!("{} {} {} .\n", turtle_term(s), turtle_iri(p), turtle_term(o)));
    }
    out
}

fn xml_escape(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    for c in s.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            '\'' => out.push_str("&apos;"),
            // XML 1.0 cannot carry other control characters at all.
            c if c.is_control() && !matches!(c, '\n' | '\r' | '\t') => out.push('\u{FFFD}'),
            c => out.push(c),
        }
    }
    out
}

/// A predicate IRI as `prefix:local`; every predicate used comes from a declared namespace.
fn qname(p: &str) -> Option<String> {
    crate::dcat::namespaces().iter().find_map(|(prefix, ns)| p.strip_prefix(ns).filter(|l| !l.is_empty() && l.chars().all(|c| c.is_ascii_alphanumeric() || c == '_')).map(|l| format!("{prefix}:{l}")))
}

pub fn rdf_xml(g: &Graph) -> String {
    let mut out = String::from("<?xml version=\"1.0\" encoding=\"utf-8\"?>\n<rdf:RDF");
    for (prefix, ns) in crate::dcat::namespaces() {
        out.push_str(&format!("\n  xmlns:{prefix}=\"{}\"", xml_escape(ns)));
    }
    out.push_str(">\n");
    for (s, p, o) in &g.triples {
        let Some(el) = qname(p) else { continue };
        let subject = match s {
            Term::Iri(i) => format!("rdf:about=\"{}\"", xml_escape(i)),
            Term::Blank(b) => format!("rdf:nodeID=\"{b}\""),
            Term::Lit { .. } => continue,
        };
        let prop = match o {
            Term::Iri(i) => format!("<{el} rdf:resource=\"{}\"/>", xml_escape(i)),
            Term::Blank(b) => format!("<{el} rdf:nodeID=\"{b}\"/>"),
            Term::Lit { value, datatype: Some(dt), .. } => format!("<{el} rdf:datatype=\"{}\">{}</{el}>", xml_escape(dt), xml_escape(value)),
            Term::Lit { value, lang: Some(l), .. } => format!("<{el} xml:lang=\"{l}\">{}</{el}>", xml_escape(value)),
            Term::Lit { value, .. } => format!("<{el}>{}</{el}>", xml_escape(value)),
        };
        out.push_str(&format!("  <rdf:Description {subject}>{prop}</rdf:Description>\n"));
    }
    out.push_str("</rdf:RDF>\n");
    out
}

fn node_id(t: &Term) -> String {
    match t {
        Term::Iri(i) => i.clone(),
        Term::Blank(b) => format!("_:{b}"),
        Term::Lit { value, .. } => value.clone(),
    }
}

/// Expanded JSON-LD: unambiguous without a context, so any JSON-LD processor reads it.
pub fn json_ld(g: &Graph) -> Value {
    let mut nodes: Vec<(String, Map<String, Value>)> = Vec::new();
    for (s, p, o) in &g.triples {
        let id = node_id(s);
        let at = match nodes.iter().position(|(n, _)| *n == id) {
            Some(i) => i,
            None => {
                nodes.push((id.clone(), Map::from_iter([("@id".to_owned(), json!(id))])));
                nodes.len() - 1
            }
        };
        let (key, value) = if p == "http://www.w3.org/1999/02/22-rdf-syntax-ns#type" {
            ("@type".to_owned(), json!(node_id(o)))
        } else {
            let v = match o {
                Term::Iri(_) | Term::Blank(_) => json!({"@id": node_id(o)}),
                Term::Lit { value, datatype: Some(dt), .. } => json!({"@value": value, "@type": dt}),
                Term::Lit { value, lang: Some(l), .. } => json!({"@value": value, "@language": l}),
                Term::Lit { value, .. } => json!({"@value": value}),
            };
            (p.clone(), v)
        };
        let slot = nodes[at].1.entry(key).or_insert_with(|| json!([]));
        if let Value::Array(a) = slot {
            a.push(value);
        }
    }
    Value::Array(nodes.into_iter().map(|(_, m)| Value::Object(m)).collect())
}

#[cfg(test)]
#[allow(clippy::unwrap_used)]
mod tests {
    use crate::ckan::{Org, Orgs};
    use crate::dcat::{catalog_graph, dataset_graph};
    use crate::model::{Dataset, Resource};

    /// A dataset whose text holds everything the syntaxes must escape.
    fn tricky() -> (Dataset, Orgs) {
        let now = chrono::Utc::now();
        let mut d = Dataset::blank(now);
        d.name = "du-lieu-kho".into();
        d.title = "Tiêu đề \"có ngoặc\" <thẻ> & 'nháy' \\ gạch".into();
        d.notes = "Dòng 1\nDòng 2\tcó tab\r\u{1} điều khiển".into();
        d.tags = vec!["y tế".into(), "a&b".into()];
        d.owner_org = "000.00.09.H55".into();
        d.license_id = "vn-ogl-1.0".into();
        d.frequency = "monthly".into();
        d.spatial = "Tỉnh Quảng Ngãi".into();
        d.temporal_start = "2025-01-01".into();
        d.maintainer = "Sở Y tế".into();
        d.maintainer_email = "syt@quangngai.gov.vn".into();
        d.resources.push(Resource {
            id: uuid::Uuid::nil(), package_id: d.id, position: 0, name: "bảng <1>.csv".into(), description: "mô tả \"x\"".into(), format: "CSV".into(),
            url: "bảng 1.csv".into(), url_type: "upload".into(), blob_hash: Some("ab".repeat(32)), mimetype: "text/csv".into(), size: Some(42),
            schema: None, report: None, state: "active".into(), created_at: now, modified_at: now,
        });
        let org = Org { id: uuid::Uuid::nil(), code: "000.00.09.H55".into(), title: "Sở Y tế".into(), kind: "department".into() };
        (d, Orgs { by_code: [(org.code.clone(), org)].into() })
    }

    #[test]
    fn turtle_and_rdf_xml_parse_back_to_the_same_triples() {
        let (d, orgs) = tricky();
        let g = dataset_graph("http://cong.test", &d, &orgs);
        let ttl = super::turtle(&g);
        let triples: Vec<_> = oxttl::TurtleParser::new().for_slice(ttl.as_bytes()).collect::<Result<_, _>>().unwrap();
        assert_eq!(triples.len(), g.triples.len());
        assert!(triples.iter().any(|t| matches!(&t.object, oxrdf::Term::Literal(l) if l.value() == d.title)), "the title survives escaping");
        assert!(triples.iter().any(|t| matches!(&t.object, oxrdf::Term::Literal(l) if l.value() == d.notes)), "newlines, tabs and controls too");
        let xml = super::rdf_xml(&g);
        let from_xml: Vec<_> = oxrdfxml::RdfXmlParser::new().for_slice(xml.as_bytes()).collect::<Result<_, _>>().unwrap();
        assert_eq!(from_xml.len(), g.triples.len());
        assert!(from_xml.iter().any(|t| matches!(&t.object, oxrdf::Term::Literal(l) if l.value() == d.title)));
    }

    #[test]
    fn json_ld_holds_every_triple_and_the_catalogue_is_paged() {
        let (d, orgs) = tricky();
        let many: Vec<Dataset> = (0..150).map(|i| Dataset { name: format!("bo-{i}"), id: uuid::Uuid::now_v7(), ..d.clone() }).collect();
        let g = catalog_graph("http://cong.test", &many, &orgs, 2, "ttl");
        let ttl = super::turtle(&g);
        let triples: Vec<_> = oxttl::TurtleParser::new().for_slice(ttl.as_bytes()).collect::<Result<_, _>>().unwrap();
        let datasets = triples.iter().filter(|t| t.predicate.as_str() == "http://www.w3.org/ns/dcat#dataset").count();
        assert_eq!(datasets, 50, "page 2 of 150 at 100 a page");
        assert!(ttl.contains("hydra/core#previousPage") && !ttl.contains("hydra/core#nextPage"));
        let json = super::json_ld(&dataset_graph("http://cong.test", &d, &orgs));
        let values: usize = json.as_array().unwrap().iter().map(|n| n.as_object().unwrap().iter().filter(|(k, _)| *k != "@id").map(|(k, v)| if k == "@type" { 1 } else { v.as_array().unwrap().len() }).sum::<usize>()).sum();
        assert_eq!(values, dataset_graph("http://cong.test", &d, &orgs).triples.len());
    }
}
