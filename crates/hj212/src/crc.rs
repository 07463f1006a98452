//! The CRC of HJ 212-2017 Appendix A. It is not the Modbus CRC-16 (which shifts the whole byte
//! through the register): here each byte enters as `crc = (crc >> 8) ^ byte`, then eight
//! shifts with the polynomial 0xA001 (API.md, "HJ 212 gateway").

/// The register's start value.
const CRC_INITIAL: u16 = 0xFFFF;
/// The reflected generator polynomial.
const CRC_POLYNOMIAL: u16 = 0xA001;

/// CRC16 of the data segment's bytes, as Appendix A computes it.
pub fn crc16(bytes: &[u8]) -> u16 {
    let mut crc = CRC_INITIAL;
    for byte in bytes {
        crc = (crc >> 8) ^ u16::from(*byte);
        for _ in 0..8 {
            let carry = crc & 1 == 1;
            crc >>= 1;
            if carry {
                crc ^= CRC_POLYNOMIAL;
            }
        }
    }
    crc
}

/// The CRC as the frame carries it: four uppercase hex digits.
pub fn crc_text(bytes: &[u8]) -> String {
    format!("{:04X}", crc16(bytes))
}

/// Whether `text` is four hex digits (either case) equal to the segment's CRC.
pub fn crc_matches(segment: &[u8], text: &[u8]) -> bool {
    let Ok(text) = std::str::from_utf8(text) else {
        return false;
    };
    text.len() == 4
        && text.bytes().all(|byte| byte.is_ascii_hexdigit())
        && u16::from_str_radix(text, 16).is_ok_and(|crc| crc == crc16(segment))
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The standard's example data segment (API.md quotes it): length 0101, CRC 1C80.
    pub const STANDARD_SEGMENT: &str = "QN=20160801085857223;ST=32;CN=1062;PW=100000;\
        MN=010000A8900016F000169DC0;Flag=5;CP=&&RtdInterval=30&&";

    #[test]
    fn the_standard_example_segment_has_length_0101_and_crc_1c80() {
        assert_eq!(STANDARD_SEGMENT.len(), 101);
        assert_eq!(crc16(STANDARD_SEGMENT.as_bytes()), 0x1C80);
        assert_eq!(crc_text(STANDARD_SEGMENT.as_bytes()), "1C80");
    }

    #[test]
    fn a_lowercase_crc_matches_and_a_wrong_one_does_not() {
        let segment = STANDARD_SEGMENT.as_bytes();
        assert!(crc_matches(segment, b"1c80"));
        assert!(crc_matches(segment, b"1C80"));
        assert!(!crc_matches(segment, b"1C81"));
        assert!(!crc_matches(segment, b"+C80"));
        assert!(!crc_matches(segment, b"1C8"));
    }

    #[test]
    fn it_is_not_the_modbus_crc() {
        // Modbus CRC-16 of "123456789" is 0x4B37; Appendix A gives another value.
        assert_ne!(crc16(b"123456789"), 0x4B37);
    }
}
