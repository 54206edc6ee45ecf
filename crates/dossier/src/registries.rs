//! Give-once documents. A required document the catalogue marks "replaced by data" is not
//! asked of an online applicant when the registry that replaces it holds their data now. The
//! dossier module asks through this port; the exchange (which depends on this crate) answers
//! by calling the registries through the gateway, logged like any consumer's call.
use crate::service::Dossiers;
use std::future::Future;
use std::pin::Pin;
use std::sync::Arc;
use tinhso_audit::Entry;
use tinhso_catalog::Procedure;
use tinhso_identity::Principal;

pub type Holding<'a> = Pin<Box<dyn Future<Output = Held> + Send + 'a>>;

/// What the registries answered at a submission.
#[derive(Debug, Default)]
pub struct Held {
    /// Of the registries the procedure's documents name (catalogue names: population,
    /// civil_status, business, land), those that answered for the applicant just now.
    pub registries: Vec<String>,
    /// The audit entry of that read of the applicant's data, for the submission to record in
    /// its own transaction (or on its own when the submission does not commit).
    pub read: Option<Entry>,
}

pub trait Registries: Send + Sync {
    fn holding<'a>(&'a self, who: &'a Principal, procedure: &'a str) -> Holding<'a>;
}

impl Dossiers {
    /// Plugs in the registries (the app does it once the exchange is up). Without them every
    /// document is asked for.
    pub fn use_registries(&self, registries: Arc<dyn Registries>) {
        let _ = self.registries.set(registries);
    }

    /// The indexes of `p`'s required documents a registry's data replaces for `who` now.
    pub(crate) async fn documents_from_data(&self, who: &Principal, p: &Procedure) -> (Vec<i32>, Option<Entry>) {
        let Some(registries) = self.registries.get() else { return (Vec::new(), None) };
        if p.documents.iter().all(|d| d.replaced_by_data.is_none()) {
            return (Vec::new(), None);
        }
        let held = registries.holding(who, &p.code).await;
        let replaced = (0i32..).zip(&p.documents).filter(|(_, d)| d.replaced_by_data.as_ref().is_some_and(|r| held.registries.contains(r))).map(|(i, _)| i).collect();
        (replaced, held.read)
    }
}
