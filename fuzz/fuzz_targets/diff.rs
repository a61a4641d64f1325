//! `policyc::fuzzing::diff` on the fuzzer's bytes (docs/fuzzing.md).
#![no_main]

libfuzzer_sys::fuzz_target!(|data: &[u8]| policyc::fuzzing::diff(data));
