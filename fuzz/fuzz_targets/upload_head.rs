//! The upload route's streaming multipart reading: the first part's header
//! block (`parse_head`) and the scanner that follows the file data, fed in
//! fuzzer-chosen chunks. Never a panic; the same bytes in one chunk or in
//! many give the same verdict.
#![no_main]

use libfuzzer_sys::fuzz_target;
use parcel_desk_proxy::proxy::upload::{boundary_of, parse_head, Scanner};

fuzz_target!(|data: &[u8]| {
    if data.len() < 2 {
        return;
    }
    let (control, body) = data.split_at(2);
    let boundary = "pdFuzzBoundary";
    let _ = boundary_of(&String::from_utf8_lossy(&body[..body.len().min(80)]));
    let head = match parse_head(body, boundary) {
        Ok(Some(n)) => n,
        _ => return,
    };
    assert!(head <= body.len());
    let file = &body[head..];
    let whole = {
        let mut s = Scanner::new(boundary);
        s.feed(file).and_then(|_| s.finish()).map(|_| s.file_bytes)
    };
    let chunk = (control[0] as usize % 17) + 1;
    let pieces = {
        let mut s = Scanner::new(boundary);
        let mut r = Ok(());
        for c in file.chunks(chunk) {
            r = s.feed(c);
            if r.is_err() {
                break;
            }
        }
        r.and_then(|_| s.finish()).map(|_| s.file_bytes)
    };
    assert_eq!(whole, pieces, "chunk size {chunk}");
});
