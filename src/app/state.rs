//! The application context every handler reaches through `web::Data<AppState>`.

use std::sync::Arc;

use tokio::sync::Notify;

use super::Postman;
use crate::auth::throttle::Limiters;
use crate::auth::tokens::Keys;
use crate::config::Settings;
use crate::db::{Db, DbConnection};
use crate::error::ApiError;

/// What every handler can reach through `web::Data<AppState>`.
pub struct AppState {
    pub settings: Arc<Settings>,
    pub db: Db,
    pub keys: Keys,
    pub limits: Limiters,
    /// Wakes the outbox worker after a commit that queued mail.
    pub mail_wake: Arc<Notify>,
    /// Wakes the search indexer after a commit that changed listings.
    pub index_wake: Arc<Notify>,
    /// This instance's search index as list filters see it (the matching engine; the
    /// match endpoints reach the whole engine through their own `web::Data`).
    pub listing_text: Arc<dyn ListingText>,
    /// Delivers notices (inbox, preferences, email) and signs unsubscribe links.
    pub postman: Postman,
}

impl AppState {
    /// The client's address for throttling (see `auth::proxy`).
    pub fn client_address(&self, req: &actix_web::HttpRequest) -> String {
        crate::auth::proxy::client_address(
            req,
            self.settings.trust_proxy,
            &self.settings.trusted_proxies,
        )
    }

    /// Run `f` in one write transaction with the postman (the notices it delivers are rows
    /// of that transaction), then wake the mail worker: after commit, and only on success.
    /// The one shape of every operation that tells someone.
    pub async fn write_and_mail<T, F>(&self, f: F) -> Result<T, ApiError>
    where
        F: FnOnce(&mut DbConnection, &Postman) -> Result<T, ApiError> + Send + 'static,
        T: Send + 'static,
    {
        let postman = self.postman.clone();
        let v = self.db.write(move |conn| f(conn, &postman)).await?;
        self.mail_wake.notify_one();
        Ok(v)
    }

    /// Run `f` in one write transaction that changes listings (their index-change rows are
    /// part of it), then wake the search indexer: after commit, and only on success.
    pub async fn write_and_index<T, F>(&self, f: F) -> Result<T, ApiError>
    where
        F: FnOnce(&mut DbConnection) -> Result<T, ApiError> + Send + 'static,
        T: Send + 'static,
    {
        let v = self.db.write(f).await?;
        self.index_wake.notify_one();
        Ok(v)
    }

    /// Both: one write transaction that tells someone and changes listings (an
    /// organization's review), then both workers are woken after commit.
    pub async fn write_mail_and_index<T, F>(&self, f: F) -> Result<T, ApiError>
    where
        F: FnOnce(&mut DbConnection, &Postman) -> Result<T, ApiError> + Send + 'static,
        T: Send + 'static,
    {
        let v = self.write_and_mail(f).await?;
        self.index_wake.notify_one();
        Ok(v)
    }
}

/// Full-text lookup for list filters, provided by the matching engine, so that listings
/// need not know matching.
pub trait ListingText: Send + Sync {
    /// Ids of listings of `side` (`need` or `capability`) whose text contains the words of
    /// `text` as the engine reads them (`scandium` finds 钪), at most `max`.
    fn ids_containing(
        &self,
        side: &str,
        text: &str,
        max: usize,
    ) -> anyhow::Result<Vec<crate::db::ids::ListingId>>;
}
