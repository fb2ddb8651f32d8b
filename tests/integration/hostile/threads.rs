// Eight std::thread workers: AC in Rust too.
fn main() {
    let handles: Vec<_> = (0..8)
        .map(|_| std::thread::spawn(|| (0..1_000_000u64).map(|i| i % 7).sum::<u64>()))
        .collect();
    let sum: u64 = handles.into_iter().map(|h| h.join().unwrap()).sum();
    println!("{}", if sum == 8 * 2_999_997 { "ok" } else { "wrong sum" });
}
