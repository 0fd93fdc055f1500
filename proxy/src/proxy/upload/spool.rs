//! An accepted upload's bytes on their way to the store (the staff inbox
//! shows customers' photos and files): written to a temporary file while
//! the upload streams through to upstream, read back once upstream has
//! taken it, one file at a time. Holding them in memory instead made the
//! proxy's RSS grow with every concurrent upload (50 uploads of 6 MB at
//! once: 269 MiB, bench/history.md).

use std::io;
use std::path::PathBuf;
use std::sync::atomic::{AtomicU64, Ordering};

use std::io::Write;

use tokio::sync::{Semaphore, SemaphorePermit};

/// Files read back into memory and on their way into the store at the
/// same time (each up to the upload limit, 6 MB).
static READING: Semaphore = Semaphore::const_new(1);

/// A temporary file (mode 0600) removed when this is dropped. Written
/// synchronously: a chunk of a request body (tens of KB) goes to the page
/// cache in microseconds, and tokio's file writes would copy every chunk
/// to a blocking thread, each with its own allocator arena (measured: 50
/// concurrent 6 MB uploads peaked at 169 MB RSS that way).
pub struct Spool {
    path: PathBuf,
    file: std::fs::File,
}

impl Spool {
    /// A new, empty spool file in the system's temporary directory; `None`
    /// (with a warning) when none can be made: the upload goes on, only
    /// its copy for the inbox is missing.
    pub fn create() -> Option<Spool> {
        static NEXT: AtomicU64 = AtomicU64::new(0);
        let dir = std::env::temp_dir();
        let mut last = None;
        for _ in 0..4 {
            let n = NEXT.fetch_add(1, Ordering::Relaxed);
            let path = dir.join(format!("parcel-desk-upload-{}-{n}", std::process::id()));
            let mut options = std::fs::OpenOptions::new();
            options.write(true).create_new(true);
            #[cfg(unix)]
            std::os::unix::fs::OpenOptionsExt::mode(&mut options, 0o600);
            match options.open(&path) {
                Ok(file) => return Some(Spool { path, file }),
                Err(e) => last = Some(e),
            }
        }
        if let Some(e) = last {
            tracing::warn!(error = %e, dir = %dir.display(), "no temporary file for an upload's copy");
        }
        None
    }

    /// Appends `bytes`; after a write error the spool is dropped, with a
    /// warning (the upload itself goes on).
    pub fn write(this: &mut Option<Spool>, bytes: &[u8]) {
        let Some(spool) = this.as_mut() else { return };
        if let Err(e) = spool.file.write_all(bytes) {
            tracing::warn!(error = %e, "an upload's copy could not be written");
            *this = None;
        }
    }

    /// Everything written (unbuffered writes: nothing to flush), read
    /// back, with the permit that makes it the only copy in memory: hold it
    /// until the bytes are stored.
    pub async fn read(self) -> io::Result<(Vec<u8>, SemaphorePermit<'static>)> {
        let permit = READING.acquire().await.map_err(io::Error::other)?;
        Ok((tokio::fs::read(&self.path).await?, permit))
    }
}

impl Drop for Spool {
    fn drop(&mut self) {
        let _ = std::fs::remove_file(&self.path);
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[tokio::test]
    async fn keeps_what_was_written_and_removes_its_file() {
        let mut spool = Spool::create();
        let path = spool.as_ref().expect("a temporary file").path.clone();
        Spool::write(&mut spool, b"--b\r\n");
        Spool::write(&mut spool, &[7u8; 100_000]);
        let (bytes, _permit) = spool.expect("still there").read().await.expect("read back");
        assert_eq!(bytes.len(), 5 + 100_000);
        assert!(bytes.starts_with(b"--b\r\n") && bytes[5..].iter().all(|&b| b == 7));
        assert!(!path.exists(), "the file is removed once read");
    }

    #[test]
    fn a_dropped_spool_removes_its_file() {
        let spool = Spool::create().expect("a temporary file");
        let path = spool.path.clone();
        assert!(path.exists());
        drop(spool);
        assert!(!path.exists());
    }
}
