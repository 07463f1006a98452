//! The data segment: `QN=…;ST=…;CN=…;PW=…;MN=…;Flag=…;CP=&&…&&` (HJ 212-2017 §6.3.2). The
//! header fields are `;`-separated `key=value` pairs; the command parameters between `CP=&&`
//! and the final `&&` are `key=value` pairs separated by `;` (groups) and `,` (within a group).

/// Longest QN: `YYYYMMDDhhmmsszzz` is 17 digits; a little room for loggers that pad it.
const QN_CHARACTERS_MAX: usize = 20;
/// Longest MN: 24 characters in 2017, 27 in some 2025 loggers; a little room above that.
const MN_CHARACTERS_MAX: usize = 32;
/// Longest PW: 6 characters in the standard.
const PW_CHARACTERS_MAX: usize = 16;
/// Most command parameters in one packet (a 2,048-byte frame holds fewer).
const PARAMETERS_MAX: usize = 512;

/// The data commands the gateway takes (HJ 212-2017 Table 4).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Command {
    /// 2011: real-time data (`-Rtd`).
    RealTime,
    /// 2051: minute data (`-Avg`).
    Minute,
    /// 2061: hourly data (`-Avg`).
    Hourly,
    /// 2031: daily data (`-Avg`).
    Daily,
}

impl Command {
    pub fn parse(text: &str) -> Option<Self> {
        match text {
            "2011" => Some(Self::RealTime),
            "2051" => Some(Self::Minute),
            "2061" => Some(Self::Hourly),
            "2031" => Some(Self::Daily),
            _ => None,
        }
    }

    pub fn code(self) -> &'static str {
        match self {
            Self::RealTime => "2011",
            Self::Minute => "2051",
            Self::Hourly => "2061",
            Self::Daily => "2031",
        }
    }

    /// The field suffix that carries the value (`w01001-Rtd`, `w01001-Avg`).
    pub fn value_suffix(self) -> &'static str {
        match self {
            Self::RealTime => "Rtd",
            _ => "Avg",
        }
    }
}

/// The packet's Flag: bits 7..2 the protocol version (1 = 2017, 2 = 2025), bit 1 "split into
/// numbered packets", bit 0 "answer me" (HJ 212-2017 §6.3.2, Table 3).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Flag(u8);

impl Flag {
    /// The flags real surface-water stations send: version 1 or 2, not split.
    pub fn parse(text: &str) -> Option<Self> {
        if text.is_empty() || text.len() > 3 || !text.bytes().all(|byte| byte.is_ascii_digit()) {
            return None;
        }
        let value: u8 = text.parse().ok()?;
        let version = value >> 2;
        let split = value & 0b10 != 0;
        ((version == 1 || version == 2) && !split).then_some(Self(value))
    }

    pub fn wants_reply(self) -> bool {
        self.0 & 1 == 1
    }

    /// The Flag of our reply: the same version, no reply wanted.
    pub fn reply_flag(self) -> u8 {
        self.0 & !0b11
    }

    /// 1 for HJ 212-2017, 2 for HJ 212-2025.
    pub fn version(self) -> u8 {
        self.0 >> 2
    }
}

/// A parsed data packet. Parameter values are kept as the packet's text.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Packet {
    pub qn: String,
    pub st: String,
    pub command: Command,
    pub password: String,
    pub mn: String,
    pub flag: Flag,
    /// The command parameters in packet order, `DataTime` included.
    pub parameters: Vec<(String, String)>,
}

#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum SegmentError {
    #[error("field {0} is missing")]
    Missing(&'static str),
    #[error("field {0} appears twice")]
    Repeated(String),
    #[error("field {0} is malformed")]
    Malformed(&'static str),
    #[error("command CN={0} is not a data upload the gateway takes (2011, 2051, 2061, 2031)")]
    UnsupportedCommand(String),
    #[error("Flag={0} is not version 1 (2017) or 2 (2025) without packet splitting")]
    UnsupportedFlag(String),
    #[error("the command parameters are not `CP=&&…&&`")]
    BadParameters,
}

impl SegmentError {
    pub fn label(&self) -> &'static str {
        match self {
            Self::UnsupportedCommand(_) => "unsupported_command",
            Self::UnsupportedFlag(_) => "unsupported_flag",
            _ => "bad_segment",
        }
    }
}

fn is_short_token(text: &str, characters_max: usize) -> bool {
    !text.is_empty()
        && text.len() <= characters_max
        && text.bytes().all(|byte| byte.is_ascii_alphanumeric())
}

/// Parses a data segment (the frame's checks already passed).
pub fn parse_segment(segment: &str) -> Result<Packet, SegmentError> {
    let (header, parameters) = segment
        .split_once("CP=&&")
        .ok_or(SegmentError::Missing("CP"))?;
    let parameters = parameters
        .strip_suffix("&&")
        .ok_or(SegmentError::BadParameters)?;
    let mut fields: [Option<&str>; 6] = [None; 6];
    const NAMES: [&str; 6] = ["QN", "ST", "CN", "PW", "MN", "Flag"];
    for field in header.split(';').filter(|field| !field.is_empty()) {
        let (key, value) = field
            .split_once('=')
            .ok_or(SegmentError::Malformed("header"))?;
        // Other header fields (PNUM, PNO) belong to split packets, which Flag refuses.
        if let Some(index) = NAMES.iter().position(|name| *name == key) {
            if fields[index].replace(value).is_some() {
                return Err(SegmentError::Repeated(key.to_owned()));
            }
        }
    }
    let [qn, st, cn, pw, mn, flag] = fields;
    let qn = qn.ok_or(SegmentError::Missing("QN"))?;
    let st = st.ok_or(SegmentError::Missing("ST"))?;
    let cn = cn.ok_or(SegmentError::Missing("CN"))?;
    let pw = pw.ok_or(SegmentError::Missing("PW"))?;
    let mn = mn.ok_or(SegmentError::Missing("MN"))?;
    let flag = flag.ok_or(SegmentError::Missing("Flag"))?;
    if qn.len() > QN_CHARACTERS_MAX || qn.is_empty() || !qn.bytes().all(|b| b.is_ascii_digit()) {
        return Err(SegmentError::Malformed("QN"));
    }
    if st.len() != 2 || !st.bytes().all(|byte| byte.is_ascii_digit()) {
        return Err(SegmentError::Malformed("ST"));
    }
    if !is_short_token(mn, MN_CHARACTERS_MAX) {
        return Err(SegmentError::Malformed("MN"));
    }
    if !is_short_token(pw, PW_CHARACTERS_MAX) {
        return Err(SegmentError::Malformed("PW"));
    }
    let command =
        Command::parse(cn).ok_or_else(|| SegmentError::UnsupportedCommand(cn.to_owned()))?;
    let flag = Flag::parse(flag).ok_or_else(|| SegmentError::UnsupportedFlag(flag.to_owned()))?;
    let mut pairs = Vec::new();
    for pair in parameters.split([';', ',']).filter(|pair| !pair.is_empty()) {
        if pairs.len() == PARAMETERS_MAX {
            return Err(SegmentError::BadParameters);
        }
        let (key, value) = pair.split_once('=').ok_or(SegmentError::BadParameters)?;
        if key.is_empty() || pairs.iter().any(|(seen, _): &(String, String)| seen == key) {
            return Err(SegmentError::Repeated(key.to_owned()));
        }
        pairs.push((key.to_owned(), value.to_owned()));
    }
    Ok(Packet {
        qn: qn.to_owned(),
        st: st.to_owned(),
        command,
        password: pw.to_owned(),
        mn: mn.to_owned(),
        flag,
        parameters: pairs,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    const HOURLY: &str = "QN=20200701080500000;ST=21;CN=2061;PW=123456;MN=GBK0001;Flag=5;\
        CP=&&DataTime=20200701080000;w01001-Avg=7.61,w01001-Flag=N;w21003-Avg=0.27,w21003-Flag=N&&";

    #[test]
    fn an_hourly_packet_parses_with_its_parameters_in_order() {
        let packet = parse_segment(HOURLY).unwrap();
        assert_eq!(packet.qn, "20200701080500000");
        assert_eq!(packet.command, Command::Hourly);
        assert_eq!(packet.mn, "GBK0001");
        assert!(packet.flag.wants_reply());
        assert_eq!(packet.flag.version(), 1);
        assert_eq!(
            packet.parameters[0],
            ("DataTime".into(), "20200701080000".into())
        );
        assert_eq!(packet.parameters.len(), 5);
    }

    #[test]
    fn flags_4_5_8_9_are_taken_and_split_or_unknown_versions_are_not() {
        for (text, reply, version) in [
            ("4", false, 1),
            ("5", true, 1),
            ("8", false, 2),
            ("9", true, 2),
        ] {
            let flag = Flag::parse(text).unwrap();
            assert_eq!((flag.wants_reply(), flag.version()), (reply, version));
        }
        for text in ["0", "1", "6", "7", "12", "13", "", "x", "0005"] {
            assert_eq!(Flag::parse(text), None, "{text}");
        }
        assert_eq!(Flag::parse("9").unwrap().reply_flag(), 8);
    }

    #[test]
    fn other_commands_missing_or_repeated_fields_are_refused() {
        let other = HOURLY.replace("CN=2061", "CN=1062");
        assert!(matches!(
            parse_segment(&other),
            Err(SegmentError::UnsupportedCommand(_))
        ));
        let repeated = HOURLY.replace("PW=123456;", "PW=123456;PW=1;");
        assert!(matches!(
            parse_segment(&repeated),
            Err(SegmentError::Repeated(_))
        ));
        let missing = HOURLY.replace("MN=GBK0001;", "");
        assert_eq!(parse_segment(&missing), Err(SegmentError::Missing("MN")));
        let unterminated = HOURLY.trim_end_matches('&');
        assert_eq!(
            parse_segment(unterminated),
            Err(SegmentError::BadParameters)
        );
    }
}
