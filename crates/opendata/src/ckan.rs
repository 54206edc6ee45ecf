//! Datasets, resources and organisations in the shapes CKAN's Action API returns, so that CKAN
//! clients read them unchanged.
use crate::model::{Dataset, Resource};
use crate::vocab;
use chrono::{DateTime, Utc};
use serde_json::{Value, json};
use std::collections::HashMap;

/// An organisation: one of the platform's org units.
#[derive(Debug, Clone)]
pub struct Org {
    pub id: uuid::Uuid,
    pub code: String,
    pub title: String,
    pub kind: String,
}

impl Org {
    /// CKAN names allow only `[a-z0-9_-]`: the unit code with dashes (`000-00-04-h55`).
    pub fn name(&self) -> String {
        slug(&self.code)
    }
}

pub fn slug(code: &str) -> String {
    code.to_ascii_lowercase().replace('.', "-")
}

/// The org units by code, and a lookup by any of id, name or code.
#[derive(Debug, Clone, Default)]
pub struct Orgs {
    pub by_code: HashMap<String, Org>,
}

impl Orgs {
    pub async fn load(db: &sea_orm::DatabaseConnection) -> tinhso_core::Result<Orgs> {
        let by_code = tinhso_identity::org_units::list(db)
            .await?
            .into_iter()
            .map(|u| (u.code.clone(), Org { id: u.id, code: u.code, title: u.name, kind: u.kind }))
            .collect();
        Ok(Orgs { by_code })
    }

    pub fn find(&self, key: &str) -> Option<&Org> {
        let key = key.trim();
        self.by_code.get(key).or_else(|| {
            let lower = key.to_ascii_lowercase();
            self.by_code.values().find(|o| o.id.to_string() == lower || o.name() == lower || o.code.to_ascii_lowercase() == lower)
        })
    }

    pub fn title(&self, code: &str) -> String {
        self.by_code.get(code).map(|o| o.title.clone()).unwrap_or_else(|| code.to_owned())
    }
}

/// CKAN's timestamps: ISO 8601 in UTC without an offset, with microseconds.
pub fn stamp(t: DateTime<Utc>) -> String {
    t.format("%Y-%m-%dT%H:%M:%S%.6f").to_string()
}

pub fn organization(o: &Org, package_count: Option<usize>) -> Value {
    let mut v = json!({
        "id": o.id.to_string(),
        "name": o.name(),
        "title": o.title,
        "display_name": o.title,
        "type": "organization",
        "description": format!("Mã đơn vị {}", o.code),
        "image_url": "",
        "image_display_url": "",
        "created": "2026-01-01T00:00:00.000000",
        "is_organization": true,
        "approval_status": "approved",
        "state": "active",
    });
    if let Some(n) = package_count {
        v["package_count"] = json!(n);
    }
    v
}

pub fn group(name: &str, package_count: Option<usize>) -> Value {
    let title = vocab::theme_title(name).unwrap_or(name);
    let mut v = json!({
        "id": name, "name": name, "title": title, "display_name": title, "type": "group",
        "description": "", "image_url": "", "image_display_url": "", "created": "2026-01-01T00:00:00.000000",
        "is_organization": false, "approval_status": "approved", "state": "active",
    });
    if let Some(n) = package_count {
        v["package_count"] = json!(n);
    }
    v
}

/// Where a resource's file is fetched: the portal's download route for uploads.
pub fn resource_url(base: &str, d: &Dataset, r: &Resource) -> String {
    if r.is_upload() {
        let file = if r.url.is_empty() { format!("tep.{}", r.format.to_ascii_lowercase()) } else { r.url.clone() };
        format!("{base}/dataset/{}/resource/{}/download/{}", d.name, r.id, tinhso_web::encode_path(&file))
    } else {
        r.url.clone()
    }
}

pub fn resource(base: &str, d: &Dataset, r: &Resource) -> Value {
    json!({
        "id": r.id.to_string(),
        "package_id": d.id.to_string(),
        "position": r.position,
        "name": r.name,
        "description": r.description,
        "format": r.format,
        "url": resource_url(base, d, r),
        "url_type": if r.is_upload() { Value::from("upload") } else { Value::Null },
        "mimetype": if r.mimetype.is_empty() { Value::Null } else { Value::from(r.mimetype.clone()) },
        "mimetype_inner": null,
        "size": r.size,
        "hash": r.blob_hash.as_ref().map(|h| format!("sha256:{h}")).unwrap_or_default(),
        "created": stamp(r.created_at),
        "last_modified": stamp(r.modified_at),
        "metadata_modified": stamp(r.modified_at),
        "cache_last_updated": null,
        "cache_url": null,
        "resource_type": null,
        "state": r.state,
        "datastore_active": r.is_tabular(),
        "schema": r.schema,
    })
}

/// The package dict of `package_show`.
pub fn package(base: &str, d: &Dataset, orgs: &Orgs) -> Value {
    let licence = vocab::licence(&d.license_id);
    let resources: Vec<Value> = d.active_resources().map(|r| resource(base, d, r)).collect();
    let tags: Vec<Value> = d
        .tags
        .iter()
        .map(|t| json!({"id": t, "name": t, "display_name": t, "state": "active", "vocabulary_id": null}))
        .collect();
    let groups: Vec<Value> = if d.theme.is_empty() {
        Vec::new()
    } else {
        let title = vocab::theme_title(&d.theme).unwrap_or(&d.theme);
        vec![json!({"id": d.theme, "name": d.theme, "title": title, "display_name": title, "description": "", "image_display_url": ""})]
    };
    let org = orgs.by_code.get(&d.owner_org);
    let opt = |s: &str| if s.is_empty() { Value::Null } else { Value::from(s) };
    json!({
        "id": d.id.to_string(),
        "name": d.name,
        "title": d.title,
        "type": "dataset",
        "notes": d.notes,
        "url": d.url,
        "version": opt(&d.version),
        "author": opt(&d.author),
        "author_email": opt(&d.author_email),
        "maintainer": opt(&d.maintainer),
        "maintainer_email": opt(&d.maintainer_email),
        "license_id": d.license_id,
        "license_title": licence.map(|l| l.title).unwrap_or_default(),
        "license_url": licence.map(|l| l.url).unwrap_or_default(),
        "isopen": licence.is_some_and(|l| l.open),
        "private": d.private,
        "state": d.state,
        "owner_org": org.map(|o| o.id.to_string()),
        "organization": org.map(|o| organization(o, None)),
        "creator_user_id": d.creator_user_id.map(|u| u.to_string()),
        "metadata_created": stamp(d.created_at),
        "metadata_modified": stamp(d.modified_at),
        "num_resources": resources.len(),
        "num_tags": tags.len(),
        "resources": resources,
        "tags": tags,
        "groups": groups,
        "extras": d.extras.iter().map(|(k, v)| json!({"key": k, "value": v})).collect::<Vec<_>>(),
        "relationships_as_object": [],
        "relationships_as_subject": [],
        "frequency": d.frequency,
        "spatial": d.spatial,
        "temporal_start": d.temporal_start,
        "temporal_end": d.temporal_end,
        "theme": d.theme,
    })
}

pub fn licence(l: &vocab::Licence) -> Value {
    json!({
        "id": l.id, "title": l.title, "url": l.url, "status": "active", "maintainer": "", "family": "",
        "domain_content": l.open, "domain_data": l.open, "domain_software": false,
        "is_generic": l.id == "other-open", "is_okd_compliant": l.open, "is_osi_compliant": false,
        "od_conformance": if l.open { "approved" } else { "not reviewed" }, "osd_conformance": "not reviewed",
    })
}
