//! Files (uploads, results) in a content-addressed store: a file is named by the SHA-256 of its
//! bytes, so the same document is kept once however often it is given. Behind `object_store`,
//! so S3-compatible storage can replace the local folder when the platform runs on several nodes.
use object_store::local::LocalFileSystem;
use object_store::path::Path;
use object_store::{ObjectStore, ObjectStoreExt, PutPayload};
use sha2::{Digest, Sha256};
use std::sync::Arc;
use tinhso_core::{Error, Result};

#[derive(Clone, Debug)]
pub struct BlobStore {
    store: Arc<dyn ObjectStore>,
}

fn path_of(hash: &str) -> Result<Path> {
    let valid = hash.len() == 64 && hash.bytes().all(|b| b.is_ascii_hexdigit() && !b.is_ascii_uppercase());
    if !valid {
        return Err(Error::not_found("tệp"));
    }
    Ok(Path::from(format!("{}/{}", &hash[..2], hash)))
}

impl BlobStore {
    /// A store in a folder on disk, created if missing.
    pub fn local(dir: impl AsRef<std::path::Path>) -> Result<BlobStore> {
        std::fs::create_dir_all(dir.as_ref()).map_err(Error::other)?;
        let fs = LocalFileSystem::new_with_prefix(dir.as_ref()).map_err(Error::other)?;
        Ok(BlobStore { store: Arc::new(fs) })
    }

    pub fn hash(bytes: &[u8]) -> String {
        hex::encode(Sha256::digest(bytes))
    }

    /// Stores the bytes (once) and returns their hash.
    pub async fn put(&self, bytes: Vec<u8>) -> Result<String> {
        let hash = Self::hash(&bytes);
        let path = path_of(&hash)?;
        if self.store.head(&path).await.is_err() {
            self.store.put(&path, PutPayload::from(bytes)).await.map_err(Error::other)?;
        }
        Ok(hash)
    }

    pub async fn get(&self, hash: &str) -> Result<Vec<u8>> {
        let path = path_of(hash)?;
        let found = self.store.get(&path).await.map_err(|e| match e {
            object_store::Error::NotFound { .. } => Error::not_found("tệp"),
            other => Error::other(other),
        })?;
        Ok(found.bytes().await.map_err(Error::other)?.to_vec())
    }
}

#[cfg(test)]
#[allow(clippy::unwrap_used)]
mod tests {
    use super::*;

    #[tokio::test]
    async fn the_same_bytes_are_kept_once() {
        let dir = std::env::temp_dir().join(format!("tinhso-blobs-{}", uuid::Uuid::now_v7()));
        let store = BlobStore::local(&dir).unwrap();
        let a = store.put(b"giay khai sinh".to_vec()).await.unwrap();
        let b = store.put(b"giay khai sinh".to_vec()).await.unwrap();
        assert_eq!(a, b);
        assert_eq!(store.get(&a).await.unwrap(), b"giay khai sinh");
        assert_eq!(store.get("../../etc/passwd").await.unwrap_err().code(), "not_found");
        assert_eq!(store.get(&"0".repeat(64)).await.unwrap_err().code(), "not_found");
    }
}
