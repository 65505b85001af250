//! What the service exposes beyond the API: the throttle key behind proxies cannot be
//! forged, and `/metrics` is served on a listener of its own only.

use serde_json::json;

use crate::helpers::{TestApp, assert_problem, spawn_app, spawn_app_with};

/// Register through a proxy that appended `proxy` to what the client wrote.
async fn register_via(app: &TestApp, n: usize, forwarded: &str) -> u16 {
    app.client
        .post(app.url("/api/v1/auth/register"))
        .header("X-Forwarded-For", forwarded)
        .json(
            &json!({"email": format!("user{n}@example.com"), "password": crate::helpers::PASSWORD,
                      "display_name": "User", "locale": "en"}),
        )
        .send()
        .await
        .unwrap()
        .status()
        .as_u16()
}

#[tokio::test]
async fn behind_a_proxy_the_throttle_key_is_the_hop_the_proxy_wrote_not_the_clients() {
    // Registration allows 2 x 2 = 4 a minute per address.
    let app = spawn_app_with(|s| {
        s.trust_proxy = true;
        s.auth.login_attempts_per_minute = 2;
    })
    .await;
    let mut statuses = Vec::new();
    for n in 0..5 {
        // The client varies the first hop; our proxy appends the address it saw.
        statuses.push(register_via(&app, n, &format!("10.9.9.{n}, 203.0.113.7")).await);
    }
    assert_eq!(
        statuses,
        [201, 201, 201, 201, 429],
        "a forged first hop escaped the throttle"
    );
}

#[tokio::test]
async fn hops_of_trusted_proxies_are_skipped_from_the_right() {
    let app = spawn_app_with(|s| {
        s.trust_proxy = true;
        s.auth.login_attempts_per_minute = 2;
        s.trusted_proxies = collab_registry::net::parse_list("203.0.113.0/24").unwrap();
    })
    .await;
    // Distinct clients behind the trusted load balancer each have their own quota.
    for n in 0..5 {
        let status = register_via(&app, n, &format!("198.51.100.{n}, 203.0.113.7")).await;
        assert_eq!(status, 201, "client {n}");
    }
    // One client forging hops to the left of the balancer's is still one client.
    let mut statuses = Vec::new();
    for n in 5..10 {
        statuses
            .push(register_via(&app, n, &format!("6.6.6.{n}, 198.51.100.200, 203.0.113.7")).await);
    }
    assert_eq!(statuses, [201, 201, 201, 201, 429]);
}

#[tokio::test]
async fn metrics_are_served_on_their_own_listener_only() {
    let app = spawn_app().await;
    // Not on the API port, to anyone.
    assert_problem(app.get("/metrics").await, 404, "not_found").await;
    let bureau = app.bureau_admin().await;
    assert_problem(
        app.get_as("/metrics", &bureau.access).await,
        404,
        "not_found",
    )
    .await;
    // On the metrics listener, and nothing else is there.
    assert!(app.metrics().await.contains("http_requests_total"));
    let res = app
        .client
        .get(format!("{}/api/v1/organizations", app.metrics_address))
        .send()
        .await
        .unwrap();
    assert_eq!(res.status().as_u16(), 404);
    // Loopback by default.
    assert!(
        collab_registry::config::Settings::default()
            .metrics_addr
            .ip()
            .is_loopback()
    );
}

#[test]
fn the_metrics_address_must_differ_from_the_api_address() {
    let vars = [
        ("COLLAB_LISTEN_ADDR", "127.0.0.1:8080"),
        ("COLLAB_METRICS_ADDR", "127.0.0.1:8080"),
    ]
    .into_iter()
    .map(|(k, v)| (k.to_owned(), v.to_owned()))
    .collect();
    let err = collab_registry::config::Settings::from_vars(vars).unwrap_err();
    assert_eq!(err.var, "COLLAB_METRICS_ADDR");
    let vars = [("COLLAB_TRUSTED_PROXIES", "10.0.0.0/8, proxy.internal")]
        .into_iter()
        .map(|(k, v)| (k.to_owned(), v.to_owned()))
        .collect();
    let err = collab_registry::config::Settings::from_vars(vars).unwrap_err();
    assert_eq!(err.var, "COLLAB_TRUSTED_PROXIES");
}
