//! The write actions: only with an API key of a data steward of the dataset's unit (or an
//! administrator's).
use super::Call;
use crate::service::{Actor, OpenData};
use crate::{Outcome, Refused, ckan};
use serde_json::{Value, json};

pub async fn run(od: &OpenData, name: &str, call: Call) -> Outcome<Value> {
    let Some(who) = call.who.clone() else {
        return Err(Refused::Authorization("Cần khóa API (tiêu đề Authorization) để thực hiện việc này.".into()));
    };
    let actor = Actor::Person(who);
    match name {
        "package_create" => od.create(&actor, &call.input).await.map(|d| ckan::package(od.base(), &d, &od.orgs())),
        "package_update" => od.update(&actor, &call.input, false).await.map(|d| ckan::package(od.base(), &d, &od.orgs())),
        "package_patch" => od.update(&actor, &call.input, true).await.map(|d| ckan::package(od.base(), &d, &od.orgs())),
        "package_delete" => {
            let id = call.required("id")?;
            od.delete(&actor, &id).await.map(|_| Value::Null)
        }
        "resource_delete" => {
            let id = call.required("id")?;
            od.delete_resource(&actor, &id).await.map(|_| Value::Null)
        }
        "resource_create" => od.add_resource(&actor, &call.input, call.upload).await.map(|(d, r)| ckan::resource(od.base(), &d, &r)),
        _ => od.update_resource(&actor, &call.input, call.upload).await.map(|(d, r)| ckan::resource(od.base(), &d, &r)),
    }
    .map(|v| if v.is_null() { json!(null) } else { v })
}
