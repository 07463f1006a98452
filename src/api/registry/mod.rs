//! Registry endpoints: admin writes, any token reads.

mod basins;
mod jurisdictions;
mod sections;
mod station_keys;
mod stations;

use actix_web::HttpResponse;
use serde::Serialize;
use utoipa_actix_web::service_config::ServiceConfig;

pub fn configure(config: &mut ServiceConfig) {
    config
        .service(jurisdictions::create)
        .service(jurisdictions::list)
        .service(jurisdictions::get)
        .service(jurisdictions::add_key)
        .service(jurisdictions::retire_key)
        .service(basins::create)
        .service(basins::list)
        .service(basins::get)
        .service(sections::create)
        .service(sections::list)
        .service(sections::get)
        .service(stations::create)
        .service(stations::list)
        .service(stations::get)
        .service(station_keys::add_key)
        .service(station_keys::retire_key);
}

/// 201 with the resource as `GET` returns it and where to find it.
fn created<T: Serialize>(location: String, resource: &T) -> HttpResponse {
    HttpResponse::Created()
        .insert_header((actix_web::http::header::LOCATION, location))
        .json(resource)
}
