/// The allocator the `polic` binary ships with, so that figures match what users run.
#[global_allocator]
static ALLOCATOR: mimalloc::MiMalloc = mimalloc::MiMalloc;
fn main() {
    let files = polic_tests::generate::workspace(100_000);
    let t = std::time::Instant::now();
    for _ in 0..10 {
        for (_, text) in &files {
            std::hint::black_box(polic_syntax::lexer::lex(text));
        }
    }
    println!("lex {:?}", t.elapsed() / 10);
    let t = std::time::Instant::now();
    for _ in 0..10 {
        for (_, text) in &files {
            std::hint::black_box(polic_syntax::parse(text));
        }
    }
    println!("parse {:?}", t.elapsed() / 10);
    let t = std::time::Instant::now();
    for _ in 0..1000 {
        std::hint::black_box(polic_syntax::parse(""));
    }
    println!("empty parse x1000 {:?}", t.elapsed());
    let t = std::time::Instant::now();
    for _ in 0..10 {
        let db = polic_sema::Database::default();
        let ws = db.workspace(files.clone(), polic_tests::TODAY);
        std::hint::black_box(polic_sema::check(&db, ws));
    }
    println!("check {:?}", t.elapsed() / 10);
}
