//! Malformed inputs handed to the binary, answered as the real tools answer
//! them (expected texts from iproute2 6.1's ss over the same input).

use std::process::Command;

const BIN: &str = env!("CARGO_BIN_EXE_sockbox");

#[test]
fn tcpdiag_file_error_of_int_min_is_reported_like_ss() {
    let dir = std::env::temp_dir().join(format!("sockbox-malformed-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    let file = dir.join("tcpdiag");
    // One NLMSG_ERROR (36 bytes) whose error is INT_MIN.
    let mut msg = Vec::new();
    msg.extend_from_slice(&36u32.to_ne_bytes());
    msg.extend_from_slice(&2u16.to_ne_bytes());
    msg.extend_from_slice(&[0; 10]);
    msg.extend_from_slice(&i32::MIN.to_ne_bytes());
    msg.extend_from_slice(&[0; 16]);
    std::fs::write(&file, &msg).unwrap();
    let out = Command::new(BIN)
        .args(["ss", "-t"])
        .env("TCPDIAG_FILE", &file)
        .env_remove("SOCKBOX_ROOT")
        .output()
        .unwrap();
    std::fs::remove_dir_all(&dir).unwrap();
    assert_eq!(
        String::from_utf8_lossy(&out.stderr),
        "TCPDIAG answered: Unknown error -2147483648\n"
    );
    assert_eq!(out.status.code(), Some(0));
}
