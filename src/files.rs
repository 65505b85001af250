//! Files the service creates hold secrets (the database, the generated JWT secret, mail
//! with live tokens): folders are made 0700 and files 0600, whatever the umask.

use std::io;
use std::path::Path;

/// Create `dir` (and its parents) if needed, and make it private to the owner.
pub fn private_dir(dir: &Path) -> io::Result<()> {
    std::fs::create_dir_all(dir)?;
    set_mode(dir, 0o700)
}

/// Make an existing file private to the owner.
pub fn private_file(path: &Path) -> io::Result<()> {
    set_mode(path, 0o600)
}

#[cfg(unix)]
fn set_mode(path: &Path, mode: u32) -> io::Result<()> {
    use std::os::unix::fs::PermissionsExt;
    std::fs::set_permissions(path, std::fs::Permissions::from_mode(mode))
}

#[cfg(not(unix))]
fn set_mode(_path: &Path, _mode: u32) -> io::Result<()> {
    Ok(())
}
