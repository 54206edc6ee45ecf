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
