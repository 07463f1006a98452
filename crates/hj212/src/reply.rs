//! The data answer CN=9014 (HJ 212-2017 §6.6.2, 数据应答): the same QN, ST=91 (system
//! interaction), the station's PW and MN, the packet's protocol version and no reply wanted.

use crate::segment::Packet;

/// The data segment of the CN=9014 answer to `packet`.
pub fn data_reply(packet: &Packet) -> String {
    format!(
        "QN={};ST=91;CN=9014;PW={};MN={};Flag={};CP=&&&&",
        packet.qn,
        packet.password,
        packet.mn,
        packet.flag.reply_flag()
    )
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::segment::parse_segment;

    #[test]
    fn the_reply_carries_the_same_qn_and_the_packets_version() {
        let packet = parse_segment(
            "QN=20200701080500123;ST=21;CN=2061;PW=123456;MN=GBK0001;Flag=9;CP=&&DataTime=20200701080000&&",
        )
        .unwrap();
        assert_eq!(
            data_reply(&packet),
            "QN=20200701080500123;ST=91;CN=9014;PW=123456;MN=GBK0001;Flag=8;CP=&&&&"
        );
    }
}
