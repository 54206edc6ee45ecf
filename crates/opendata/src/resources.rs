//! Resources: files uploaded to the blob store (read as tables when they are CSV, JSON, XLSX or
//! GeoJSON, with their schema inferred and checked) or links to files elsewhere.
use crate::model::{Dataset, FIELD_TYPES, Problems, Resource, TableSchema};
use crate::service::{Actor, OpenData, Upload};
use crate::{Outcome, Refused, store, tabular, vocab};
use chrono::{DateTime, Utc};
use serde_json::{Map, Value};
use tinhso_core::{Error, text::nfc};

fn text(input: &Map<String, Value>, key: &str) -> Option<String> {
    input.get(key).and_then(|v| match v {
        Value::String(s) => Some(nfc(s)),
        Value::Number(n) => Some(n.to_string()),
        _ => None,
    })
}

fn blank(d: &Dataset, position: i32, now: DateTime<Utc>) -> Resource {
    Resource {
        id: tinhso_core::new_id(),
        package_id: d.id,
        position,
        name: String::new(),
        description: String::new(),
        format: String::new(),
        url: String::new(),
        url_type: String::new(),
        blob_hash: None,
        mimetype: String::new(),
        size: None,
        schema: None,
        report: None,
        state: "active".into(),
        created_at: now,
        modified_at: now,
    }
}

fn link_url_ok(url: &str) -> bool {
    (url.starts_with("https://") || url.starts_with("http://")) && url.len() <= 2000 && !url.chars().any(char::is_whitespace)
}

/// A linked resource from a CKAN resource dict.
pub fn link(d: &Dataset, input: &Map<String, Value>, position: i32, now: DateTime<Utc>) -> Result<Resource, String> {
    let mut r = blank(d, position, now);
    r.url = text(input, "url").unwrap_or_default();
    if !link_url_ok(&r.url) {
        return Err("Tài nguyên liên kết cần một URL http(s) hợp lệ.".into());
    }
    let format = text(input, "format").unwrap_or_default();
    r.format = vocab::format_of(&format, r.url.split(['?', '#']).next().unwrap_or_default()).map(str::to_owned).ok_or_else(|| {
        format!("Định dạng '{format}' không được hỗ trợ; chỉ nhận {}.", vocab::FORMATS.join(", "))
    })?;
    r.mimetype = vocab::mimetype_of(&r.format).to_owned();
    r.name = text(input, "name").filter(|n| !n.is_empty()).unwrap_or_else(|| r.url.rsplit('/').next().unwrap_or_default().to_owned());
    r.description = text(input, "description").unwrap_or_default();
    Ok(r)
}

/// `package_update` with a resources list: listed ones are kept (and renamed), new ones are
/// linked, unlisted ones are deleted.
pub fn replace_list(d: &mut Dataset, list: &[Value], now: DateTime<Utc>, problems: &mut Problems) {
    let mut keep = Vec::new();
    for (i, item) in list.iter().enumerate() {
        let Some(obj) = item.as_object() else {
            problems.add("resources", "Mỗi tài nguyên phải là một đối tượng.");
            continue;
        };
        let id = obj.get("id").and_then(Value::as_str).and_then(|s| uuid::Uuid::parse_str(s).ok());
        match id.and_then(|id| d.resources.iter().position(|r| r.id == id)) {
            Some(at) => {
                let r = &mut d.resources[at];
                r.position = i as i32;
                if let Some(n) = text(obj, "name") {
                    r.name = n;
                }
                if let Some(n) = text(obj, "description") {
                    r.description = n;
                }
                keep.push(r.id);
            }
            None => match link(d, obj, i as i32, now) {
                Ok(r) => {
                    keep.push(r.id);
                    d.resources.push(r);
                }
                Err(m) => problems.add("resources", m),
            },
        }
    }
    for r in d.resources.iter_mut().filter(|r| !keep.contains(&r.id)) {
        r.state = "deleted".into();
    }
}

/// Parses a Table Schema given as an object or as JSON text, and checks its types.
pub fn parse_schema(v: &Value) -> Result<TableSchema, String> {
    let schema: TableSchema = match v {
        Value::String(s) => serde_json::from_str(s),
        other => serde_json::from_value(other.clone()),
    }
    .map_err(|e| format!("Lược đồ (Table Schema) không hợp lệ: {e}"))?;
    for f in &schema.fields {
        if !FIELD_TYPES.contains(&f.kind.as_str()) {
            return Err(format!("Kiểu '{}' của cột '{}' không hợp lệ; chỉ nhận {}.", f.kind, f.name, FIELD_TYPES.join(", ")));
        }
    }
    Ok(schema)
}

/// Checks a file's bytes against its format. Tabular files (GeoJSON included) are never
/// refused for their content: their problems go to the quality report.
fn check_content(format: &str, bytes: &[u8]) -> Result<(), String> {
    let ok = match format {
        "PDF" => bytes.starts_with(b"%PDF"),
        "XLSX" => bytes.starts_with(b"PK\x03\x04"),
        _ => true,
    };
    if ok { Ok(()) } else { Err(format!("Nội dung tệp không phải định dạng {format}.")) }
}

impl OpenData {
    fn refuse(field: &str, message: impl Into<String>) -> Refused {
        Refused::Validation([(field.to_owned(), vec![message.into()])].into())
    }

    /// Stores an upload in `r`: checks size and format, keeps the bytes, reads tables.
    async fn take_upload(&self, r: &mut Resource, given_format: &str, up: Upload, schema: Option<TableSchema>) -> Outcome<()> {
        let limit = self.settings.max_upload_bytes;
        if up.bytes.len() > limit {
            return Err(Self::refuse("upload", format!("Tệp {} MB vượt quá giới hạn {} MB.", up.bytes.len().div_ceil(1 << 20), limit >> 20)));
        }
        if up.bytes.is_empty() {
            return Err(Self::refuse("upload", "Tệp rỗng."));
        }
        let format = vocab::format_of(given_format, &up.file_name)
            .ok_or_else(|| Self::refuse("format", format!("Định dạng tệp '{}' không được hỗ trợ; chỉ nhận {}.", up.file_name, vocab::FORMATS.join(", "))))?;
        check_content(format, &up.bytes).map_err(|m| Self::refuse("upload", m))?;
        r.format = format.to_owned();
        r.mimetype = vocab::mimetype_of(format).to_owned();
        r.size = Some(up.bytes.len() as i64);
        r.url_type = "upload".into();
        let name: String = up.file_name.rsplit(['/', '\\']).next().unwrap_or_default().chars().filter(|c| !c.is_control() && *c != '"').take(120).collect();
        r.url = if name.is_empty() { format!("tep.{}", format.to_ascii_lowercase()) } else { name };
        if r.name.is_empty() {
            r.name = r.url.clone();
        }
        let bytes = up.bytes;
        let analysis = if matches!(format, "CSV" | "JSON" | "XLSX" | "GEOJSON") {
            let b = bytes.clone();
            let f = format.to_owned();
            Some(tokio::task::spawn_blocking(move || tabular::analyse(&b, &f, schema.as_ref())).await.map_err(Error::other)?)
        } else {
            None
        };
        r.blob_hash = Some(self.blobs.put(bytes).await?);
        r.schema = None;
        r.report = None;
        if let Some(a) = analysis {
            r.schema = a.schema;
            r.report = Some(a.report);
            if let Some(t) = a.table {
                self.remember_table(r, t);
            }
        }
        Ok(())
    }

    /// `resource_create`: a file (`upload`) or a link (`url`) added to a dataset.
    pub async fn add_resource(&self, actor: &Actor, input: &Map<String, Value>, upload: Option<Upload>) -> Outcome<(Dataset, Resource)> {
        let key = text(input, "package_id").unwrap_or_default();
        let mut d = self.writable(actor, &key).await?;
        let now = Utc::now();
        let position = d.resources.len() as i32;
        let mut r = match upload {
            Some(up) => {
                let mut r = blank(&d, position, now);
                r.name = text(input, "name").unwrap_or_default();
                r.description = text(input, "description").unwrap_or_default();
                let schema = input.get("schema").filter(|v| !v.is_null()).map(parse_schema).transpose().map_err(|m| Self::refuse("schema", m))?;
                self.take_upload(&mut r, &text(input, "format").unwrap_or_default(), up, schema).await?;
                r
            }
            None => link(&d, input, position, now).map_err(|m| Self::refuse("url", m))?,
        };
        r.position = position;
        d.resources.push(r.clone());
        d.modified_at = now;
        self.write_noting(actor, &d, false, "opendata.resource.create", Some(r.id)).await?;
        Ok((d, r))
    }

    /// `resource_update`: the given fields replace the stored ones; a new file replaces the
    /// old; a new schema re-checks the file against it.
    pub async fn update_resource(&self, actor: &Actor, input: &Map<String, Value>, upload: Option<Upload>) -> Outcome<(Dataset, Resource)> {
        let id = text(input, "id").and_then(|s| uuid::Uuid::parse_str(&s).ok()).ok_or_else(|| Self::refuse("id", "Missing value"))?;
        let found = store::package_of_resource(&self.db, id).await?.ok_or_else(|| Refused::NotFound("Không tìm thấy tài nguyên.".into()))?;
        let mut d = self.writable(actor, &found.id.to_string()).await?;
        let at = d.resources.iter().position(|r| r.id == id && r.state == "active").ok_or_else(|| Refused::NotFound("Không tìm thấy tài nguyên.".into()))?;
        let mut r = d.resources[at].clone();
        let now = Utc::now();
        if let Some(n) = text(input, "name") {
            r.name = n;
        }
        if let Some(n) = text(input, "description") {
            r.description = n;
        }
        let schema = input.get("schema").filter(|v| !v.is_null()).map(parse_schema).transpose().map_err(|m| Self::refuse("schema", m))?;
        match upload {
            Some(up) => self.take_upload(&mut r, &text(input, "format").unwrap_or_default(), up, schema).await?,
            None if !r.is_upload() => {
                if let Some(u) = text(input, "url") {
                    let mut given = input.clone();
                    given.insert("url".into(), Value::from(u));
                    let fresh = link(&d, &given, r.position, now).map_err(|m| Self::refuse("url", m))?;
                    (r.url, r.format, r.mimetype) = (fresh.url, fresh.format, fresh.mimetype);
                }
            }
            None => {
                if let Some(schema) = schema {
                    let bytes = self.file(&r).await?;
                    let format = r.format.clone();
                    let a = tokio::task::spawn_blocking(move || tabular::analyse(&bytes, &format, Some(&schema))).await.map_err(Error::other)?;
                    if a.schema.is_none() {
                        return Err(Self::refuse("schema", "Tệp này không đọc được thành bảng."));
                    }
                    r.schema = a.schema;
                    r.report = Some(a.report);
                    if let Some(t) = a.table {
                        self.remember_table(&r, t);
                    }
                }
            }
        }
        r.modified_at = now;
        d.resources[at] = r.clone();
        d.modified_at = now;
        self.write_noting(actor, &d, false, "opendata.resource.update", Some(r.id)).await?;
        Ok((d, r))
    }

    /// `resource_delete`: the resource is kept, marked deleted, and leaves the dataset's
    /// lists, pages, downloads and datastore. Who may update it may delete it.
    pub async fn delete_resource(&self, actor: &Actor, id: &str) -> Outcome<Dataset> {
        let id = uuid::Uuid::parse_str(id.trim()).map_err(|_| Refused::NotFound("Không tìm thấy tài nguyên.".into()))?;
        let found = store::package_of_resource(&self.db, id).await?.ok_or_else(|| Refused::NotFound("Không tìm thấy tài nguyên.".into()))?;
        let mut d = self.writable(actor, &found.id.to_string()).await?;
        let now = Utc::now();
        let r = d.resources.iter_mut().find(|r| r.id == id && r.state == "active").ok_or_else(|| Refused::NotFound("Không tìm thấy tài nguyên.".into()))?;
        r.state = "deleted".into();
        r.modified_at = now;
        d.modified_at = now;
        self.write_noting(actor, &d, false, "opendata.resource.delete", Some(id)).await?;
        Ok(d)
    }

    /// A dataset the actor may change, or why not.
    pub(crate) async fn writable(&self, actor: &Actor, key: &str) -> Outcome<Dataset> {
        match store::find(&self.db, key.trim()).await? {
            Some(d) if d.state == "active" && actor.may_write(&d.owner_org) => Ok(d),
            Some(d) if d.state == "active" && !d.private => Err(Refused::Authorization("Bạn không được sửa bộ dữ liệu này.".into())),
            _ => Err(Refused::NotFound(format!("Không tìm thấy bộ dữ liệu '{}'.", key.trim()))),
        }
    }
}
