//! Formatting the generated workspaces, every file parsed and laid out:
//! `cargo bench -p polic-fmt`; sizes in lines. The target is under 200 ms for 100,000.

fn main() {
    divan::main();
}

#[divan::bench(args = [10_000, 100_000], sample_count = 20)]
fn format_workspace(bencher: divan::Bencher, lines: usize) {
    let files = polic_tests::generate::workspace(lines);
    let options = polic_fmt::Options::default();
    bencher
        .counter(divan::counter::ItemsCount::new(lines))
        .bench(|| {
            files
                .iter()
                .map(|(_, text)| polic_fmt::format(text, &options).map(|t| t.len()))
                .collect::<Result<Vec<usize>, _>>()
                .expect("the generated workspace has no syntax errors")
        });
}
