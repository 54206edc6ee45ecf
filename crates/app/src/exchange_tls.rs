//! The exchange gateway's mutual-TLS listener. Consumers that authenticate with a client
//! certificate (X-Road's way) connect here; the certificate must chain to the exchange's
//! client CA, and the gateway then finds the subsystem it was registered for by its SHA-256
//! fingerprint (`tinhso_exchange::certificates`). A connection without a certificate is
//! accepted too and falls back to an API key, so one port serves both kinds of consumer.
//!
//! The certificates live in one folder (`exchange_tls_dir`): `ca.pem` (the client CA),
//! `server.pem` and `server.key`. When the folder holds none, a demo CA and a server
//! certificate for this host are made there, named "(demo)"; a province replaces them with
//! its own. `ca.key` is kept beside them only for the demo CA, so that
//! `tinhso exchange-client-cert` can issue demo client certificates.
use axum::Router;
use axum::extract::ConnectInfo;
use hyper_util::rt::{TokioExecutor, TokioIo};
use rcgen::{BasicConstraints, CertificateParams, DistinguishedName, DnType, ExtendedKeyUsagePurpose, IsCa, KeyPair, KeyUsagePurpose, SanType};
use rustls::pki_types::pem::PemObject;
use rustls::pki_types::{CertificateDer, PrivateKeyDer};
use rustls::server::WebPkiClientVerifier;
use sha2::{Digest, Sha256};
use std::path::Path;
use std::sync::Arc;
use tinhso_exchange::certificates::ClientCertificate;
use tower::ServiceExt;

const CA_NAME: &str = "CA trao đổi dữ liệu tỉnh (demo)";

/// A certificate and its private key, PEM.
pub struct Issued {
    pub cert_pem: String,
    pub key_pem: String,
}

fn ca_params() -> anyhow::Result<CertificateParams> {
    let mut p = CertificateParams::new(Vec::<String>::new())?;
    p.distinguished_name = name(CA_NAME);
    p.is_ca = IsCa::Ca(BasicConstraints::Unconstrained);
    p.key_usages = vec![KeyUsagePurpose::KeyCertSign, KeyUsagePurpose::CrlSign];
    validity(&mut p, 3650);
    Ok(p)
}

fn name(common_name: &str) -> DistinguishedName {
    let mut dn = DistinguishedName::new();
    dn.push(DnType::CountryName, "VN");
    dn.push(DnType::OrganizationName, tinhso_signing::ca::DEMO_ORGANIZATION);
    dn.push(DnType::CommonName, common_name);
    dn
}

fn validity(p: &mut CertificateParams, days: i64) {
    let now = time::OffsetDateTime::now_utc();
    p.not_before = now - time::Duration::days(1);
    p.not_after = now + time::Duration::days(days);
}

/// Issues a certificate from the demo CA kept in `dir`.
fn issue(dir: &Path, mut params: CertificateParams) -> anyhow::Result<Issued> {
    let ca_key = KeyPair::from_pem(&std::fs::read_to_string(dir.join("ca.key")).map_err(|e| anyhow::anyhow!("{}: {e} (chỉ CA demo mới cấp được chứng thư ở đây)", dir.join("ca.key").display()))?)?;
    let ca = ca_params()?.self_signed(&ca_key)?;
    let key = KeyPair::generate()?;
    validity(&mut params, 825);
    let cert = params.signed_by(&key, &ca, &ca_key)?;
    Ok(Issued { cert_pem: cert.pem(), key_pem: key.serialize_pem() })
}

/// A client certificate for the consumer subsystem `member/code`, from the demo CA in `dir`.
pub fn issue_client(dir: &Path, subsystem: &str) -> anyhow::Result<Issued> {
    let mut p = CertificateParams::new(Vec::<String>::new())?;
    p.distinguished_name = name(subsystem);
    p.key_usages = vec![KeyUsagePurpose::DigitalSignature];
    p.extended_key_usages = vec![ExtendedKeyUsagePurpose::ClientAuth];
    issue(dir, p)
}

/// Makes the demo CA and a server certificate for `host` in `dir` unless it has them.
fn ensure_demo(dir: &Path, host: &str) -> anyhow::Result<()> {
    if dir.join("server.pem").exists() {
        return Ok(());
    }
    std::fs::create_dir_all(dir)?;
    let ca_key = KeyPair::generate()?;
    let ca = ca_params()?.self_signed(&ca_key)?;
    write_private(&dir.join("ca.key"), &ca_key.serialize_pem())?;
    std::fs::write(dir.join("ca.pem"), ca.pem())?;
    let mut p = CertificateParams::new(Vec::<String>::new())?;
    p.distinguished_name = name(&format!("Cổng trao đổi dữ liệu {host} (demo)"));
    p.subject_alt_names = vec![SanType::DnsName("localhost".try_into()?), SanType::IpAddress([127, 0, 0, 1].into())];
    match host.parse::<std::net::IpAddr>() {
        Ok(ip) if !ip.is_unspecified() && !ip.is_loopback() => p.subject_alt_names.push(SanType::IpAddress(ip)),
        Ok(_) => {}
        Err(_) if host != "localhost" => p.subject_alt_names.push(SanType::DnsName(host.try_into()?)),
        Err(_) => {}
    }
    p.key_usages = vec![KeyUsagePurpose::DigitalSignature];
    p.extended_key_usages = vec![ExtendedKeyUsagePurpose::ServerAuth];
    let server = issue(dir, p)?;
    write_private(&dir.join("server.key"), &server.key_pem)?;
    std::fs::write(dir.join("server.pem"), server.cert_pem)?;
    tracing::info!(dir = %dir.display(), "demo exchange CA and gateway TLS certificate created");
    Ok(())
}

/// Writes a private key readable by its owner only.
pub fn write_private(path: &Path, pem: &str) -> anyhow::Result<()> {
    std::fs::write(path, pem)?;
    #[cfg(unix)]
    std::fs::set_permissions(path, std::os::unix::fs::PermissionsExt::from_mode(0o600))?;
    Ok(())
}

/// The TLS settings: the server's certificate, and client certificates asked for, checked
/// against `ca.pem` when given, and not required.
pub fn server_config(dir: &Path, host: &str) -> anyhow::Result<Arc<rustls::ServerConfig>> {
    ensure_demo(dir, host)?;
    let provider = Arc::new(rustls::crypto::ring::default_provider());
    let mut roots = rustls::RootCertStore::empty();
    for ca in CertificateDer::pem_file_iter(dir.join("ca.pem"))? {
        roots.add(ca?)?;
    }
    let verifier = WebPkiClientVerifier::builder_with_provider(Arc::new(roots), provider.clone()).allow_unauthenticated().build()?;
    let chain = CertificateDer::pem_file_iter(dir.join("server.pem"))?.collect::<Result<Vec<_>, _>>()?;
    let key = PrivateKeyDer::from_pem_file(dir.join("server.key"))?;
    let mut config = rustls::ServerConfig::builder_with_provider(provider)
        .with_safe_default_protocol_versions()?
        .with_client_cert_verifier(verifier)
        .with_single_cert(chain, key)?;
    config.alpn_protocols = vec![b"h2".to_vec(), b"http/1.1".to_vec()];
    Ok(Arc::new(config))
}

/// Accepts TLS connections and serves `app` on them; every request of a connection that
/// presented a client certificate carries its fingerprint.
pub async fn serve(listener: tokio::net::TcpListener, tls: Arc<rustls::ServerConfig>, app: Router) {
    let acceptor = tokio_rustls::TlsAcceptor::from(tls);
    loop {
        let (tcp, peer) = match listener.accept().await {
            Ok(c) => c,
            Err(e) => {
                tracing::warn!(error = %e, "exchange TLS accept failed");
                tokio::time::sleep(std::time::Duration::from_millis(50)).await;
                continue;
            }
        };
        let (acceptor, app) = (acceptor.clone(), app.clone());
        tokio::spawn(async move {
            let stream = match tokio::time::timeout(std::time::Duration::from_secs(10), acceptor.accept(tcp)).await {
                Ok(Ok(s)) => s,
                // A refused certificate or a broken handshake: rustls has answered with an alert.
                Ok(Err(e)) => return tracing::info!(error = %e, %peer, "exchange TLS handshake refused"),
                Err(_) => return,
            };
            let certificate = stream.get_ref().1.peer_certificates().and_then(|c| c.first()).map(|c| ClientCertificate(hex::encode(Sha256::digest(c.as_ref()))));
            let service = hyper::service::service_fn(move |mut req: hyper::Request<hyper::body::Incoming>| {
                req.extensions_mut().insert(ConnectInfo(peer));
                if let Some(c) = &certificate {
                    req.extensions_mut().insert(c.clone());
                }
                app.clone().oneshot(req.map(axum::body::Body::new))
            });
            let served = hyper_util::server::conn::auto::Builder::new(TokioExecutor::new()).serve_connection(TokioIo::new(stream), service).await;
            if let Err(e) = served {
                tracing::debug!(error = %e, "exchange TLS connection ended with an error");
            }
        });
    }
}

#[cfg(test)]
#[allow(clippy::unwrap_used)]
mod tests {
    use super::*;

    #[test]
    fn demo_material_is_made_once_and_client_certificates_chain_to_its_ca() {
        let _ = rustls::crypto::ring::default_provider().install_default();
        let dir = std::env::temp_dir().join(format!("tinhso-tls-{}", uuid::Uuid::new_v4()));
        server_config(&dir, "127.0.0.1").unwrap();
        let first = std::fs::read_to_string(dir.join("server.pem")).unwrap();
        server_config(&dir, "127.0.0.1").unwrap();
        assert_eq!(std::fs::read_to_string(dir.join("server.pem")).unwrap(), first, "made once, then reused");
        let client = issue_client(&dir, "000.00.04.H55/hotich").unwrap();
        let ca = std::fs::read_to_string(dir.join("ca.pem")).unwrap();
        let issued = tinhso_signing::ca::der_from_pem(&client.cert_pem).unwrap();
        assert!(tinhso_signing::ca::is_issued_by(&issued, &tinhso_signing::ca::der_from_pem(&ca).unwrap()).unwrap());
        assert_eq!(tinhso_signing::ca::cert_info(&issued).unwrap().subject_cn, "000.00.04.H55/hotich");
        std::fs::remove_dir_all(dir).unwrap();
    }
}
