// What a Rust program sees of the toolchain: no /root/.cargo, and of /root/.rustup only one
// toolchain with only bin/rustc and lib/ (its settings, downloads and other toolchains stay
// hidden); /usr/local is empty. Prints "ok", or the first thing seen.
use std::fs;
use std::path::Path;

fn names(p: &Path) -> Vec<String> {
    let mut v: Vec<String> = match fs::read_dir(p) {
        Ok(d) => d.filter_map(|e| e.ok()).map(|e| e.file_name().to_string_lossy().into_owned()).collect(),
        Err(_) => Vec::new(),
    };
    v.sort();
    v
}

fn check() -> Result<(), String> {
    if Path::new("/root/.cargo").exists() {
        return Err(format!("/root/.cargo: {:?}", names(Path::new("/root/.cargo"))));
    }
    let local = names(Path::new("/usr/local"));
    if !local.is_empty() {
        return Err(format!("/usr/local: {:?}", local));
    }
    let root = names(Path::new("/root"));
    if root.iter().any(|n| n != ".rustup") {
        return Err(format!("/root: {:?}", root));
    }
    let rustup = Path::new("/root/.rustup");
    if rustup.exists() {
        let top = names(rustup);
        if top != vec!["toolchains".to_string()] {
            return Err(format!("/root/.rustup: {:?}", top));
        }
        let tcs = names(&rustup.join("toolchains"));
        if tcs.len() != 1 {
            return Err(format!("/root/.rustup/toolchains: {:?}", tcs));
        }
        let tc = rustup.join("toolchains").join(&tcs[0]);
        let inside = names(&tc);
        if inside != vec!["bin".to_string(), "lib".to_string()] {
            return Err(format!("{}: {:?}", tc.display(), inside));
        }
        let bin = names(&tc.join("bin"));
        if bin != vec!["rustc".to_string()] {
            return Err(format!("{}/bin: {:?}", tc.display(), bin));
        }
    }
    Ok(())
}

fn main() {
    match check() {
        Ok(()) => println!("ok"),
        Err(e) => println!("{}", e),
    }
}
