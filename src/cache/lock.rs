//! The build lock: two builds of one site wait for each other (they would share the spare
//! tree and the cache).

use super::Cache;

impl Cache {
    /// Takes the profile's lock, waiting (and saying so) while another build of the site holds
    /// it. Released when the returned file is dropped.
    pub fn lock(&self) -> std::io::Result<std::fs::File> {
        std::fs::create_dir_all(&self.dir)?;
        // The cache is never the site's content: git ignores it from its first file on, even
        // when the build fails before saving anything.
        self.ignore_in_git()?;
        let file = std::fs::File::create(self.dir.join("lock"))?;
        match file.try_lock() {
            Ok(()) => {}
            Err(std::fs::TryLockError::WouldBlock) => {
                eprintln!("note: waiting for another bantin build of this site to finish");
                file.lock()?;
            }
            Err(std::fs::TryLockError::Error(e)) => return Err(e),
        }
        Ok(file)
    }
}
