//! `policyc::fuzzing::fmt` on the fuzzer's bytes (docs/fuzzing.md).
#![no_main]

libfuzzer_sys::fuzz_target!(|data: &[u8]| policyc::fuzzing::fmt(data));
