//! The route table: every endpoint is registered through it, so the same list serves
//! actix and the test that checks the OpenAPI document covers every route.

use actix_web::http::Method;
use actix_web::{FromRequest, Handler, HttpResponse, Responder, Route, web};

use crate::error::ApiError;

/// Routes grouped by path template, in registration order (more specific paths first).
#[derive(Default)]
pub struct RouteTable {
    resources: Vec<(&'static str, Vec<(Method, Route)>)>,
}

impl RouteTable {
    pub fn route<F, Args>(&mut self, method: Method, path: &'static str, handler: F)
    where
        F: Handler<Args>,
        Args: FromRequest + 'static,
        F::Output: Responder + 'static,
    {
        let route = web::method(method.clone()).to(handler);
        match self.resources.iter_mut().find(|(p, _)| *p == path) {
            Some((_, routes)) => routes.push((method, route)),
            None => self.resources.push((path, vec![(method, route)])),
        }
    }

    pub fn get<F, Args>(&mut self, path: &'static str, handler: F)
    where
        F: Handler<Args>,
        Args: FromRequest + 'static,
        F::Output: Responder + 'static,
    {
        self.route(Method::GET, path, handler);
    }

    pub fn post<F, Args>(&mut self, path: &'static str, handler: F)
    where
        F: Handler<Args>,
        Args: FromRequest + 'static,
        F::Output: Responder + 'static,
    {
        self.route(Method::POST, path, handler);
    }

    pub fn patch<F, Args>(&mut self, path: &'static str, handler: F)
    where
        F: Handler<Args>,
        Args: FromRequest + 'static,
        F::Output: Responder + 'static,
    {
        self.route(Method::PATCH, path, handler);
    }

    pub fn delete<F, Args>(&mut self, path: &'static str, handler: F)
    where
        F: Handler<Args>,
        Args: FromRequest + 'static,
        F::Output: Responder + 'static,
    {
        self.route(Method::DELETE, path, handler);
    }

    /// Every (method, path template) registered.
    pub fn endpoints(&self) -> Vec<(Method, &'static str)> {
        self.resources
            .iter()
            .flat_map(|(path, routes)| routes.iter().map(|(m, _)| (m.clone(), *path)))
            .collect()
    }

    /// Register with actix; a known path with an unknown method answers 405 with `Allow`.
    pub fn register(self, cfg: &mut web::ServiceConfig) {
        for (path, routes) in self.resources {
            let allow = routes
                .iter()
                .map(|(m, _)| m.as_str())
                .collect::<Vec<_>>()
                .join(", ");
            let mut resource = web::resource(path);
            for (_, route) in routes {
                resource = resource.route(route);
            }
            resource = resource.default_service(web::to(move || {
                let allow = allow.clone();
                async move { Err::<HttpResponse, _>(ApiError::MethodNotAllowed { allow }) }
            }));
            cfg.service(resource);
        }
    }
}

/// Fallback for paths no route matches.
pub async fn not_found() -> Result<HttpResponse, ApiError> {
    Err(ApiError::NotFound)
}
