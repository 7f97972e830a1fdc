//! Any bytes given as a docx file: reading them returns text or a reason, never panics,
//! and then the profile and job stages take that text without panicking either.
#![no_main]

use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    matcher_fuzz::check(data, matcher::Format::Docx);
});
