//! Give-once documents. A required document the catalogue marks "replaced by data" is not
//! asked of an online applicant when the registry that replaces it holds their data now. The
//! dossier module asks through this port; the exchange (which depends on this crate) answers
//! by calling the registries through the gateway, logged like any consumer's call.
use crate::service::Dossiers;
use std::future::Future;
use std::pin::Pin;
use std::sync::Arc;
use tinhso_catalog::Procedure;
use tinhso_identity::Principal;

pub type Holding<'a> = Pin<Box<dyn Future<Output = Vec<String>> + Send + 'a>>;

pub trait Registries: Send + Sync {
    /// Of the registries the procedure's documents name (catalogue names: population,
    /// civil_status, business, land), those that answered for the applicant `who` just now.
    fn holding<'a>(&'a self, who: &'a Principal, procedure: &'a str) -> Holding<'a>;
}

impl Dossiers {
    /// Plugs in the registries (the app does it once the exchange is up). Without them every
    /// document is asked for.
    pub fn use_registries(&self, registries: Arc<dyn Registries>) {
        let _ = self.registries.set(registries);
    }

    /// The indexes of `p`'s required documents a registry's data replaces for `who` now.
    pub(crate) async fn documents_from_data(&self, who: &Principal, p: &Procedure) -> Vec<i32> {
        let Some(registries) = self.registries.get() else { return Vec::new() };
        if p.documents.iter().all(|d| d.replaced_by_data.is_none()) {
            return Vec::new();
        }
        let holding = registries.holding(who, &p.code).await;
        (0i32..).zip(&p.documents).filter(|(_, d)| d.replaced_by_data.as_ref().is_some_and(|r| holding.contains(r))).map(|(i, _)| i).collect()
    }
}
