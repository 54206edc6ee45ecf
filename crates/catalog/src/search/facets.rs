//! Filters and facet counts by small numbers given to each value when the index is built, so
//! that filtering and counting the matches of a query compare integers and allocate nothing
//! per match.
use super::{Facets, Filters};
use crate::model::Procedure;
use std::collections::{BTreeMap, HashMap};
use std::sync::Arc;

/// The filter dimensions, in this order; the first `COUNTED` also have facet counts.
const DIMENSIONS: usize = 6;
const COUNTED: usize = 5;

#[derive(Default)]
struct Dimension {
    values: Vec<String>,
    ids: HashMap<String, u16>,
}

impl Dimension {
    fn id(&mut self, value: &str) -> u16 {
        if let Some(&id) = self.ids.get(value) {
            return id;
        }
        let id = self.values.len() as u16;
        self.values.push(value.to_owned());
        self.ids.insert(value.to_owned(), id);
        id
    }
}

#[derive(Default)]
pub struct FacetTable {
    dims: [Dimension; DIMENSIONS],
    /// For each procedure, its value ids in each dimension.
    of_doc: Vec<[Box<[u16]>; DIMENSIONS]>,
}

/// What one filter asks for, resolved to ids.
#[derive(Clone, Copy)]
enum Want {
    Any,
    Value(u16),
    /// A value no procedure has: nothing passes.
    Unknown,
}

/// A procedure's values in each dimension; "commune" stands for every commune-level unit.
fn values<'a>(p: &'a Procedure) -> [Vec<&'a str>; DIMENSIONS] {
    let commune = p.agencies.is_empty() && p.level == "commune";
    let agencies = commune.then_some("commune").into_iter().chain(p.agencies.iter().map(String::as_str)).collect();
    let strs = |v: &'a [String]| -> Vec<&'a str> { v.iter().map(String::as_str).collect() };
    [vec![p.field.as_str()], vec![p.level.as_str()], agencies, vec![p.service_level.as_str()], strs(&p.target_groups), strs(&p.life_events)]
}

impl FacetTable {
    pub fn build(procs: &[Arc<Procedure>]) -> FacetTable {
        let mut table = FacetTable::default();
        for p in procs {
            let mut ids: [Box<[u16]>; DIMENSIONS] = Default::default();
            for (dim, vals) in values(p).iter().enumerate() {
                ids[dim] = vals.iter().map(|v| table.dims[dim].id(v)).collect();
            }
            table.of_doc.push(ids);
        }
        table
    }

    fn wants(&self, f: &Filters) -> [Want; DIMENSIONS] {
        let asked = [&f.field, &f.level, &f.agency, &f.service_level, &f.target_group, &f.life_event];
        std::array::from_fn(|dim| match asked[dim].as_deref() {
            None | Some("") => Want::Any,
            Some(v) => self.dims[dim].ids.get(v).map_or(Want::Unknown, |&id| Want::Value(id)),
        })
    }

    /// Keeps the ranked procedures that pass every filter, and counts each facet over the
    /// procedures that pass every filter but its own (so a person can switch a filter's value).
    pub fn filter_and_count<T: Copy>(&self, ranked: &[T], doc_of: impl Fn(T) -> u32, filters: &Filters) -> (Vec<T>, Facets) {
        let wants = self.wants(filters);
        let mut counts: [Vec<usize>; COUNTED] = std::array::from_fn(|dim| vec![0; self.dims[dim].values.len()]);
        let mut kept = Vec::new();
        for &item in ranked {
            let ids = &self.of_doc[doc_of(item) as usize];
            let mut failing = 0u32;
            for (dim, want) in wants.iter().enumerate() {
                let pass = match *want {
                    Want::Any => true,
                    Want::Value(v) => ids[dim].contains(&v),
                    Want::Unknown => false,
                };
                failing |= u32::from(!pass) << dim;
            }
            let counted = match failing.count_ones() {
                0 => {
                    kept.push(item);
                    0..COUNTED
                }
                1 => {
                    let dim = failing.trailing_zeros() as usize;
                    dim..(dim + 1).min(COUNTED)
                }
                _ => 0..0,
            };
            for dim in counted {
                for &v in ids[dim].iter() {
                    counts[dim][v as usize] += 1;
                }
            }
        }
        let named = |dim: usize| -> BTreeMap<String, usize> {
            counts[dim].iter().enumerate().filter(|(_, n)| **n > 0).map(|(v, n)| (self.dims[dim].values[v].clone(), *n)).collect()
        };
        let facets = Facets { field: named(0), level: named(1), agency: named(2), service_level: named(3), target_group: named(4) };
        (kept, facets)
    }
}
