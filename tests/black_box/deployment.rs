//! The compose file wires the server to PostgreSQL with health checks and persistent volumes,
//! and runs the HJ 212 gateway beside the server.

#![allow(clippy::unwrap_used, clippy::expect_used)] // Test code: a panic is how a test fails.

use serde_yaml::Value;

fn compose() -> Value {
    serde_yaml::from_str(include_str!("../../docker-compose.yml"))
        .expect("docker-compose.yml is YAML")
}

#[test]
fn the_ledger_service_uses_the_postgres_service_by_database_url() {
    let compose = compose();
    let services = compose["services"].as_mapping().expect("services");
    assert_eq!(services.len(), 5);
    let ledger = &compose["services"]["ledger"];
    assert_eq!(ledger["build"]["context"], Value::from("."));
    assert_eq!(ledger["build"]["target"], Value::from("ledger"));
    let url = ledger["environment"]["DATABASE_URL"]
        .as_str()
        .expect("DATABASE_URL");
    assert!(url.starts_with("postgres://ledger:"), "{url}");
    assert!(url.ends_with("@db:5432/ledger"), "{url}");
    assert_eq!(
        compose["services"]["db"]["environment"]["POSTGRES_DB"],
        Value::from("ledger")
    );
    assert_eq!(
        ledger["depends_on"]["db"]["condition"],
        Value::from("service_healthy")
    );
    assert_eq!(ledger["environment"]["BIND"], Value::from("0.0.0.0:8080"));
}

#[test]
fn both_services_have_healthchecks_and_volumes() {
    let compose = compose();
    let ledger_check: Vec<_> = compose["services"]["ledger"]["healthcheck"]["test"]
        .as_sequence()
        .expect("ledger healthcheck")
        .iter()
        .filter_map(Value::as_str)
        .collect();
    assert!(
        ledger_check
            .iter()
            .any(|part| part.ends_with(":8080/healthz")),
        "{ledger_check:?}"
    );
    let db_check = compose["services"]["db"]["healthcheck"]["test"][1]
        .as_str()
        .expect("db healthcheck");
    assert!(db_check.starts_with("pg_isready"), "{db_check}");
    for (service, volume) in [
        ("db", "ledger-db:/var/lib/postgresql/data"),
        ("ledger", "ledger-keys:/var/lib/basin-ledger"),
    ] {
        let volumes = compose["services"][service]["volumes"]
            .as_sequence()
            .expect("volumes");
        assert!(
            volumes.contains(&Value::from(volume)),
            "{service}: {volumes:?}"
        );
    }
    assert!(compose["volumes"]
        .as_mapping()
        .is_some_and(|volumes| volumes.len() == 5));
}

#[test]
fn the_gateway_service_posts_to_the_ledger_service_and_keeps_its_spool() {
    let compose = compose();
    let gateway = &compose["services"]["gateway"];
    assert_eq!(gateway["build"]["context"], Value::from("."));
    assert_eq!(gateway["build"]["target"], Value::from("ledger"));
    assert_eq!(
        gateway["command"],
        serde_yaml::from_str::<Value>("[hj212, serve]").unwrap()
    );
    let environment = &gateway["environment"];
    assert_eq!(
        environment["HJ212_LEDGER_URL"],
        Value::from("http://ledger:8080")
    );
    assert_eq!(environment["HJ212_BIND"], Value::from("0.0.0.0:6000"));
    assert_eq!(
        environment["HJ212_SPOOL"],
        Value::from("/var/lib/basin-ledger/spool")
    );
    let stations = environment["HJ212_STATIONS_FILE"].as_str().unwrap();
    assert_eq!(
        gateway["depends_on"]["ledger"]["condition"],
        Value::from("service_healthy")
    );
    let ports = gateway["ports"].as_sequence().unwrap();
    assert!(ports.contains(&Value::from("6000:6000")), "{ports:?}");
    let volumes = gateway["volumes"].as_sequence().unwrap();
    assert!(volumes.contains(&Value::from("gateway-spool:/var/lib/basin-ledger")));
    let stations_folder = std::path::Path::new(stations).parent().unwrap();
    assert!(
        volumes.contains(&Value::from(format!(
            "./hj212:{}:ro",
            stations_folder.display()
        ))),
        "{volumes:?}"
    );
    let check: Vec<_> = gateway["healthcheck"]["test"]
        .as_sequence()
        .unwrap()
        .iter()
        .filter_map(Value::as_str)
        .collect();
    let metrics = environment["HJ212_METRICS_BIND"].as_str().unwrap();
    let metrics_port = metrics.rsplit(':').next().unwrap();
    assert!(
        check
            .iter()
            .any(|part| part.ends_with(&format!(":{metrics_port}/metrics"))),
        "{check:?}"
    );
}

#[test]
fn a_witness_per_province_runs_from_the_witness_target_and_watches_the_ledger() {
    let compose = compose();
    let dockerfile = include_str!("../../Dockerfile");
    assert!(dockerfile.contains("AS witness") && dockerfile.contains("USER witness"));
    assert!(dockerfile.contains("witness-entrypoint.sh"));
    let mut ports = Vec::new();
    for (service, volume) in [
        ("witness-beijing", "witness-beijing:/var/lib/basin-witness"),
        ("witness-hebei", "witness-hebei:/var/lib/basin-witness"),
    ] {
        let witness = &compose["services"][service];
        assert_eq!(
            witness["build"]["target"],
            Value::from("witness"),
            "{service}"
        );
        assert_eq!(
            witness["environment"]["LEDGER_URL"],
            Value::from("http://ledger:8080"),
            "{service}"
        );
        assert_eq!(
            witness["depends_on"]["ledger"]["condition"],
            Value::from("service_healthy")
        );
        assert!(witness["healthcheck"]["test"][1]
            .as_str()
            .is_some_and(|check| check.contains(":8090/")));
        assert!(witness["volumes"]
            .as_sequence()
            .is_some_and(|volumes| volumes.contains(&Value::from(volume))));
        ports.push(witness["ports"][0].as_str().unwrap().to_owned());
    }
    assert_ne!(ports[0], ports[1], "each witness on its own port");
}

#[test]
fn the_dockerfile_builds_the_locked_binary_and_checks_health() {
    let dockerfile = include_str!("../../Dockerfile");
    assert!(dockerfile.contains("cargo build --release --locked"));
    assert!(dockerfile.contains("HEALTHCHECK"));
    assert!(
        dockerfile.contains("USER ledger"),
        "the server does not run as root"
    );
}
