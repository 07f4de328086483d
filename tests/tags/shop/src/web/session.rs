use std::time::Duration;

/// Idle sessions end after fifteen minutes.
// polic: implements session-timout
pub const IDLE: Duration = Duration::from_secs(15 * 60);

pub fn expired(idle: Duration) -> bool {
    let message = "// polic: implements nothing-here";
    let _ = message;
    idle > IDLE // polic: implements session-timeout.idle-timeout
}
