//! The HTTP server: actix-web's application served over [`EncodedTargets`] connections.
//!
//! This is what `actix_web::HttpServer::listen` does (the same timeouts and graceful
//! shutdown), with one difference: each accepted connection is wrapped before the HTTP/1
//! parser reads it, so a request target with raw UTF-8 is accepted instead of refused with an
//! empty 400 (see `targets`). Each connection also carries the address of the listener that
//! accepted it ([`ListenerAddr`]), so a handler can tell the API port from the metrics port.

use std::net::{SocketAddr, TcpListener};
use std::time::Duration;

use actix_http::{HttpService, KeepAlive, Request, Response, body::MessageBody};
use actix_server::{Server, ServerBuilder};
use actix_service::{IntoServiceFactory, ServiceFactory, ServiceFactoryExt as _, fn_service};
use actix_web::Error;
use actix_web::dev::AppConfig;
use tokio::net::TcpStream;

use super::targets::EncodedTargets;

/// The local address of the listener that accepted a request's connection
/// (`HttpRequest::conn_data::<ListenerAddr>()`).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct ListenerAddr(pub SocketAddr);

/// Knobs of the server (the rest are actix-web's defaults).
pub struct ServerOptions {
    pub workers: usize,
    pub shutdown_timeout: Duration,
}

/// Serve the application `factory` builds on every listener, until the server is stopped.
pub fn serve<F, I, S, B>(
    factory: F,
    listeners: Vec<TcpListener>,
    options: ServerOptions,
) -> std::io::Result<Server>
where
    F: Fn() -> I + Send + Clone + 'static,
    I: IntoServiceFactory<S, actix_http::Request>,
    S: ServiceFactory<Request, Config = AppConfig> + 'static,
    S::Error: Into<Error> + 'static,
    S::InitError: std::fmt::Debug,
    S::Response: Into<Response<B>> + 'static,
    <S::Service as actix_service::Service<Request>>::Future: 'static,
    S::Service: 'static,
    B: MessageBody + 'static,
{
    let mut builder = ServerBuilder::default()
        .workers(options.workers)
        .shutdown_timeout(options.shutdown_timeout.as_secs());
    let shutdown = builder.graceful_shutdown_signal();
    for listener in listeners {
        let addr = listener.local_addr()?;
        let factory = factory.clone();
        let shutdown = shutdown.clone();
        builder = builder.listen(format!("collab-registry-{addr}"), listener, move || {
            let shutdown = shutdown.clone();
            let app = factory()
                .into_factory()
                .map_err(|err| err.into().error_response());
            let http = HttpService::build()
                .graceful_shutdown_signal(move || {
                    let signal = shutdown.clone();
                    async move { signal.notified().await }
                })
                // actix-web's HttpServer defaults.
                .keep_alive(KeepAlive::default())
                .client_request_timeout(Duration::from_secs(5))
                .client_disconnect_timeout(Duration::from_secs(1))
                .h1_allow_half_closed(true)
                .local_addr(addr)
                .on_connect_ext(move |_: &EncodedTargets<TcpStream>, ext| {
                    ext.insert(ListenerAddr(addr));
                })
                .finish(actix_service::map_config(app, |()| AppConfig::default()));
            fn_service(|io: TcpStream| async move {
                let peer = io.peer_addr().ok();
                // Like actix-web's default: a failure only costs latency.
                let _ = io.set_nodelay(true);
                Ok::<_, actix_http::error::DispatchError>((
                    EncodedTargets::new(io),
                    actix_http::Protocol::Http1,
                    peer,
                ))
            })
            .and_then(http)
        })?;
    }
    Ok(builder.run())
}
