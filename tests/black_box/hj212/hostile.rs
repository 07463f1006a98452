//! Hostile input is refused and counted by reason, answers carry the packet's QN, a packet
//! sent again is answered again and stored once, and the gateway keeps serving throughout.

use std::net::TcpStream;
use std::time::{Duration, Instant};

use crate::common::hj212::{
    exchange, frame, hourly_segment, Gateway, Ledger, StationFiles, DEADLINE, MN, PW,
};
use crate::common::server_process::free_port;

const NO_ANSWER_WAIT: Duration = Duration::from_millis(700);
const ANSWER_WAIT: Duration = Duration::from_secs(20);
const CONNECTIONS_MAX: usize = 50;
const CONNECTIONS_AT_ONCE: usize = 200;

fn refused(gateway: &Gateway, reason: &str) -> u64 {
    gateway.metric(&format!(
        "basin_ledger_hj212_refused_total{{reason=\"{reason}\"}}"
    ))
}

fn answer(data_time: &str) -> String {
    let segment = format!("QN={data_time}000;ST=91;CN=9014;PW={PW};MN={MN};Flag=4;CP=&&&&");
    String::from_utf8(frame(&segment)).unwrap()
}

#[test]
fn hostile_input_is_refused_and_counted_and_the_gateway_keeps_serving() {
    let files = StationFiles::new();
    let ledger = Ledger::start(Some(&files.public_key));
    let stations = files.write_for(&ledger);
    let spool = files.directory.path().join("spool");
    let gateway = Gateway::start(
        &stations,
        &spool,
        &ledger.url(),
        free_port(),
        &[
            "--connections-max",
            &CONNECTIONS_MAX.to_string(),
            "--frame-seconds",
            "2",
            "--idle-seconds",
            "60",
        ],
    );
    let mode =
        std::os::unix::fs::PermissionsExt::mode(&std::fs::metadata(&spool).unwrap().permissions());
    assert_eq!(
        mode & 0o777,
        0o700,
        "the spool folder is the gateway's alone"
    );
    let mut logger = TcpStream::connect(gateway.address()).unwrap();

    // A good packet, and the same packet sent again after a "lost" answer: answered twice.
    let good = frame(&hourly_segment(MN, PW, "20250701080000", 5));
    assert_eq!(
        exchange(&mut logger, &good, ANSWER_WAIT),
        answer("20250701080000")
    );
    assert_eq!(
        exchange(&mut logger, &good, ANSWER_WAIT),
        answer("20250701080000")
    );

    // The CRC in lowercase is the same CRC (a minute is chosen whose CRC has a letter).
    let (minute, lowercase) = (0..60)
        .map(|minute| {
            let text = String::from_utf8(frame(&hourly_segment(
                MN,
                PW,
                &format!("2025070109{minute:02}00"),
                5,
            )));
            (minute, text.unwrap())
        })
        .find(|(_, text)| {
            text[text.len() - 6..]
                .chars()
                .any(|c| c.is_ascii_uppercase())
        })
        .unwrap();
    let crc_at = lowercase.len() - 6;
    let lowercase = format!(
        "{}{}",
        &lowercase[..crc_at],
        lowercase[crc_at..].to_lowercase()
    );
    let lowercase_time = format!("2025070109{minute:02}00");
    assert_eq!(
        exchange(&mut logger, lowercase.as_bytes(), ANSWER_WAIT),
        answer(&lowercase_time)
    );

    // Refused on the same connection, with no answer: bad CRC, a length that lies, an
    // unknown MN, a wrong PW, a frame over 2,048 bytes, a megabyte without `\r\n`.
    let text = String::from_utf8(frame(&hourly_segment(MN, PW, "20250701100000", 5))).unwrap();
    let crc = &text[text.len() - 6..text.len() - 2];
    let wrong_crc = if crc == "0000" { "0001" } else { "0000" };
    let bad_crc = text.replace(&format!("{crc}\r\n"), &format!("{wrong_crc}\r\n"));
    let bad_length = format!("##{:04}{}", text.len() - 13, &text[6..]);
    let unknown_mn = frame(&hourly_segment("NOSUCHMN01", PW, "20250701100000", 5));
    let wrong_pw = frame(&hourly_segment(MN, "654321", "20250701100000", 5));
    let too_large = format!("##2100{}\r\n", "x".repeat(2_100));
    let mut megabyte = vec![b'A'; 1024 * 1024];
    megabyte.extend_from_slice(b"\r\n");
    for hostile in [
        bad_crc.as_bytes(),
        bad_length.as_bytes(),
        &unknown_mn,
        &wrong_pw,
        too_large.as_bytes(),
        &megabyte,
    ] {
        assert_eq!(exchange(&mut logger, hostile, NO_ANSWER_WAIT), "");
    }
    // The connection lives on.
    let after = frame(&hourly_segment(MN, PW, "20250701110000", 5));
    assert_eq!(
        exchange(&mut logger, &after, ANSWER_WAIT),
        answer("20250701110000")
    );
    for (reason, count) in [
        ("bad_crc", 1),
        ("bad_length", 1),
        ("unknown_mn", 1),
        ("wrong_pw", 1),
        ("too_large", 1),
        ("garbage", 1),
    ] {
        assert_eq!(refused(&gateway, reason), count, "{reason}");
    }
    assert_eq!(
        gateway.metric("basin_ledger_hj212_packets_total{outcome=\"stored\"}"),
        3
    );
    assert_eq!(
        gateway.metric("basin_ledger_hj212_packets_total{outcome=\"duplicate\"}"),
        1
    );
    assert_eq!(gateway.metric("basin_ledger_hj212_ignored_fields_total"), 8);
    drop(logger);

    // A slow sender: half a frame, then nothing. Closed after the frame time and counted.
    let mut slow = TcpStream::connect(gateway.address()).unwrap();
    let started = Instant::now();
    assert_eq!(exchange(&mut slow, &after[..20], DEADLINE), "");
    assert!(
        started.elapsed() < DEADLINE,
        "the gateway closed the slow connection"
    );
    assert_eq!(
        gateway.wait_for_metric(
            "basin_ledger_hj212_refused_total{reason=\"slow_sender\"}",
            1
        ),
        1
    );

    // 200 connections at once: the first 50 are served, the others closed and counted.
    let started = Instant::now();
    while gateway.metric("basin_ledger_hj212_connections") != 0 {
        assert!(started.elapsed() < DEADLINE);
        std::thread::sleep(Duration::from_millis(100));
    }
    let crowd: Vec<TcpStream> = (0..CONNECTIONS_AT_ONCE)
        .map(|_| TcpStream::connect(gateway.address()).unwrap())
        .collect();
    let over = (CONNECTIONS_AT_ONCE - CONNECTIONS_MAX) as u64;
    assert_eq!(
        gateway.wait_for_metric(
            "basin_ledger_hj212_refused_total{reason=\"too_many_connections\"}",
            over
        ),
        over
    );
    assert_eq!(
        gateway.metric("basin_ledger_hj212_connections"),
        CONNECTIONS_MAX as u64
    );
    drop(crowd);

    // Still serving, and every packet answered is in the ledger exactly once.
    let started = Instant::now();
    let last = frame(&hourly_segment(MN, PW, "20250701120000", 5));
    let reply = loop {
        let mut logger = TcpStream::connect(gateway.address()).unwrap();
        let reply = exchange(&mut logger, &last, ANSWER_WAIT);
        if !reply.is_empty() || started.elapsed() > DEADLINE {
            break reply;
        }
    };
    assert_eq!(reply, answer("20250701120000"));
    let readings = ledger.wait_for_readings(4);
    let times: Vec<&str> = readings
        .iter()
        .map(|r| r["sampled_at"].as_str().unwrap())
        .collect();
    assert_eq!(
        times,
        [
            "2025-07-01T00:00:00Z".to_owned(),
            format!("2025-07-01T01:{minute:02}:00Z"),
            "2025-07-01T03:00:00Z".to_owned(),
            "2025-07-01T04:00:00Z".to_owned()
        ]
    );
    for reading in &readings {
        assert_eq!(
            reading["values"],
            serde_json::json!({"nh3n": "0.270", "ph": "7.61"})
        );
        assert_eq!(reading["station"], "gubeikou-auto");
        assert!(reading["batch_id"].as_str().unwrap().starts_with("hj212-"));
    }
}

#[test]
fn both_versions_and_every_data_command_are_taken_and_only_a_reply_flag_is_answered() {
    let files = StationFiles::new();
    let ledger = Ledger::start(Some(&files.public_key));
    let stations = files.write_for(&ledger);
    let spool = files.directory.path().join("spool");
    let gateway = Gateway::start(&stations, &spool, &ledger.url(), free_port(), &[]);
    let mut logger = TcpStream::connect(gateway.address()).unwrap();
    let segment = |qn: &str, cn: &str, flag: u8, parameters: &str| {
        format!("QN={qn};ST=21;CN={cn};PW={PW};MN={MN};Flag={flag};CP=&&{parameters}&&")
    };
    // HJ 212-2025 (Flag=9): answered with the 2025 version and no reply wanted (Flag=8).
    let hourly_2025 = segment(
        "20250702080000001",
        "2061",
        9,
        "DataTime=20250702080000;w01009-Avg=7.51,w01009-Flag=N;w21011-Avg=0.018",
    );
    let answer_2025 = String::from_utf8(frame(&format!(
        "QN=20250702080000001;ST=91;CN=9014;PW={PW};MN={MN};Flag=8;CP=&&&&"
    )))
    .unwrap();
    assert_eq!(
        exchange(&mut logger, &frame(&hourly_2025), ANSWER_WAIT),
        answer_2025
    );
    // Flag=4 asks for no answer; the packet is still taken.
    let daily = segment(
        "20250703000000002",
        "2031",
        4,
        "DataTime=20250703000000;w21001-Avg=3.06",
    );
    assert_eq!(exchange(&mut logger, &frame(&daily), NO_ANSWER_WAIT), "");
    // Real-time data reads -Rtd (its -Avg, if any, is another field and ignored).
    let real_time = segment(
        "20250703080030003",
        "2011",
        5,
        "DataTime=20250703080030;w01001-Rtd=7.6,w01001-Flag=N;w01010-Rtd=24.4;w01001-Avg=9",
    );
    assert!(exchange(&mut logger, &frame(&real_time), ANSWER_WAIT)
        .contains("QN=20250703080030003;ST=91;CN=9014"));
    // Minute data, a split packet (Flag=7) and an unknown command.
    let minute = segment(
        "20250703081000004",
        "2051",
        5,
        "DataTime=20250703081000;w01014-Avg=636.3",
    );
    assert!(exchange(&mut logger, &frame(&minute), ANSWER_WAIT).contains("CN=9014"));
    let split = segment(
        "20250703082000005",
        "2051",
        7,
        "DataTime=20250703082000;w01014-Avg=1",
    );
    assert_eq!(exchange(&mut logger, &frame(&split), NO_ANSWER_WAIT), "");
    let other = segment("20250703083000006", "1062", 5, "RtdInterval=30");
    assert_eq!(exchange(&mut logger, &frame(&other), NO_ANSWER_WAIT), "");
    assert_eq!(refused(&gateway, "unsupported_flag"), 1);
    assert_eq!(refused(&gateway, "unsupported_command"), 1);
    assert_eq!(gateway.metric("basin_ledger_hj212_ignored_fields_total"), 1);

    let readings = ledger.wait_for_readings(4);
    let seen: Vec<(&str, &serde_json::Value)> = readings
        .iter()
        .map(|reading| (reading["sampled_at"].as_str().unwrap(), &reading["values"]))
        .collect();
    assert_eq!(
        seen,
        [
            (
                "2025-07-02T00:00:00Z",
                &serde_json::json!({"do": "7.51", "tp": "0.018"})
            ),
            ("2025-07-02T16:00:00Z", &serde_json::json!({"tn": "3.06"})),
            (
                "2025-07-03T00:00:30Z",
                &serde_json::json!({"ph": "7.6", "temp": "24.4"})
            ),
            (
                "2025-07-03T00:10:00Z",
                &serde_json::json!({"conductivity": "636.3"})
            ),
        ]
    );
}
