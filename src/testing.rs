//! What the unit tests of several modules share.

/// A stream of pseudo-random numbers (xorshift64) from `state`, for random inputs a failing
/// test can replay.
pub fn xorshift(mut state: u64) -> impl FnMut() -> u64 {
    move || {
        state ^= state << 13;
        state ^= state >> 7;
        state ^= state << 17;
        state
    }
}
