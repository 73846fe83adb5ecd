//! `bareflow demo`: exercises Rust std on the current platform (issue A). Being written.

pub fn main(_args: &[String]) -> i32 {
    println!("bareflow demo");
    0
}
