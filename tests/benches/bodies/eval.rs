//! Bodies of the evaluation benchmarks (benches/eval.rs, and polic's side of
//! benches/peer.rs), shared with tests/benches_smoke.rs.

use polic_ruleset::RuleSet;
use polic_ruleset::eval::{self, Applicability, Candidate, Options};
use polic_ruleset::evidence::EvidenceSet;

/// A generated portfolio's rule set, with its apps as candidates.
pub struct Portfolio {
    pub rules: RuleSet,
    candidates: Vec<Candidate>,
}

impl Portfolio {
    pub fn new(apps: usize, controls: usize) -> Portfolio {
        let rules = polic_tests::generate::portfolio_rules(apps, controls);
        let candidates = eval::candidates(&rules);
        Portfolio { rules, candidates }
    }

    /// Applicability of every control to every app: apps × controls decisions.
    pub fn decisions(&self) -> Applicability {
        eval::applicability(&self.rules, &self.candidates).expect("evaluates")
    }

    /// Everything `polic eval` computes, without evidence; returns the queue's length.
    pub fn statuses(&self) -> usize {
        let options = Options {
            at: polic_tests::TODAY,
            fail_above: None,
        };
        eval::evaluate(&self.rules, &EvidenceSet::default(), &[], &options)
            .expect("evaluates")
            .queue
            .len()
    }
}
