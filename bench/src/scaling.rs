//! Cost per event against entries held (see main.rs `--scaling`).

pub fn print() {
    println!("not yet");
}
