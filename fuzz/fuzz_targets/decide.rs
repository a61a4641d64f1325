//! `policyc::fuzzing::Deciders::decide` on the fuzzer's bytes: the first chooses one of
//! the bundled policies, the rest are facts (docs/fuzzing.md).
#![no_main]

use std::sync::OnceLock;

use policyc::fuzzing::Deciders;

static DECIDERS: OnceLock<Deciders> = OnceLock::new();

libfuzzer_sys::fuzz_target!(|data: &[u8]| {
    let deciders = DECIDERS.get_or_init(|| {
        Deciders::new(&[
            include_str!("../../policies/derbyshire.policy"),
            include_str!("../../policies/devon-cornwall-dorset.policy"),
            include_str!("../../policies/gloucestershire.policy"),
            include_str!("../../policies/npcc.policy"),
            include_str!("../../policies/school-advice.policy"),
            include_str!("../../policies/ukcis-2024.policy"),
        ])
    });
    deciders.decide(data);
});
